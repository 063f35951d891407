-- Behavioural loyalty after a failure: of the failures of the window and filter with an
-- outcome, and of the tickets of customers who never had a failure (the reference: a support
-- contact that went without a failure), how many were followed by the customer's activity
-- within 90 and within 180 days of the anchor: the failure's resolution (its creation when
-- unresolved), the ticket's likewise. Activity is a ticket created, a review posted or a
-- survey answer not sent after a ticket (a post-ticket survey is part of its ticket, which
-- already counts). Only anchors whose 90 or 180 days have fully passed by the data's as-of
-- time count, for that horizon.
with

bounds as (select as_of from data_bounds),

failures as (
    select customer_key, coalesce(resolved_at, created_at) as anchor,
        case outcome when 'recovered' then 'recovered' else 'not recovered' end as grp
    from failures_in($start, $end, $f)
    where outcome is not null and customer_key is not null
),

failure_customers as (select distinct customer_key from failure_recoveries),

no_failure as (
    select t.customer_key, coalesce(t.resolved_at, t.created_at) as anchor, 'no failure' as grp
    from tickets_in($start, $end, $f) as t
    anti join failure_customers as c on t.customer_key = c.customer_key
    where t.customer_key is not null
),

anchors as (
    select * from no_failure
    union all
    select * from failures
),

activity as (
    select customer_key, created_at as at from ticket_facts where customer_key is not null
    union all
    select customer_key, posted_at from review_facts where customer_key is not null
    union all
    select customer_key, submitted_at from survey_facts where customer_key is not null and ticket_id is null
),

next_activity as (
    select x.grp, x.anchor, a.at as next_at
    from anchors as x
    asof left join activity as a on x.customer_key = a.customer_key and a.at > x.anchor
),

horizons as (select * from (values (90), (180)) as h(days)),

groups as (
    select * from (values ('no failure', 1), ('recovered', 2), ('not recovered', 3)) as g(grp, sort_order)
),

final as (
    select
        g.grp as "group",
        h.days,
        count(n.anchor) as eligible,
        count(n.anchor) filter (where n.next_at <= n.anchor + to_days(h.days)) as active,
        100.0 * count(n.anchor) filter (where n.next_at <= n.anchor + to_days(h.days))
            / nullif(count(n.anchor), 0) as active_pct
    from groups as g
    cross join horizons as h
    cross join bounds as b
    left join next_activity as n on g.grp = n.grp and n.anchor + to_days(h.days) <= b.as_of
    group by g.grp, g.sort_order, h.days
    order by h.days, g.sort_order
)

select * from final
