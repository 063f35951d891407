-- High-expectation customers among the window's active customers: how many, which
-- signals they show, and how their experience compares with everyone else's.
with

surveys as (select * from surveys_in($start, $end, $f)),

tickets as (select * from tickets_in($start, $end, $f)),

reviews as (select * from reviews_in($start, $end, $f) where customer_key is not null),

active as (
    select customer_key from surveys
    union
    select customer_key from tickets
    union
    select customer_key from reviews
),

flagged as (
    select
        a.customer_key,
        coalesce(s.is_high_expectation, false) as is_high_expectation,
        coalesce(s.demanding, false) as demanding,
        coalesce(s.vocal, false) as vocal,
        coalesce(s.in_touch, false) as in_touch,
        coalesce(s.influential, false) as influential
    from active as a
    left join he_signals($end) as s on a.customer_key = s.customer_key
),

survey_side as (
    select
        f.is_high_expectation,
        count(s.nps) as nps_responses,
        nps_score(s.nps) as nps,
        nps_moe95(s.nps) as nps_moe95,
        count(s.csat) as csat_responses,
        csat_pct(s.csat) as csat_pct
    from surveys as s
    join flagged as f on s.customer_key = f.customer_key
    group by f.is_high_expectation
),

ticket_side as (
    select
        f.is_high_expectation,
        count(*) as tickets,
        median_of(t.first_response_hours) as first_response_hours_median,
        median_of(t.resolution_hours) as resolution_hours_median
    from tickets as t
    join flagged as f on t.customer_key = f.customer_key
    group by f.is_high_expectation
),

customer_side as (
    select
        is_high_expectation,
        count(*) as customers,
        count(*) filter (where demanding) as demanding,
        count(*) filter (where vocal) as vocal,
        count(*) filter (where in_touch) as in_touch,
        count(*) filter (where influential) as influential
    from flagged
    group by is_high_expectation
),

final as (
    select
        case when c.is_high_expectation then 'high expectation' else 'everyone else' end as segment,
        c.customers,
        100.0 * c.customers / sum(c.customers) over () as share_pct,
        c.demanding,
        c.vocal,
        c.in_touch,
        c.influential,
        coalesce(t.tickets, 0) as tickets,
        s.nps_responses,
        s.nps,
        s.nps_moe95,
        s.csat_responses,
        s.csat_pct,
        t.first_response_hours_median,
        t.resolution_hours_median
    from customer_side as c
    left join survey_side as s on c.is_high_expectation = s.is_high_expectation
    left join ticket_side as t on c.is_high_expectation = t.is_high_expectation
    order by c.is_high_expectation desc
)

select * from final
