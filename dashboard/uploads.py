"""Uploading export files from the Data page, and running a refresh on them.

Where uploads go: a working data folder, `uploads/` beside the warehouse (data/uploads/ for
the default data/warehouse.duckdb; git-ignored), or $CX_UPLOAD_DIR. The first upload starts
it as a copy of the folder the last refresh read (hard links where the file system allows,
so a large folder costs no space), so that a new export adds to the data instead of
replacing it, and the folder the warehouse was built from (such as the bundled sample) is
never written to.

Checks on every file, here on the server whatever the browser let through: the type (by
extension, and by content for the binary formats), the size (CX_UPLOAD_MAX_MB, default 200),
the name (no folders, safe characters only, at most NAME_MAX_BYTES; the path it is written
to is resolved and must lie in the source's folder), and the counts (MAX_FILES_PER_UPLOAD
files at once, MAX_FILES_PER_SOURCE files in one source's folder).

The refresh runs as `python -m cx refresh` in a child process: the dashboard itself only
ever opens the warehouse read-only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cx import audit, warehouse
from cx.config import ROOT
from cx.pipeline.importers.mapping_file import FILE_NAME as MAPPINGS
from cx.schema import SOURCE_ORDER

# The file types the refresh reads (cx.pipeline.readers.FORMATS), by extension.
EXTENSIONS = ("csv", "tsv", "txt", "tab", "parquet", "pq", "jsonl", "ndjson", "json", "xlsx", "xml")
# The same, as the page says it to a person.
ACCEPTED = "CSV, TSV, Parquet, JSON, Excel workbooks (.xlsx) and XML"

# Files people pick by mistake, in words, with what to do instead. The browser's own name for a
# type ("application/vnd.openxmlformats-officedocument...") tells an analyst nothing.
_OTHER_TYPES = {
    "xls": ("an Excel 97-2003 workbook (.xls)", "open it in Excel and save it as an Excel Workbook (.xlsx) "
            "or as CSV UTF-8"),
    "xlsm": ("an Excel workbook with macros (.xlsm)", "save it as an Excel Workbook (.xlsx) or as CSV UTF-8"),
    "xlsb": ("a binary Excel workbook (.xlsb)", "save it as an Excel Workbook (.xlsx) or as CSV UTF-8"),
    "ods": ("an OpenDocument spreadsheet (.ods)", "save it as an Excel Workbook (.xlsx) or as CSV"),
    "numbers": ("an Apple Numbers spreadsheet", "export it as CSV or Excel (.xlsx) from Numbers"),
    "doc": ("a Word document", "export the data from its tool as CSV or Excel instead"),
    "docx": ("a Word document", "export the data from its tool as CSV or Excel instead"),
    "pdf": ("a PDF document", "export the data from its tool as CSV or Excel instead: a PDF report holds no rows "
            "the refresh can read"),
    "pptx": ("a PowerPoint presentation", "export the data from its tool as CSV or Excel instead"),
    "zip": ("a ZIP archive", "unzip it and upload the export files inside"),
    "gz": ("a compressed (gzip) file", "decompress it and upload the export file inside"),
    "7z": ("a 7-Zip archive", "extract it and upload the export files inside"),
    "rar": ("a RAR archive", "extract it and upload the export files inside"),
    "png": ("an image", "export the data itself as CSV or Excel"),
    "jpg": ("an image", "export the data itself as CSV or Excel"),
    "jpeg": ("an image", "export the data itself as CSV or Excel"),
    "exe": ("a program", "upload the export files themselves"),
    "html": ("a web page", "export the data from its tool as CSV or Excel instead"),
    "sql": ("a SQL script", "export the query's result as CSV or Parquet instead"),
    "duckdb": ("a DuckDB database", "export its tables as Parquet or CSV (COPY ... TO 'file.parquet')"),
}

# What a file's first bytes say it is, whatever its name.
_SIGNATURES = (
    (b"PAR1", "a Parquet file"),
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook or another Office file is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.xls or .doc)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"\x89PNG", "an image"),
    (b"\xff\xd8\xff", "an image"),
)


# At most this many files in one upload: the page reads each whole into memory to check it.
MAX_FILES_PER_UPLOAD = 50
# At most this many files in one source's folder: a refresh reads every one of them each time.
MAX_FILES_PER_SOURCE = 1000
# A saved name's length in bytes (UTF-8): file systems allow 255, and the temporary copy
# written first adds a dot and ".part".
NAME_MAX_BYTES = 200


class UploadError(ValueError):
    """A file that is not accepted, with the reason a person reads: which file, what it is, and what to do."""


def max_upload_mb() -> int:
    try:
        return max(1, int(float(os.environ.get("CX_UPLOAD_MAX_MB", "200"))))
    except ValueError:
        return 200


def working_folder(target: Path) -> Path:
    explicit = os.environ.get("CX_UPLOAD_DIR")
    return Path(explicit).expanduser() if explicit else target.parent / "uploads"


_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def not_accepted(raw: str) -> str:
    """Why a file of this name is not taken, in words: what it is, what is accepted, what to do."""
    name = _CONTROLS.sub("", str(raw or "").replace("\\", "/").rsplit("/", 1)[-1]).strip() or "The file"
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if not ext:
        return (f"{name} has no file extension, so its type is unknown. Accepted: {ACCEPTED} files. "
                "Name it for what it is (for example tickets-2026-11.csv) and upload it again.")
    what, todo = _OTHER_TYPES.get(ext, (f"a .{ext} file", "export the data from its tool in one of these formats"))
    return f"{name} is {what}, which the refresh cannot read. Accepted: {ACCEPTED} files; {todo}."


def sanitize_name(raw: str) -> str:
    """A safe file name: no folders; letters and digits of any script, '_', '-' and one extension."""
    name = unicodedata.normalize("NFKC", str(raw or "")).replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, ext = name.rpartition(".")
    ext = ext.lower()
    if not dot or not ext or ext not in EXTENSIONS:
        raise UploadError(not_accepted(name or raw))
    # Letters and digits of any script stay (two Persian-named exports must not both become
    # upload.csv and replace each other); anything else, dots, spaces, controls and direction
    # marks included, becomes '_'.
    stem = re.sub(r"[^\w-]+", "_", stem)
    stem = re.sub(r"_+", "_", stem).strip("_-")[:100]
    # A hundred letters of some scripts are 400 bytes: cut at whole characters to fit.
    while len(stem.encode("utf-8")) > NAME_MAX_BYTES - len(ext) - 1:
        stem = stem[:-1]
    stem = stem.strip("_-") or "upload"
    return f"{stem}.{ext}"


def audit_subject(source: str, raw_name: str) -> str:
    """What an upload is recorded as acting on: source/<the name it is saved under>, or the
    name as chosen (its last part) when it has no safe name."""
    try:
        return f"{source}/{sanitize_name(raw_name)}"
    except UploadError:
        shown = str(raw_name).replace("\x00", "").replace("\\", "/").rsplit("/", 1)[-1]
        return f"{source}/{shown[:120] or '(no name)'}"


def check_count(count: int) -> None:
    """UploadError when one upload holds more files than MAX_FILES_PER_UPLOAD."""
    if count > MAX_FILES_PER_UPLOAD:
        raise UploadError(
            f"{count:,} files were chosen at once; at most {MAX_FILES_PER_UPLOAD:,} are taken in one upload, "
            "and none of these was saved. Upload them in smaller groups (the refresh reads them all)."
        )


def _files_in(dest_dir: Path) -> int:
    if not dest_dir.is_dir():
        return 0
    return sum(1 for p in dest_dir.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))


def _inside(folder: Path, path: Path) -> bool:
    """Whether `path`, every link followed, lies inside `folder` (resolved too)."""
    try:
        return path.resolve().is_relative_to(folder.resolve()) and path.resolve() != folder.resolve()
    except (OSError, ValueError):  # a NUL byte, a loop of links
        return False


def _looks_like(head: bytes) -> str | None:
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return what
    return None


def _what_it_is(head: bytes) -> str | None:
    """What the first bytes look like, for a file whose name promises a binary format."""
    found = _looks_like(head)
    if found or not head:
        return found
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        return None  # control characters: binary, of a kind the signatures do not know
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if first.startswith(("{", "[")):
        return "JSON text, by the look of it"
    if first.startswith("<"):
        return "XML or a web page, by the look of it"
    if any(d in first for d in (",", ";", "\t", "|")):
        return "a CSV export, by the look of it"
    return "text"


def check_content(name: str, head: bytes, size: int, limit_mb: int | None = None, shown: str | None = None) -> None:
    """Raise UploadError when the file cannot be what its extension says, or is too large.
    `shown`: the name as the person chose it, for the message (else `name`)."""
    limit_mb = limit_mb or max_upload_mb()
    shown = shown or name
    if size == 0:
        raise UploadError(f"{shown} is empty (0 bytes). Export it again and upload the new file.")
    if size > limit_mb * 1024 * 1024:
        raise UploadError(
            f"{shown} is {size / 1024 / 1024:,.0f} MB, more than the {limit_mb:,} MB allowed for one upload. "
            "Split the export into smaller files (by month, say: the refresh reads them all), or save it as "
            "Parquet, which is far smaller."
        )
    ext = name.rsplit(".", 1)[-1].lower()
    found = _looks_like(head)
    if ext in ("parquet", "pq") and not head.startswith(b"PAR1"):
        found = _what_it_is(head)
        is_what = f"it is {found}, not a Parquet file" if found else "it is not a Parquet file"
        raise UploadError(f"{shown} is named .{ext}, but {is_what}. Export it again as Parquet, or name it for "
                          "what it is (a CSV export ends in .csv).")
    if ext == "xlsx" and not head.startswith(b"PK\x03\x04"):
        found = _what_it_is(head)
        is_what = f"it is {found}, not an Excel workbook" if found else "it is not an Excel workbook"
        todo = ("open it in Excel and save it as an Excel Workbook (.xlsx)" if found and "Office" in found
                else "save it from Excel as an Excel Workbook (.xlsx), or name it for what it is")
        raise UploadError(f"{shown} is named .xlsx, but {is_what}: {todo}.")
    if ext in ("csv", "tsv", "txt", "tab", "jsonl", "ndjson", "json", "xml"):
        if found and found.startswith("a ZIP"):
            raise UploadError(f"{shown} is named .{ext}, a text format, but it is a ZIP archive (an Excel workbook "
                              "is one). If it is an Excel workbook, name it .xlsx; otherwise unzip it and upload "
                              "the export inside.")
        if found:
            raise UploadError(f"{shown} is named .{ext}, a text format, but it is {found}. Upload the export "
                              f"itself, named for what it is (accepted: {ACCEPTED} files).")
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if ext in ("jsonl", "ndjson", "json") and text[:1] not in (b"{", b"[", b""):
            raise UploadError(f"{shown} does not look like JSON (JSON starts with {{ or [). If it is a CSV export, "
                              "name it .csv.")
        if ext == "xml" and text[:1] not in (b"<", b""):
            raise UploadError(f"{shown} does not look like XML (XML starts with <). If it is a CSV export, "
                              "name it .csv.")


@dataclass
class Saved:
    source: str
    name: str
    path: Path
    replaced: bool


def check(raw_name: str, content: bytes) -> str:
    """The safe name of an uploaded file, or UploadError saying why it is not taken."""
    name = sanitize_name(raw_name)
    shown = _CONTROLS.sub("", raw_name.replace("\\", "/").rsplit("/", 1)[-1])
    check_content(name, content[:4096], len(content), shown=shown)
    return name


def save(folder: Path, source: str, raw_name: str, content: bytes) -> Saved:
    """Check one uploaded file and write it as folder/source/<safe name> (atomically)."""
    if source not in SOURCE_ORDER:
        raise UploadError(f"unknown source {source!r}: use one of {', '.join(SOURCE_ORDER)}")
    name = check(raw_name, content)
    dest_dir = folder / source
    dest = dest_dir / name
    # sanitize_name keeps no folder in the name; this holds whatever it would let through, and
    # a source folder that is a link to somewhere else.
    if not _inside(folder, dest_dir) or dest.resolve().parent != dest_dir.resolve():
        raise UploadError(f"{raw_name!r} would be written outside the working folder; it was not saved.")
    replaced = dest.exists()
    if not replaced and _files_in(dest_dir) >= MAX_FILES_PER_SOURCE:
        raise UploadError(
            f"{name} was not saved: {source}/ already holds {MAX_FILES_PER_SOURCE:,} files, the most one source "
            "may hold. Remove files it no longer needs (Remove files, below), or combine exports into fewer "
            "files, then upload it again."
        )
    dest_dir.mkdir(parents=True, exist_ok=True)
    part = dest_dir / f".{name}.part"  # refresh ignores dot files
    part.write_bytes(content)
    os.replace(part, dest)  # replaces the name only: a hard-linked original stays as it was
    return Saved(source, name, dest, replaced)


def prepare(folder: Path, last_data_dir: str | None) -> str | None:
    """Start the working folder as a copy of the last refresh's data folder, once.

    Returns a sentence saying what was done, or None when the folder was ready."""
    if _has_files(folder):
        return None
    if not last_data_dir:
        folder.mkdir(parents=True, exist_ok=True)
        return None
    src = Path(last_data_dir)
    if not src.is_absolute():
        src = ROOT / src
    if not src.is_dir() or src.resolve() == folder.resolve():
        folder.mkdir(parents=True, exist_ok=True)
        return None
    folder.mkdir(parents=True, exist_ok=True)
    copied = 0
    for source in SOURCE_ORDER:
        if (src / source).is_dir():
            shutil.copytree(src / source, folder / source, copy_function=_link_or_copy, dirs_exist_ok=True)
            copied += sum(1 for p in (folder / source).rglob("*") if p.is_file())
    if (src / MAPPINGS).is_file() and not (folder / MAPPINGS).exists():
        shutil.copy2(src / MAPPINGS, folder / MAPPINGS)  # copied, not linked: the Data page rewrites it
        copied += 1
    return f"The working folder {folder} was started from the {copied} files of {src} (the last refresh's data)."


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _has_files(folder: Path) -> bool:
    return any(
        p.is_file() and not p.name.startswith(".")
        for s in SOURCE_ORDER if (folder / s).is_dir()
        for p in (folder / s).rglob("*")
    )


def list_files(folder: Path) -> list[dict]:
    out = []
    for source in SOURCE_ORDER:
        d = folder / source
        if not d.is_dir():
            continue
        for p in sorted(d.rglob("*")):
            if p.is_file() and not any(part.startswith((".", "~$")) for part in p.relative_to(d).parts):
                st = p.stat()
                out.append({
                    "source": source, "file": str(p.relative_to(d)), "bytes": st.st_size,
                    "modified": datetime.fromtimestamp(st.st_mtime).replace(microsecond=0),
                })
    return out


def remove(folder: Path, source: str, name: str) -> None:
    """Delete one file of the working folder (never anything outside it)."""
    if source not in SOURCE_ORDER:
        raise UploadError(f"unknown source {source!r}")
    base = folder / source
    path = base / str(name)
    if not _inside(base, path) or not path.resolve().is_file():
        raise UploadError(f"{source}/{name} is not a file of the working folder")
    path.resolve().unlink()


# ---------------------------------------------------------------- refresh


_REFRESH_ID = re.compile(r"^refresh (\d{8}T\d{6}-\w+): ")
_ENDINGS = {"published ": "published", "refresh blocked: ": "blocked", "error: ": "error"}


@dataclass
class Outcome:
    returncode: int
    lines: list[str] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.returncode == 0

    @property
    def refresh_id(self) -> str | None:
        """The id the refresh gave itself (its first line), to find its entry in the log."""
        for line in self.lines:
            m = _REFRESH_ID.match(line)
            if m:
                return m.group(1)
        return None

    def _ending(self) -> tuple[str, str, str] | None:
        """(kind, the sentence after the prefix, the whole line) of the refresh's last word."""
        for line in reversed(self.lines):
            for start, kind in _ENDINGS.items():
                if line.startswith(start):
                    return kind, line.removeprefix(start), line
        return None

    @property
    def kind(self) -> str:
        """published; blocked (the data stopped it: the refresh says why); error (it could not
        run: a folder, the configuration, the disk); stopped (it ended without saying why)."""
        if self.published:
            return "published"
        ending = self._ending()
        return ending[0] if ending else "stopped"

    @property
    def reason(self) -> str | None:
        """The refresh's own sentence on what stopped it (it names the file, row and column)."""
        ending = self._ending()
        return ending[1] if ending and ending[0] != "published" else None

    @property
    def message(self) -> str:
        ending = self._ending()
        if ending:
            return ending[2]
        return self.lines[-1] if self.lines else f"the refresh ended with exit code {self.returncode}"


def logged_attempt(target: Path, refresh_id: str | None) -> dict | None:
    """The refresh's entry in the log beside the warehouse (cx.pipeline.refresh writes one per
    attempt): its rows, rejected rows and the checks that did not pass, as data."""
    if not refresh_id:
        return None
    try:
        lines = target.with_name(target.name + ".log.jsonl").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("refresh_id") == refresh_id:
            return entry
    return None


def attempt_since(target: Path, since: datetime | None) -> dict | None:
    """The first attempt logged beside the warehouse that started at `since` or later (a
    refresh another session or the command line started, once it ended); None without one."""
    if since is None:
        return None
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    try:
        lines = target.with_name(target.name + ".log.jsonl").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        try:
            entry = json.loads(line)
            at = datetime.fromisoformat(str(entry.get("started_at")))
        except (ValueError, TypeError, AttributeError):
            continue
        if (at if at.tzinfo else at.replace(tzinfo=UTC)) >= since - timedelta(seconds=2):
            return entry
    return None


RefreshBusy = warehouse.RefreshBusy


def refresh_command(folder: Path, target: Path) -> list[str]:
    return [sys.executable, "-m", "cx", "refresh", "--data", str(folder), "--warehouse", str(target)]


def run_refresh(folder: Path, target: Path, on_line: Callable[[str, float | None], None],
                actor: str = "local") -> Outcome:
    """Run `python -m cx refresh` on the working folder as `actor`; on_line(line, progress 0..1
    or None) for each line it prints. One refresh per warehouse at a time: the lock beside the
    warehouse (cx/warehouse.py) is taken here, before the process is started, and handed over
    to it, so that two sessions (or a session and the command line) never start two; RefreshBusy
    when another holds it (running_refresh says who and since when)."""
    lines: list[str] = []
    held = warehouse.hold_for_child(target, actor, on_abandoned=audit.abandoned(target))
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8", CX_ACTOR=actor)
    env[warehouse.HANDOFF_ENV] = held.token
    try:
        with subprocess.Popen(
            refresh_command(folder, target), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8", errors="replace", bufsize=1,
        ) as proc:
            assert proc.stdout is not None
            for raw in proc.stdout:
                line = raw.rstrip("\n")
                lines.append(line)
                on_line(line, progress(line))
            code = proc.wait()
        if code < 0:  # a signal ended it before cmd_refresh could record it
            audit.stopped(target, actor, folder.name, code)
    finally:
        warehouse.release_for_child(target, held)
    return Outcome(code, lines)


def running_refresh(target: Path) -> warehouse.LockInfo | None:
    """The refresh of `target` running now (who started it, when), or None."""
    return warehouse.lock_holder(target)


_STAGE = re.compile(r"^\[(\d+)/(\d+)\]")


def progress(line: str) -> float | None:
    """The share of the refresh done when it printed this line (None: not a stage line)."""
    m = _STAGE.match(line)
    if not m:
        return None
    return min(1.0, int(m.group(1)) / max(1, int(m.group(2))))


