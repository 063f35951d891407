-- Whether the warehouse holds a table named $table_name (tables added by later releases, such as
-- validation_results, are optional for the dashboard).
with

tables as (select table_name from information_schema.tables),

final as (select count(*) > 0 as present from tables where table_name = $table_name)

select * from final
