-- One row: the first and last local day of any event, the tickets' as-of time (the
-- latest created, first response or resolution), which the 14-day rule counts up to, and
-- the highest customer key (every key is in 1..customer_keys), which sets of customers
-- are sized by (customer_set).
with

days as (
    select min(submitted_date) as first_day, max(submitted_date) as last_day from survey_facts
    union all
    select min(posted_date), max(posted_date) from review_facts
    union all
    select min(created_date), max(created_date) from ticket_facts
),

ticket_times as (
    select max(greatest(created_at, coalesce(first_response_at, created_at), coalesce(resolved_at, created_at))) as as_of
    from ticket_facts
),

final as (
    select
        min(d.first_day) as first_day,
        max(d.last_day) as last_day,
        any_value(t.as_of) as as_of,
        (select coalesce(max(customer_key), 0) from customer_keys) as customer_keys
    from days as d, ticket_times as t
)

select * from final
