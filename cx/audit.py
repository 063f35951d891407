"""The audit trail: who uploaded, removed, refreshed or changed a follow-up, when, and with what result.

Kept beside the warehouse (cx/state.py: FILE.audit.sqlite), never replaced by a refresh, shown
to analysts on the Data page. Entries are only ever added.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cx import state

NAME = "audit"
SCHEMA = """
create table if not exists audit (
    id integer primary key autoincrement,
    at text not null,          -- UTC, ISO 8601 to the second
    actor text not null,       -- the signed-in email, or 'local' without sign-in
    action text not null,      -- upload, remove, refresh, follow-up, ...
    subject text not null,     -- what it acted on: a file name, a follow-up's customer
    result text not null,      -- ok, failed, blocked, refused, ...
    detail text not null default ''
);
create index if not exists audit_at on audit (at);
"""


def record(target: Path, actor: str, action: str, subject: str, result: str, detail: str = "") -> None:
    """Add one entry."""
    at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    con = state.connect(target, NAME, SCHEMA)
    try:
        con.execute(
            "insert into audit (at, actor, action, subject, result, detail) values (?, ?, ?, ?, ?, ?)",
            (at, actor or "unknown", action, subject, result, detail),
        )
    finally:
        con.close()


def recent(target: Path, limit: int = 200) -> list[dict]:
    """The latest entries, newest first (an empty list when nothing was recorded yet)."""
    if not state.path(target, NAME).exists():
        return []
    con = state.connect(target, NAME, SCHEMA)
    try:
        rows = con.execute(
            "select at, actor, action, subject, result, detail from audit order by id desc limit ?", (limit,)
        ).fetchall()
    finally:
        con.close()
    return [dict(r) for r in rows]
