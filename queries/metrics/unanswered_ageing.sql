-- Tickets of the window still without a first response, by how long they have waited at
-- the data's as-of time.
with

bounds as (select as_of from data_bounds),

waiting as (
    select epoch(b.as_of - t.created_at) / 3600.0 as hours
    from tickets_in($start, $end, $f) as t
    cross join bounds as b
    where t.first_response_at is null
),

bands as (
    select * from (values
        ('under 4 h', 0, 4), ('4-24 h', 4, 24), ('1-3 days', 24, 72), ('3-7 days', 72, 168),
        ('over 7 days', 168, null)
    ) as b(band, low_hours, high_hours)
),

final as (
    select
        b.band,
        count(w.hours) as tickets
    from bands as b
    left join waiting as w
        on w.hours >= b.low_hours and (b.high_hours is null or w.hours < b.high_hours)
    group by b.band, b.low_hours
    order by b.low_hours
)

select * from final
