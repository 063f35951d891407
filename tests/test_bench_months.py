"""The benchmark's monthly files: re-split by month, the last month held out, a warehouse's
sidecar files removed (benchmarks/run.py; figures are never asserted here)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.run import hold_out_last_month, latest_month, remove_warehouse, split_by_month  # noqa: E402


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def rows(path: Path) -> list[tuple]:
    return duckdb.execute("select * from read_csv($f, all_varchar = true)", {"f": str(path)}).fetchall()


def test_split_by_month_uses_the_utc_month_and_keeps_values_as_text(tmp_path):
    src = write(tmp_path / "in" / "reviews.csv",
                "review_id,posted_at,rating\n"
                '"R1","2026-09-30T23:30:00+00:00",5\n'
                '"R2","2026-10-01T02:00:00+03:30",4\n'  # 2026-09-30 22:30 UTC
                '"R3","2026-10-01T01:00:00+00:00",\n'
                '"R4","not a date",3\n')
    out = split_by_month([src], tmp_path / "out", "reviews", "posted_at")
    assert [p.name for p in out] == ["reviews-2026-09.csv", "reviews-2026-10.csv"]
    assert rows(out[0]) == [("R1", "2026-09-30T23:30:00+00:00", "5"), ("R2", "2026-10-01T02:00:00+03:30", "4"),
                            ("R4", "not a date", "3")]
    assert rows(out[1]) == [("R3", "2026-10-01T01:00:00+00:00", None)]


def test_split_by_month_thins_by_hash_of_the_key(tmp_path):
    body = "".join(f'"S{i}","2026-0{1 + i % 2}-15 10:00:00"\n' for i in range(2000))
    src = write(tmp_path / "surveys.csv", "response_id,submitted_at\n" + body)
    out = split_by_month([src], tmp_path / "out", "surveys", "submitted_at", keep=0.25, key="response_id")
    kept = sum(len(rows(p)) for p in out)
    assert 350 < kept < 650
    again = split_by_month([src], tmp_path / "again", "surveys", "submitted_at", keep=0.25, key="response_id")
    assert [rows(p) for p in again] == [rows(p) for p in out]


def test_hold_out_last_month_links_everything_else(tmp_path):
    complete = tmp_path / "complete"
    for name in ("customers/customers.csv", "tickets/tickets-2026-09.csv", "tickets/tickets-2026-10.csv",
                 "surveys/surveys-2026-09.csv", "surveys/surveys-2026-10.csv", "reviews/reviews-2026-09.csv"):
        write(complete / name, "x\n1\n")
    assert latest_month(complete) == "2026-10"
    dest = tmp_path / "run"
    held = hold_out_last_month(complete, dest)
    assert sorted(str(d.relative_to(dest)) for _, d in held) == ["surveys/surveys-2026-10.csv",
                                                                  "tickets/tickets-2026-10.csv"]
    present = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    assert present == ["customers/customers.csv", "reviews/reviews-2026-09.csv", "surveys/surveys-2026-09.csv",
                       "tickets/tickets-2026-09.csv"]
    assert not any(p.is_symlink() for p in dest.rglob("*"))  # the refresh refuses links


def test_remove_warehouse_takes_its_sidecar_files(tmp_path):
    target = write(tmp_path / "w.duckdb", "")
    for name in ("w.duckdb.current", "w.duckdb.log.jsonl", "w.duckdb.versions/1.duckdb", "w.duckdb.checked/a",
                 "other.duckdb"):
        write(tmp_path / name, "")
    remove_warehouse(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.duckdb"]
