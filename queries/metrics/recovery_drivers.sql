-- What goes with a recovery: for failures of the window, by first-response speed, apology,
-- compensation, the combination of the three, first or repeat failure, severity (priority)
-- and the literature's condition for a recovery paradox (a first, mild failure recovered
-- fast with an apology: Magnini et al. 2007, Maxham & Netemeyer 2002): failures with an
-- outcome, recovery rate, NPS of the loyalty responses that followed (all outcomes), and
-- NPS of those that followed a recovered failure (the side of the paradox).
with

failures as (
    select
        *,
        case
            when compensation is null then 'unknown'
            when compensation > 0 then 'compensated'
            else 'not compensated'
        end as compensation_band,
        case
            when apologized is null then 'unknown'
            when apologized then 'apologized'
            else 'no apology'
        end as apology_band,
        case
            when response_band in ('1 under 1 h', '2 1-4 h') then 'fast (under 4 h)'
            else 'slow (4 h or more, or none)'
        end as speed_band,
        case when is_first_failure then '1 first failure' else '2 repeat failure' end as order_band,
        case priority when 'low' then '1 low' when 'normal' then '2 normal' when 'high' then '3 high'
            when 'urgent' then '4 urgent' else '5 ' || priority end as severity_band,
        is_first_failure and priority in ('low', 'normal') and response_band in ('1 under 1 h', '2 1-4 h')
            and coalesce(apologized, false) as literature_condition,
        case when outcome = 'recovered' then loyalty_nps end as recovered_loyalty_nps
    from failures_in($start, $end, $f)
),

by_driver as (
    select 'response speed' as driver, substr(response_band, 3) as band, response_band as sort_key, *
    from failures
    union all
    select 'apology', apology_band, apology_band, * from failures
    union all
    select 'compensation', compensation_band, compensation_band, * from failures
    union all
    select 'combination', speed_band || ', ' || apology_band || ', ' || compensation_band,
        speed_band || apology_band || compensation_band, *
    from failures
    where apologized is not null and compensation is not null
    union all
    select 'failure order', substr(order_band, 3), order_band, * from failures
    union all
    select 'severity', substr(severity_band, 3), severity_band, * from failures
    union all
    select 'literature condition',
        case when literature_condition then 'first, mild, fast, with an apology' else 'any other' end,
        case when literature_condition then '1' else '2' end, *
    from failures
),

final as (
    select
        driver,
        band,
        any_value(speed_band) filter (where driver = 'combination') as speed_band,
        any_value(apology_band) filter (where driver = 'combination') as apology_band,
        any_value(compensation_band) filter (where driver = 'combination') as compensation_band,
        count(*) as failures,
        count(outcome) as with_outcome,
        pct_true(is_recovered(outcome)) as recovery_pct,
        count(loyalty_nps) as loyalty_responses,
        nps_score(loyalty_nps) as nps_after,
        nps_moe95(loyalty_nps) as nps_after_moe95,
        count(recovered_loyalty_nps) as recovered_loyalty_responses,
        nps_score(recovered_loyalty_nps) as nps_after_recovery,
        nps_moe95(recovered_loyalty_nps) as nps_after_recovery_moe95
    from by_driver
    group by driver, band, sort_key
    order by driver, sort_key
)

select * from final
