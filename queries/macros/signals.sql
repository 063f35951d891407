-- High-expectation signals for a window ending on end_day (DATE or null: the last day in
-- the data). The ends the refresh stored (customer_signals_stored) are read from there;
-- any other day is computed on the fly. For a stored end the computed branch is asked for
-- year 1, where no row lies: its scans skip every row group, so it costs nothing.
create or replace macro he_signals(end_day) as table
    select * exclude (signals_end) from customer_signals_stored
    where signals_end = coalesce(end_day::date, (select last_day from data_bounds))
    union all by name
    select * from customer_signals(
        case
            when end_day is null or end_day::date in (select signals_end from customer_signals_stored)
                then date '0001-01-01'
            else end_day::date
        end
    );
