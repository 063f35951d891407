-- The rows of a batch of a source's files (`raw_<source>` holds them, `$file_nos` are the
-- files), cleaned and typed once, with the rules each breaks (an empty `_problems` list: a
-- good row). One template for every source: checks/row_sql.py fills its marked sections
-- (comments opened with a slash, star and at sign) from the source's rules table
-- (checks/rules.py), so that the rules a row is held to are the table's and nothing else.
-- Text columns hold what the export said (trimmed, digits made ASCII); a typed column keeps
-- only its typed value (`_v_<col>`), which staging reads: its text lives on in the problems
-- and, for a rejected row, in `__record`. The refresh checks a few files at a time, so that
-- it holds the raw text of those only (the same ID twice is a duplicate only within a file).
-- Lines the CSV reader could not split into the header's columns are rows here too (with
-- their line and one problem each), so that rows read = good rows + rejected rows.
-- Columns starting with `__` are for the validation suites (checks/): markers of values set
-- but unreadable, of IDs repeated within a file, of rejected rows and of values compared
-- with a known set; the refresh shows staging only the others (the `checked_<source>` view).
with

source as (
    select * from /*@ raw_table @*/
    union all by name
    select f.file_no as _file_no, m.line as _line, m.reason as __malformed, m.value as __raw_line
    from malformed_lines as m
    inner join input_files as f on m.source = f.source and m.file = f.file
    where m.source = $source and list_contains($file_nos, f.file_no)
),

-- Each contract column cleaned: clean_num for a typed one (digits made ASCII), clean_text
-- for text.
cleaned as (
    select
        _file_no,
        _line,
        /*@ cleaned @*/,
        -- Extra columns of the export, as they came.
        source.* exclude (_file_no, _line, /*@ own_columns @*/)
    from source
),

-- IDs that occur more than once in a file, with their first line. An aggregate and a
-- join, not a window: a window would carry every column through its sort.
repeated as (
    select _file_no, /*@ id @*/, min(_line) as first_line
    from cleaned
    where /*@ id @*/ is not null
    group by _file_no, /*@ id @*/
    having count(*) > 1
),

-- Each typed column's value (to_ts, to_int, to_num, to_bool).
typed as (
    select
        cleaned.*,
        /*@ typed @*/,
        coalesce(repeated.first_line, cleaned._line) as _first_line
    from cleaned
    left join repeated on cleaned._file_no = repeated._file_no and cleaned./*@ id @*/ = repeated./*@ id @*/
),

-- Each rule the row can break, as its own column (check_* macros of
-- queries/macros/parsing.sql): null where the row keeps it. Named `__p<n>: check_...(...)`,
-- one call a line, the form tests/checks/test_layers.py reads the rules from.
ruled as (
    select
        *,
        /*@ problems @*/
    from typed
),

-- The rules the row breaks, in the table's reason order: the first names the column
-- `rejected_rows` shows. Nearly every row breaks none: a null test per rule tells so, where
-- building and filtering the list of every rule's result for every row cost more.
checked as (
    select
        * exclude (/*@ problem_names @*/),
        case
            when __malformed is not null then malformed_problems(__malformed, __raw_line)
            when /*@ no_problems @*/ then []
            else list_filter([/*@ problem_names @*/], lambda p: p is not null)
        end as _problems,
        len(_problems) > 0 and __malformed is null as _with_record
    from ruled
),

final as (
    select
        -- A typed column's text lives on in the problems and in __record only.
        * exclude (_first_line, _with_record, /*@ typed_text @*/),
        -- A rejected row as it was read (a line that could not be split has its raw line).
        case when _with_record
            then to_json(struct_pack(*columns(lambda c: not starts_with(c, '_')))) end as __record,
        (len(_problems) > 0)::int as __rejected,
        /*@ markers @*/
    from checked
)

select * from final
