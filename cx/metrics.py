"""The KPIs of the metric contract for a window and a segment filter (queries/metrics/kpis.sql)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

import duckdb

from cx import sql
from cx.errors import UsageError
from cx.schema import DIMENSIONS

# The keys of the contract's metric table, in its order.
KPI_KEYS = (
    "responses", "csat_pct", "nps", "nps_moe95", "ces_avg",
    "reviews", "review_rating_avg", "negative_review_pct", "review_reply_pct",
    "review_reply_hours_median",
    "tickets", "first_response_hours_median", "first_response_hours_p90",
    "resolution_hours_median", "resolution_hours_p90", "unanswered_tickets", "reopen_pct",
    "one_touch_pct", "promise_kept_pct", "proactive_pct",
    "failures", "recovery_pct", "nps_after_recovery", "nps_after_failed_recovery",
    "nps_no_failure", "recovery_paradox_gap", "high_expectation_pct",
)


def parse_where(items: Iterable[str]) -> dict[str, list[str]]:
    """['region=EU', 'region=NA', 'tier=gold'] -> {'region': ['EU', 'NA'], 'tier': ['gold']}.

    The same column twice means either value; different columns must all match.
    """
    out: dict[str, list[str]] = {}
    for item in items:
        column, sep, value = item.partition("=")
        column = column.strip().lower()
        if not sep or not column:
            raise UsageError(f"--where takes COLUMN=VALUE, not {item!r}")
        if column not in DIMENSIONS:
            raise UsageError(f"--where: unknown column {column!r}; use one of {', '.join(DIMENSIONS)}")
        out.setdefault(column, []).append(value.strip())
    return out


def segment_filter(where: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """The $f parameter of the metric queries: one list per dimension (empty: no filter)."""
    where = where or {}
    unknown = set(where) - set(DIMENSIONS)
    if unknown:
        raise UsageError(f"unknown segment column(s) {sorted(unknown)}")
    return {d: [str(v) for v in where.get(d, [])] for d in DIMENSIONS}


def kpis(
    con: duckdb.DuckDBPyConnection,
    start: date | None = None,
    end: date | None = None,
    where: dict[str, list[str]] | None = None,
) -> dict:
    if start and end and start > end:
        raise UsageError(f"--start {start} is after --end {end}")
    bounds = sql.rows(con, "metrics/bounds")[0]
    row = sql.rows(
        con, "metrics/kpis", start=start, end=end_param(end, bounds["last_day"]), f=segment_filter(where),
        customers=max(bounds["customer_keys"] or 0, 1),
    )[0]
    return {k: _plain(row[k]) for k in KPI_KEYS} | {
        k: _plain(v) for k, v in row.items() if k not in KPI_KEYS
    }


def window_end(con: duckdb.DuckDBPyConnection, end: date | None) -> date | None:
    """The $end to bind: null for the last day in the data, whose high-expectation signals
    were computed at refresh (queries/macros/signals.sql); any other day as given."""
    if end is None:
        return None
    return end_param(end, sql.rows(con, "metrics/bounds")[0]["last_day"])


def end_param(end: date | None, last_day: date | None) -> date | None:
    """$end as the queries take it: null for the data's last day (the same window), so that
    the high-expectation signals stored at refresh are read instead of computed."""
    return None if end == last_day else end


def _plain(value):
    """JSON-ready: ints stay ints, decimals become floats, NaN never leaves (null instead)."""
    if value is None or isinstance(value, (bool, int)):
        return value
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value
