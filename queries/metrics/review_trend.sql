-- Per week or month and platform: reviews, mean rating and the share of negative reviews.
with

reviews as (select * from reviews_in($start, $end, $f)),

final as (
    select
        date_trunc($grain, posted_date)::date as period,
        platform,
        count(*) as reviews,
        avg(rating) as rating_avg,
        pct_true(is_negative_review(rating)) as negative_pct,
        pct_true(replied_at is not null) as reply_pct
    from reviews
    group by all
    order by period, platform
)

select * from final
