-- Survey rows of a batch of files (`raw_surveys` holds them, `$file_nos` are the files),
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
    select * from raw_surveys
    union all by name
    select f.file_no as _file_no, m.line as _line, m.reason as __malformed, m.value as __raw_line
    from malformed_lines as m
    inner join input_files as f on m.source = f.source and m.file = f.file
    where m.source = 'surveys' and list_contains($file_nos, f.file_no)
),

cleaned as (
    select
        _file_no,
        _line,
        clean_text(response_id) as response_id,
        clean_text(customer_id) as customer_id,
        clean_num(submitted_at) as submitted_at,
        clean_text(ticket_id) as ticket_id,
        clean_num(nps) as nps,
        clean_num(csat) as csat,
        clean_num(ces) as ces,
        clean_text(comment) as comment,
        clean_text(channel) as channel,
        clean_text(region) as region,
        clean_text(product) as product,
        clean_text(tier) as tier,
        -- Extra columns of the export, as they came.
        source.* exclude (_file_no, _line, response_id, customer_id, submitted_at, ticket_id, nps, csat, ces, comment, channel, region, product, tier)
    from source
),

-- IDs that occur more than once in a file, with their first line. An aggregate and a
-- join, not a window: a window would carry every column through its sort.
repeated as (
    select _file_no, response_id, min(_line) as first_line
    from cleaned
    where response_id is not null
    group by _file_no, response_id
    having count(*) > 1
),

typed as (
    select
        cleaned.*,
        to_ts(submitted_at) as _v_submitted_at,
        to_int(nps) as _v_nps,
        to_int(csat) as _v_csat,
        to_int(ces) as _v_ces,
        coalesce(repeated.first_line, cleaned._line) as _first_line
    from cleaned
    left join repeated on cleaned._file_no = repeated._file_no and cleaned.response_id = repeated.response_id
),

checked as (
    select
        *,
        case when __malformed is not null then malformed_problems(__malformed, __raw_line) else list_filter([
            check_required('response_id', response_id),
            check_duplicate('response_id', response_id, _line, _first_line),
            check_required('submitted_at', submitted_at),
            check_ts('submitted_at', submitted_at, _v_submitted_at, $earliest, $latest),
            check_int('nps', nps, _v_nps, 0, 10),
            check_int('csat', csat, _v_csat, 1, 5),
            check_int('ces', ces, _v_ces, 1, 7),
            check_has_score(nps, csat, ces)
        ], lambda p: p is not null) end as _problems,
        len(_problems) > 0 and __malformed is null as _with_record
    from typed
),

final as (
    select
        -- A typed column's text lives on in the problems and in __record only.
        * exclude (_first_line, _with_record, submitted_at, nps, csat, ces),
        -- A rejected row as it was read (a line that could not be split has its raw line).
        case when _with_record
            then to_json(struct_pack(*columns(lambda c: not starts_with(c, '_')))) end as __record,
        (len(_problems) > 0)::int as __rejected,
        case when response_id is not null and _line > _first_line then response_id end as __response_id_repeated,
        unreadable(submitted_at, _v_submitted_at) as __submitted_at_unreadable,
        unreadable(nps, _v_nps) as __nps_unreadable,
        unreadable(csat, _v_csat) as __csat_unreadable,
        unreadable(ces, _v_ces) as __ces_unreadable
    from checked
)

select * from final
