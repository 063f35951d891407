-- One row per ticket: the latest good version across exports, typed, with the local
-- creation day and every segment dimension (own value, else the customer's).
with

source as (select * from checked_tickets where len(_problems) = 0),

customers as (select * from stg_customers),

latest as (
    select *
    from source
    qualify row_number() over (
        partition by ticket_id order by _file_no desc, _line desc
    ) = 1
),

typed as (
    select
        ticket_id,
        customer_id,
        _v_created_at as created_at,
        _v_first_response_at as first_response_at,
        _v_resolved_at as resolved_at,
        lower(type) as type,
        coalesce(lower(priority), 'normal') as priority,
        channel,
        team,
        agent,
        coalesce(_v_reopens, 0) as reopens,
        _v_replies as replies,
        _v_promised_at as promised_at,
        _v_proactive as proactive,
        _v_apologized as apologized,
        _v_compensation as compensation,
        region,
        product,
        tier,
        -- Extra columns of the export are kept as they came.
        latest.* exclude (_file_no, _line, _problems, ticket_id, customer_id, created_at, first_response_at, resolved_at, type, priority, channel, team, agent, reopens, replies, promised_at, proactive, apologized, compensation, region, product, tier, _v_apologized, _v_compensation, _v_created_at, _v_first_response_at, _v_proactive, _v_promised_at, _v_reopens, _v_replies, _v_resolved_at)
    from latest
),

final as (
    select
        t.* replace (
            coalesce(t.region, c.region) as region,
            coalesce(t.product, c.product) as product,
            coalesce(t.tier, c.tier) as tier
        ),
        timezone($tz, timezone('UTC', t.created_at))::date as created_date,
        c.language as language,
        null::varchar as platform
    from typed as t
    left join customers as c on t.customer_id = c.customer_id
)

select * from final
