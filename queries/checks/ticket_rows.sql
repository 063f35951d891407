-- Ticket rows with the rules each breaks; an empty list is a good row.
with

source as (select * from raw_tickets),

ranked as (
    select
        *,
        min(_line) over (partition by _file_no, clean_text(ticket_id)) as _first_line
    from source
),

checked as (
    select
        *,
        list_filter([
            check_required('ticket_id', ticket_id),
            check_duplicate('ticket_id', ticket_id, _line, _first_line),
            check_required('customer_id', customer_id),
            check_required('created_at', created_at),
            check_ts('created_at', created_at, $earliest, $latest),
            check_ts('first_response_at', first_response_at, $earliest, $latest),
            check_ts('resolved_at', resolved_at, $earliest, $latest),
            check_ts('promised_at', promised_at, $earliest, $latest + interval 3650 day),
            check_order('first_response_at', first_response_at, 'created_at', created_at),
            check_order('resolved_at', resolved_at, 'created_at', created_at),
            check_order('resolved_at', resolved_at, 'first_response_at', first_response_at),
            check_order('promised_at', promised_at, 'created_at', created_at),
            check_count('reopens', reopens),
            check_count('replies', replies),
            check_bool('proactive', proactive),
            check_bool('apologized', apologized),
            check_amount('compensation', compensation)
        ], lambda p: p is not null) as _problems
    from ranked
)

select * exclude (_first_line) from checked
