"""dashboard.uploads on the server, whatever the browser sends: no name escapes the upload
folder, counts are limited, removal stays inside, and the Data page never starts a second
refresh process while one runs."""

from __future__ import annotations

import os
import subprocess

import pytest

from cx import audit, warehouse
from dashboard import uploads
from dashboard.uploads import UploadError

CSV = b"response_id,customer_id,submitted_at,nps,csat\nS90,C1,2026-11-02T10:00:00Z,9,5\n"


def _inside(folder, path) -> bool:
    return path.resolve().is_relative_to((folder / "surveys").resolve())


@pytest.mark.parametrize(("raw", "saved_as"), [
    ("..\\x.csv", "x.csv"),
    ("..\\..\\..\\x.csv", "x.csv"),
    ("/abs/x.csv", "x.csv"),
    ("../../etc/cron.d/x.csv", "x.csv"),
    ("a\x00b.csv", "a_b.csv"),
    ("x\x00/../../y.csv", "y.csv"),
    ("..csv", "upload.csv"),
    ("....csv", "upload.csv"),
    (".csv", "upload.csv"),
    ("نظرات مشتریان آبان.csv", "نظرات_مشتریان_آبان.csv"),
])
def test_names_that_try_to_escape_land_in_the_source_folder(tmp_path, raw, saved_as):
    folder = tmp_path / "uploads"
    saved = uploads.save(folder, "surveys", raw, CSV)
    assert saved.name == saved_as and saved.path == folder / "surveys" / saved_as
    assert _inside(folder, saved.path) and saved.path.read_bytes() == CSV
    assert {p.name for p in tmp_path.rglob("*") if p.is_file()} == {saved_as}


@pytest.mark.parametrize("raw", ["../../etc/passwd", "...", "..", ".", "", "/", "x.csv\x00.exe", "C:\\"])
def test_names_without_a_readable_file_are_refused(tmp_path, raw):
    folder = tmp_path / "uploads"
    with pytest.raises(UploadError) as exc:
        uploads.save(folder, "surveys", raw, CSV)
    assert "\x00" not in str(exc.value)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("letter", ["x", "ن", "\U00020000"])  # 1, 2 and 4 bytes in UTF-8
def test_very_long_names_fit_the_file_system(tmp_path, letter):
    folder = tmp_path / "uploads"
    saved = uploads.save(folder, "surveys", letter * 5000 + ".csv", CSV)
    assert len(saved.name.encode("utf-8")) <= uploads.NAME_MAX_BYTES
    assert saved.name.startswith(letter) and saved.name.endswith(".csv") and saved.path.is_file()


def test_a_source_folder_that_links_elsewhere_is_not_written(tmp_path):
    folder, outside = tmp_path / "uploads", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    (folder / "surveys").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UploadError, match="outside the working folder"):
        uploads.save(folder, "surveys", "s.csv", CSV)
    assert not any(outside.iterdir())


def test_unknown_sources_are_refused(tmp_path):
    with pytest.raises(UploadError, match="unknown source"):
        uploads.save(tmp_path, "../x", "s.csv", CSV)
    with pytest.raises(UploadError, match="unknown source"):
        uploads.remove(tmp_path, "../x", "s.csv")


def test_files_per_upload_are_limited():
    uploads.check_count(uploads.MAX_FILES_PER_UPLOAD)
    with pytest.raises(UploadError) as exc:
        uploads.check_count(uploads.MAX_FILES_PER_UPLOAD + 1)
    assert f"at most {uploads.MAX_FILES_PER_UPLOAD:,} are taken in one upload" in str(exc.value)
    assert "none of these was saved" in str(exc.value)


def test_files_per_source_folder_are_limited(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILES_PER_SOURCE", 3)
    folder = tmp_path / "uploads"
    for i in range(3):
        uploads.save(folder, "surveys", f"s{i}.csv", CSV)
    with pytest.raises(UploadError) as exc:
        uploads.save(folder, "surveys", "s3.csv", CSV)
    assert "surveys/ already holds 3 files, the most one source may hold" in str(exc.value)
    assert not (folder / "surveys" / "s3.csv").exists()
    assert uploads.save(folder, "surveys", "s1.csv", CSV + b"S91,C2,2026-11-03T10:00:00Z,7,4\n").replaced
    uploads.save(folder, "tickets", "t.csv", b"ticket_id,customer_id\nT1,C1\n")  # another source: its own count


@pytest.mark.parametrize("name", ["../outside.csv", "../../outside.csv", "/etc/passwd", "a\x00.csv", "..", ".",
                                  "", "link.csv"])
def test_remove_refuses_a_name_that_escapes(tmp_path, name):
    folder = tmp_path / "uploads"
    uploads.save(folder, "surveys", "kept.csv", CSV)
    outside = tmp_path / "uploads" / "outside.csv"
    outside.write_bytes(CSV)
    (folder / "surveys" / "link.csv").symlink_to(outside)
    with pytest.raises(UploadError, match="is not a file of the working folder"):
        uploads.remove(folder, "surveys", name)
    assert outside.read_bytes() == CSV and (folder / "surveys" / "kept.csv").exists()


def test_remove_takes_out_a_file_of_the_folder(tmp_path):
    folder = tmp_path / "uploads"
    uploads.save(folder, "surveys", "نظرات.csv", CSV)
    uploads.remove(folder, "surveys", "نظرات.csv")
    assert not (folder / "surveys" / "نظرات.csv").exists()


# ---------------------------------------------------------------- one refresh at a time

def test_a_held_lock_starts_no_second_process(tmp_path, data_copy, monkeypatch):
    target = tmp_path / "warehouse.duckdb"
    with warehouse.refresh_lock(target, actor="command line (ana)"):
        started = []
        monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(a) or pytest.fail("started"))
        with pytest.raises(uploads.RefreshBusy):
            uploads.run_refresh(data_copy, target, lambda line, p: None, actor="bob@example.com")
        assert started == []
        running = uploads.running_refresh(target)
        assert running.actor == "command line (ana)" and running.pid == os.getpid()
    assert uploads.running_refresh(target) is None


def test_the_page_refresh_holds_the_lock_from_before_it_starts_and_is_recorded_once(tmp_path, data_copy):
    target = tmp_path / "warehouse.duckdb"
    seen = []

    def on_line(line, progress):
        if not seen:  # while the child runs, the lock names who started it
            holder = uploads.running_refresh(target)
            seen.append((holder.actor, holder.pid != os.getpid()))

    outcome = uploads.run_refresh(data_copy, target, on_line, actor="bob@example.com")
    assert outcome.published, outcome.lines
    assert seen == [("bob@example.com", True)]  # taken over by the child process
    assert not warehouse.lock_path(target).exists()
    [entry] = audit.recent(target)
    assert (entry["actor"], entry["action"], entry["result"]) == ("bob@example.com", "refresh", "published")
