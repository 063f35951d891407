"""Every input format of the contract gives the same warehouse as the CSV fixture."""

from __future__ import annotations

import json
import shutil
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
