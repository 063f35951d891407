-- The data's first and last day and its as-of time.
select first_day, last_day, as_of from data_bounds
