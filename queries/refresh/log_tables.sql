-- The refresh log a warehouse carries: every refresh that built it or an earlier version,
-- and the input files each one read.
create table refreshes (
    refresh_id varchar,
    started_at timestamp,
    finished_at timestamp,
    data_dir varchar,
    timezone varchar,
    data_as_of timestamp,
    first_day date,
    last_day date,
    rows_read bigint,
    rows_rejected bigint,
    rows_updated bigint
);

create table refresh_inputs (
    refresh_id varchar,
    source varchar,
    file varchar,
    format varchar,
    encoding varchar,
    bytes bigint,
    rows bigint,
    rejected bigint,
    skipped bigint  -- rows the export marks as not an answer (deleted tickets, offered ratings)
);

-- The input files this warehouse was built from, in the refresh's order, with the key of each
-- one's kept checked rows (cx/pipeline/kept_rows.py; empty for a file that is never kept) and
-- the version of the build (rules, settings, staging and marts): the next refresh extends
-- this warehouse's ticket facts instead of rebuilding them when it only adds files after these.
create table built_from (
    source varchar,
    file_no bigint,
    file varchar,
    key varchar,
    version varchar
);
