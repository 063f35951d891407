-- One customer ($customer_id): attributes, activity counts, and the high-expectation
-- signals over the lookback up to the last day in the data.
with

customers as (select * from stg_customers where customer_id = $customer_id),

signals as (select * from he_signals(null) where customer_id = $customer_id),

activity as (
    select
        (select count(*) from survey_facts where customer_id = $customer_id) as responses,
        (select count(*) from ticket_facts where customer_id = $customer_id) as tickets,
        (select count(*) from review_facts where customer_id = $customer_id) as reviews,
        (select count(*) from failure_recoveries where customer_id = $customer_id) as failures
),

final as (
    select
        $customer_id as customer_id,
        c.customer_id is not null as in_customers,
        c.region,
        c.product,
        c.tier,
        c.language,
        c.signup_at,
        a.responses,
        a.tickets,
        a.reviews,
        a.failures,
        coalesce(s.demanding, false) as demanding,
        coalesce(s.vocal, false) as vocal,
        coalesce(s.in_touch, false) as in_touch,
        coalesce(s.influential, false) as influential,
        coalesce(s.signals, 0) as signals,
        coalesce(s.is_high_expectation, false) as is_high_expectation
    from activity as a
    left join customers as c on true
    left join signals as s on true
)

select * from final
