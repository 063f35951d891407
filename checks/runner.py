"""Run the source suites on the checked rows and turn GX's results into report rows.

Route: GX's SQL execution engine on DuckDB (SQLAlchemy + duckdb-engine), with the
persisted-connection workaround of checks/gx_duckdb.py. Why this route:

- It runs each expectation where the data already is: GX compiles the expectations of a
  suite into a few aggregate queries over `work.checked_<source>`, which the row checks
  wrote with every value cleaned and typed once. Nothing is copied out of DuckDB.
- Measured (docs/data-quality.md, benchmarks/history): no memory beyond DuckDB's own; the
  pandas route (`.df()` of the same table + `add_pandas`) needs the table in Python memory
  (several GB for a large source) and takes several times longer.
- GX's whole-column uniqueness (`ExpectColumnValuesToBeUnique`) is slow on large tables
  and means the wrong thing here (an ID in two files is an update), so uniqueness within
  a file is read from the row checks' marker column instead (checks/expect.py).

`import great_expectations` costs seconds; this module is imported only when a refresh
runs the suites (never by `python -m cx --help`, `checks` or the dashboard).
"""

from __future__ import annotations

import json
import logging
import math
import os
from datetime import date, datetime

from checks import gx_duckdb, suites

# Up to 5 unexpected values, each with the file and line it came from.
RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 5,
    "unexpected_index_column_names": ["_file_no", "_line"],
}

_context = None


def _gx_context():
    """One ephemeral GX context per process (no gx/ folder, no progress bars)."""
    global _context
    if _context is None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx

        _context = gx.get_context(mode="ephemeral")
        _context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    return _context


def run(con, catalog: str, sources: list[str], *, max_rejected_pct: float, stale_after_days: int,
        earliest, latest, now, refresh_id: str) -> list[dict]:
    """Validate `catalog.checked_<source>` for each source; one report row per expectation."""
    gx_duckdb.enable()
    context = _gx_context()
    creator = gx_duckdb.connection_factory(con, catalog)
    name = f"refresh_{refresh_id}"
    gx_logger = logging.getLogger("great_expectations")
    level = gx_logger.level
    gx_logger.setLevel(logging.CRITICAL)  # GX logs failed metric queries; they are reported below
    datasource = gx_duckdb.add_datasource(context, name, creator)
    files = {(s, n): f for s, n, f in con.execute("select source, file_no, file from input_files").fetchall()}
    rows: list[dict] = []
    try:
        for source in sources:
            suite = suites.suite(source, max_rejected_pct, stale_after_days, earliest, latest, now)
            total = con.execute(f'select count(*) from "{catalog}".checked_{source}').fetchone()[0]
            # A query asset, not a table asset: GX reflects a table asset through SQLAlchemy's
            # inspector, which on duckdb-engine leaks DuckDB type objects (nanobind reports them
            # at exit); a query asset learns its columns from the result instead.
            asset = datasource.add_query_asset(source, query=f"select * from checked_{source}")
            batch = asset.add_batch_definition_whole_table("all").get_batch()
            result = batch.validate(suite, result_format=RESULT_FORMAT)
            names = {n: f for (s, n), f in files.items() if s == source}
            for r in result.results:
                row = _row(refresh_id, source, r, total, names)
                if row["expectation"] == "unexpected_rows_expectation" and row["unexpected_count"]:
                    row["examples"] = _query_examples(con, catalog, source, r.expectation_config, names)
                rows.append(row)
    finally:
        gx_logger.setLevel(level)
        try:
            _dispose(datasource.get_execution_engine().engine, datasource.get_execution_engine()._connection)
            _dispose(datasource.get_engine(), None)
        finally:
            context.data_sources.delete(name)
            gx_duckdb.close_all(creator)
    return rows


def _dispose(engine, connection) -> None:
    """Close GX's connection and forget what SQLAlchemy cached about the results (it holds
    DuckDB type objects, which must not outlive the refresh)."""
    if connection is not None:
        connection.close()
    engine.dispose()
    cache = getattr(engine, "_compiled_cache", None)
    if cache is not None:
        cache.clear()


def _row(refresh_id: str, source: str, r, total: int, files: dict[int, str]) -> dict:
    cfg = r.expectation_config
    meta = cfg.meta or {}
    res = r.result or {}
    error = None
    if r.exception_info and r.exception_info.get("raised_exception"):
        error = _first_line(r.exception_info.get("exception_message") or "error")
    else:
        for info in (r.exception_info or {}).values():  # per-metric errors
            if isinstance(info, dict) and info.get("raised_exception"):
                error = _first_line(info.get("exception_message") or "error")
                break
    unexpected = res.get("unexpected_count")
    observed = res.get("observed_value")
    if cfg.type == "unexpected_rows_expectation":
        unexpected = observed if isinstance(observed, int) else None
        examples = [_row_example(x, files) for x in (res.get("details") or {}).get("unexpected_rows", [])[:5]]
        observed = None
    else:
        values = res.get("partial_unexpected_list") or []
        where = res.get("partial_unexpected_index_list") or []
        examples = [
            {"file": files.get(w.get("_file_no")), "line": w.get("_line"), "value": v}
            if isinstance(w, dict) else {"value": v}
            for v, w in zip(values, where or [None] * len(values), strict=False)
        ]
    pct = 100.0 * unexpected / total if unexpected is not None and total else (0.0 if unexpected == 0 else None)
    severity = meta.get("severity", "warn")
    success = bool(r.success) and error is None
    row = {
        "refresh_id": refresh_id,
        "source": source,
        "expectation": cfg.type,
        "title": meta.get("title") or cfg.type,
        "column": meta.get("column"),
        "rule": meta.get("rule"),
        "severity": severity,
        "success": success,
        "rows": total,
        "unexpected_count": unexpected,
        "unexpected_pct": pct,
        "observed": _text(observed),
        "examples": json.dumps([_plain(v) for v in examples or []], ensure_ascii=False),
        "kwargs": json.dumps({k: _plain(v) for k, v in cfg.kwargs.items() if k != "batch_id"}, ensure_ascii=False),
        "error": error,
    }
    row["message"] = message(row)
    return row


def message(row: dict) -> str:
    """What happened, in a sentence (the CLI and the page show it)."""
    if row["error"]:
        return f"could not be evaluated: {row['error']}"
    rule, n, total = row["rule"], row["unexpected_count"], row["rows"]
    if rule == "rejected_share":
        share = 100.0 * float(row["observed"] or 0)
        limit = json.loads(row["kwargs"]).get("max_value", 0) * 100
        return f"{share:.2f}% of {total:,} rows rejected (the limit is {limit:g}%)"
    if rule == "row_count":
        return f"{row['observed']} rows"
    if rule == "freshness":
        if row["observed"] in (None, "None"):
            return "no accepted rows: nothing to date"
        text = f"the newest is {row['observed']} UTC"
        return text if row["success"] else text + ": the data may be stale (a warning; the refresh goes on)"
    if rule == "column":
        return "present" if row["success"] else "missing"
    if n is None:
        return "passed" if row["success"] else "failed"
    if n == 0:
        return f"all {total:,} rows pass"
    what = f"{n:,} of {total:,} rows ({row['unexpected_pct']:.2f}%)"
    if row["severity"] == "reject":
        return f"{what} break it: rejected (python -m cx rejected lists them)"
    if row["severity"] == "warn":
        return f"{what} break it: kept, reported only"
    return f"{what} break it"


def _query_examples(con, catalog: str, source: str, cfg, files: dict[int, str]) -> str:
    """GX returns the rows of an UnexpectedRowsExpectation only in its COMPLETE format (all
    of them); the first five, from the same query, are enough for the report."""
    query = cfg.kwargs["unexpected_rows_query"].format(batch=f'"{catalog}".checked_{source}')
    cur = con.execute(f"select * from ({query}) order by _file_no, _line limit 5")
    names = [d[0] for d in cur.description]
    return json.dumps(
        [_plain(_row_example(dict(zip(names, values, strict=True)), files)) for values in cur.fetchall()],
        ensure_ascii=False,
    )


def _row_example(row, files: dict[int, str]) -> object:
    """An example of an UnexpectedRowsExpectation: where the row is, and its export columns."""
    if isinstance(row, dict):
        where = {"file": files.get(row.get("_file_no")), "line": row.get("_line")}
        return where | {k: v for k, v in row.items() if not str(k).startswith("_") and v is not None}
    return row


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(_plain(value))


def _first_line(text: str) -> str:
    text = str(text).strip()
    return text.splitlines()[0][:300] if text else "error"
