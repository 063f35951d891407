"""Benchmark: the refresh and the metric queries against targets, each as a ratio to a floor
measured in the same run.

    .venv/bin/python benchmarks/run.py                                     # 10M tickets, 2M surveys (make bench)
    .venv/bin/python benchmarks/run.py --tickets 200000 --surveys 40000    # a small run
    .venv/bin/python benchmarks/run.py --tickets 200000 --surveys 40000 --no-write

Targets (2 cores): a full refresh within 3x the bare DuckDB load of the same CSV files into a
database file (goal 2x); with the next month's files added, a refresh within 0.35x of the
full one; peak memory under 3 GB; the all-data KPI query under 0.5 s in-process;
`python -m cx metrics` as a whole process under 1 s.

The machine is shared and noisy, so a refresh is never read against a fixed number of
seconds: the floor, the bare load, runs in the same invocation and each refresh is
reported as a multiple of it.

Steps:
1. Data: the generator (`python -m cx sample`, 25 tickets a customer) writes tickets by month,
   surveys in two halves and reviews in one file, under benchmarks/out/data-N/. Surveys and
   reviews are re-split by month of their date column (UTC) into
   benchmarks/out/monthly-N-surveys-M/, the surveys thinned on the way to about M responses
   (a response is kept when a hash of its ID falls under M / all responses, so the rows kept
   do not depend on file order). Both folders are reused when present.
2. The latest month of tickets, surveys and reviews is held out as "the next month".
3. The floor: per source `create table S as select * from read_csv([files], union_by_name =
   true)` over all the files (every month) into a new database file, in one child process.
4. A refresh of every month but the last into a new warehouse, then the last month's files
   are added and it is refreshed again: that second refresh is "the next month" (an
   incremental refresh when the CLI has one; otherwise it is a full refresh too).
5. The full refresh of the same complete folder: `--full` when `cx refresh --help` offers it,
   else into a fresh warehouse path.
6. The KPI queries in this process on the CLI's read-only connection over the full
   refresh's warehouse: first run (cold) and the median of five more (warm); then
   `python -m cx metrics --format json` as a whole process, median of five.

Each child's wall time is measured around it and its peak memory is its own maximum resident
set (os.wait4). The files of a run live under benchmarks/out/run-N-surveys-M/, removed at the
start of each run so that no warehouse, version or log of an earlier run is measured; the
full refresh's warehouse stays there as warehouse.duckdb for benchmarks/pages.py. The
figures go, as a dated section with the machine and its load, to the end of this month's
file in benchmarks/history/ (the run prints which); BENCHMARKS.md keeps the latest figure
for each target, updated by hand from there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
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

# The sources the generator writes in files that span months, and the column that dates a row.
RESPLIT = {"surveys": "submitted_at", "reviews": "posted_at"}
MONTHLY = ("tickets", "surveys", "reviews")
MONTH = re.compile(r"-(\d{4}-\d{2})\.csv$")

TARGETS = {"full_x_floor": 3.0, "full_x_floor_goal": 2.0, "next_x_full": 0.35, "peak_gb": 3.0,
           "kpi_s": 0.5, "cli_s": 1.0}

# The floor's child: nothing but DuckDB reading the CSV files into a database file.
FLOOR = """
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1])
for source, files in json.loads(sys.argv[2]).items():
    con.execute(f"create table {source} as select * from read_csv({files!r}, union_by_name = true)")
con.close()
"""


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


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


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
    return sum((Path(folder) / name).stat().st_size for folder, _, names in os.walk(path) for name in names) / 2**30


def size(gb: float) -> str:
    return f"{gb:.2f} GB" if gb >= 1 else f"{gb * 1024:.0f} MB"


def read_through(folder: Path) -> None:
    """Read every file once, so that the floor, measured first, does not pay alone for
    bringing the files into the page cache."""
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        with f.open("rb") as fh:
            while fh.read(1 << 24):
                pass


# --- data ----------------------------------------------------------------------------------
def link_or_copy(src: Path, dst: Path) -> None:
    """A hard link (free, and not a symlink, which the refresh refuses), else a copy."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def split_by_month(files: list[Path], folder: Path, prefix: str, column: str, keep: float | None = None,
                   key: str | None = None) -> list[Path]:
    """Write the rows of `files` as folder/prefix-YYYY-MM.csv by the UTC month of `column`;
    with `keep`, only the rows whose hash of `key` falls under that share. Values stay text,
    as they were written."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    where = ""
    if keep is not None:
        where = f"where hash({key}) % 1000000 < {round(1_000_000 * keep)}"
    # A row whose date does not parse goes to the first month, so that the held-out month
    # holds only rows of that month.
    con.execute(
        f"create table rows as select *, coalesce(strftime(try_cast({column} as timestamptz), '%Y-%m'), '') as month_ "
        f"from read_csv($f, all_varchar = true, union_by_name = true) {where}",
        {"f": [str(f) for f in files]},
    )
    months = [m for (m,) in con.execute("select distinct month_ from rows where month_ <> '' order by 1").fetchall()]
    con.execute("update rows set month_ = $m where month_ = ''", {"m": months[0]})
    written = []
    for m in months:
        path = folder / f"{prefix}-{m}.csv"
        con.execute(
            f"copy (select * exclude (month_) from rows where month_ = $m) to '{path}' (header, force_quote *)",
            {"m": m},
        )
        written.append(path)
    con.close()
    return written


def generated(tickets: int) -> tuple[Path, float | None]:
    """The generator's folder for `tickets`, written when missing; the seconds it took, if it ran."""
    data = OUT / f"data-{tickets}"
    if (data / "reviews").exists():
        return data, None
    secs, _, _ = child([sys.executable, "-m", "cx", "sample", "--out", str(data), "--tickets", str(tickets),
                        "--customers", str(tickets // 25)])
    return data, secs


def monthly(data: Path, tickets: int, surveys: int | None) -> Path:
    """The complete folder with every monthly source in monthly files, surveys thinned to
    about `surveys`; built beside its final name and renamed, so a killed build is not reused."""
    name = f"monthly-{tickets}" + (f"-surveys-{surveys}" if surveys else "")
    done = OUT / name
    if done.exists():
        return done
    building = OUT / f".{name}.building"
    shutil.rmtree(building, ignore_errors=True)
    for source in ("customers", "tickets"):
        for f in sorted((data / source).glob("*.csv")):
            link_or_copy(f, building / source / f.name)
    for source, column in RESPLIT.items():
        files = sorted((data / source).glob("*.csv"))
        keep = key = None
        if source == "surveys" and surveys:
            total = duckdb.execute("select count(*) from read_csv($f, all_varchar = true)",
                                   {"f": [str(f) for f in files]}).fetchone()[0]
            keep, key = min(1.0, surveys / total), "response_id"
        split_by_month(files, building / source, source, column, keep, key)
    building.rename(done)
    return done


def latest_month(folder: Path) -> str:
    return max(m.group(1) for s in MONTHLY for f in (folder / s).glob("*.csv") if (m := MONTH.search(f.name)))


def hold_out_last_month(complete: Path, dest: Path) -> list[tuple[Path, Path]]:
    """Link every file of `complete` into `dest` but the latest month's of the monthly sources;
    returns those held out as (file in complete, its place in dest)."""
    last = latest_month(complete)
    held = []
    for f in sorted(p for p in complete.rglob("*") if p.is_file()):
        rel = f.relative_to(complete)
        m = MONTH.search(f.name)
        if rel.parts[0] in MONTHLY and m and m.group(1) == last:
            held.append((f, dest / rel))
        else:
            link_or_copy(f, dest / rel)
    return held


def remove_warehouse(target: Path) -> None:
    """The warehouse file and everything a refresh keeps beside it (pointer, versions, log,
    checked rows), so that nothing of an earlier refresh is reused."""
    for p in [target, *target.parent.glob(target.name + ".*"), *target.parent.glob(f".{target.name}.*")]:
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()


# --- measures ------------------------------------------------------------------------------
def refresh(data: Path, target: Path, *extra: str) -> dict:
    secs, peak, out = child([sys.executable, "-m", "cx", "refresh", "--data", str(data), "--warehouse", str(target),
                             *extra])
    # Paths relative to the project, so that a record reads the same from any clone.
    stages = [line.replace(f"{ROOT}/", "") for line in out.splitlines() if line.startswith("[")]
    return {"s": secs, "peak_gb": peak, "stages": stages}


def refresh_has_full() -> bool:
    out = subprocess.run([sys.executable, "-m", "cx", "refresh", "--help"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    return "--full" in out


def floor(data: Path, target: Path) -> dict:
    files = {s: [str(f) for f in sorted((data / s).glob("*.csv"))] for s in ("customers", *MONTHLY)}
    files = {s: fs for s, fs in files.items() if fs}
    secs, peak, _ = child([sys.executable, "-c", FLOOR, str(target), json.dumps(files)])
    return {"s": secs, "peak_gb": peak}


def queries(target: Path) -> dict:
    timings = {}
    with warehouse.connect_read_only(target) as con:
        rows = dict(con.execute(
            "select 'surveys', count(*) from survey_facts union all select 'reviews', count(*) from review_facts "
            "union all select 'tickets', count(*) from ticket_facts"
        ).fetchall())
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
    return {"rows": rows, "queries": timings}


def cli_metrics(target: Path) -> float:
    cmd = [sys.executable, "-m", "cx", "metrics", "--warehouse", str(target), "--format", "json"]
    return statistics.median(child(cmd)[0] for _ in range(5))


def bench(tickets: int, surveys: int | None) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    result: dict = {"tickets": tickets, "load_before": load()}
    data, result["generate_s"] = generated(tickets)
    complete = monthly(data, tickets, surveys)
    result["input_gb"] = size_on_disk(complete)
    run = OUT / ("run-" + complete.name.removeprefix("monthly-"))
    shutil.rmtree(run, ignore_errors=True)
    result["full_flag"] = refresh_has_full()
    # The full refresh's warehouse is always run/warehouse.duckdb (what `make bench-pages` serves).
    full_target = run / "warehouse.duckdb"
    folder, target = run / "data", full_target if result["full_flag"] else run / "incremental.duckdb"
    held = hold_out_last_month(complete, folder)
    result["next_month"] = latest_month(complete)
    result["next_month_gb"] = sum(f.stat().st_size for f, _ in held) / 2**30
    floor_db = run / "floor.duckdb"
    read_through(complete)
    print("floor: the bare load of every file ...", flush=True)
    result["floor"] = floor(complete, floor_db)
    floor_db.unlink()
    remove_warehouse(target)
    print("refresh of every month but the last ...", flush=True)
    result["before"] = refresh(folder, target)
    for src, dst in held:
        link_or_copy(src, dst)
    print("refresh with the next month added ...", flush=True)
    result["next"] = refresh(folder, target)
    print("full refresh ...", flush=True)
    if result["full_flag"]:
        result["full"] = refresh(folder, full_target, "--full")
    else:
        remove_warehouse(full_target)
        result["full"] = refresh(folder, full_target)
    result["warehouse_gb"] = warehouse.current_file(full_target).stat().st_size / 2**30
    print("queries ...", flush=True)
    result.update(queries(full_target))
    result["cli_s"] = cli_metrics(full_target)
    result["load_after"] = load()
    return result


# --- report --------------------------------------------------------------------------------
def yes(ok: bool) -> str:
    return "yes" if ok else "no"


def table(r: dict) -> list[str]:
    fl, full, nxt, before = r["floor"], r["full"], r["next"], r["before"]
    x_full = full["s"] / fl["s"]
    x_next = nxt["s"] / full["s"]
    floor_s = f"the floor ({fl['s']:.1f} s)"
    rows = [
        ("floor: bare DuckDB load of every CSV file", f"{fl['s']:.1f} s", "1.00x", "-", "-"),
        ("full refresh", f"{full['s']:.1f} s", f"{x_full:.2f}x {floor_s}",
         f"within {TARGETS['full_x_floor']:g}x (goal {TARGETS['full_x_floor_goal']:g}x)",
         "no" if x_full > TARGETS["full_x_floor"] else "yes, and the goal" if x_full <= TARGETS["full_x_floor_goal"]
         else "yes, not the goal"),
        (f"next month ({r['next_month']}, {size(r['next_month_gb'])}) added, refresh"
         + ("" if r["full_flag"] else " (no incremental refresh: a full one)"),
         f"{nxt['s']:.1f} s", f"{x_next:.2f}x the full refresh", f"within {TARGETS['next_x_full']:g}x",
         yes(x_next <= TARGETS["next_x_full"])),
        ("first refresh (every month but the last)", f"{before['s']:.1f} s", f"{before['s'] / fl['s']:.2f}x {floor_s}",
         "no target", "-"),
    ]
    for label, m in (("full refresh", full), ("next month's refresh", nxt), ("first refresh", before)):
        rows.append((f"peak memory, {label}", size(m["peak_gb"]),
                     f"{m['peak_gb'] / fl['peak_gb']:.2f}x the floor's ({size(fl['peak_gb'])})",
                     f"under {TARGETS['peak_gb']:g} GB", yes(m["peak_gb"] < TARGETS["peak_gb"])))
    for name, (cold, warm) in r["queries"].items():
        target = name == "all KPIs, all data"
        rows.append((f"KPI query in-process, {name.removeprefix('all KPIs, ')} (warm median of 5)",
                     f"{warm * 1000:.0f} ms", f"cold {cold * 1000:.0f} ms",
                     f"under {TARGETS['kpi_s']:g} s" if target else "no target",
                     yes(warm < TARGETS["kpi_s"]) if target else "-"))
    rows.append(("`python -m cx metrics --format json`, whole process (median of 5)", f"{r['cli_s']:.2f} s", "-",
                 f"under {TARGETS['cli_s']:g} s", yes(r["cli_s"] < TARGETS["cli_s"])))
    lines = ["| measure | figure | ratio | target | met? |", "|---|---:|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def report(r: dict, command: str) -> str:
    rows = r["rows"]
    lines = [
        f"## Refresh against the bare load, next month, queries, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {machine()}; load {r['load_before']} before, {r['load_after']} after. Command: `{command}`.",
        f"Data: {rows['tickets']:,} tickets, {rows['surveys']:,} survey responses, {rows['reviews']:,} reviews "
        f"in the warehouse; {size(r['input_gb'])} of CSV in monthly files; warehouse {size(r['warehouse_gb'])}. "
        f"The full refresh {'with `--full`' if r['full_flag'] else 'into a fresh warehouse (no `--full` yet)'}.",
        "",
        *table(r),
        "",
        "Refresh stages:",
        "",
    ]
    for label, key in (("first refresh (every month but the last)", "before"), ("next month added", "next"),
                       ("full refresh", "full")):
        lines.append(f"- {label}:")
        lines += [f"  - {line}" for line in r[key]["stages"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=10_000_000, help="tickets to generate (default: 10M)")
    parser.add_argument("--surveys", type=int, default=2_000_000,
                        help="thin the surveys to about this many responses (default: 2M; 0 keeps them all)")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave benchmarks/history/ alone")
    args = parser.parse_args()
    print(f"benchmarking {args.tickets:,} tickets ...", flush=True)
    result = bench(args.tickets, args.surveys or None)
    print(json.dumps(result, default=str, indent=1), flush=True)
    text = report(result, " ".join([".venv/bin/python benchmarks/run.py", *sys.argv[1:]]))
    print(text)
    if not args.no_write:
        path = append_history(text)
        print(f"appended to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
