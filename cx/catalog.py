"""The metrics catalog (queries/metrics/catalog.toml): every measure's one home.

A measure is a key, an aggregate expression over one group of rows, and how people read it
(label, unit, format, direction, sample size, test, target). From the catalog come:
- the select lists of the KPI queries, one per grain (`render`): a query file marks where
  a group's measures go with `/*@ measures GROUP GRAIN @*/` and where the row is put
  together with `/*@ final GRAIN @*/`;
- the keys and their order that `python -m cx metrics` prints (`kpi_keys`, `keys`);
- the Overview's tiles, the Segments columns, the CSV headers (dashboard/);
- the tables of docs/metrics.md (`docs_table`; `python -m cx.catalog docs` rewrites them,
  and a test fails when they drift).

$CX_METRICS_CATALOG names another catalog file (an extended copy), for trying an entry.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cx.config import ROOT, ConfigError

DEFAULT_PATH = ROOT / "queries" / "metrics" / "catalog.toml"
DOCS = ROOT / "docs" / "metrics.md"

KINDS = ("count", "value", "margin", "sample")
GROUPS = ("surveys", "reviews", "tickets", "failures", "customers", "derived")
GRAINS = ("total", "segment", "compared")
# The groups each grain's queries aggregate (customers: the active customers' key sets,
# built for the window's totals only).
GRAIN_GROUPS = {
    "total": ("surveys", "reviews", "tickets", "failures", "customers", "derived"),
    "segment": ("surveys", "reviews", "tickets", "failures", "derived"),
    "compared": ("surveys", "tickets"),
}
TESTS = ("nps", "proportion", "mean")
DIRECTIONS = ("higher", "lower", "none")
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_MARKER = re.compile(r"/\*@\s*(measures|final)\s+([a-z]+)(?:\s+([a-z]+))?\s*@\*/")
# Words for a unit in a CSV header: "CSAT (%)", "First response (median, h)".
_UNIT_WORDS = {"%": "%", " h": "h", " / 7": "1-7", " ★": "stars"}


class CatalogError(ConfigError):
    """The catalog file is not what the product can read (the message names the entry); the
    command line reports it as it reports a bad config/cx.toml, without a traceback."""


@dataclass(frozen=True)
class Measure:
    key: str
    kind: str
    group: str
    expr: str
    label: str
    description: str = ""
    definition: str = ""
    unit: str = ""
    change_unit: str | None = None
    decimals: int = 0
    direction: str = "none"
    n: str | None = None
    noun: str = ""
    test: str | None = None
    yes: str | None = None
    no: str | None = None
    margin: str | None = None
    target: bool = False
    tile: int = 0  # its place among the Overview's tiles (1 first); 0: no tile
    segments: bool = False
    section: str = ""
    grains: tuple[str, ...] = ("total",)

    @property
    def higher_is_better(self) -> bool | None:
        return {"higher": True, "lower": False}.get(self.direction)

    @property
    def delta_unit(self) -> str:
        """What a change is written in: a percentage moves in points, a CES on its own scale."""
        if self.change_unit is not None:
            return self.change_unit
        return {"%": " pts", " / 7": ""}.get(self.unit, self.unit)

    @property
    def header(self) -> str:
        """The column's name in a CSV download."""
        words = _UNIT_WORDS.get(self.unit, self.unit.strip())
        if not words:
            return self.label
        if self.label.endswith(")"):
            return f"{self.label[:-1]}, {words})"
        return f"{self.label} ({words})"

    @property
    def is_count(self) -> bool:
        return self.kind in ("count", "sample")


@dataclass(frozen=True)
class Catalog:
    path: Path
    measures: tuple[Measure, ...]
    by_key: dict[str, Measure] = field(repr=False)

    def kpi_keys(self) -> tuple[str, ...]:
        """The metrics (not the samples behind them), in the catalog's order."""
        return tuple(m.key for m in self.measures if m.kind != "sample")

    def keys(self) -> tuple[str, ...]:
        """Every column of the KPI row: the metrics, then their samples."""
        return self.kpi_keys() + tuple(m.key for m in self.measures if m.kind == "sample")

    def tiles(self) -> tuple[Measure, ...]:
        """The Overview's tiles in their places (the headline first), not the catalog's order."""
        return tuple(sorted((m for m in self.measures if m.tile), key=lambda m: m.tile))

    def segment_measures(self) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.segments)

    def at_grain(self, grain: str) -> tuple[Measure, ...]:
        """The measures a grain's query computes: those asked for there, the samples and
        margins they name, in the catalog's order."""
        wanted = {m.key for m in self.measures if grain in m.grains}
        for m in list(self.measures):
            if m.key in wanted:
                wanted |= {k for k in (m.n, m.yes, m.no, m.margin) if k}
        return tuple(m for m in self.measures if m.key in wanted)

    def tested(self, grain: str, group: str | None = None) -> tuple[Measure, ...]:
        return tuple(m for m in self.at_grain(grain) if m.test and (group is None or m.group == group))


def path() -> Path:
    return Path(os.environ.get("CX_METRICS_CATALOG") or DEFAULT_PATH)


def version() -> tuple[str, int]:
    """What identifies the catalog in force: its file and when it last changed."""
    p = path()
    try:
        return str(p), p.stat().st_mtime_ns
    except OSError:
        return str(p), 0


def load() -> Catalog:
    """The catalog in force: $CX_METRICS_CATALOG, else the bundled one."""
    return _load(*version())


def bundled() -> Catalog:
    """The catalog that ships with the product, whatever $CX_METRICS_CATALOG says."""
    return _load(str(DEFAULT_PATH), DEFAULT_PATH.stat().st_mtime_ns)


@cache
def _load(file: str, _mtime: int) -> Catalog:
    p = Path(file)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"{p}: cannot read the metrics catalog ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{p}: not valid TOML: {exc}") from None
    entries = raw.get("measure")
    if not isinstance(entries, list) or not entries:
        raise CatalogError(f"{p}: no [[measure]] entries")
    measures = tuple(_measure(p, i, e) for i, e in enumerate(entries, 1))
    by_key: dict[str, Measure] = {}
    for m in measures:
        if m.key in by_key:
            raise CatalogError(f"{p}: measure {m.key!r} is defined twice")
        by_key[m.key] = m
    catalog = Catalog(p, measures, by_key)
    _check_references(catalog)
    return catalog


_FIELDS = {f for f in Measure.__dataclass_fields__}


def _measure(p: Path, number: int, entry) -> Measure:
    where = f"{p}: measure {number}"
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: not a table")
    key = entry.get("key")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise CatalogError(f"{where}: key must be snake_case text, not {key!r}")
    where = f"{p}: measure {key!r}"
    unknown = set(entry) - _FIELDS
    if unknown:
        raise CatalogError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for name in ("kind", "group", "expr", "label"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise CatalogError(f"{where}: {name} is required")
    checks = (("kind", KINDS), ("group", GROUPS), ("direction", DIRECTIONS), ("test", TESTS))
    for name, allowed in checks:
        if name in entry and entry[name] not in allowed:
            raise CatalogError(f"{where}: {name} must be one of {', '.join(allowed)}, not {entry[name]!r}")
    grains = tuple(entry.get("grains", ("total",)))
    if "total" not in grains or any(g not in GRAINS for g in grains):
        raise CatalogError(f"{where}: grains must include total and be among {', '.join(GRAINS)}")
    for g in grains:
        if entry["group"] not in GRAIN_GROUPS[g]:
            raise CatalogError(f"{where}: group {entry['group']} is not computed at the {g} grain")
    if entry.get("segments") and "segment" not in grains:
        raise CatalogError(f"{where}: a Segments column needs the segment grain (grains = [\"total\", \"segment\"])")
    tile = entry.get("tile", 0)
    if isinstance(tile, bool) or not isinstance(tile, int) or tile < 0:
        raise CatalogError(f"{where}: tile is its place among the Overview's tiles (1, 2, ...), not {tile!r}")
    if ";" in entry["expr"] or "--" in entry["expr"]:
        raise CatalogError(f"{where}: expr is one expression (no ';' or comments)")
    return Measure(**{**entry, "grains": grains})


def _check_references(c: Catalog) -> None:
    for m in c.measures:
        where = f"{c.path}: measure {m.key!r}"
        for name in ("n", "yes", "no", "margin"):
            ref = getattr(m, name)
            if ref is None:
                continue
            target = c.by_key.get(ref)
            if target is None:
                raise CatalogError(f"{where}: {name} = {ref!r} names no measure")
            if name != "margin" and not target.is_count:
                raise CatalogError(f"{where}: {name} = {ref!r} is not a count")
            if target.group not in (m.group, "derived") and m.group != "derived":
                raise CatalogError(f"{where}: {name} = {ref!r} counts other rows ({target.group})")
        if m.test == "proportion" and not m.yes:
            raise CatalogError(f"{where}: a proportion test needs yes (the count of yes answers)")
        if m.test == "nps" and not (m.yes and m.no and m.margin):
            raise CatalogError(f"{where}: an NPS test needs yes, no and margin")
        if m.test == "mean" and not m.margin:
            raise CatalogError(f"{where}: a mean test needs margin (the mean's 95% margin of error)")
        if m.test and not m.n:
            raise CatalogError(f"{where}: a test needs n (the sample size)")
        if m.tile and m.kind != "value":
            raise CatalogError(f"{where}: a tile shows a value")


# ---------------------------------------------------------------- SQL


def render(sql: str, catalog: Catalog | None = None) -> str:
    """A query template with its markers replaced by the catalog's select lists."""
    if "/*@" not in sql:
        return sql
    catalog = catalog or load()

    def fill(match: re.Match) -> str:
        what, first, second = match.groups()
        if what == "measures":
            group, grain = first, second or "total"
            if group not in GROUPS or grain not in GRAINS:
                raise CatalogError(f"unknown marker {match.group(0)}")
            return _select_list(catalog, group, grain)
        return _final_list(catalog, first)

    return _MARKER.sub(fill, sql)


def _select_list(c: Catalog, group: str, grain: str) -> str:
    items = [f"{m.expr} as {m.key}" for m in c.at_grain(grain) if m.group == group]
    # A group with nothing to compute at this grain still gives its row (and its join keys).
    return ",\n        ".join(items or [f"null as _no_{group}"])


def _final_list(c: Catalog, grain: str) -> str:
    if grain not in GRAINS:
        raise CatalogError(f"unknown grain {grain!r}")
    items = []
    for m in c.at_grain(grain):
        if m.group == "derived":
            items.append(f"{m.expr} as {m.key}")
        elif m.is_count and grain != "total":
            items.append(f"coalesce({m.key}, 0) as {m.key}")  # a segment with no rows of this group
        else:
            items.append(m.key)
    return ",\n        ".join(items)


# ---------------------------------------------------------------- docs

_DOC_BLOCK = re.compile(r"(<!-- measures: ([a-z]+) -->\n)(.*?)(<!-- /measures -->)", re.S)


def docs_table(section: str, catalog: Catalog | None = None) -> str:
    catalog = catalog or load()
    rows = [m for m in catalog.measures if m.section == section]
    if section == "samples":
        lines = ["| key | counts | behind |", "|---|---|---|"]
        for m in rows:
            behind = [f"`{x.key}`" for x in catalog.measures if m.key in (x.n, x.yes, x.no)]
            lines.append(f"| `{m.key}` | {m.noun} | {', '.join(behind) or '—'} |")
        return "\n".join(lines) + "\n"
    lines = ["| key | label | definition |", "|---|---|---|"]
    lines += [f"| `{m.key}` | {m.label} | {m.definition or m.description} |" for m in rows]
    return "\n".join(lines) + "\n"


def render_docs(text: str, catalog: Catalog | None = None) -> str:
    """docs/metrics.md with every `<!-- measures: SECTION -->` block rewritten."""
    return _DOC_BLOCK.sub(lambda m: m.group(1) + docs_table(m.group(2), catalog) + m.group(4), text)


def main(argv: list[str]) -> int:
    if argv != ["docs"]:
        print("usage: python -m cx.catalog docs   (rewrite the tables of docs/metrics.md)", file=sys.stderr)
        return 2
    text = DOCS.read_text(encoding="utf-8")
    new = render_docs(text)
    if new != text:
        DOCS.write_text(new, encoding="utf-8")
        print(f"rewrote the measure tables of {DOCS.relative_to(ROOT)}")
    else:
        print(f"{DOCS.relative_to(ROOT)} already matches the catalog")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
