-- The temporary tables and views a refresh reads exports into, to drop once staged.
select 'view' as kind, view_name as name from duckdb_views() where temporary and not internal
union all
select 'table', table_name from duckdb_tables() where temporary
