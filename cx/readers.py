"""Reading export files of every supported format into DuckDB, all values as text.

Each file becomes one temporary table with its original column names and a `_line` column
(the 1-based line a person finds the row on: the header is line 1). Typing and validation
happen later, in SQL, so that an unreadable value becomes a rejected row with a reason
rather than a failed load.
"""

from __future__ import annotations

import codecs
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import pyarrow as pa

from cx.errors import BlockingError

FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".tab": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "json", ".ndjson": "json", ".json": "json",
    ".xlsx": "xlsx",
}
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_BYTES = 1 << 20


@dataclass
class InputFile:
    source: str
    path: Path
    name: str  # as shown to people: relative to the data folder, e.g. tickets/t-2026-01.csv
    number: int = 0  # order within its source: by file name, so later names update earlier
    fmt: str = ""
    rows: int = 0
    bytes: int = 0
    encoding: str = "utf-8"
    malformed: list[dict] = field(default_factory=list)  # CSV lines DuckDB could not split


def discover(data_dir: Path, source: str) -> list[InputFile]:
    """The source's files, sorted by name (the contract's update order)."""
    folder = data_dir / source
    if not folder.is_dir():
        return []
    files = [
        p for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith((".", "~$")) for part in p.relative_to(folder).parts)
    ]
    files.sort(key=lambda p: (p.name, str(p)))
    out = []
    for i, p in enumerate(files, start=1):
        f = InputFile(source, p, str(p.relative_to(data_dir)), i, bytes=p.stat().st_size)
        f.fmt = FORMATS.get(p.suffix.lower(), "")
        if not f.fmt:
            raise BlockingError(
                f"{f.name}: unsupported file type '{p.suffix or '(none)'}'. "
                f"Use one of {', '.join(sorted(set(FORMATS)))}, or move the file out of {source}/."
            )
        out.append(f)
    return out


def normalize_column(name: str) -> str:
    """Case-insensitive column names: 'Response ID' and 'response_id' are the same column."""
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().lower())


def load(con: duckdb.DuckDBPyConnection, f: InputFile, table: str, workdir: Path) -> list[str]:
    """Create temp table `table` from the file; returns its original column names."""
    try:
        if f.fmt == "csv":
            _load_csv(con, f, table, workdir)
        elif f.fmt == "parquet":
            con.execute(
                f"create temp table {table} as "
                "select columns(*)::varchar, file_row_number + 1 as _line "
                "from read_parquet($p, file_row_number = true)",
                {"p": str(f.path)},
            )
        elif f.fmt == "json":
            _load_json(con, f, table)
        else:
            _load_xlsx(con, f, table)
    except BlockingError:
        raise
    except (duckdb.Error, OSError, ValueError, UnicodeError) as exc:
        raise BlockingError(f"{f.name}: the file cannot be read ({_first_line(exc)})") from exc
    f.rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    return [d[0] for d in con.execute(f"select * from {table} limit 0").description if d[0] != "_line"]


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__


# --- CSV -------------------------------------------------------------------------------

def _load_csv(con, f: InputFile, table: str, workdir: Path) -> None:
    path = _as_utf8(f, workdir)
    head = path.read_bytes()[:_SNIFF_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff")
    if not head.strip():
        raise BlockingError(f"{f.name}: the file is empty (not even a header line)")
    delim = _sniff_delimiter(head, f.path.suffix.lower())
    con.execute(
        f"create temp table {table}_read as select * from read_csv($p, all_varchar = true, "
        "header = true, delim = $d, quote = '\"', escape = '\"', "
        "store_rejects = true, rejects_table = $rt, rejects_scan = $rs)",
        {"p": str(path), "d": delim, "rt": f"{table}_rej", "rs": f"{table}_rejscan"},
    )
    f.malformed = [
        {"line": line, "column": col, "reason": _malformed_reason(kind, msg), "value": raw}
        for line, col, kind, raw, msg in con.execute(
            f"select line, column_name, error_type::varchar, csv_line, error_message "
            f"from {table}_rej order by line"
        ).fetchall()
    ]
    con.execute(f"drop table {table}_rej; drop table {table}_rejscan")
    # Line numbers: row k is on line k + 2 unless values hold line breaks or lines were
    # malformed; only then pay for counting them.
    cols = [d[0] for d in con.execute(f"select * from {table}_read limit 0").description]
    n_rows = con.execute(f"select count(*) from {table}_read").fetchone()[0]
    if _physical_lines(path) <= n_rows + 1 and not f.malformed:
        con.execute(f"create temp table {table} as select *, rowid + 2 as _line from {table}_read")
    else:
        breaks = " + ".join(
            f"coalesce(length(\"{_q(c)}\") - length(replace(\"{_q(c)}\", chr(10), '')), 0)" for c in cols
        ) or "0"
        con.execute(f"create temp table {table}_bad as select unnest($lines::bigint[]) as line",
                    {"lines": [m["line"] for m in f.malformed]})
        con.execute(
            f"""create temp table {table} as
            with numbered as (
                select *, rowid as _k,
                       2 + rowid + coalesce(sum({breaks}) over (order by rowid rows between
                           unbounded preceding and 1 preceding), 0) as _tentative
                from {table}_read
            ),
            bad as (select line - (row_number() over (order by line) - 1) as adjusted from {table}_bad)
            select * exclude (_k, _tentative),
                   _tentative + (select count(*) from bad where bad.adjusted <= _tentative) as _line
            from numbered order by _k"""
        )
        con.execute(f"drop table {table}_bad")
    con.execute(f"drop table {table}_read")


def _malformed_reason(kind: str, message: str) -> str:
    kind = (kind or "").lower().replace("_", " ")
    detail = (message or "").strip().rstrip(".")
    return f"the line cannot be split into the header's columns ({kind}: {detail})"


def _sniff_delimiter(head: str, suffix: str) -> str:
    if suffix in (".tsv", ".tab"):
        return "\t"
    header = head.splitlines()[0]
    counts = {d: _count_outside_quotes(header, d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _count_outside_quotes(line: str, ch: str) -> int:
    n, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == ch and not quoted:
            n += 1
    return n


def _physical_lines(path: Path) -> int:
    """Non-empty lines, counted fast (trailing empty lines do not hold rows)."""
    lines, last = 0, b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 24):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def _as_utf8(f: InputFile, workdir: Path) -> Path:
    """DuckDB reads UTF-8; anything else is transcoded to a temporary UTF-8 copy first."""
    raw = f.path.open("rb").read(_SNIFF_BYTES)
    encoding = None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(raw) - 4:  # not just a character cut at the sniff boundary
                encoding = _detect_encoding(f, raw)
    if encoding is None:
        return f.path
    f.encoding = encoding
    out = Path(tempfile.mkstemp(suffix=".csv", dir=workdir)[1])
    try:
        with f.path.open("r", encoding=encoding, newline="") as src, out.open("w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(1 << 22):
                dst.write(chunk)
    except UnicodeDecodeError as exc:
        raise BlockingError(
            f"{f.name}: the file is neither UTF-8 nor readable as {encoding} ({exc.reason} at byte "
            f"{exc.start}). Save it as UTF-8 (in Excel: 'CSV UTF-8') and refresh again."
        ) from exc
    return out


def _detect_encoding(f: InputFile, raw: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=["cp1252", "cp1256", "utf_16", "latin_1"]).best()
    if best is None:
        raise BlockingError(
            f"{f.name}: the text encoding could not be recognised. Save the file as UTF-8 "
            "(in Excel: 'CSV UTF-8') and refresh again."
        )
    return best.encoding


def _q(identifier: str) -> str:
    return identifier.replace('"', '""')


# --- JSON ------------------------------------------------------------------------------

def _load_json(con, f: InputFile, table: str) -> None:
    # Read twice: once to learn the keys, once with every key as text, so that DuckDB's
    # type detection never drops an offset from a timestamp or rounds a number.
    described = con.execute(
        "describe select * from read_json($p, format = 'auto', sample_size = -1)", {"p": str(f.path)}
    ).fetchall()
    columns = {name: "VARCHAR" for name, *_ in described}
    con.execute(
        f"create temp table {table}_read as select * from read_json($p, format = 'auto', columns = $c)",
        {"p": str(f.path), "c": columns},
    )
    # A JSON lines file: line k holds row k. A JSON array: the k-th element.
    con.execute(f"create temp table {table} as select *, rowid + 1 as _line from {table}_read")
    con.execute(f"drop table {table}_read")


# --- Excel -----------------------------------------------------------------------------

def _load_xlsx(con, f: InputFile, table: str) -> None:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(f.path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    if not sheet:
        raise BlockingError(f"{f.name}: the first sheet is empty (not even a header row)")
    header = [str(h).strip() if h not in (None, "") else f"column_{i + 1}" for i, h in enumerate(sheet[0])]
    rows = [r for r in sheet[1:]]
    data = {
        h: pa.array([_cell_text(r[i]) if i < len(r) else None for r in rows], pa.string())
        for i, h in enumerate(header)
    }
    data["_line"] = pa.array(range(2, len(rows) + 2), pa.int64())
    con.register(f"{table}_arrow", pa.table(data))
    # Drop the rows that are empty in every cell (Excel keeps formatted blank rows).
    keep = " or ".join(f"\"{_q(h)}\" is not null" for h in header)
    con.execute(f"create temp table {table} as select * from {table}_arrow where {keep}")
    con.unregister(f"{table}_arrow")


def _cell_text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)
