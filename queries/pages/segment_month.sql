-- NPS and CSAT per segment of $dim and calendar month over [$start, $end], for the
-- segments page's heatmap. Segments as in pages/segments ('(not set)' for unknown values).
with

signals as (
    select customer_key
    from he_signals($end)
    where is_high_expectation and $dim = 'high_expectation'
),

surveys as (
    select
        date_trunc('month', s.submitted_date)::date as month,
        s.nps,
        s.csat,
        segment_of(
            $dim, s.region, s.product, s.tier, s.language, s.channel, s.team, s.agent, s.type, s.priority, s.platform,
            case when sig.customer_key is null then 'no' else 'yes' end
        ) as segment
    from surveys_in($start, $end, $f) as s
    left join signals as sig on s.customer_key = sig.customer_key
),

final as (
    select
        coalesce(segment, '(not set)') as segment,
        month,
        count(*) as responses,
        nps_score(nps) as nps,
        nps_moe95(nps) as nps_moe95,
        count(nps) as nps_n,
        csat_pct(csat) as csat_pct,
        count(csat) as csat_n,
        count(*) filter (where csat >= 4) as csat_ok
    from surveys
    group by all
)

select * from final
order by segment, month
