"""The warehouse's build list (queries/build.toml): every object a refresh creates, its kind,
its SQL file, its layer and the refresh stage that builds it, in build order."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from cx import sql

BUILD_LIST = sql.QUERIES / "build.toml"
KINDS = ("table", "view", "temp view", "macros")
LAYERS = ("staging", "marts", "macros")
STAGES = ("stage", "model")


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str
    file: str
    layer: str
    stage: str


@cache
def entries() -> tuple[Entry, ...]:
    with BUILD_LIST.open("rb") as fh:
        listed = tomllib.load(fh)["build"]
    found = tuple(Entry(**e) for e in listed)
    for e in found:
        if e.kind not in KINDS or e.layer not in LAYERS or e.stage not in STAGES:
            raise ValueError(f"{BUILD_LIST}: {e.name}: kind, layer or stage not one of {KINDS}, {LAYERS}, {STAGES}")
    return found


def stage(name: str) -> tuple[Entry, ...]:
    return tuple(e for e in entries() if e.stage == name)


def create(con, entry: Entry, params: dict) -> None:
    """Create one entry; `params` may hold more than its query uses (sql.bind picks)."""
    if entry.kind == "macros":
        sql.execute_script(con, entry.file)
        return
    con.execute(f"create {entry.kind} {entry.name} as " + sql.sql_text(entry.file), sql.bind(entry.file, params))
