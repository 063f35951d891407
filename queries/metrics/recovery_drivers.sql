-- What goes with a recovery: for failures of the window, by first-response speed, apology,
-- compensation, and the combination of the three: failures with an outcome, recovery
-- rate, and NPS of the loyalty responses that followed (all outcomes).
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
        end as speed_band
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
        nps_moe95(loyalty_nps) as nps_after_moe95
    from by_driver
    group by driver, band, sort_key
    order by driver, sort_key
)

select * from final
