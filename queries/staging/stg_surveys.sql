-- One row per survey response (survey_latest: the latest good version, typed, with its
-- segments), with team, agent, type and priority from the ticket a post-ticket survey was
-- sent after.
with

surveys as (select * from survey_latest),

tickets as (select ticket_id, team, agent, type, priority from ticket_facts),

final as (
    select s.* exclude (platform), t.team, t.agent, t.type, t.priority, s.platform
    from surveys as s
    left join tickets as t on s.ticket_id = t.ticket_id
)

select * from final
