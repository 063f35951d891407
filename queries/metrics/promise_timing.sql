-- Promises of the window's resolved tickets: early, on time or late (see
-- promise_on_time_hours), with the post-ticket CSAT of each: does over-delivering pay?
with

tickets as (select * from tickets_in($start, $end, $f) where promise_timing is not null),

timings as (
    select * from (values ('early', 1), ('on time', 2), ('late', 3)) as t(timing, sort_order)
),

final as (
    select
        t.timing,
        count(k.ticket_id) as tickets,
        100.0 * count(k.ticket_id) / nullif(sum(count(k.ticket_id)) over (), 0) as share_pct,
        count(k.post_csat) as csat_responses,
        csat_pct(k.post_csat) as csat_pct,
        median_of(k.promise_delta_hours) as median_hours_vs_promise
    from timings as t
    left join tickets as k on t.timing = k.promise_timing
    group by t.timing, t.sort_order
    order by t.sort_order
)

select * from final
