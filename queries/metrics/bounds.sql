-- The data's first and last day, its as-of time, and the highest customer key.
select first_day, last_day, as_of, customer_keys from data_bounds
