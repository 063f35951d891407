"""The refresh's text -> typed value macros (queries/macros/parsing.sql) on a connection,
with the Python function they call for Jalali dates."""

from __future__ import annotations

import duckdb

from cx import sql
from cx.pipeline import jalali


def install(con: duckdb.DuckDBPyConnection) -> None:
    jalali.register(con)
    sql.execute_script(con, "macros/parsing")
