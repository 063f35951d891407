-- One row per service-failure ticket: its recovery outcome, why, and the customer's
-- loyalty response after it (the first NPS answer at or after the resolution, or the
-- creation when unresolved, within the loyalty window), and whether it is a first failure
-- or a repeat (another failure of the customer's created in the loyalty window before it).
with

failures as (select * from ticket_facts where is_failure),

settings as (select * from settings),

bounds as (select as_of from data_bounds),

-- One answer per customer and moment: of answers given at the same time, the lowest
-- response_id counts (the ASOF join below would otherwise pick either, at random).
-- Customers by integer key (one per customer_id): the join partitions on it, and on 10M
-- tickets an integer costs seconds less than text.
nps_answers as (
    select customer_key, submitted_at, min(response_id) as response_id, arg_min(nps, response_id) as nps
    from survey_facts
    where nps is not null
    group by customer_key, submitted_at
),

outcomes as (
    select
        f.*,
        f.resolved_at is null or f.resolved_at > f.created_at + to_days(s.unresolved_days)
            as is_overdue,
        b.as_of >= f.created_at + to_days(s.unresolved_days) as is_old_enough,
        case
            when f.post_csat < s.recovered_csat_min then 'not_recovered'
            when f.is_resolved and f.post_csat >= s.recovered_csat_min then 'recovered'
            when is_overdue and is_old_enough then 'not_recovered'
        end as outcome,
        case
            when f.post_csat < s.recovered_csat_min then 'post-ticket csat ' || f.post_csat
            when f.is_resolved and f.post_csat >= s.recovered_csat_min then 'resolved, post-ticket csat ' || f.post_csat
            when is_overdue and is_old_enough then 'unresolved after ' || s.unresolved_days || ' days'
            when f.is_resolved then 'resolved, no post-ticket csat yet'
            else 'open for less than ' || s.unresolved_days || ' days'
        end as outcome_reason,
        coalesce(f.resolved_at, f.created_at) as loyalty_from,
        coalesce(f.resolved_at, f.created_at) + to_days(s.loyalty_window_days) as loyalty_until,
        -- The customer's failure before this one (by creation, ties by ticket_id): a repeat
        -- failure is where the literature finds no recovery paradox.
        lag(f.created_at) over (partition by f.customer_key order by f.created_at, f.ticket_id) as previous_failure_at
    from failures as f
    cross join settings as s
    cross join bounds as b
),

loyalty as (
    select
        o.*,
        a.response_id as loyalty_candidate_id,
        a.nps as loyalty_candidate_nps,
        a.submitted_at as loyalty_candidate_at
    from outcomes as o
    asof left join nps_answers as a
        on o.customer_key = a.customer_key and o.loyalty_from <= a.submitted_at
),

final as (
    select
        * exclude (loyalty_candidate_id, loyalty_candidate_nps, loyalty_candidate_at, is_overdue, is_old_enough),
        case when loyalty_candidate_at <= loyalty_until then loyalty_candidate_id end as loyalty_response_id,
        case when loyalty_candidate_at <= loyalty_until then loyalty_candidate_nps end as loyalty_nps,
        case when loyalty_candidate_at <= loyalty_until then loyalty_candidate_at end as loyalty_submitted_at,
        -- First: no other failure in the loyalty window before it. Counted from the start of the
        -- data instead, repeats would grow more common month after month.
        previous_failure_at is null or previous_failure_at < created_at - to_days(s.loyalty_window_days)
            as is_first_failure
    from loyalty
    cross join settings as s
)

select * from final
