-- The tickets of the window still without a first response, the longest waiting first:
-- at most $limit rows, with how many wait in all (matching). Waiting is counted at the
-- data's as-of time, in whole hours, as unanswered_ageing bands them.
with

bounds as (select as_of from data_bounds),

waiting as (
    select
        t.ticket_id, t.customer_id, t.created_at, t.type, t.priority, t.channel, t.team,
        floor(epoch(b.as_of - t.created_at) / 86400.0)::bigint as waited_days,
        floor(epoch(b.as_of - t.created_at) / 3600.0)::bigint as waited_hours
    from tickets_in($start, $end, $f) as t
    cross join bounds as b
    where t.first_response_at is null
),

final as (
    select *, count(*) over () as matching
    from waiting
    order by created_at, ticket_id
    limit $limit
)

select * from final
