-- Customer rows of a batch of files (`raw_customers` holds them, `$file_nos` are the files),
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
    select * from raw_customers
    union all by name
    select f.file_no as _file_no, m.line as _line, m.reason as __malformed, m.value as __raw_line
    from malformed_lines as m
    inner join input_files as f on m.source = f.source and m.file = f.file
    where m.source = 'customers' and list_contains($file_nos, f.file_no)
),

cleaned as (
    select
        _file_no,
        _line,
        clean_text(customer_id) as customer_id,
        clean_text(region) as region,
        clean_text(product) as product,
        clean_text(tier) as tier,
        clean_text(language) as language,
        clean_num(signup_at) as signup_at,
        clean_text(email) as email,
        -- Extra columns of the export, as they came.
        source.* exclude (_file_no, _line, customer_id, region, product, tier, language, signup_at, email)
    from source
),

-- IDs that occur more than once in a file, with their first line. An aggregate and a
-- join, not a window: a window would carry every column through its sort.
repeated as (
    select _file_no, customer_id, min(_line) as first_line
    from cleaned
    where customer_id is not null
    group by _file_no, customer_id
    having count(*) > 1
),

typed as (
    select
        cleaned.*,
        to_ts(signup_at) as _v_signup_at,
        coalesce(repeated.first_line, cleaned._line) as _first_line
    from cleaned
    left join repeated on cleaned._file_no = repeated._file_no and cleaned.customer_id = repeated.customer_id
),

checked as (
    select
        *,
        case when __malformed is not null then malformed_problems(__malformed, __raw_line) else list_filter([
            check_required('customer_id', customer_id),
            check_duplicate('customer_id', customer_id, _line, _first_line),
            check_ts('signup_at', signup_at, _v_signup_at, $earliest, $latest)
        ], lambda p: p is not null) end as _problems,
        len(_problems) > 0 and __malformed is null as _with_record
    from typed
),

final as (
    select
        -- A typed column's text lives on in the problems and in __record only.
        * exclude (_first_line, _with_record, signup_at),
        -- A rejected row as it was read (a line that could not be split has its raw line).
        case when _with_record
            then to_json(struct_pack(*columns(lambda c: not starts_with(c, '_')))) end as __record,
        (len(_problems) > 0)::int as __rejected,
        case when customer_id is not null and _line > _first_line then customer_id end as __customer_id_repeated,
        unreadable(signup_at, _v_signup_at) as __signup_at_unreadable
    from checked
)

select * from final
