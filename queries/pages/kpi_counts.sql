-- How many answers stand behind each KPI of metrics/kpis for one window and filter: the
-- overview's tiles explain small samples with these, and the tests of change use them.
with

surveys as (select * from surveys_in($start, $end, $f)),

reviews as (select * from reviews_in($start, $end, $f)),

tickets as (select * from tickets_in($start, $end, $f)),

failures as (select * from failures_in($start, $end, $f)),

survey_counts as (
    select
        count(nps) as nps_n,
        count(*) filter (where nps >= 9) as promoters,
        count(*) filter (where nps <= 6) as detractors,
        count(csat) as csat_n,
        count(*) filter (where csat >= 4) as csat_ok,
        count(ces) as ces_n
    from surveys
),

review_counts as (select count(rating) as rating_n from reviews),

ticket_counts as (
    select
        count(first_response_hours) as first_response_n,
        count(resolution_hours) as resolution_n,
        count(promise_kept) as promise_n,
        count(*) filter (where promise_kept) as promise_kept
    from tickets
),

failure_counts as (
    select
        count(*) filter (where outcome in ('recovered', 'not_recovered')) as recovery_n,
        count(*) filter (where outcome = 'recovered') as recovered
    from failures
),

final as (
    select *
    from survey_counts, review_counts, ticket_counts, failure_counts
)

select * from final
