-- Text -> typed values, and the rules a row can break, each with a reason a person reads.
-- Temporary: they exist only while a refresh checks raw exports.
-- The check queries clean every column once (clean_text / clean_num), type it once (to_*),
-- and the rules compare the two; staging then reads the typed columns. Nesting these macros
-- instead would repeat the work per rule, on every value of every row.

-- Trims spaces, tabs, line breaks and no-break spaces; empty is null. Most values have
-- nothing to trim: a cheap test first, the replacement only where it is needed.
-- The test of the first character is two string comparisons, which DuckDB answers from the
-- prefix it keeps beside each string, where a regular expression is a call per value (the
-- largest cost of the row checks). Comparisons are bytewise: a value starts with one of
-- tab, line feed, form feed, carriage return or space (RE2's \s) only if it sorts before
-- '!' (every byte below 0x21, and the empty string, also go the slow way, which leaves
-- them as they are), and with a no-break space (bytes C2 A0) exactly when it sorts from
-- chr(160) (U+00A0) up to, not including, chr(161). The last character has no such test: RE2 checks it.
-- tests/checks/test_clean_text.py holds the equivalence with the regular expressions alone.
create or replace temp macro clean_text(v) as (
    case
        when v < '!' or (v >= chr(160) and v < chr(161)) or regexp_matches(v, '[\s\x{00A0}]$')
            then nullif(regexp_replace(v, '^[\s\x{00A0}]+|[\s\x{00A0}]+$', '', 'g'), '')
        else nullif(v, '')
    end
);

-- Persian (U+06F0..) and Arabic-Indic (U+0660..) digits read as ASCII digits; translate()
-- is slow, so only values that hold such a digit pay for it, and only values beyond ASCII
-- (more bytes than characters; DuckDB's column statistics often prove there are none) pay
-- for looking.
-- clean_text is applied in each branch, not to the case: its argument would be computed as
-- often as clean_text names it.
create or replace temp macro clean_num(v) as (
    case
        when strlen(v) <> length(v) and regexp_matches(v, '[۰-۹٠-٩]')
            then clean_text(translate(v, '۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩', '01234567890123456789'))
        else clean_text(v)
    end
);

-- A timestamptz as naive UTC. Its microseconds since the epoch are that already: integer
-- arithmetic, where timezone('UTC', x) goes through ICU, a large share of all timestamp
-- parsing (measured: see benchmarks/history). Infinity has no epoch: null, so it is
-- reported as unreadable.
-- x appears once: a macro argument used twice is computed twice.
create or replace temp macro utc_naive(x) as make_timestamp(epoch_us(x));

-- The local day of a naive UTC timestamp in zone tz. In UTC it is the timestamp's date:
-- the two ICU conversions, which are slow, run only for other zones.
create or replace temp macro local_day(ts, tz) as (
    case when tz = 'UTC' then ts::date else timezone(tz, timezone('UTC', ts))::date end
);

-- Clean text -> naive UTC. Epoch seconds (or milliseconds); ISO 8601 with an offset is
-- converted; without one it is read in the session time zone (the configured zone).
-- Most values are ISO text: a colon rules out epoch numbers before any pattern is tried.
-- A year below 1700 is a Jalali (Solar Hijri) date (1405/02/11 14:30): jdatetime converts
-- it (cx/pipeline/jalali.py); two character tests keep every other value from the Python call.
create or replace temp macro to_ts(t) as (
    case
        when t < '17' and t >= '1' and substr(t, 5, 1) in ('-', '/')
            then utc_naive(try_cast(jalali_to_gregorian(t) as timestamptz))
        when contains(t, ':') then utc_naive(try_cast(t as timestamptz))
        when regexp_full_match(t, '-?[0-9]{9,11}([.][0-9]+)?')
            then utc_naive(to_timestamp(t::double))
        when regexp_full_match(t, '[0-9]{12,13}')
            then utc_naive(to_timestamp(t::double / 1000))
        else utc_naive(try_cast(t as timestamptz))
    end
);

-- Clean text -> a naive timestamp as written (no zone applied), Jalali dates converted: for
-- the importers, which read a file's naive times in the zone the file states.
create or replace temp macro to_naive_ts(t) as (
    case
        when t < '17' and t >= '1' and substr(t, 5, 1) in ('-', '/')
            then try_cast(jalali_to_gregorian(t) as timestamp)
        else try_cast(t as timestamp)
    end
);

create or replace temp macro to_num(t) as (
    case when isfinite(try_cast(t as double)) then try_cast(t as double) end
);

-- '9' and '9.0' (Excel) are whole numbers; '9.5' is not.
create or replace temp macro to_int(t) as (
    case when to_num(t) = floor(to_num(t)) then try_cast(to_num(t) as bigint) end
);

create or replace temp macro to_bool(t) as (
    case
        when lower(t) in ('true', 'yes', '1') then true
        when lower(t) in ('false', 'no', '0') then false
    end
);

-- One broken rule: the column at fault, its value, a reason a person reads, and the rule's
-- key (docs/data-quality.md lists them all).
create or replace temp macro problem(col, val, reason, rule) as
    {'column': col, 'value': val, 'reason': reason, 'rule': rule};

-- Each rule: `t` is the cleaned text (null when empty), `v` its typed value.

create or replace temp macro check_required(col, t) as (
    case when t is null then problem(col, t, col || ' is missing', 'required') end
);

create or replace temp macro check_ts(col, t, v, earliest, latest) as (
    case
        when t is null then null
        when v is null then problem(col, t,
            col || ' ''' || t || ''' is not a readable timestamp'
            || ' (use ISO 8601, YYYY-MM-DD HH:MM[:SS] or epoch seconds)', 'timestamp')
        when v < earliest then problem(col, t,
            col || ' ' || t || ' is before ' || strftime(earliest, '%Y-%m-%d')
            || ', the earliest plausible date', 'too_early')
        when v > latest then problem(col, t,
            col || ' ' || t || ' is in the future (after ' || strftime(latest, '%Y-%m-%d %H:%M') || ' UTC)',
            'future')
    end
);

-- The usual cause of an unreadable number in a European export: a decimal comma.
create or replace temp macro number_hint(t) as (
    case when t like '%,%' then ' (use a dot as the decimal separator and no thousands separator)' else '' end
);

create or replace temp macro check_int(col, t, v, lo, hi) as (
    case
        when t is null then null
        when v is null then problem(col, t, col || ' ''' || t || ''' is not a whole number' || number_hint(t),
            'number')
        when v < lo or v > hi then problem(col, t, col || ' ' || t || ' is outside ' || lo || '-' || hi, 'range')
    end
);

create or replace temp macro check_count(col, t, v) as (
    case
        when t is null then null
        when v is null then problem(col, t, col || ' ''' || t || ''' is not a whole number' || number_hint(t),
            'number')
        when v < 0 then problem(col, t, col || ' ' || t || ' is negative (must be 0 or more)', 'negative')
    end
);

create or replace temp macro check_amount(col, t, v) as (
    case
        when t is null then null
        when v is null then problem(col, t, col || ' ''' || t || ''' is not a number' || number_hint(t), 'number')
        when v < 0 then problem(col, t, col || ' ' || t || ' is negative (must be 0 or more)', 'negative')
    end
);

create or replace temp macro check_bool(col, t, v) as (
    case
        when t is not null and v is null then problem(col, t,
            col || ' ''' || t || ''' is not a yes/no value (true/false, yes/no, 1/0)', 'boolean')
    end
);

-- `later` must not precede `earlier` (unreadable values are reported by check_ts).
create or replace temp macro check_order(later_col, later_t, later_v, earlier_col, earlier_t, earlier_v) as (
    case
        when later_v < earlier_v then problem(later_col, later_t,
            later_col || ' ' || later_t || ' is before ' || earlier_col || ' ' || earlier_t, 'order')
    end
);

-- The first row with an ID in a file stays; later ones in the same file are rejected.
create or replace temp macro check_duplicate(col, t, line, first_line) as (
    case
        when t is not null and line > first_line then problem(col, t,
            col || ' ' || t || ' already appears on line ' || first_line || ' of this file (the first is kept)',
            'duplicate')
    end
);

-- A rule across columns (a survey response needs at least one score): `none_set` is true
-- when none of them is; the problem names the first. Its reason and rule key are the rules
-- table's (checks/rules.py, AtLeastOne).
create or replace temp macro check_at_least_one(col, none_set, reason, rule) as (
    case when none_set then problem(col, null, reason, rule) end
);

-- A line the CSV reader could not split into the header's columns: its only problem.
create or replace temp macro malformed_problems(reason, raw_line) as
    [problem(null, raw_line, reason, 'malformed')];

-- For the validation suites (checks/): the text of a value that is set but unreadable.
create or replace temp macro unreadable(t, v) as (
    case when t is not null and v is null then t end
);
