-- The validation report as `python -m cx checks` and the data page list it: failures
-- first (blocking, then rejecting, then warnings), then what passed.
with

results as (select * from validation_results),

final as (
    select
        source,
        title,
        "column",
        severity,
        success,
        unexpected_count,
        unexpected_pct,
        observed,
        examples,
        message,
        expectation,
        rule,
        "rows",
        error,
        refresh_id
    from results
)

select * from final
order by
    success,
    case severity when 'block' then 0 when 'reject' then 1 else 2 end,
    case source when 'customers' then 0 when 'surveys' then 1 when 'reviews' then 2 else 3 end,
    title
