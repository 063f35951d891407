-- What every page's freshness line says: the data's span and as-of time, and the refresh
-- that published this warehouse.
with

bounds as (select * from data_bounds),

last_refresh as (
    select refresh_id, finished_at, data_dir
    from refreshes
    order by finished_at desc
    limit 1
),

final as (
    select
        b.first_day,
        b.last_day,
        b.as_of,
        r.refresh_id,
        r.finished_at as refreshed_at,
        r.data_dir
    from bounds as b
    left join last_refresh as r on true
)

select * from final
