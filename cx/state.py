"""Small databases beside the warehouse that no refresh replaces: the follow-up list, the audit trail.

A refresh publishes a new warehouse file and the dashboard opens it read-only, so what people
write from the dashboard (a follow-up's owner and status, who refreshed when) cannot live in it.
These files are SQLite rather than DuckDB: DuckDB lets one process at a time open a file for
writing, while the dashboard server, a second server and the command line may all write here;
SQLite serialises small writers across processes and threads with its own file locks.

    FILE.duckdb -> FILE.<name>.sqlite     e.g. data/warehouse.followups.sqlite
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# A writer waits this long for another writer's lock before giving up (seconds): edits are a
# few rows, so a wait this long means something is stuck, not busy.
BUSY_TIMEOUT_S = 10.0


def path(target: Path, name: str) -> Path:
    """The state file `name` that belongs to the warehouse `target`."""
    target = Path(target)
    return target.with_name(f"{target.stem}.{name}.sqlite")


def connect(target: Path, name: str, schema: str) -> sqlite3.Connection:
    """A connection to the state file, its tables created when missing.

    One connection per call: sqlite3 connections are not shared between threads, and each
    Streamlit session runs in its own thread. Rows come back as sqlite3.Row (by column name).
    """
    file = path(target, name)
    file.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(file, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    con.row_factory = sqlite3.Row
    # WAL: readers never wait for a writer, and a writer only for another writer.
    con.execute("pragma journal_mode = wal")
    con.execute("pragma foreign_keys = on")
    con.executescript(schema)
    return con
