-- Rejected rows counted by source, column and the rule they broke, with one example reason.
with

rejected as (select * from rejected_rows),

ruled as (
    select
        *,
        coalesce(nullif(regexp_extract(
            reason,
            'is missing|is not a readable timestamp|is before|is in the future|is outside'
            || '|is not a whole number|is negative|is not a yes/no value|is not a number|already appears'
        ), ''), reason) as rule
    from rejected
),

final as (
    select
        source,
        coalesce("column", '(whole row)') as "column",
        rule,
        count(*) as rows,
        count(distinct file) as files,
        min(reason) as example
    from ruled
    group by source, coalesce("column", '(whole row)'), rule
)

select * from final
order by rows desc, source, "column", rule
