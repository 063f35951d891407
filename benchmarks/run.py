"""Benchmark: generate N tickets of sample exports, refresh them, time the metric queries.

    .venv/bin/python benchmarks/run.py                      # 1M and 10M tickets
    .venv/bin/python benchmarks/run.py --tickets 1000000    # one size
    .venv/bin/python benchmarks/run.py --tickets 10000000 --surveys 2000000   # the target's mix

The generator writes about 0.32 survey responses per ticket (3.17M for 10M tickets); the
refresh target names 10M tickets + 2M survey responses + 1M reviews. --surveys N refreshes
the same data with its surveys thinned to about N: every response is kept when a hash of
its ID falls under N / (all responses), so the rows kept do not depend on file order.

Each refresh runs in a child process, so its peak memory is the child's maximum resident
set. Metric queries run in this process on the CLI's read-only connection
(cx.warehouse.connect_read_only, with its settings): first run (cold) and the
median of five more (warm). The figures go, as a dated section with the machine, to the end
of this month's file in benchmarks/history/ (the run prints which); BENCHMARKS.md keeps only
the latest figure for each target, updated by hand from there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from benchmarks.records import append_history  # noqa: E402
from cx import warehouse  # noqa: E402
from cx.metrics import Selection, kpis  # noqa: E402

OUT = ROOT / "benchmarks" / "out"

QUERIES = {
    "all KPIs, all data": {},
    "all KPIs, one quarter": {"start": date(2026, 7, 1), "end": date(2026, 9, 30)},
    "all KPIs, quarter + region": {
        "start": date(2026, 7, 1), "end": date(2026, 9, 30), "where": {"region": ["EU"]},
    },
    "all KPIs, 2 regions + tier + channel": {
        "where": {"region": ["EU", "NA"], "tier": ["premium"], "channel": ["email"]},
    },
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB RAM, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}"
    )


def child(cmd: list[str]) -> tuple[float, float, str]:
    """Run a command; its wall seconds, its own peak resident memory in GB, its stdout."""
    with tempfile.TemporaryFile("w+") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        secs = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{text}")
    return secs, usage.ru_maxrss / 2**20, text


def size_on_disk(path: Path) -> float:
    """GB of the files under `path`, through the linked folders of a thinned copy too."""
    return sum(
        (Path(folder) / name).stat().st_size for folder, _, names in os.walk(path, followlinks=True) for name in names
    ) / 2**30


def bench(tickets: int, surveys: int | None = None) -> dict:
    data = OUT / f"data-{tickets}"
    target = OUT / f"warehouse-{tickets}.duckdb"
    result: dict = {"tickets": tickets}
    if not (data / "tickets").exists():
        # 25 tickets a customer a year: close to the target mix of 10M tickets, 2M+ surveys, 1M reviews.
        customers = str(tickets // 25)
        cmd = [sys.executable, "-m", "cx", "sample", "--out", str(data)]
        secs, _, _ = child(cmd + ["--tickets", str(tickets), "--customers", customers])
        result["generate_s"] = secs
    if surveys:
        data = thin_surveys(data, surveys)
        target = OUT / f"warehouse-{tickets}-surveys-{surveys}.duckdb"
    result["input_gb"] = size_on_disk(data)
    secs, peak, out = child([sys.executable, "-m", "cx", "refresh", "--data", str(data), "--warehouse", str(target)])
    result["refresh_s"] = secs
    result["refresh_peak_gb"] = peak
    result["refresh_stages"] = [line for line in out.splitlines() if line.startswith("[")]
    result["warehouse_gb"] = target.stat().st_size / 2**30
    with warehouse.connect_read_only(target) as con:
        result["rows"] = dict(
            con.execute(
                "select 'surveys', count(*) from survey_facts union all select 'reviews', count(*) from review_facts "
                "union all select 'tickets', count(*) from ticket_facts"
            ).fetchall()
        )
        timings = {}
        for name, params in QUERIES.items():
            t0 = time.perf_counter()
            kpis(con, Selection(**params))
            cold = time.perf_counter() - t0
            warm = []
            for _ in range(5):
                t0 = time.perf_counter()
                kpis(con, Selection(**params))
                warm.append(time.perf_counter() - t0)
            timings[name] = (cold, statistics.median(warm))
        result["queries"] = timings
    return result


def thin_surveys(data: Path, surveys: int) -> Path:
    """A copy of `data` (the other sources linked, not copied) whose survey files keep about
    `surveys` responses."""
    thin = OUT / f"{data.name}-surveys-{surveys}"
    (thin / "surveys").mkdir(parents=True, exist_ok=True)
    for source in ("customers", "reviews", "tickets"):
        link = thin / source
        if not link.exists() and (data / source).exists():
            link.symlink_to((data / source).resolve(), target_is_directory=True)
    con = duckdb.connect()
    files = sorted((data / "surveys").glob("*.csv"))
    names = [str(f) for f in files]
    total = con.execute("select count(*) from read_csv($f, all_varchar = true)", {"f": names}).fetchone()[0]
    for f in files:
        con.execute(
            "copy (select * from read_csv($f, all_varchar = true) where hash(response_id) % 1000000 < $keep) "
            f"to '{thin / 'surveys' / f.name}' (header, force_quote *)",
            {"f": str(f), "keep": round(1_000_000 * surveys / total)},
        )
    con.close()
    return thin


def report(results: list[dict], command: str) -> str:
    lines = [
        f"## Refresh and metric queries, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {machine()}. Command: `{command}`.",
        "",
        "| tickets | surveys | reviews | input (CSV) | refresh | peak memory | warehouse |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows = r["rows"]
        lines.append(
            f"| {rows['tickets']:,} | {rows['surveys']:,} | {rows['reviews']:,} | {r['input_gb']:.2f} GB "
            f"| {r['refresh_s']:.1f} s | {r['refresh_peak_gb']:.2f} GB | {r['warehouse_gb']:.2f} GB |"
        )
    lines += ["", "Refresh stages:", ""]
    for r in results:
        lines.append(f"- {r['tickets']:,} tickets: " + "; ".join(s.split("] ", 1)[1] for s in r["refresh_stages"]))
    lines += ["", "| query | " + " | ".join(f"{r['tickets']:,} tickets cold / warm" for r in results) + " |"]
    lines.append("|---|" + "---:|" * len(results))
    for name in QUERIES:
        cells = [f"{r['queries'][name][0] * 1000:.0f} ms / {r['queries'][name][1] * 1000:.0f} ms" for r in results]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, action="append", help="sizes (default: 1M and 10M)")
    parser.add_argument("--surveys", type=int, help="thin the surveys to about this many responses (e.g. 2000000)")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave benchmarks/history/ alone")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.tickets or [1_000_000, 10_000_000]:
        print(f"benchmarking {n:,} tickets ...", flush=True)
        results.append(bench(n, args.surveys))
        print(json.dumps(results[-1], default=str, indent=1), flush=True)
    text = report(results, " ".join([".venv/bin/python benchmarks/run.py", *sys.argv[1:]]))
    print(text)
    if not args.no_write:
        path = append_history(text)
        print(f"appended to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
