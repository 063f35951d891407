-- The rows of the matched comparison (cx/recovery_evidence.py): how a customer's NPS answer
-- (0-10) moved from before a failure to after it, against customers who never had a
-- failure, over the same months. One row per kind of episode and its count:
--
-- * case: a failure of the window and filter with an outcome and a loyalty response (the
--   "after" answer: the first NPS answer at or after the resolution, within the loyalty
--   window); its "before" answer is the customer's last NPS answer before the failure was
--   created, within the loyalty window before it. Placed in the month of the failure's
--   creation, in the failure's region and tier.
-- * control: a customer who never had a failure, for each month that holds a case: their
--   last NPS answer within the loyalty window before the month starts, and their first
--   within the loyalty window after it ends. In the region and tier of that "before" answer.
--
-- Of answers given at the same moment, the lowest response_id counts (as in
-- failure_recoveries). Rows: side, outcome and literature_condition (cases), region, tier,
-- month, before_nps, after_nps, episodes.
with

settings as (select loyalty_window_days from settings),

nps_answers as (
    select customer_key, submitted_at, arg_min(nps, response_id) as nps
    from survey_facts
    where nps is not null and customer_key is not null
    group by customer_key, submitted_at
),

failures as (
    select
        f.*,
        f.is_first_failure and f.priority in ('low', 'normal') and f.response_band in ('1 under 1 h', '2 1-4 h')
            and coalesce(f.apologized, false) as literature_condition,
        date_trunc('month', f.created_date)::date as month
    from failures_in($start, $end, $f) as f
    where f.outcome is not null and f.loyalty_nps is not null
),

cases as (
    select f.outcome, f.literature_condition, f.region, f.tier, f.month, a.nps as before_nps,
        f.loyalty_nps as after_nps
    from failures as f
    cross join settings as s
    asof join nps_answers as a
        on f.customer_key = a.customer_key and f.created_at > a.submitted_at
    where a.submitted_at >= f.created_at - to_days(s.loyalty_window_days)
),

months as (select distinct month from failures),

-- Customers who never had a failure (customer_had_failure is set at refresh, over all
-- tickets), by their answers in the segment filter; only those with two answers or more
-- can show a change.
control_answers as (
    select s.customer_key, s.submitted_at, arg_min(s.nps, s.response_id) as nps,
        arg_min(s.region, s.response_id) as region, arg_min(s.tier, s.response_id) as tier
    from surveys_in(null, null, $f) as s
    where s.nps is not null and s.customer_key is not null and not s.customer_had_failure
    group by s.customer_key, s.submitted_at
),

control_customers as (
    select customer_key from control_answers group by customer_key having count(*) >= 2
),

control_months as (
    select c.customer_key, m.month, m.month::timestamp as month_start,
        (m.month + interval 1 month)::timestamp as month_end
    from control_customers as c
    cross join months as m
),

control_before as (
    select cm.*, a.nps as before_nps, a.submitted_at as before_at, a.region, a.tier
    from control_months as cm
    asof join control_answers as a
        on cm.customer_key = a.customer_key and cm.month_start > a.submitted_at
),

controls as (
    select b.region, b.tier, b.month, b.before_nps, a.nps as after_nps
    from control_before as b
    cross join settings as s
    asof join control_answers as a
        on b.customer_key = a.customer_key and b.month_end <= a.submitted_at
    where b.before_at >= b.month_start - to_days(s.loyalty_window_days)
        and a.submitted_at <= b.month_end + to_days(s.loyalty_window_days)
),

final as (
    select 'case' as side, outcome, literature_condition, region, tier, month, before_nps, after_nps,
        count(*) as episodes
    from cases
    group by all
    union all
    select 'control', null, null, region, tier, month, before_nps, after_nps, count(*)
    from controls
    group by all
)

select * from final
order by side, outcome, literature_condition, region, tier, month, before_nps, after_nps
