"""dashboard.uploads: names, types, sizes, the working folder, and the refresh it runs."""

from __future__ import annotations

import os

import pytest

from dashboard import uploads
from dashboard.uploads import UploadError


@pytest.mark.parametrize(("raw", "safe"), [
    ("tickets-2026-11.csv", "tickets-2026-11.csv"),
    ("../../etc/passwd.csv", "passwd.csv"),
    ("C:\\Users\\ana\\Desktop\\Tickets Nov 2026.CSV", "Tickets_Nov_2026.csv"),
    (".hidden.tsv", "hidden.tsv"),
    ("نظرات مشتریان.xlsx", "نظرات_مشتریان.xlsx"),
    ("؟؟.csv", "upload.csv"),
    ("a;rm -rf $HOME.json", "a_rm_-rf_HOME.json"),
    ("x" * 300 + ".parquet", "x" * 100 + ".parquet"),
    ("survey.2026.jsonl", "survey_2026.jsonl"),
])
def test_sanitize_name(raw, safe):
    assert uploads.sanitize_name(raw) == safe


@pytest.mark.parametrize("raw", ["evil.exe", "noextension", "archive.csv.zip", "", "report.pdf"])
def test_sanitize_name_rejects_other_types(raw):
    with pytest.raises(UploadError):
        uploads.sanitize_name(raw)


def test_check_content():
    uploads.check_content("a.csv", b"id,x\n1,2\n", 9)
    uploads.check_content("a.parquet", b"PAR1....", 100)
    uploads.check_content("a.xlsx", b"PK\x03\x04....", 100)
    uploads.check_content("a.jsonl", b'\xef\xbb\xbf{"a": 1}\n', 100)
    uploads.check_content("a.xml", b"<?xml version='1.0'?><responses/>", 100)
    for name, head, size, why in [
        ("a.csv", b"", 0, "a.csv is empty"),
        ("a.parquet", b"id,x\n", 10, "it is a CSV export, by the look of it, not a Parquet file"),
        ("a.xlsx", b"id,x\n", 10, "not an Excel workbook"),
        ("a.xlsx", b"\xd0\xcf\x11\xe0....", 10, r"an old Office file \(\.xls or \.doc\).*save it as an Excel Workbook"),
        ("a.csv", b"PK\x03\x04", 10, "it is a ZIP archive.*name it .xlsx"),
        ("a.csv", b"%PDF-1.4", 10, "it is a PDF document"),
        ("a.json", b"id,x", 10, "does not look like JSON"),
        ("a.xml", b"id,x", 10, "does not look like XML"),
        ("a.csv", b"id", 3 * 1024 * 1024, "more than the 2 MB allowed.*Split the export"),
    ]:
        with pytest.raises(UploadError, match=why):
            uploads.check_content(name, head, size, limit_mb=2)


def test_check_content_names_the_file_as_chosen():
    with pytest.raises(UploadError, match="^Tickets Nov.parquet is named .parquet"):
        uploads.check_content("Tickets_Nov.parquet", b"id,x\n", 10, shown="Tickets Nov.parquet")


@pytest.mark.parametrize(("raw", "said"), [
    ("Q3 report.docx", "Q3 report.docx is a Word document"),
    ("tickets.xls", "tickets.xls is an Excel 97-2003 workbook (.xls), which the refresh cannot read"),
    ("exports.zip", "exports.zip is a ZIP archive"),
    ("data.foo", "data.foo is a .foo file"),
    ("tickets", "tickets has no file extension"),
])
def test_a_file_of_another_type_is_named_and_said_in_words(raw, said):
    with pytest.raises(UploadError) as caught:
        uploads.sanitize_name(raw)
    text = str(caught.value)
    assert text.startswith(said), text
    assert f"Accepted: {uploads.ACCEPTED} files" in text
    assert "application/" not in text and "MIME" not in text


def test_every_format_the_refresh_reads_is_accepted():
    from cx.pipeline.readers import FORMATS

    assert {ext.lstrip(".") for ext in FORMATS} == set(uploads.EXTENSIONS)
    assert uploads.sanitize_name("Qualtrics export.XML") == "Qualtrics_export.xml"


def test_size_limit_is_configurable(monkeypatch):
    monkeypatch.setenv("CX_UPLOAD_MAX_MB", "5")
    assert uploads.max_upload_mb() == 5
    monkeypatch.setenv("CX_UPLOAD_MAX_MB", "lots")
    assert uploads.max_upload_mb() == 200


def test_save_writes_under_the_source_and_says_when_it_replaced(tmp_path):
    saved = uploads.save(tmp_path, "tickets", "../Tickets Nov.csv", b"ticket_id\n1\n")
    assert saved.path == tmp_path / "tickets" / "Tickets_Nov.csv" and not saved.replaced
    assert saved.path.read_bytes() == b"ticket_id\n1\n"
    again = uploads.save(tmp_path, "tickets", "Tickets Nov.csv", b"ticket_id\n2\n")
    assert again.replaced and again.path.read_bytes() == b"ticket_id\n2\n"
    assert [p.name for p in (tmp_path / "tickets").iterdir()] == ["Tickets_Nov.csv"]  # no temp file left
    with pytest.raises(UploadError):
        uploads.save(tmp_path, "../etc", "a.csv", b"x")


def test_working_folder_beside_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.delenv("CX_UPLOAD_DIR", raising=False)
    assert uploads.working_folder(tmp_path / "data" / "warehouse.duckdb") == tmp_path / "data" / "uploads"
    monkeypatch.setenv("CX_UPLOAD_DIR", str(tmp_path / "elsewhere"))
    assert uploads.working_folder(tmp_path / "w.duckdb") == tmp_path / "elsewhere"


def test_prepare_starts_from_the_last_data_folder_without_touching_it(tmp_path, data_copy):
    folder = tmp_path / "uploads"
    said = uploads.prepare(folder, str(data_copy))
    assert said and "5 files" in said
    assert sorted(f["file"] for f in uploads.list_files(folder) if f["source"] == "tickets") == [
        "tickets-2026-01.csv", "tickets-2026-02.csv"]
    assert uploads.prepare(folder, str(data_copy)) is None  # once only
    uploads.save(folder, "tickets", "tickets-2026-02.csv", b"ticket_id,customer_id,created_at\n")
    # The original (hard-linked) file is unchanged.
    assert (data_copy / "tickets" / "tickets-2026-02.csv").read_text().startswith("ticket_id,customer_id,created_at,")


def test_prepare_without_a_last_folder_makes_an_empty_one(tmp_path):
    assert uploads.prepare(tmp_path / "u", None) is None and (tmp_path / "u").is_dir()
    assert uploads.prepare(tmp_path / "v", str(tmp_path / "missing")) is None


def test_remove_only_inside_the_folder(tmp_path):
    uploads.save(tmp_path, "surveys", "a.csv", b"x\n")
    (tmp_path / "secret.txt").write_text("keep")
    with pytest.raises(UploadError):
        uploads.remove(tmp_path, "surveys", "../secret.txt")
    uploads.remove(tmp_path, "surveys", "a.csv")
    assert uploads.list_files(tmp_path) == [] and (tmp_path / "secret.txt").exists()


def test_progress_reads_the_stage_lines():
    assert uploads.progress("[2/5] check    rejected: ...") == 0.4
    assert uploads.progress("[5/5] publish  x") == 1.0
    assert uploads.progress("published /x: ...") is None


def test_run_refresh_publishes_and_reports_progress(tmp_path, data_copy):
    target = tmp_path / "wh" / "warehouse.duckdb"
    seen = []
    outcome = uploads.run_refresh(data_copy, target, lambda line, p: seen.append(p))
    assert outcome.published, outcome.lines
    assert outcome.message.startswith("published ") and outcome.kind == "published" and outcome.reason is None
    logged = uploads.logged_attempt(target, outcome.refresh_id)
    assert logged and logged["published"] and logged["refresh_id"] == outcome.refresh_id
    assert logged["sources"]["surveys"]["rows"] == 10
    assert [p for p in seen if p is not None] == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert target.exists() and not target.with_name(target.name + ".refresh.lock").exists()


def test_run_refresh_blocked_keeps_the_message(tmp_path, data_copy):
    (data_copy / "tickets" / "broken.csv").write_text("ticket_id,created_at\nX,2026-01-01\n", encoding="utf-8")
    outcome = uploads.run_refresh(data_copy, tmp_path / "warehouse.duckdb", lambda line, p: None)
    assert outcome.returncode == 1 and not outcome.published
    assert outcome.message.startswith("refresh blocked: ") and "customer_id" in outcome.message
    assert outcome.kind == "blocked"
    assert outcome.reason.startswith("tickets/broken.csv: ") and "customer_id" in outcome.reason


@pytest.mark.parametrize(("lines", "kind", "reason"), [
    (["refresh 20261203T070108-d46e: data x", "published /w: 3 surveys"], "published", None),
    (["refresh 20261203T070108-d46e: data x", "refresh blocked: t.csv: line 3: bad", "nothing was published"],
     "blocked", "t.csv: line 3: bad"),
    (["error: No space left on device: /w"], "error", "No space left on device: /w"),
    (["Traceback (most recent call last):", "KeyError: 'x'"], "stopped", None),
])
def test_outcome_says_how_the_refresh_ended(lines, kind, reason):
    outcome = uploads.Outcome(0 if kind == "published" else 1, lines)
    assert (outcome.kind, outcome.reason) == (kind, reason)
    assert outcome.refresh_id == ("20261203T070108-d46e" if lines[0].startswith("refresh ") else None)


def test_one_refresh_at_a_time(tmp_path, data_copy):
    target = tmp_path / "warehouse.duckdb"
    lock = target.with_name(target.name + ".refresh.lock")
    lock.write_text(str(os.getpid()))  # a live process holds it
    with pytest.raises(uploads.RefreshBusy):
        uploads.run_refresh(data_copy, target, lambda line, p: None)
    lock.write_text("999999999")  # a process that is gone: the lock is stale
    assert uploads.run_refresh(data_copy, target, lambda line, p: None).published
