-- Customer rows with the rules each breaks; an empty list is a good row.
with

source as (select * from raw_customers),

ranked as (
    select
        *,
        min(_line) over (partition by _file_no, clean_text(customer_id)) as _first_line
    from source
),

checked as (
    select
        *,
        list_filter([
            check_required('customer_id', customer_id),
            check_duplicate('customer_id', customer_id, _line, _first_line),
            check_ts('signup_at', signup_at, $earliest, $latest)
        ], lambda p: p is not null) as _problems
    from ranked
)

select * exclude (_first_line) from checked
