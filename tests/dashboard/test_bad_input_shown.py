"""What the dashboard does with hostile or odd input (issue 20): a link with its dates
reversed, a comment written to become Markdown, formulas in downloads, upload names."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest

from cx import export
from dashboard import fmt, uploads
from tests.dashboard import conftest as dash
from tests.dashboard.conftest import run_app, shown_text

PAGES = ("overview", "segments", "recovery", "promises", "high_expectation", "reviews")


@pytest.mark.parametrize("page", PAGES)
def test_reversed_dates_in_a_link_show_the_window_between_them(page, monkeypatch, small_warehouse):
    """?dates=<later>&dates=<earlier> once showed a traceback with server paths."""
    monkeypatch.setitem(dash.PAGES, page, f"app_pages/{page}.py")
    at = run_app(monkeypatch, small_warehouse, page=page, query={"dates": ["2026-02-20", "2026-01-10"]})
    assert "Traceback" not in shown_text(at)
    assert fmt.window(date(2026, 1, 10), date(2026, 2, 20)) in shown_text(at)


def test_a_comment_never_becomes_markdown():
    text = "nice\r\r![x](http://evil.example/p.png)\r# Big\r[link](http://evil.example)"
    html = fmt.rtl_text(text)
    # No blank line (which would end the HTML block and hand the rest to Markdown), and none
    # of Markdown's image, link or heading syntax left as such.
    assert "\r" not in html and "\n" not in html
    for syntax in ("![", "](", "# ", "[link]"):
        assert syntax not in html
    assert html.count("<br>") == 4 and "http&#58;//evil&#46;example" in html


@pytest.mark.parametrize(("value", "written"), [
    ("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("-12.5", "-12.5"),  # a negative number stays a number
    ("fine = good", "fine = good"),
    ("سلام", "سلام"),
])
def test_every_csv_cell_that_would_run_is_neutralised(value, written):
    assert export.safe_cell(value) == written
    df = pd.DataFrame({"comment": [value, None], "n": [1, 2]})
    rows = list(csv.reader(io.StringIO(export.frame_csv(df).decode("utf-8"))))
    assert rows == [["comment", "n"], [written, "1"], ["", "2"]]


def test_downloads_write_formulas_as_text(small_warehouse, monkeypatch):
    """The dashboard's "Download all ... (CSV)" buttons (data.full_csv; frame.download uses
    the same writer)."""
    from cx import sql
    from dashboard import data

    monkeypatch.setenv("CX_WAREHOUSE", str(small_warehouse))
    monkeypatch.setattr(sql, "frame", lambda cur, name, **p: pd.DataFrame({"body": ["=1+2", "ok"], "matching": 2}))
    rows = list(csv.reader(io.StringIO(data.full_csv("metrics/negative_reviews").decode("utf-8"))))
    assert rows == [["body"], ["'=1+2"], ["ok"]]


@pytest.mark.parametrize(("raw", "safe"), [
    ("نظرات مشتریان.xlsx", "نظرات_مشتریان.xlsx"),
    ("تیکت‌های آبان.csv", "تیکت_های_آبان.csv"),
    ("Réponses été.csv", "Réponses_été.csv"),
    ("a\u202egnp.csv", "a_gnp.csv"),  # a direction override would disguise the name
])
def test_non_ascii_names_keep_their_letters(raw, safe):
    assert uploads.sanitize_name(raw) == safe


def test_two_persian_named_exports_do_not_replace_each_other(tmp_path):
    first = uploads.save(tmp_path, "surveys", "نظرسنجی مهر.csv", b"response_id\nA\n")
    second = uploads.save(tmp_path, "surveys", "نظرسنجی آبان.csv", b"response_id\nB\n")
    assert first.path != second.path and not second.replaced
    assert first.path.read_bytes() == b"response_id\nA\n"
