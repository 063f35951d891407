-- What the customers of the follow-ups marked called or resolved answered since: for each
-- follow-up ($followup_ids, $customer_ids and $since, lists of the same length, zipped; $since
-- in UTC as the warehouse stores times), the customer's first survey answer with an NPS or a
-- CSAT after that moment, and their latest such answer before it. Then one row for all of them
-- (followup_id null): NPS and CSAT of the answers since and of the answers before, with the
-- macros every other NPS and CSAT uses.
with

asked as (
    select unnest($followup_ids) as followup_id, unnest($customer_ids) as customer_id, unnest($since) as since
),

answers as (
    select s.customer_id, s.response_id, s.submitted_at, s.nps, s.csat
    from survey_facts as s
    where (s.nps is not null or s.csat is not null)
        and s.customer_id in (select customer_id from asked)
),

since as (
    select a.followup_id, s.response_id, s.submitted_at, s.nps, s.csat
    from asked as a
    join answers as s on a.customer_id = s.customer_id and s.submitted_at > a.since
    qualify row_number() over (partition by a.followup_id order by s.submitted_at, s.response_id) = 1
),

before as (
    select a.followup_id, s.submitted_at, s.nps, s.csat
    from asked as a
    join answers as s on a.customer_id = s.customer_id and s.submitted_at <= a.since
    qualify row_number() over (partition by a.followup_id order by s.submitted_at desc, s.response_id desc) = 1
),

per_followup as (
    select
        a.followup_id,
        a.customer_id,
        a.since,
        n.submitted_at as answered_at,
        n.nps as nps_since,
        n.csat as csat_since,
        b.submitted_at as before_at,
        b.nps as nps_before,
        b.csat as csat_before
    from asked as a
    left join since as n on a.followup_id = n.followup_id
    left join before as b on a.followup_id = b.followup_id
),

everyone as (
    select
        null::bigint as followup_id,
        null::varchar as customer_id,
        null::timestamp as since,
        null::timestamp as answered_at,
        null::integer as nps_since,
        null::integer as csat_since,
        null::timestamp as before_at,
        null::integer as nps_before,
        null::integer as csat_before,
        count(*) as followups,
        count(answered_at) as answered,
        count(nps_since) as nps_since_responses,
        nps_score(nps_since) as nps_since_score,
        nps_moe95(nps_since) as nps_since_moe95,
        count(nps_before) as nps_before_responses,
        nps_score(nps_before) as nps_before_score,
        nps_moe95(nps_before) as nps_before_moe95,
        count(csat_since) as csat_since_responses,
        csat_pct(csat_since) as csat_since_pct,
        count(csat_before) as csat_before_responses,
        csat_pct(csat_before) as csat_before_pct
    from per_followup
),

final as (
    select
        p.*,
        null::bigint as followups, null::bigint as answered,
        null::bigint as nps_since_responses, null::double as nps_since_score, null::double as nps_since_moe95,
        null::bigint as nps_before_responses, null::double as nps_before_score, null::double as nps_before_moe95,
        null::bigint as csat_since_responses, null::double as csat_since_pct,
        null::bigint as csat_before_responses, null::double as csat_before_pct
    from per_followup as p
    union all by name
    select * from everyone
)

select * from final
order by followup_id nulls last
