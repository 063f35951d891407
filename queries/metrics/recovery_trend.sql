-- Recovery rate per week or month ($grain: 'week' or 'month') of failure creation.
with

failures as (select * from failures_in($start, $end, $f)),

final as (
    select
        date_trunc($grain, created_date)::date as period,
        count(*) as failures,
        count(outcome) as with_outcome,
        pct_true(is_recovered(outcome)) as recovery_pct
    from failures
    group by all
    order by period
)

select * from final
