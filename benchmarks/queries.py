"""Benchmark: every metric and page query the CLI and the dashboard run, on one warehouse.

    .venv/bin/python benchmarks/queries.py --warehouse W [--only kpis,movers] [--runs 5]

Each query runs for each selection of benchmarks/run.py's QUERIES (all data, one quarter,
quarter + region, 2 regions + tier + channel), on a fresh read-only connection
(cx.warehouse.connect_read_only): the first run (cold: a new connection, the file in the
operating system's cache) and the median of `--runs` more (warm). Prints one line per query
and selection, the slowest first, and marks those over the 0.5 s target.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import QUERIES  # noqa: E402
from cx import metrics, sql, warehouse  # noqa: E402

TARGET_S = 0.5

# The extra parameters each query takes, as the pages pass them (dashboard/app_pages/).
EXTRA = {
    "metrics/at_risk_customers": {"recent_days": 30, "limit": 1000},
    "metrics/high_expectation_trend": {"grain": "week"},
    "metrics/kpis_by_segment": {"dim": "region"},
    "metrics/negative_reviews": {"limit": 50},
    "metrics/promise_delta_histogram": {"bin_hours": 4.0, "clip_hours": 72.0},
    "metrics/recovery_trend": {"grain": "month"},
    "metrics/review_trend": {"grain": "month"},
    "pages/drill_reviews": {"dim": "region", "seg": "EU", "q": "", "limit": 2000},
    "pages/drill_surveys": {"dim": "region", "seg": "EU", "q": "", "limit": 2000, "comments_only": True},
    "pages/drill_tickets": {"dim": "region", "seg": "EU", "q": "", "limit": 2000},
    "pages/movers": {"cstart": None, "cend": None},
    "pages/segment_month": {"dim": "region"},
    "pages/trend": {"grain": "month"},
}
NO_SELECTION = {"metrics/bounds", "pages/filter_options", "pages/customer_profile", "pages/customer_history"}


def names() -> list[str]:
    folders = ("metrics", "pages")
    found = [f"{p.parent.name}/{p.stem}" for d in folders for p in sorted((ROOT / "queries" / d).glob("*.sql"))]
    return ["metrics/kpis (cx.metrics.kpis)"] + [n for n in found if n != "metrics/kpis"]


def runner(con, name: str, selection: metrics.Selection, customer_id: str):
    if name.startswith("metrics/kpis ("):
        return lambda: metrics.kpis(con, selection)
    params = {"customer_id": customer_id} if name.startswith("pages/customer_") else {}
    if name not in NO_SELECTION:
        params |= selection.params() | EXTRA.get(name, {})
        if name == "pages/movers":
            params |= {"cstart": selection.start, "cend": selection.end}
    return lambda: sql.rows(con, name, **params)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--only", default="", help="comma-separated parts of query names")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    wanted = [w for w in args.only.split(",") if w]
    with warehouse.connect_read_only(args.warehouse) as con:
        customer_id = con.execute("select customer_id from ticket_facts limit 1").fetchone()[0]
    results = []
    for name in names():
        if wanted and not any(w in name for w in wanted):
            continue
        selections = {"no selection": {}} if name in NO_SELECTION else QUERIES
        for label, params in selections.items():
            with warehouse.connect_read_only(args.warehouse) as con:
                fn = runner(con, name, metrics.Selection(**params), customer_id)
                t0 = time.perf_counter()
                fn()
                cold = time.perf_counter() - t0
                warm = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    fn()
                    warm.append(time.perf_counter() - t0)
            results.append((name, label.removeprefix("all KPIs, "), cold, statistics.median(warm)))
            print(f"{name:45} {label:38} cold {cold:6.3f} s  warm {results[-1][3]:6.3f} s", flush=True)
    print("\nover the target (warm or cold):")
    for name, label, cold, warm in sorted(results, key=lambda r: -max(r[2], r[3])):
        if max(cold, warm) > TARGET_S:
            print(f"  {name:45} {label:32} cold {cold:6.3f} s  warm {warm:6.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
