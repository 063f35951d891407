-- One row per ticket: the latest good version across exports, typed, with the local
-- creation day and every segment dimension (own value, else the customer's).
with

source as (select * from checked_tickets where len(_problems) = 0),

customers as (select * from stg_customers),

latest as (
    select *
    from source
    qualify row_number() over (
        partition by clean_text(ticket_id) order by _file_no desc, _line desc
    ) = 1
),

typed as (
    select
        clean_text(ticket_id) as ticket_id,
        clean_text(customer_id) as customer_id,
        parse_ts(created_at) as created_at,
        parse_ts(first_response_at) as first_response_at,
        parse_ts(resolved_at) as resolved_at,
        lower(clean_text(type)) as type,
        coalesce(lower(clean_text(priority)), 'normal') as priority,
        clean_text(channel) as channel,
        clean_text(team) as team,
        clean_text(agent) as agent,
        coalesce(parse_int(reopens), 0) as reopens,
        parse_int(replies) as replies,
        parse_ts(promised_at) as promised_at,
        parse_bool(proactive) as proactive,
        parse_bool(apologized) as apologized,
        parse_num(compensation) as compensation,
        clean_text(region) as region,
        clean_text(product) as product,
        clean_text(tier) as tier,
        -- Extra columns of the export are kept as they came.
        latest.* exclude (_file_no, _line, _problems, ticket_id, customer_id, created_at, first_response_at, resolved_at, type, priority, channel, team, agent, reopens, replies, promised_at, proactive, apologized, compensation, region, product, tier)
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
