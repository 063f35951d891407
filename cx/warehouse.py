"""Where a warehouse lives on disk, how a refresh publishes it, and how readers open it.

A refresh builds a new database file beside the target and publishes it in three steps:
a hard link under FILE.versions/<refresh id>.duckdb, an atomic swap of the small pointer
file FILE.current, and an atomic rename onto FILE. The pointer swap is the one step that
publishes: every reader of this project (the CLI and the dashboard) opens the version the
pointer names, so a refresh killed between any two steps leaves one consistent current
warehouse (the old one before the swap, the new one after). FILE itself is a convenience
copy for outside scripts, renamed last. DuckDB caches an open database per path inside a
process, so a long-running reader that reopened FILE would keep seeing the old data; a new
path per refresh never collides with the cache.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cx.errors import BlockingError, UsageError

KEEP_VERSIONS = 2  # the current one and the one before (a reader may still have it open)


def versions_dir(target: Path) -> Path:
    return target.with_name(target.name + ".versions")


def pointer_path(target: Path) -> Path:
    return target.with_name(target.name + ".current")


def temp_path(target: Path, refresh_id: str) -> Path:
    return target.with_name(f".{target.name}.{refresh_id}.tmp")


def publish(built: Path, target: Path, refresh_id: str) -> None:
    vdir = versions_dir(target)
    vdir.mkdir(exist_ok=True)
    version = vdir / f"{refresh_id}.duckdb"
    try:
        os.link(built, version)
    except OSError:  # a file system without hard links: a copy costs disk, not correctness
        shutil.copy2(built, version)
    pointer = pointer_path(target)
    staged = pointer.with_name(f".{pointer.name}.{refresh_id}.tmp")
    staged.write_text(refresh_id + "\n", encoding="utf-8")
    os.replace(staged, pointer)  # the publishing step: readers follow the pointer
    os.replace(built, target)
    _prune(vdir, refresh_id)


def _prune(vdir: Path, current: str) -> None:
    versions = sorted(vdir.glob("*.duckdb"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    keep = {current}
    for p in versions:
        if len(keep) >= KEEP_VERSIONS:
            break
        keep.add(p.stem)
    for p in versions:
        if p.stem not in keep:
            p.unlink(missing_ok=True)


def current_file(target: Path) -> Path:
    """The file a long-running reader should open now."""
    try:
        refresh_id = pointer_path(target).read_text(encoding="utf-8").strip()
    except OSError:
        return target
    version = versions_dir(target) / f"{refresh_id}.duckdb"
    return version if refresh_id and version.exists() else target


def current_refresh_id(target: Path) -> str | None:
    try:
        return pointer_path(target).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def tune(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Settings every query connection gets (the CLI's, the dashboard's, the refresh's).

    A group-by on the integer customer key (one per customer) runs as a directly indexed
    array instead of a hash table for up to 2^20 keys (DuckDB's default stops at 2^12). The
    queries that group every customer (the KPIs and the high-expectation summary for a window
    whose signals are computed on the fly) gain more than a small group-by pays for the array
    it allocates (the summary of a stored end); measured in benchmarks/history. Global,
    because a cursor is a session of its own and would not see a session setting.
    """
    con.execute("set global perfect_ht_threshold = 20")
    return con


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """The current warehouse of target `path` (the version its pointer names), read-only."""
    if path.is_dir():
        raise NotAWarehouse(
            f"{path} is a folder, not a warehouse file: name a file such as {path / 'warehouse.duckdb'}"
        )
    current = current_file(path)  # also when a first refresh was killed before FILE was renamed
    if not current.exists():
        raise FileNotFoundError(
            f"no warehouse at {path}: build one with "
            f"'python -m cx refresh --data DATA --warehouse {path}'"
        )
    return tune(duckdb.connect(str(current), read_only=True))


def remove_stale_temp_files(target: Path, older_than_s: float = 3600) -> None:
    """Files left by a refresh that was killed before it published (not a running one's)."""
    import time

    for p in target.parent.glob(f".{target.name}.*.tmp*"):
        try:
            if time.time() - p.stat().st_mtime > older_than_s:
                p.unlink()
        except OSError:
            pass


# --- what a target may be -------------------------------------------------------------------

_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


class NotAWarehouse(UsageError):
    """The target names something that is not a warehouse: it is never written over."""


def is_database_file(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(12)[8:12] == _DUCKDB_MAGIC
    except OSError:
        return False


def check_target(target: Path) -> None:
    """A refresh replaces its target: refuse one that holds something else (a CSV given as
    --warehouse by mistake would be overwritten by a database)."""
    if target.is_dir():
        raise NotAWarehouse(
            f"--warehouse {target} is a folder: name the warehouse file, e.g. {target / 'warehouse.duckdb'}"
        )
    if target.exists() and not is_database_file(target):
        raise NotAWarehouse(
            f"--warehouse {target} exists and is not a DuckDB warehouse; it was left as it was. "
            "Name a new file or an existing warehouse."
        )


# --- one refresh per target at a time -------------------------------------------------------

class RefreshBusy(BlockingError):
    pass


def lock_path(target: Path) -> Path:
    return target.with_name(target.name + ".refresh.lock")


def refresh_running(target: Path) -> bool:
    lock = lock_path(target)
    return lock.exists() and _alive(lock)


# The lock file: the owner's process id on the first line (all an older lock holds), then who
# started the refresh, when (UTC, ISO 8601), and a token a parent that took the lock for its
# child passes on (HANDOFF_ENV), so that the child takes it over instead of calling it busy.
HANDOFF_ENV = "CX_REFRESH_LOCK_TOKEN"


@dataclass(frozen=True)
class LockInfo:
    pid: int
    actor: str
    started_at: datetime | None
    token: str = ""

    def text(self) -> str:
        at = self.started_at.isoformat(timespec="seconds") if self.started_at else ""
        return f"{self.pid}\n{self.actor}\n{at}\n{self.token}\n"


def _parse_lock(text: str) -> LockInfo | None:
    lines = text.splitlines()
    try:
        pid = int(lines[0].strip())
    except (IndexError, ValueError):
        return None
    actor = lines[1].strip() if len(lines) > 1 else ""
    try:
        started = datetime.fromisoformat(lines[2].strip()) if len(lines) > 2 and lines[2].strip() else None
    except ValueError:
        started = None
    token = lines[3].strip() if len(lines) > 3 else ""
    return LockInfo(pid, actor, started, token)


def lock_holder(target: Path) -> LockInfo | None:
    """Who holds the refresh lock of `target` and since when; None when no live process does.
    A lock written before it held more than the process id says so with an empty actor and
    the lock file's own time."""
    lock = lock_path(target)
    try:
        info = _parse_lock(lock.read_text(encoding="utf-8"))
        mtime = lock.stat().st_mtime
    except OSError:
        return None
    if info is None or not _alive(lock):
        return None
    if info.started_at is None:
        info = LockInfo(info.pid, info.actor, datetime.fromtimestamp(mtime, UTC), info.token)
    return info


def _write_lock(path: Path, info: LockInfo) -> None:
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    part.write_text(info.text(), encoding="utf-8")
    os.replace(part, path)  # readers see the old content or the new, never half of it


class refresh_lock:
    """A lock file beside the target holding the owner's process id, who started the refresh
    and when; one left by a process that is gone is taken over. The CLI's refresh takes it, so
    refreshes started from the Data page, a shell or a scheduler exclude each other.

    `actor`: who is refreshing (written into the lock, shown to whoever is turned away).
    `token`: the lock was taken for this process by its parent (the Data page takes it before
    it starts `python -m cx refresh`, so that two sessions never start two processes); a lock
    holding this token is taken over, with its actor and start time.
    `on_abandoned(info)`: called when the lock of a process that is gone is taken over."""

    def __init__(self, target: Path, actor: str = "", token: str | None = None,
                 on_abandoned: Callable[[LockInfo], None] | None = None):
        self.path = lock_path(target)
        self.actor = actor
        self.token = token or ""
        self.on_abandoned = on_abandoned

    def __enter__(self):
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                held = _read_lock(self.path)
                if held is not None and self.token and held.token == self.token:
                    _write_lock(self.path, LockInfo(os.getpid(), held.actor, held.started_at, held.token))
                    return self
                if _alive(self.path):
                    who = f"started by {held.actor}, " if held and held.actor else ""
                    raise RefreshBusy(
                        f"another refresh of {self.path.name.removesuffix('.refresh.lock')} is running "
                        f"({who}process {held.pid if held else '?'}); wait for it to finish"
                    ) from None
                _take_abandoned(self.path, held, self.on_abandoned)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(LockInfo(os.getpid(), self.actor, datetime.now(UTC).replace(microsecond=0)).text())
            return self
        raise RefreshBusy(f"could not take the refresh lock {self.path}")

    def __exit__(self, *exc):
        self.path.unlink(missing_ok=True)
        return False


def hold_for_child(target: Path, actor: str, on_abandoned: Callable[[LockInfo], None] | None = None) -> LockInfo:
    """Take the refresh lock of `target` for a child process about to be started (it takes the
    lock over with the token, HANDOFF_ENV); RefreshBusy when a live process holds it. Release
    it with release_for_child. `on_abandoned` as for refresh_lock."""
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    info = LockInfo(os.getpid(), actor, datetime.now(UTC).replace(microsecond=0), secrets.token_hex(8))
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            if _alive(path):
                raise RefreshBusy(f"another refresh of {target.name} is running") from None
            _take_abandoned(path, _read_lock(path), on_abandoned)
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(info.text())
        return info
    raise RefreshBusy(f"could not take the refresh lock {path}")


def release_for_child(target: Path, info: LockInfo) -> None:
    """Remove the lock taken with hold_for_child if it is still the one taken (the child removes
    it itself when it ends; one that died before taking it over leaves it to its parent)."""
    path = lock_path(target)
    held = _read_lock(path)
    if held is not None and held.token == info.token:
        path.unlink(missing_ok=True)


def _take_abandoned(path: Path, held: LockInfo | None, on_abandoned: Callable[[LockInfo], None] | None) -> None:
    """Remove a lock left by a process that is gone (killed, or its machine restarted: it could
    not say so itself), and tell `on_abandoned` whose it was, so the refresh that never ended
    is still on record."""
    path.unlink(missing_ok=True)
    if held is not None and on_abandoned is not None:
        on_abandoned(held)


def _read_lock(path: Path) -> LockInfo | None:
    try:
        return _parse_lock(path.read_text(encoding="utf-8"))
    except OSError:
        return None


def _alive(pid_file: Path) -> bool:
    try:
        pid = int(pid_file.read_text().strip().splitlines()[0])
        os.kill(pid, 0)
    except PermissionError:
        return True  # the process exists, under another user
    except (OSError, ValueError, IndexError):
        return False
    return True


# --- a refresh's temporary folder -----------------------------------------------------------

WORKDIR_PREFIX = "cx-refresh-"


def make_workdir() -> Path:
    """A temporary folder for one refresh (DuckDB's spill files, transcoded copies), with its
    owner's process id inside, so that one left by a killed refresh can be told from a
    running one's."""
    remove_stale_workdirs()
    workdir = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX))
    (workdir / "owner.pid").write_text(str(os.getpid()), encoding="utf-8")
    return workdir


def remove_stale_workdirs() -> None:
    for p in Path(tempfile.gettempdir()).glob(WORKDIR_PREFIX + "*"):
        owner = p / "owner.pid"
        try:
            if p.is_dir() and p.stat().st_uid == os.getuid() and owner.exists() and not _alive(owner):
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            pass
