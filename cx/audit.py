"""The audit trail: who uploaded, removed, refreshed or changed a follow-up, when, and with what result.

Kept beside the warehouse (cx/state.py: FILE.audit.sqlite), never replaced by a refresh, shown
to analysts on the Data page. Entries are only ever added.
"""

from __future__ import annotations

import getpass
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cx import state
from cx.warehouse import LockInfo

NAME = "audit"
# Who a refresh is recorded as: the Data page passes the signed-in person (dashboard.access.who)
# to the `python -m cx refresh` it starts; a refresh from a shell or a scheduler has none.
ACTOR_ENV = "CX_ACTOR"
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


def safe_record(target: Path, actor: str, action: str, subject: str, result: str, detail: str = "",
                quiet: bool = False) -> bool:
    """record, but a trail that cannot be written (a read-only folder, a full disk, a locked
    file) does not undo what was done: it is said on stderr (unless `quiet`: the error being
    reported is the same folder's) and False returned."""
    try:
        record(target, actor, action, subject, result, detail)
    except (sqlite3.Error, OSError) as exc:
        if not quiet:
            print(f"note: the audit trail beside {target} could not be written: {exc}", file=sys.stderr)
        return False
    return True


def abandoned(target: Path) -> Callable[[LockInfo], None]:
    """What to record when a refresh lock left by a process that is gone is taken over: that
    refresh was stopped before it could record itself (killed, or the machine went down)."""
    def on_abandoned(info: LockInfo) -> None:
        since = f"started {info.started_at:%Y-%m-%d %H:%M} UTC, " if info.started_at else ""
        safe_record(target, info.actor, "refresh", "", "interrupted",
                    f"{since}its process ({info.pid}) ended before it finished; nothing was published by it",
                    quiet=True)
    return on_abandoned


def stopped(target: Path, actor: str, subject: str, code: int) -> None:
    """A refresh process the page started that a signal ended: it could not record itself."""
    name = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
    safe_record(target, actor, "refresh", subject, "interrupted",
                f"the refresh process was stopped ({name}) before it finished; nothing was published by it",
                quiet=True)


def command_line_actor() -> str:
    """$CX_ACTOR when set (the Data page sets it), else "command line (<os user>)"."""
    explicit = (os.environ.get(ACTOR_ENV) or "").strip()
    if explicit:
        return explicit
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no name for this uid (a container without /etc/passwd entry)
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return f"command line ({user})"


def refresh_result(kind: str, message: str, rejected: int = 0) -> tuple[str, str]:
    """(result, detail) of a refresh as the trail says it: published, published with N rejected,
    blocked, failed, or refused when another refresh was running."""
    if kind == "published":
        counts = message.partition(": ")[2] or message  # without the warehouse's path it starts with
        return (f"published with {rejected:,} rejected" if rejected else "published"), counts
    if kind == "busy":
        return "refused", f"already running: {message}"
    return ("blocked" if kind == "blocked" else "failed"), message
