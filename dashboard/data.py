"""The dashboard's thin data layer: which warehouse version to read, and cached query results.

Pages never open the warehouse or hold SQL. They call `run_query("pages/trend", **params)`
(a .sql file under queries/, run by cx.sql with bound parameters) or `kpis(selection)` (the very
function `python -m cx metrics` prints).

Reading a warehouse that a refresh may replace at any time (see cx/warehouse.py):
- every script run reads the pointer file to learn the current version (a refresh id);
- the read-only connection is cached per version file (`cache_resource(max_entries=2)`), and
  each query opens its own `.cursor()` (a DuckDB connection is not thread-safe);
- results are cached per version + query name + parameters, so a refresh reaches an open
  dashboard on its next rerun, without a restart, and invalidates exactly the old results.
The dashboard opens the warehouse read-only only: it never holds a write lock.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from cx import catalog, export, metrics, sql, warehouse
from cx.config import ROOT
from cx.schema import DIMENSIONS

DEFAULT_WAREHOUSE = ROOT / "data" / "warehouse.duckdb"  # as cx.cli: `python -m cx dashboard`
# Results are keyed by warehouse version and never go stale, so they do not expire: the
# default views the warm-up computed stay warm until a refresh replaces the version or the
# least recently used entries make room.
RESULT_ENTRIES = 1000


def warehouse_path() -> Path:
    """The warehouse this app reads: $CX_WAREHOUSE, else data/warehouse.duckdb."""
    return Path(os.environ.get("CX_WAREHOUSE") or DEFAULT_WAREHOUSE).expanduser()


@dataclass(frozen=True)
class Source:
    """The warehouse version this script run reads."""

    target: Path  # the file refreshes publish (FILE)
    file: Path  # the versioned file to open (FILE.versions/<refresh id>.duckdb)
    version: str  # the refresh id; a size/mtime fingerprint for a file without a pointer

    @property
    def log_path(self) -> Path:
        return self.target.with_name(self.target.name + ".log.jsonl")


def current_source() -> Source | None:
    """Read on every run (a few bytes): None when no warehouse has been built yet."""
    target = warehouse_path()
    file = warehouse.current_file(target)
    try:
        stat = file.stat()
    except OSError:
        return None
    refresh_id = warehouse.current_refresh_id(target) if file != target else None
    return Source(target, file, refresh_id or f"{stat.st_mtime_ns}-{stat.st_size}")


class NoWarehouse(RuntimeError):
    pass


def source() -> Source:
    src = current_source()
    if src is None:
        raise NoWarehouse(str(warehouse_path()))
    return src


def _close(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.close()
    except duckdb.Error:
        pass


@st.cache_resource(max_entries=2, show_spinner=False, on_release=_close)
def _connection(file: str, version: str) -> duckdb.DuckDBPyConnection:
    # `version` is part of the key only: a new refresh is a new file, hence a new database.
    return warehouse.tune(duckdb.connect(file, read_only=True))


@st.cache_data(max_entries=RESULT_ENTRIES, show_spinner=False)
def _frame(file: str, version: str, name: str, params: dict, measures: tuple = ()) -> pd.DataFrame:
    # `measures`: the metrics catalog in force (cx.catalog.version), part of the key only: a
    # query's select list comes from it, so a changed catalog is a different result.
    t0 = time.perf_counter()
    cur = _connection(file, version).cursor()
    try:
        return sql.frame(cur, name, **params)
    finally:
        cur.close()
        _timing(name, params, t0)


@st.cache_data(max_entries=RESULT_ENTRIES, show_spinner=False)
def _kpis(file: str, version: str, selection: metrics.Selection, measures: tuple = ()) -> dict:
    t0 = time.perf_counter()
    cur = _connection(file, version).cursor()
    try:
        return metrics.kpis(cur, selection)
    finally:
        cur.close()
        _timing("metrics/kpis", {"start": selection.start, "end": selection.end, "where": selection.where}, t0)


@st.cache_data(max_entries=RESULT_ENTRIES, show_spinner=False)
def _drivers(file: str, version: str, selection: metrics.Selection, target: str):
    from cx import drivers as key_drivers

    t0 = time.perf_counter()
    cur = _connection(file, version).cursor()
    try:
        return key_drivers.drivers(cur, target, selection)
    finally:
        cur.close()
        _timing("metrics/driver_rows", {"start": selection.start, "end": selection.end, "target": target}, t0)


def drivers(selection: metrics.Selection, target: str):
    """cx.drivers.drivers: what `python -m cx drivers` prints for the same selection."""
    src = source()
    return _drivers(str(src.file), src.version, selection, target)


@st.cache_data(max_entries=RESULT_ENTRIES, show_spinner=False)
def _recovery_evidence(file: str, version: str, selection: metrics.Selection):
    from cx import recovery_evidence

    t0 = time.perf_counter()
    cur = _connection(file, version).cursor()
    try:
        return recovery_evidence.evidence(cur, selection)
    finally:
        cur.close()
        _timing("metrics/recovery_matched", {"start": selection.start, "end": selection.end}, t0)


def recovery_evidence(selection: metrics.Selection):
    """cx.recovery_evidence.evidence: what `python -m cx recovery` prints for the same selection."""
    src = source()
    return _recovery_evidence(str(src.file), src.version, selection)


def _timing(name: str, params: dict, t0: float) -> None:
    """With CX_DASHBOARD_TIMINGS=1, one line on stderr per query actually run (not cached)."""
    if os.environ.get("CX_DASHBOARD_TIMINGS"):
        shown = {k: v for k, v in params.items() if k != "f"}
        print(f"[cx.dashboard] {time.perf_counter() - t0:7.3f}s {name} {shown}", file=sys.stderr, flush=True)


def log_run(page: str, t0: float) -> None:
    """With CX_DASHBOARD_TIMINGS=1, one line per script run: the server's share of a page view."""
    if os.environ.get("CX_DASHBOARD_TIMINGS"):
        print(f"[cx.dashboard] run {time.perf_counter() - t0:7.3f}s {page}", file=sys.stderr, flush=True)


# The values a query's $dim may take: a column name chosen by the user, checked here.
GROUPABLE = frozenset(DIMENSIONS) | {"high_expectation"}


def run_query(name: str, **params) -> pd.DataFrame:
    """The result of queries/<name>.sql for these parameters, cached per warehouse version.

    Each call gets its own copy (st.cache_data keeps results pickled), so a caller may modify it.
    """
    if "dim" in params and params["dim"] not in GROUPABLE:
        raise ValueError(f"cannot group by {params['dim']!r}: use one of {sorted(GROUPABLE)}")
    src = source()
    return _frame(str(src.file), src.version, name, params, catalog.version())


def one_row(name: str, **params) -> dict:
    df = run_query(name, **params)
    return {} if df.empty else {k: _py(v) for k, v in df.iloc[0].items()}


def kpis(selection: metrics.Selection) -> dict:
    """cx.metrics.kpis: the numbers `python -m cx metrics` prints for the same selection."""
    src = source()
    return _kpis(str(src.file), src.version, selection, catalog.version())


def table_exists(name: str) -> bool:
    return bool(one_row("system/table_exists", table_name=name).get("present"))


def full_frame(name: str, **params) -> pd.DataFrame:
    """All rows of a query, not cached: for a download, run when its button is clicked (a
    whole listing kept in the result cache would crowd out the pages' results)."""
    src = source()
    cur = _connection(str(src.file), src.version).cursor()
    try:
        return sql.frame(cur, name, **params)
    finally:
        cur.close()


def full_csv(name: str, **params) -> bytes:
    """All rows of a query as CSV, for a download button (run when the button is clicked).
    The `matching` column of a listing query (its row count, on every row) is left out."""
    return export.frame_csv(full_frame(name, **params).drop(columns="matching", errors="ignore"))


def refresh_attempts(src: Source, limit: int = 50) -> list[dict]:
    """The newest refresh attempts (published or blocked) from FILE.log.jsonl, newest first."""
    try:
        lines = src.log_path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in reversed(lines):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            out.append(entry)
        if len(out) >= limit:
            break
    return out


def as_float(value) -> float | None:
    value = _py(value)
    return None if value is None else float(value)


def as_date(value) -> date | None:
    """A DATE column's value (pandas gives a Timestamp) as a date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _py(value):
    """A pandas scalar as a plain Python value (NaN/NaT/NA -> None)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()
    return value
