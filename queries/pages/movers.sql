-- NPS and CSAT per segment of the overview's dimensions, in the window [$start, $end] and
-- the comparison window [$cstart, $cend], for the "biggest movers" list. Dimensions a
-- survey response can carry: region, product, tier, channel, team.
with

responses as (
    select 'current' as period, region, product, tier, channel, team, nps, csat
    from surveys_in($start, $end, $f)
    union all
    select 'comparison' as period, region, product, tier, channel, team, nps, csat
    from surveys_in($cstart, $cend, $f)
),

by_dimension as (
    unpivot responses
    on region, product, tier, channel, team
    into name dimension value segment
),

final as (
    select
        dimension,
        segment,
        period,
        nps_score(nps) as nps,
        nps_moe95(nps) as nps_moe95,
        count(nps) as nps_n,
        csat_pct(csat) as csat_pct,
        count(csat) as csat_n,
        count(*) filter (where csat >= 4) as csat_ok
    from by_dimension
    group by all
)

select * from final
order by dimension, segment, period
