-- Ticket rows of a batch of files (`raw_tickets` holds them, `$file_nos` are the files),
-- cleaned and typed once, with the rules each breaks (an empty `_problems` list: a good
-- row). Text columns hold what the export said (trimmed, digits made ASCII); a typed column
-- keeps only its typed value (`_v_<col>`), which staging reads: its text lives on in the
-- problems and, for a rejected row, in `__record`. The refresh checks a few files at a time,
-- so that it holds the raw text of those only (the same ID twice is a duplicate only within
-- a file).
-- Lines the CSV reader could not split into the header's columns are rows here too (with
-- their line and one problem each), so that rows read = good rows + rejected rows.
-- Columns starting with `__` are for the validation suites (checks/): markers of values set
-- but unreadable, of IDs repeated within a file, and of rejected rows; the refresh shows
-- staging only the others (the `checked_<source>` view).
with

source as (
    select * from raw_tickets
    union all by name
    select f.file_no as _file_no, m.line as _line, m.reason as __malformed, m.value as __raw_line
    from malformed_lines as m
    inner join input_files as f on m.source = f.source and m.file = f.file
    where m.source = 'tickets' and list_contains($file_nos, f.file_no)
),

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

-- IDs that occur more than once in a file, with their first line. An aggregate and a
-- join, not a window: a window would carry every column through its sort.
repeated as (
    select _file_no, ticket_id, min(_line) as first_line
    from cleaned
    where ticket_id is not null
    group by _file_no, ticket_id
    having count(*) > 1
),

typed as (
    select
        cleaned.*,
        to_ts(created_at) as _v_created_at,
        to_ts(first_response_at) as _v_first_response_at,
        to_ts(resolved_at) as _v_resolved_at,
        to_ts(promised_at) as _v_promised_at,
        to_int(reopens) as _v_reopens,
        to_int(replies) as _v_replies,
        to_bool(proactive) as _v_proactive,
        to_bool(apologized) as _v_apologized,
        to_num(compensation) as _v_compensation,
        coalesce(repeated.first_line, cleaned._line) as _first_line
    from cleaned
    left join repeated on cleaned._file_no = repeated._file_no and cleaned.ticket_id = repeated.ticket_id
),

checked as (
    select
        *,
        case when __malformed is not null then malformed_problems(__malformed, __raw_line) else list_filter([
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
        ], lambda p: p is not null) end as _problems,
        len(_problems) > 0 and __malformed is null as _with_record
    from typed
),

final as (
    select
        -- A typed column's text lives on in the problems and in __record only.
        * exclude (_first_line, _with_record, created_at, first_response_at, resolved_at, promised_at, reopens, replies, proactive, apologized, compensation),
        -- A rejected row as it was read (a line that could not be split has its raw line).
        case when _with_record
            then to_json(struct_pack(*columns(lambda c: not starts_with(c, '_')))) end as __record,
        (len(_problems) > 0)::int as __rejected,
        case when ticket_id is not null and _line > _first_line then ticket_id end as __ticket_id_repeated,
        unreadable(created_at, _v_created_at) as __created_at_unreadable,
        unreadable(first_response_at, _v_first_response_at) as __first_response_at_unreadable,
        unreadable(resolved_at, _v_resolved_at) as __resolved_at_unreadable,
        unreadable(promised_at, _v_promised_at) as __promised_at_unreadable,
        unreadable(reopens, _v_reopens) as __reopens_unreadable,
        unreadable(replies, _v_replies) as __replies_unreadable,
        unreadable(proactive, _v_proactive) as __proactive_unreadable,
        unreadable(apologized, _v_apologized) as __apologized_unreadable,
        unreadable(compensation, _v_compensation) as __compensation_unreadable,
        lower(priority) as __priority
    from checked
)

select * from final
