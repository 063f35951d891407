"""The Data page reads right at a glance: a published refresh with rejected rows or warnings is
not shown as a failure, a file of another type is named and said in words, and a blocked
refresh says what blocked it, that the last good data stays, and what to do. No exit codes,
MIME types or tracebacks on the page."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

import pytest

from cx import audit, warehouse
from dashboard import datapage, fmt, uploads
from tests.conftest import build
from tests.dashboard.conftest import run_app, shown_text

DEVELOPER_OUTPUT = re.compile(r"exit code|application/|Traceback|\bMIME\b|_v_\w+|expect_column", re.IGNORECASE)


def _upload(at, name: str, content: bytes, source: str, mime: str = "text/csv"):
    at.file_uploader[0].upload(name, content, mime)
    next(s for s in at.selectbox if s.label == "Source").set_value(source)
    next(b for b in at.button if b.label == "Save to the working folder").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _refresh(at):
    next(b for b in at.button if b.label.startswith("Refresh the warehouse")).click().run(timeout=180)
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def data_page(monkeypatch, own_warehouse):
    monkeypatch.delenv("CX_UPLOAD_DIR", raising=False)
    _, target = own_warehouse
    return run_app(monkeypatch, target, page="data"), target


def test_a_published_refresh_with_a_rejected_row_is_no_failure(data_page):
    at, target = data_page
    # One row, breaking two rules (a date that is neither set nor readable): one row rejected.
    rejected = b"response_id,customer_id,submitted_at,nps,csat\nS12,C3,someday,9,5\n"
    _refresh(_upload(at, "late surveys.csv", rejected, "surveys"))
    assert not at.error, [e.value for e in at.error]
    said = next(s.value for s in at.success if s.value.startswith("**Refresh published**"))
    assert "1 row was rejected and kept aside with the reason for each" in said
    assert "**Rejected rows** above (or run `python -m cx rejected`)" in said
    assert "expectation warned, which does not stop a refresh" in said or "expectations warned" in said
    # The validation report says the same, in a warning's colour (the fixture's data is old) or
    # an information's, never an error's.
    summary = next(b.value for b in [*at.warning, *at.info] if "expectations passed" in b.value)
    assert "nothing blocked the refresh: its data is published" in summary
    assert "2 row rules found rows to reject: 1 row was set aside with its reason" in summary
    report = next(d.value for d in at.dataframe if "verdict" in d.value.columns)
    assert not {"expectation", "rule", "kwargs", "observed"} & set(report.columns)
    assert "rows rejected" in set(report["verdict"]) and "✗ failed: blocks a refresh" not in set(report["verdict"])
    attempts = next(d.value for d in at.dataframe if "outcome" in d.value.columns)
    newest = attempts.iloc[0]
    assert newest["outcome"] == "published" and newest["rejected"] == 1 and newest["rows_read"] == 28
    assert not newest["message"].startswith("published ")  # the counts, not the warehouse's path
    assert not DEVELOPER_OUTPUT.search(shown_text(at)), DEVELOPER_OUTPUT.findall(shown_text(at))


def test_a_file_of_another_type_is_named_with_what_is_accepted(data_page):
    at, target = data_page
    # The browser must let any file through: with `type=` it turns one away with its MIME name.
    assert not list(at.file_uploader[0].proto.type)
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    _upload(at, "Q3 survey report.docx", b"PK\x03\x04 a Word document", "surveys", mime=docx)
    errors = [e.value for e in at.error]
    assert errors == [f"Not saved: {fmt.md(uploads.not_accepted('Q3 survey report.docx'))}"], errors
    assert "Q3 survey report" in errors[0] and "a Word document" in errors[0]
    assert fmt.md(f"Accepted: {uploads.ACCEPTED} files") in errors[0]
    assert not DEVELOPER_OUTPUT.search(shown_text(at))
    assert not at.info  # nothing was saved, so the working folder was not started either
    assert not (target.parent / "uploads").exists()


def test_a_binary_file_under_a_text_name_says_what_it_is(data_page):
    at, _ = data_page
    _upload(at, "tickets.csv", b"PK\x03\x04....", "tickets")
    assert "it is a ZIP archive" in at.error[0].value and "name it \\.xlsx" in at.error[0].value


def test_a_blocked_refresh_says_what_blocked_it_and_what_to_do(data_page):
    at, target = data_page
    before = warehouse.current_refresh_id(target)
    _refresh(_upload(at, "broken.csv", b"ticket_id,created_at\nX,2026-01-01\n", "tickets"))
    assert warehouse.current_refresh_id(target) == before
    said = next(e.value for e in at.error if "was blocked" in e.value)
    # The refresh's own reason, naming the file and the column.
    assert f"What blocked it: {fmt.md('tickets/broken.csv: required column customer_id missing')}" in said
    assert f"The last good data stays published (refresh `{before}` of" in said
    assert "What to do: correct the file it names" in said and "refresh again" in said
    assert not DEVELOPER_OUTPUT.search(shown_text(at)), DEVELOPER_OUTPUT.findall(shown_text(at))
    attempts = next(d.value for d in at.dataframe if "outcome" in d.value.columns)
    assert attempts.iloc[0]["outcome"] == "blocked"
    assert attempts.iloc[0]["message"].startswith("tickets/broken.csv: required column customer_id missing")


def test_a_refresh_that_could_not_run_or_stopped_keeps_the_last_data(monkeypatch, data_page):
    at, target = data_page
    before = warehouse.current_refresh_id(target)
    _upload(at, "more.csv", b"response_id,customer_id,submitted_at,nps\nS12,C3,2026-02-24 10:00:00,9\n", "surveys")
    for lines, headline in [
        (["error: No space left on device: /data/warehouse.duckdb"], "could not run, and nothing was published"),
        (["Traceback (most recent call last):", "KeyError: 'x'"], "stopped before it finished"),
    ]:
        monkeypatch.setattr(uploads, "run_refresh", lambda *a, lines=lines, **k: uploads.Outcome(1, lines))
        _refresh(at)
        said = next(e.value for e in at.error if headline in e.value)
        assert f"The last good data stays published (refresh `{before}`" in said and "What to do" in said
        assert not DEVELOPER_OUTPUT.search(shown_text(at)), DEVELOPER_OUTPUT.findall(shown_text(at))


def test_warnings_alone_are_a_warning_not_an_error(monkeypatch, bundled_warehouse):
    at = run_app(monkeypatch, bundled_warehouse, page="data")
    assert not at.error, [e.value for e in at.error]
    summary = next(w.value for w in at.warning if "expectations passed" in w.value)
    assert summary.startswith("76 of 79 expectations passed, and nothing blocked the refresh")
    assert "3 expectations warned, which does not stop a refresh" in summary
    report = next(d.value for d in at.dataframe if "verdict" in d.value.columns)
    assert list(report["verdict"][:3]) == ["⚠ warning"] * 3


def test_examples_show_file_and_line_not_json_keys():
    from dashboard import datapage

    shown = datapage._examples('[{"file": "surveys/surveys-2026.csv", "line": 4691.0, "value": 11}]')
    assert shown == "surveys/surveys-2026.csv line 4,691: 11"


def _audit_table(at):
    return next(d.value for d in at.dataframe if {"who", "what", "result"} <= set(d.value.columns))


def test_who_did_what_lists_the_upload_and_the_refresh(data_page):
    at, target = data_page
    assert any(i.value.startswith("Nothing is recorded yet") for i in at.info)  # the fixture was built in code
    good = b"response_id,customer_id,submitted_at,nps,csat\nS12,C3,2026-02-24 10:00:00,9,5\n"
    _upload(at, "more surveys.csv", good, "surveys")
    # Listed in the same run as the upload (the section is filled at the end of the page).
    assert list(_audit_table(at)["subject"]) == ["surveys/more_surveys.csv"]
    _upload(at, "notes.pdf", b"%PDF-1.7", "surveys")
    _refresh(at)
    table = _audit_table(at)
    assert list(zip(table["who"], table["what"], table["subject"], table["result"], strict=True)) == [
        ("local", "refresh", "uploads", "published"),  # the folder by name: the page shows no server path
        ("local", "upload", "surveys/notes.pdf", "refused"),
        ("local", "upload", "surveys/more_surveys.csv", "accepted"),
    ]
    assert "a PDF document" in table["detail"][1] and table["detail"][2] == "77 B, new file"
    assert table["when"].notna().all()
    assert audit.recent(target)[0]["actor"] == "local"  # recorded once, by the refresh itself
    assert len(audit.recent(target)) == 3
    assert any(b.label == "Download who did what (CSV)" for b in at.get("download_button"))


def test_a_refresh_while_another_runs_starts_none_and_shows_its_result(data_page, own_warehouse):
    at, target = data_page
    data_dir, _ = own_warehouse
    _upload(at, "more.csv", b"response_id,customer_id,submitted_at,nps\nS12,C3,2026-02-24 10:00:00,9\n", "surveys")
    lock = warehouse.lock_path(target)
    started = datetime.now(UTC).replace(microsecond=0)
    lock.write_text(warehouse.LockInfo(os.getpid(), "command line (ana)", started).text())  # the CLI's refresh
    log = target.with_name(target.name + ".log.jsonl")
    attempts = log.read_text().count("\n")
    _refresh(at)
    hhmm = f"{datapage.local_time(started):%H:%M}"
    said = next(w.value for w in at.warning if w.value.startswith("A refresh is already running"))
    assert said.startswith(f"A refresh is already running (started by command line (ana) at {hhmm}); "
                           "the page shows its result when it ends")
    assert log.read_text().count("\n") == attempts and lock.exists()  # no second refresh ran
    refused = audit.recent(target)[0]
    assert (refused["actor"], refused["result"]) == ("local", "refused")
    assert refused["detail"] == f"already running (started by command line (ana) at {hhmm})"
    at.run()
    assert any(w.value.startswith("A refresh is already running") for w in at.warning)  # still running
    lock.unlink()  # the other refresh ends, published
    assert build(data_dir, target).published
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not any(w.value.startswith("A refresh is already running") for w in at.warning)
    assert any(s.value.startswith("**Refresh published**") for s in at.success), [s.value for s in at.success]


def test_removals_and_too_many_files_at_once_are_recorded(monkeypatch, data_page):
    at, target = data_page
    monkeypatch.setattr(uploads, "MAX_FILES_PER_UPLOAD", 1)
    at.file_uploader[0].upload("a.csv", b"response_id,customer_id\nS1,C1\n", "text/csv")
    at.file_uploader[0].upload("b.csv", b"response_id,customer_id\nS2,C1\n", "text/csv")
    next(s for s in at.selectbox if s.label == "Source").set_value("reviews")
    next(b for b in at.button if b.label == "Save to the working folder").click().run()
    assert any("at most 1 are taken in one upload" in e.value for e in at.error), [e.value for e in at.error]
    assert not (target.parent / "uploads").exists()
    _upload(at, "c.csv", b"response_id,customer_id\nS3,C1\n", "surveys")
    at.multiselect(key="remove_files").set_value(["surveys/c.csv"]).run()
    next(b for b in at.button if b.label == "Remove the picked files").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert not (target.parent / "uploads" / "surveys" / "c.csv").exists()
    table = _audit_table(at)
    assert list(zip(table["what"], table["subject"], table["result"], strict=True)) == [
        ("remove", "surveys/c.csv", "removed"),
        ("upload", "surveys/c.csv", "accepted"),
        ("upload", "reviews/ (2 files)", "refused"),
    ]
