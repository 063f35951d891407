-- One row per customer with any high-expectation signal over the lookback days up to
-- end_day (DATE; null: the last day in the data): which of the four signals they show, and whether that makes them a
-- high-expectation customer. Thresholds come from the settings table.
create or replace macro customer_signals(end_day) as table
with

settings as (select * from settings),

span as (
    select w.end_day - (s.lookback_days - 1) as first_day, w.end_day as last_day
    from settings as s, window_days(null, end_day) as w
),

-- Only the columns the signals read, by the customer's integer key: the span holds most
-- of a year, and a CTE read twice is copied (a copy of all of ticket_facts' columns is
-- slow, and grouping by the text ID is slower than by the key).
tickets as (
    select t.customer_key, t.first_response_hours from ticket_facts as t, span
    where t.created_date between span.first_day and span.last_day
),

surveys as (
    select s.customer_key, s.csat, s.ticket_first_response_hours, length(s.comment) as comment_chars
    from survey_facts as s, span
    where s.submitted_date between span.first_day and span.last_day
),

reviews as (
    select r.customer_key from review_facts as r, span
    where r.posted_date between span.first_day and span.last_day and r.customer_key is not null
),

median_response as (select median_of(first_response_hours) as hours from tickets),

-- A survey's ticket and its first-response time were joined at refresh (survey_facts).
demanding as (
    select distinct s.customer_key
    from surveys as s
    cross join median_response as m
    cross join settings as st
    where s.csat <= st.demanding_csat_max and s.ticket_first_response_hours < m.hours
),

vocal as (
    select s.customer_key
    from surveys as s
    cross join settings as st
    group by s.customer_key
    having max(s.comment_chars) >= any_value(st.long_comment_chars)
        or count(s.comment_chars) >= any_value(st.many_comments)
),

in_touch as (
    select t.customer_key
    from tickets as t
    cross join settings as st
    group by t.customer_key
    having count(*) >= any_value(st.many_tickets)
),

influential as (select distinct customer_key from reviews),

flagged as (
    select customer_key, 'demanding' as signal from demanding
    union all select customer_key, 'vocal' from vocal
    union all select customer_key, 'in_touch' from in_touch
    union all select customer_key, 'influential' from influential
),

per_customer as (
    select
        f.customer_key,
        bool_or(f.signal = 'demanding') as demanding,
        bool_or(f.signal = 'vocal') as vocal,
        bool_or(f.signal = 'in_touch') as in_touch,
        bool_or(f.signal = 'influential') as influential,
        count(*) as signals,
        count(*) >= any_value(st.min_signals) as is_high_expectation
    from flagged as f
    cross join settings as st
    group by f.customer_key
),

final as (
    select k.customer_id, p.*
    from per_customer as p
    join customer_keys as k on p.customer_key = k.customer_key
)

select * from final
