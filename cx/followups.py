"""The follow-up list: who is to contact which customer, whether they did, and what they noted.

The customers to contact come from the warehouse (the high-expectation customers at risk,
queries/metrics/at_risk_customers.sql; the failures not recovered or still open,
queries/metrics/followup_recovery.sql). What people do about them lives here, in a SQLite file
beside the warehouse (cx/state.py: FILE.followups.sqlite) that no refresh replaces, so an owner,
a status and a note outlive every refresh.

A follow-up is keyed by its list, the customer id and the ticket id (empty when the list is
about the customer, not a ticket). Those ids are the export's own, unchanged by a refresh, so a
rebuilt warehouse finds the same follow-ups again: none lost, none doubled. A row is written
only when someone first changes it; until then a candidate is "to call" with no owner.

Two sessions may edit the same row. Every change names the version of the row it was based on
(0 for a row never written); when the row has moved on since, the change is refused with who
changed it and when, never applied over the other person's work (optimistic locking: the check
and the write happen in one `begin immediate` transaction, which SQLite serialises across
processes). Each applied change adds one history line per field (who, when, from, to) and one
audit entry (cx.audit) whose subject holds the list and the ids only, never a note.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cx import audit, state

NAME = "followups"
KINDS = ("high_expectation", "recovery")
TO_CALL, CALLED, RESOLVED = "to call", "called", "resolved"
STATUSES = (TO_CALL, CALLED, RESOLVED)
FIELDS = ("owner", "status", "note")
# Long enough for a call's summary; a longer paste is refused rather than cut without a word.
MAX_NOTE = 2000
MAX_OWNER = 200

SCHEMA = """
create table if not exists followups (
    id integer primary key autoincrement,
    kind text not null,                  -- high_expectation or recovery
    customer_id text not null,           -- the export's customer id, as the pages show it
    ticket_id text not null default '',  -- '' when the list is about the customer
    owner text not null default '',
    status text not null default 'to call' check (status in ('to call', 'called', 'resolved')),
    note text not null default '',
    why text not null default '',        -- why the customer was listed when first worked on
    version integer not null,            -- 1 at the first write, +1 at each change
    created_at text not null,            -- UTC, ISO 8601 to the second
    created_by text not null,
    updated_at text not null,
    updated_by text not null,
    contacted_at text,                   -- when it last left 'to call' (null while 'to call')
    unique (kind, customer_id, ticket_id)
);
create table if not exists followup_history (
    id integer primary key autoincrement,
    followup_id integer not null references followups (id),
    at text not null,
    actor text not null,
    field text not null,                 -- owner, status or note
    old text not null,
    new text not null
);
create index if not exists followup_history_of on followup_history (followup_id, id);
"""


@dataclass(frozen=True)
class Followup:
    kind: str
    customer_id: str
    ticket_id: str
    owner: str
    status: str
    note: str
    why: str
    version: int
    updated_at: str | None
    updated_by: str | None
    contacted_at: str | None
    id: int | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.kind, self.customer_id, self.ticket_id


class Conflict(Exception):
    """The row changed after the version the edit was based on."""

    def __init__(self, subject: str, by: str, at: str):
        self.by, self.at = by, at
        super().__init__(f"{subject} was changed by {by} at {shown_time(at)}; reload to see it")


def key(kind: str, customer_id, ticket_id=None) -> tuple[str, str, str]:
    """The follow-up's key: its list, the customer id and the ticket id ('' for none)."""
    if kind not in KINDS:
        raise ValueError(f"unknown follow-up list {kind!r} (known: {', '.join(KINDS)})")
    if customer_id is None or str(customer_id) == "":
        raise ValueError("a follow-up needs a customer id")
    return kind, str(customer_id), "" if ticket_id is None or ticket_id != ticket_id else str(ticket_id)


def new(kind: str, customer_id, ticket_id=None, why: str = "") -> Followup:
    """A candidate nobody has worked on yet (version 0, not stored)."""
    k = key(kind, customer_id, ticket_id)
    return Followup(*k, owner="", status=TO_CALL, note="", why=why, version=0, updated_at=None, updated_by=None,
                    contacted_at=None)


def now() -> str:
    return stamp(datetime.now(UTC))


def stamp(at: datetime) -> str:
    """A moment as the store keeps it: UTC, ISO 8601 to the second, with Z."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse(text: str | None) -> datetime | None:
    """A stored moment as a naive UTC datetime (how the warehouse stores times)."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def shown_time(text: str | None, today: datetime | None = None) -> str:
    """'11:42 UTC' for today, '2026-12-02 11:42 UTC' for another day."""
    at = parse(text)
    if at is None:
        return "an unknown time"
    today = today or datetime.now(UTC).replace(tzinfo=None)
    return at.strftime("%H:%M UTC" if at.date() == today.date() else "%Y-%m-%d %H:%M UTC")


def subject(kind: str, customer_id: str, ticket_id: str) -> str:
    """How the audit trail and messages name a follow-up: the list and the ids only."""
    return f"{kind} customer {customer_id}" + (f" ticket {ticket_id}" if ticket_id else "")


def connect(target: Path) -> sqlite3.Connection:
    return state.connect(target, NAME, SCHEMA)


def _row(r: sqlite3.Row) -> Followup:
    return Followup(r["kind"], r["customer_id"], r["ticket_id"], r["owner"], r["status"], r["note"], r["why"],
                    r["version"], r["updated_at"], r["updated_by"], r["contacted_at"], r["id"])


def listing(target: Path, kind: str) -> dict[tuple[str, str, str], Followup]:
    """Every stored follow-up of list `kind`, by key (an empty dict before the first edit)."""
    if kind not in KINDS:
        raise ValueError(f"unknown follow-up list {kind!r}")
    if not state.path(target, NAME).exists():
        return {}
    con = connect(target)
    try:
        rows = con.execute("select * from followups where kind = ? order by id", (kind,)).fetchall()
    finally:
        con.close()
    return {(r["kind"], r["customer_id"], r["ticket_id"]): _row(r) for r in rows}


def get(target: Path, kind: str, customer_id, ticket_id=None) -> Followup:
    """The stored follow-up, or a new one (version 0) when nobody has worked on it yet."""
    k = key(kind, customer_id, ticket_id)
    return listing(target, kind).get(k) or new(*k)


def _clean(field: str, value) -> str:
    text = "" if value is None or value != value else str(value).strip()
    if field == "status":
        text = text.lower()
        if text not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {value!r}")
    elif field == "owner" and len(text) > MAX_OWNER:
        raise ValueError(f"an owner of at most {MAX_OWNER} characters")
    elif field == "note" and len(text) > MAX_NOTE:
        raise ValueError(f"a note of at most {MAX_NOTE:,} characters (this one has {len(text):,})")
    return text


def update(target: Path, kind: str, customer_id, ticket_id=None, *, base_version: int, actor: str,
           owner: str | None = None, status: str | None = None, note: str | None = None, why: str = "",
           at: datetime | None = None) -> Followup:
    """Change the owner, status and/or note (None: left as it is) of a follow-up, as of the
    version `base_version` the editor saw (0: a candidate nobody had worked on).

    Raises Conflict (and records the refusal in the audit trail) when the row is at another
    version; ValueError for an unknown status or a note too long. Returns the row as stored.
    `why` is kept when the row is first written. `at` (UTC) defaults to now.
    """
    k = key(kind, customer_id, ticket_id)
    wanted = {f: _clean(f, v) for f, v in (("owner", owner), ("status", status), ("note", note)) if v is not None}
    when = stamp(at) if at is not None else now()
    actor = actor or "unknown"
    name = subject(*k)
    con = connect(target)
    try:
        con.execute("begin immediate")  # the version check and the write, with no writer between them
        try:
            row = con.execute("select * from followups where kind = ? and customer_id = ? and ticket_id = ?",
                              k).fetchone()
            current = _row(row) if row else new(*k, why=why)
            if current.version != base_version:
                raise Conflict(name, current.updated_by or "someone", current.updated_at or "")
            changes = {f: (getattr(current, f), v) for f, v in wanted.items() if getattr(current, f) != v}
            if not changes:
                con.execute("rollback")
                return current
            after = {f: new_value for f, (_, new_value) in changes.items()}
            contacted = current.contacted_at
            if "status" in changes:
                old_status, new_status = changes["status"]
                if new_status == TO_CALL:
                    contacted = None
                elif old_status == TO_CALL:
                    contacted = when
            if row is None:
                cur = con.execute(
                    "insert into followups (kind, customer_id, ticket_id, owner, status, note, why, version,"
                    " created_at, created_by, updated_at, updated_by, contacted_at)"
                    " values (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
                    (*k, after.get("owner", ""), after.get("status", TO_CALL), after.get("note", ""), why or "",
                     when, actor, when, actor, contacted),
                )
                followup_id = cur.lastrowid
            else:
                followup_id = current.id
                # Column names from FIELDS only (the keys of `wanted`), never from the caller.
                sets = ", ".join(f"{f} = ?" for f in after)
                con.execute(
                    f"update followups set {sets}, version = version + 1, updated_at = ?, updated_by = ?,"
                    " contacted_at = ? where id = ? and version = ?",
                    (*after.values(), when, actor, contacted, followup_id, base_version),
                )
            con.executemany(
                "insert into followup_history (followup_id, at, actor, field, old, new) values (?, ?, ?, ?, ?, ?)",
                [(followup_id, when, actor, f, old, new_value) for f, (old, new_value) in changes.items()],
            )
            stored = _row(con.execute("select * from followups where id = ?", (followup_id,)).fetchone())
            con.execute("commit")
        except BaseException:
            if con.in_transaction:
                con.execute("rollback")
            raise
    except Conflict as exc:
        audit.record(target, actor, "follow-up", name, "refused",
                     f"based on version {base_version}; changed by {exc.by} at {exc.at}")
        raise
    finally:
        con.close()
    audit.record(target, actor, "follow-up", name, "ok", _audit_detail(changes))
    return stored


def _audit_detail(changes: dict[str, tuple[str, str]]) -> str:
    """What changed, for the audit trail; a note's text stays in the follow-up store (it may
    hold whatever the caller heard), the audit says only that it changed."""
    parts = []
    for field, (old, new_value) in changes.items():
        if field == "note":
            parts.append("note " + ("removed" if not new_value else "added" if not old else "edited"))
        else:
            parts.append(f"{field}: {old or '(none)'} -> {new_value or '(none)'}")
    return "; ".join(parts)


def assign(target: Path, kind: str, customer_id, ticket_id=None, *, owner: str, base_version: int, actor: str,
           **kw) -> Followup:
    return update(target, kind, customer_id, ticket_id, owner=owner, base_version=base_version, actor=actor, **kw)


def set_status(target: Path, kind: str, customer_id, ticket_id=None, *, status: str, base_version: int,
               actor: str, **kw) -> Followup:
    return update(target, kind, customer_id, ticket_id, status=status, base_version=base_version, actor=actor,
                  **kw)


def set_note(target: Path, kind: str, customer_id, ticket_id=None, *, note: str, base_version: int, actor: str,
             **kw) -> Followup:
    return update(target, kind, customer_id, ticket_id, note=note, base_version=base_version, actor=actor, **kw)


def history(target: Path, kind: str, customer_id=None, ticket_id=None, limit: int = 200) -> list[dict]:
    """The changes of list `kind` (of one follow-up when `customer_id` is given), newest first:
    at, actor, customer_id, ticket_id, field, old, new."""
    if not state.path(target, NAME).exists():
        return []
    query = ("select h.at, h.actor, f.customer_id, f.ticket_id, h.field, h.old, h.new"
             " from followup_history as h join followups as f on f.id = h.followup_id where f.kind = ?")
    args: list = [kind]
    if customer_id is not None:
        k = key(kind, customer_id, ticket_id)
        query += " and f.customer_id = ? and f.ticket_id = ?"
        args += [k[1], k[2]]
    con = connect(target)
    try:
        rows = con.execute(query + " order by h.id desc limit ?", (*args, limit)).fetchall()
    finally:
        con.close()
    return [dict(r) for r in rows]
