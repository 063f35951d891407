"""A refresh killed with SIGKILL at any stage leaves the last good warehouse byte-for-byte
as it was, and the next refresh publishes normally.

The refresh builds a temporary file beside the target and renames it over the target only
at the end (cx/warehouse.py); these tests kill a real `python -m cx refresh` of a larger
generated input while it reads, checks, and builds the model.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SMALL, build

from simulator.generator import generate

ROOT = Path(__file__).resolve().parents[2]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def big_data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("big")
    generate(out, customers=20_000, seed=11, tickets=80_000)
    return out


@pytest.mark.parametrize("kill_after", ["[1/5]", "[2/5]", "[4/5]", "temp file"])
def test_kill_9_leaves_the_warehouse_untouched(kill_after, big_data, tmp_path):
    target = tmp_path / "warehouse.duckdb"
    assert build(SMALL, target).published
    before = sha256(target)
    pointer = target.with_name(target.name + ".current").read_text()

    proc = subprocess.Popen(
        [sys.executable, "-m", "cx", "refresh", "--data", str(big_data), "--warehouse", str(target)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    try:
        if kill_after == "temp file":
            deadline = time.monotonic() + 120
            while not list(tmp_path.glob(".warehouse.duckdb.*.tmp")) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)
        else:
            for line in proc.stdout:
                if line.startswith(kill_after):
                    break
        assert proc.poll() is None, "the refresh ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert sha256(target) == before
    assert target.with_name(target.name + ".current").read_text() == pointer

    # The next refresh is not disturbed by what the killed one left behind.
    assert build(SMALL, target).published


# A refresh killed inside the publish step: each of its file operations is a point where
# SIGKILL may land. Whatever it hit, the CLI and the dashboard must agree on one current
# warehouse (once the target file was the new one while the pointer named the old).
KILL_IN_PUBLISH = """
import os, signal, sys
from pathlib import Path
from cx import warehouse
from cx.config import Settings
from cx.pipeline.refresh import refresh

point, calls = sys.argv[3], {"link": 0, "replace": 0}
real_link, real_replace = os.link, os.replace

def die_after(op, *args):
    op(*args)
    calls[op.__name__] += 1
    if point in (op.__name__, f"{op.__name__}{calls[op.__name__]}"):
        os.kill(os.getpid(), signal.SIGKILL)

warehouse.os.link = lambda *a: die_after(real_link, *a)
warehouse.os.replace = lambda *a: die_after(real_replace, *a)
refresh(Path(sys.argv[1]), Path(sys.argv[2]), Settings(), say=lambda line: None)
"""


def _current_refresh(target: Path) -> tuple[str, str]:
    """(what the CLI reads, what the dashboard reads): the refresh id of each."""
    import duckdb

    from cx.warehouse import connect_read_only, current_file

    query = "select refresh_id from refreshes order by finished_at desc limit 1"
    with connect_read_only(target) as con:
        cli = con.execute(query).fetchone()[0]
    with duckdb.connect(str(current_file(target)), read_only=True) as con:
        dashboard = con.execute(query).fetchone()[0]
    return cli, dashboard


@pytest.mark.parametrize("point", ["link", "replace1", "replace2"])
def test_kill_9_inside_publish_leaves_one_current_warehouse(point, tmp_path):
    target = tmp_path / "warehouse.duckdb"
    assert build(SMALL, target).published
    old = _current_refresh(target)
    assert old[0] == old[1]
    proc = subprocess.run(
        [sys.executable, "-c", KILL_IN_PUBLISH, str(SMALL), str(target), point],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    cli, dashboard = _current_refresh(target)
    assert cli == dashboard, f"killed after {point}: the CLI reads {cli}, the dashboard {dashboard}"
    # Before the pointer swap nothing is published; after it the new refresh is.
    assert (cli == old[0]) == (point == "link")
    assert build(SMALL, target).published
    assert len(set(_current_refresh(target))) == 1
