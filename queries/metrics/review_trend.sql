-- Per week or month and platform: reviews, mean rating and the share of negative reviews.
with

reviews as (select * from reviews_in($start, $end, $f)),

-- A period cut by the window's first or last day is partial (its few days read as a spike).
window_bounds as (select * from window_days($start, $end)),

per_period as (
    select
        date_trunc($grain, posted_date)::date as period,
        platform,
        count(*) as reviews,
        avg(rating) as rating_avg,
        pct_true(is_negative_review(rating)) as negative_pct,
        pct_true(replied_at is not null) as reply_pct
    from reviews
    group by all
),

final as (
    select
        p.*,
        p.period < w.start_day or (p.period + case when $grain = 'week' then interval 7 day
            else interval 1 month end - interval 1 day)::date > w.end_day as is_partial
    from per_period as p
    cross join window_bounds as w
    order by p.period, p.platform
)

select * from final
