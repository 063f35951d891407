-- Public reviews of one segment ($dim = $seg, as in pages/segments) in the window and
-- filter, newest first: at most $limit rows, with how many match in all (matching).
-- $q: text to look for in the title or body, or a review or customer id.
with

signals as (
    select customer_id
    from he_signals($end)
    where is_high_expectation and $dim = 'high_expectation'
),

reviews as (
    select
        r.*,
        coalesce(segment_of(
            $dim, r.region, r.product, r.tier, r.language, r.channel, r.team, r.agent, r.type, r.priority, r.platform,
            case when r.customer_id is null then null when sig.customer_id is null then 'no' else 'yes' end
        ), '(not set)') as segment
    from reviews_in($start, $end, $f) as r
    left join signals as sig on r.customer_id = sig.customer_id
),

matching as (
    select *
    from reviews
    where segment = $seg
        and (
            coalesce($q, '') = ''
            or strpos(lower(concat_ws(' ', title, body)), lower($q)) > 0
            or lower(review_id) = lower($q)
            or lower(coalesce(customer_id, '')) = lower($q)
        )
),

final as (
    select
        posted_at,
        review_id,
        platform,
        rating,
        title,
        body,
        customer_id,
        helpful_votes,
        replied_at,
        language,
        region,
        product,
        count(*) over () as matching
    from matching
)

select * from final
order by posted_at desc, review_id
limit $limit
