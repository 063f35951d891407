-- High-expectation customers to act on today: active in the window and a detractor at
-- their latest answer, or with a failure ticket still open, or with a negative review in
-- the last $recent_days days of the window. Most urgent first: at most $limit rows (null:
-- all), with how many there are in all (matching). ticket_id: the oldest open failure ticket.
with

window_end as (select end_day from window_days($start, $end)),

bounds as (select as_of from data_bounds),

signals as (select * from he_signals($end) where is_high_expectation),

surveys as (select * from surveys_in($start, $end, $f)),

tickets as (select * from tickets_in($start, $end, $f)),

reviews as (select * from reviews_in($start, $end, $f) where customer_id is not null),

active as (
    select customer_id from surveys
    union
    select customer_id from tickets
    union
    select customer_id from reviews
),

latest_nps as (
    select customer_id, nps, submitted_date
    from surveys
    where nps is not null
    qualify row_number() over (partition by customer_id order by submitted_at desc, response_id desc) = 1
),

open_failures as (
    select
        f.customer_id,
        count(*) as open_failures,
        -- Whole days, as every listing counts waiting (unanswered_tickets): 160, not 160.146.
        floor(max(epoch(b.as_of - f.created_at)) / 86400.0)::bigint as oldest_open_days,
        arg_max(f.ticket_id, epoch(b.as_of - f.created_at)) as oldest_ticket_id
    from failure_recoveries as f
    cross join bounds as b
    cross join window_end as w
    where f.resolved_at is null and f.created_date <= w.end_day
    group by f.customer_id
),

negative_reviews as (
    select
        r.customer_id,
        count(*) as negative_reviews,
        min(r.rating) as lowest_rating,
        max(r.posted_date) as last_negative_review,
        bool_or(r.replied_at is null) as unreplied,
        arg_max(r.platform, r.posted_at) as platform
    from reviews as r
    cross join window_end as w
    where is_negative_review(r.rating) and r.posted_date > w.end_day - $recent_days
    group by r.customer_id
),

candidates as (
    select
        s.customer_id,
        s.demanding, s.vocal, s.in_touch, s.influential, s.signals,
        n.nps as latest_nps,
        n.submitted_date as latest_nps_date,
        o.open_failures,
        o.oldest_open_days,
        o.oldest_ticket_id,
        v.negative_reviews,
        v.lowest_rating,
        v.last_negative_review,
        v.unreplied,
        v.platform
    from signals as s
    join active as a on s.customer_id = a.customer_id
    left join latest_nps as n on s.customer_id = n.customer_id
    left join open_failures as o on s.customer_id = o.customer_id
    left join negative_reviews as v on s.customer_id = v.customer_id
    where is_detractor(n.nps) or o.open_failures > 0 or v.negative_reviews > 0
),

final as (
    select
        c.customer_id,
        cu.region,
        cu.tier,
        cu.product,
        -- Open failures first (they can still be recovered), then unanswered public
        -- criticism, then detractors; older problems before newer ones.
        3 * coalesce(c.open_failures > 0, false)::int + 2 * coalesce(c.unreplied, false)::int
            + coalesce(c.negative_reviews > 0, false)::int + coalesce(is_detractor(c.latest_nps), false)::int
            as urgency,
        concat_ws('; ',
            case when c.open_failures > 0 then
                'resolve failure ticket ' || c.oldest_ticket_id || ' (open '
                || c.oldest_open_days || ' days)' end,
            case when c.negative_reviews > 0 and c.unreplied then
                'reply to the ' || c.lowest_rating || '-star review on ' || c.platform
                || ' of ' || strftime(c.last_negative_review, '%Y-%m-%d') end,
            case when c.negative_reviews > 0 and not c.unreplied then
                'follow up on the ' || c.lowest_rating || '-star review on ' || c.platform end,
            case when is_detractor(c.latest_nps) then
                'call back: gave NPS ' || c.latest_nps || ' on ' || strftime(c.latest_nps_date, '%Y-%m-%d') end
        ) as needs,
        concat_ws(', ',
            case when c.demanding then 'demanding' end,
            case when c.vocal then 'vocal' end,
            case when c.in_touch then 'in touch' end,
            case when c.influential then 'influential' end
        ) as signals,
        c.latest_nps,
        c.open_failures,
        c.oldest_open_days,
        c.oldest_ticket_id as ticket_id,
        c.negative_reviews,
        count(*) over () as matching
    from candidates as c
    left join stg_customers as cu on c.customer_id = cu.customer_id
)

select * from final
order by urgency desc, oldest_open_days desc nulls last, customer_id
limit $limit
