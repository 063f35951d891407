-- Review rows with the rules each breaks; an empty list is a good row.
with

source as (select * from raw_reviews),

ranked as (
    select
        *,
        min(_line) over (partition by _file_no, clean_text(review_id)) as _first_line
    from source
),

checked as (
    select
        *,
        list_filter([
            check_required('review_id', review_id),
            check_duplicate('review_id', review_id, _line, _first_line),
            check_required('platform', platform),
            check_required('posted_at', posted_at),
            check_ts('posted_at', posted_at, $earliest, $latest),
            check_required('rating', rating),
            check_int('rating', rating, 1, 5),
            check_count('helpful_votes', helpful_votes),
            check_ts('replied_at', replied_at, $earliest, $latest),
            check_order('replied_at', replied_at, 'posted_at', posted_at)
        ], lambda p: p is not null) as _problems
    from ranked
)

select * exclude (_first_line) from checked
