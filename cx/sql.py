"""The one way Python runs SQL: by the name of a .sql file under queries/, with bound parameters."""

from __future__ import annotations

import re
from functools import cache

import duckdb

from cx import catalog
from cx.config import ROOT

QUERIES = ROOT / "queries"
_PARAM = re.compile(r"(?<![:$\w])\$([A-Za-z_]\w*)")


def sql_text(name: str) -> str:
    """`name` is a path under queries/ without '.sql', e.g. 'metrics/kpis'. A KPI query's
    select lists come from the metrics catalog (cx.catalog.render)."""
    return _sql_text(name, catalog.version())


@cache
def _sql_text(name: str, _catalog_version: tuple) -> str:
    path = (QUERIES / f"{name}.sql").resolve()
    if QUERIES.resolve() not in path.parents:
        raise ValueError(f"no query named {name!r}")
    return catalog.render(path.read_text(encoding="utf-8"))


def params_of(name: str) -> set[str]:
    return _params_in(sql_text(name))


def _params_in(text: str) -> set[str]:
    return set(_PARAM.findall(_strip_comments(text)))


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def bind(name: str, params: dict) -> dict:
    """The parameters the query uses; a missing one is an error, extra ones are ignored."""
    return bind_text(sql_text(name), params, f"query {name}")


def bind_text(text: str, params: dict, what: str = "the query") -> dict:
    """`bind` for a query's text (one produced from a template: the row checks, checks/row_sql.py)."""
    wanted = _params_in(text)
    missing = wanted - params.keys()
    if missing:
        raise ValueError(f"{what} needs parameters {sorted(missing)}")
    return {k: params[k] for k in wanted}


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> duckdb.DuckDBPyConnection:
    """Execute a query file; returns the cursor to fetch from."""
    return con.execute(sql_text(name), bind(name, params))


def rows(con: duckdb.DuckDBPyConnection, name: str, **params) -> list[dict]:
    cur = run(con, name, **params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=False)) for r in cur.fetchall()]


def frame(con: duckdb.DuckDBPyConnection, name: str, **params):
    """The result as a pandas DataFrame (for pages and CSV downloads)."""
    return run(con, name, **params).df()


def execute_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run a file of DDL statements (macros); they take no parameters."""
    con.execute(sql_text(name))
