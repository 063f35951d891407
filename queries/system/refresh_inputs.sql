-- The input files one refresh read ($refresh_id), by source and name: the format recognised,
-- rows, rejected rows and (warehouses built since the importers) skipped rows.
with

inputs as (select * from refresh_inputs where refresh_id = $refresh_id),

final as (
    select * exclude (refresh_id)
    from inputs
)

select * from final
order by source, file
