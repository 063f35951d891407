-- Bookkeeping of one refresh run (temporary: never published).
create temp table input_files (source varchar, file_no bigint, file varchar);

create temp table malformed_lines (
    source varchar, file varchar, line bigint, value varchar, reason varchar
);
