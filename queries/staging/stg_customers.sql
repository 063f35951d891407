-- One row per customer: the latest good version across exports (email already hashed).
with

-- Read twice (the superseded IDs, the rows), not copied: a copy of 10M rows costs more.
source as not materialized (select * from checked_customers where len(_problems) = 0),

-- An ID in several good rows (overlapping exports): the row from the file that sorts
-- last wins. Found by aggregate and join, not a window: a window would carry every
-- column through its sort.
superseded as (
    select customer_id, max(_file_no * 10000000000 + _line) as winner
    from source
    group by customer_id
    having count(*) > 1
),

latest as (
    select source.*
    from source
    left join superseded on source.customer_id = superseded.customer_id
    where superseded.customer_id is null or source._file_no * 10000000000 + source._line = superseded.winner
),

final as (
    select
        customer_id,
        region,
        product,
        tier,
        language,
        _v_signup_at as signup_at,
        email as email_sha256,
        -- Extra columns of the export are kept as they came.
        latest.* exclude (_file_no, _line, _problems, customer_id, region, product, tier, language, email, _v_signup_at)
    from latest
)

select * from final
