"""Mapping an unknown export: which of its columns holds which contract column.

For a file no format recognises (or one a format maps only in part), `propose` reads it the
way the refresh does (`cx.pipeline.readers.load`) and proposes, for each contract column of the
source, the export column that fits best: by its name (normalised, with synonyms: "when"
for a timestamp, "rating" for csat, "submission" for an ID) and by its values (timestamps
that parse, whole numbers in the score's range, IDs that are unique), each with a
confidence. An export column is proposed for one contract column at most.

`preview` runs the refresh's own reading and row rules (`cx.pipeline.refresh._read_source`, which
applies the mapping through `cx.pipeline.importers.read` and checks the rows with
queries/checks/rows.sql filled from the source's rules table) on the file alone and returns its first mapped rows and
the rows that would be rejected. `save_mapping` adds the mapping to the data folder's
mappings.toml (validated, written atomically), so that the next refresh reads the file
with it. No Streamlit here: the Data page lays these out (dashboard/mapping_page.py).
"""

from __future__ import annotations

import difflib
import os
import re
import secrets
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from cx import sql
from cx.config import Settings
from cx.errors import BlockingError
from cx.pipeline import importers, kept_rows, parsing, personal, refresh
from cx.pipeline.importers import mapping_file
from cx.pipeline.importers.mapping_file import FILE_NAME, TIMESTAMPS, Mapping
from cx.pipeline.importers.spec import Compiler, Fixed
from cx.pipeline.readers import FORMATS, InputFile, load, normalize_column
from cx.schema import SOURCES

SAMPLE_ROWS = 500  # rows whose values are looked at for a proposal
MIN_CONFIDENCE = 0.4  # below this nothing is proposed

# Words that name a contract column in exports (besides the column's own name). Compared
# after normalising: lower case, words split on anything that is not a letter or digit.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "response_id": ("response", "submission", "respondent", "answer id", "id"),
    "review_id": ("review", "id"),
    "ticket_id": ("ticket", "case", "issue", "request id", "conversation", "id"),
    "customer_id": ("customer", "client", "user", "account", "person", "contact", "member", "requester"),
    "submitted_at": ("when", "date", "time", "submitted", "submission date", "completed", "answered",
                     "recorded", "timestamp", "created"),
    "posted_at": ("when", "date", "time", "posted", "published", "review date", "created", "timestamp"),
    "created_at": ("when", "date", "time", "created", "opened", "submitted", "timestamp"),
    "first_response_at": ("first response", "first reply", "responded", "replied"),
    "resolved_at": ("resolved", "solved", "closed", "done"),
    "promised_at": ("promised", "due", "sla", "deadline"),
    "replied_at": ("reply", "replied", "response date", "answered"),
    "signup_at": ("signup", "sign up", "joined", "registered", "since"),
    "nps": ("recommend", "likely", "likelihood", "promoter", "net promoter", "nps score", "score"),
    "csat": ("satisfaction", "satisfied", "rating", "score", "stars", "happy"),
    "ces": ("effort", "easy", "ease", "difficulty"),
    "rating": ("stars", "star rating", "score", "rating", "rate"),
    "comment": ("comment", "feedback", "text", "remarks", "verbatim", "why", "notes", "open ended"),
    "body": ("text", "content", "review", "comment", "body"),
    "title": ("title", "subject", "headline", "summary"),
    "platform": ("platform", "site", "store", "source"),
    "helpful_votes": ("helpful", "votes", "likes", "thumbs"),
    "channel": ("channel", "via", "medium", "source"),
    "region": ("region", "country", "market", "territory", "area"),
    "product": ("product", "app", "plan", "service"),
    "tier": ("tier", "segment", "level", "plan"),
    "language": ("language", "lang", "locale"),
    "type": ("type", "category", "kind"),
    "priority": ("priority", "urgency", "severity"),
    "team": ("team", "group", "queue", "department"),
    "agent": ("agent", "assignee", "owner", "handler"),
    "reopens": ("reopens", "reopened", "reopen count"),
    "replies": ("replies", "reply count", "responses", "touches"),
    "proactive": ("proactive", "outreach"),
    "apologized": ("apology", "apologized", "apologised", "sorry"),
    "compensation": ("compensation", "refund", "credit", "voucher", "amount"),
    "email": ("email", "e mail", "mail"),
}

# Whole-number ranges of the scores and counts (contract.md); None: no upper bound.
INT_RANGES: dict[str, tuple[int, int | None]] = {
    "nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "rating": (1, 5),
    "reopens": (0, None), "replies": (0, None), "helpful_votes": (0, None),
}
BOOLEANS = ("proactive", "apologized")


def label(contract: str) -> str:
    """A contract column as people read it: `submitted_at` -> "Submitted at"."""
    special = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}
    if contract in special:
        return special[contract]
    text = contract.replace("_id", " ID").replace("_", " ")
    return text[:1].upper() + text[1:]


def words(name: str) -> list[str]:
    """A column name's words: `HowLikelyToRecommend`, `how_likely-to recommend` -> how likely to recommend."""
    text = unicodedata.normalize("NFKC", str(name))
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text).lower()
    return [w for w in re.split(r"[^\w]+|_", text) if w]


@dataclass
class Profile:
    """What one export column's first values look like (queries/mapping/column_profile.sql)."""
    column: str
    n_set: int = 0
    n_distinct: int = 0
    n_ts: int = 0
    n_int: int = 0
    int_min: int | None = None
    int_max: int | None = None
    n_0_10: int = 0
    n_1_5: int = 0
    n_1_7: int = 0
    n_0_up: int = 0
    n_num: int = 0
    num_min: float | None = None
    n_bool: int = 0


@dataclass
class Choice:
    column: str | None  # the export's column; None: nothing proposed
    confidence: float = 0.0  # 0..1
    why: str = ""


@dataclass
class Proposal:
    source: str
    file_name: str
    columns: list[str]  # the export's columns, in its order
    rows: int
    format_name: str | None = None  # the vendor format that recognised the file, if any
    covered: tuple[str, ...] = ()  # contract columns the format already maps
    choices: dict[str, Choice] = field(default_factory=dict)  # the contract columns to map


class MappingError(ValueError):
    """A mapping or file that cannot be used, with the sentence a person reads."""


# ---------------------------------------------------------------- reading


def _connection(settings: Settings) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"set TimeZone = '{settings.timezone.replace(chr(39), chr(39) * 2)}'")  # checked on load
    con.execute("set preserve_insertion_order = true")
    parsing.install(con)
    return con


def _input_file(source: str, path: Path, name: str) -> InputFile:
    f = InputFile(source, path, name, 1, bytes=path.stat().st_size)
    f.fmt = FORMATS.get(path.suffix.lower(), "")
    if not f.fmt:
        raise MappingError(f"{name}: unsupported file type '{path.suffix or '(none)'}'")
    return f


def _bounds(settings: Settings) -> dict:
    now = datetime.now()
    return {
        "now": now,
        "earliest": datetime.combine(settings.earliest_date, datetime.min.time()),
        "latest": now + timedelta(days=settings.future_tolerance_days),
    }


def propose(path: Path, source: str, settings: Settings | None = None, name: str | None = None) -> Proposal:
    """The proposed export column for each contract column of `source` the file needs."""
    if source not in SOURCES:
        raise MappingError(f"unknown source {source!r}: use one of {', '.join(SOURCES)}")
    settings = settings or Settings()
    name = name or f"{source}/{path.name}"
    con = _connection(settings)
    workdir = Path(tempfile.mkdtemp(prefix="cx-propose-"))
    try:
        f = _input_file(source, path, name)
        try:
            columns = load(con, f, "proposal_file", workdir)
        except BlockingError as exc:
            raise MappingError(str(exc)) from exc
        fmt = importers.recognise(source, columns)
        covered: tuple[str, ...] = ()
        if fmt is not None:
            c = Compiler(columns, fmt.nulls)
            covered = tuple(k for k, expr in fmt.columns.items() if c.resolves(expr) or isinstance(expr, Fixed))
        con.execute(
            f"create temp table proposal_sample as select columns(*)::varchar from proposal_file "
            f"order by _line limit {int(SAMPLE_ROWS)}"
        )
        profiles = {c: Profile(c) for c in columns}
        for row in sql.rows(con, "mapping/column_profile", **_bounds(settings)):
            column = row.pop("column_name")
            if column in profiles:
                profiles[column] = Profile(column=column, **row)
        wanted = [c for c in SOURCES[source].columns if c not in covered]
        if fmt is not None:
            # Columns the format does not read are the ones left to map.
            used = {normalize_column(u) for u in _columns_read(fmt, columns)}
            free = [c for c in columns if normalize_column(c) not in used]
        else:
            free = list(columns)
        choices = assign(wanted, [profiles[c] for c in free], source)
        return Proposal(source, name, columns, f.rows, fmt.name if fmt else None, covered, choices)
    finally:
        con.close()
        shutil.rmtree(workdir, ignore_errors=True)


def _columns_read(fmt, columns: list[str]) -> set[str]:
    c = Compiler(columns, fmt.nulls)
    for expr in fmt.columns.values():
        expr.sql(c)
    return set(c.used)


# ---------------------------------------------------------------- scoring


def name_score(contract: str, column: str) -> tuple[float, str]:
    """How well an export column's name says it holds `contract` (0..1), and why."""
    have = words(column)
    joined = " ".join(have)
    own = " ".join(words(contract))
    if joined == own or joined.replace(" ", "") == own.replace(" ", ""):
        return 1.0, "same name"
    best, why = difflib.SequenceMatcher(None, joined, own).ratio() * 0.8, "similar name"
    if best < 0.5:
        best, why = 0.0, ""
    for synonym in SYNONYMS.get(contract, ()):
        syn = synonym.split()
        if joined == synonym:
            score = 0.9
        elif _contains(have, syn):
            # A synonym among other words counts less, a generic one ("id") least.
            score = 0.75 if len(syn) > 1 or synonym not in ("id", "date", "time", "score") else 0.55
        else:
            continue
        if score > best:
            best, why = score, f"name like “{synonym}”"
    return best, why


def _contains(have: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(have[i:i + n] == phrase for i in range(len(have) - n + 1))


def value_score(contract: str, p: Profile, source: str) -> tuple[float | None, str]:
    """How well the column's values fit `contract` (0..1); None when values say nothing."""
    if p.n_set == 0:
        return 0.0, "no values"
    if contract in TIMESTAMPS:
        share = p.n_ts / p.n_set
        return share, f"{share:.0%} of values are dates"
    if contract in INT_RANGES:
        lo, hi = INT_RANGES[contract]
        on_scale = {(0, 10): p.n_0_10, (1, 5): p.n_1_5, (1, 7): p.n_1_7}.get((lo, hi), p.n_0_up)
        share = on_scale / p.n_set
        scale = f"{lo}-{hi}" if hi is not None else f"{lo} or more"
        if share < 0.5:
            return 0.0, f"values not on the {scale} scale"
        fit = share
        if hi is not None and p.int_max is not None:
            # A 0-10 scale uses its top; 1-5 values fit 0-10 too, but less well.
            fit *= 0.6 + 0.4 * min(1.0, (min(p.int_max, hi) - lo) / max(1, hi - lo))
        return fit, f"{share:.0%} whole numbers {scale}"
    if contract in BOOLEANS:
        share = p.n_bool / p.n_set
        return share, f"{share:.0%} yes/no values"
    if contract == "compensation":
        share = p.n_num / p.n_set if (p.num_min is None or p.num_min >= 0) else 0.0
        return share, "amounts" if share else "not amounts"
    if contract == SOURCES[source].id_column:
        unique = p.n_distinct / p.n_set
        return (1.0 if unique == 1 else unique * 0.5), ("unique values" if unique == 1 else "values repeat")
    if contract.endswith("_id"):
        return None, ""  # another source's ID: it repeats, and its values say nothing
    if p.n_ts == p.n_set or p.n_int == p.n_set:
        return 0.3, "dates or numbers, not text"  # text columns: a date or score column is unlikely
    return None, ""


def score(contract: str, p: Profile, source: str) -> tuple[float, str]:
    by_name, name_why = name_score(contract, p.column)
    by_value, value_why = value_score(contract, p, source)
    if by_value is None:
        return by_name, name_why
    if by_value < 0.5 and contract in INT_RANGES and p.n_set and p.n_num == 0:
        # Words where a score belongs (good / bad): a value map makes them scores.
        return by_name * 0.6, f"{name_why}, values are words (give a value map)".strip(", ")
    if by_value < 0.5:
        # Values that do not fit overrule a name that does ("Rating" with 1-10 is not csat).
        return by_name * 0.3, f"{name_why}, but {value_why}".strip(", ")
    if by_name == 0 and contract.endswith("_id"):
        return 0.0, ""  # unique values alone do not make an ID (row numbers, scores)
    combined = 0.6 * by_name + 0.4 * by_value
    why = ", ".join(w for w in (name_why, value_why) if w)
    return combined, why


def assign(wanted: list[str], profiles: list[Profile], source: str) -> dict[str, Choice]:
    """Best pairs first; an export column goes to one contract column only."""
    pairs = []
    for i, contract in enumerate(wanted):
        for j, p in enumerate(profiles):
            s, why = score(contract, p, source)
            if s >= MIN_CONFIDENCE:
                # Ties: required columns first, then the contract's and the file's order.
                pairs.append((-round(s, 6), contract not in SOURCES[source].required, i, j, contract, p.column, s, why))
    pairs.sort()
    out = {c: Choice(None) for c in wanted}
    taken: set[str] = set()
    for *_, contract, column, s, why in pairs:
        if out[contract].column is None and column not in taken:
            out[contract] = Choice(column, round(s, 2), why)
            taken.add(column)
    return out


# ---------------------------------------------------------------- the mapping


def build_mapping(source: str, files: str, columns: dict[str, str | None], fixed: dict[str, str] | None = None,
                  time_zone: str | None = None, header_rows: int | None = None,
                  export_columns: list[str] | None = None,
                  values: dict[str, dict[str, str]] | None = None) -> Mapping:
    """A mapping from the choices a person made, checked: known contract columns, export
    columns the file has, no export column twice, a valid pattern, zone and header rows."""
    if source not in SOURCES:
        raise MappingError(f"unknown source {source!r}")
    files = files.strip().replace("\\", "/")
    if not files:
        raise MappingError("the file pattern is empty: give the file's name, e.g. widget-*.csv")
    if not files.lower().startswith(source + "/"):
        files = f"{source}/{files}"
    if ".." in files.split("/"):
        raise MappingError(f"the file pattern {files!r} leaves the {source} folder")
    chosen = {k: v for k, v in columns.items() if v}
    known = set(SOURCES[source].columns)
    for contract in list(chosen) + list(fixed or {}) + list(values or {}):
        if contract not in known:
            raise MappingError(f"{contract} is not a {source} column of the contract")
    if export_columns is not None:
        have = {normalize_column(c) for c in export_columns}
        for contract, col in chosen.items():
            if normalize_column(col) not in have:
                raise MappingError(f"column {label(contract)}: the file has no column “{col}”")
    seen: dict[str, str] = {}
    for contract, col in chosen.items():
        key = normalize_column(col)
        if key in seen:
            raise MappingError(
                f"the export's column “{col}” is chosen for both {label(seen[key])} and {label(contract)}; "
                "pick one"
            )
        seen[key] = contract
    both = sorted(set(chosen) & set(fixed or {}))
    if both:
        raise MappingError(f"{', '.join(label(c) for c in both)}: either a column or a fixed value, not both")
    mapping = Mapping(
        files=files, source=source, columns=chosen,
        fixed={k: str(v) for k, v in (fixed or {}).items() if str(v).strip()},
        values={k: {str(a): str(b) for a, b in v.items()} for k, v in (values or {}).items() if v},
        time_zone=(time_zone or "").strip() or None, header_rows=header_rows or None,
    )
    try:
        parsed = mapping_file.parse(mapping.as_toml())
    except BlockingError as exc:
        raise MappingError(str(exc).replace(f"{FILE_NAME}: mapping 1", "the mapping")) from exc
    if parsed != [mapping]:
        raise MappingError("the mapping does not read back as it was written")
    return mapping


# ---------------------------------------------------------------- preview


@dataclass
class Preview:
    rows: list[dict]  # the first mapped rows: {"Line": n, label: value, ..., "Checks": reasons or "kept"}
    rejected: list[dict]  # {"line", "column", "value", "reason"}
    rows_read: int = 0
    rows_rejected: int = 0
    skipped: int = 0
    format_name: str = ""
    error: str | None = None  # a problem that blocks the whole file (a required column missing)


def preview(path: Path, mapping: Mapping, settings: Settings | None = None, limit: int = 20,
            name: str | None = None) -> Preview:
    """The file read with the mapping and checked by the refresh's own row rules."""
    settings = settings or Settings()
    source = mapping.source
    spec = SOURCES[source]
    base = Path(tempfile.mkdtemp(prefix="cx-preview-"))
    data_dir, workdir = base / "data", base / "work"
    rel = (name or f"{source}/{path.name}").replace("\\", "/")
    dest = data_dir / rel
    if not rel.startswith(source + "/") or not dest.resolve().is_relative_to((data_dir / source).resolve()):
        raise MappingError(f"{rel}: the file must be in the {source} folder")
    dest.parent.mkdir(parents=True)
    workdir.mkdir()
    shutil.copyfile(path, dest)
    con = _connection(settings)
    store = None
    try:
        personal.create_hash_macro(con, secrets.token_bytes(32))  # hashes are never shown here
        sql.execute_script(con, "refresh/work_tables")
        con.execute("attach ':memory:' as work")
        bounds = _bounds(settings)
        # The preview's checked rows are written in its own folder, removed with it.
        store = kept_rows.Store(base / "preview.duckdb", "", bounds["latest"], full=True)
        try:
            found, _ = refresh.read_source(con, data_dir, source, workdir, bounds, store, [mapping])
        except BlockingError as exc:
            return Preview([], [], error=str(exc))
        f = found[0]
        # The source's name is one of the contract's (checked above), not the user's text.
        con.execute(f"create temp view preview_checked as select * from work.checked_{source}")
        counts = sql.rows(con, "mapping/preview_counts")[0]
        rows = []
        for r in sql.rows(con, "mapping/preview_rows", limit=int(limit)):
            row = {"Line": r["_line"]}
            for c in spec.columns:
                if c == "email" or personal.is_personal(c):
                    continue
                value = r.get(f"_v_{c}", r.get(c))
                # Timestamps as the warehouse keeps them: in UTC (the time zone applied).
                row[label(c) + (" (UTC)" if c in TIMESTAMPS else "")] = None if value is None else str(value)
            problems = r.get("_problems") or []
            row["Checks"] = "; ".join(p["reason"] for p in problems) if problems else "kept"
            rows.append(row)
        rejected = [
            {"line": p["line"], "column": label(p["column_name"]) if p["column_name"] in spec.columns
             else p["column_name"], "value": p["value"], "reason": p["reason"]}
            for p in sql.rows(con, "mapping/preview_rejected", limit=200)
        ]
        return Preview(rows, rejected, counts["rows_read"], counts["rows_rejected"], f.skipped,
                       f.format_name or "")
    finally:
        con.close()
        if store is not None:
            store.close(published=False)
        shutil.rmtree(base, ignore_errors=True)


# ---------------------------------------------------------------- save


def save_mapping(data_dir: Path, mapping: Mapping) -> str:
    """Add `mapping` to DATA/mappings.toml, replacing one for the same files and source;
    the whole new file is parsed before it replaces the old one (written beside, renamed).
    Returns "added" or "replaced"."""
    path = data_dir / FILE_NAME
    old = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    try:
        existing = mapping_file.parse(old) if old else []
    except BlockingError as exc:
        raise MappingError(f"{exc}; fix or remove {path} first, the new mapping was not written") from exc
    same = [m for m in existing if m.files.lower() == mapping.files.lower() and m.source == mapping.source]
    if same:
        kept = [m for m in existing if m not in same]
        text = "\n".join(m.as_toml() for m in [*kept, mapping])
        outcome = "replaced"
    else:
        text = (old.rstrip("\n") + "\n\n" if old.strip() else "") + mapping.as_toml()
        outcome = "added"
    try:
        parsed = mapping_file.parse(text)
    except BlockingError as exc:
        raise MappingError(f"the mapping file would not be readable ({exc}); nothing was written") from exc
    if mapping not in parsed:
        raise MappingError("the mapping does not read back as it was written; nothing was written")
    data_dir.mkdir(parents=True, exist_ok=True)
    part = data_dir / f".{FILE_NAME}.part"
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)
    return outcome
