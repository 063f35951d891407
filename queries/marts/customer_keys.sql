-- One row per customer ID seen in any source (customers, tickets, surveys, reviews) with a
-- dense integer key. A mart: it joins the sources. It reads one column of each source's
-- checked rows (every good version, not only the latest: no pass over the staging views).
-- Every published row carries the key: counting or grouping 10M tickets by customer is
-- about twice as fast on the integer as on the text ID.
with

ids as (
    select customer_id from checked_customers where len(_problems) = 0
    union select customer_id from checked_tickets where len(_problems) = 0
    union select customer_id from checked_surveys where len(_problems) = 0
    union select customer_id from checked_reviews where len(_problems) = 0
),

final as (
    select (row_number() over (order by customer_id))::integer as customer_key, customer_id
    from ids
    where customer_id is not null
)

select * from final
