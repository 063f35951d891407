-- Every KPI of the metric contract for one window and segment filter, as one row.
-- $start, $end: DATE or null (all data). $f: one list of allowed values per dimension.
-- Each row set is used once: the active customers read the sources again for the one
-- column they need (a CTE used twice is materialized, and a copy of 10M tickets cost more
-- than the second scan).
with

-- Customers with a failure ticket at any time, in any segment.
failed_customers as (select distinct customer_id from failure_recoveries),

surveys as (
    select s.*, fc.customer_id is not null as had_failure
    from surveys_in($start, $end, $f) as s
    left join failed_customers as fc on s.customer_id = fc.customer_id
),

reviews as (select * from reviews_in($start, $end, $f)),

tickets as (select * from tickets_in($start, $end, $f)),

failures as (select * from failures_in($start, $end, $f)),

survey_kpis as (
    select
        count(*) as responses,
        csat_pct(csat) as csat_pct,
        nps_score(nps) as nps,
        nps_moe95(nps) as nps_moe95,
        avg(ces) as ces_avg,
        nps_score(case when not had_failure then nps end) as nps_no_failure
    from surveys
),

review_kpis as (
    select
        count(*) as reviews,
        avg(rating) as review_rating_avg,
        pct_true(rating <= 2) as negative_review_pct,
        pct_true(replied_at is not null) as review_reply_pct,
        median_of(epoch(replied_at - posted_at) / 3600.0) as review_reply_hours_median
    from reviews
),

ticket_kpis as (
    select
        count(*) as tickets,
        median_p90_of(first_response_hours) as first_response_hours_q,
        median_p90_of(resolution_hours) as resolution_hours_q,
        count(*) filter (where first_response_at is null) as unanswered_tickets,
        pct_true(case when is_resolved then reopens > 0 end) as reopen_pct,
        pct_true(case when is_resolved then replies <= 1 end) as one_touch_pct,
        pct_true(promise_kept) as promise_kept_pct,
        pct_true(proactive) as proactive_pct
    from tickets
),

recovery_kpis as (
    select
        count(*) as failures,
        pct_true(case outcome when 'recovered' then true when 'not_recovered' then false end)
            as recovery_pct,
        nps_score(case when outcome = 'recovered' then loyalty_nps end) as nps_after_recovery,
        nps_score(case when outcome = 'not_recovered' then loyalty_nps end)
            as nps_after_failed_recovery
    from failures
),

active_customers as (
    select customer_id from surveys_in($start, $end, $f)
    union
    select customer_id from tickets_in($start, $end, $f)
    union
    select customer_id from reviews_in($start, $end, $f) where customer_id is not null
),

high_expectation_kpis as (
    select pct_true(coalesce(sig.is_high_expectation, false)) as high_expectation_pct
    from active_customers as a
    left join he_signals($end) as sig
        on a.customer_id = sig.customer_id
),

final as (
    select
        s.responses, s.csat_pct, s.nps, s.nps_moe95, s.ces_avg,
        r.reviews, r.review_rating_avg, r.negative_review_pct, r.review_reply_pct,
        r.review_reply_hours_median,
        t.tickets,
        t.first_response_hours_q[1] as first_response_hours_median,
        t.first_response_hours_q[2] as first_response_hours_p90,
        t.resolution_hours_q[1] as resolution_hours_median,
        t.resolution_hours_q[2] as resolution_hours_p90,
        t.unanswered_tickets,
        t.reopen_pct, t.one_touch_pct, t.promise_kept_pct, t.proactive_pct,
        f.failures, f.recovery_pct, f.nps_after_recovery, f.nps_after_failed_recovery,
        s.nps_no_failure,
        f.nps_after_recovery - s.nps_no_failure as recovery_paradox_gap,
        h.high_expectation_pct
    from survey_kpis as s, review_kpis as r, ticket_kpis as t, recovery_kpis as f,
        high_expectation_kpis as h
)

select * from final
