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
        t.created_at, t.ticket_id, t.customer_id, t.type, t.priority, t.channel, t.team, t.agent,
        t.first_response_hours, t.resolution_hours, t.reopens, t.promise_kept, t.post_csat, t.post_response_id,
        coalesce(segment_of(
            $dim, t.region, t.product, t.tier, t.language, t.channel, t.team, t.agent, t.type, t.priority, t.platform,
            case when sig.customer_id is null then 'no' else 'yes' end
        ), '(not set)') as segment
    from tickets_in($start, $end, $f) as t
    left join signals as sig on t.customer_id = sig.customer_id
),

-- Only the listed rows are joined to their outcome (joining every matching ticket before
-- the limit was most of the work over all data); `matching` is read twice (the list and the
-- count), so it carries only the columns shown.
post_comments as (select response_id, comment from survey_facts where comment is not null),

matching as (
    select t.*, c.comment as post_comment
    from tickets as t
    left join post_comments as c on t.post_response_id = c.response_id
    where t.segment = $seg
        and (
            coalesce($q, '') = ''
            or lower(t.ticket_id) = lower($q)
            or lower(t.customer_id) = lower($q)
            or strpos(lower(concat_ws(' ', t.type, t.team, t.agent, t.channel, t.priority, c.comment)), lower($q)) > 0
        )
),

listed as (
    select *
    from matching
    order by created_at desc, ticket_id
    limit $limit
),

outcomes as (select ticket_id, outcome, outcome_reason from failure_recoveries),

final as (
    select
        l.created_at,
        l.ticket_id,
        l.customer_id,
        l.type,
        l.priority,
        l.channel,
        l.team,
        l.agent,
        l.first_response_hours,
        l.resolution_hours,
        l.reopens,
        l.promise_kept,
        l.post_csat,
        o.outcome,
        o.outcome_reason,
        l.post_comment,
        (select count(*) from matching) as matching
    from listed as l
    left join outcomes as o on l.ticket_id = o.ticket_id
)

select * from final
order by created_at desc, ticket_id
