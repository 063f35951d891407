-- The compared measures of the catalog (NPS, CSAT and their samples) per segment of $dim
-- and calendar month over [$start, $end], for the segments page's heatmap. Segments as in
-- metrics/kpis_by_segment ('(not set)' for unknown values).
with

signals as (
    select customer_key
    from he_signals($end)
    where is_high_expectation and $dim = 'high_expectation'
),

surveys as (
    select
        s.*,
        date_trunc('month', s.submitted_date)::date as month,
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
        /*@ measures surveys compared @*/
    from surveys
    group by coalesce(segment, '(not set)'), month
)

select * from final
order by segment, month
