"""Mapping files: how an export no format recognises becomes the contract's columns.

`DATA/mappings.toml` (written by hand or by the Data page) holds one `[[mapping]]` per kind
of file; docs/inputs.md has a worked example:

    [[mapping]]
    files = "surveys/widget-*.csv"     # a pattern over the file's name in the data folder
    source = "surveys"
    header_rows = 0                     # rows under the header that are not data
    time_zone = "Asia/Tehran"           # naive timestamps of this file are in this zone
    [mapping.columns]                   # contract column = the export's column
    response_id = "Submission"
    submitted_at = "When"
    csat = "Rating"
    [mapping.fixed]                     # contract column = a value for every row
    channel = "web"
    [mapping.values.csat]               # the export's value = the contract's
    good = 5
    bad = 1

A mapping may also complete a recognised format: the Qualtrics question that holds csat
differs per survey, so `columns.csat = "Q7"` beside a Qualtrics export adds it.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cx.errors import BlockingError
from cx.pipeline.importers.spec import Col, Fixed, Format, InZone, Map
from cx.pipeline.readers import InputFile, normalize_column
from cx.schema import SOURCES

FILE_NAME = "mappings.toml"
TIMESTAMPS = {"submitted_at", "posted_at", "created_at", "first_response_at", "resolved_at",
              "promised_at", "replied_at", "signup_at"}


@dataclass
class Mapping:
    files: str
    source: str
    columns: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    time_zone: str | None = None
    header_rows: int | None = None
    origin: str = FILE_NAME

    def applies(self, f: InputFile) -> bool:
        name = f.name.replace("\\", "/")
        return f.source == self.source and fnmatch.fnmatchcase(name.lower(), self.files.lower())

    def format_over(self, base: Format | None, columns: list[str]) -> Format:
        have = {normalize_column(c) for c in columns}
        exprs = dict(base.columns) if base else {}
        for contract, export_col in self.columns.items():
            if normalize_column(export_col) not in have:
                raise BlockingError(
                    f"{self.origin}: the mapping for '{self.files}' reads column '{export_col}' as "
                    f"{contract}, but the file has no such column (found: {', '.join(columns)})"
                )
            exprs[contract] = Col(export_col)
        for contract, value in self.fixed.items():
            exprs[contract] = Fixed(str(value))
        for contract, table in self.values.items():
            inner = exprs.get(contract, Col(contract))
            exprs[contract] = Map(inner, tuple((str(k), str(v)) for k, v in table.items()))
        if self.time_zone:
            for contract in list(exprs):
                if contract in TIMESTAMPS:
                    exprs[contract] = InZone(exprs[contract], self.time_zone)
        name = f"{base.name} with the mapping for {self.files}" if base else f"mapped by {self.origin} ({self.files})"
        if base is None:
            # Columns the mapping does not name are read by their own names, as canonical files are.
            for contract in SOURCES[self.source].columns:
                if contract not in exprs and normalize_column(contract) in have:
                    exprs[contract] = Col(contract)
            base = Format(key="mapping", name=name, source=self.source, signature=(), columns={})
        return replace(
            base, name=name, columns=exprs,
            header_rows=self.header_rows if self.header_rows is not None else base.header_rows,
        )

    def as_toml(self) -> str:
        """This mapping as a `[[mapping]]` table (the Data page appends it to the file)."""
        lines = ["[[mapping]]", f"files = {_q(self.files)}", f"source = {_q(self.source)}"]
        if self.header_rows:
            lines.append(f"header_rows = {int(self.header_rows)}")
        if self.time_zone:
            lines.append(f"time_zone = {_q(self.time_zone)}")
        for title, table in (("columns", self.columns), ("fixed", self.fixed)):
            if table:
                lines.append(f"[mapping.{title}]")
                lines += [f"{k} = {_q(v)}" for k, v in table.items()]
        for contract, table in self.values.items():
            lines.append(f"[mapping.values.{contract}]")
            lines += [f"{_q(k)} = {_q(v)}" for k, v in table.items()]
        return "\n".join(lines) + "\n"


def _q(value) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def parse(text: str, origin: str = FILE_NAME) -> list[Mapping]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BlockingError(f"{origin}: not a readable TOML file ({exc})") from exc
    out = []
    for i, entry in enumerate(raw.get("mapping", []), start=1):
        where = f"{origin}: mapping {i}"
        if not isinstance(entry, dict) or not entry.get("files") or entry.get("source") not in SOURCES:
            raise BlockingError(f"{where} needs `files` (a pattern) and `source` (one of {', '.join(SOURCES)})")
        source = entry["source"]
        known = set(SOURCES[source].columns)
        for part in ("columns", "fixed", "values"):
            table = entry.get(part, {})
            if not isinstance(table, dict):
                raise BlockingError(f"{where}: `{part}` must be a table")
            unknown = sorted(set(table) - known)
            if unknown:
                raise BlockingError(
                    f"{where}: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not {source} "
                    f"columns of the contract (they are: {', '.join(SOURCES[source].columns)})"
                )
        zone = entry.get("time_zone")
        if zone:
            try:
                ZoneInfo(str(zone))
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise BlockingError(
                    f"{where}: unknown time zone {zone!r} (use an IANA name such as Asia/Tehran)"
                ) from exc
        rows = entry.get("header_rows")
        if rows is not None and (not isinstance(rows, int) or rows < 0):
            raise BlockingError(f"{where}: header_rows must be a whole number, 0 or more")
        out.append(Mapping(
            files=str(entry["files"]), source=source,
            columns={k: str(v) for k, v in entry.get("columns", {}).items()},
            fixed={k: str(v) for k, v in entry.get("fixed", {}).items()},
            values={k: {str(a): str(b) for a, b in v.items()} for k, v in entry.get("values", {}).items()},
            time_zone=str(zone) if zone else None, header_rows=rows, origin=origin,
        ))
    return out


def load_all(data_dir: Path) -> list[Mapping]:
    """The data folder's mappings (none when it has no mappings.toml)."""
    path = data_dir / FILE_NAME
    if not path.is_file():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError) as exc:
        raise BlockingError(f"{FILE_NAME}: cannot be read ({exc})") from exc
    return parse(text, FILE_NAME)
