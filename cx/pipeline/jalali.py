"""Jalali (Solar Hijri) dates, as Persian exports write them: `1405/02/11 14:30`, `1405-02-11`.

The calendar arithmetic is jdatetime's (a maintained library), not ours. The refresh's
timestamp macro (`to_ts`, queries/macros/parsing.sql) hands a value here only when its year
is below 1700, the importers page's rule; every other value never leaves DuckDB.
"""

from __future__ import annotations

import re

import duckdb
import jdatetime
from duckdb.sqltypes import VARCHAR

_JALALI = re.compile(
    r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
)


def to_gregorian(text: str | None) -> str | None:
    """'1405/02/11 14:30' -> '2026-05-01 14:30:00' (the same wall clock); None when the text
    is not a Jalali date or names a day the calendar does not have (1405/12/31)."""
    if text is None:
        return None
    m = _JALALI.fullmatch(text.strip())
    if not m:
        return None
    y, mo, d, hh, mm, ss = (int(g) if g else 0 for g in m.groups())
    try:
        day = jdatetime.date(y, mo, d).togregorian()
    except (ValueError, OverflowError):
        return None
    if hh > 23 or mm > 59 or ss > 59:
        return None
    return f"{day.isoformat()} {hh:02d}:{mm:02d}:{ss:02d}"


def register(con: duckdb.DuckDBPyConnection) -> None:
    """`jalali_to_gregorian(text)` on this connection (the parsing macros call it)."""
    try:
        # "special": an unreadable date returns null (the timestamp rule then rejects the row
        # with its value); DuckDB's default refuses a null result and fails the query.
        con.create_function(
            "jalali_to_gregorian", to_gregorian, [VARCHAR], VARCHAR, null_handling="special", side_effects=False,
        )
    except duckdb.CatalogException:
        pass  # already there: this connection parsed before
