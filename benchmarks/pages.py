"""Benchmark: how long each dashboard page takes to draw in a real browser.

    .venv/bin/python benchmarks/pages.py --warehouse benchmarks/out/run-10000000-surveys-2000000/warehouse.duckdb
    .venv/bin/python benchmarks/pages.py --warehouse W --pages overview,segments --append
    .venv/bin/python benchmarks/pages.py --warehouse W --baseline /tmp/main-checkout   # before/after
    make bench-pages

It starts the real server (`python -m cx dashboard --warehouse W --port P`, a free port) and
opens each page in headless Chromium (Playwright, /usr/bin/chromium, the flags of
tests/dashboard/test_e2e_browser.py), in a fresh browser context per page (no cookies, no
cached assets), then measures:

- first: from the start of the navigation to the page's URL (a server that has served no
  page yet for the first page listed, or for every page with --restart-each) until done;
- reload: a browser reload with the server's caches warm, from the navigation start;
- filter, new: once warm, a person picks a value in a sidebar multiselect (`--filter
  region=EU`: open the Region box, click EU), from the click on the option until done. The
  queries for that value have not run yet: this is the cost of a view nobody asked for yet;
- filter, seen: the same value removed (its x) and picked again, each from the click until
  done: the queries' results are in the server's cache.
Reloads and "seen" changes are repeated (`--repeat`) and their median reported.

"Done" is what a reader sees, detected from inside the page, not guessed from a quiet period:
a script injected before the page's own code watches Streamlit's run state (the
`data-test-script-state` attribute of the app root: running, then notRunning) and records the
time of every change to a chart or a metric tile in the main area. A step is done when a run
that started after the action has finished (a run too short for Streamlit to show as running:
when the page redrew after the action), no element is left stale from the previous run,
every `stPlotlyChart` holds a drawn Plotly figure (`.js-plotly-plot .main-svg`), and nothing
relevant has changed for `--settle` ms since. The figure reported is the time of the last
change (the end of the run, or the last chart or tile drawn, whichever is later), so the
settle time confirms the end without being counted in it. All times are the page's own
clock (performance.now()), so Python's polling adds nothing to them. A page that shows a
traceback or the app's "could not be read" error is reported as not measured.

Also measured, to read the figures by:
- the floor: the same steps on the smallest Streamlit page with a sidebar filter, four tiles
  and as many Plotly charts as a page drew (no data, no query; one floor per number of charts):
  what Streamlit, Plotly and Chromium cost on this machine at this moment, before any of the
  dashboard's own work (skip with --no-floor); the report reads each page against its floor
  (targets: first render within 0.5 s of it, a filter change within 0.25 s);
- with CX_DASHBOARD_TIMINGS=1, which the server gets, the queries it actually ran (not
  cached) in each step with their total time, and its script runs (dashboard/app.py logs
  each): the server's share of a figure, the rest being the browser's.

--navigate measures one browser session instead, as a reader moves through the app: the first
page by its URL, each next one by its sidebar link. --baseline DIR serves another checkout
(e.g. `git worktree add /tmp/base main`) beside this one and measures each page on both in
turn, so that a before/after comparison sees the same load on a shared machine. --server serve
starts dashboard/serve.py (pandas imported before the server listens) instead of the CLI.

Screenshots of each page (after its steps) go to screenshots/pages/ (ignored by git). With
--append, a dated section with the machine and its load goes to the end of this month's file
in benchmarks/history/ (the run prints which), as benchmarks/run.py writes its own;
BENCHMARKS.md keeps only the latest figure for each target, updated by hand from there.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.records import append_history  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "screenshots" / "pages"
VIEWPORT = {"width": 1500, "height": 1100}
VERBOSE = False  # --verbose: echo the server's output (each query it ran) after each step

# url path -> title shown in the page's h1 (dashboard/app.py and the pages' frame.page()).
PAGES = {
    "overview": "Overview",
    "segments": "Segments",
    "recovery": "Service recovery",
    "promises": "Promises and proactive contact",
    "high_expectation": "High-expectation customers",
    "reviews": "Reviews",
    "data": "Data",
}
NO_FILTERS = {"data"}  # pages drawn without the sidebar filters
NAV = {"promises": "Promises"} | {p: t for p, t in PAGES.items() if p != "promises"}  # sidebar link labels

# The floor: the smallest page that shows what every page of the dashboard shows (a sidebar
# filter in the URL, a title, metric tiles, Plotly charts) and does nothing else. Its times are
# what Streamlit, Plotly and Chromium cost on this machine before any query or page code. It
# draws as many charts as it is written with, so that each page is read against a floor with
# the same number of charts as it draws (written into the app: a query parameter would be
# dropped from the URL by the first filter change).
FLOOR_APP = """
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")
with st.sidebar:
    regions = st.multiselect("Region", ["EU", "NA"], key="region", bind="query-params", placeholder="All")
st.title("Floor")
n = 1 + len(regions)
charts = CHARTS
for col, label in zip(st.columns(4), ["NPS", "CSAT", "CES", "Reviews"]):
    col.metric(label, f"{12.3 * n:.1f}", "+1.0")
for c in range(charts):
    st.plotly_chart(go.Figure(go.Bar(x=list(range(12)), y=[(i * n + c) % 7 for i in range(12)])), width="stretch",
                    key=f"chart-{c}")
"""
FIRST_WITHIN = 0.5  # the targets: a page's first render within 0.5 s of its floor's,
CHANGE_WITHIN = 0.25  # and a filter change (once warm, a value seen before) within 0.25 s

# Injected before any of the page's scripts, in every document of the context.
INSTRUMENT = """
(() => {
  const cx = window.__cx = {runs: 0, state: null, stateAt: 0, runEnd: 0, lastDraw: 0, input: null};
  const WATCHED = '.js-plotly-plot, [data-testid="stPlotlyChart"], [data-testid="stMetric"]';
  const drawn = (node) => {
    const el = node.nodeType === 1 ? node : node.parentElement;
    if (!el || !el.closest('[data-testid="stMain"]')) return false;
    return !!(el.closest(WATCHED) || (el.querySelector && el.querySelector(WATCHED)));
  };
  const STATE = 'data-test-script-state';
  const onMutations = (mutations) => {
    const now = performance.now();
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute(STATE);
    // A fast run can start and end between two callbacks: read every change of the app's run
    // state from the records (each holds the value before it; the next record, or the
    // attribute now, the value after it), not only the state seen now.
    const changes = mutations.filter(m => m.type === 'attributes' && m.attributeName === STATE && m.target === app);
    const values = changes.map((m, i) => i + 1 < changes.length ? changes[i + 1].oldValue : state);
    const started = values.filter(v => v === 'running').length;
    if (started || state !== cx.state) {
      cx.runs += started || (state === 'running' ? 1 : 0);
      cx.state = state;
      cx.stateAt = now;
      if (state === 'notRunning') cx.runEnd = now;
    }
    for (const m of mutations) {
      const nodes = [m.target, ...m.addedNodes, ...m.removedNodes];
      if (nodes.some(drawn)) { cx.lastDraw = now; break; }
    }
  };
  const start = () => new MutationObserver(onMutations).observe(
    document.documentElement,
    {subtree: true, childList: true, attributes: true, attributeOldValue: true, characterData: true});
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
  for (const type of ['mousedown', 'keydown']) {
    window.addEventListener(type, () => { cx.input = performance.now(); }, true);
  }
})();
"""

DONE = """
([runsBefore, settleMs]) => {
  const cx = window.__cx;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!cx || !app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  // A run too short for the app to show it as running is seen by what it drew after the input
  // (after a navigation, the input is null: by any tile or chart drawn at all).
  const redrawn = cx.input !== null ? cx.lastDraw > cx.input : cx.lastDraw > 0;
  if (cx.runs <= runsBefore && !redrawn) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || main.querySelector('[data-stale="true"]')) return false;
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (charts.some(c => !c.querySelector('.js-plotly-plot .main-svg'))) return false;
  const last = Math.max(cx.runEnd, cx.lastDraw, cx.stateAt);
  return performance.now() - last >= settleMs;
}
"""

TIMING_LINE = re.compile(r"\[cx\.dashboard\]\s+([\d.]+)s ")  # a query run (dashboard/data.py)
RUN_LINE = re.compile(r"\[cx\.dashboard\] run\s+([\d.]+)s ")  # a script run (dashboard/app.py)
WARMED_LINE = re.compile(r"\[cx\.dashboard\] warm-up: .* in ([\d.]+) s")  # dashboard/warmup.py


@dataclass
class Step:
    seconds: float | None  # None: not measured (a page without filters) or it failed
    queries: int = 0  # queries the server ran (not cached) during the step
    query_seconds: float = 0.0
    run_seconds: float | None = None  # the server's script runs during the step, queries included


@dataclass
class PageResult:
    path: str
    title: str
    first: Step | None = None
    reloads: list[Step] = field(default_factory=list)
    filter_new: Step | None = None
    filter_seen: list[Step] = field(default_factory=list)
    charts: int = 0
    tiles: int = 0
    error: str = ""  # why the page could not be measured


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A Streamlit server in its own process group, its output in a log file."""

    def __init__(self, cmd: list[str], port: int, log: Path, cwd: Path = ROOT, port_flag: str = "--port",
                 warm: str = "wait"):
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = log
        self._log = log.open("w")
        self.warmup_seconds: float | None = None
        env = dict(os.environ, CX_DASHBOARD_TIMINGS="1", PYTHONUNBUFFERED="1",
                   CX_DASHBOARD_WARMUP="0" if warm == "off" else "1")
        self.proc = subprocess.Popen(cmd + [port_flag, str(port)], cwd=cwd, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(self.base + "/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    break
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise SystemExit(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.1)
        if warm == "wait" and (cwd / "dashboard" / "warmup.py").exists():  # a checkout that warms up
            self.wait_warm()

    def wait_warm(self, timeout_s: float = 600) -> None:
        """Until the server has computed every page's default view (dashboard/warmup.py logs
        how long that took)."""
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            m = WARMED_LINE.search(self.log_path.read_text())
            if m:
                self.warmup_seconds = float(m.group(1))
                return
            time.sleep(0.2)
        raise SystemExit(f"the server did not finish its warm-up in {timeout_s:.0f} s")

    @classmethod
    def dashboard(cls, warehouse: Path, log: Path, how: str = "cli", root: Path = ROOT, warm: str = "wait") -> Server:
        """What a user starts: `python -m cx dashboard --warehouse W --port P`, in the checkout
        `root`; or, with how="serve" (and a checkout that has it), dashboard/serve.py: the same
        server with pandas imported at start."""
        serve = root / "dashboard" / "serve.py"
        if how == "serve" and serve.exists():
            os.environ["CX_WAREHOUSE"] = str(warehouse)
            return cls([sys.executable, str(serve), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                       free_port(), log, cwd=root, port_flag="--server.port", warm=warm)
        return cls([sys.executable, "-m", "cx", "dashboard", "--warehouse", str(warehouse)], free_port(), log,
                   cwd=root, warm=warm)

    @classmethod
    def floor(cls, folder: Path, log: Path, charts: int = 1) -> Server:
        """The smallest page with what every dashboard page has, and `charts` charts (see FLOOR_APP)."""
        app = folder / f"floor_app_{charts}.py"
        app.write_text(FLOOR_APP.replace("CHARTS", str(int(charts))), encoding="utf-8")
        # The dashboard's own Streamlit settings (read from the folder the server starts in).
        (folder / ".streamlit").mkdir(exist_ok=True)
        shutil.copyfile(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
        return cls([sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
                    "--browser.gatherUsageStats", "false"], free_port(), log, cwd=folder, port_flag="--server.port")

    def offset(self) -> int:
        return self.log_path.stat().st_size

    def since(self, offset: int) -> tuple[int, float, float | None, str]:
        """Queries run, their seconds, script-run seconds (None: the app does not log its
        runs), and the log text since `offset`."""
        with self.log_path.open() as fh:
            fh.seek(offset)
            text = fh.read()
        times = [float(m.group(1)) for m in TIMING_LINE.finditer(text)]
        runs = [float(m.group(1)) for m in RUN_LINE.finditer(text)]
        return len(times), sum(times), sum(runs) if runs else None, text

    def stop(self) -> None:
        # The whole group: the cx process and the streamlit server it started.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._log.close()


# ---------------------------------------------------------------- the browser


def wait_done(page, runs_before: int, settle_ms: int, timeout_s: float) -> float:
    """The page-clock time (ms) of the last change once the page is done (see the docstring)."""
    page.wait_for_function(DONE, arg=[runs_before, settle_ms], polling=50, timeout=timeout_s * 1000)
    return page.evaluate("() => Math.max(__cx.runEnd, __cx.lastDraw)")


def runs(page) -> int:
    return page.evaluate("() => window.__cx ? __cx.runs : 0")


def measure(server: Server, action, page, settle_ms: int, timeout_s: float, navigation: bool) -> Step:
    """Run `action` and time it to done. A navigation is timed from its start (a new document's
    clock starts there); any other action from its last mouse or key event."""
    offset = server.offset()
    before = 0 if navigation else runs(page)
    if not navigation:
        page.evaluate("() => { __cx.input = null; }")
    action()
    end = wait_done(page, before, settle_ms, timeout_s)
    start = 0.0 if navigation else page.evaluate("() => __cx.input")
    if start is None:
        raise RuntimeError("the action reached the page without a mouse or key event")
    page.wait_for_timeout(50)  # the run's log line is written just after its last message
    n, secs, run_secs, log = server.since(offset)
    if VERBOSE and log.strip():
        print(log.rstrip(), flush=True)
    return Step((end - start) / 1000, n, secs, run_secs)


def multiselect(page, label: str):
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=page.locator(f'input[aria-label="{label}"]'))


def pick(page, label: str, value: str):
    """Open the sidebar multiselect `label`; return the click that picks `value`."""
    box = multiselect(page, label)
    box.locator("input").click()
    option = page.locator('[role="option"]').filter(has_text=re.compile(f"^{re.escape(value)}$"))
    option.first.wait_for(state="visible", timeout=10000)
    return lambda: option.first.click()


def close_dropdown(page) -> None:
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)


def bench_page(browser, server: Server, path: str, args, shots: Path | None = None) -> PageResult:
    """One page in a fresh browser context: opened by its URL, reloaded, then filtered."""
    result = PageResult(path, PAGES.get(path, "Floor"))
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INSTRUMENT)
    page = context.new_page()
    url = server.base + ("/" if path in ("overview", "floor") else f"/{path}")
    try:
        result.first = measure(server, lambda: page.goto(url, wait_until="commit"), page, args.settle, args.timeout,
                               True)
        warm_steps(page, server, result, args, shots or args.shots)
    finally:
        context.close()
    return result


def bench_session(browser, server: Server, paths: list[str], args, shots: Path | None = None) -> list[PageResult]:
    """--navigate: one browser session, as a reader moves through the app: the first page by its
    URL, each next one by its link in the sidebar (no new document: Streamlit switches pages
    over its open connection), each then reloaded and filtered."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INSTRUMENT)
    page = context.new_page()
    results = []
    try:
        for i, path in enumerate(paths):
            result = PageResult(path, PAGES[path])
            if i == 0:
                url = server.base + ("/" if path == "overview" else f"/{path}")
                action, navigation = (lambda u=url: page.goto(u, wait_until="commit")), True
            else:
                # As tests/dashboard/test_e2e_browser.py follows them (the icon is part of the text).
                link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=NAV[path])
                action, navigation = link.first.click, False
            result.first = measure(server, action, page, args.settle, args.timeout, navigation)
            warm_steps(page, server, result, args, shots or args.shots)
            results.append(result)
            print_result(result)
    finally:
        context.close()
    return results


def warm_steps(page, server: Server, result: PageResult, args, shots: Path | None) -> None:
    """After the first render: reload, filter changes, checks and a screenshot."""
    settle, timeout = args.settle, args.timeout
    h1 = page.locator("h1").first.inner_text().strip()
    if h1 != result.title:
        raise RuntimeError(f"{result.path} shows {h1!r}, not {result.title!r}")
    for _ in range(args.repeat):
        result.reloads.append(measure(server, lambda: page.reload(wait_until="commit"), page, settle, timeout, True))
    if result.path not in NO_FILTERS and args.filter:
        label, value = args.filter
        result.filter_new = measure(server, pick(page, label, value), page, settle, timeout, False)
        close_dropdown(page)
        remove = multiselect(page, label).locator(f'button[aria-label="Remove {value}"]')
        for _ in range(args.repeat):
            result.filter_seen.append(measure(server, remove.click, page, settle, timeout, False))
            result.filter_seen.append(measure(server, pick(page, label, value), page, settle, timeout, False))
            close_dropdown(page)
        # Back to the default view, for the screenshot and the next page.
        measure(server, remove.click, page, settle, timeout, False)
    result.charts = page.locator('[data-testid="stMain"] .js-plotly-plot').count()
    result.tiles = page.locator('[data-testid="stMain"] [data-testid="stMetric"]').count()
    # A traceback, or dashboard/app.py's message for a query that failed.
    failures = page.locator('[data-testid="stException"]').or_(
        page.locator('[data-testid="stAlertContentError"]').filter(has_text="The warehouse could not be read"))
    if failures.count():
        raise RuntimeError(f"{result.path} shows an error: {failures.first.inner_text()[:300]}")
    if shots:
        screenshot(page, shots / f"{result.path}.png")
        page.set_viewport_size(VIEWPORT)


def screenshot(page, file: Path) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(height + 40, 900), 10000)})
    page.wait_for_timeout(1000)  # charts redraw at the new size
    page.screenshot(path=str(file), full_page=True)


# ---------------------------------------------------------------- the report


def machine() -> str:
    """As benchmarks/run.py describes it, with the versions that matter to a page."""
    import duckdb
    import streamlit

    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    chromium = "unknown"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        chromium = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True,
                                  timeout=20).stdout.strip().removeprefix("Chromium ").split()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB RAM, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, Streamlit {streamlit.__version__}, Chromium {chromium}"
    )


def load() -> str:
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def warehouse_rows(path: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.execute(
            "select 'tickets', count(*) from ticket_facts union all select 'surveys', count(*) from survey_facts "
            "union all select 'reviews', count(*) from review_facts union all "
            "select 'customers', count(*) from stg_customers"
        ).fetchall())


def print_result(r: PageResult) -> None:
    if r.error:
        print(f"{r.title}: not measured: {r.error}", flush=True)
        return
    def each(steps: list[Step]) -> str:
        return ", ".join(f"{fmt_s(s)} (run {run_text(s)})" for s in steps) or "—"

    print(f"{r.title}: first {fmt_s(r.first)} (queries {queries_text(r.first)}, run {run_text(r.first)}); "
          f"reload {each(r.reloads)}; filter new {fmt_s(r.filter_new)} (queries {queries_text(r.filter_new)}, "
          f"run {run_text(r.filter_new)}); seen {each(r.filter_seen)}; {r.charts} charts, {r.tiles} tiles",
          flush=True)


def fmt_s(step: Step | None) -> str:
    return "—" if step is None or step.seconds is None else f"{step.seconds:.2f} s"


def median(steps: list[Step]) -> Step | None:
    steps = [s for s in steps if s.seconds is not None]
    if not steps:
        return None
    runs = [s.run_seconds for s in steps if s.run_seconds is not None]
    return Step(statistics.median(s.seconds for s in steps), sum(s.queries for s in steps),
                sum(s.query_seconds for s in steps), statistics.median(runs) if runs else None)


def queries_text(step: Step | None) -> str:
    if step is None or step.seconds is None:
        return "—"
    return f"{step.queries} / {step.query_seconds:.2f} s" if step.queries else "0"


def run_text(step: Step | None) -> str:
    return "—" if step is None or step.run_seconds is None else f"{step.run_seconds:.2f}"


def table(results: list[PageResult]) -> list[str]:
    lines = [
        "| page | first | reload | filter, new | filter, seen | queries run (n / s): first · filter new "
        "| server script run (s): first · reload · new · seen |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        name = f"*floor: a {r.charts}-chart Streamlit page, no data*" if r.path == "floor" else r.title
        if r.error:
            lines.append(f"| {name} | not measured: {r.error.splitlines()[0][:120]} | | | | | |")
            continue
        reload, seen = median(r.reloads), median(r.filter_seen)
        lines.append(
            f"| {name} | {fmt_s(r.first)} | {fmt_s(reload)} | {fmt_s(r.filter_new)} | {fmt_s(seen)} "
            f"| {queries_text(r.first)} · {queries_text(r.filter_new)} "
            f"| {run_text(r.first)} · {run_text(reload)} · {run_text(r.filter_new)} · {run_text(seen)} |"
        )
    return lines


def report(floor: list[PageResult], results: dict[str, list[PageResult]], args, rows: dict[str, int],
           load_before: str, load_after: str, warmups: list[float] = ()) -> str:
    label, value = args.filter or ("", "")
    command = "`.venv/bin/python " + shlex.join(["benchmarks/pages.py", *sys.argv[1:]]) + "`"
    lines = [
        f"## Dashboard pages in Chromium, {rows.get('tickets', 0):,} tickets, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {machine()}. Command: {command}.",
        f"Warehouse `{args.warehouse}`: {rows.get('tickets', 0):,} tickets, {rows.get('surveys', 0):,} survey "
        f"responses, {rows.get('reviews', 0):,} reviews, {rows.get('customers', 0):,} customers. "
        f"Load average (1, 5, 15 min) before: {load_before}; after: {load_after}. Server: "
        + ("`dashboard/serve.py` (pandas imported at start)." if args.server == "serve"
           else "`python -m cx dashboard`."),
        "",
        ("One headless Chromium session: the first page by its URL, each next one by its sidebar link "
         "(*first*: from the click)" if args.navigate else
         "Each page in a fresh headless Chromium context (no cached assets), by its URL (*first*: from the "
         "navigation start"
         + (", on a server started for that page)" if args.restart_each else
            ", after server start: the first page listed also pays the server's first-run imports)"))

        + "; default filters (the last 90 days). *reload*: browser reload, server caches warm "
        f"(median of {args.repeat}); *filter, new*: "
        f"pick {label} = {value} in the sidebar (its queries not yet cached); *filter, seen*: remove it or pick "
        f"it again (cached; median of {2 * args.repeat}). Each to the last chart or tile drawn, after the "
        "script run ended (benchmarks/pages.py says how). *queries run*: queries the server actually ran "
        "(not cached) and their total time; *server script run*: the page script's own time on the server "
        "(queries included; the rest of a figure is the browser's and the network's)."
        + (" The floor rows are the same steps on the smallest Streamlit page with a sidebar filter, four tiles "
           "and as many Plotly charts as a page drew: what Streamlit, Plotly and Chromium cost on this machine "
           "before any query or page code; each page is read against the floor of its number of charts."
           if floor else ""),
        *([f"The server's warm-up (dashboard/warmup.py) had finished before the first page: it took "
           f"{', '.join(f'{w:.1f} s' for w in warmups)} after the server answered. *first* is therefore a page no "
           "reader had opened, whose default view the server had already computed."]
          if warmups and args.warm == "wait" else []),
        *(["Warm-up off (CX_DASHBOARD_WARMUP=0): *first* includes the page's queries on a cold server."]
          if args.warm == "off" else []),
        *(["The first page was opened as soon as the server answered, while its warm-up ran (`--warm race`)."]
          if args.warm == "race" else []),
        *([args.note] if args.note else []),
        "",
    ]
    for i, (label, rs) in enumerate(results.items()):
        if label:
            where = args.baseline if label == "before" else "this checkout"
            lines += [f"**{label.capitalize()}** (`{where}`):", ""]
        lines += [*table((floor if i == 0 else []) + rs), ""]
    if floor:
        lines += [*against_floor(floor, results), ""]
    lines = lines[:-1]
    return "\n".join(lines) + "\n"


def against_floor(floor: list[PageResult], results: dict[str, list[PageResult]]) -> list[str]:
    """Each page against the floor with as many charts as it drew: the targets' table."""
    by_charts = {f.charts: f for f in floor if not f.error}

    def gap(step: Step | None, base: Step | None) -> float | None:
        if step is None or base is None or step.seconds is None or base.seconds is None:
            return None
        return step.seconds - base.seconds

    def said(value: float | None, within: float) -> str:
        return "—" if value is None else f"{value:+.2f} s ({'yes' if value <= within else 'no'})"

    lines = [f"Against the floor with the same number of charts (targets: first render within {FIRST_WITHIN} s, "
             f"a filter change to a value seen before within {CHANGE_WITHIN} s):", "",
             "| page | charts | first − floor | filter, seen − floor | filter, new − floor |",
             "|---|---:|---:|---:|---:|"]
    for label, rs in results.items():
        for r in rs:
            base = by_charts.get(max(r.charts, 1))
            if r.error or base is None:
                continue
            name = f"{r.title} ({label})" if label else r.title
            lines.append(f"| {name} | {r.charts} | {said(gap(r.first, base.first), FIRST_WITHIN)} "
                         f"| {said(gap(median(r.filter_seen), median(base.filter_seen)), CHANGE_WITHIN)} "
                         f"| {said(gap(r.filter_new, base.filter_new), CHANGE_WITHIN)} |")
    return lines


def measure_floor(browser, folder: Path, args, charts: int) -> PageResult:
    """The floor with `charts` charts, on a server that has drawn it once already (as the
    dashboard's warm-up has drawn its pages before *first* is measured), so that its *first*
    is not a cold server's imports."""
    server = Server.floor(folder, folder / f"floor-{charts}.log", charts)
    try:
        warm = browser.new_page(viewport=VIEWPORT)
        warm.goto(server.base + "/")
        warm.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"] .js-plotly-plot',
                               timeout=args.timeout * 1000)
        warm.close()
        result = bench_page(browser, server, "floor", args, None)
    except Exception as exc:  # a floor that could not be measured must not lose the pages' figures
        result = PageResult("floor", "Floor", error=f"{type(exc).__name__}: {exc}"[:300])
    finally:
        server.stop()
    result.charts = result.charts or charts
    print_result(result)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path,
                        default=ROOT / "benchmarks" / "out" / "run-10000000-surveys-2000000" / "warehouse.duckdb",
                        help="the warehouse to serve (default: what `make bench` builds at 10M tickets)")
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"comma-separated, in order (default: {','.join(PAGES)})")
    parser.add_argument("--filter", default="Region=EU",
                        help="the sidebar multiselect and value of the filter change (default Region=EU; '' for none)")
    parser.add_argument("--repeat", type=int, default=2, help="filter changes back and forth once warm (default 2)")
    parser.add_argument("--navigate", action="store_true",
                        help="one browser session: the first page by URL, the others by their sidebar links")
    parser.add_argument("--no-floor", dest="floor", action="store_false",
                        help="skip the floor (a one-chart Streamlit page measured the same way first)")
    parser.add_argument("--server", choices=["cli", "serve"], default="cli",
                        help="cli: `python -m cx dashboard` (default); serve: dashboard/serve.py, which imports "
                             "pandas before the server starts")
    parser.add_argument("--baseline", type=Path,
                        help="another checkout of the project (e.g. `git worktree add /tmp/base main`) served side "
                             "by side: each page measured on it and on this one in turn, two tables")
    parser.add_argument("--restart-each", action="store_true",
                        help="start a new server for each page, so that every first render is on a cold server")
    parser.add_argument("--settle", type=int, default=500,
                        help="ms without any change that confirm the end (not counted in the figures)")
    parser.add_argument("--warm", choices=["wait", "off", "race"], default="wait",
                        help="the server's warm-up of every page's default view (dashboard/warmup.py): wait for "
                             "it before the first page (default), turn it off, or start at once")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a step may take")
    parser.add_argument("--shots", type=Path, default=SHOTS, help="screenshots folder (default screenshots/pages/)")
    parser.add_argument("--no-shots", dest="shots", action="store_const", const=None)
    parser.add_argument("--append", action="store_true",
                        help="append the figures to this month's file in benchmarks/history/")
    parser.add_argument("--note", default="", help="a sentence added to the section (what this run is)")
    parser.add_argument("--verbose", action="store_true", help="echo each query the server runs, step by step")
    args = parser.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    args.warehouse = args.warehouse.resolve() if args.warehouse.exists() else args.warehouse
    if not args.warehouse.exists():
        raise SystemExit(f"no warehouse at {args.warehouse}: build one with `make bench` or `python -m cx refresh`")
    if args.baseline is not None and not (args.baseline / "dashboard" / "app.py").exists():
        raise SystemExit(f"--baseline {args.baseline}: not a checkout of this project (no dashboard/app.py)")
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = set(pages) - set(PAGES)
    if unknown:
        raise SystemExit(f"unknown page(s) {sorted(unknown)}; use {', '.join(PAGES)}")
    if args.filter:
        label, sep, value = args.filter.partition("=")
        if not sep:
            raise SystemExit("--filter takes LABEL=VALUE, e.g. Region=EU")
        args.filter = (label.strip(), value.strip())
    if not CHROMIUM.exists():
        raise SystemExit(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")

    from playwright.sync_api import sync_playwright

    rows = warehouse_rows(args.warehouse)
    load_before = load()
    print(f"warehouse {args.warehouse}: {rows}; load average {load_before}", flush=True)
    checkouts = {"": ROOT} if args.baseline is None else {"before": args.baseline, "after": ROOT}
    results: dict[str, list[PageResult]] = {label: [] for label in checkouts}
    floor: list[PageResult] = []
    with tempfile.TemporaryDirectory(prefix="cx-bench-pages-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        servers: dict[str, Server] = {}
        warmups: list[float] = []

        def start(label: str, i: int) -> Server:
            if label in servers:
                servers.pop(label).stop()
            servers[label] = Server.dashboard(args.warehouse, Path(tmp) / f"server-{label}-{i}.log", args.server,
                                              checkouts[label], args.warm)
            if servers[label].warmup_seconds is not None:
                print(f"{label or 'server'}: warm-up took {servers[label].warmup_seconds:.1f} s", flush=True)
                warmups.append(servers[label].warmup_seconds)
            return servers[label]

        def shots_of(label: str) -> Path | None:
            return args.shots / label if args.shots and label else args.shots

        try:
            if args.floor:
                floor.append(measure_floor(browser, Path(tmp), args, 1))
            if args.navigate:
                for label in checkouts:
                    results[label] += bench_session(browser, start(label, 0), pages, args, shots_of(label))
            else:
                for i, path in enumerate(pages):
                    # With a baseline, each page is measured on both checkouts in turn (who goes
                    # first alternates), so that both see the same load on the machine.
                    for label in (list(checkouts) if i % 2 == 0 else list(reversed(checkouts))):
                        server = servers.get(label) if not args.restart_each else None
                        server = server or start(label, i)
                        try:
                            r = bench_page(browser, server, path, args, shots_of(label))
                        except Exception as exc:  # one broken page must not hide the others
                            r = PageResult(path, PAGES[path], error=f"{type(exc).__name__}: {exc}"[:300])
                        results[label].append(r)
                        print(f"{label or 'page'}: ", end="")
                        print_result(r)
            if args.floor:
                # A floor for each number of charts the pages drew, measured after them.
                # (A page without charts is read against the one-chart floor: the floor page
                # needs a chart to say it is drawn, and its extra chart only makes it slower.)
                drawn = sorted({r.charts for rs in results.values() for r in rs if not r.error} - {0, 1})
                for n in drawn:
                    floor.append(measure_floor(browser, Path(tmp), args, n))
        finally:
            for server in servers.values():
                server.stop()
            browser.close()
    load_after = load()
    text = report(floor, results, args, rows, load_before, load_after, warmups)
    print()
    print(text)
    if args.append:
        path = append_history(text)
        print(f"appended to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
