-- One row per survey response (survey_latest: the latest good version, typed, with its
-- segments), with team, agent, type and priority from the ticket a post-ticket survey was
-- sent after. Two facts the metrics ask of every response are looked up once, here:
-- the first-response time of its ticket (the demanding signal) and whether its customer
-- ever had a failure ticket (NPS of the no-failure group).
with

surveys as (select * from survey_latest),

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
