"""Benchmark: the KPI query of each grain on one warehouse, in this process.

    .venv/bin/python benchmarks/grains.py --warehouse benchmarks/out/warehouse-1000000.duckdb

The grains are the metrics catalog's (queries/metrics/catalog.toml): the window's totals
(what the CLI and every tile read), one row per segment, and the compared measures per
segment and period (the movers). Each query runs once to warm, then five times; the median
is reported. Run it on the code before and after a change, against warehouses each built by
that code, to compare (the catalog's macros are stored in the warehouse at refresh).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.records import append_history  # noqa: E402
from benchmarks.run import machine  # noqa: E402
from cx import metrics, sql, warehouse  # noqa: E402

QUARTER = {"start": date(2026, 7, 1), "end": date(2026, 9, 30)}
BEFORE = {"cstart": date(2026, 4, 1), "cend": date(2026, 6, 30)}


def timed(fn, runs: int = 5) -> float:
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave benchmarks/history/ alone")
    args = parser.parse_args()
    f = metrics.segment_filter()
    with warehouse.connect_read_only(args.warehouse) as con:
        tickets = con.execute("select count(*) from ticket_facts").fetchone()[0]
        cases = {
            "totals, all data": lambda: metrics.kpis(con),
            "totals, one quarter": lambda: metrics.kpis(con, metrics.Selection(**QUARTER)),
            "per region, one quarter": lambda: sql.rows(con, "metrics/kpis_by_segment", **QUARTER, f=f, dim="region"),
            "per high-expectation, one quarter": lambda: sql.rows(
                con, "metrics/kpis_by_segment", **QUARTER, f=f, dim="high_expectation"),
            "movers, quarter vs quarter": lambda: sql.rows(con, "pages/movers", **QUARTER, **BEFORE, f=f),
        }
        figures = {name: timed(fn) for name, fn in cases.items()}
    lines = [
        f"## KPI queries per grain, {tickets:,} tickets, {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"Machine: {machine()}. Command: `.venv/bin/python benchmarks/grains.py --warehouse {args.warehouse.name}`.",
        "",
        "| query | warm median |",
        "|---|---:|",
        *[f"| {name} | {secs * 1000:.1f} ms |" for name, secs in figures.items()],
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        print(f"appended to {append_history(text)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
