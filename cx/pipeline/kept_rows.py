"""The checked rows of each input file, kept beside the warehouse from one refresh to the next.

Analysts refresh with one new export at a time; reading and checking every earlier export
again would cost the whole history each time. So each file's checked rows (the row rules'
output, queries/checks/rows.sql) are written once, as Parquet, under
`<warehouse>.rows/<source>/<key>/`, with what the refresh knows of the file beside them
(`<key>.json`: its rows, format, encoding, skipped rows, the lines that could not be split).

The key is a digest of everything the checked rows depend on: the file's content and name,
the code of the readers, importers and row rules, the DuckDB version, the settings the rules
read (time zone, earliest date, future tolerance), the data folder's mappings file and the
installation's secret (e-mail addresses are kept hashed with it). A refresh reads and checks
only the files whose key it has not kept; the rest come from their Parquet. The one input of
the rules that moves by itself is the time bound "not after now plus the tolerance" (plus a
column's own allowance, such as a promise's years): a kept file is reused only when each of
its timestamps is before both the bound it was checked with and today's, so that it would be
checked the same today. A file whose rows depend on other files
(JSON record sets completed from other files, a format replaced by another file's rows) is
checked every time and never kept.

The refresh's own view of a source's checked rows (`work.checked_<source>`) reads the kept
Parquet of every file of this refresh, whether kept earlier or just now, and numbers each
file by its place in this refresh (`_file_no`). After a published refresh the entries of
files no longer in the folder are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import duckdb

from checks.rules import RULES, TIMESTAMP
from cx.pipeline import personal
from cx.pipeline.readers import InputFile, literal_path

SUFFIX = ".rows"
_ROOT = Path(__file__).resolve().parents[2]
# The code the checked rows are made by: a change to any of it is a new version of the rules.
_RULE_CODE = ("checks", "cx/pipeline", "cx/schema.py", "queries/checks", "queries/macros/parsing.sql")
# What an entry's description holds of its file (InputFile's fields).
_FILE_FIELDS = ("rows", "fmt", "encoding", "format_name", "format_key", "record_set", "skip_reasons", "malformed")


def store_dir(target: Path) -> Path:
    return target.with_name(target.name + SUFFIX)


def _digest(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(p if isinstance(p, bytes) else p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def rules_version(settings, data_dir: Path, secret: bytes) -> str:
    """The digest of the rules' code, the settings the rules read, the mappings and the secret."""
    parts: list[str | bytes] = [duckdb.__version__]
    for name in _RULE_CODE:
        path = _ROOT / name
        files = sorted(p for p in path.rglob("*") if p.suffix in (".py", ".sql")) if path.is_dir() else [path]
        for p in files:
            parts += [str(p.relative_to(_ROOT)), p.read_bytes()]
    parts += [settings.timezone, settings.earliest_date.isoformat(), str(settings.future_tolerance_days)]
    mappings = data_dir / "mappings.toml"
    parts.append(mappings.read_bytes() if mappings.is_file() else b"")
    parts.append(hashlib.blake2b(secret, digest_size=16).digest())
    return _digest(*parts)


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _content_digest(path: Path) -> tuple[list[int], str]:
    """The file's size and times, taken before its content is read, and the content's digest:
    a file written while it is read is digested again next time."""
    stat = _stat(path)
    with path.open("rb") as fh:
        return stat, hashlib.file_digest(fh, "blake2b").hexdigest()[:32]


class Store:
    """The kept rows of one warehouse, for one refresh."""

    def __init__(self, target: Path, version: str, latest: datetime, full: bool = False):
        self.dir = store_dir(target)
        # Batches are written here first, on the entries' file system so that they move by
        # renaming; one refresh of a warehouse runs at a time, so any other is a killed one's.
        for old in self.dir.glob("tmp-*"):
            shutil.rmtree(old, ignore_errors=True)
        self._scratch = self.dir / f"tmp-{os.getpid()}"
        self.version, self.latest, self.full = version, latest, full
        self.used: set[Path] = set()  # the entries this refresh reads, kept or written
        self.rows_of: dict[tuple[str, int], Path | None] = {}  # (source, file number) -> its rows' folder
        self.unkept: set[tuple[str, int]] = set()  # files whose rows depend on other files
        self.reused: dict[str, list[int]] = {}  # source -> [files reused, files]
        self._digests_file = self.dir / "digests.json"
        try:
            self._digests: dict = json.loads(self._digests_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._digests = {}
        # Content digests are computed beside DuckDB's reading (hashing releases the GIL).
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="digest")
        self._pending: dict[Path, Future] = {}

    # -- keys --------------------------------------------------------------------------

    def expect(self, files: list[InputFile]) -> None:
        """Start digesting the files whose content is not known from an earlier refresh."""
        for f in files:
            if self._known(f) is None and f.path not in self._pending:
                self._pending[f.path] = self._pool.submit(_content_digest, f.path)

    def _known(self, f: InputFile) -> str | None:
        seen = self._digests.get(str(f.path))
        return seen[1] if seen and seen[0] == _stat(f.path) else None

    def _content(self, f: InputFile) -> str:
        digest = self._known(f)
        if digest is None:
            future = self._pending.pop(f.path, None) or self._pool.submit(_content_digest, f.path)
            stat, digest = future.result()
            self._digests[str(f.path)] = [stat, digest]
        return digest

    def key(self, f: InputFile) -> str:
        forced = getattr(f.forced, "key", "") if f.forced is not None else ""
        return _digest(self.version, f.source, f.name, forced, self._content(f))

    def kept_key(self, f: InputFile) -> str:
        """The key of a file whose rows are its own; empty for one whose rows may depend on
        other files (never kept, and JSON, whose record sets may complete other files')."""
        if f.fmt == "json" or (f.source, f.number) in self.unkept:
            return ""
        return self.key(f)

    def _entry(self, f: InputFile) -> Path:
        return self.dir / f.source / self.key(f)

    # -- reuse -------------------------------------------------------------------------

    def reusable(self, f: InputFile) -> dict | None:
        """The description of the file's kept entry when its checked rows can be reused."""
        if self.full or not (self.dir / f.source).is_dir():
            return None
        # Without a digest from an earlier refresh, a file is new or changed: it is checked
        # unless an entry of the same name could hold it (its content digested first).
        if self._known(f) is None and not any((self.dir / f.source).glob("*.json")):
            return None
        entry = self._entry(f)
        try:
            meta = json.loads(entry.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("parquet") and not any(entry.glob("*.parquet")):
            return None
        latest = datetime.fromisoformat(meta["latest"])
        if meta["max_ts"] is not None and datetime.fromisoformat(meta["max_ts"]) >= min(latest, self.latest):
            return None  # checked against another "not after now" bound: it could differ today
        return meta

    def lookup(self, f: InputFile) -> bool:
        """Take the file's description from its entry when its checked rows can be reused."""
        tally = self.reused.setdefault(f.source, [0, 0])
        tally[1] += 1
        meta = self.reusable(f)
        if meta is None:
            return False
        for name in _FILE_FIELDS:
            setattr(f, name, meta[name])
        f.malformed = list(meta["malformed"])
        entry = self._entry(f)
        self.used.add(entry)
        self.rows_of[(f.source, f.number)] = entry if meta.get("parquet") else None
        tally[0] += 1
        return True

    # -- writing -----------------------------------------------------------------------

    def write(self, con, query: str, params: dict, files: list[InputFile], keep: set[int]) -> None:
        """The checked rows of a batch of files (`query`, one row per line, `_file_no` the
        file's number) written one folder a file; the files numbered in `keep` become entries."""
        out = self._scratch / f"{files[0].source}-{files[0].number}"
        out.parent.mkdir(parents=True, exist_ok=True)
        # Each row carries its file's key (constant within a file: stored once a row group), by
        # which the view numbers the files of a refresh; a folder name would be read as a
        # partition, and so would any `name=value` folder of the warehouse's own path.
        keys = {f.number: self.key(f) if f.number in keep else f"tmp{f.number}" for f in files}
        key_of = "case _file_no " + " ".join(f"when {n} then '{k}'" for n, k in keys.items()) + " end"
        if len(files) == 1:
            # One file: the folder and columns a partitioned write would make (which leaves
            # out the partition column), without its cost: it buffers rows per partition.
            part = out / f"_file_no={files[0].number}"
            part.mkdir(parents=True, exist_ok=True)
            rows = f"select * exclude (_file_no), {key_of} as _kept_key from ({query})"
            con.execute(f"copy ({rows}) to '{_sql_text(str(part / 'data_0.parquet'))}' (format parquet)", params)
        else:
            rows = f"select *, {key_of} as _kept_key from ({query})"
            con.execute(f"copy ({rows}) to '{_sql_text(str(out))}' (format parquet, partition_by (_file_no))", params)
        stamps = self._max_timestamps(con, out, keys, files[0].source)
        for f in files:
            part = out / f"_file_no={f.number}"
            if f.number not in keep:
                # Read by this refresh only (its rows depend on other files): named like an
                # entry, so that one view reads both.
                dest = out / keys[f.number]
                self.unkept.add((f.source, f.number))
                if part.is_dir():
                    part.rename(dest)
                self.rows_of[(f.source, f.number)] = dest if dest.is_dir() else None
                continue
            entry = self._entry(f)
            entry.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(entry, ignore_errors=True)
            if part.is_dir():
                shutil.move(str(part), str(entry))
            self.rows_of[(f.source, f.number)] = entry if entry.is_dir() else None
            meta = {name: getattr(f, name) for name in _FILE_FIELDS}
            meta["malformed"] = [{**m, "value": personal.hide_addresses(m["value"])} for m in f.malformed]
            meta.update(
                source=f.source, name=f.name, parquet=entry.is_dir(), latest=self.latest.isoformat(),
                max_ts=stamps[f.number].isoformat() if stamps.get(f.number) else None,
            )
            tmp = entry.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, entry.with_suffix(".json"))
            self.used.add(entry)

    def _max_timestamps(self, con, out: Path, keys: dict[int, str], source: str) -> dict[int, datetime | None]:
        """Each file's latest timestamp of any typed column, rejected rows included, less the
        days that column may lie after the bound (a promise may lie years ahead): what the
        bound "not after now plus the tolerance" is compared with."""
        glob = literal_path(out) + "/*/*.parquet"
        if not any(out.glob("*/*.parquet")):
            return {}
        have = {name for name, *_ in con.execute(
            "describe select * from read_parquet($g, hive_partitioning = false)", {"g": glob}
        ).fetchall()}
        cols = [
            f'max("_v_{c.name}") - interval {int(c.future_days)} day'
            for c in RULES[source].columns if c.type == TIMESTAMP and f"_v_{c.name}" in have
        ]
        if not cols:
            return {}
        latest = dict(con.execute(
            f"select _kept_key, greatest({', '.join(cols)}) from read_parquet($g, hive_partitioning = false) "
            "group by _kept_key",
            {"g": glob},
        ).fetchall())
        return {n: latest.get(k) for n, k in keys.items()}

    # -- reading -----------------------------------------------------------------------

    def create_view(self, con, source: str, files: list[InputFile], empty: str) -> None:
        """`work.checked_<source>`: the checked rows of this refresh's files of the source,
        each numbered by its place in this refresh; `empty` (a table of the columns, no rows)
        keeps the columns when no file has rows."""
        parts, numbers = [], []
        for f in files:
            folder = self.rows_of.get((source, f.number))
            if folder is not None:
                parts.append(literal_path(folder) + "/*.parquet")
                numbers.append((folder.name, f.number))
        con.execute(f"create or replace table work.kept_files_{source} (k varchar, file_no bigint)")
        if numbers:
            con.executemany(f"insert into work.kept_files_{source} values (?, ?)", numbers)
        body = f"select * from {empty}"
        if parts:
            paths = ", ".join(f"'{_sql_text(p)}'" for p in parts)
            body += (
                " union all by name select n.file_no as _file_no, r.* exclude (_kept_key) "
                f"from read_parquet([{paths}], hive_partitioning = false, union_by_name = true) as r "
                f"inner join work.kept_files_{source} as n on r._kept_key = n.k"
            )
        con.execute(f"create or replace view work.checked_{source} as {body}")

    # -- after the refresh ---------------------------------------------------------------

    def close(self, published: bool) -> None:
        """Save the digests; after a published refresh, drop the entries it did not read."""
        self._pool.shutdown(wait=True)
        shutil.rmtree(self._scratch, ignore_errors=True)
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            tmp = self._digests_file.with_suffix(".tmp")
            live = {k: v for k, v in self._digests.items() if Path(k).exists()}
            tmp.write_text(json.dumps(live), encoding="utf-8")
            os.replace(tmp, self._digests_file)
            if published:
                for folder in [p for p in self.dir.iterdir() if p.is_dir() and not p.name.startswith("tmp-")]:
                    for entry in folder.glob("*.json"):
                        kept = entry.with_suffix("")
                        if kept not in self.used:
                            entry.unlink(missing_ok=True)
                            shutil.rmtree(kept, ignore_errors=True)
        except OSError:
            pass  # the kept rows only save time: the next refresh checks what it cannot reuse

    def reuse_note(self) -> str:
        """The refresh's summary of what it reused: `34 of 37 files reused`."""
        reused = sum(r for r, _ in self.reused.values())
        total = sum(n for _, n in self.reused.values())
        return "every file read (--full)" if self.full else f"{reused:,} of {total:,} files reused"

    def summary(self) -> str:
        reused = sum(r for r, _ in self.reused.values())
        total = sum(n for _, n in self.reused.values())
        if self.full:
            return f"{total:,} files read and checked in full (--full)"
        if not reused:
            return f"{total:,} files read and checked (none kept from an earlier refresh)"
        return (
            f"{reused:,} of {total:,} files unchanged since an earlier refresh, their checked rows reused ("
            + ", ".join(f"{s} {r:,}/{n:,}" for s, (r, n) in self.reused.items() if n) + ")"
        )


def create_checked_view(con, source: str, where: str = "") -> None:
    """`checked_<source>`: the checked rows as staging reads them, without the suites' `__`
    markers; `where` (our own condition, never a user's value) narrows them."""
    con.execute(
        f"create or replace temp view checked_{source} as "
        f"select columns(lambda c: not starts_with(c, '__')) from work.checked_{source}"
        + (f" where {where}" if where else "")
    )


def _sql_text(value: str) -> str:
    return value.replace("'", "''")

