-- One row per ticket: the latest good version across exports, typed, with the local
-- creation day. Reads the tickets' checked rows only; ticket_facts adds what comes from
-- other sources (the customer's segments and key, the post-ticket survey). A view while the
-- refresh runs (a view takes no parameters: the refresh's session zone is the configured one).
with

-- Read twice (the superseded IDs, the rows), not copied: a copy of 10M rows costs more.
source as not materialized (select * from checked_tickets where len(_problems) = 0),

-- An ID in several good rows (overlapping exports): the row from the file that sorts
-- last wins. Found by aggregate and join, not a window: a window would carry every
-- column through its sort.
superseded as (
    select ticket_id, max(_file_no * 10000000000 + _line) as winner
    from source
    group by ticket_id
    having count(*) > 1
),

latest as (
    select source.*
    from source
    left join superseded on source.ticket_id = superseded.ticket_id
    where superseded.ticket_id is null or source._file_no * 10000000000 + source._line = superseded.winner
),

typed as (
    select
        ticket_id,
        customer_id,
        _v_created_at as created_at,
        _v_first_response_at as first_response_at,
        _v_resolved_at as resolved_at,
        lower(type) as type,
        coalesce(lower(priority), 'normal') as priority,
        channel,
        team,
        agent,
        coalesce(_v_reopens, 0) as reopens,
        _v_replies as replies,
        _v_promised_at as promised_at,
        _v_proactive as proactive,
        _v_apologized as apologized,
        _v_compensation as compensation,
        region,
        product,
        tier,
        -- Extra columns of the export are kept as they came.
        latest.* exclude (_file_no, _line, _problems, ticket_id, customer_id, type, priority, channel, team, agent, region, product, tier, _v_apologized, _v_compensation, _v_created_at, _v_first_response_at, _v_proactive, _v_promised_at, _v_reopens, _v_replies, _v_resolved_at)
    from latest
),

final as (
    select
        *,
        local_day(created_at, current_setting('TimeZone')) as created_date
    from typed
)

select * from final
