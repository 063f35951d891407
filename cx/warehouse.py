"""Where a warehouse lives on disk, how a refresh publishes it, and how readers open it.

A refresh builds a new database file beside the target and publishes it in three steps:
a hard link under FILE.versions/<refresh id>.duckdb, an atomic rename onto FILE, and an
atomic swap of the small pointer file FILE.current. Scripts read FILE. A long-running
reader (the dashboard) opens the version the pointer names: DuckDB caches an open
database per path inside a process, so a reader that reopened FILE would keep seeing the
old data; a new path per refresh never collides with the cache.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

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
    os.replace(built, target)
    pointer = pointer_path(target)
    staged = pointer.with_name(pointer.name + f".{refresh_id}.tmp")
    staged.write_text(refresh_id + "\n", encoding="utf-8")
    os.replace(staged, pointer)
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
    array instead of a hash table for up to 2^20 keys (DuckDB's default stops at 2^12). At
    10M tickets, for a window whose high-expectation signals are computed on the fly, the
    KPIs took 0.16-0.24 s less and the high-expectation summary 0.2 s less; a small group-by
    pays for the array it allocates (+0.06 s for the summary of a stored end). Measured in
    BENCHMARKS.md (18:30). Global, because a cursor is a session of its own and would not
    see a session setting.
    """
    con.execute("set global perfect_ht_threshold = 20")
    return con


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise FileNotFoundError(
            f"no warehouse at {path}: build one with "
            f"'python -m cx refresh --data DATA --warehouse {path}'"
        )
    return tune(duckdb.connect(str(path), read_only=True))


def remove_stale_temp_files(target: Path, older_than_s: float = 3600) -> None:
    """Files left by a refresh that was killed before it published (not a running one's)."""
    import time

    for p in target.parent.glob(f".{target.name}.*.tmp*"):
        try:
            if time.time() - p.stat().st_mtime > older_than_s:
                p.unlink()
        except OSError:
            pass
