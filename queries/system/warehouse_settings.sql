-- The thresholds this warehouse was built with (config/cx.toml at refresh time): the
-- analysis pages quote them ("open for less than 14 days", "within 4 hours of the promise",
-- "opened 3+ tickets").
with

settings as (select * from settings),

final as (
    select
        failure_types,
        unresolved_days,
        loyalty_window_days,
        recovered_csat_min,
        promise_on_time_hours,
        lookback_days,
        min_signals,
        demanding_csat_max,
        long_comment_chars,
        many_comments,
        many_tickets
    from settings
)

select * from final
