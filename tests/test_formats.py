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

from cx import sql
from cx.metrics import kpis

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
    # Numbers as numbers and timestamps as Excel dates where Excel users would have them.
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
    sql.execute_script(con, "macros/parsing")
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
    sql.execute_script(con, "macros/parsing")
    # From a column, as the row rules read it (a constant would be folded branch by branch).
    con.execute("create table t as select $v::varchar as v", {"v": raw})
    assert con.execute("select to_ts(v) from t").fetchone()[0] == utc


def test_an_infinite_timestamp_is_unreadable():
    con = duckdb.connect()
    sql.execute_script(con, "macros/parsing")
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
    sql.execute_script(con, "macros/parsing")
    assert con.execute("select local_day($t::timestamp, $z)", {"t": utc, "z": zone}).fetchone()[0] == day
