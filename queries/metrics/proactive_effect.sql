-- Tickets with and without a proactive notice: how many, their post-ticket CSAT, and how
-- often they were complaints.
with

tickets as (select * from tickets_in($start, $end, $f) where proactive is not null),

final as (
    select
        case when proactive then 'proactive notice' else 'no notice' end as contact,
        count(*) as tickets,
        count(post_csat) as csat_responses,
        csat_pct(post_csat) as csat_pct,
        pct_true(type = 'complaint') as complaint_pct,
        median_of(resolution_hours) as resolution_hours_median
    from tickets
    group by proactive
    order by proactive desc
)

select * from final
