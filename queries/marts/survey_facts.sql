-- One row per survey response (stg_surveys) with every segment dimension (own value, else
-- the customer's) and the customer's key, and team, agent, type and priority from the ticket
-- a post-ticket survey was sent after. Two facts the metrics ask of every response are
-- looked up once, here: the first-response time of its ticket (the demanding signal) and
-- whether its customer ever had a failure ticket (NPS of the no-failure group).
with

staged as (select * from stg_surveys),

-- Every known customer ID with its key; segments where the customers export has them.
customers as (
    select k.customer_id, k.customer_key, c.* exclude (customer_id)
    from customer_keys as k
    left join stg_customers as c on k.customer_id = c.customer_id
),

surveys as (
    select
        s.* replace (
            coalesce(s.region, c.region) as region,
            coalesce(s.product, c.product) as product,
            coalesce(s.tier, c.tier) as tier
        ),
        c.language as language,
        null::varchar as platform,
        c.customer_key
    from staged as s
    left join customers as c on s.customer_id = c.customer_id
),

tickets as (
    select ticket_id, team, agent, type, priority, first_response_hours from ticket_facts
),

failed_customers as (select distinct customer_key from ticket_facts where is_failure),

final as (
    select
        s.* exclude (platform),
        t.team, t.agent, t.type, t.priority,
        s.platform,
        t.first_response_hours as ticket_first_response_hours,
        -- Unknown for an anonymous response: it is in no group of the recovery comparison.
        case when s.customer_key is not null then f.customer_key is not null end as customer_had_failure
    from surveys as s
    left join tickets as t on s.ticket_id = t.ticket_id
    left join failed_customers as f on s.customer_key = f.customer_key
)

select * from final
