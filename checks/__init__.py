"""Data-quality checks: the Great Expectations suites that produce each refresh's
validation report.

Two layers, each doing what it is good at:

- Row-level rules are SQL (queries/checks/rows.sql, filled from each source's rules table
  by checks/row_sql.py): each row gets the list of
  rules it breaks, with a reason a person reads; a row with any is rejected, kept in the
  warehouse's `rejected_rows` with its file, line, column and value, and counted in no
  metric. The same pass cleans and types every value once.
- The suites here (GX Core 1.x, built in code from each source's rules table in
  checks/rules.py) then run on those
  checked, typed rows before anything is published, and their results are the report
  stored in the warehouse as `validation_results` (`python -m cx checks` prints it):
  every expectation, passed or failed, with the unexpected count and share and a few
  example values. Table-level expectations block (row count, share of rejected rows) or
  warn (freshness); row-level ones report what the row checks rejected; accepted-value
  sets (ticket priority) warn and keep the rows.

Nothing in this package imports great_expectations at import time: a refresh does, in the
background from its start (`preload()`), and `run()` uses it (the import costs seconds;
`python -m cx --help` and the dashboard never pay it). See checks/runner.py for the GX
route and why, checks/rules.py for the rules table the suites are built from (by
checks/suites.py), checks/gx_duckdb.py for the one workaround it needs, docs/data-quality.md
for every check and the catalog of bad inputs.
"""

from __future__ import annotations

from pathlib import Path

# The queries this package runs when its caller passes none (queries/checks/).
QUERIES = Path(__file__).resolve().parent.parent / "queries"

SEVERITIES = ("block", "reject", "warn")


_preloading = None  # the thread importing the suites in the background, if any


def preload() -> None:
    """Start importing Great Expectations in a background thread: the import takes seconds
    of Python work, which overlaps with DuckDB reading the exports (DuckDB releases the GIL
    while it works). `run()` waits for it: GX's package cannot be imported from two threads
    at once."""
    import threading

    global _preloading
    if _preloading is None:
        _preloading = threading.Thread(target=_import_suites, name="gx-import", daemon=True)
        _preloading.start()


def finish_preload() -> None:
    """Wait for the background import (a process must not exit in the middle of one)."""
    if _preloading is not None:
        _preloading.join()


def _import_suites() -> None:
    try:
        import checks.expect  # noqa: F401  (imports great_expectations)
        import checks.runner  # noqa: F401
        import checks.suites  # noqa: F401
    except Exception:  # noqa: BLE001
        pass  # run() imports them again and reports the error where it can be seen


def run(con, catalog: str, sources: list[str], *, max_rejected_pct: float, stale_after_days: int,
        earliest, latest, now, refresh_id: str) -> list[dict]:
    """Validate `catalog.checked_<source>` of each source; the report rows (see runner)."""
    finish_preload()
    from checks import runner

    return runner.run(con, catalog, sources, max_rejected_pct=max_rejected_pct, stale_after_days=stale_after_days,
                      earliest=earliest, latest=latest, now=now, refresh_id=refresh_id)


def query_text(name: str) -> str:
    """A query of queries/ by name (e.g. 'checks/validation_results'), for callers that pass none."""
    return (QUERIES / f"{name}.sql").read_text(encoding="utf-8")


def store(con, rows: list[dict], ddl: str | None = None) -> None:
    """Write the report into the warehouse being built (table `validation_results`, created
    by `ddl`: queries/checks/validation_results.sql when not given)."""
    con.execute(ddl or query_text("checks/validation_results"))
    if rows:
        cols = list(rows[0])
        names = ", ".join('"' + c + '"' for c in cols)
        con.executemany(
            f"insert into validation_results ({names}) values ({', '.join('?' * len(cols))})",
            [[r[c] for c in cols] for r in rows],
        )


def failures(rows: list[dict], severity: str) -> list[dict]:
    """Expectations of this severity that failed (an expectation GX could not evaluate is
    reported, never a reason to block)."""
    return [r for r in rows if r["severity"] == severity and not r["success"] and not r["error"]]
