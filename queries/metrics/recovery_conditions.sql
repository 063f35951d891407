-- When does a recovery win loyalty back? The conditions the literature names (Magnini et al.
-- 2007; Maxham & Netemeyer 2002): a first failure rather than a repeat one, a mild one, a
-- fast reply, an apology. For failures of the window, per condition and band: failures with
-- an outcome, the recovery rate, and the NPS of the loyalty answers after RECOVERED failures
-- (the page sets it against customers who never had a failure: the paradox, band by band).
with

-- The customer's failures in order, over all the data (a failure before the window still
-- makes a failure in it a repeat). Failures without a customer id cannot be ordered.
numbered as (
    select
        ticket_id,
        case when customer_key is not null
            then row_number() over (partition by customer_key order by created_at, ticket_id)
        end as failure_number
    from failure_recoveries
),

failures as (
    select
        f.*,
        case
            when n.failure_number is null then 'customer not known'
            when n.failure_number = 1 then 'first failure'
            else 'repeat failure'
        end as repeat_band,
        case
            when lower(f.priority) in ('low', 'normal') then 'mild (low or normal priority)'
            when f.priority is null then 'priority not set'
            else 'severe (high or urgent priority)'
        end as severity_band,
        coalesce(n.failure_number = 1, false)
            and lower(f.priority) in ('low', 'normal')
            and f.response_band in ('1 under 1 h', '2 1-4 h')
            and coalesce(f.apologized, false) as is_textbook
    from failures_in($start, $end, $f) as f
    left join numbered as n on f.ticket_id = n.ticket_id
),

by_condition as (
    select 'failure' as condition, repeat_band as band, repeat_band as sort_key, * from failures
    union all
    select 'severity', severity_band, severity_band, * from failures
    union all
    select 'speed', substr(response_band, 3), response_band, * from failures
    union all
    select 'all four',
        case when is_textbook then 'first, mild, answered within 4 h, with an apology' else 'any other failure' end,
        case when is_textbook then '1' else '2' end, *
    from failures
),

final as (
    select
        condition,
        band,
        count(*) as failures,
        count(outcome) as with_outcome,
        pct_true(is_recovered(outcome)) as recovery_pct,
        count(loyalty_nps) filter (where is_recovered(outcome)) as recovered_responses,
        nps_score(case when is_recovered(outcome) then loyalty_nps end) as nps_after_recovery,
        nps_moe95(case when is_recovered(outcome) then loyalty_nps end) as nps_after_recovery_moe95
    from by_condition
    group by condition, band, sort_key
    order by condition, sort_key
)

select * from final
