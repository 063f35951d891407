-- The rejected rows as `python -m cx rejected` and the data page list them.
with

rejected as (select * from rejected_rows),

final as (
    select source, file, line, "column", value, reason, record
    from rejected
)

select * from final
order by source, file, line
