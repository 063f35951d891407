-- High-expectation signals for the window ends asked most, computed once at refresh: the
-- last day in the data (every query without an explicit end, and the dashboard's default
-- window) and $default_days days before it (the end of the previous period the dashboard
-- compares its default window with). Any other end is computed on the fly (he_signals).
with

ends as (
    select last_day as signals_end, true as is_last from data_bounds
    union all
    select last_day - $default_days::integer, false from data_bounds
),

last_day as (select * from customer_signals(null)),

comparison_end as (
    select * from customer_signals((select signals_end from ends where not is_last))
),

final as (
    select e.signals_end, s.* from ends as e, last_day as s where e.is_last
    union all
    select e.signals_end, s.* from ends as e, comparison_end as s where not e.is_last
)

select * from final
