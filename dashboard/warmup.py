"""Every page's default view computed before anyone asks for it.

On a large warehouse a page's first view waits for its queries (the warehouse file is read
from disk and DuckDB's caches are cold). So when the server starts, and when a
script run first sees a new warehouse version (a refresh landed), a background thread visits
each page the way a browser does: a WebSocket session on the server's own port that asks for
the page with no query string (the default filters: the last 90 days) and waits for the run
to finish. The page runs its own code, so its queries land in the result cache
(dashboard.data) with exactly the parameters a reader's first view will ask for; nothing
here repeats which queries a page runs.

On only under `python -m cx dashboard` (dashboard/serve.py sets CX_DASHBOARD_WARMUP=1); a
plain `streamlit run` and the tests' AppTest never open a socket. A warm-up visit says so in
a header, so that it does not start another warm-up.
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

ENV = "CX_DASHBOARD_WARMUP"
HEADER = "X-Cx-Warmup"
TOKEN = secrets.token_urlsafe(32)  # never leaves this process but in its own visits' header
# Most visited first: the overview is the landing page ("" is the default page).
PAGES = ("", "high_expectation", "segments", "recovery", "promises", "reviews")
VISIT_TIMEOUT_S = 300

_seen: set[str] = set()  # warehouse versions warmed or being warmed by this process
_done: dict[str, Status] = {}  # versions warmed: when, how long, how many pages
_seen_lock = threading.Lock()  # held for a moment: script runs check `_seen` on every run
_run_lock = threading.Lock()  # one warm-up at a time: a second waits, then visits for its version


def enabled() -> bool:
    return os.environ.get(ENV) == "1"


def ensure(version: str, *, in_run: bool = True) -> bool:
    """Start warming `version` unless this process already has, or this script run is a
    warm-up visit itself. Cheap: called on every script run. True when a warm-up started."""
    if not enabled():
        return False
    if in_run:
        import streamlit as st

        if st.context.headers.get(HEADER):
            return False
    with _seen_lock:
        if version in _seen:
            return False
        _seen.add(version)
    threading.Thread(target=warm, args=(version,), name="cx-warmup", daemon=True).start()
    return True


def warm(version: str, pages: tuple[str, ...] = PAGES) -> float:
    """Visit every page once; one line on stderr says how long it took. Failures are logged,
    never raised: a cold cache is slow, not wrong."""
    with _run_lock:
        t0 = time.perf_counter()
        done = []
        for page in pages:
            try:
                visit(page)
                done.append(page or "overview")
            except Exception as exc:  # noqa: BLE001 - a failed warm-up must not take the server down
                _log(f"warm-up of page {page or 'overview'!r} failed: {type(exc).__name__}: {exc}")
        seconds = time.perf_counter() - t0
        _done[version] = Status(False, datetime.now(UTC).replace(tzinfo=None), seconds, len(done))
        _log(f"warm-up: default views of {len(done)} pages computed for warehouse version {version} "
             f"in {seconds:.1f} s ({', '.join(done)})")
        return seconds


@dataclass(frozen=True)
class Status:
    """Where the warm-up of a version stands, for the Data page."""

    running: bool
    finished_at: datetime | None = None  # naive UTC
    seconds: float | None = None
    pages: int | None = None


def status(version: str) -> Status | None:
    """None when the warm-up is off, or has not started for this version."""
    if not enabled():
        return None
    if version in _done:
        return _done[version]
    return Status(running=True) if version in _seen else None


def visit(page: str, timeout: float = VISIT_TIMEOUT_S, *, base_url: str | None = None,
          as_warmup: bool = True) -> None:
    """Run `page` once in a headless session of this server (or the one at `base_url`,
    http://host:port/), as a browser opening its URL does; return when the run has finished.
    `as_warmup=False` visits as a reader would (the run may start a warm-up)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_name = page
    deadline = time.monotonic() + timeout
    url = ("ws" + base_url.removeprefix("http") if base_url else _url("ws")) + "_stcore/stream"
    with connect(url, subprotocols=["streamlit"], additional_headers={HEADER: TOKEN} if as_warmup else None,
                 open_timeout=30, max_size=None) as ws:
        ws.send(msg.SerializeToString())
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(ws.recv(timeout=max(1.0, deadline - time.monotonic())))
            if reply.WhichOneof("type") == "script_finished":
                return


def at_server_start(wait_s: float = 120) -> None:
    """For dashboard/serve.py: in a background thread, wait until the server answers, then
    warm the warehouse version it serves."""
    def run() -> None:
        from streamlit.runtime import Runtime

        deadline = time.monotonic() + wait_s
        while not Runtime.exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # until then the command line's --server.port is not in the config
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(_url("http") + "_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            _log("warm-up skipped: the server did not answer")
            return
        from dashboard import data  # after the server started: its cached functions need the runtime

        src = data.current_source()
        if src is not None:
            ensure(src.version, in_run=False)

    threading.Thread(target=run, name="cx-warmup-start", daemon=True).start()


def _url(scheme: str) -> str:
    """This server's own base URL (as configured: address, port and base path): the loopback
    address unless the server listens on one address only (`--address 10.0.0.5`)."""
    from streamlit import config

    address = config.get_option("server.address") or ""
    host = "127.0.0.1" if address in ("", "0.0.0.0", "::", "localhost") or address.startswith("unix://") else address
    host = f"[{host}]" if ":" in host else host
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"{scheme}://{host}:{config.get_option('server.port')}/" + (base + "/" if base else "")


def _log(text: str) -> None:
    print(f"[cx.dashboard] {text}", file=sys.stderr, flush=True)
