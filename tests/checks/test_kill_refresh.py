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

from cx.sample_data import generate

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
