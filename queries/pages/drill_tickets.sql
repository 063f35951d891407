-- Tickets of one segment ($dim = $seg, as in pages/segments) in the window and filter,
-- newest first, with the recovery outcome of failures and the post-ticket survey's
-- comment: at most $limit rows, with how many match in all (matching).
-- $q: text to look for in the ids, type, team, agent or the post-ticket comment.
with

signals as (
    select customer_id
    from he_signals($end)
    where is_high_expectation and $dim = 'high_expectation'
),

tickets as (
    select
        t.*,
        coalesce(segment_of(
            $dim, t.region, t.product, t.tier, t.language, t.channel, t.team, t.agent, t.type, t.priority, t.platform,
            case when sig.customer_id is null then 'no' else 'yes' end
        ), '(not set)') as segment
    from tickets_in($start, $end, $f) as t
    left join signals as sig on t.customer_id = sig.customer_id
),

outcomes as (select ticket_id, outcome, outcome_reason from failure_recoveries),

post_comments as (select response_id, comment from survey_facts where comment is not null),

matching as (
    select t.*, o.outcome, o.outcome_reason, c.comment as post_comment
    from tickets as t
    left join outcomes as o on t.ticket_id = o.ticket_id
    left join post_comments as c on t.post_response_id = c.response_id
    where t.segment = $seg
        and (
            coalesce($q, '') = ''
            or lower(t.ticket_id) = lower($q)
            or lower(t.customer_id) = lower($q)
            or strpos(lower(concat_ws(' ', t.type, t.team, t.agent, t.channel, t.priority, c.comment)), lower($q)) > 0
        )
),

final as (
    select
        created_at,
        ticket_id,
        customer_id,
        type,
        priority,
        channel,
        team,
        agent,
        first_response_hours,
        resolution_hours,
        reopens,
        promise_kept,
        post_csat,
        outcome,
        outcome_reason,
        post_comment,
        count(*) over () as matching
    from matching
)

select * from final
order by created_at desc, ticket_id
limit $limit
