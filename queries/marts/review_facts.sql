-- One row per public review (stg_reviews) with every segment dimension (own value, else the
-- reviewer's when a known customer) and the customer's key.
with

reviews as (select * from stg_reviews),

-- Every known customer ID with its key; segments where the customers export has them.
customers as (
    select k.customer_id, k.customer_key, c.* exclude (customer_id)
    from customer_keys as k
    left join stg_customers as c on k.customer_id = c.customer_id
),

final as (
    select
        r.* replace (
            coalesce(r.language, c.language) as language,
            coalesce(r.product, c.product) as product,
            coalesce(r.region, c.region) as region
        ),
        c.tier as tier,
        null::varchar as channel,
        null::varchar as team,
        null::varchar as agent,
        null::varchar as type,
        null::varchar as priority,
        c.customer_key
    from reviews as r
    left join customers as c on r.customer_id = c.customer_id
)

select * from final
