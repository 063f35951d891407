-- The first rows of a file as the refresh's row rules checked them (`preview_checked`: the
-- checked rows of one source, see cx/pipeline/mapping_proposal.py), in the file's order.
with

checked as (select * from preview_checked),

final as (
    select * from checked
    order by _line
    limit $limit
)

select * from final
