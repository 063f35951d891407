-- NPS, CSAT and volumes per week (ISO, from Monday) or month over [$start, $end], for the
-- overview's trend. Every bucket that lies inside the window holds the numbers
-- `cx metrics --start <bucket_start> --end <bucket_end>` prints; a bucket cut by the
-- window's edge is marked partial and covers only its days inside the window.
-- $grain: 'week' or 'month'. The measures are the catalog's of the "compared" grain.
with

surveys as (
    select
        s.*,
        case when $grain = 'week' then date_trunc('week', s.submitted_date)
            else date_trunc('month', s.submitted_date) end::date as bucket_start
    from surveys_in($start, $end, $f) as s
),

tickets as (
    select
        t.*,
        case when $grain = 'week' then date_trunc('week', t.created_date)
            else date_trunc('month', t.created_date) end::date as bucket_start
    from tickets_in($start, $end, $f) as t
),

survey_stats as (
    select
        bucket_start,
        /*@ measures surveys compared @*/
    from surveys
    group by bucket_start
),

ticket_stats as (
    select
        bucket_start,
        /*@ measures tickets compared @*/
    from tickets
    group by bucket_start
),

window_bounds as (select * from window_days($start, $end)),

buckets as (
    select bucket_start from survey_stats
    union
    select bucket_start from ticket_stats
),

final as (
    select
        b.bucket_start,
        (case when $grain = 'week' then b.bucket_start + interval 6 day
            else b.bucket_start + interval 1 month - interval 1 day end)::date as bucket_end,
        greatest(b.bucket_start, w.start_day) as covered_start,
        least(
            (case when $grain = 'week' then b.bucket_start + interval 6 day
                else b.bucket_start + interval 1 month - interval 1 day end)::date,
            w.end_day
        ) as covered_end,
        b.bucket_start < w.start_day
            or (case when $grain = 'week' then b.bucket_start + interval 6 day
                else b.bucket_start + interval 1 month - interval 1 day end)::date > w.end_day
            as is_partial,
        /*@ final compared @*/
    from buckets as b
    cross join window_bounds as w
    left join survey_stats as s on b.bucket_start = s.bucket_start
    left join ticket_stats as t on b.bucket_start = t.bucket_start
)

select * from final
order by bucket_start
