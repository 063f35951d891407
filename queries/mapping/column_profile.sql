-- What the values of each column of an unknown export look like (`proposal_sample`: its
-- first rows, every column as text), for proposing which column holds which contract
-- column: how many values are set and distinct, and how many read as a timestamp, a whole
-- number (with its range and how many are on each score's scale), a number and a boolean, by the refresh's own parsing macros
-- (macros/parsing.sql).
with

sample as (select * from proposal_sample),

long as (
    unpivot sample on columns(* exclude (_line)) into name column_name value raw_value
),

cleaned as (
    select column_name, clean_num(raw_value) as num_text, clean_text(raw_value) as text_value
    from long
),

typed as (
    select
        column_name,
        text_value,
        to_ts(num_text) as ts_value,
        to_int(num_text) as int_value,
        to_num(num_text) as num_value,
        to_bool(text_value) as bool_value
    from cleaned
    where text_value is not null
),

final as (
    select
        column_name,
        count(*) as n_set,
        count(distinct text_value) as n_distinct,
        count(*) filter (where ts_value between $earliest and $latest) as n_ts,
        count(int_value) as n_int,
        min(int_value) as int_min,
        max(int_value) as int_max,
        count(*) filter (where int_value between 0 and 10) as n_0_10,
        count(*) filter (where int_value between 1 and 5) as n_1_5,
        count(*) filter (where int_value between 1 and 7) as n_1_7,
        count(*) filter (where int_value >= 0) as n_0_up,
        count(num_value) as n_num,
        min(num_value) as num_min,
        count(bool_value) as n_bool
    from typed
    group by column_name
)

select * from final
