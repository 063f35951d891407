-- The validation report of the refresh that built this warehouse: one row per
-- expectation of each source's suite (checks/), passed or failed.
create table validation_results (
    refresh_id varchar,
    source varchar,
    expectation varchar,        -- GX expectation type, e.g. expect_column_values_to_be_between
    title varchar,              -- what it checks, in words: "csat is between 1 and 5"
    "column" varchar,           -- the export's column it is about (null: the whole table)
    rule varchar,               -- the rule's key (docs/data-quality.md)
    severity varchar,           -- block | reject | warn
    success boolean,
    "rows" bigint,              -- rows the source held (lines that could not be split included)
    unexpected_count bigint,    -- rows that break it (null for table-level expectations)
    unexpected_pct double,      -- 100 * unexpected_count / rows
    observed varchar,           -- table-level expectations: the value observed
    examples varchar,           -- JSON array: up to 5 unexpected values
    kwargs varchar,             -- JSON object: the expectation's parameters
    error varchar,              -- set when GX could not evaluate it
    message varchar             -- the outcome in a sentence
);
