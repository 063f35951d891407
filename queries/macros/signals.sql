-- High-expectation signals for a window ending on end_day (DATE or null: the last day in
-- the data). Null reads the table computed at refresh; any other day is computed on the
-- fly. The branch that does not apply is pruned before it runs, because its guard is a
-- constant; callers pass null for the last day in the data (cx.metrics.window_end).
create or replace macro he_signals(end_day) as table
    select * from customer_signals_latest where end_day is null
    union all by name
    select * from customer_signals(end_day) where end_day is not null;
