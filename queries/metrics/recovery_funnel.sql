-- Service failures of the window, step by step: answered, resolved, outcome known, recovered.
-- $start, $end: DATE or null; $f: segment filter.
with

failures as (select * from failures_in($start, $end, $f)),

final as (
    select
        count(*) as failures,
        count(*) filter (where first_response_at is not null) as answered,
        count(*) filter (where is_resolved) as resolved,
        count(outcome) as with_outcome,
        count(*) filter (where outcome = 'recovered') as recovered,
        count(*) filter (where outcome = 'not_recovered') as not_recovered
    from failures
)

select * from final
