-- Reviews of the window per platform: volume, rating, negatives, replies, reach.
with

reviews as (select * from reviews_in($start, $end, $f)),

final as (
    select
        platform,
        count(*) as reviews,
        avg(rating) as rating_avg,
        pct_true(is_negative_review(rating)) as negative_pct,
        pct_true(replied_at is not null) as reply_pct,
        median_of(epoch(replied_at - posted_at) / 3600.0) as reply_hours_median,
        sum(helpful_votes) as helpful_votes,
        sum(helpful_votes) filter (where is_negative_review(rating)) as helpful_votes_on_negative
    from reviews
    group by platform
    order by reviews desc, platform
)

select * from final
