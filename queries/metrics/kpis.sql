-- Every measure of the metrics catalog (queries/metrics/catalog.toml) for one window and
-- segment filter, as one row: the metrics in the catalog's order, then the samples behind
-- them. The select lists come from the catalog (cx.catalog.render); this file says only
-- which rows each group aggregates.
-- $start, $end: DATE or null (all data). $f: one list of allowed values per dimension.
-- $customers: the highest customer key (data_bounds), the size of a customer_set.
-- Each row set is read once: the active customers read the sources again for the one
-- column they need (a CTE used twice is materialized, and a copy of every ticket costs
-- more than a second scan).
with

-- customer_had_failure: a failure ticket at any time, in any segment (set at refresh).
surveys as (select * from surveys_in($start, $end, $f)),

reviews as (select * from reviews_in($start, $end, $f)),

tickets as (select * from tickets_in($start, $end, $f)),

failures as (select * from failures_in($start, $end, $f)),

survey_measures as (
    select
        /*@ measures surveys total @*/
    from surveys
),

review_measures as (
    select
        /*@ measures reviews total @*/
    from reviews
),

ticket_measures as (
    select
        /*@ measures tickets total @*/
    from tickets
),

failure_measures as (
    select
        /*@ measures failures total @*/
    from failures
),

-- Customers as sets of integer keys: a union of bit strings instead of a distinct.
active_customers as (
    select bit_or(active) as active
    from (
        select customer_set(customer_key, $customers) as active from tickets_in($start, $end, $f)
        union all
        select customer_set(customer_key, $customers) from surveys_in($start, $end, $f)
        union all
        select customer_set(customer_key, $customers) from reviews_in($start, $end, $f)
    )
),

high_expectation_customers as (
    select customer_set(customer_key, $customers) as high_expectation
    from he_signals($end)
    where is_high_expectation
),

-- The customer measures read `active` and `high_expectation`, two sets of customers.
customer_measures as (
    select
        /*@ measures customers total @*/
    from active_customers, high_expectation_customers
),

final as (
    select
        /*@ final total @*/
    from survey_measures, review_measures, ticket_measures, failure_measures, customer_measures
)

select * from final
