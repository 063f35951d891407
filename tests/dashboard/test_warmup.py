"""dashboard/warmup.py against the real server: every page's default view is computed before
its first reader, at server start and again after a refresh publishes a new version.

A reader here is a headless session over the server's WebSocket, as a browser opens a page
(dashboard.warmup.visit without the warm-up header); with CX_DASHBOARD_TIMINGS=1 the server
logs every query it actually runs (a cache miss), so a warm page is one whose run logs none.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import warmup
from tests.conftest import build

ROOT = Path(__file__).resolve().parents[2]
WARMED = re.compile(r"warm-up: default views of (\d+) pages computed for warehouse version (\S+)")
QUERY = re.compile(r"^\[cx\.dashboard\]\s+[0-9.]+s (?!run\b)(\S+)", re.M)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(log: Path, pattern: re.Pattern, count: int, timeout: float = 120) -> list[re.Match]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = list(pattern.finditer(log.read_text()))
        if len(found) >= count:
            return found
        time.sleep(0.2)
    pytest.fail(f"no {pattern.pattern!r} #{count} in the server log:\n{log.read_text()[-3000:]}")


@pytest.fixture
def served(own_warehouse, tmp_path):
    """The CLI's server on a fixture warehouse: (base URL, log file, data folder, warehouse)."""
    data_dir, target = own_warehouse
    port, log = _free_port(), tmp_path / "server.log"
    env = dict(os.environ, CX_WAREHOUSE=str(target), CX_DASHBOARD_TIMINGS="1", PYTHONUNBUFFERED="1")
    env.pop(warmup.ENV, None)
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cx", "dashboard", "--warehouse", str(target), "--port",
                                 str(port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail(f"the server did not start: {log.read_text()}")
            time.sleep(0.25)
        yield base, log, data_dir, target
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _queries_during(log: Path, action) -> list[str]:
    offset = len(log.read_text())
    action()
    time.sleep(0.3)  # the run's last log lines
    return QUERY.findall(log.read_text()[offset:])


def test_every_page_is_warm_for_its_first_reader_at_start_and_after_a_refresh(served):
    base, log, data_dir, target = served
    first = _wait_for(log, WARMED, 1)[0]
    assert first.group(1) == str(len(warmup.PAGES))
    for page in warmup.PAGES:
        ran = _queries_during(log, lambda p=page: warmup.visit(p, 60, base_url=base, as_warmup=False))
        assert ran == [], f"page {page or 'overview'!r} ran {ran} for its first reader"
    # A refresh publishes a new version: the next reader's run sees it and starts a warm-up.
    assert build(data_dir, target).published
    ran = _queries_during(log, lambda: warmup.visit("reviews", 60, base_url=base, as_warmup=False))
    assert "pages/freshness" in ran  # this reader's run read the new version (and paid for it)
    second = _wait_for(log, WARMED, 2)[1]
    assert second.group(2) != first.group(2)
    ran = _queries_during(log, lambda: warmup.visit("recovery", 60, base_url=base, as_warmup=False))
    assert ran == []


def test_off_without_the_server(monkeypatch):
    """AppTest and a plain `streamlit run` never open a socket."""
    monkeypatch.delenv(warmup.ENV, raising=False)
    assert warmup.enabled() is False
    assert warmup.ensure("some-version", in_run=False) is False


def test_one_warm_up_per_version(monkeypatch):
    started = []
    monkeypatch.setenv(warmup.ENV, "1")
    monkeypatch.setattr(warmup, "_seen", set())
    monkeypatch.setattr(warmup, "warm", lambda version: started.append(version))
    assert warmup.ensure("v1", in_run=False) is True
    assert warmup.ensure("v1", in_run=False) is False
    assert warmup.ensure("v2", in_run=False) is True
    deadline = time.time() + 5
    while len(started) < 2 and time.time() < deadline:
        time.sleep(0.01)
    assert sorted(started) == ["v1", "v2"]
