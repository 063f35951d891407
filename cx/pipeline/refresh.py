"""Refresh: read every export, check every row, build the warehouse, publish it atomically.

Stages: read -> check -> stage -> model -> publish. Anything blocking raises BlockingError
before the publish step, so the last good warehouse is never touched.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

import checks
from checks import row_sql
from cx import audit, sql, warehouse
from cx.config import ConfigError, Settings
from cx.errors import BlockingError
from cx.pipeline import build, extend, importers, kept_rows, parsing, personal
from cx.pipeline.importers import mapping_file
from cx.pipeline.progress import Progress
from cx.pipeline.readers import InputFile, discover, normalize_column
from cx.schema import DERIVED, SOURCE_ORDER, SOURCES
from cx.stats import DEFAULT_WINDOW_DAYS

MEMORY_LIMIT = os.environ.get("CX_MEMORY_LIMIT", "2GB")
# What DuckDB's memory_limit accepts: a number and a unit (2GB, 1.5 GiB, 800MB) or a percentage.
_MEMORY_LIMIT = re.compile(r"\d+(\.\d+)?\s*([KMGT]i?B|%)", re.IGNORECASE)
# Input bytes checked in one query: enough that planning a query is small next to running
# it, little enough that the raw text stays in memory (all of a large source in one query
# spilled to disk and ran slower than the same rows a file at a time: benchmarks/history).
# A file that would take a batch past it is checked alone.
CHECK_BATCH_BYTES = 200_000_000
# And at most this many files: a query over a union of thousands of small files spends its
# time and memory planning the union (benchmarks/history/2026-12.md, 2,000 one-row files).
CHECK_BATCH_FILES = 100
# What each source is published as (queries/build.toml): its rows are counted from it.
PUBLISHED = {"customers": "stg_customers", "tickets": "ticket_facts", "surveys": "survey_facts",
             "reviews": "review_facts"}


@dataclass
class SourceSummary:
    files: int = 0
    rows: int = 0
    rejected: int = 0
    updated: int = 0
    published: int = 0
    skipped: int = 0  # rows the vendor marks as not an answer (importers), never rejected


@dataclass
class RefreshResult:
    refresh_id: str
    published: bool
    message: str
    sources: dict[str, SourceSummary] = field(default_factory=dict)
    data_as_of: datetime | None = None
    report: list[dict] = field(default_factory=list)  # the validation report (checks/)
    # published; blocked (the data stopped it); failed (the machine: disk, folders, memory);
    # busy (another refresh of the target was running, so this one did not start)
    kind: str = "blocked"


def new_refresh_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(2)


def refresh(
    data_dir: Path,
    target: Path,
    settings: Settings,
    say: Callable[[str], None] = print,
    full: bool = False,
    progress: Progress | None = None,
    actor: str = "",
    lock_token: str | None = None,
) -> RefreshResult:
    """Refresh `target` from the exports in `data_dir`. Files whose checked rows are kept from
    an earlier refresh are not read again unless `full`; `say` gets each stage's line, and
    `progress` (lines through `say` when not given) hears of each stage and file as it goes.
    `actor` is written into the refresh lock (who a second refresh is told is running);
    `lock_token`: the lock was taken for this process (cx.warehouse.hold_for_child)."""
    target = target.resolve()
    warehouse.check_target(target)
    memory_limit()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with warehouse.refresh_lock(target, actor=actor, token=lock_token, on_abandoned=audit.abandoned(target)):
            return _refresh(data_dir, target, settings, say, full, progress or Progress(say))
    except warehouse.RefreshBusy as exc:
        return RefreshResult("", False, str(exc), kind="busy")


def _refresh(data_dir: Path, target: Path, settings: Settings, say: Callable[[str], None], full: bool,
             progress: Progress) -> RefreshResult:
    refresh_id = new_refresh_id()
    started = datetime.now(UTC)
    warehouse.remove_stale_temp_files(target)
    built = warehouse.temp_path(target, refresh_id)
    workdir = warehouse.make_workdir()
    sources: dict[str, SourceSummary] = {s: SourceSummary() for s in SOURCE_ORDER}
    files: dict[str, list[InputFile]] = {}
    say(f"refresh {refresh_id}: data {data_dir}, time zone {settings.timezone}")
    store = plan = None
    try:
        if data_dir.is_dir():  # else the read stage says that it is missing
            secret = personal.load_secret(target)
            bounds = _plausible_bounds(settings)
            rules = kept_rows.rules_version(settings, data_dir, secret)
            store = kept_rows.Store(target, rules, bounds["latest"], full=full)
            version = extend.build_version(rules, settings)
            plan = None if full else _extension_plan(target, data_dir, version, store)
            if plan is not None:
                extend.start_from(plan, built)
        con = duckdb.connect(str(built))
    except (duckdb.Error, OSError) as exc:
        if store is not None:
            store.close(False)
        built.unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)
        message = _environment_fault(exc, target)
        _log_attempt(target, refresh_id, started, data_dir, False, message, sources)
        return RefreshResult(refresh_id, False, message, sources, kind="failed")
    checks.preload()
    published = False
    try:
        if plan is not None:
            extend.prepare(con)
        _configure(con, settings, workdir)
        if not data_dir.is_dir():
            raise BlockingError(f"data folder {data_dir} does not exist")
        personal.create_hash_macro(con, secret)
        with _stage(say, progress, 1, "read") as note:
            parsing.install(con)
            sql.execute_script(con, "refresh/work_tables")
            # The checked rows (export columns, `_v_` typed values, `_problems`, and `__`
            # markers for the suites) are kept as Parquet beside the warehouse (kept_rows),
            # read through views of an attached work database, so that the GX suites' own
            # connection sees them; staging sees only the export's columns through the
            # `checked_<source>` view. On disk rather than in memory: the memory is the
            # stages' that follow, and the next refresh reuses what did not change.
            con.execute("attach ':memory:' as work")
            rule_seconds = 0.0
            mappings = mapping_file.load_all(data_dir)
            for source in SOURCE_ORDER:
                files[source], secs = read_source(con, data_dir, source, workdir, bounds, store, mappings, progress)
                rule_seconds += secs
                sources[source].files = len(files[source])
                sources[source].rows = sum(f.rows + len(f.malformed) for f in files[source])
                sources[source].skipped = sum(f.skipped for f in files[source])
            note(" | ".join(
                f"{s} {_n(v.files)} files, {_n(v.rows)} rows" + (f" ({_n(v.skipped)} skipped)" if v.skipped else "")
                for s, v in sources.items()
            )
                 + f" | row rules applied as each file was read ({rule_seconds:.1f} s of this)"
                 + f"\n      {store.summary()}")
        # Row order mattered while files were read (it numbers their lines); from here on it
        # does not, and keeping it costs memory in every operator.
        con.execute("set preserve_insertion_order = false")
        with _stage(say, progress, 2, "check") as note:
            report, suite_seconds = _check(con, settings, files, sources, refresh_id, bounds)
            note("rejected: " + ", ".join(f"{s} {_n(v.rejected)}" for s, v in sources.items())
                 + f" | {_report_note(report)} (suites {suite_seconds:.1f} s)")
        with _stage(say, progress, 3, "stage") as note:
            built_in, extended = _build_staging(con, settings, sources, plan)
            note(
                "published rows: " + ", ".join(f"{s} {_n(v.published)}" for s, v in sources.items())
                + " | updated by later files: "
                + ", ".join(f"{s} {_n(v.updated)}" for s, v in sources.items())
                + f"\n      built: {_took(built_in)}"
                + ("" if extended is None else
                   f"\n      ticket_facts extended: {_n(extended)} tickets built again from the "
                   f"{_n(plan.added)} added files, the other {_n(sources['tickets'].published - extended)} "
                   "kept from the previous warehouse")
            )
        with _stage(say, progress, 4, "model") as note:
            built_in = {}
            for entry in build.stage("model"):
                t0 = time.perf_counter()
                build.create(con, entry, _build_params(settings))
                built_in[entry.name] = time.perf_counter() - t0
            as_of = con.execute("select as_of from data_bounds").fetchone()[0]
            counts = con.execute(
                "select (select count(*) from ticket_facts), (select count(*) from failure_recoveries)"
            ).fetchone()
            note(f"ticket_facts {_n(counts[0])} | failure_recoveries {_n(counts[1])}\n      built: {_took(built_in)}")
        with _stage(say, progress, 5, "publish") as note:
            _record(con, target, refresh_id, started, data_dir, settings, files, sources, as_of)
            con.executemany("insert into built_from values (?, ?, ?, ?, ?)", [
                (source, f.number, f.name, store.kept_key(f), version)
                for source, found in files.items() for f in found
            ])
            con.execute("checkpoint")
            con.close()
            warehouse.publish(built, target, refresh_id)
            published = True
            note(f"{target} (data as of {_fmt_ts(as_of)})")
    except BlockingError as exc:
        _discard(con, built)
        report = getattr(exc, "report", None)
        _log_attempt(target, refresh_id, started, data_dir, False, str(exc), sources, report)
        return RefreshResult(refresh_id, False, str(exc), sources, report=report or [])
    except (duckdb.Error, OSError) as exc:
        # Not a fault of the data: a full disk, a folder that cannot be written, memory. The
        # person gets the cause in one sentence and the attempt is logged, as for a block.
        _discard(con, built)
        message = _environment_fault(exc, target)
        _log_attempt(target, refresh_id, started, data_dir, False, message, sources)
        return RefreshResult(refresh_id, False, message, sources, kind="failed")
    except BaseException:
        _discard(con, built)
        raise
    finally:
        if store is not None:
            store.close(published)
        progress.close()
        shutil.rmtree(workdir, ignore_errors=True)
        checks.finish_preload()
    message = (
        f"published {target}: "
        + ", ".join(f"{v.published:,} {s}" for s, v in sources.items())
        + f"; {_rows(sum(v.rejected for v in sources.values()))} rejected"
        + f"; {_rows(sum(v.updated for v in sources.values()))} updated by later files"
        + f"; {store.reuse_note()}"
    )
    reasons: dict[str, int] = {}
    for found in files.values():
        for f in found:
            for reason, n in f.skip_reasons.items():
                reasons[reason] = reasons.get(reason, 0) + n
    if reasons:
        message += (f"; {_rows(sum(reasons.values()))} skipped as not answers ("
                    + ", ".join(f"{n:,} {reason}" for reason, n in reasons.items()) + ")")
    warnings = [r for r in report if not r["success"] and r["severity"] == "warn"]
    if warnings:
        message += f"; {len(warnings)} warning{'s' if len(warnings) > 1 else ''} (python -m cx checks)"
    _log_attempt(target, refresh_id, started, data_dir, True, message, sources, report)
    return RefreshResult(refresh_id, True, message, sources, as_of, report=report, kind="published")


def _environment_fault(exc: BaseException, target: Path) -> str:
    """A failure of the machine (disk, permissions, memory) as one sentence with its cause."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        text = f"{exc.strerror}{where}"
    hint = ""
    low = text.lower()
    if "no space" in low or "disk is full" in low or "not enough space" in low:
        hint = " Free some disk space (the new warehouse is written beside the old one) and refresh again."
    elif "permission" in low or "read-only" in low:
        hint = f" Check that {target.parent} can be written by this user."
    elif "memory" in low:
        hint = " Raise CX_MEMORY_LIMIT or refresh on a machine with more memory."
    return f"the refresh could not finish: {text}.{hint} Nothing was published."


def _sql_text(value: str) -> str:
    """A value inside a SET statement's quotes (SET takes no parameters)."""
    return value.replace("'", "''")


def _configure(con, settings: Settings, workdir: Path) -> None:
    # SET takes no parameters; the zone name was checked against the tz database on load.
    con.execute(f"set TimeZone = '{_sql_text(settings.timezone)}'")
    con.execute(f"set memory_limit = '{_sql_text(memory_limit())}'")
    con.execute(f"set temp_directory = '{_sql_text(str(workdir).replace(chr(92), '/'))}'")
    con.execute("set preserve_insertion_order = true")
    warehouse.tune(con)
    con.execute("create table settings as select unnest($row)", {"row": settings.as_row()})


class _stage:
    """Times a stage and prints its line: `[2/5] check    rejected: ... (0.4 s)`."""

    def __init__(self, say, progress: Progress, number: int, name: str):
        self.say, self.number, self.name, self.detail = say, number, name, ""
        self.progress = progress

    def __enter__(self):
        self.progress.stage(self.number, 5, self.name)
        self.t0 = time.perf_counter()
        return self._note

    def _note(self, text: str) -> None:
        self.detail = text

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            secs = time.perf_counter() - self.t0
            first, _, more = self.detail.partition("\n")
            self.say(f"[{self.number}/5] {self.name:<8} {first} ({secs:.1f} s)" + (f"\n{more}" if more else ""))
        return False


def memory_limit() -> str:
    """CX_MEMORY_LIMIT, checked: a value DuckDB does not take ('2 gigs') is a usage error."""
    value = MEMORY_LIMIT.strip()
    if not _MEMORY_LIMIT.fullmatch(value):
        raise ConfigError(
            f"CX_MEMORY_LIMIT={MEMORY_LIMIT!r} is not a memory size: use a number and a unit, "
            "such as 2GB, 1.5GiB or 800MB, or a share of the memory such as 50%"
        )
    return value


def _plausible_bounds(settings: Settings) -> dict:
    """The row checks' time bounds: nothing before the configured earliest date, nothing
    after the refresh (plus the configured tolerance)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return {
        "now": now,
        "earliest": datetime.combine(settings.earliest_date, datetime.min.time()),
        "latest": now + timedelta(days=settings.future_tolerance_days),
    }


def read_source(
    con, data_dir: Path, source: str, workdir: Path, bounds: dict, store: kept_rows.Store, mappings=(),
    progress: Progress | None = None,
) -> tuple[list[InputFile], float]:
    """Read the files of a source and check their rows a batch of files at a time; each batch's
    checked rows go to the kept rows (`store`), and `work.checked_<source>` reads them all. A
    file whose checked rows the store holds from an earlier refresh is not read at all. Files
    are batched because one query per small file spends more time planning than checking, and
    all of a large source in one query would hold gigabytes of raw text; a batch holds files
    of the same columns only, so that no file's rows depend on which others it was read with.
    Returns the files and the seconds spent on the row rules."""
    spec = SOURCES[source]
    found = _inputs(data_dir, source)
    if not found and spec.mandatory:
        raise BlockingError(
            f"{source}: no files in {data_dir / source}. Put the {source} exports there "
            f"(CSV, TSV, Parquet, JSON, .xlsx or XML, as your tools export them; see docs/inputs.md)."
        )
    progress = progress or Progress(lambda _: None)
    progress.files(source, len(found))
    store.expect(found)
    rule_seconds, batch, batch_bytes = 0.0, [], 0
    companions = importers.Companions(found)

    def flush():
        nonlocal rule_seconds, batch, batch_bytes
        if batch:
            t0 = time.perf_counter()
            _check_rows(con, source, batch, bounds, store)
            rule_seconds += time.perf_counter() - t0
            # The batch's own tables only: the file read after it is already loaded.
            done = [f"src_{source}_{f.number}" for f, *_ in batch]
            _free_inputs(con, ("raw_",) + tuple(t + "_" for t in done), names=set(done))
        batch, batch_bytes = [], 0

    for i, f in enumerate(found):
        reusable = not importers.reads_other_files(f, companions)
        if reusable and store.lookup(f):
            _register_file(con, source, f)
            progress.file(f.described + " (unchanged: checked rows reused)")
            continue
        table = f"src_{source}_{f.number}"
        con.execute("set preserve_insertion_order = true")  # rowid numbers the lines
        table, original = importers.read(con, f, table, workdir, companions, mappings, found[:i])
        progress.file(f.described)
        select, kept = _kept_columns(f, source, table, original)
        if batch and (tuple(kept) != batch[0][2] or batch_bytes + f.bytes > CHECK_BATCH_BYTES
                      or len(batch) >= CHECK_BATCH_FILES):
            flush()
        _register_file(con, source, f)
        batch.append((f, select, tuple(kept), reusable and not importers.reads_other_files(f, companions)))
        batch_bytes += f.bytes
    flush()
    _empty_checked(con, source, bounds)
    store.create_view(con, source, found, f"work.empty_{source}")
    kept_rows.create_checked_view(con, source)
    if spec.mandatory and sum(f.rows for f in found) == 0 and any(f.skipped for f in found):
        reasons: dict[str, int] = {}
        for f in found:
            for reason, n in f.skip_reasons.items():
                reasons[reason] = reasons.get(reason, 0) + n
        raise BlockingError(
            f"{source}: every row of the files was skipped as not an answer ("
            + ", ".join(f"{n:,} {reason}" for reason, n in reasons.items())
            + f"), so there is nothing to publish. Add {source} exports that hold answers."
        )
    if spec.mandatory and sum(f.rows for f in found) == 0:
        raise BlockingError(
            f"{source}: the files hold no rows ({', '.join(f.name for f in found)}: header only?)"
        )
    return found, rule_seconds


def _inputs(data_dir: Path, source: str) -> list[InputFile]:
    """The source's files in the refresh's order: its own, then those of other sources that
    also hold its rows."""
    found = discover(data_dir, source)
    return found + importers.derived_files(data_dir, source, found)


def _kept_columns(f: InputFile, source: str, table: str, original: list[str]) -> tuple[str, list[str]]:
    """The select of a file's rows under the names the checks read (the contract's, case-
    insensitive; e-mail hashed; our own `_` names and derived names moved aside), and those
    names; blocks on a missing required column or two columns that would be one."""
    spec = SOURCES[source]
    by_name: dict[str, str] = {}
    for col in original:
        norm = normalize_column(col)
        if norm in by_name:
            raise BlockingError(
                f"{f.name}: columns '{by_name[norm]}' and '{col}' are the same column "
                f"'{norm}' (names are case-insensitive); remove one"
            )
        by_name[norm] = col
    missing = [c for c in spec.required if c not in by_name]
    if missing:
        raise BlockingError(
            f"{f.name}: required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} missing (found: {', '.join(original) or 'no columns'})"
            + (f"; its rows were read from under `{f.record_set}`" if f.record_set else "")
            + importers.closest(source, original)
        )
    cols, kept = [f"{f.number} as _file_no", "_line"], {}
    for norm, col in by_name.items():
        personal_data = personal.is_personal(norm)
        if personal_data:
            norm = "email" if source == "customers" else "email_hash"
        elif norm.startswith("_"):
            norm = "x" + norm  # our own bookkeeping columns start with _
        elif norm not in spec.columns and norm in DERIVED:
            norm = "extra_" + norm
        if norm in kept:
            raise BlockingError(
                f"{f.name}: columns '{kept[norm]}' and '{col}' would both be kept as '{norm}' "
                f"(a column named like one the product computes gets the prefix extra_, "
                f"e-mail columns are kept hashed); rename or remove one"
            )
        kept[norm] = col
        expr = f'"{_q(col)}"'
        if personal_data:
            # Personal data: only a keyed hash of the address ever reaches a table.
            expr = f"personal_hash(clean_text({expr}))"
        cols.append(f'{expr} as "{_q(norm)}"')
    cols += [f'null::varchar as "{c}"' for c in spec.columns if c not in kept]
    return f"select {', '.join(cols)} from {table}", list(kept)


def _register_file(con, source: str, f: InputFile) -> None:
    con.execute("insert into input_files values ($s, $n, $f)", {"s": source, "n": f.number, "f": f.name})
    for m in f.malformed:
        con.execute(
            "insert into malformed_lines values ($s, $f, $l, $v, $r)",
            {"s": source, "f": f.name, "l": m["line"], "v": personal.hide_addresses(m["value"]), "r": m["reason"]},
        )


def _check_rows(con, source: str, batch: list, bounds: dict, store: kept_rows.Store) -> None:
    """A batch of files (each with the select of its rows) through the row rules: the template
    queries/checks/rows.sql filled from the source's rules table (checks/row_sql.py) reads
    them as `raw_<source>`; the checked rows are written to the kept rows."""
    con.execute(
        f"create or replace temp view raw_{source} as " + " union all by name ".join(q for _, q, *_ in batch)
    )
    query = row_sql.render(sql.sql_text("checks/rows"), source)
    files = [f for f, *_ in batch]
    params = {"earliest": bounds["earliest"], "latest": bounds["latest"], "file_nos": [f.number for f in files],
              "source": source}
    store.write(con, query, sql.bind_text(query, params), files, {f.number for f, *_, keep in batch if keep})


def _empty_checked(con, source: str, bounds: dict) -> None:
    """`work.empty_<source>`: the checked rows' columns and types, no rows (a source without
    files, or whose files hold no rows, reads as usual downstream)."""
    empty = ", ".join(f'null::varchar as "{c}"' for c in SOURCES[source].columns)
    con.execute(
        f"create or replace temp view raw_{source} as "
        f"select null::bigint as _file_no, null::bigint as _line, {empty} where false"
    )
    query = row_sql.render(sql.sql_text("checks/rows"), source)
    params = {"earliest": bounds["earliest"], "latest": bounds["latest"], "file_nos": [], "source": source}
    con.execute(f"create table work.empty_{source} as " + query, sql.bind_text(query, params))
    con.execute(f"drop view raw_{source}")


def _check(con, settings: Settings, files: dict[str, list[InputFile]], sources,
           refresh_id: str, bounds: dict) -> tuple[list[dict], float]:
    # --- data-quality checks (issue 3) ---------------------------------------------------
    # The row rules ran as each file was read (_read_source); here the rejected rows are
    # gathered and the GX suites validate the checked rows.
    con.execute("create table rejected_rows as " + sql.sql_text("staging/rejected_rows"))
    for source, rejected in con.execute("select source, count(*) from rejected_rows group by source").fetchall():
        sources[source].rejected = rejected
    t0 = time.perf_counter()
    report = checks.run(
        con, "work", [s for s in SOURCE_ORDER if files[s]],
        max_rejected_pct=settings.max_rejected_pct, stale_after_days=settings.stale_after_days,
        earliest=bounds["earliest"], latest=bounds["latest"], now=bounds["now"], refresh_id=refresh_id,
    )
    suite_seconds = time.perf_counter() - t0
    for source, s in sources.items():
        if s.rows and 100.0 * s.rejected / s.rows > settings.max_rejected_pct:
            raise _blocked(_too_many_rejected(con, source, s, settings), report)
    blocking = checks.failures(report, "block")
    if blocking:
        raise _blocked("; ".join(f"{r['source']}: {r['title']}: {r['message']}" for r in blocking), report)
    checks.store(con, report, sql.sql_text("checks/validation_results"))
    return report, suite_seconds


def _blocked(message: str, report: list[dict]) -> BlockingError:
    exc = BlockingError(message)
    exc.report = report
    return exc


def _report_note(report: list[dict]) -> str:
    failed = [r for r in report if not r["success"]]
    by = {sev: sum(r["severity"] == sev for r in failed) for sev in checks.SEVERITIES}
    text = f"{len(report)} expectations, {len(report) - len(failed)} passed"
    if by["reject"]:
        text += f", {by['reject']} found rows to reject"
    if by["warn"]:
        text += f", {by['warn']} warning{'s' if by['warn'] > 1 else ''}"
    errors = sum(bool(r["error"]) for r in report)
    return text + (f", {errors} not evaluated" if errors else "")
# --- end of data-quality checks ----------------------------------------------------------


def _too_many_rejected(con, source: str, s: SourceSummary, settings: Settings) -> str:
    top = sql.run(con, "refresh/rejected_examples", source=source).fetchall()
    examples = "; ".join(f"{f} line {ln}, column {c or '-'}: {r}" for f, ln, c, r in top)
    return (
        f"{source}: {s.rejected:,} of {s.rows:,} rows ({100.0 * s.rejected / s.rows:.1f}%) were "
        f"rejected, more than the {settings.max_rejected_pct:g}% allowed. First: {examples}. "
        "See them all with 'python -m cx rejected' after fixing the export, or raise "
        "max_rejected_pct in config/cx.toml."
    )


def _build_params(settings: Settings) -> dict:
    """The parameters a build-list query may take."""
    return {"default_days": DEFAULT_WINDOW_DAYS, "tz": settings.timezone}


def _build_staging(con, settings: Settings, sources, plan: extend.Plan | None) -> tuple[dict[str, float], int | None]:
    """The build list's `stage` entries (queries/build.toml), while the checked rows exist:
    the staging views (one source each, the latest version of each row, typed) and the marts
    that publish each source once (ticket_facts, survey_facts, review_facts: segments from the
    customer, every row's integer customer key, the post-ticket survey). The staging views
    are read where a mart needs them, never copied (a table of every ticket would be a second
    write of the widest rows), and dropped with the checked rows."""
    # The marts name the staged rows first and what each row looks up second (customers, the
    # post-ticket surveys). DuckDB would otherwise often build its hash table on the staged
    # rows, every column of them, and probe it with the lookups: built on the lookups, the
    # queries ran faster at every size measured (benchmarks/history/2026-11.md).
    con.execute("set disabled_optimizers = 'build_side_probe_side'")
    entries = build.stage("stage")
    seconds, extended = {}, None
    if plan is None:
        con.execute("create temp table customer_keys_before (customer_key integer, customer_id varchar)")
    try:
        for entry in entries:
            t0 = time.perf_counter()
            if entry.name == "ticket_facts" and plan is not None:
                extended = extend.extend_tickets(
                    con, sql.sql_text(entry.file), sql.bind(entry.file, _build_params(settings)), plan,
                )
                if extended is None:  # its columns changed: built from nothing
                    con.execute("drop table ticket_facts")
            if extended is None or entry.name != "ticket_facts":
                build.create(con, entry, _build_params(settings))
            seconds[entry.name] = time.perf_counter() - t0
    finally:
        con.execute("reset disabled_optimizers")
    con.execute("drop table if exists customer_keys_before")
    con.execute("drop table if exists survey_facts_before")
    for source, table in PUBLISHED.items():
        n = con.execute(f"select count(*) from {table}").fetchone()[0]
        good = con.execute(f"select count(*) from checked_{source} where len(_problems) = 0").fetchone()[0]
        sources[source].published = n
        sources[source].updated = good - n
    _free_inputs(con, ("checked_",) + tuple(e.name for e in entries if e.kind == "temp view"))
    con.execute("detach database if exists work")
    return seconds, extended


def _extension_plan(target: Path, data_dir: Path, version: str, store: kept_rows.Store) -> extend.Plan | None:
    """Whether the previous warehouse's ticket facts can be extended (cx/pipeline/extend.py)."""
    try:
        found = {s: _inputs(data_dir, s) for s in SOURCE_ORDER}
    except BlockingError:
        return None  # the read stage says what is wrong
    return extend.plan(target, version, found, store.kept_key, lambda f: store.reusable(f) is not None)


def _took(seconds: dict[str, float]) -> str:
    """The tables a stage built that took a noticeable time, slowest first."""
    slow = sorted(((s, n) for n, s in seconds.items() if s >= 0.05), reverse=True)
    return ", ".join(f"{n} {s:.1f} s" for s, n in slow) or "each in under 0.1 s"


def _free_inputs(con, prefixes: tuple[str, ...], names: set[str] = frozenset()) -> None:
    """Drop temporary tables and views no later stage reads (named, or named with one of the
    prefixes), so the next stages have the memory (at 10M tickets the raw text alone is
    gigabytes)."""
    for kind, name in sql.run(con, "refresh/work_objects").fetchall():
        if name.startswith(prefixes) or name in names:
            con.execute(f'drop {kind} if exists temp."{name}" cascade')


def _record(con, target, refresh_id, started, data_dir, settings, files, sources, as_of) -> None:
    """The refresh log: this refresh, its inputs, and the history of earlier refreshes."""
    sql.execute_script(con, "refresh/log_tables")
    history = _previous_history(target)
    if history:
        con.executemany("insert into refreshes values (" + ", ".join("?" * 11) + ")", history[0])
        if history[1]:
            width = len(history[1][0])  # warehouses before the importers had no skipped column
            con.executemany(
                "insert into refresh_inputs values (" + ", ".join("?" * 9) + ")",
                [tuple(r) + (0,) * (9 - width) for r in history[1]],
            )
    bounds = con.execute("select first_day, last_day from data_bounds").fetchone()
    con.execute(
        "insert into refreshes values ($id, $s, $f, $d, $tz, $asof, $fd, $ld, $r, $rej, $upd)",
        {
            "id": refresh_id, "s": started.replace(tzinfo=None),
            "f": datetime.now(UTC).replace(tzinfo=None), "d": str(data_dir), "tz": settings.timezone,
            "asof": as_of, "fd": bounds[0], "ld": bounds[1],
            "r": sum(s.rows for s in sources.values()),
            "rej": sum(s.rejected for s in sources.values()),
            "upd": sum(s.updated for s in sources.values()),
        },
    )
    per_file = {(s, f): n for s, f, n in sql.run(con, "refresh/rejected_by_file").fetchall()}
    for source, found in files.items():
        for f in found:
            con.execute(
                "insert into refresh_inputs values ($id, $s, $f, $fmt, $enc, $b, $r, $rej, $sk)",
                {
                    "id": refresh_id, "s": source, "f": f.name, "fmt": f.format_label, "enc": f.encoding,
                    "sk": f.skipped,
                    "b": f.bytes, "r": f.rows + len(f.malformed), "rej": per_file.get((source, f.name), 0),
                },
            )


def _previous_history(target: Path):
    current = warehouse.current_file(target)
    if not current.exists():
        return None
    try:
        with duckdb.connect(str(current), read_only=True) as old:
            return (
                old.execute("select * from refreshes order by started_at").fetchall(),
                old.execute("select * from refresh_inputs").fetchall(),
            )
    except duckdb.Error:
        return None  # an older or foreign file: history starts again here


def _discard(con, built: Path) -> None:
    try:
        con.close()
    except duckdb.Error:
        pass
    for p in (built, built.with_name(built.name + ".wal")):
        p.unlink(missing_ok=True)


def _log_attempt(target, refresh_id, started, data_dir, published, message, sources, report=None) -> None:
    """Every attempt, published or blocked, one JSON line beside the warehouse."""
    entry = {
        "refresh_id": refresh_id,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_dir": str(data_dir),
        "published": published,
        "message": message,
        "sources": {s: vars(v) for s, v in sources.items()},
        # the expectations that failed (the whole report is in the warehouse when published)
        "failed_checks": [
            {k: r[k] for k in ("source", "title", "severity", "message", "examples")}
            for r in report or [] if not r["success"]
        ],
    }
    log = target.with_name(target.name + ".log.jsonl")
    try:
        with log.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError as exc:  # a read-only folder or a full disk: the outcome is still reported
        print(f"note: the attempt could not be logged in {log}: {exc.strerror or exc}", file=sys.stderr)


def _q(identifier: str) -> str:
    return identifier.replace('"', '""')


def _n(value: int) -> str:
    return f"{value:,}"


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")


def _fmt_ts(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "unknown"
