-- One row per public review: the latest good version across exports, typed, with the local
-- day. Reads the reviews' checked rows only; review_facts adds the reviewer's segments and key
-- when a known customer. A view while the refresh runs (a view takes no parameters: the
-- refresh's session zone is the configured one).
with

-- Read twice (the superseded IDs, the rows), not copied: a copy of 10M rows costs more.
source as not materialized (select * from checked_reviews where len(_problems) = 0),

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
        *,
        local_day(posted_at, current_setting('TimeZone')) as posted_date
    from typed
)

select * from final
