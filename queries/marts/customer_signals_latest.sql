-- One row per customer with a high-expectation signal over the lookback days up to the
-- last day in the data: customer_signals(null), computed once at refresh because every
-- query without an explicit end (and the dashboard's default view) asks for it.
select * from customer_signals(null)
