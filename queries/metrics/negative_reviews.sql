-- The latest negative reviews (rating 2 or less) of the window, with their text and
-- whether and how fast they got a public reply. $limit rows at most.
with

reviews as (select * from reviews_in($start, $end, $f) where is_negative_review(rating)),

final as (
    select
        review_id,
        platform,
        posted_at,
        rating,
        title,
        body,
        language,
        customer_id,
        helpful_votes,
        replied_at,
        epoch(replied_at - posted_at) / 3600.0 as reply_hours
    from reviews
    order by posted_at desc, review_id
    limit $limit
)

select * from final
