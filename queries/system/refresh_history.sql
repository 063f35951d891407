-- The refreshes that built this warehouse or an earlier version, newest first.
with

refreshes as (select * from refreshes),

inputs as (
    select refresh_id, count(*) as files, sum(bytes) as bytes
    from refresh_inputs
    group by refresh_id
),

final as (
    select
        r.refresh_id,
        r.started_at,
        r.finished_at,
        epoch(r.finished_at - r.started_at) as seconds,
        r.data_dir,
        coalesce(i.files, 0) as files,
        i.bytes,
        r.rows_read,
        r.rows_rejected,
        r.rows_updated,
        r.first_day,
        r.last_day,
        r.data_as_of,
        r.timezone
    from refreshes as r
    left join inputs as i on r.refresh_id = i.refresh_id
)

select * from final
order by started_at desc
