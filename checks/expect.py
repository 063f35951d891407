"""The expectations the source suites are made of, each with its severity and a title a
person reads.

Every expectation runs on `work.checked_<source>`: every row the exports held (lines the
CSV reader could not split included), with the export's own text columns and, in
columns starting with `__`, the values the row checks cleaned and typed once
(queries/checks/rows.sql, filled by checks/row_sql.py):

    <col>               the export's text, cleaned (trimmed, Persian digits made ASCII),
                        for the columns that stay text
    _v_<col>            a typed column's value (timestamp as naive UTC, whole number,
                        number, boolean): what staging publishes
    __<col>_unreadable  the raw text of a value that is set but cannot be read, else null
    __<id>_repeated     the ID when an earlier line of the same file has it, else null
    __malformed         why the line could not be split into the header's columns
    __rejected          1 when the row checks rejected the row, else 0
    __record            a rejected row as read, as JSON (for `rejected_rows`)
    __<col>             a column with known values (the ticket priority), lower-cased

Severity (stored with each result, in `meta`):
    block   the refresh is blocked when it fails (nothing is published)
    reject  the rows that break it are rejected (listed by `python -m cx rejected`, counted
            in no metric); the refresh goes on unless too many are
    warn    reported only: the rows are kept and counted
"""

from __future__ import annotations

from datetime import datetime, timedelta

import great_expectations as gx
from great_expectations.expectations.row_conditions import Column

E = gx.expectations
_GX_SEVERITY = {"block": "critical", "reject": "warning", "warn": "warning", "info": "info"}

# The rows a column rule is about: a line that could not be split has no values to judge.
_SPLIT = Column("__malformed").is_null()


def _meta(severity: str, title: str, column: str | None, rule: str) -> dict:
    return {"severity": severity, "title": title, "column": column, "rule": rule}


def _kw(severity: str, title: str, column: str | None, rule: str) -> dict:
    return {"meta": _meta(severity, title, column, rule), "severity": _GX_SEVERITY[severity]}


def suite(source: str, expectations: list) -> gx.ExpectationSuite:
    s = gx.ExpectationSuite(name=source)
    for e in expectations:
        s.add_expectation(e)
    return s


# --- table level ---------------------------------------------------------------------------

def has_rows(source: str):
    return E.ExpectTableRowCountToBeBetween(
        min_value=1, **_kw("block", f"the {source} exports hold at least one row", None, "row_count")
    )


def lines_split():
    return E.ExpectColumnValuesToBeNull(
        column="__malformed",
        **_kw("reject", "every line splits into the header's columns", None, "malformed"),
    )


def rejected_share(max_pct: float):
    return E.ExpectColumnMeanToBeBetween(
        column="__rejected", min_value=0, max_value=max_pct / 100.0,
        **_kw("block", f"at most {max_pct:g}% of the rows are rejected", None, "rejected_share"),
    )


def fresh(column: str, now: datetime, days: int):
    """Warn when the newest accepted event is older than `days` before the refresh."""
    return E.ExpectColumnMaxToBeBetween(
        column=f"_v_{column}", min_value=now - timedelta(days=days),
        row_condition=Column("__rejected") == 0,
        **_kw("warn", f"the newest {column} is at most {days} days old", column, "freshness"),
    )


# --- columns -------------------------------------------------------------------------------

def column_exists(column: str, typed: bool = False):
    """Required columns: every file was checked when it was read (a missing one blocks
    there, naming the file); this records that the stacked source has each of them (a typed
    column as its typed values: the checked rows keep no other copy)."""
    return E.ExpectColumnToExist(
        column=f"_v_{column}" if typed else column,
        **_kw("block", f"the column {column} is present", column, "column"),
    )


def present(column: str, typed: bool = False):
    """A required value: set, and readable where it is typed (an unreadable value counts as
    missing here, as in the contract's "a required value missing or unreadable")."""
    return E.ExpectColumnValuesToNotBeNull(
        column=f"_v_{column}" if typed else column, row_condition=_SPLIT,
        **_kw("reject", f"{column} is set" + (" and readable" if typed else ""), column, "required"),
    )


def unique_in_file(column: str):
    """IDs are unique within a file (the first row stays). The same ID in a later file is an
    update, not an error, so this is not GX's whole-column uniqueness; the repeats are
    marked by the row checks' window over (file, ID)."""
    return E.ExpectColumnValuesToBeNull(
        column=f"__{column}_repeated",
        **_kw("reject", f"{column} is unique within each file", column, "duplicate"),
    )


def readable(column: str, what: str):
    return E.ExpectColumnValuesToBeNull(
        column=f"__{column}_unreadable", **_kw("reject", f"{column} values are {what}", column, "readable")
    )


def between(column: str, lo=None, hi=None, *, title: str | None = None, rule: str = "range"):
    if title is None:
        title = f"{column} is between {lo} and {hi}" if hi is not None else f"{column} is {lo} or more"
    return E.ExpectColumnValuesToBeBetween(
        column=f"_v_{column}", min_value=lo, max_value=hi, **_kw("reject", title, column, rule)
    )


def plausible_dates(column: str, earliest: datetime, latest: datetime):
    return between(
        column, earliest, latest, rule="plausible",
        title=f"{column} lies between {earliest:%Y-%m-%d} and {latest:%Y-%m-%d %H:%M} UTC",
    )


def not_before(later: str, earlier: str):
    return E.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=f"_v_{later}", column_B=f"_v_{earlier}", or_equal=True, ignore_row_if="either_value_is_missing",
        **_kw("reject", f"{later} is not before {earlier}", later, "order"),
    )


def accepted_values(column: str, values: list[str], physical: str | None = None):
    """Known value sets: unknown values are reported, the rows are kept."""
    return E.ExpectColumnValuesToBeInSet(
        column=physical or column, value_set=values,
        **_kw("warn", f"{column} is one of {', '.join(values)}", column, "accepted_values"),
    )


def no_rows_where(condition_sql: str, title: str, column: str | None, rule: str, severity: str = "reject"):
    """A rule across columns, as the rows that break it (GX's UnexpectedRowsExpectation)."""
    return E.UnexpectedRowsExpectation(
        unexpected_rows_query=f"select * from {{batch}} where {condition_sql}",
        description=title, **_kw(severity, title, column, rule),
    )
