"""dashboard/warmup.py against the real server: every page's default view is computed before
its first reader, at server start and again after a refresh publishes a new version.

A reader here is a headless session over the server's WebSocket, as a browser opens a page
(dashboard.warmup.visit without the warm-up header); with CX_DASHBOARD_TIMINGS=1 the server
logs every query it actually runs (a cache miss), so a warm page is one whose run logs none.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dashboard import datapage, warmup
from tests.conftest import build
from tests.server import dashboard_server

WARMED = re.compile(r"warm-up: default views of (\d+) pages computed for warehouse version (\S+)")
QUERY = re.compile(r"^\[cx\.dashboard\]\s+[0-9.]+s (?!run\b)(\S+)", re.M)


def _wait_for(log: Path, pattern: re.Pattern, count: int, timeout: float = 120) -> list[re.Match]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = list(pattern.finditer(log.read_text()))
        if len(found) >= count:
            return found
        time.sleep(0.2)
    pytest.fail(f"no {pattern.pattern!r} #{count} in the server log:\n{log.read_text()[-3000:]}")


@pytest.fixture
def served(own_warehouse, tmp_path, monkeypatch):
    """The CLI's server on a fixture warehouse, query timings on: (base URL with a trailing
    slash, log file, data folder, warehouse)."""
    data_dir, target = own_warehouse
    monkeypatch.delenv(warmup.ENV, raising=False)  # the server turns it on
    log = tmp_path / "server.log"
    with dashboard_server(target, log, CX_DASHBOARD_TIMINGS="1") as base:
        yield base + "/", log, data_dir, target


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
    assert "system/freshness" in ran  # this reader's run read the new version (and paid for it)
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


def test_a_script_run_never_waits_for_a_warm_up_in_progress(monkeypatch):
    """A reader's run checks the version while a warm-up visits pages: it must not queue
    behind the warm-up (the check and the visits hold different locks)."""
    monkeypatch.setenv(warmup.ENV, "1")
    monkeypatch.setattr(warmup, "_seen", {"v1"})
    release, visiting = threading.Event(), threading.Event()

    def slow_visit(page, *args, **kwargs):
        visiting.set()
        release.wait(30)

    monkeypatch.setattr(warmup, "visit", slow_visit)
    monkeypatch.setattr(warmup, "_log", lambda text: None)
    warming = threading.Thread(target=warmup.warm, args=("v1", ("",)), daemon=True)
    warming.start()
    assert visiting.wait(10)
    answers = []
    reader = threading.Thread(target=lambda: answers.append(warmup.ensure("v1", in_run=False)), daemon=True)
    reader.start()
    reader.join(10)
    try:
        assert answers == [False]  # returned while the warm-up still held its visit
    finally:
        release.set()
        warming.join(10)


def test_the_data_page_says_what_the_warm_up_did(monkeypatch):
    monkeypatch.delenv(warmup.ENV, raising=False)
    assert warmup.status("v1") is None  # off: the page says nothing
    monkeypatch.setenv(warmup.ENV, "1")
    monkeypatch.setattr(warmup, "_seen", {"v1", "v2"})
    done = warmup.Status(False, datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=5), 10.3, 6)
    monkeypatch.setattr(warmup, "_done", {"v1": done})
    assert warmup.status("v3") is None
    assert "is computing" in datapage.warmup_text(warmup.status("v2"))
    assert datapage.warmup_text(warmup.status("v1")) == (
        "Every page's default view was computed 5 min ago (6 pages in 10.3 s): their first readers do not "
        "wait for queries.")
