-- Survey rows with the rules each breaks; an empty list is a good row.
with

source as (select * from raw_surveys),

ranked as (
    select
        *,
        min(_line) over (partition by _file_no, clean_text(response_id)) as _first_line
    from source
),

checked as (
    select
        *,
        list_filter([
            check_required('response_id', response_id),
            check_duplicate('response_id', response_id, _line, _first_line),
            check_required('customer_id', customer_id),
            check_required('submitted_at', submitted_at),
            check_ts('submitted_at', submitted_at, $earliest, $latest),
            check_int('nps', nps, 0, 10),
            check_int('csat', csat, 1, 5),
            check_int('ces', ces, 1, 7),
            case
                when clean_text(nps) is null and clean_text(csat) is null and clean_text(ces) is null
                    then problem('nps', null, 'none of nps, csat, ces is set: a response needs a score')
            end
        ], lambda p: p is not null) as _problems
    from ranked
)

select * exclude (_first_line) from checked
