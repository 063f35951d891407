"""Uploading export files from the Data page, and running a refresh on them.

Where uploads go: a working data folder, `uploads/` beside the warehouse (data/uploads/ for
the default data/warehouse.duckdb; git-ignored), or $CX_UPLOAD_DIR. The first upload starts
it as a copy of the folder the last refresh read (hard links where the file system allows,
so a large folder costs no space), so that a new export adds to the data instead of
replacing it, and the folder the warehouse was built from (such as the bundled sample) is
never written to.

Checks on every file: the type (by extension, and by content for the binary formats), the
size (CX_UPLOAD_MAX_MB, default 200), and the name (no folders, safe characters only).

The refresh runs as `python -m cx refresh` in a child process: the dashboard itself only
ever opens the warehouse read-only.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cx import warehouse
from cx.config import ROOT
from cx.pipeline.importers.mapping_file import FILE_NAME as MAPPINGS
from cx.schema import SOURCE_ORDER

EXTENSIONS = ("csv", "tsv", "txt", "parquet", "jsonl", "ndjson", "json", "xlsx")


class UploadError(ValueError):
    """A file that is not accepted, with the reason a person reads."""


def max_upload_mb() -> int:
    try:
        return max(1, int(float(os.environ.get("CX_UPLOAD_MAX_MB", "200"))))
    except ValueError:
        return 200


def working_folder(target: Path) -> Path:
    explicit = os.environ.get("CX_UPLOAD_DIR")
    return Path(explicit).expanduser() if explicit else target.parent / "uploads"


def sanitize_name(raw: str) -> str:
    """A safe file name: no folders; letters and digits of any script, '_', '-' and one extension."""
    name = unicodedata.normalize("NFKC", str(raw or "")).replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, ext = name.rpartition(".")
    ext = ext.lower()
    if not dot or not ext:
        raise UploadError(f"“{raw}” has no file extension: use one of {', '.join(EXTENSIONS)}")
    if ext not in EXTENSIONS:
        raise UploadError(f"“{raw}”: .{ext} files are not accepted; use one of {', '.join(EXTENSIONS)}")
    # Letters and digits of any script stay (two Persian-named exports must not both become
    # upload.csv and replace each other); anything else, dots, spaces, controls and direction
    # marks included, becomes '_'.
    stem = re.sub(r"[^\w-]+", "_", stem)
    stem = re.sub(r"_+", "_", stem).strip("_-")[:100] or "upload"
    return f"{stem}.{ext}"


def check_content(name: str, head: bytes, size: int, limit_mb: int | None = None) -> None:
    """Raise UploadError when the file cannot be what its extension says, or is too large."""
    limit_mb = limit_mb or max_upload_mb()
    if size == 0:
        raise UploadError(f"{name} is empty")
    if size > limit_mb * 1024 * 1024:
        raise UploadError(f"{name} is {size / 1024 / 1024:,.0f} MB, more than the {limit_mb} MB allowed")
    ext = name.rsplit(".", 1)[-1].lower()
    if ext == "parquet" and not head.startswith(b"PAR1"):
        raise UploadError(f"{name} is not a Parquet file (it does not start with PAR1)")
    if ext == "xlsx" and not head.startswith(b"PK\x03\x04"):
        raise UploadError(f"{name} is not an Excel .xlsx workbook")
    if ext in ("csv", "tsv", "txt", "jsonl", "ndjson", "json"):
        if head.startswith((b"PK\x03\x04", b"PAR1", b"\x7fELF", b"MZ", b"%PDF")):
            raise UploadError(f"{name} is a binary file, not text")
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if ext in ("jsonl", "ndjson", "json") and text[:1] not in (b"{", b"[", b""):
            raise UploadError(f"{name} does not look like JSON (it should start with {{ or [)")


@dataclass
class Saved:
    source: str
    name: str
    path: Path
    replaced: bool


def save(folder: Path, source: str, raw_name: str, content: bytes) -> Saved:
    """Check one uploaded file and write it as folder/source/<safe name> (atomically)."""
    if source not in SOURCE_ORDER:
        raise UploadError(f"unknown source {source!r}: use one of {', '.join(SOURCE_ORDER)}")
    name = sanitize_name(raw_name)
    check_content(name, content[:4096], len(content))
    dest_dir = folder / source
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / name
    replaced = dest.exists()
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
    base = (folder / source).resolve()
    path = (base / name).resolve()
    if base not in path.parents or not path.is_file():
        raise UploadError(f"{source}/{name} is not a file of the working folder")
    path.unlink()


# ---------------------------------------------------------------- refresh


@dataclass
class Outcome:
    returncode: int
    lines: list[str] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.returncode == 0

    @property
    def message(self) -> str:
        for line in reversed(self.lines):
            if line.startswith(("published ", "refresh blocked: ", "error: ")):
                return line
        return self.lines[-1] if self.lines else f"the refresh ended with exit code {self.returncode}"


RefreshBusy = warehouse.RefreshBusy


def refresh_command(folder: Path, target: Path) -> list[str]:
    return [sys.executable, "-m", "cx", "refresh", "--data", str(folder), "--warehouse", str(target)]


def run_refresh(folder: Path, target: Path, on_line: Callable[[str, float | None], None]) -> Outcome:
    """Run `python -m cx refresh` on the working folder; on_line(line, progress 0..1 or None)
    for each line it prints. One refresh per warehouse at a time: the refresh itself takes the
    lock beside the warehouse (cx/warehouse.py), whoever started it; a running one is reported
    before a second is started."""
    lines: list[str] = []
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
    if warehouse.refresh_running(target):
        raise RefreshBusy("another refresh of this warehouse is running; wait for it to finish")
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
    return Outcome(code, lines)


_STAGE = re.compile(r"^\[(\d+)/(\d+)\]")


def progress(line: str) -> float | None:
    """The share of the refresh done when it printed this line (None: not a stage line)."""
    m = _STAGE.match(line)
    if not m:
        return None
    return min(1.0, int(m.group(1)) / max(1, int(m.group(2))))


