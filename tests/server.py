"""The real dashboard server for the tests that need one: `python -m cx dashboard`, as a
reader starts it (README), on a free port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(base: str) -> bool:
    """The server at `base` (http://host:port) says it is healthy."""
    try:
        with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


@contextlib.contextmanager
def running(cmd: list[str], cwd: Path, env: dict, log: Path, base: str, timeout: float = 60
            ) -> Iterator[subprocess.Popen]:
    """Start `cmd` (output to `log`); yield the process once `base` answers; stop it (SIGTERM,
    then SIGKILL) after."""
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + timeout
        while not answers(base):
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail(f"the server did not start: {log.read_text()}")
            time.sleep(0.25)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def dashboard_server(warehouse: Path, log: Path, timeout: float = 60, **env: str) -> Iterator[str]:
    """Start the server on `warehouse` (output to `log`, `env` added to the environment);
    yield its base URL (http://127.0.0.1:port) once it answers; stop it (SIGTERM) after."""
    port = free_port()
    environ = dict(os.environ, CX_WAREHOUSE=str(warehouse), PYTHONUNBUFFERED="1", **env)
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "cx", "dashboard", "--warehouse", str(warehouse), "--port", str(port)]
    with running(cmd, ROOT, environ, log, base, timeout):
        yield base
