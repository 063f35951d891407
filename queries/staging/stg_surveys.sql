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
        partition by response_id order by _file_no desc, _line desc
    ) = 1
),

typed as (
    select
        response_id,
        customer_id,
        _v_submitted_at as submitted_at,
        ticket_id,
        _v_nps as nps,
        _v_csat as csat,
        _v_ces as ces,
        comment,
        channel,
        region,
        product,
        tier,
        -- Extra columns of the export are kept as they came.
        latest.* exclude (_file_no, _line, _problems, response_id, customer_id, submitted_at, ticket_id, nps, csat, ces, comment, channel, region, product, tier, _v_ces, _v_csat, _v_nps, _v_submitted_at)
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
