"""Vendor exports, recognised from the file itself and mapped onto the contract's columns.

`read` loads one input file and, when its header (or its JSON records' keys) carries a
known format's signature, or a mapping file names it, turns it into the contract's
columns: a new temp table the row rules read like any canonical export. Rows the vendor
marks as not an answer are counted as skipped. Each vendor's module declares its formats
as data (`spec.Format`); adding a vendor is one module and its tests.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa

from cx.errors import BlockingError
from cx.pipeline.importers import (
    app_store,
    delighted,
    documents,
    freshdesk,
    google,
    qualtrics,
    surveymonkey,
    trustpilot,
    zendesk,
)
from cx.pipeline.importers.spec import Compiler, Fixed, Format, Skip
from cx.pipeline.readers import InputFile, discover, load, normalize_column
from cx.schema import SOURCES

VENDORS = (zendesk, qualtrics, surveymonkey, google, app_store, trustpilot, freshdesk, delighted)
FORMATS: tuple[Format, ...] = tuple(
    sorted((f for v in VENDORS for f in v.FORMATS), key=lambda f: (-f.priority, -len(f.signature)))
)


def formats_for(source: str, json_records: bool = False) -> list[Format]:
    return [f for f in FORMATS if f.source == source and bool(f.records) == json_records]


def recognise(source: str, columns: list[str], json_records: bool = False) -> Format | None:
    """The format whose signature the header (or a plain JSON list's keys) carries."""
    candidates = formats_for(source)
    if json_records:
        candidates += [f for f in formats_for(source, json_records=True) if "" in f.records]
    return next((f for f in candidates if f.matches(columns)), None)


def closest(source: str, columns: list[str]) -> str:
    """For a file that fits nothing: the known format it comes nearest, and what it lacks."""
    best, best_share = None, 0.0
    for fmt in (f for f in FORMATS if f.source == source):
        have = len(fmt.signature) - len(fmt.missing(columns))
        share = have / len(fmt.signature)
        if have and share > best_share:
            best, best_share = fmt, share
    if best is None or best_share < 0.5 or best_share == 1.0:
        return ""
    return f"; the closest known format is {best.name}, which also has {', '.join(best.missing(columns))}"


class Companions:
    """Record sets that complete another file's rows (Zendesk ticket_metrics beside the
    tickets), gathered from every JSON file of the source's folder."""

    def __init__(self, files: list[InputFile]):
        self.sets: dict[str, list[tuple[int, dict]]] = {}
        self.only: set[str] = set()  # files that hold nothing but companion records
        names = {n for f in FORMATS for n in f.companions}
        for f in files:
            if f.fmt != "json":
                continue
            try:
                doc = documents.read(f.path)
            except (ValueError, OSError, UnicodeError):
                continue  # the file's own read says what is wrong
            f.document = doc
            if doc is None:
                continue
            for name, records in doc.sets.items():
                if name in names:
                    self.sets.setdefault(name, []).extend(records)
            if doc.sets and set(doc.sets) <= names:
                self.only.add(f.name)


def derived_files(data_dir: Path, source: str, found: list[InputFile]) -> list[InputFile]:
    """Files of another source that also hold this one's rows: the satisfaction scores of
    Zendesk's ticket CSV export are post-ticket survey responses."""
    if source != "surveys":
        return []
    out = []
    for t in discover(data_dir, "tickets"):
        if t.fmt != "csv":
            continue
        try:
            with t.path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
                header = next(csv.reader([fh.readline()]), [])
        except OSError:
            continue  # the tickets read says what is wrong with it
        if zendesk.CSAT_FROM_TICKETS.matches(header):
            out.append(InputFile(
                "surveys", t.path, f"{t.name} (Satisfaction Score)", len(found) + len(out) + 1, fmt="csv",
                bytes=t.bytes, forced=zendesk.CSAT_FROM_TICKETS,
            ))
    return out


def reads_other_files(f: InputFile, companions: Companions) -> bool:
    """Whether the file's rows depend on other files of the folder: JSON records completed from
    companion record sets, or a format whose rows another file's format replaces. Such a
    file is checked on every refresh, never reused from an earlier one (cx.pipeline.kept_rows)."""
    if f.fmt == "json" and companions.sets:
        return True
    fmt = next((x for x in FORMATS if x.key == f.format_key), None) if f.format_key else None
    return bool(fmt is not None and fmt.superseded_by)


def read(con: duckdb.DuckDBPyConnection, f: InputFile, table: str, workdir: Path,
         companions: Companions, mappings=(), earlier: list[InputFile] = ()) -> tuple[str, list[str]]:
    """Load the file and map it if its format is known; returns the table to read and its
    columns (the contract's names for a recognised format, the export's own otherwise)."""
    doc = getattr(f, "document", None)
    if f.fmt == "json" and doc is not None:
        fmt = _load_document(con, f, doc, table, companions)
        columns = _columns(con, table)
    else:
        columns = load(con, f, table, workdir)
        fmt = f.forced or recognise(f.source, columns, json_records=f.fmt in ("json", "parquet"))
        if fmt is None and f.fmt in ("csv", "xlsx") and f.rows and not _has_required(f.source, columns):
            table, fmt = _names_on_second_row(con, f, table, columns)
            if fmt is not None:
                columns = _columns(con, table)
    mapping = next((m for m in mappings if m.applies(f)), None)
    if mapping is not None:
        fmt = mapping.format_over(fmt, columns)
    if fmt is None:
        if f.record_set:
            f.format_name = f"JSON, rows under `{f.record_set}`"
        return table, columns
    if fmt.superseded_by and any(e.format_key == fmt.superseded_by for e in earlier):
        fmt = replace(fmt, skip=(Skip(Fixed("-"), ("-",), "read from the ratings file instead"),))
    if fmt.refuse:
        raise BlockingError(f"{f.name}: a {fmt.name}: {fmt.refuse}")
    f.format_name, f.format_key = fmt.name, fmt.key
    return apply(con, f, fmt, table, columns)


def _has_required(source: str, columns: list[str]) -> bool:
    """A header that already names the contract's required columns is canonical."""
    names = {normalize_column(c) for c in columns}
    return all(r in names for r in SOURCES[source].required)


def _names_on_second_row(con, f: InputFile, table: str, columns: list[str]):
    """Exports whose first row numbers the columns (Qualtrics' legacy `V1, V2, ...`) and
    whose second row names them."""
    first = con.execute(f"select * exclude (_line), _line from {table} order by _line limit 1").fetchone()
    names, seen = [], set()
    for value, col in zip(first[:-1], columns, strict=False):
        name = str(value).strip() if value not in (None, "") else col
        while normalize_column(name) in seen:
            name += "_"
        seen.add(normalize_column(name))
        names.append(name)
    fmt = next((x for x in formats_for(f.source) if x.header_rows and x.matches(names)), None)
    if fmt is None:
        return table, None
    renames = ", ".join(
        '"' + c.replace('"', '""') + '" as "' + n.replace('"', '""') + '"' for c, n in zip(columns, names, strict=False)
    )
    view = f"{table}_named"
    con.execute(f"create temp view {view} as select {renames}, _line from {table} where _line > {int(first[-1])}")
    f.rows -= 1
    return view, replace(fmt, header_rows=0, name=fmt.name.replace("(older layout)", "(legacy layout)"))


def _columns(con, table: str) -> list[str]:
    return [d[0] for d in con.execute(f"select * from {table} limit 0").description if d[0] != "_line"]


def _load_document(con, f: InputFile, doc: documents.Document, table: str, companions: Companions):
    """An API response or envelope file: the record set that holds the source's rows."""
    chosen, fmt = None, None
    for candidate in formats_for(f.source, json_records=True):
        for name in candidate.records:
            if name in doc.sets and candidate.matches(documents.keys(doc.sets[name])):
                chosen, fmt = name, candidate
                break
        if fmt:
            break
    if chosen is None:
        if f.name in companions.only:
            chosen = None
        elif len(doc.sets) == 1:
            chosen = next(iter(doc.sets))
        else:
            listed = ", ".join(f"`{k}` ({len(v)})" for k, v in doc.sets.items())
            raise BlockingError(
                f"{f.name}: the file holds several sets of records ({listed}) and none is a known "
                f"{f.source} format; put the {f.source} records in a file of their own"
            )
    rows = doc.sets.get(chosen, []) if chosen is not None else []
    f.record_set = chosen or ""
    if doc.envelope:
        other = sum(len(v) for k, v in doc.sets.items() if k != chosen)
        if other:
            f.skip_reasons["records of other streams"] = other
    if fmt is not None and fmt.companions:
        rows = _join_companions(fmt, rows, doc, companions)
    if f.name in companions.only and chosen is None:
        f.skip_reasons["records joined to the rows of other files"] = sum(len(v) for v in doc.sets.values())
        f.format_name = "companion records"
    names = documents.keys(rows)
    if not names:
        # No rows of this source (a file of companion records): the contract's columns, empty,
        # so that the file reads like any other.
        names = list(SOURCES[f.source].columns)
    reserved = {n for n in names if normalize_column(n) == "_line"}
    data = {
        (n if n not in reserved else "x" + n): pa.array([r.get(n) for _, r in rows], pa.string()) for n in names
    }
    data["_line"] = pa.array([line for line, _ in rows], pa.int64())
    con.register(f"{table}_arrow", pa.table(data))
    con.execute(f"create temp table {table} as select * from {table}_arrow")
    con.unregister(f"{table}_arrow")
    f.rows = len(rows)
    return fmt


def _join_companions(fmt: Format, rows, doc, companions: Companions):
    out = [(line, dict(r)) for line, r in rows]
    for name, (key, row_key) in fmt.companions.items():
        records = list(doc.sets.get(name, []))
        if not doc.sets.get(name):
            records = companions.sets.get(name, [])
        wanted = fmt.companion_types.get(name)
        index = {}
        for _, rec in records:
            if wanted and rec.get("type") != wanted:
                continue
            index[rec.get(key)] = rec  # files in name order: a later export's record wins, as rows do
        for _, r in out:
            match = index.get(r.get(row_key))
            if match:
                r.update({f"{name}.{k}": v for k, v in match.items()})
    return out


def apply(con, f: InputFile, fmt: Format, table: str, columns: list[str]) -> tuple[str, list[str]]:
    """The contract's columns from the format's mapping; header rows and skipped rows out."""
    c = Compiler(columns, fmt.nulls)
    where = "true"
    if fmt.header_rows:
        head = con.execute(
            f"select * exclude (_line), _line from {table} order by _line limit {int(fmt.header_rows)}"
        ).fetchall()
        if head:
            where = f"_line > {int(head[-1][-1])}"
        if fmt.zone_hook is not None:
            c.zone = fmt.zone_hook([dict(zip(columns, r[:-1], strict=False)) for r in head])
    selects = [f'{expr.sql(c)} as "{name}"' for name, expr in fmt.columns.items()]
    mapped = {normalize_column(n) for n in fmt.columns}
    dropped = {normalize_column(n) for n in fmt.drop}
    for col in columns if fmt.keep_extras else ():
        if col in c.used or normalize_column(col) in mapped | dropped:
            continue
        selects.append('"' + col.replace('"', '""') + '"')  # unknown extra columns are kept
    skips = [(s.sql(c), s.reason) for s in fmt.skip]
    skipped = "case " + " ".join(f"when {cond} then {c.param(reason)}" for cond, reason in skips) + " end" \
        if skips else "null::varchar"
    out = f"{table}_mapped"
    con.execute(
        f"create temp table {out} as select {', '.join(selects)}, _line, {skipped} as _skipped "
        f"from {table} where {where}",
        c.params,
    )
    for reason, n in con.execute(
        f"select _skipped, count(*) from {out} where _skipped is not null group by 1 order by 1"
    ).fetchall():
        f.skip_reasons[reason] = f.skip_reasons.get(reason, 0) + n
    view = f"{table}_rows"
    con.execute(f"create temp view {view} as select * exclude (_skipped) from {out} where _skipped is null")
    f.rows = con.execute(f"select count(*) from {view}").fetchone()[0]
    if f.source == "surveys" and f.rows and not any(
        fmt.columns.get(s) is not None and c.resolves(fmt.columns[s]) for s in ("nps", "csat", "ces")
    ):
        hint = " (an NPS question has a Q<n>_NPS_GROUP column beside it)" if "Qualtrics" in fmt.name else ""
        raise BlockingError(
            f"{f.name}: read as {fmt.name}, no column holds a score (nps, csat or ces){hint}. "
            "Name the columns that hold csat, ces or nps in "
            f"mappings.toml in the data folder, e.g. [[mapping]] files = \"{f.name}\", source = \"surveys\", "
            "and under [mapping.columns] csat = \"Q1\" (docs/inputs.md)"
        )
    return view, _columns(con, view)
