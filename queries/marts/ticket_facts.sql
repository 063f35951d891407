-- One row per ticket: durations in calendar hours, the failure flag, the promise outcome,
-- and its post-ticket survey (the earliest response with this ticket_id and a csat).
with

tickets as (select * from stg_tickets),

settings as (select * from settings),

post_surveys as (
    select ticket_id, response_id, csat, nps, submitted_at
    from stg_surveys
    where ticket_id is not null and csat is not null
    qualify row_number() over (partition by ticket_id order by submitted_at, response_id) = 1
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
        p.response_id as post_response_id,
        p.csat as post_csat,
        p.nps as post_nps,
        p.submitted_at as post_submitted_at
    from tickets as t
    cross join settings as s
    left join post_surveys as p on t.ticket_id = p.ticket_id
)

select * from final
