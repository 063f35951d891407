"""A real dashboard server for the sign-in tests: started as a reader starts it, from a chosen
folder (where Streamlit looks for .streamlit/secrets.toml), with chosen arguments, on a port in
8500-8599."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server import running

ROOT = Path(__file__).resolve().parents[1]
PORTS = range(8500, 8600)


def port_in_range(taken: set[int] = frozenset()) -> int:
    """A port of 8500-8599 nothing listens on (on any address)."""
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 8500-8599")


def outside_address() -> str | None:
    """This machine's address on its network (not loopback), or None without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("198.51.100.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def connects(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def server(args: list[str], cwd: Path, log: Path, port: int, timeout: float = 60,
           command: list[str] | None = None, **env: str) -> Iterator[subprocess.Popen]:
    """Start `python -m cx dashboard --port PORT *args` (or `command`) in `cwd`; yield the
    process once it answers on 127.0.0.1; stop it (SIGTERM) after."""
    environ = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT), **env)
    cmd = command or [sys.executable, "-m", "cx", "dashboard", "--port", str(port), *args]
    with running(cmd, cwd, environ, log, f"http://127.0.0.1:{port}", timeout) as proc:
        yield proc
