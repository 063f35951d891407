-- Recovery rate per week or month ($grain: 'week' or 'month') of failure creation.
with

failures as (select * from failures_in($start, $end, $f)),

-- A period cut by the window's first or last day is partial (its few days read as a spike).
window_bounds as (select * from window_days($start, $end)),

per_period as (
    select
        date_trunc($grain, created_date)::date as period,
        count(*) as failures,
        count(outcome) as with_outcome,
        pct_true(is_recovered(outcome)) as recovery_pct
    from failures
    group by all
),

final as (
    select
        p.*,
        p.period < w.start_day or (p.period + case when $grain = 'week' then interval 7 day
            else interval 1 month end - interval 1 day)::date > w.end_day as is_partial
    from per_period as p
    cross join window_bounds as w
    order by p.period
)

select * from final
