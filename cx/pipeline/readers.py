"""Reading export files of every supported format into DuckDB, all values as text.

Each file becomes one temporary table with its original column names and a `_line` column
(the 1-based line a person finds the row on: the header is line 1). Typing and validation
happen later, in SQL, so that an unreadable value becomes a rejected row with a reason
rather than a failed load.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import io
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
    ".xml": "xml",  # record exports such as Qualtrics' XML (one element per response)
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
    format_name: str = ""  # the vendor format recognised (cx.pipeline.importers), else empty
    record_set: str = ""  # JSON: the key or stream the rows were under
    skip_reasons: dict[str, int] = field(default_factory=dict)  # rows that are not answers, by why
    document: object = None  # JSON: its record sets, when it is not a plain list of records
    forced: object = None  # a format read from another source's file (Zendesk's Satisfaction Score)
    format_key: str = ""  # the recognised format's key (cx.pipeline.importers)

    @property
    def skipped(self) -> int:
        return sum(self.skip_reasons.values())

    @property
    def format_label(self) -> str:
        """The format as people name it: the vendor's export, else the file type."""
        return self.format_name or _FORMAT_NAMES.get(self.fmt, self.fmt)

    @property
    def described(self) -> str:
        """The read line's account of the file: its format, rows and skipped rows."""
        rows = f"{self.rows:,} row" + ("" if self.rows == 1 else "s")
        text = f"{self.name}: {self.format_label}, {rows}"
        return text + (f", {self.skipped:,} skipped" if self.skipped else "")


_FORMAT_NAMES = {"csv": "CSV", "parquet": "Parquet", "json": "JSON", "xlsx": "Excel workbook", "xml": "XML"}


def discover(data_dir: Path, source: str) -> list[InputFile]:
    """The source's files, sorted by name (the contract's update order)."""
    folder = data_dir / source
    if not folder.is_dir():
        return []
    files = [
        p for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith((".", "~$")) for part in p.relative_to(folder).parts)
        and not _own_file(p, folder)
    ]
    inside = data_dir.resolve()
    for p in files:
        if not p.resolve().is_relative_to(inside):
            raise BlockingError(
                f"{p.relative_to(data_dir)}: the file is a link to a file outside the data folder, which "
                "is not read (a link can point anywhere on this machine). Copy the export into the folder."
            )
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


# Files a refresh writes beside its warehouse (cx/warehouse.py); a warehouse kept inside the
# data folder must not become an input of the next refresh.
_OWN_SUFFIXES = (".current", ".log.jsonl", ".wal", ".refresh.lock", ".tmp")


def _own_file(p: Path, folder: Path) -> bool:
    if p.name.endswith(_OWN_SUFFIXES):
        return True
    if any(part.endswith((".versions", ".rows")) for part in p.relative_to(folder).parts[:-1]):
        return True
    try:
        with p.open("rb") as fh:
            return fh.read(12)[8:12] == b"DUCK"  # a DuckDB database file, whatever its name
    except OSError:
        return False


def literal_path(path: Path) -> str:
    """A path DuckDB reads as that one file: its readers expand *, ? and [...] as a glob, so
    a file named '[s]urveys.csv' would read surveys.csv. Each glob character becomes a
    one-character class ('[' -> '[[]'), which matches only itself."""
    return re.sub(r"([*?\[])", r"[\1]", str(path))


def normalize_column(name: str) -> str:
    """Case-insensitive column names: 'Response ID' and 'response_id' are the same column."""
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().lower())


def check_header(f: InputFile, names: list) -> None:
    """Two header cells that name the same column (names are case-insensitive) block: the
    readers would otherwise rename one (DuckDB) or drop one (Excel) without a word."""
    _check_width(f, len(names))
    seen: dict[str, str] = {}
    for name in names:
        text = "" if name is None else str(name)
        norm = normalize_column(text)
        if norm and norm in seen:
            raise BlockingError(
                f"{f.name}: columns '{seen[norm]}' and '{text}' are the same column '{norm}' "
                "(names are case-insensitive); remove one"
            )
        seen[norm] = text


def load(con: duckdb.DuckDBPyConnection, f: InputFile, table: str, workdir: Path) -> list[str]:
    """Create temp table `table` from the file; returns its original column names."""
    try:
        if f.fmt == "csv":
            _load_csv(con, f, table, workdir)
        elif f.fmt == "parquet":
            con.execute(
                f"create temp table {table}_read as select columns(*)::varchar from read_parquet($p)",
                {"p": literal_path(f.path)},
            )
            _rename_reserved(con, f"{table}_read")
            con.execute(f"create temp view {table} as select *, rowid + 1 as _line from {table}_read")
        elif f.fmt == "json":
            _load_json(con, f, table)
        elif f.fmt == "xml":
            _load_xml(con, f, table)
        else:
            _load_xlsx(con, f, table)
    except BlockingError:
        raise
    except (duckdb.Error, OSError, ValueError, UnicodeError) as exc:
        if "Maximum line size" in str(exc):
            raise BlockingError(_long_line(f)) from exc
        raise BlockingError(f"{f.name}: the file cannot be read ({_first_line(exc, f)})") from exc
    f.rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    names = [d[0] for d in con.execute(f"select * from {table} limit 0").description if d[0] != "_line"]
    _check_width(f, len(names))
    return names


MAX_COLUMNS = 1000


def _check_width(f: InputFile, columns: int) -> None:
    """Exports have tens of columns; thousands mean a transposed sheet or a log dumped as CSV,
    and the row checks' work grows with columns x rows (5,000 columns exhausted 2 GB of
    memory on a one-row file)."""
    if columns > MAX_COLUMNS:
        raise BlockingError(
            f"{f.name}: the file has {columns:,} columns, more than the {MAX_COLUMNS:,} a source file may "
            "have. Is the sheet transposed, or a different export? Keep the contract's columns and "
            "the extras you need."
        )


MAX_LINE_BYTES = 2_000_000  # DuckDB's read_csv max_line_size (its default)


def _long_line(f: InputFile) -> str:
    """DuckDB reports a line over max_line_size as "Line: 1" whatever its place: find it."""
    number, longest = 0, (0, 0)
    with f.path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if len(line) > longest[1]:
                longest = (number, len(line))
            if len(line) > MAX_LINE_BYTES:
                break
    where = f"line {longest[0]} is {longest[1]:,} bytes long" if longest[1] > MAX_LINE_BYTES else (
        f"a quoted value that starts before line {number} runs over several lines"
    )
    return (
        f"{f.name}: {where}, more than the {MAX_LINE_BYTES:,} bytes the CSV reader takes as one line "
        "(DuckDB's max_line_size). No survey, review or ticket value is that long: is a quote left open, "
        "or a file pasted into a cell? Fix or remove that value and export again."
    )


def _rename_reserved(con, table: str) -> None:
    """An export's own `_line` column (Fivetran adds `_file`, `_line`, `_modified`) is kept as
    `x_line`: the line number a person finds a row on is ours, and must not be replaced."""
    # The table's own columns, not the catalog's: duckdb_columns() lists every temp table of
    # the refresh, so asking it once per file grows with the number of files read.
    names = [d[0] for d in con.execute(f"select * from {table} limit 0").description]
    for name in [n for n in names if n.lower() == "_line"]:
        taken = {n.lower() for n in names}
        new = "x_line"
        while new in taken:
            new = "x" + new
        con.execute(f'alter table {table} rename column "{_q(name)}" to "{new}"')


def _first_line(exc: Exception, f: InputFile | None = None) -> str:
    """The error's first line, with the file named as the user knows it (not our temp path)."""
    text = str(exc).strip()
    if f is not None:
        text = text.replace(str(f.path), f.name)
    return text.splitlines()[0][:300] if text else type(exc).__name__


# --- CSV -------------------------------------------------------------------------------

def _load_csv(con, f: InputFile, table: str, workdir: Path) -> None:
    path = _as_utf8(f, workdir)
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff")
    if not head.strip():
        raise BlockingError(f"{f.name}: the file is empty (not even a header line)")
    delim = _sniff_delimiter(head, f.path.suffix.lower())
    check_header(f, next(csv.reader(io.StringIO(head), delimiter=delim), []))
    rejects = _read_csv(con, path, delim, table)
    if any(kind == "INVALID ENCODING" for _, _, kind, _, _ in rejects):
        if path != f.path:
            raise BlockingError(
                f"{f.name}: line {next(r[0] for r in rejects if r[2] == 'INVALID ENCODING')} is not valid "
                f"{ENCODING_NAMES.get(f.encoding, f.encoding)}. {_SAVE_AS_UTF8}"
            )
        # UTF-8 as far as the sample went, not further on: tell the encoding from the lines
        # that are not UTF-8, then read a transcoded copy.
        con.execute(f"drop table {table}_read; drop table {table}_rej; drop table {table}_rejscan")
        path = _transcode(f, _single_byte_encoding(f, _non_utf8_lines(f)), workdir)
        rejects = _read_csv(con, path, delim, table)
    f.malformed = [
        {"line": line, "column": col, "reason": _malformed_reason(kind, msg), "value": raw}
        for line, col, kind, raw, msg in rejects
    ]
    con.execute(f"drop table {table}_rej; drop table {table}_rejscan")
    # Line numbers. DuckDB counts records (a quoted value may span lines) and reports the
    # malformed ones by record number; a person looks for physical lines. Row k (0-based)
    # is record k + 2 plus the malformed records before it, and its line adds the line
    # breaks inside the rows before it. The common case, neither, is a plain view.
    _rename_reserved(con, f"{table}_read")
    cols = [d[0] for d in con.execute(f"select * from {table}_read limit 0").description]
    n_rows = con.execute(f"select count(*) from {table}_read").fetchone()[0]
    if _physical_lines(path) <= n_rows + 1 and not f.malformed:
        # A view, not a copy: a copy would write every column of every row again, which grows
        # with the export (see benchmarks/history).
        con.execute(f"create temp view {table} as select *, rowid + 2 as _line from {table}_read")
        return
    has_break = " or ".join(f"contains(\"{_q(c)}\", chr(10))" for c in cols) or "false"
    breaks = " + ".join(
        f"coalesce(length(\"{_q(c)}\") - length(replace(\"{_q(c)}\", chr(10), '')), 0)" for c in cols
    ) or "0"
    # Only rows holding a line break, with the running total of breaks up to and including them.
    con.execute(
        f"create temp table {table}_breaks as select k, sum(n) over (order by k) as breaks_through "
        f"from (select rowid as k, {breaks} as n from {table}_read where {has_break})"
    )
    # Malformed record R_j (j-th, 1-based) sits after R_j - 2 - (j - 1) good rows.
    records = [m["line"] for m in f.malformed]
    good_before = [r - 2 - j for j, r in enumerate(records)]
    bad_through, bad_join = "0", ""
    if records:  # each join is a pass over every row: only the one that is needed
        con.execute(
            f"create temp table {table}_bad as select g as good_before, max(j) as bad_through "
            "from (select unnest($g::bigint[]) as g, unnest($j::bigint[]) as j) group by g",
            {"g": good_before, "j": list(range(1, len(records) + 1))},
        )
        bad_through = "coalesce(d.bad_through, 0)"
        bad_join = f"asof left join {table}_bad as d on r._k >= d.good_before"
    breaks_through, breaks_join = "0", ""
    if con.execute(f"select count(*) from {table}_breaks").fetchone()[0]:
        breaks_through = "coalesce(b.breaks_through, 0)"
        breaks_join = f"asof left join {table}_breaks as b on r._k > b.k"
    con.execute(
        f"""create temp view {table} as
        with rows as (select *, rowid as _k from {table}_read)
        select r.* exclude (_k), 2 + r._k + {bad_through} + {breaks_through} as _line
        from rows as r {breaks_join} {bad_join}"""
    )
    if not records:
        return
    # The malformed records' own lines: their record number plus the breaks before them.
    cumulative = con.execute(f"select k, breaks_through from {table}_breaks order by k").fetchall()
    keys = [k for k, _ in cumulative]
    for m, before in zip(f.malformed, good_before, strict=True):
        i = bisect.bisect_left(keys, before)  # rows with k < before
        m["line"] += cumulative[i - 1][1] if i else 0


def _read_csv(con, path: Path, delim: str, table: str) -> list[tuple]:
    """`{table}_read` from the CSV; returns the lines DuckDB could not take (line, column,
    error type, the raw line, message)."""
    con.execute(
        f"create temp table {table}_read as select * from read_csv($p, all_varchar = true, "
        "header = true, delim = $d, quote = '\"', escape = '\"', "
        "store_rejects = true, rejects_table = $rt, rejects_scan = $rs)",
        {"p": literal_path(path), "d": delim, "rt": f"{table}_rej", "rs": f"{table}_rejscan"},
    )
    # One row per line: DuckDB reports a short line once per missing column.
    return con.execute(
        f"select line, first(column_name order by column_idx), first(error_type::varchar order by column_idx), "
        f"first(csv_line order by column_idx), first(error_message order by column_idx) "
        f"from {table}_rej group by line order by line"
    ).fetchall()


def _malformed_reason(kind: str, message: str) -> str:
    counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message or "")
    if counts:
        expected, found = counts.groups()
        return (
            f"the line has {found} values where the header has {expected} columns "
            "(a delimiter or quote inside a value that is not quoted?)"
        )
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


# --- Text encodings ------------------------------------------------------------------------
# What people send: UTF-8 (with or without a BOM), UTF-16 (Excel's "Unicode text"),
# Windows-1252 (Excel's "CSV" on a Western Windows) and Windows-1256 (Persian/Arabic
# Windows). DuckDB reads UTF-8 only; anything else is transcoded to a UTF-8 copy first.
# The rule: read it right or block with what was found and what to do. Never guess
# silently between 1252 and 1256: the same bytes are Persian words in one and Latin
# letter salad in the other.

ENCODING_NAMES = {
    "utf-8": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE",
    "cp1252": "Windows-1252", "cp1256": "Windows-1256",
}
_SAVE_AS_UTF8 = "Save it as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)') and refresh again."

# A letter run of Arabic script not glued to Latin letters: a Persian or Arabic word.
_ARABIC_WORD = re.compile(r"(?<![A-Za-z])[\u0600-\u06ff]{2,}(?![A-Za-z])")
# An accented Latin letter next to a plain one: a word of a Western language.
_LATIN_WORD = re.compile(r"[A-Za-z][\u00c0-\u00ff]|[\u00c0-\u00ff][A-Za-z]")
# UTF-8 bytes of Arabic script shown as Windows-1252 ("Ø³Ø±ÙˆÛŒØ³" for "سرویس").
_UTF8_AS_1252 = re.compile(
    "[\u00d8\u00d9\u00da\u00db][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
# Windows-1256 bytes shown as Windows-1252 ("ÓÑæíÓ" for "سرویس"): long runs of accented
# capitals and small letters that no Western word has.
_1256_AS_1252 = re.compile("[\u00c0-\u00ff]{4,}")


def _as_utf8(f: InputFile, workdir: Path) -> Path:
    """The file itself when it is UTF-8, else a UTF-8 copy; blocks when unsure."""
    with f.path.open("rb") as fh:
        raw = fh.read(_SNIFF_BYTES)
    encoding = _sniff_encoding(f, raw)
    if not encoding.startswith("utf-16"):
        _refuse_nul(f)
    if encoding == "utf-8":
        _refuse_garbled(f, raw.decode("utf-8", errors="replace"))
        return f.path
    return _transcode(f, encoding, workdir)


def _sniff_encoding(f: InputFile, raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = raw[:4096]
    if len(head) >= 4:
        zeros_even, zeros_odd = head[0::2].count(0), head[1::2].count(0)
        if zeros_odd > len(head) // 8 and zeros_even == 0:
            return "utf-16-le"
        if zeros_even > len(head) // 8 and zeros_odd == 0:
            return "utf-16-be"
        if zeros_even + zeros_odd:
            raise BlockingError(
                f"{f.name}: the file holds binary data (NUL bytes), not text: is it really a "
                f"{f.path.suffix or 'text'} export? Export the data again as CSV UTF-8."
            )
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 4 and len(raw) == _SNIFF_BYTES:
            return "utf-8"  # a character cut at the end of the sample
    return _single_byte_encoding(f, _non_utf8_lines(f))


def _refuse_nul(f: InputFile) -> None:
    """No text export holds a NUL byte: one anywhere (not only in the first look) means
    binary data or a damaged file. bytes.find runs at memory speed."""
    offset, newlines = 0, 0
    with f.path.open("rb") as fh:
        while chunk := fh.read(1 << 24):
            at = chunk.find(b"\0")
            if at >= 0:
                line = newlines + chunk.count(b"\n", 0, at) + 1
                raise BlockingError(
                    f"{f.name}: the file holds binary data (a NUL byte on line {line}, byte {offset + at:,}), "
                    "not text: is it damaged, or another file pasted in? Export the data again as CSV UTF-8."
                )
            offset += len(chunk)
            newlines += chunk.count(b"\n")


def _non_utf8_lines(f: InputFile, limit: int = _SNIFF_BYTES) -> bytes:
    """Lines with bytes beyond ASCII (up to `limit` bytes of them), for telling encodings
    apart; blocks when some are UTF-8 and others are not (a file of mixed encodings)."""
    picked: list[bytes] = []
    size, utf8_line, other_line = 0, None, None
    with f.path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                utf8_line = utf8_line or number
                continue
            except UnicodeDecodeError:
                other_line = other_line or number
            picked.append(line)
            size += len(line)
            if size >= limit:
                break
    if utf8_line and other_line:
        raise BlockingError(
            f"{f.name}: the file mixes text encodings: line {utf8_line} is UTF-8, line {other_line} is "
            f"not (perhaps exports of different systems pasted together). {_SAVE_AS_UTF8}"
        )
    return b"".join(picked)


def _single_byte_encoding(f: InputFile, raw: bytes) -> str:
    """Windows-1256 (Persian) or Windows-1252 (Western), by which one gives words."""
    as_1256 = raw.decode("cp1256", errors="replace")
    try:
        as_1252 = raw.decode("cp1252")
    except UnicodeDecodeError:
        as_1252 = None  # bytes Windows-1252 does not define (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    arabic = len(_ARABIC_WORD.findall(as_1256))
    latin = len(_LATIN_WORD.findall(as_1252)) if as_1252 is not None else 0
    if arabic and arabic >= latin:
        return "cp1256"
    if as_1252 is not None and not arabic:
        return "cp1252"
    if as_1252 is not None and latin > arabic:
        return "cp1252"
    raise BlockingError(
        f"{f.name}: the file is not UTF-8, and it reads as neither Windows-1252 (Western) nor "
        f"Windows-1256 (Persian) text. {_SAVE_AS_UTF8}"
    )


def _refuse_garbled(f: InputFile, text: str) -> None:
    """Text that was already decoded with the wrong encoding and saved again (mojibake)."""
    for pattern, what in (
        (_UTF8_AS_1252, "UTF-8 text that was opened as Windows-1252 and saved again"),
        (_1256_AS_1252, "Persian text (Windows-1256) that was opened as Windows-1252 and saved again"),
    ):
        found = list(pattern.finditer(text))
        if len(found) >= 3 and not (pattern is _1256_AS_1252 and _ARABIC_WORD.search(text)):
            start = found[0].start()
            sample = text[max(0, start - 10):start + 20].replace("\n", " ")
            raise BlockingError(
                f"{f.name}: the text is garbled ({len(found)} places such as '{sample}'): it looks like "
                f"{what}, so its Persian or accented letters are lost. Export it again from the "
                f"source system as UTF-8, or open the original with its real encoding and save it as UTF-8."
            )


def _transcode(f: InputFile, encoding: str, workdir: Path) -> Path:
    f.encoding = encoding
    out = Path(tempfile.mkstemp(suffix=".csv", dir=workdir)[1])
    try:
        with f.path.open("r", encoding=encoding, newline="") as src, out.open("w", encoding="utf-8", newline="") as dst:
            first = True
            while chunk := src.read(1 << 22):
                dst.write(chunk.lstrip("\ufeff") if first else chunk)
                first = False
    except UnicodeDecodeError as exc:
        raise BlockingError(
            f"{f.name}: the file is neither UTF-8 nor readable as {ENCODING_NAMES.get(encoding, encoding)} "
            f"({exc.reason} at byte {exc.start}). {_SAVE_AS_UTF8}"
        ) from exc
    with out.open("r", encoding="utf-8") as fh:
        _refuse_garbled(f, fh.read(_SNIFF_BYTES))
    return out


def _q(identifier: str) -> str:
    return identifier.replace('"', '""')


# --- JSON ------------------------------------------------------------------------------

def _load_json(con, f: InputFile, table: str) -> None:
    # Read twice: once to learn the keys, once with every key as text, so that DuckDB's
    # type detection never drops an offset from a timestamp or rounds a number.
    described = con.execute(
        "describe select * from read_json($p, format = 'auto', sample_size = -1)", {"p": literal_path(f.path)}
    ).fetchall()
    columns = {name: "VARCHAR" for name, *_ in described}
    con.execute(
        f"create temp table {table}_read as select * from read_json($p, format = 'auto', columns = $c)",
        {"p": literal_path(f.path), "c": columns},
    )
    _rename_reserved(con, f"{table}_read")
    # A JSON lines file: line k holds row k. A JSON array: the k-th element.
    con.execute(f"create temp view {table} as select *, rowid + 1 as _line from {table}_read")


# --- XML -------------------------------------------------------------------------------

def _load_xml(con, f: InputFile, table: str) -> None:
    """A record export (`<Responses><Response><field>value</field>...</Response>...`): one row
    per child of the root, one column per field. Parsed with defusedxml, which refuses entity
    expansion ("billion laughs") and external entities: the file comes from a user. Its rows
    are numbered by position (the k-th record), as in a JSON array."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, parse

    try:
        root = parse(str(f.path)).getroot()
    except (ParseError, DefusedXmlException) as exc:
        raise BlockingError(f"{f.name}: the file cannot be read as XML ({_first_line(exc, f)})") from exc
    records = [el for el in root if len(el)]
    names: dict[str, None] = {}
    rows = []
    for el in records:
        row = {}
        for child in el:
            if len(child):
                continue  # nested groups (embedded data blocks): not a field of the response
            row.setdefault(child.tag, (child.text or "").strip() or None)
            names.setdefault(child.tag, None)
        rows.append(row)
    header = ["x_line" if n.lower() == "_line" else n for n in names]
    check_header(f, header)
    data = {h: pa.array([r.get(n) for r in rows], pa.string()) for h, n in zip(header, names, strict=True)}
    if not data:
        raise BlockingError(f"{f.name}: the XML holds no records (elements with fields under the root)")
    data["_line"] = pa.array(range(1, len(rows) + 1), pa.int64())
    con.register(f"{table}_arrow", pa.table(data))
    con.execute(f"create temp table {table} as select * from {table}_arrow")
    con.unregister(f"{table}_arrow")


# --- Excel -----------------------------------------------------------------------------

MAX_XLSX_CELLS = 25_000_000  # rows x columns of the first sheet's used area
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"')


def _sheet_extent(path: Path) -> tuple[int, int, str] | None:
    """The first sheet's used area (rows, columns, the farthest cell) from the workbook's XML,
    before anything is materialised: the reader allocates rows x columns cells, so one value
    at XFD1048576 in a 2 KB file asks for 17 billion of them. None when the file is not a
    readable workbook (the reader then says why)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            sheet = _first_sheet_part(z, names)
            if sheet is None:
                return None
            rows = cols = 0
            far = ""
            tail = b""
            with z.open(sheet) as fh:
                while chunk := fh.read(1 << 20):
                    data = tail + chunk
                    for m in _CELL_REF.finditer(data):
                        col = 0
                        for ch in m.group(1):
                            col = col * 26 + ch - 64
                        row = int(m.group(2))
                        if row > rows or col > cols:
                            rows, cols = max(rows, row), max(cols, col)
                            far = (m.group(1) + m.group(2)).decode()
                    tail = data[-200:]
            return rows, cols, far
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None


def _first_sheet_part(z, names: set[str]) -> str | None:
    workbook = z.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
    first = re.search(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"', workbook)
    rels = z.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
    if first:
        for rel in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
            if re.search(rb'\bId="' + re.escape(first.group(1)) + rb'"', rel.group(0)):
                target = re.search(rb'\bTarget="([^"]+)"', rel.group(0))
                if target:
                    t = target.group(1).decode().lstrip("/")
                    t = t if t.startswith("xl/") else "xl/" + t
                    if t in names:
                        return t
    sheets = sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    return sheets[0] if sheets else None


def _load_xlsx(con, f: InputFile, table: str) -> None:
    from python_calamine import CalamineWorkbook

    extent = _sheet_extent(f.path)
    if extent and extent[0] * extent[1] > MAX_XLSX_CELLS:
        rows, cols, far = extent
        raise BlockingError(
            f"{f.name}: the first sheet reaches cell {far} ({rows:,} rows x {cols:,} columns = "
            f"{rows * cols:,} cells), more than the {MAX_XLSX_CELLS:,} cells read from a workbook. If the "
            f"data is smaller, a value far outside it (at {far}) stretches the sheet: delete the rows and "
            "columns after the data and save again, or export the sheet as CSV UTF-8."
        )
    try:
        sheet = CalamineWorkbook.from_path(str(f.path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # python-calamine raises its own error types (zip, xml, ...)
        raise BlockingError(
            f"{f.name}: the file cannot be read as an Excel workbook ({_first_line(exc, f)}). Save it again "
            "from Excel as .xlsx, or as CSV UTF-8."
        ) from exc
    if not sheet:
        raise BlockingError(f"{f.name}: the first sheet is empty (not even a header row)")
    header = [str(h).strip() if h not in (None, "") else f"column_{i + 1}" for i, h in enumerate(sheet[0])]
    check_header(f, header)
    # The export's own `_line` is kept as x_line, as in the other formats (_rename_reserved).
    header = ["x_line" if h.lower() == "_line" else h for h in header]
    check_header(f, header)
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
