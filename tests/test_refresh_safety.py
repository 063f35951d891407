"""What a refresh does with targets, environments and neighbours it should not trust
(issue 20): a file that is not a warehouse, a folder, a second refresh at once, a warehouse
inside the data folder, a full disk, a quote in TMPDIR, a memory limit DuckDB cannot read,
the temporary folders of killed refreshes. Each ends with a message and an exit code, never
a traceback."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import SMALL, build

from cx import warehouse
from cx.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]


def cx(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "cx", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, **(env or {})),
    )
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    assert proc.returncode >= 0, f"ended by signal {-proc.returncode}"
    return proc


def test_a_target_that_is_not_a_warehouse_is_never_overwritten(tmp_path, capsys):
    important = tmp_path / "important.csv"
    important.write_text("customer_id,email\nC1,a@example.com\n", encoding="utf-8")
    before = important.read_bytes()
    code = cli_main(["refresh", "--data", str(SMALL), "--warehouse", str(important)])
    assert code == 2
    assert "exists and is not a DuckDB warehouse" in capsys.readouterr().err
    assert important.read_bytes() == before


def test_a_folder_as_warehouse_is_a_usage_error(tmp_path, capsys):
    assert cli_main(["refresh", "--data", str(SMALL), "--warehouse", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert cli_main(["metrics", "--warehouse", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_a_second_refresh_of_one_target_waits_its_turn(tmp_path):
    """The CLI takes the lock the Data page's refresh checks: a second refresh reports the
    first instead of both reporting "published"."""
    target = tmp_path / "warehouse.duckdb"
    lock = warehouse.lock_path(target)
    lock.write_text(str(os.getpid()))  # a live process holds it
    proc = cx("refresh", "--data", str(SMALL), "--warehouse", str(target))
    assert proc.returncode == 1
    assert "another refresh of warehouse.duckdb is running" in proc.stderr
    assert not target.exists() and lock.exists()
    lock.write_text("999999999")  # its process is gone: taken over
    assert build(SMALL, target).published
    assert not lock.exists()


def test_two_refreshes_at_once_publish_once_each_or_wait(tmp_path):
    target = tmp_path / "warehouse.duckdb"
    cmd = [sys.executable, "-m", "cx", "refresh", "--data", str(SMALL), "--warehouse", str(target)]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    published = [p.returncode == 0 for p in procs]
    assert any(published)
    for p, (out, err) in zip(procs, outs, strict=True):
        assert "Traceback" not in out + err
        if p.returncode:
            assert p.returncode == 1 and "another refresh" in err


@pytest.mark.parametrize("where", ["data", "data/surveys"])
def test_a_warehouse_inside_the_data_folder_is_not_read_as_input(where, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    target = tmp_path / where / "warehouse.duckdb"
    for _ in range(3):  # versions, pointer, log and lock files are all beside it by now
        result = build(data, target)
        assert result.published, result.message
    assert result.sources["surveys"].files == 1


def test_a_full_disk_is_a_message_and_a_logged_attempt(tmp_path, monkeypatch, capsys):
    target = tmp_path / "warehouse.duckdb"
    assert build(SMALL, target).published
    before = target.read_bytes()

    def full(*_):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "x.tmp"))

    monkeypatch.setattr(warehouse, "publish", full)
    code = cli_main(["refresh", "--data", str(SMALL), "--warehouse", str(target)])
    err = capsys.readouterr().err
    assert code == 1
    assert "refresh blocked: the refresh could not finish: No space left on device" in err
    assert "Free some disk space" in err
    assert target.read_bytes() == before
    last = json.loads(target.with_name(target.name + ".log.jsonl").read_text().splitlines()[-1])
    assert last["published"] is False and "No space left" in last["message"]


def test_an_unwritable_target_folder_is_a_message(tmp_path):
    folder = tmp_path / "ro"
    folder.write_text("a file where a folder should be")
    proc = cx("refresh", "--data", str(SMALL), "--warehouse", str(folder / "warehouse.duckdb"))
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ")


def test_a_quote_in_tmpdir(tmp_path):
    quoted = tmp_path / "it's here"
    quoted.mkdir()
    proc = cx("refresh", "--data", str(SMALL), "--warehouse", str(tmp_path / "w.duckdb"), env={"TMPDIR": str(quoted)})
    assert proc.returncode == 0, proc.stderr


def test_a_memory_limit_duckdb_cannot_read(tmp_path):
    proc = cx("refresh", "--data", str(SMALL), "--warehouse", str(tmp_path / "w.duckdb"),
              env={"CX_MEMORY_LIMIT": "2 gigs"})
    assert proc.returncode == 2
    assert "CX_MEMORY_LIMIT='2 gigs' is not a memory size" in proc.stderr


def test_stale_temp_folders_of_killed_refreshes_are_removed(tmp_path):
    dead = Path(tempfile.mkdtemp(prefix=warehouse.WORKDIR_PREFIX))
    (dead / "owner.pid").write_text("999999999")
    (dead / "spill.tmp").write_bytes(b"x" * 100)
    running = Path(tempfile.mkdtemp(prefix=warehouse.WORKDIR_PREFIX))
    (running / "owner.pid").write_text(str(os.getpid()))
    try:
        assert build(SMALL, tmp_path / "w.duckdb").published
        assert not dead.exists()
        assert running.exists()
    finally:
        shutil.rmtree(running, ignore_errors=True)
        shutil.rmtree(dead, ignore_errors=True)


def test_the_email_hash_is_keyed_with_the_installation_secret(tmp_path):
    import hashlib
    import hmac

    import duckdb

    from cx.pipeline import personal

    target = tmp_path / "w.duckdb"
    assert build(SMALL, target).published
    secret = personal.secret_path(target)
    assert secret.stat().st_mode & 0o777 == 0o600
    key = personal.load_secret(target)
    with duckdb.connect(str(target), read_only=True) as con:
        stored = con.execute("select email_sha256 from stg_customers where customer_id = 'C1'").fetchone()[0]
    assert stored == hmac.new(key, b"c1@example.com", hashlib.sha256).hexdigest()
    assert stored != hashlib.sha256(b"c1@example.com").hexdigest()
    assert key.hex() not in target.read_bytes().hex()
    # The same secret, the same hashes: a second refresh joins with the first.
    again = tmp_path / "again.duckdb"
    assert build(SMALL, again).published
    with duckdb.connect(str(again), read_only=True) as con:
        assert con.execute("select email_sha256 from stg_customers where customer_id = 'C1'").fetchone()[0] == stored


def test_the_cli_reads_the_version_the_pointer_names(tmp_path, capsys):
    """A first refresh killed after the pointer swap, before FILE was renamed: the CLI reads
    what the dashboard reads, not "no warehouse"."""
    target = tmp_path / "warehouse.duckdb"
    assert build(SMALL, target).published
    target.unlink()
    assert cli_main(["metrics", "--warehouse", str(target), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["responses"] == 10
