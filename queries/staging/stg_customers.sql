-- One row per customer: the latest good version across exports (email already hashed).
with

source as (select * from checked_customers where len(_problems) = 0),

latest as (
    select *
    from source
    qualify row_number() over (
        partition by customer_id order by _file_no desc, _line desc
    ) = 1
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
        latest.* exclude (_file_no, _line, _problems, customer_id, region, product, tier, language, signup_at, email, _v_signup_at)
    from latest
)

select * from final
