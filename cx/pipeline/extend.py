"""Extending the previous warehouse's ticket facts instead of rebuilding them.

Ticket facts are the widest and longest table (one row per ticket, every export's column);
rebuilding them costs a refresh most of its time after the reading. When a refresh only adds
files after the ones the previous warehouse was built from (next month's export) and nothing
else that ticket facts read has changed (the customers' files, the settings, the build's
code), every ticket's row is the previous one except the tickets the added files touch
(queries/refresh/affected_tickets.sql). The refresh then starts from a copy of the previous
warehouse, deletes those tickets' rows and builds them again with the same query as a full
build (queries/marts/ticket_facts.sql), on their checked rows only. Everything else is built
as usual. Customer keys are kept from the copy for the IDs still seen (customer_keys.sql).
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cx import sql, warehouse
from cx.pipeline import kept_rows
from cx.pipeline.readers import InputFile

# The code of the build after the row rules: a change to any of it builds from nothing.
_BUILD_CODE = ("queries/staging", "queries/marts", "queries/macros", "queries/build.toml", "queries/refresh",
               "cx/pipeline/refresh.py", "cx/pipeline/build.py", "cx/pipeline/extend.py")
_ROOT = Path(__file__).resolve().parents[2]
# What the copy keeps of the previous warehouse (the rest is dropped and built again); the
# two read while building are renamed so that the new ones can take their names.
_KEPT = {"ticket_facts": "ticket_facts", "customer_keys": "customer_keys_before",
         "survey_facts": "survey_facts_before"}


def build_version(rules_version: str, settings) -> str:
    """The digest of the row rules' version, every setting and the build's code."""
    h = hashlib.blake2b(digest_size=16)
    h.update(rules_version.encode())
    h.update(repr(sorted(settings.as_row().items())).encode())
    for name in _BUILD_CODE:
        path = _ROOT / name
        for p in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if p.is_file():
                h.update(str(p.relative_to(_ROOT)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()


@dataclass
class Plan:
    previous: Path  # the previous warehouse file
    first_ticket_file: int  # the number of the first added tickets file (after the last if none)
    first_survey_file: int
    added: int  # files added after the previous warehouse's


def plan(target: Path, version: str, files: dict[str, list[InputFile]], key, reused) -> Plan | None:
    """A plan to extend when the previous warehouse was built by this version from a prefix of
    these files (the same customers' files, the tickets' and surveys' followed by added ones)
    whose checked rows are reused as they were; None to build from nothing. `key(f)` is the
    file's kept-rows key, `reused(f)` whether its kept rows will be reused."""
    previous = warehouse.current_file(target)
    if not previous.exists():
        return None
    try:
        with duckdb.connect(str(previous), read_only=True) as old:
            rows = old.execute(
                "select source, file_no, key, version from built_from order by source, file_no"
            ).fetchall()
    except duckdb.Error:
        return None  # built before warehouses recorded their inputs, or not ours
    if not rows or any(r[3] != version or not r[2] for r in rows):
        return None
    before: dict[str, list[tuple[int, str]]] = {}
    for source, number, k, _ in rows:
        before.setdefault(source, []).append((number, k))
    now = {s: [(f.number, key(f) if reused(f) else "") for f in found] for s, found in files.items()}
    if now.get("customers", []) != before.get("customers", []):
        return None
    first = {}
    for source in ("tickets", "surveys"):
        old, new = before.get(source, []), now.get(source, [])
        if new[:len(old)] != old:  # an added file has no entry yet: only the earlier files must match
            return None  # a file changed, removed or added before the end: rebuild
        first[source] = len(old) + 1
    added = sum(len(now.get(s, [])) - len(before.get(s, [])) for s in ("tickets", "surveys"))
    return Plan(previous, first["tickets"], first["surveys"], added)


def start_from(plan: Plan, built: Path) -> None:
    """The new warehouse as a copy of the previous one."""
    shutil.copyfile(plan.previous, built)


def prepare(con) -> None:
    """Drop what the refresh builds again from the copy; keep the tables that are extended
    or read while building (renamed per _KEPT)."""
    for name, kind in con.execute(
        "select table_name, table_type from information_schema.tables where table_catalog = current_database()"
    ).fetchall():
        if name in _KEPT:
            if _KEPT[name] != name:
                con.execute(f'alter table "{name}" rename to "{_KEPT[name]}"')
        else:
            con.execute(f'drop {"view" if kind == "VIEW" else "table"} if exists "{name}"')


def extend_tickets(con, query: str, params: dict, plan: Plan) -> int | None:
    """Rebuild the rows of the affected tickets in the copied `ticket_facts` with the ticket
    facts' own query (`query`) on their checked rows only; returns how many were rebuilt, or
    None when the table cannot be extended (its columns differ: an added file brought a new
    export column), in which case the caller builds it from nothing."""
    con.execute(
        "create temp table affected_tickets as " + sql.sql_text("refresh/affected_tickets"),
        sql.bind("refresh/affected_tickets", {"first_ticket_file": plan.first_ticket_file,
                                              "first_survey_file": plan.first_survey_file}),
    )
    kept_rows.create_checked_view(con, "tickets", "ticket_id in (select ticket_id from affected_tickets)")
    try:
        built = con.execute(f"describe select * from ({query})", params).fetchall()
        have = con.execute("describe select * from ticket_facts").fetchall()
        if [(c[0], c[1]) for c in built] != [(c[0], c[1]) for c in have]:
            return None
        con.execute("delete from ticket_facts where ticket_id in (select ticket_id from affected_tickets)")
        con.execute(f"insert into ticket_facts {query}", params)
        return con.execute("select count(*) from affected_tickets").fetchone()[0]
    finally:
        kept_rows.create_checked_view(con, "tickets")
        con.execute("drop table affected_tickets")
