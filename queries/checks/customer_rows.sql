-- Customer rows, cleaned and typed once, with the rules each breaks (an empty
-- `_problems` list: a good row). The text columns hold what the export said (trimmed, digits
-- made ASCII); the `_v_` columns hold typed values, which staging reads.
with

source as (select * from raw_customers),

cleaned as (
    select
        _file_no,
        _line,
        clean_text(customer_id) as customer_id,
        clean_text(region) as region,
        clean_text(product) as product,
        clean_text(tier) as tier,
        clean_text(language) as language,
        clean_num(signup_at) as signup_at,
        clean_text(email) as email,
        -- Extra columns of the export, as they came.
        source.* exclude (_file_no, _line, customer_id, region, product, tier, language, signup_at, email)
    from source
),

typed as (
    select
        *,
        to_ts(signup_at) as _v_signup_at,
        min(_line) over (partition by _file_no, customer_id) as _first_line
    from cleaned
),

checked as (
    select
        * exclude (_first_line),
        list_filter([
            check_required('customer_id', customer_id),
            check_duplicate('customer_id', customer_id, _line, _first_line),
            check_ts('signup_at', signup_at, _v_signup_at, $earliest, $latest)
        ], lambda p: p is not null) as _problems
    from typed
)

select * from checked
