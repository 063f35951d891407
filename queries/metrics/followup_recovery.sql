-- The service failures of the window to follow up, one row per ticket: not recovered (a
-- post-ticket CSAT below the recovered mark, or unresolved past the unresolved rule) or still
-- open (it can still be recovered). Outcomes as failure_recoveries defines them. Open ones
-- first, the longest open first; then the not recovered, the newest first: at most $limit
-- rows (null: all), with how many there are in all (matching). Days are whole days at the
-- data's as-of time.
with

failures as (select * from failures_in($start, $end, $f)),

bounds as (select as_of from data_bounds),

settings as (select unresolved_days, recovered_csat_min from settings),

candidates as (
    select
        r.*,
        case when not r.is_resolved then floor(epoch(b.as_of - r.created_at) / 86400.0)::bigint end as open_days,
        case when r.is_resolved then floor(r.resolution_hours / 24.0)::bigint end as resolution_days
    from failures as r
    cross join bounds as b
    where r.outcome = 'not_recovered' or not r.is_resolved
),

final as (
    select
        c.ticket_id,
        c.customer_id,
        c.created_date,
        c.type,
        c.priority,
        c.team,
        c.region,
        c.tier,
        c.product,
        case
            when not c.is_resolved and c.outcome = 'not_recovered' then
                'open ' || c.open_days || ' days: past the ' || s.unresolved_days || '-day mark'
            when not c.is_resolved then 'open ' || c.open_days || ' days: can still be recovered'
            when c.post_csat < s.recovered_csat_min then 'resolved, post-ticket CSAT ' || c.post_csat
            else 'resolved after ' || c.resolution_days || ' days, past the ' || s.unresolved_days || '-day mark'
        end as why,
        coalesce(c.outcome = 'not_recovered', false) as not_recovered,
        c.post_csat,
        c.loyalty_nps,
        c.open_days,
        c.resolution_days,
        count(*) over () as matching
    from candidates as c
    cross join settings as s
)

select * from final
order by open_days desc nulls last, created_date desc, ticket_id
limit $limit
