-- The rows of the previewed file the row rules reject: one row per problem, with the line
-- (the header is line 1), the contract column, the value as read and the reason.
with

checked as (select _line, _problems from preview_checked where len(_problems) > 0),

problems as (
    select _line, unnest(_problems) as p
    from checked
),

final as (
    select
        _line as line,
        p.column as column_name,
        p.value as value,
        p.reason as reason,
        p.rule as rule
    from problems
)

select * from final
order by line, column_name
limit $limit
