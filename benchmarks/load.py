"""Benchmark: the dashboard under load while refreshes publish.

    .venv/bin/python benchmarks/load.py                       # 20 sessions, 60 s, two refreshes
    .venv/bin/python benchmarks/load.py --sessions 10 --seconds 120 --append
    make bench-load

It builds a warehouse from the bundled sample (`data/sample/`) in a temporary folder, starts the
real server on the loopback address (`python -m cx dashboard --warehouse W --port P`, after its
warm-up) and opens `--sessions` sessions, spread over the analysis pages. By default each is a
Streamlit session over the server's own websocket, as a browser's is (`--client websocket`): it
asks for its page, then for `--seconds` sends what a click on one of the sidebar's quick ranges
sends (Last 30 days, This quarter, All data, ...: the widget's new state and a rerun), reads the
run's messages to its end (the freshness line, any exception or error shown), pauses about
`--think` seconds, and goes on. Nothing is drawn, so the figures are the server's: 20 Chromium
pages on the same 2 cores take the CPU from the server (benchmarks/history, 2026-12-03). With
`--client browser` each session is a browser context in one headless Chromium instead, clicking
the quick range and waiting until the page is done (what benchmarks/pages.py calls done, and a
run must have started after the click). A fifth and a half of the way through the window a
refresh publishes a new warehouse version from the command line: first the sample plus one
ticket a day after its newest event (the data's "as of" moves), then the sample again (it moves
back).

What it reports:
- errors, by kind: a change not done within `--timeout` s, an exception shown on the page
  (`stException`), the app's own "could not be read" error, Streamlit's connection-lost
  notice, a crashed page, anything else a session met; and the tracebacks in the server's log;
- stale reads: a change clicked more than `--grace` s (5) after a publish whose page shows the
  data of an older version (its freshness line, "Data as of ..."; a change that ran across the
  next publish may show that one): the target is none;
- per publish, how long until every session had shown the new data (each from the publish to
  the end of its first change that showed it);
- the response time of the changes (from the request to the end of its run; in a browser from
  the click to done, on the page's own clock): median, p95 and maximum;
- where the CPU went over the window (the server, the browser, the refreshes), the server's
  script runs and the queries they ran uncached (CX_DASHBOARD_TIMINGS), and the machine's load.

Bounded: at most 40 sessions and 300 s; the server listens on 127.0.0.1 only; the server's
process group, the browser and the temporary folder are removed however the run ends. Exit
code 0 when there were no errors and no stale reads, 1 otherwise. With --append, a dated
section goes to this month's file in benchmarks/history/ (BENCHMARKS.md keeps the latest
figure, updated by hand from there).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.pages import CHROMIUM, DONE, FLAGS, INSTRUMENT, RUN_LINE, TIMING_LINE, Server, load, machine  # noqa: E402  # noqa: E402
from benchmarks.records import append_history  # noqa: E402

SAMPLE = ROOT / "data" / "sample"
MAX_SESSIONS, MAX_SECONDS = 40, 300
# The analysis pages, each with the sidebar's filters (the Data page has none).
PATHS = ("", "segments", "recovery", "promises", "high_expectation", "reviews")
RANGES = ("Last 30 days", "This quarter", "Last 90 days", "Last quarter", "Last 12 months", "All data")
AS_OF = re.compile(r"Data as of (\d{4}-\d\d-\d\d \d\d:\d\d UTC|unknown)")
EXTRA_TICKET = "T-LOAD-0001"
NOT_SHOWN = "not shown"  # no freshness line on the page: an error, not a stale read
VIEWPORT = {"width": 1400, "height": 900}
CLIENTS = {"websocket": "each a Streamlit session over the server's websocket, nothing drawn",
           "browser": "each a browser context in one headless Chromium"}


# ---------------------------------------------------------------- what is recorded, and read


@dataclass(frozen=True)
class Read:
    """One filter change of one session: when it was clicked and done (monotonic seconds),
    its response time on the page's clock, and the data's as-of time the page then showed."""
    session: int
    clicked: float
    done: float
    response_s: float
    as_of: str
    window: str = ""  # the dates the page said it shows (websocket sessions)


@dataclass(frozen=True)
class Publish:
    """A new warehouse version became current (the pointer file changed) at `at`."""
    at: float
    refresh_id: str
    as_of: str  # what a page shows for it ("YYYY-MM-DD HH:MM UTC")


@dataclass
class Run:
    reads: list[Read] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (session, kind, detail)
    publishes: list[Publish] = field(default_factory=list)
    refreshes: list[tuple[str, float, int]] = field(default_factory=list)  # (folder, seconds, exit code)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds over the window (cpu_split)
    window: tuple[float, float] = (0.0, 0.0)  # monotonic start and end of the measured window
    server_log: str = ""  # what the server logged over the window (CX_DASHBOARD_TIMINGS lines)


class Window:
    """The measured window: it opens once every session has drawn its first page (or given up)."""

    def __init__(self, sessions: int, seconds: float):
        self.waiting, self.seconds = sessions, seconds
        self.opened = asyncio.Event()
        self.start = self.end = 0.0

    def ready(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.start = time.monotonic()
            self.end = self.start + self.seconds
            self.opened.set()


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation between closest ranks, as numpy's
    default; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def current_at(publishes: list[Publish], moment: float) -> Publish | None:
    """The version current at `moment`: the last one published at or before it."""
    before = [p for p in publishes if p.at <= moment]
    return max(before, key=lambda p: p.at) if before else None


def stale_reads(reads: list[Read], publishes: list[Publish], grace_s: float) -> list[Read]:
    """Changes clicked more than `grace_s` after the latest publish that show neither its
    as-of time nor that of a version published while the change ran (a run that started after
    a publish the watch had not seen yet is ahead, not stale). A change clicked within the
    grace, or before the first publish the run saw, is never counted."""
    stale = []
    for r in reads:
        now = current_at(publishes, r.clicked)
        if now is None or r.clicked - now.at <= grace_s or r.as_of == NOT_SHOWN:
            continue
        allowed = {now.as_of} | {p.as_of for p in publishes if r.clicked < p.at <= r.done}
        if r.as_of not in allowed:
            stale.append(r)
    return stale


def publish_lags(reads: list[Read], publishes: list[Publish], sessions: int) -> list[dict]:
    """For each publish after the first (the version the run started with): how long each
    session took to show it (from the publish to the end of its first change clicked after it
    that showed its as-of time), and which sessions never did before the next publish or the end."""
    out = []
    ordered = sorted(publishes, key=lambda p: p.at)
    for i, pub in enumerate(ordered[1:], start=1):
        until = ordered[i + 1].at if i + 1 < len(ordered) else math.inf
        lags: dict[int, float] = {}
        for r in sorted(reads, key=lambda r: r.clicked):
            if pub.at <= r.clicked < until and r.as_of == pub.as_of and r.session not in lags:
                lags[r.session] = r.done - pub.at
        out.append({"refresh_id": pub.refresh_id, "as_of": pub.as_of, "lags": lags,
                    "missed": sorted(set(range(sessions)) - set(lags))})
    return out


def extra_ticket(tickets: Path) -> tuple[list[str], list[str]]:
    """The header of the sample's ticket files and one more ticket: a copy of the newest one,
    created a day after the newest creation, not yet answered (so the data's as-of time moves
    to it)."""
    newest: tuple[datetime, list[str]] | None = None
    header: list[str] = []
    for path in sorted(tickets.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            at = header.index("created_at")
            for row in reader:
                when = datetime.fromisoformat(row[at].replace("Z", "+00:00"))
                if newest is None or when > newest[0]:
                    newest = (when, row)
    if newest is None:
        raise SystemExit(f"no ticket in {tickets}")
    row = list(newest[1])
    row[header.index("ticket_id")] = EXTRA_TICKET
    row[header.index("created_at")] = (newest[0] + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for column in ("first_response_at", "resolved_at"):
        row[header.index(column)] = ""
    return header, row


def summary(run: Run, sessions: int, seconds: float, grace_s: float, server_tracebacks: int) -> dict:
    stale = stale_reads(run.reads, run.publishes, grace_s)
    responses = [r.response_s for r in run.reads]
    return {
        "sessions": sessions, "seconds": seconds, "changes": len(run.reads),
        "errors": len(run.errors), "by_kind": dict(Counter(kind for _, kind, _ in run.errors)),
        "server_tracebacks": server_tracebacks, "stale": len(stale),
        "lags": publish_lags(run.reads, run.publishes, sessions),
        "p50": percentile(responses, 50), "p95": percentile(responses, 95),
        "max": max(responses) if responses else None,
    }


# ---------------------------------------------------------------- the data and the refreshes


def prepare(folder: Path) -> tuple[Path, Path, Path]:
    """Folder A (the sample), folder B (the sample and one more ticket) and the warehouse path."""
    a, b = folder / "sample", folder / "sample-plus-one"
    shutil.copytree(SAMPLE, a)
    shutil.copytree(SAMPLE, b)
    header, row = extra_ticket(SAMPLE / "tickets")
    with (b / "tickets" / "tickets-load-extra.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerow(row)
    return a, b, folder / "warehouse.duckdb"


def refresh(data: Path, target: Path) -> tuple[float, int, str]:
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "cx", "refresh", "--data", str(data), "--warehouse", str(target)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    return time.monotonic() - started, out.returncode, (out.stderr or out.stdout).strip()


class PointerWatch(threading.Thread):
    """Notes the moment each new warehouse version becomes current (the pointer file the
    readers open changes), to the poll interval."""

    def __init__(self, target: Path, every_s: float = 0.02):
        super().__init__(name="pointer-watch", daemon=True)
        from cx import warehouse

        self._current = lambda: warehouse.current_refresh_id(target)
        self.every_s = every_s
        self.seen: list[tuple[float, str]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        last = None
        while not self.stopping.is_set():
            now = self._current()
            if now and now != last:
                self.seen.append((time.monotonic(), now))
                last = now
            time.sleep(self.every_s)


# ---------------------------------------------------------------- where the CPU goes

TICK = os.sysconf("SC_CLK_TCK")


def _stats() -> dict[int, tuple[int, int, float, str]]:
    """pid -> (parent pid, process group, CPU seconds used, command name), for every process now."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()  # after the command name, which may hold spaces
        name = text[text.index("(") + 1:text.rindex(")")]
        out[int(entry.name)] = (int(fields[1]), int(fields[2]), (int(fields[11]) + int(fields[12])) / TICK, name)
    return out


def cpu_split(server_group: int) -> dict[str, float]:
    """CPU seconds used so far by the server (its process group), by the browser (this
    process's descendants that are Playwright's driver or Chromium), by the refreshes (children
    this process has waited for) and by the whole machine."""
    procs = _stats()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    browser, todo = 0.0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        _, group, cpu, name = procs[pid]
        if group != server_group:
            if name == "node" or name.startswith("chrom"):  # not a refresh while it runs
                browser += cpu
            todo.extend(children.get(pid, []))
    with open("/proc/stat") as fh:
        busy = [int(x) for x in fh.readline().split()[1:]]
    idle = busy[3] + busy[4]
    own = os.times()
    return {"server": sum(c for _, g, c, _ in procs.values() if g == server_group), "browser": browser,
            "refreshes": own.children_user + own.children_system,
            "machine": (sum(busy[:8]) - idle) / TICK, "benchmark": own.user + own.system}


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: after[k] - before[k] for k in after}


# ---------------------------------------------------------------- the sessions


# Done as benchmarks/pages.py says, and only once a run has started after the click: a busy
# browser may still be drawing the run before, which pages.py's quiet machine never sees.
STRICT_DONE = f"([before, settle]) => !!window.__cx && __cx.runs > before && ({DONE})([before, settle])"


async def wait_done(page, runs_before: int, timeout_s: float, settle_ms: int) -> float:
    await page.wait_for_function(STRICT_DONE if runs_before else DONE, arg=[runs_before, settle_ms], polling=100,
                                 timeout=timeout_s * 1000)
    return await page.evaluate("() => Math.max(__cx.runEnd, __cx.lastDraw)")


async def problems(page) -> list[tuple[str, str]]:
    """What a reader would see go wrong on the page now."""
    found = []
    main = page.locator('[data-testid="stMain"]')
    if await main.locator('[data-testid="stException"]').count():
        text = await main.locator('[data-testid="stException"]').first.inner_text()
        found.append(("exception shown", text.splitlines()[0] if text else ""))
    body = await page.locator("body").inner_text()
    if "could not be read" in body:
        found.append(("app error", next(line for line in body.splitlines() if "could not be read" in line)))
    if "Connection error" in body or "Is Streamlit still running" in body:
        found.append(("connection lost", "Streamlit's connection error"))
    return found


async def shown_as_of(page) -> str:
    text = await page.locator('[data-testid="stMain"]').inner_text()
    m = AS_OF.search(text.replace("**", ""))
    return m.group(1) if m else NOT_SHOWN


async def session(i: int, browser, base: str, run: Run, window: Window, args) -> None:
    rng = random.Random(i)
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(INSTRUMENT)
    page = await context.new_page()
    crashed = []
    page.on("crash", lambda _: crashed.append(True))
    waiting = True
    try:
        await page.goto(f"{base}/{PATHS[i % len(PATHS)]}", timeout=args.timeout * 1000)
        await wait_done(page, 0, args.timeout, args.settle)
        waiting = False
        window.ready()
        await window.opened.wait()
        k = i
        while time.monotonic() < window.end and not crashed:
            label = RANGES[k % len(RANGES)]
            k += 1
            # st.pills draws its options as buttons with the radio role.
            pill = page.locator('[data-testid="stSidebar"]').get_by_role("radio", name=label, exact=True)
            before = await page.evaluate("() => window.__cx ? __cx.runs : 0")
            await page.evaluate("() => { __cx.input = null; }")
            clicked = time.monotonic()
            try:
                await pill.click(timeout=args.timeout * 1000)
                end = await wait_done(page, before, args.timeout, args.settle)
            except Exception as exc:  # a timeout above all: the change never came back
                kind = "timeout" if "Timeout" in type(exc).__name__ else "session error"
                run.errors.append((i, kind, f"{label}: {str(exc).splitlines()[0]}"))
                await page.reload(timeout=args.timeout * 1000)
                await wait_done(page, 0, args.timeout, args.settle)
                continue
            done = time.monotonic()
            start = await page.evaluate("() => __cx.input")
            for kind, detail in await problems(page):
                run.errors.append((i, kind, detail))
            as_of = await shown_as_of(page)
            if as_of == NOT_SHOWN:
                run.errors.append((i, "no freshness line", label))
            run.reads.append(Read(i, clicked, done, (end - start) / 1000 if start is not None else done - clicked,
                                  as_of))
            await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
        if crashed:
            run.errors.append((i, "page crashed", ""))
    except Exception as exc:
        run.errors.append((i, "session error", str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
    finally:
        if waiting:  # its first page never came: the others do not wait for it
            window.ready()
        await context.close()


# When each refresh starts, as a share of the window: a refresh takes seconds itself, and
# what follows its publish is what is measured.
REFRESH_AT = (0.2, 0.55)


class Rerun:
    """What one script run sent back over the websocket."""

    def __init__(self):
        self.as_of = NOT_SHOWN
        self.window = ""  # the line that says which dates the page shows
        self.pills = ""  # the quick ranges' widget id
        self.problems: list[tuple[str, str]] = []
        self.status = -1


async def ws_run(ws, page: str, pills: str = "", label: str = "") -> Rerun:
    """Ask for a run of `page` (with the quick range `label` clicked) and read its messages
    until it finishes."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_name = page
    if pills:
        state = msg.rerun_script.widget_states.widgets.add()
        state.id = pills
        state.string_array_value.data.append(label)
    await ws.send(msg.SerializeToString())
    out = Rerun()
    while True:
        reply = ForwardMsg()
        reply.ParseFromString(await ws.recv())
        kind = reply.WhichOneof("type")
        if kind == "script_finished":
            out.status = reply.script_finished
            return out
        if kind != "delta" or reply.delta.WhichOneof("type") != "new_element":
            continue
        element = reply.delta.new_element
        what = element.WhichOneof("type")
        if what == "button_group" and element.button_group.id.endswith("-quick_range"):
            out.pills = element.button_group.id
        elif what == "markdown":
            body = element.markdown.body.replace("**", "")
            m = AS_OF.search(body)
            if m:
                out.as_of = m.group(1)
            elif "(changes against" in body or re.match(r"\d\d \w{3} \d{4} – ", body):
                out.window = body.split(" (changes")[0]
        elif what == "exception":
            out.problems.append(("exception shown", f"{element.exception.type}: {element.exception.message}"[:200]))
        elif what == "alert" and "could not be read" in element.alert.body:
            out.problems.append(("app error", element.alert.body[:200]))


async def ws_session(i: int, base: str, run: Run, window: Window, args) -> None:
    """A session over Streamlit's own websocket, as the browser's: the run's messages are read,
    nothing is drawn, so the figures are the server's."""
    from websockets.asyncio.client import connect

    rng = random.Random(i)
    page = PATHS[i % len(PATHS)]
    waiting = True
    try:
        async with connect(base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                           max_size=None, open_timeout=args.timeout) as ws:
            first = await asyncio.wait_for(ws_run(ws, page), args.timeout)
            waiting = False
            window.ready()
            await window.opened.wait()
            if not first.pills:
                raise RuntimeError(f"page {page or 'overview'!r} drew no quick ranges")
            k = i
            while time.monotonic() < window.end:
                label = RANGES[k % len(RANGES)]
                k += 1
                clicked = time.monotonic()
                try:
                    got = await asyncio.wait_for(ws_run(ws, page, first.pills, label), args.timeout)
                except TimeoutError:
                    run.errors.append((i, "timeout", label))
                    break  # the socket is mid-run: this session cannot go on
                done = time.monotonic()
                run.errors.extend((i, kind, detail) for kind, detail in got.problems)
                if got.status not in (0, 3):
                    run.errors.append((i, "run not finished", f"{label}: status {got.status}"))
                if got.as_of == NOT_SHOWN:
                    run.errors.append((i, "no freshness line", label))
                run.reads.append(Read(i, clicked, done, done - clicked, got.as_of, got.window))
                await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
    except Exception as exc:
        run.errors.append((i, "connection lost" if "Connection" in type(exc).__name__ else "session error",
                           str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
    finally:
        if waiting:
            window.ready()


async def refreshes(run: Run, folders: list[Path], target: Path, window: Window) -> None:
    await window.opened.wait()
    for share, folder in zip(REFRESH_AT, folders, strict=True):
        await asyncio.sleep(max(0.0, window.start + window.seconds * share - time.monotonic()))
        seconds, code, message = await asyncio.to_thread(refresh, folder, target)
        run.refreshes.append((folder.name, seconds, code))
        if code:
            run.errors.append((-1, "refresh failed", message.splitlines()[-1] if message else str(code)))


async def measure_cpu(run: Run, window: Window, server_group: int, log: Path) -> None:
    await window.opened.wait()
    before, offset = cpu_split(server_group), log.stat().st_size
    await asyncio.sleep(max(0.0, window.end - time.monotonic()))
    run.cpu = cpu_used(before, cpu_split(server_group))
    run.window = (window.start, window.end)
    with log.open(encoding="utf-8", errors="replace") as fh:
        fh.seek(offset)
        run.server_log = fh.read()


async def drive(base: str, run: Run, folders: list[Path], target: Path, server_group: int, log: Path,
                args) -> None:
    if args.client == "websocket":
        window = Window(args.sessions, args.seconds)
        tasks = []
        for i in range(args.sessions):
            tasks.append(asyncio.create_task(ws_session(i, base, run, window, args)))
            await asyncio.sleep(args.arrive / args.sessions)
        await asyncio.gather(refreshes(run, folders, target, window), measure_cpu(run, window, server_group, log),
                             *tasks)
        return
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            # People arrive over a few seconds, not all in one instant; the window opens once
            # every session has drawn its first page.
            window = Window(args.sessions, args.seconds)
            tasks = []
            for i in range(args.sessions):
                tasks.append(asyncio.create_task(session(i, browser, base, run, window, args)))
                await asyncio.sleep(args.arrive / args.sessions)
            await asyncio.gather(refreshes(run, folders, target, window), measure_cpu(run, window, server_group, log),
                                 *tasks)
        finally:
            await browser.close()


# ---------------------------------------------------------------- the report


def fmt_s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def report(s: dict, run: Run, args, warehouse_as_of: dict[str, str], load_text: str) -> list[str]:
    kinds = ", ".join(f"{k}: {v}" for k, v in sorted(s["by_kind"].items())) or "none"
    lines = [
        f"- {s['sessions']} sessions ({CLIENTS[args.client]}), {s['seconds']:.0f} s of filter changes "
        f"(think time about {args.think:.1f} s), two refreshes publishing during it (started at "
        f"{' and '.join(f'{x:.0%}' for x in REFRESH_AT)} of it); the bundled sample",
        f"- changes done: {s['changes']:,}" + (f" ({len({r.window for r in run.reads if r.window})} different date "
                                              "ranges shown)" if any(r.window for r in run.reads) else ""),
        f"- errors: {s['errors']} ({kinds}); tracebacks in the server's log: {s['server_tracebacks']}",
        f"- stale reads (a change clicked more than {args.grace:.0f} s after a publish showing the data before "
        f"it): {s['stale']}",
        f"- response time, {'request to the end of the run' if args.client == 'websocket' else 'click to done'}: "
        f"median {fmt_s(s['p50'])}, p95 {fmt_s(s['p95'])}, max {fmt_s(s['max'])}",
    ]
    for r in stale_reads(run.reads, run.publishes, args.grace)[:10]:
        now = current_at(run.publishes, r.clicked)
        lines.append(f"  - stale: session {r.session} (page {PATHS[r.session % len(PATHS)] or 'overview'}), clicked "
                     f"{r.clicked - now.at:.1f} s after {now.refresh_id}, done {r.done - now.at:.1f} s after it, "
                     f"showed {r.as_of} instead of {now.as_of}")
    for folder, seconds, code in run.refreshes:
        lines.append(f"- refresh of `{folder}`: {seconds:.1f} s, exit {code}")
    for lag in s["lags"]:
        values = list(lag["lags"].values())
        lines.append(
            f"- publish of {lag['refresh_id']} (as of {lag['as_of']}): shown by {len(values)} of {s['sessions']} "
            f"sessions, median {fmt_s(percentile(values, 50))} and at most {fmt_s(max(values) if values else None)} "
            f"after it" + (f"; never by sessions {lag['missed']}" if lag["missed"] else ""))
    lines.append(f"- as of, per folder: {', '.join(f'{k} {v}' for k, v in warehouse_as_of.items())}; changes "
                 f"that showed each: {', '.join(f'{k} {v}' for k, v in Counter(r.as_of for r in run.reads).items())}")
    if run.cpu:
        span = run.window[1] - run.window[0]
        cores = os.cpu_count() or 1
        lines.append(
            f"- CPU over the {span:.0f} s window ({cores} cores: {cores * span:.0f} s available): machine "
            f"{run.cpu['machine']:.0f} s; the server {run.cpu['server']:.0f} s, the browser (all sessions) "
            f"{run.cpu['browser']:.0f} s, the refreshes {run.cpu['refreshes']:.0f} s, this script "
            f"{run.cpu['benchmark']:.0f} s")
    runs = [float(m.group(1)) for m in RUN_LINE.finditer(run.server_log)]
    queries = [float(m.group(1)) for m in TIMING_LINE.finditer(run.server_log)]
    if runs:
        lines.append(
            f"- the server's script runs over the window: {len(runs):,}, each median {fmt_s(percentile(runs, 50))} "
            f"and p95 {fmt_s(percentile(runs, 95))} of wall time; the queries they ran (not cached): {len(queries):,}, "
            f"{sum(queries):.1f} s in all")
    lines.append(f"- machine load: {load_text}")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20, help=f"browser sessions (at most {MAX_SESSIONS})")
    ap.add_argument("--seconds", type=float, default=60, help=f"length of the window (at most {MAX_SECONDS})")
    ap.add_argument("--client", choices=("websocket", "browser"), default="websocket",
                    help="sessions over Streamlit's websocket (the server's figures), or pages in headless Chromium "
                         "(a reader's, drawing included: the browser shares the machine's cores with the server)")
    ap.add_argument("--think", type=float, default=1.0, help="mean pause between two changes of a session, s")
    ap.add_argument("--grace", type=float, default=5.0, help="a publish older than this must be shown, s")
    ap.add_argument("--timeout", type=float, default=60.0, help="a change not done by then is an error, s")
    ap.add_argument("--arrive", type=float, default=10.0, help="the sessions open over this many seconds")
    ap.add_argument("--settle", type=int, default=200, help="quiet time that confirms done, ms")
    ap.add_argument("--append", action="store_true", help="append a dated section to benchmarks/history/")
    args = ap.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS or not 5 <= args.seconds <= MAX_SECONDS:
        ap.error(f"--sessions must be 1-{MAX_SESSIONS} and --seconds 5-{MAX_SECONDS}")

    folder = Path(tempfile.mkdtemp(prefix="cx-load-"))
    server = None
    watch = None
    try:
        a, b, target = prepare(folder)
        seconds, code, message = refresh(a, target)
        if code:
            raise SystemExit(f"the first refresh failed: {message}")
        watch = PointerWatch(target)
        watch.start()
        server = Server.dashboard(target, folder / "server.log")
        print(f"server {server.base} (warm-up {server.warmup_seconds} s); {args.sessions} sessions for "
              f"{args.seconds:.0f} s", flush=True)
        load_before = load()
        run = Run()
        asyncio.run(drive(server.base, run, [b, a], target, server.proc.pid, server.log_path, args))
        load_after = load()
        watch.stopping.set()
        watch.join()
        # Each version's as-of: the folder it was refreshed from decides it (A, then B, then A).
        as_of = {a.name: "", b.name: ""}
        order = [a, b, a]
        for (at, refresh_id), source in zip(watch.seen, order, strict=False):
            if not as_of[source.name]:
                as_of[source.name] = _as_of_of(target, refresh_id)
            run.publishes.append(Publish(at, refresh_id, as_of[source.name]))
        log = (folder / "server.log").read_text(encoding="utf-8", errors="replace")
        s = summary(run, args.sessions, args.seconds, args.grace, log.count("Traceback (most recent call last)"))
        lines = report(s, run, args, as_of, f"{load_before} before, {load_after} after")
        print("\n".join(lines))
        if len(run.publishes) != 3:
            print(f"note: {len(run.publishes)} versions seen instead of 3", file=sys.stderr)
        if args.append:
            stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
            path = append_history(f"## {stamp}: the dashboard under load (`benchmarks/load.py`)\n\n"
                                  f"{machine()}\n\n" + "\n".join(lines) + "\n")
            print(f"appended to {path}")
        return 0 if not s["errors"] and not s["stale"] else 1
    finally:
        if watch is not None:
            watch.stopping.set()
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _as_of_of(target: Path, refresh_id: str) -> str:
    """The as-of time of one published version (kept while the last two are)."""
    from cx import sql, warehouse
    from dashboard import fmt, frame

    version = warehouse.versions_dir(target) / f"{refresh_id}.duckdb"
    path = version if version.exists() else target
    with warehouse.connect_read_only(path) as con:
        fresh = sql.rows(con, "system/freshness")[0]
    value = frame._as_of(fresh)
    return fmt.moment(value) if value else "unknown"


if __name__ == "__main__":
    sys.exit(main())
