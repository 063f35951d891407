-- How many rows of the previewed file the row rules keep and reject.
with

checked as (select _problems from preview_checked),

final as (
    select
        count(*) as rows_read,
        count(*) filter (where len(_problems) > 0) as rows_rejected
    from checked
)

select * from final
