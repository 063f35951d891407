-- One row per survey response: the latest good version across exports, typed, with the
-- local day and every segment dimension: own value, else the customer's; team, agent,
-- type and priority come from the ticket a post-ticket survey was sent after.
with

source as (select * from checked_surveys where len(_problems) = 0),

customers as (select * from stg_customers),

tickets as (select ticket_id, team, agent, type, priority from stg_tickets),

latest as (
    select *
    from source
    qualify row_number() over (
        partition by clean_text(response_id) order by _file_no desc, _line desc
    ) = 1
),

typed as (
    select
        clean_text(response_id) as response_id,
        clean_text(customer_id) as customer_id,
        parse_ts(submitted_at) as submitted_at,
        clean_text(ticket_id) as ticket_id,
        parse_int(nps) as nps,
        parse_int(csat) as csat,
        parse_int(ces) as ces,
        clean_text(comment) as comment,
        clean_text(channel) as channel,
        clean_text(region) as region,
        clean_text(product) as product,
        clean_text(tier) as tier,
        -- Extra columns of the export are kept as they came.
        latest.* exclude (_file_no, _line, _problems, response_id, customer_id, submitted_at, ticket_id, nps, csat, ces, comment, channel, region, product, tier)
    from latest
),

final as (
    select
        s.* replace (
            coalesce(s.region, c.region) as region,
            coalesce(s.product, c.product) as product,
            coalesce(s.tier, c.tier) as tier
        ),
        timezone($tz, timezone('UTC', s.submitted_at))::date as submitted_date,
        c.language as language,
        t.team as team,
        t.agent as agent,
        t.type as type,
        t.priority as priority,
        null::varchar as platform
    from typed as s
    left join customers as c on s.customer_id = c.customer_id
    left join tickets as t on s.ticket_id = t.ticket_id
)

select * from final
