-- Every KPI of the metric contract for one window and segment filter, as one row.
-- $start, $end: DATE or null (all data). $f: one list of allowed values per dimension.
-- $customers: the highest customer key (data_bounds), the size of a customer_set.
-- Each row set is used once: the active customers read the sources again for the one
-- column they need (a CTE used twice is materialized, and a copy of 10M tickets cost more
-- than the second scan).
with

-- customer_had_failure: a failure ticket at any time, in any segment (set at refresh).
surveys as (select * from surveys_in($start, $end, $f)),

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
        nps_score(case when not customer_had_failure then nps end) as nps_no_failure
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

-- Customers as sets of integer keys: a union of bit strings instead of a distinct.
active_customers as (
    select bit_or(active) as active
    from (
        select customer_set(customer_key, $customers) as active from tickets_in($start, $end, $f)
        union all
        select customer_set(customer_key, $customers) from surveys_in($start, $end, $f)
        union all
        select customer_set(customer_key, $customers) from reviews_in($start, $end, $f)
    )
),

high_expectation_customers as (
    select customer_set(customer_key, $customers) as customers
    from he_signals($end)
    where is_high_expectation
),

high_expectation_kpis as (
    select 100.0 * coalesce(bit_count(a.active & h.customers), 0) / nullif(bit_count(a.active), 0)
        as high_expectation_pct
    from active_customers as a, high_expectation_customers as h
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
