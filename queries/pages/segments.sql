-- One row per segment of dimension $dim (one of cx.schema.DIMENSIONS, or
-- 'high_expectation': yes/no), plus one row for all segments together (is_total).
-- Values unknown for a row are the segment '(not set)'.
-- $start, $end: DATE or null; $f: the segment filter; $dim: checked by the caller.
-- Each metric comes from its macro; the counts beside them feed the significance tests.
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

survey_stats as (
    select
        coalesce(segment, '(not set)') as segment,
        grouping(coalesce(segment, '(not set)')) = 1 as is_total,
        count(*) as responses,
        nps_score(nps) as nps,
        nps_moe95(nps) as nps_moe95,
        count(nps) as nps_n,
        count(*) filter (where nps >= 9) as promoters,
        count(*) filter (where nps <= 6) as detractors,
        csat_pct(csat) as csat_pct,
        count(csat) as csat_n,
        count(*) filter (where csat >= 4) as csat_ok,
        avg(ces) as ces_avg,
        count(ces) as ces_n
    from surveys
    group by grouping sets ((coalesce(segment, '(not set)')), ())
),

ticket_stats as (
    select
        coalesce(segment, '(not set)') as segment,
        grouping(coalesce(segment, '(not set)')) = 1 as is_total,
        count(*) as tickets,
        median_of(first_response_hours) as first_response_hours_median,
        count(first_response_hours) as first_response_n,
        median_of(resolution_hours) as resolution_hours_median,
        count(resolution_hours) as resolution_n,
        pct_true(promise_kept) as promise_kept_pct,
        count(promise_kept) as promise_n
    from tickets
    group by grouping sets ((coalesce(segment, '(not set)')), ())
),

failure_stats as (
    select
        coalesce(segment, '(not set)') as segment,
        grouping(coalesce(segment, '(not set)')) = 1 as is_total,
        count(*) as failures,
        pct_true(case outcome when 'recovered' then true when 'not_recovered' then false end)
            as recovery_pct,
        count(*) filter (where outcome = 'recovered') as recovered,
        count(*) filter (where outcome in ('recovered', 'not_recovered')) as recovery_n
    from failures
    group by grouping sets ((coalesce(segment, '(not set)')), ())
),

review_stats as (
    select
        coalesce(segment, '(not set)') as segment,
        grouping(coalesce(segment, '(not set)')) = 1 as is_total,
        count(*) as reviews,
        avg(rating) as review_rating_avg
    from reviews
    group by grouping sets ((coalesce(segment, '(not set)')), ())
),

keys as (
    select segment, is_total from survey_stats
    union
    select segment, is_total from ticket_stats
    union
    select segment, is_total from failure_stats
    union
    select segment, is_total from review_stats
),

final as (
    select
        case when k.is_total then null else k.segment end as segment,
        k.is_total,
        coalesce(s.responses, 0) as responses,
        s.nps, s.nps_moe95,
        coalesce(s.nps_n, 0) as nps_n,
        coalesce(s.promoters, 0) as promoters,
        coalesce(s.detractors, 0) as detractors,
        s.csat_pct,
        coalesce(s.csat_n, 0) as csat_n,
        coalesce(s.csat_ok, 0) as csat_ok,
        s.ces_avg,
        coalesce(s.ces_n, 0) as ces_n,
        coalesce(t.tickets, 0) as tickets,
        t.first_response_hours_median,
        coalesce(t.first_response_n, 0) as first_response_n,
        t.resolution_hours_median,
        coalesce(t.resolution_n, 0) as resolution_n,
        t.promise_kept_pct,
        coalesce(t.promise_n, 0) as promise_n,
        coalesce(f.failures, 0) as failures,
        f.recovery_pct,
        coalesce(f.recovered, 0) as recovered,
        coalesce(f.recovery_n, 0) as recovery_n,
        coalesce(r.reviews, 0) as reviews,
        r.review_rating_avg
    from keys as k
    left join survey_stats as s on k.segment is not distinct from s.segment and k.is_total = s.is_total
    left join ticket_stats as t on k.segment is not distinct from t.segment and k.is_total = t.is_total
    left join failure_stats as f on k.segment is not distinct from f.segment and k.is_total = f.is_total
    left join review_stats as r on k.segment is not distinct from r.segment and k.is_total = r.is_total
)

select * from final
order by is_total desc, segment = '(not set)', coalesce(nps_n, 0) + tickets + reviews desc, segment
