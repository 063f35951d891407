-- One row per survey response: the latest good version across exports, typed, with the
-- local day. Reads the surveys' checked rows only; survey_facts adds what comes from other
-- sources (the customer's segments and key, the ticket's team and agent). A view while the
-- refresh runs (a view takes no parameters: the refresh's session zone is the configured one).
with

-- Read twice (the superseded IDs, the rows), not copied: a copy of 10M rows costs more.
source as not materialized (select * from checked_surveys where len(_problems) = 0),

-- An ID in several good rows (overlapping exports): the row from the file that sorts
-- last wins. Found by aggregate and join, not a window: a window would carry every
-- column through its sort.
superseded as (
    select response_id, max(_file_no * 10000000000 + _line) as winner
    from source
    group by response_id
    having count(*) > 1
),

latest as (
    select source.*
    from source
    left join superseded on source.response_id = superseded.response_id
    where superseded.response_id is null or source._file_no * 10000000000 + source._line = superseded.winner
),

typed as (
    select
        response_id,
        customer_id,
        _v_submitted_at as submitted_at,
        ticket_id,
        _v_nps as nps,
        _v_csat as csat,
        _v_ces as ces,
        comment,
        channel,
        region,
        product,
        tier,
        -- Extra columns of the export are kept as they came.
        latest.* exclude (_file_no, _line, _problems, response_id, customer_id, ticket_id, comment, channel, region, product, tier, _v_ces, _v_csat, _v_nps, _v_submitted_at)
    from latest
),

final as (
    select
        *,
        local_day(submitted_at, current_setting('TimeZone')) as submitted_date
    from typed
)

select * from final
