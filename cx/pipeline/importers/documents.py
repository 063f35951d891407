"""JSON files that are not a plain list of flat records: API responses and line envelopes.

An API response wraps its records in an object (`{"tickets": [...], "next_page": ...}`,
`{"data": [...], "included": [...]}`); a connector writes one envelope per line
(`{"stream": "tickets", "data": {...}, "emitted_at": ...}`). Such a file becomes a
`Document`: its record sets by name, each record flattened to dotted keys
(`via.channel`, `reply_time_in_minutes.calendar`) with text values, and the line (or the
position) a person finds it at. Plain arrays and JSON lines of flat records are left to
DuckDB's own reader, which is faster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

# An API response is read whole: beyond this, a page of an API is not what the file is.
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
ENVELOPE_KEYS = ("stream", "data")


@dataclass
class Document:
    sets: dict[str, list[tuple[int, dict]]] = field(default_factory=dict)  # name -> (line, flat record)
    envelope: bool = False  # one record per line under `data`, named by `stream`
    wrapped: bool = False  # an object holding its records under keys


def flatten(record: dict, prefix: str = "") -> dict:
    """Nested objects become dotted keys; lists and scalars become text (JSON for lists)."""
    out: dict[str, str | None] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = _text(value)
    return out


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _first_char(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4096).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    return head[:1]


def read(path: Path) -> Document | None:
    """The file's record sets, or None when it is a plain list of flat records."""
    first = _first_char(path)
    if first not in ("{", "["):
        return None
    if first == "{":
        with path.open("r", encoding="utf-8-sig") as fh:
            line = fh.readline()
        try:
            head = json.loads(line)
        except json.JSONDecodeError:
            head = None  # an object over several lines: one API response
        if isinstance(head, dict):
            if all(k in head for k in ENVELOPE_KEYS) and isinstance(head.get("data"), dict):
                return _envelopes(path)
            if not any(isinstance(v, (dict, list)) for v in head.values()):
                return None  # JSON lines of flat records
            rest = _has_more_lines(path)
            if rest:
                return _nested_lines(path)
    if first == "[" and not _first_element_nested(path):
        return None  # a list of flat records: DuckDB's reader, without parsing it here first
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        return None
    with path.open("r", encoding="utf-8-sig") as fh:
        try:
            whole = json.load(fh)
        except json.JSONDecodeError:
            return None  # let the reader say what is wrong with it
    if isinstance(whole, list):
        records = [r for r in whole if isinstance(r, dict)]
        if not any(isinstance(v, dict) for r in records[:100] for v in r.values()):
            return None
        return Document({"": [(i, flatten(r)) for i, r in enumerate(records, start=1)]})
    if not isinstance(whole, dict):
        return None
    doc = Document(wrapped=True)
    for key, value in whole.items():
        if isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
            doc.sets[key] = [(i, flatten(r)) for i, r in enumerate(value, start=1)]
    if not doc.sets:
        # A single record written as an object: one row.
        doc.sets[""] = [(1, flatten(whole))]
        doc.wrapped = False
    return doc


def _first_element_nested(path: Path) -> bool:
    """Whether a JSON list's first record holds objects (an API's records), read from the
    file's head only."""
    with path.open("r", encoding="utf-8-sig") as fh:
        head = fh.read(1 << 20)
    text = head.lstrip()[1:].lstrip()
    try:
        rec, _ = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError:
        return True  # a first record longer than the head: let the whole parse decide
    return isinstance(rec, dict) and any(isinstance(v, dict) for v in rec.values())


def _has_more_lines(path: Path) -> bool:
    with path.open("r", encoding="utf-8-sig") as fh:
        fh.readline()
        return any(line.strip() for line in fh)


def _envelopes(path: Path) -> Document:
    doc = Document(envelope=True)
    with path.open("r", encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number} is not a JSON object ({exc.msg})") from exc
            data = rec.get("data") if isinstance(rec, dict) else None
            if not isinstance(data, dict):
                raise ValueError(f"line {number} has no `data` object (the other lines are envelopes)")
            doc.sets.setdefault(str(rec.get("stream") or ""), []).append((number, flatten(data)))
    return doc


def _nested_lines(path: Path) -> Document:
    """JSON lines whose records hold objects (an API's records, one a line)."""
    rows = []
    with path.open("r", encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    rows.append((number, flatten(json.loads(line))))
                except (json.JSONDecodeError, AttributeError) as exc:
                    raise ValueError(f"line {number} is not a JSON object") from exc
    return Document({"": rows})


def keys(records: list[tuple[int, dict]], sample: int = 200) -> list[str]:
    """The keys of a record set, in first-seen order (records may differ in their keys)."""
    seen: dict[str, None] = {}
    for _, r in records[:sample]:
        for k in r:
            seen.setdefault(k, None)
    for _, r in records[sample:]:
        for k in r:
            if k not in seen:
                seen[k] = None
    return list(seen)
