"""Great Expectations on DuckDB through SQLAlchemy: the one workaround, kept in one place.

The trap (GX issues #10738 and #11579; a native DuckDB engine is only an open pull request):
GX 1.x opens a SQLAlchemy connection per metric query and reads the result after the
connection is closed; DuckDB rolls the query back on close, so every expectation fails
with "list index out of range" (or a rolled-back transaction). GX keeps one connection
open for the dialects listed in `_PERSISTED_CONNECTION_DIALECTS` (SQLite, SQL Server, ...);
`enable()` adds DuckDB to that list. The entry has to look like a `GXSqlDialect` (GX reads
its `.value`) and compare equal to the engine's dialect name "duckdb": a `str` with a
`value` attribute does both.

The engine is handed GX through SQLAlchemy's `creator`: each connection GX asks for is a
cursor of the refresh's own DuckDB connection (`con.cursor()`: the same database
instance, so it sees the tables the row checks wrote; DuckDB makes a temp table visible
only to its own connection, which is why those tables live in an attached work database,
not in `temp`). The cursor's default catalog is set to that database, because GX names
tables without a schema in some of its queries.

tests/checks/test_gx_duckdb.py fails when a GX upgrade breaks this (the patch point moves)
or makes it unnecessary (GX validates DuckDB without it): either way, come back here.
"""

from __future__ import annotations

import atexit
import gc
import sys
from collections.abc import Callable

PATCH_POINT = "great_expectations.execution_engine.sqlalchemy_execution_engine._PERSISTED_CONNECTION_DIALECTS"


class _DuckDBDialect(str):
    """'duckdb', shaped like a GXSqlDialect member."""

    @property
    def value(self) -> str:
        return str(self)


DUCKDB = _DuckDBDialect("duckdb")


def _module():
    from great_expectations.execution_engine import sqlalchemy_execution_engine

    return sqlalchemy_execution_engine


def is_enabled() -> bool:
    return DUCKDB in _module()._PERSISTED_CONNECTION_DIALECTS


def enable() -> None:
    """Make GX keep its DuckDB connection open (idempotent)."""
    global _exit_hook
    if not _exit_hook:
        atexit.register(_forget_duckdb_engine)
        _exit_hook = True
    mod = _module()
    if not hasattr(mod, "_PERSISTED_CONNECTION_DIALECTS"):
        raise RuntimeError(
            f"{PATCH_POINT} is gone: this Great Expectations release changed how it keeps "
            "connections; see checks/gx_duckdb.py"
        )
    if not is_enabled():
        mod._PERSISTED_CONNECTION_DIALECTS = (*mod._PERSISTED_CONNECTION_DIALECTS, DUCKDB)


_exit_hook = False


def _forget_duckdb_engine() -> None:
    """At exit, drop duckdb_engine's module globals, so that the DuckDB objects they reach
    are freed before DuckDB's extension module is torn down. Without this, a process that
    imported both GX and duckdb_engine prints "nanobind: leaked 27 instances!" and a list
    of DuckDB types as it exits: harmless, but it lands on the user's terminal."""
    for name, module in list(sys.modules.items()):
        if name == "duckdb_engine" or name.startswith("duckdb_engine."):
            vars(module).clear()
    gc.collect()


def disable() -> None:
    """Undo `enable()` (for the test that checks the workaround is still needed)."""
    mod = _module()
    mod._PERSISTED_CONNECTION_DIALECTS = tuple(d for d in mod._PERSISTED_CONNECTION_DIALECTS if d != DUCKDB)


def connection_factory(con, catalog: str) -> Callable[[], object]:
    """A SQLAlchemy `creator`: cursors of `con` whose default catalog is `catalog`."""
    from duckdb_engine import ConnectionWrapper

    opened: list = []

    def creator():
        cursor = con.cursor()
        cursor.execute(f'use "{catalog}"')
        opened.append(cursor)
        return ConnectionWrapper(cursor)

    creator.opened = opened  # closed by close_all() when the validation is done
    return creator


def close_all(creator) -> None:
    for cursor in getattr(creator, "opened", []):
        try:
            cursor.close()
        except Exception:  # a cursor already closed with its connection
            pass
    creator.opened.clear()


def add_datasource(context, name: str, creator):
    """A GX SQL data source whose connections come from `creator`."""
    return context.data_sources.add_sql(name=name, connection_string="duckdb:///:memory:", kwargs={"creator": creator})
