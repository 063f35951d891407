-- Text -> typed values, and the rules a row can break, each with a reason a person reads.
-- Temporary: they exist only while a refresh checks raw exports.

create or replace temp macro clean_text(v) as
    nullif(trim(v, ' ' || chr(9) || chr(10) || chr(13) || chr(160)), '');

-- Persian (U+06F0..) and Arabic-Indic (U+0660..) digits read as ASCII digits.
create or replace temp macro clean_num(v) as
    clean_text(translate(v, '۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩', '01234567890123456789'));

-- To naive UTC. Epoch seconds (or milliseconds); ISO 8601 with an offset is converted;
-- without one it is read in the session time zone (the configured zone).
create or replace temp macro parse_ts(v) as (
    case
        when regexp_full_match(clean_num(v), '-?[0-9]{9,11}([.][0-9]+)?')
            then timezone('UTC', to_timestamp(clean_num(v)::double))
        when regexp_full_match(clean_num(v), '[0-9]{12,13}')
            then timezone('UTC', to_timestamp(clean_num(v)::double / 1000))
        else timezone('UTC', try_cast(clean_num(v) as timestamptz))
    end
);

create or replace temp macro parse_num(v) as (
    case when isfinite(try_cast(clean_num(v) as double)) then try_cast(clean_num(v) as double) end
);

-- '9' and '9.0' (Excel) are whole numbers; '9.5' is not.
create or replace temp macro parse_int(v) as (
    case when parse_num(v) = floor(parse_num(v)) then try_cast(parse_num(v) as bigint) end
);

create or replace temp macro parse_bool(v) as (
    case
        when lower(clean_num(v)) in ('true', 'yes', '1') then true
        when lower(clean_num(v)) in ('false', 'no', '0') then false
    end
);

create or replace temp macro problem(col, val, reason) as
    {'column': col, 'value': val, 'reason': reason};

create or replace temp macro check_required(col, v) as (
    case when clean_text(v) is null then problem(col, v, col || ' is missing') end
);

create or replace temp macro check_ts(col, v, earliest, latest) as (
    case
        when clean_text(v) is null then null
        when parse_ts(v) is null then problem(col, v,
            col || ' ''' || v || ''' is not a readable timestamp'
            || ' (use ISO 8601, YYYY-MM-DD HH:MM[:SS] or epoch seconds)')
        when parse_ts(v) < earliest then problem(col, v,
            col || ' ' || v || ' is before ' || strftime(earliest, '%Y-%m-%d')
            || ', the earliest plausible date')
        when parse_ts(v) > latest then problem(col, v,
            col || ' ' || v || ' is in the future (after ' || strftime(latest, '%Y-%m-%d %H:%M') || ' UTC)')
    end
);

create or replace temp macro check_int(col, v, lo, hi) as (
    case
        when clean_text(v) is null then null
        when parse_int(v) is null then problem(col, v, col || ' ''' || v || ''' is not a whole number')
        when parse_int(v) < lo or parse_int(v) > hi then problem(col, v,
            col || ' ' || clean_num(v) || ' is outside ' || lo || '-' || hi)
    end
);

create or replace temp macro check_count(col, v) as (
    case
        when clean_text(v) is null then null
        when parse_int(v) is null then problem(col, v, col || ' ''' || v || ''' is not a whole number')
        when parse_int(v) < 0 then problem(col, v, col || ' ' || clean_num(v) || ' is negative (must be 0 or more)')
    end
);

create or replace temp macro check_amount(col, v) as (
    case
        when clean_text(v) is null then null
        when parse_num(v) is null then problem(col, v, col || ' ''' || v || ''' is not a number')
        when parse_num(v) < 0 then problem(col, v, col || ' ' || clean_num(v) || ' is negative (must be 0 or more)')
    end
);

create or replace temp macro check_bool(col, v) as (
    case
        when clean_text(v) is not null and parse_bool(v) is null then problem(col, v,
            col || ' ''' || v || ''' is not a yes/no value (true/false, yes/no, 1/0)')
    end
);

-- `later` must not precede `earlier` (both readable; unreadable ones are reported above).
create or replace temp macro check_order(later_col, later_v, earlier_col, earlier_v) as (
    case
        when parse_ts(later_v) < parse_ts(earlier_v) then problem(later_col, later_v,
            later_col || ' ' || clean_text(later_v) || ' is before ' || earlier_col || ' ' || clean_text(earlier_v))
    end
);

-- The first row with an ID in a file stays; later ones in the same file are rejected.
create or replace temp macro check_duplicate(col, v, line, first_line) as (
    case
        when clean_text(v) is not null and line > first_line then problem(col, v,
            col || ' ' || clean_text(v) || ' already appears on line ' || first_line
            || ' of this file (the first is kept)')
    end
);
