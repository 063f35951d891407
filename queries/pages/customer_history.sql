-- Everything one customer ($customer_id) did or went through: tickets (with
-- their recovery outcome when a failure), survey responses and public reviews, in the
-- whole data (not limited to the window), newest first.
with

tickets as (select * from ticket_facts where customer_id = $customer_id),

outcomes as (select ticket_id, outcome_reason from failure_recoveries where customer_id = $customer_id),

surveys as (select * from survey_facts where customer_id = $customer_id),

reviews as (select * from review_facts where customer_id = $customer_id),

events as (
    select
        t.created_at as event_at,
        'ticket' as kind,
        t.ticket_id as id,
        concat_ws(' · ',
            coalesce(t.type, 'ticket'), t.priority, t.channel, t.team,
            case
                when t.first_response_hours is null then 'never answered'
                else 'first reply after ' || round(t.first_response_hours, 1) || ' h'
            end,
            case
                when t.resolution_hours is null then 'not resolved'
                else 'resolved after ' || round(t.resolution_hours, 1) || ' h'
            end,
            case when t.promise_kept = false then 'promise broken' when t.promise_kept then 'promise kept' end,
            case when t.reopens > 0 then 'reopened ' || t.reopens || 'x' end,
            o.outcome_reason
        ) as summary,
        null::varchar as text,
        null::bigint as nps,
        null::bigint as csat,
        null::bigint as rating
    from tickets as t
    left join outcomes as o on t.ticket_id = o.ticket_id
    union all
    select
        s.submitted_at,
        'survey',
        s.response_id,
        concat_ws(' · ',
            case when s.ticket_id is not null then 'after ticket ' || s.ticket_id else 'relationship survey' end,
            'nps ' || s.nps, 'csat ' || s.csat, 'ces ' || s.ces
        ),
        s.comment,
        s.nps,
        s.csat,
        null
    from surveys as s
    union all
    select
        r.posted_at,
        'review',
        r.review_id,
        concat_ws(' · ', r.platform, r.rating || ' of 5 stars',
            case when r.replied_at is not null then 'replied' end),
        concat_ws(' — ', r.title, r.body),
        null,
        null,
        r.rating
    from reviews as r
),

final as (select * from events)

select * from final
order by event_at desc, kind, id
