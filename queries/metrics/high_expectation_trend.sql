-- Per week or month: active customers and how many of them are high-expectation
-- customers (their status as of the window's end).
with

activity as (
    select customer_key, submitted_date as day from surveys_in($start, $end, $f)
    union all
    select customer_key, created_date from tickets_in($start, $end, $f)
    union all
    select customer_key, posted_date from reviews_in($start, $end, $f) where customer_key is not null
),

signals as (select customer_key, is_high_expectation from he_signals($end)),

per_period as (
    select distinct date_trunc($grain, day)::date as period, customer_key from activity
),

-- A period cut by the window's first or last day is partial (its few days read as a spike).
window_bounds as (select * from window_days($start, $end)),

final as (
    select
        p.period,
        count(*) as active_customers,
        count(*) filter (where s.is_high_expectation) as high_expectation_customers,
        pct_true(coalesce(s.is_high_expectation, false)) as high_expectation_pct,
        any_value(p.period < w.start_day or (p.period + case when $grain = 'week' then interval 7 day
            else interval 1 month end - interval 1 day)::date > w.end_day) as is_partial
    from per_period as p
    cross join window_bounds as w
    left join signals as s on p.customer_key = s.customer_key
    group by p.period
    order by p.period
)

select * from final
