-- Ticket rows, cleaned and typed once, with the rules each breaks (an empty
-- `_problems` list: a good row). The text columns hold what the export said (trimmed, digits
-- made ASCII); the `_v_` columns hold typed values, which staging reads.
with

source as (select * from raw_tickets),

cleaned as (
    select
        _file_no,
        _line,
        clean_text(ticket_id) as ticket_id,
        clean_text(customer_id) as customer_id,
        clean_num(created_at) as created_at,
        clean_num(first_response_at) as first_response_at,
        clean_num(resolved_at) as resolved_at,
        clean_text(type) as type,
        clean_text(priority) as priority,
        clean_text(channel) as channel,
        clean_text(team) as team,
        clean_text(agent) as agent,
        clean_num(reopens) as reopens,
        clean_num(replies) as replies,
        clean_num(promised_at) as promised_at,
        clean_text(proactive) as proactive,
        clean_text(apologized) as apologized,
        clean_num(compensation) as compensation,
        clean_text(region) as region,
        clean_text(product) as product,
        clean_text(tier) as tier,
        -- Extra columns of the export, as they came.
        source.* exclude (_file_no, _line, ticket_id, customer_id, created_at, first_response_at, resolved_at, type, priority, channel, team, agent, reopens, replies, promised_at, proactive, apologized, compensation, region, product, tier)
    from source
),

typed as (
    select
        *,
        to_ts(created_at) as _v_created_at,
        to_ts(first_response_at) as _v_first_response_at,
        to_ts(resolved_at) as _v_resolved_at,
        to_ts(promised_at) as _v_promised_at,
        to_int(reopens) as _v_reopens,
        to_int(replies) as _v_replies,
        to_bool(proactive) as _v_proactive,
        to_bool(apologized) as _v_apologized,
        to_num(compensation) as _v_compensation,
        min(_line) over (partition by _file_no, ticket_id) as _first_line
    from cleaned
),

checked as (
    select
        * exclude (_first_line),
        list_filter([
            check_required('ticket_id', ticket_id),
            check_duplicate('ticket_id', ticket_id, _line, _first_line),
            check_required('customer_id', customer_id),
            check_required('created_at', created_at),
            check_ts('created_at', created_at, _v_created_at, $earliest, $latest),
            check_ts('first_response_at', first_response_at, _v_first_response_at, $earliest, $latest),
            check_ts('resolved_at', resolved_at, _v_resolved_at, $earliest, $latest),
            -- A promise may lie ahead of the refresh: allow ten years.
            check_ts('promised_at', promised_at, _v_promised_at, $earliest, $latest + interval 3650 day),
            check_order('first_response_at', first_response_at, _v_first_response_at, 'created_at', created_at, _v_created_at),
            check_order('resolved_at', resolved_at, _v_resolved_at, 'created_at', created_at, _v_created_at),
            check_order('resolved_at', resolved_at, _v_resolved_at, 'first_response_at', first_response_at, _v_first_response_at),
            check_order('promised_at', promised_at, _v_promised_at, 'created_at', created_at, _v_created_at),
            check_count('reopens', reopens, _v_reopens),
            check_count('replies', replies, _v_replies),
            check_bool('proactive', proactive, _v_proactive),
            check_bool('apologized', apologized, _v_apologized),
            check_amount('compensation', compensation, _v_compensation)
        ], lambda p: p is not null) as _problems
    from typed
)

select * from checked
