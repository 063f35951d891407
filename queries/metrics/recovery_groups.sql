-- Loyalty of three groups, as NPS with its 95% margin: customers who never had a failure
-- (their window responses), and the loyalty responses after recovered and after not
-- recovered failures of the window. The same sets as nps_no_failure, nps_after_recovery
-- and nps_after_failed_recovery of metrics/kpis.
with

-- customer_had_failure: a failure ticket at any time, in any segment (set at refresh).
no_failure as (
    select s.nps
    from surveys_in($start, $end, $f) as s
    where s.nps is not null and not s.customer_had_failure
),

after_failure as (
    select outcome, loyalty_nps as nps
    from failures_in($start, $end, $f)
    where outcome is not null and loyalty_nps is not null
),

answers as (
    select 'no failure' as grp, 1 as sort_order, nps from no_failure
    union all
    select 'recovered', 2, nps from after_failure where outcome = 'recovered'
    union all
    select 'not recovered', 3, nps from after_failure where outcome = 'not_recovered'
),

groups as (
    select * from (values ('no failure', 1), ('recovered', 2), ('not recovered', 3)) as g(grp, sort_order)
),

final as (
    select
        g.grp as "group",
        count(a.nps) as responses,
        nps_score(a.nps) as nps,
        nps_moe95(a.nps) as nps_moe95,
        100.0 * promoter_share(a.nps) as promoters_pct,
        100.0 * detractor_share(a.nps) as detractors_pct
    from groups as g
    left join answers as a on g.grp = a.grp
    group by g.grp, g.sort_order
    order by g.sort_order
)

select * from final
