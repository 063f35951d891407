-- The rows a key-driver analysis reads (cx/drivers.py): each ticket of the window and filter
-- with a post-ticket answer ($target: 'csat' or 'nps'), its score as points and the parts
-- of the support experience that may drive it. CSAT scores 100 when satisfied (4 or 5), else
-- 0, so that its mean is CSAT %; NPS scores +100 for a promoter, -100 for a detractor, 0 for
-- a passive, so that its mean is the NPS. Durations in hours; no answer, no row.
with

tickets as (select * from tickets_in($start, $end, $f)),

final as (
    select
        t.ticket_id,
        case when $target = 'nps'
            then case when t.post_nps >= 9 then 100.0 when t.post_nps <= 6 then -100.0 else 0.0 end
            else case when is_satisfied(t.post_csat) then 100.0 else 0.0 end
        end as score,
        t.first_response_hours,
        t.resolution_hours,
        t.reopens,
        case when t.is_resolved and t.replies is not null then t.replies <= 1 end as one_touch,
        t.promise_kept,
        t.proactive,
        t.apologized,
        t.compensation,
        t.channel,
        t.priority,
        t.team
    from tickets as t
    where case when $target = 'nps' then t.post_nps is not null else t.post_csat is not null end
)

select * from final
order by ticket_id
