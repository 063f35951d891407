"""queries/build.toml: every file exists, staging reads only its own source's checked rows,
everything comes after what it reads, and every name is defined once."""

import re

from cx import sql
from cx.pipeline import build
from cx.schema import SOURCE_ORDER

ENTRIES = build.entries()
NAMES = [e.name for e in ENTRIES]
CHECKED = {f"checked_{s}" for s in SOURCE_ORDER}


def _text(file: str) -> str:
    return re.sub(r"'[^']*'", "''", re.sub(r"--[^\n]*", "", sql.sql_text(file))).lower()


def _macros(file: str) -> set[str]:
    return set(re.findall(r"create\s+(?:or\s+replace\s+)?macro\s+(\w+)", _text(file)))


# Every name the list creates: its tables and views, and the macros each script defines.
DEFINED = {e.name: e for e in ENTRIES if e.kind != "macros"} | {
    m: e for e in ENTRIES if e.kind == "macros" for m in _macros(e.file)
}


def _reads(entry) -> set[str]:
    """Relations an entry's SQL names: what follows from/join, and any word that is a name
    the build list defines or a source's checked rows (comma joins, table macros)."""
    text = _text(entry.file)
    ctes = set(re.findall(r"(\w+)\s+as\s+(?:not\s+materialized\s+)?\(", text))
    words = set(re.findall(r"\b\w+\b", text))
    named = set(re.findall(r"\b(?:from|join)\s+([a-z_][\w.]*)", text))
    own = {entry.name} | (_macros(entry.file) if entry.kind == "macros" else set())
    return ((named | (words & (set(DEFINED) | CHECKED))) - ctes - own) - {"final"}


def test_every_file_exists():
    for e in ENTRIES:
        assert (sql.QUERIES / f"{e.file}.sql").is_file(), e.file


def test_every_name_is_created_once():
    assert len(NAMES) == len(set(NAMES))
    macros = [m for e in ENTRIES if e.kind == "macros" for m in _macros(e.file)]
    assert len(macros) == len(set(macros))
    # No query file creates a listed table or view itself (the refresh creates it, once).
    creates = re.compile(r"create\s+(?:or\s+replace\s+)?(?:temp\s+|temporary\s+)?(?:table|view)\s+(\w+)")
    for path in sql.QUERIES.rglob("*.sql"):
        made = set(creates.findall(re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8")).lower()))
        assert not made & set(NAMES), (path, made & set(NAMES))


def test_staging_reads_only_its_own_source():
    for e in ENTRIES:
        if e.layer != "staging":
            continue
        source = e.name.removeprefix("stg_")
        assert source in SOURCE_ORDER, e.name
        assert _reads(e) == {f"checked_{source}"}, (e.name, _reads(e))


def test_everything_comes_after_what_it_reads():
    for i, e in enumerate(ENTRIES):
        for name in _reads(e) - CHECKED:
            if name in DEFINED:
                assert NAMES.index(DEFINED[name].name) < i, (e.name, name)
            else:  # tables the refresh makes before the build list: settings, the log
                assert name in {"settings", "customer_keys_before"}, (e.name, name)


def test_marts_join_sources_staging_does_not():
    # A staging view becomes a mart's input only: a mart reads staging or other marts.
    for e in ENTRIES:
        if e.layer == "marts":
            assert _reads(e), e.name
