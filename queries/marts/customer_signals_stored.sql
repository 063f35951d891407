-- High-expectation signals for the window ends asked most, computed once at refresh: the
-- last day in the data (every query without an explicit end, and the dashboard's default
-- window) and $default_days days before it (the end of the previous period the dashboard
-- compares its default window with). Any other end is computed on the fly (he_signals).
select b.last_day as signals_end, s.*
from data_bounds as b, customer_signals(null) as s
union all
select b.last_day - $default_days::integer, s.*
from data_bounds as b, customer_signals((select last_day - $default_days::integer from data_bounds)) as s
