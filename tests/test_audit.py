"""The audit trail (cx/audit.py) and the refreshes the command line records in it, and the
refresh lock that says who is refreshing and since when (cx/warehouse.py)."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cx import audit, state, warehouse
from tests.conftest import SMALL

ROOT = Path(__file__).resolve().parent.parent


def cx(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cx", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=180, env=env)


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in (audit.ACTOR_ENV, warehouse.HANDOFF_ENV)}
    return {**env, **extra}


# ---------------------------------------------------------------- the trail itself

def test_nothing_recorded_is_an_empty_list_and_no_file(tmp_path):
    target = tmp_path / "warehouse.duckdb"
    assert audit.recent(target) == []
    assert not state.path(target, audit.NAME).exists()  # reading does not create the trail


def test_entries_come_newest_first_and_limited(tmp_path):
    target = tmp_path / "warehouse.duckdb"
    for i in range(5):
        audit.record(target, f"user{i}@example.com", "upload", f"tickets/t{i}.csv", "accepted", f"{i} KB")
    entries = audit.recent(target)
    assert [e["subject"] for e in entries] == [f"tickets/t{i}.csv" for i in (4, 3, 2, 1, 0)]
    assert entries[0] == {"at": entries[0]["at"], "actor": "user4@example.com", "action": "upload",
                          "subject": "tickets/t4.csv", "result": "accepted", "detail": "4 KB"}
    at = datetime.fromisoformat(entries[0]["at"].replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=1)
    assert [e["subject"] for e in audit.recent(target, limit=2)] == ["tickets/t4.csv", "tickets/t3.csv"]


def test_an_empty_actor_is_recorded_as_unknown(tmp_path):
    audit.record(tmp_path / "w.duckdb", "", "remove", "tickets/a.csv", "removed")
    assert audit.recent(tmp_path / "w.duckdb")[0]["actor"] == "unknown"


def test_a_trail_that_cannot_be_written_does_not_raise(tmp_path, capsys):
    blocker = tmp_path / "w.audit.sqlite"
    blocker.mkdir()  # a folder where the file should be
    assert audit.safe_record(tmp_path / "w.duckdb", "a", "upload", "x.csv", "accepted") is False
    assert "could not be written" in capsys.readouterr().err


@pytest.mark.parametrize(("kind", "message", "rejected", "expected"), [
    ("published", "published /data/w.duckdb: 9 tickets; 0 rows rejected", 0,
     ("published", "9 tickets; 0 rows rejected")),
    ("published", "published w: 9 tickets; 1,234 rows rejected", 1234,
     ("published with 1,234 rejected", "9 tickets; 1,234 rows rejected")),
    ("blocked", "surveys: 3 of 3 rows were rejected", 3, ("blocked", "surveys: 3 of 3 rows were rejected")),
    ("failed", "No space left on device", 0, ("failed", "No space left on device")),
    ("busy", "another refresh of w.duckdb is running", 0,
     ("refused", "already running: another refresh of w.duckdb is running")),
])
def test_how_a_refresh_is_said(kind, message, rejected, expected):
    assert audit.refresh_result(kind, message, rejected) == expected


def test_the_command_line_actor(monkeypatch):
    monkeypatch.delenv(audit.ACTOR_ENV, raising=False)
    assert audit.command_line_actor() == f"command line ({getpass.getuser()})"
    monkeypatch.setenv(audit.ACTOR_ENV, "ana@example.com")
    assert audit.command_line_actor() == "ana@example.com"
    monkeypatch.setenv(audit.ACTOR_ENV, "  ")
    assert audit.command_line_actor().startswith("command line (")


# ---------------------------------------------------------------- refreshes from the command line

def test_a_cli_refresh_adds_one_entry_with_its_result(tmp_path):
    target = tmp_path / "w.duckdb"
    out = cx("refresh", "--data", SMALL, "--warehouse", target, env=_env())
    assert out.returncode == 0, out.stderr
    [entry] = audit.recent(target)
    assert (entry["actor"], entry["action"], entry["subject"], entry["result"]) == (
        f"command line ({getpass.getuser()})", "refresh", SMALL.name, "published")  # no server path
    assert str(target) not in entry["detail"] and "0 rows rejected" in entry["detail"]


def test_cx_actor_is_honoured_and_rejected_rows_are_counted(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    (data / "surveys" / "late.csv").write_text("response_id,customer_id,submitted_at,nps,csat\nS12,C3,someday,9,5\n",
                                               encoding="utf-8")
    target = tmp_path / "w.duckdb"
    out = cx("refresh", "--data", data, "--warehouse", target, env=_env(CX_ACTOR="ana@example.com"))
    assert out.returncode == 0, out.stderr
    [entry] = audit.recent(target)
    assert (entry["actor"], entry["result"]) == ("ana@example.com", "published with 1 rejected")


def test_a_blocked_refresh_is_recorded_with_why(tmp_path):
    data = tmp_path / "data"
    (data / "surveys").mkdir(parents=True)
    (data / "surveys" / "s.csv").write_text("response_id,submitted_at\nR1,2026-01-01\n", encoding="utf-8")
    target = tmp_path / "w.duckdb"
    out = cx("refresh", "--data", data, "--warehouse", target, env=_env())
    assert out.returncode == 1
    [entry] = audit.recent(target)
    assert entry["result"] == "blocked"
    assert entry["detail"] and entry["detail"] in out.stderr


def test_a_refresh_turned_away_by_a_running_one_is_recorded(tmp_path):
    target = tmp_path / "w.duckdb"
    with warehouse.refresh_lock(target, actor="bob@example.com"):
        out = cx("refresh", "--data", SMALL, "--warehouse", target, env=_env(CX_ACTOR="ana@example.com"))
    assert out.returncode == 1
    assert "started by bob@example.com" in out.stderr
    [entry] = audit.recent(target)
    assert (entry["actor"], entry["result"]) == ("ana@example.com", "refused")
    assert entry["detail"].startswith("already running")
    assert not target.exists()


# ---------------------------------------------------------------- the lock says who and when

def test_the_lock_holds_who_and_when(tmp_path):
    target = tmp_path / "w.duckdb"
    assert warehouse.lock_holder(target) is None
    before = datetime.now(UTC).replace(microsecond=0)
    with warehouse.refresh_lock(target, actor="command line (ana)"):
        held = warehouse.lock_holder(target)
        assert (held.pid, held.actor) == (os.getpid(), "command line (ana)")
        assert before <= held.started_at <= datetime.now(UTC)
    assert warehouse.lock_holder(target) is None and not warehouse.lock_path(target).exists()


def test_a_lock_of_only_a_pid_is_read_with_its_files_time(tmp_path):
    target = tmp_path / "w.duckdb"
    lock = warehouse.lock_path(target)
    lock.write_text(str(os.getpid()))
    then = time.time() - 3600
    os.utime(lock, (then, then))
    held = warehouse.lock_holder(target)
    assert held.actor == "" and abs(held.started_at.timestamp() - then) < 2
    lock.write_text("999999999")  # its process is gone
    assert warehouse.lock_holder(target) is None


def test_a_lock_taken_for_a_child_is_handed_over_only_with_its_token(tmp_path):
    target = tmp_path / "w.duckdb"
    held = warehouse.hold_for_child(target, "ana@example.com")
    with pytest.raises(warehouse.RefreshBusy):
        warehouse.hold_for_child(target, "bob@example.com")  # a second session
    with pytest.raises(warehouse.RefreshBusy), warehouse.refresh_lock(target, actor="x"):
        pass  # the command line, without the token
    with warehouse.refresh_lock(target, actor="ignored", token=held.token):
        now = warehouse.lock_holder(target)
        assert (now.actor, now.started_at, now.token) == ("ana@example.com", held.started_at, held.token)
    assert not warehouse.lock_path(target).exists()
    warehouse.release_for_child(target, held)  # already gone: nothing to do
    other = warehouse.hold_for_child(target, "bob@example.com")
    warehouse.release_for_child(target, held)  # not the lock taken: left alone
    assert warehouse.lock_holder(target).actor == "bob@example.com"
    warehouse.release_for_child(target, other)
    assert not warehouse.lock_path(target).exists()


# ---------------------------------------------------------------- a refresh that could not say it ended

def _dead_pid() -> int:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return gone.pid


def test_a_killed_refresh_is_recorded_by_the_refresh_that_takes_its_lock_over(tmp_path):
    # A refresh killed with SIGKILL (or a machine that went down) leaves its lock and no entry.
    target = tmp_path / "w.duckdb"
    started = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    warehouse.lock_path(target).write_text(warehouse.LockInfo(_dead_pid(), "ana@example.com", started).text())
    out = cx("refresh", "--data", SMALL, "--warehouse", target, env=_env(CX_ACTOR="bob@example.com"))
    assert out.returncode == 0, out.stderr
    published, interrupted = audit.recent(target)
    assert (interrupted["actor"], interrupted["action"], interrupted["result"]) == (
        "ana@example.com", "refresh", "interrupted")
    assert interrupted["detail"].startswith("started 2026-12-03 09:30 UTC, its process (")
    assert "nothing was published by it" in interrupted["detail"]
    assert (published["actor"], published["result"]) == ("bob@example.com", "published")


def test_a_lock_of_a_live_process_is_never_called_abandoned(tmp_path):
    target = tmp_path / "w.duckdb"
    seen = []
    with warehouse.refresh_lock(target, actor="ana"), pytest.raises(warehouse.RefreshBusy):
        warehouse.hold_for_child(target, "bob", on_abandoned=seen.append)
    assert seen == []
    warehouse.lock_path(target).write_text(warehouse.LockInfo(_dead_pid(), "ana", None).text())
    held = warehouse.hold_for_child(target, "bob", on_abandoned=seen.append)
    assert [s.actor for s in seen] == ["ana"] and warehouse.lock_holder(target).actor == "bob"
    warehouse.release_for_child(target, held)


def test_a_page_refresh_ended_by_a_signal_is_recorded(tmp_path, monkeypatch):
    from dashboard import uploads

    folder = tmp_path / "data"
    folder.mkdir()
    target = tmp_path / "w.duckdb"
    monkeypatch.setattr(uploads, "refresh_command", lambda *_: [
        sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"])
    outcome = uploads.run_refresh(folder, target, lambda *_: None, actor="ana@example.com")
    assert outcome.returncode < 0
    [entry] = audit.recent(target)
    assert (entry["actor"], entry["subject"], entry["result"]) == ("ana@example.com", "data", "interrupted")
    assert "stopped (SIGKILL)" in entry["detail"]
    assert not warehouse.lock_path(target).exists()
