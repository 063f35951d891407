-- One row per public review: the latest good version across exports, typed, with the local
-- day and every segment dimension (own value, else the reviewer's when a known customer).
with

-- Read twice (the superseded IDs, the rows), not copied: a copy of 10M rows costs more.
source as not materialized (select * from checked_reviews where len(_problems) = 0),

-- Every known customer ID with its key; segments where the customers export has them.
customers as (
    select k.customer_id, k.customer_key, c.* exclude (customer_id)
    from customer_keys as k
    left join stg_customers as c on k.customer_id = c.customer_id
),

-- An ID in several good rows (overlapping exports): the row from the file that sorts
-- last wins. Found by aggregate and join, not a window: a window would carry every
-- column through its sort.
superseded as (
    select review_id, max(_file_no * 10000000000 + _line) as winner
    from source
    group by review_id
    having count(*) > 1
),

latest as (
    select source.*
    from source
    left join superseded on source.review_id = superseded.review_id
    where superseded.review_id is null or source._file_no * 10000000000 + source._line = superseded.winner
),

typed as (
    select
        review_id,
        platform,
        _v_posted_at as posted_at,
        _v_rating as rating,
        title,
        body,
        customer_id,
        _v_helpful_votes as helpful_votes,
        _v_replied_at as replied_at,
        language,
        product,
        region,
        -- Extra columns of the export are kept as they came.
        latest.* exclude (_file_no, _line, _problems, review_id, platform, title, body, customer_id, language, product, region, _v_helpful_votes, _v_posted_at, _v_rating, _v_replied_at)
    from latest
),

final as (
    select
        r.* replace (
            coalesce(r.language, c.language) as language,
            coalesce(r.product, c.product) as product,
            coalesce(r.region, c.region) as region
        ),
        local_day(r.posted_at, $tz) as posted_date,
        c.tier as tier,
        null::varchar as channel,
        null::varchar as team,
        null::varchar as agent,
        null::varchar as type,
        null::varchar as priority,
        c.customer_key
    from typed as r
    left join customers as c on r.customer_id = c.customer_id
)

select * from final
