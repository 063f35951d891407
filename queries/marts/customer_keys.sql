-- One row per customer ID seen in any source (customers, tickets, surveys, reviews) with an
-- integer key. A mart: it joins the sources. It reads one column of each source's checked
-- rows (every good version, not only the latest: no pass over the staging views).
-- Every published row carries the key: counting or grouping 10M tickets by customer is
-- about twice as fast on the integer as on the text ID.
-- A key is kept from one refresh to the next when the previous warehouse's ticket facts are
-- extended rather than rebuilt (`customer_keys_before`, empty otherwise): the IDs still seen
-- keep theirs, new IDs are numbered after the highest, in order. From nothing, the keys are
-- 1..n in the order of the IDs.
with

ids as (
    select customer_id from checked_customers where len(_problems) = 0
    union select customer_id from checked_tickets where len(_problems) = 0
    union select customer_id from checked_surveys where len(_problems) = 0
    union select customer_id from checked_reviews where len(_problems) = 0
),

kept as (
    select b.customer_key, b.customer_id
    from customer_keys_before as b
    semi join ids on b.customer_id = ids.customer_id
),

added as (
    select customer_id from ids where customer_id is not null
    except
    select customer_id from kept
),

final as (
    select customer_key, customer_id from kept
    union all
    select
        ((select coalesce(max(customer_key), 0) from customer_keys_before)
         + row_number() over (order by customer_id))::integer as customer_key,
        customer_id
    from added
)

select * from final
