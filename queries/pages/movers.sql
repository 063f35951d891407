-- The tested measures of the catalog (NPS and CSAT: those with a test and the "compared"
-- grain, with their samples) per segment of the overview's dimensions, in the window
-- [$start, $end] and the comparison window [$cstart, $cend], for the "biggest movers" list.
-- Dimensions a survey response can carry: region, product, tier, channel, team. One grouping
-- set per dimension: the responses are grouped five ways in one pass, not copied five times
-- (an unpivot of the responses cost a third more).
with

responses as (
    select 'current' as period, s.*
    from surveys_in($start, $end, $f) as s
    union all
    select 'comparison' as period, s.*
    from surveys_in($cstart, $cend, $f) as s
),

by_dimension as (
    select
        case
            when grouping(region) = 0 then 'region'
            when grouping(product) = 0 then 'product'
            when grouping(tier) = 0 then 'tier'
            when grouping(channel) = 0 then 'channel'
            else 'team'
        end as dimension,
        coalesce(region, product, tier, channel, team) as segment,
        period,
        /*@ measures surveys compared @*/
    from responses
    group by grouping sets ((period, region), (period, product), (period, tier), (period, channel), (period, team))
),

-- Responses with no value for a dimension group under a null segment, which is no segment.
final as (select * from by_dimension where segment is not null)

select * from final
order by dimension, segment, period
