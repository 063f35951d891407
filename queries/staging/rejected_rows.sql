-- Every rejected row of every source, one row each: where it is (file, line), the first
-- column at fault and its value, all the reasons, the rules broken, and the row as it was
-- read (`__record`, null for a line that could not be split into columns: its value is the
-- raw line).
with

files as (select * from input_files),

problem_rows as (
    select 'customers' as source, _file_no, _line, _problems, __record as record
    from work.checked_customers where len(_problems) > 0
    union all
    select 'surveys', _file_no, _line, _problems, __record
    from work.checked_surveys where len(_problems) > 0
    union all
    select 'reviews', _file_no, _line, _problems, __record
    from work.checked_reviews where len(_problems) > 0
    union all
    select 'tickets', _file_no, _line, _problems, __record
    from work.checked_tickets where len(_problems) > 0
),

final as (
    select
        p.source,
        f.file,
        -- A line number is whole (a file read through a vendor format can carry it as a double).
        p._line::bigint as line,
        p._problems[1].column as "column",
        p._problems[1].value as value,
        array_to_string(list_transform(p._problems, lambda x: x.reason), '; ') as reason,
        list_transform(p._problems, lambda x: x.column) as columns,
        list_transform(p._problems, lambda x: x.rule) as rules,
        p.record
    from problem_rows as p
    inner join files as f on p.source = f.source and p._file_no = f.file_no
)

select * from final
order by source, file, line
