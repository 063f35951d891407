"""Every input format of the contract gives the same warehouse as the CSV fixture."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import SMALL, build

from cx.metrics import kpis
from cx.pipeline import parsing

SOURCES = ("customers", "surveys", "reviews", "tickets")


def read_fixture(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def convert(dest: Path, writer) -> Path:
    for source in SOURCES:
        (dest / source).mkdir(parents=True)
        for csv_file in sorted((SMALL / source).glob("*.csv")):
            writer(read_fixture(csv_file), dest / source / csv_file.stem)
    return dest


def as_records(df: pd.DataFrame) -> list[dict]:
    return [{k: (v if v != "" else None) for k, v in row.items()} for row in df.to_dict("records")]


def write_parquet(df, stem):
    df.replace("", None).to_parquet(stem.with_suffix(".parquet"), index=False)


def write_jsonl(df, stem):
    with stem.with_suffix(".jsonl").open("w", encoding="utf-8") as fh:
        for rec in as_records(df):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def write_json_array(df, stem):
    stem.with_suffix(".json").write_text(json.dumps(as_records(df), ensure_ascii=False, indent=1), encoding="utf-8")


def write_tsv(df, stem):
    df.to_csv(stem.with_suffix(".tsv"), sep="\t", index=False)


def write_bom_crlf_csv(df, stem):
    df.to_csv(stem.with_suffix(".csv"), index=False, encoding="utf-8-sig", lineterminator="\r\n")


def write_xlsx(df, stem):
    # Scores and counts as numbers, as Excel users have them (timestamps stay text here, in
    # the fixture's varied forms; test_natively_typed_excel_and_parquet_values writes date cells).
    out = df.replace("", None).copy()
    for col in ("nps", "csat", "ces", "rating", "helpful_votes", "Reopens", "Replies", "reopens", "replies"):
        if col in out:
            out[col] = pd.to_numeric(out[col])
    out.to_excel(stem.with_suffix(".xlsx"), index=False, engine="xlsxwriter")


WRITERS = {
    "parquet": write_parquet,
    "jsonl": write_jsonl,
    "json-array": write_json_array,
    "tsv": write_tsv,
    "csv-bom-crlf": write_bom_crlf_csv,
    "xlsx": write_xlsx,
}


def values(path: Path) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        return kpis(con)


@pytest.fixture(scope="module")
def reference(small_warehouse):
    return values(small_warehouse)


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_format_gives_the_same_metrics(tmp_path, reference, fmt):
    data = convert(tmp_path / "data", WRITERS[fmt])
    target = tmp_path / "w.duckdb"
    result = build(data, target)
    assert result.published, result.message
    assert values(target) == pytest.approx(reference, nan_ok=False)


def test_mixed_formats_stack_in_one_source(tmp_path, reference):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    jan = data / "tickets" / "tickets-2026-01.csv"
    write_jsonl(read_fixture(jan), jan.with_suffix(""))
    jan.unlink()
    assert build(data, tmp_path / "w.duckdb").published
    assert values(tmp_path / "w.duckdb") == pytest.approx(reference)


def test_persian_and_arabic_indic_digits_read_as_ascii(tmp_path, reference):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    surveys = data / "surveys" / "surveys.csv"
    text = surveys.read_text(encoding="utf-8")
    # S9: nps 7 and csat 5 in Persian digits, the timestamp in Arabic-Indic digits.
    text = text.replace("S9,C5,2026-01-15 10:00:00,,7,5", "S9,C5,٢٠٢٦-٠١-١٥ ١٠:٠٠:٠٠,,۷,۵")
    surveys.write_text(text, encoding="utf-8")
    assert build(data, tmp_path / "w.duckdb").published
    assert values(tmp_path / "w.duckdb") == pytest.approx(reference)


def test_epoch_seconds_timestamps(tmp_path, reference):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    reviews = data / "reviews" / "reviews.csv"
    # V2 posted 2026-01-20T10:00:00Z = 1768903200
    reviews.write_text(
        reviews.read_text(encoding="utf-8").replace("2026-01-20T10:00:00Z", "1768903200"), encoding="utf-8"
    )
    assert build(data, tmp_path / "w.duckdb").published
    assert values(tmp_path / "w.duckdb") == pytest.approx(reference)


@pytest.mark.parametrize(("raw", "clean"), [
    ("T1", "T1"), ("  T1 ", "T1"), ("\tT1\r\n", "T1"), ("\u00a0T1\u00a0", "T1"), ("\fT1", "T1"),
    ("a b", "a b"), ("", None), ("   ", None), ("\u00a0", None), (None, None),
    (" سلام ", "سلام"), ("سلام", "سلام"), ("e\u0301 ", "e\u0301"),
    # Only \s (tab, line feed, form feed, carriage return, space) and the no-break space.
    ("\u2003T1", "\u2003T1"), ("T1\v", "T1\v"),
])
def test_values_are_trimmed_of_spaces_tabs_breaks_and_no_break_spaces(raw, clean):
    con = duckdb.connect()
    parsing.install(con)
    assert con.execute("select clean_text($v::varchar)", {"v": raw}).fetchone()[0] == clean


@pytest.mark.parametrize(("zone", "raw", "utc"), [
    ("UTC", "2026-01-20T10:00:00Z", datetime(2026, 1, 20, 10, 0)),
    ("UTC", "2026-01-20 10:00:00.123456", datetime(2026, 1, 20, 10, 0, 0, 123456)),
    ("UTC", "1768903200", datetime(2026, 1, 20, 10, 0)),
    ("UTC", "1768903200500", datetime(2026, 1, 20, 10, 0, 0, 500000)),
    ("UTC", "1969-12-31T23:59:59Z", datetime(1969, 12, 31, 23, 59, 59)),
    # Without an offset a value is read in the configured zone (Tehran: +03:30).
    ("Asia/Tehran", "2026-01-20 10:00", datetime(2026, 1, 20, 6, 30)),
    ("Asia/Tehran", "2026-01-20T10:00:00+01:00", datetime(2026, 1, 20, 9, 0)),
    ("UTC", "not a time", None),
    ("UTC", None, None),
])
def test_timestamps_become_naive_utc(zone, raw, utc):
    con = duckdb.connect()
    con.execute(f"set timezone = '{zone}'")
    parsing.install(con)
    # From a column, as the row rules read it (a constant would be folded branch by branch).
    con.execute("create table t as select $v::varchar as v", {"v": raw})
    assert con.execute("select to_ts(v) from t").fetchone()[0] == utc


def test_an_infinite_timestamp_is_unreadable():
    con = duckdb.connect()
    parsing.install(con)
    con.execute("create table t as select 'infinity' as v")
    assert con.execute("select to_ts(v) from t").fetchone()[0] is None


@pytest.mark.parametrize(("zone", "utc", "day"), [
    ("UTC", datetime(2026, 1, 20, 23, 59), date(2026, 1, 20)),
    # 23:59 UTC is already the next day in Tehran and still the same day in Sao Paulo.
    ("Asia/Tehran", datetime(2026, 1, 20, 23, 59), date(2026, 1, 21)),
    ("America/Sao_Paulo", datetime(2026, 1, 21, 1, 0), date(2026, 1, 20)),
])
def test_local_day_of_a_utc_timestamp(zone, utc, day):
    con = duckdb.connect()
    parsing.install(con)
    assert con.execute("select local_day($t::timestamp, $z)", {"t": utc, "z": zone}).fetchone()[0] == day


def test_natively_typed_excel_and_parquet_values(tmp_path):
    """Exports that carry types, not text: Excel date cells, numbers and booleans; Parquet
    timestamps with a zone, nullable integers. Worked by hand (time zone UTC)."""
    data = tmp_path / "data"
    for source in ("tickets", "surveys", "reviews"):
        (data / source).mkdir(parents=True)
    ts = datetime
    tickets = pd.DataFrame({
        "Ticket ID": ["T1", "T2", "T3"], "Customer ID": ["C1", "C2", "C1"],
        "Created At": [ts(2026, 3, 1, 10), ts(2026, 3, 2, 23, 30), ts(2026, 3, 3, 8)],
        "First Response At": [ts(2026, 3, 1, 11, 30), None, ts(2026, 3, 3, 9)],
        "Resolved At": [ts(2026, 3, 1, 15), None, ts(2026, 3, 4, 8)],
        "Type": ["incident", "question", "complaint"], "Reopens": [0, 1, None], "Replies": [1, 3, 2],
        "Proactive": [True, False, None], "Apologized": [True, None, False], "Compensation": [10.0, None, 0.0],
        "Promised At": [ts(2026, 3, 2, 10), None, ts(2026, 3, 4, 9)],
    })
    tickets.to_excel(data / "tickets" / "tickets.xlsx", index=False, engine="xlsxwriter")
    surveys = pd.DataFrame({
        "response_id": ["R1", "R2"], "customer_id": ["C1", "C2"],
        # 10:00 in Tehran (+03:30) is 06:30 UTC
        "submitted_at": pd.to_datetime(["2026-03-02 10:00", "2026-03-03 10:00"]).tz_localize("Asia/Tehran"),
        "ticket_id": ["T1", None],
        "nps": pd.array([9, 2], dtype="Int64"), "csat": pd.array([5, None], dtype="Int64"),
    })
    surveys.to_parquet(data / "surveys" / "surveys.parquet", index=False)
    reviews = pd.DataFrame({"review_id": ["V1"], "platform": ["Google"], "posted_at": [ts(2026, 3, 5, 12)],
                            "rating": [1]})
    reviews.to_excel(data / "reviews" / "reviews.xlsx", index=False, engine="xlsxwriter")
    target = tmp_path / "w.duckdb"
    result = build(data, target)
    assert result.published, result.message
    assert result.sources["tickets"].rejected == result.sources["surveys"].rejected == 0
    got = values(target)
    expected = {
        "tickets": 3,
        "first_response_hours_median": 1.25,  # T1 1.5 h, T3 1.0 h
        "first_response_hours_p90": 1.45,  # 1.0 + 0.9 * 0.5
        "resolution_hours_median": 14.5,  # T1 5 h, T3 24 h
        "resolution_hours_p90": 22.1,  # 5 + 0.9 * 19
        "unanswered_tickets": 1,  # T2
        "reopen_pct": 0.0,  # resolved T1 (0) and T3 (empty: 0)
        "one_touch_pct": 50.0,  # T1 one reply, T3 two
        "promise_kept_pct": 100.0,
        "proactive_pct": 50.0,  # T1 yes, T2 no, T3 unknown
        "failures": 2,  # the incident and the complaint
        "responses": 2, "nps": 0.0, "csat_pct": 100.0,
        "reviews": 1, "review_rating_avg": 1.0, "negative_review_pct": 100.0,
    }
    assert {k: got[k] for k in expected} == pytest.approx(expected)
    with duckdb.connect(str(target), read_only=True) as con:
        submitted = con.execute("select submitted_at from survey_facts where response_id = 'R1'").fetchone()[0]
        proactive = con.execute("select proactive from ticket_facts order by ticket_id").fetchall()
    assert submitted == datetime(2026, 3, 2, 6, 30)
    assert [p for (p,) in proactive] == [True, False, None]
