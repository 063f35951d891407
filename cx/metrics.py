"""The KPIs of the metrics catalog for a window and a segment filter (queries/metrics/kpis.sql)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb

from cx import catalog, sql
from cx.errors import UsageError
from cx.schema import DIMENSIONS


def kpi_keys() -> tuple[str, ...]:
    """The metrics `python -m cx metrics` prints first, in the catalog's order (the contract's
    table, then any the catalog adds); the samples behind them follow."""
    return catalog.load().kpi_keys()


KPI_KEYS = catalog.bundled().kpi_keys()  # the bundled catalog's: the contract's keys, then any it adds


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


@dataclass(frozen=True)
class Selection:
    """What every metric query is asked for: a window of whole days [start, end] (None: the
    data's first or last day, bound as null) and a segment filter (dimension -> allowed
    values). Checked when made; `params()` are the queries' $start, $end and $f."""

    start: date | None = None
    end: date | None = None
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __init__(self, start: date | None = None, end: date | None = None,
                 where: dict[str, list[str]] | tuple | None = None):
        if start and end and start > end:
            raise UsageError(f"--start {start} is after --end {end}")
        pairs = dict(where or ())
        segment_filter(pairs)  # names only known dimensions
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        chosen = sorted((d, tuple(str(v) for v in values)) for d, values in pairs.items() if values)
        object.__setattr__(self, "where", tuple(chosen))

    @property
    def filters(self) -> dict[str, list[str]]:
        return {d: list(vs) for d, vs in self.where}

    @property
    def f(self) -> dict[str, list[str]]:
        """The $f parameter: one list per dimension (empty: no filter)."""
        return segment_filter(self.filters)

    def params(self) -> dict:
        return {"start": self.start, "end": self.end, "f": self.f}


def kpis(con: duckdb.DuckDBPyConnection, selection: Selection | None = None) -> dict:
    """Every measure of the catalog for the selection (default: all data, no filter): the
    metrics, then the samples behind them."""
    selection = selection or Selection()
    bounds = sql.rows(con, "metrics/bounds")[0]
    row = sql.rows(con, "metrics/kpis", **selection.params(), customers=max(bounds["customer_keys"] or 0, 1))[0]
    keys = catalog.load().keys()
    return {k: _plain(row[k]) for k in keys} | {k: _plain(v) for k, v in row.items() if k not in keys}


def _plain(value):
    """JSON-ready: ints stay ints, decimals become floats, NaN never leaves (null instead)."""
    if value is None or isinstance(value, (bool, int)):
        return value
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value
