-- The input files one refresh read ($refresh_id), by source and name.
with

inputs as (select * from refresh_inputs where refresh_id = $refresh_id),

final as (
    select source, file, format, encoding, bytes, rows, rejected
    from inputs
)

select * from final
order by source, file
