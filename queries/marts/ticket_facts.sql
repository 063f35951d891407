-- One row per ticket (stg_tickets) with every segment dimension (own value, else the
-- customer's) and the customer's key, durations in calendar hours, the failure flag, the
-- promise outcome, and its post-ticket survey (the earliest response with this ticket_id and
-- a csat). It is where the tickets are published: the one copy of them on disk.
with

staged as (select * from stg_tickets),

-- Every known customer ID with its key; segments where the customers export has them.
customers as (
    select k.customer_id, k.customer_key, c.* exclude (customer_id)
    from customer_keys as k
    left join stg_customers as c on k.customer_id = c.customer_id
),

settings as (select * from settings),

post_surveys as (
    select ticket_id, response_id, csat, nps, submitted_at
    from stg_surveys
    where ticket_id is not null and csat is not null
    qualify row_number() over (partition by ticket_id order by submitted_at, response_id) = 1
),

-- The checked rows first, the lookups second (see the refresh's stage step).
tickets as (
    select
        t.* replace (
            coalesce(t.region, c.region) as region,
            coalesce(t.product, c.product) as product,
            coalesce(t.tier, c.tier) as tier
        ),
        c.language as language,
        null::varchar as platform,
        c.customer_key
    from staged as t
    left join customers as c on t.customer_id = c.customer_id
),

final as (
    select
        t.*,
        epoch(t.first_response_at - t.created_at) / 3600.0 as first_response_hours,
        epoch(t.resolved_at - t.created_at) / 3600.0 as resolution_hours,
        t.resolved_at is not null as is_resolved,
        coalesce(list_contains(s.failure_types, t.type), false) as is_failure,
        -- Negative: resolved before the promised time (early); positive: late.
        epoch(t.resolved_at - t.promised_at) / 3600.0 as promise_delta_hours,
        case
            when t.resolved_at is null or t.promised_at is null then null
            else t.resolved_at <= t.promised_at
        end as promise_kept,
        -- Under-promise, over-deliver: early beats on time beats late.
        case
            when t.resolved_at is null or t.promised_at is null then null
            when t.resolved_at > t.promised_at then 'late'
            when epoch(t.promised_at - t.resolved_at) / 3600.0 <= s.promise_on_time_hours then 'on time'
            else 'early'
        end as promise_timing,
        case
            when t.first_response_at is null then '5 no response'
            when epoch(t.first_response_at - t.created_at) < 3600 then '1 under 1 h'
            when epoch(t.first_response_at - t.created_at) < 4 * 3600 then '2 1-4 h'
            when epoch(t.first_response_at - t.created_at) < 24 * 3600 then '3 4-24 h'
            else '4 over 24 h'
        end as response_band,
        p.response_id as post_response_id,
        p.csat as post_csat,
        p.nps as post_nps,
        p.submitted_at as post_submitted_at
    from tickets as t
    cross join settings as s
    left join post_surveys as p on t.ticket_id = p.ticket_id
)

select * from final
