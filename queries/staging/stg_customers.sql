-- One row per customer: the latest good version across exports (email already hashed).
with

source as (select * from checked_customers where len(_problems) = 0),

latest as (
    select *
    from source
    qualify row_number() over (
        partition by clean_text(customer_id) order by _file_no desc, _line desc
    ) = 1
),

final as (
    select
        clean_text(customer_id) as customer_id,
        clean_text(region) as region,
        clean_text(product) as product,
        clean_text(tier) as tier,
        clean_text(language) as language,
        parse_ts(signup_at) as signup_at,
        email as email_sha256,
        -- Extra columns of the export are kept as they came.
        latest.* exclude (_file_no, _line, _problems, customer_id, region, product, tier, language, signup_at, email)
    from latest
)

select * from final
