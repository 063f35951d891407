-- One row per segment of dimension $dim (one of cx.schema.DIMENSIONS, or
-- 'high_expectation': yes/no), plus one row for all segments together (is_total).
-- Values unknown for a row are the segment '(not set)'.
-- $start, $end: DATE or null; $f: the segment filter; $dim: checked by the caller.
-- The measures are the catalog's of the segment grain (queries/metrics/catalog.toml, those
-- with "segment" among their grains, and the samples behind them), each from the same
-- expression as the window's totals in metrics/kpis.
with

signals as (
    select customer_key
    from he_signals($end)
    where is_high_expectation and $dim = 'high_expectation'
),

surveys as (
    select
        s.*,
        segment_of(
            $dim, s.region, s.product, s.tier, s.language, s.channel, s.team, s.agent, s.type, s.priority, s.platform,
            case when sig.customer_key is null then 'no' else 'yes' end
        ) as segment
    from surveys_in($start, $end, $f) as s
    left join signals as sig on s.customer_key = sig.customer_key
),

tickets as (
    select
        t.*,
        segment_of(
            $dim, t.region, t.product, t.tier, t.language, t.channel, t.team, t.agent, t.type, t.priority, t.platform,
            case when sig.customer_key is null then 'no' else 'yes' end
        ) as segment
    from tickets_in($start, $end, $f) as t
    left join signals as sig on t.customer_key = sig.customer_key
),

failures as (
    select
        r.*,
        segment_of(
            $dim, r.region, r.product, r.tier, r.language, r.channel, r.team, r.agent, r.type, r.priority, r.platform,
            case when sig.customer_key is null then 'no' else 'yes' end
        ) as segment
    from failures_in($start, $end, $f) as r
    left join signals as sig on r.customer_key = sig.customer_key
),

reviews as (
    select
        r.*,
        segment_of(
            $dim, r.region, r.product, r.tier, r.language, r.channel, r.team, r.agent, r.type, r.priority, r.platform,
            case when r.customer_key is null then null when sig.customer_key is null then 'no' else 'yes' end
        ) as segment
    from reviews_in($start, $end, $f) as r
    left join signals as sig on r.customer_key = sig.customer_key
),

survey_measures as (
    select
        coalesce(segment, '(not set)') as segment,
        grouping(coalesce(segment, '(not set)')) = 1 as is_total,
        /*@ measures surveys segment @*/
    from surveys
    group by grouping sets ((coalesce(segment, '(not set)')), ())
),

ticket_measures as (
    select
        coalesce(segment, '(not set)') as segment,
        grouping(coalesce(segment, '(not set)')) = 1 as is_total,
        /*@ measures tickets segment @*/
    from tickets
    group by grouping sets ((coalesce(segment, '(not set)')), ())
),

failure_measures as (
    select
        coalesce(segment, '(not set)') as segment,
        grouping(coalesce(segment, '(not set)')) = 1 as is_total,
        /*@ measures failures segment @*/
    from failures
    group by grouping sets ((coalesce(segment, '(not set)')), ())
),

review_measures as (
    select
        coalesce(segment, '(not set)') as segment,
        grouping(coalesce(segment, '(not set)')) = 1 as is_total,
        /*@ measures reviews segment @*/
    from reviews
    group by grouping sets ((coalesce(segment, '(not set)')), ())
),

keys as (
    select segment, is_total from survey_measures
    union
    select segment, is_total from ticket_measures
    union
    select segment, is_total from failure_measures
    union
    select segment, is_total from review_measures
),

final as (
    select
        case when k.is_total then null else k.segment end as segment,
        k.is_total,
        /*@ final segment @*/
    from keys as k
    left join survey_measures as s on k.segment is not distinct from s.segment and k.is_total = s.is_total
    left join ticket_measures as t on k.segment is not distinct from t.segment and k.is_total = t.is_total
    left join failure_measures as f on k.segment is not distinct from f.segment and k.is_total = f.is_total
    left join review_measures as r on k.segment is not distinct from r.segment and k.is_total = r.is_total
)

select * from final
order by is_total desc, segment = '(not set)', coalesce(nps_n, 0) + tickets + reviews desc, segment
