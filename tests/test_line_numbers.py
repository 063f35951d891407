"""Rejected rows name the line a person finds them on, whatever came before them."""

from __future__ import annotations

import shutil

import duckdb
from conftest import SMALL, build

from cx.config import Settings


def test_lines_count_quoted_line_breaks_and_malformed_lines(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    (data / "surveys" / "extra.csv").write_text(
        "response_id,customer_id,submitted_at,csat,comment\n"  # line 1
        "A1,C1,2026-01-02 10:00,5,fine\n"  # 2
        'A2,C1,2026-01-02 11:00,4,"two\nlines"\n'  # 3-4
        "A3,C1,2026-01-02 12:00\n"  # 5: too few fields
        "A4,C1,2026-01-02 13:00,9,bad csat\n"  # 6
        "A5,C1,x,1,2,3,4\n"  # 7: too many fields
        "A6,C1,x,1,2,3,4\n"  # 8: too many fields
        'A7,C1,2026-01-02 14:00,8,"three\nline\ncomment"\n'  # 9-11
        "A8,C1,2026-01-02 15:00,0,last\n",  # 12
        encoding="utf-8",
    )
    target = tmp_path / "w.duckdb"
    assert build(data, target, Settings(max_rejected_pct=100)).published
    with duckdb.connect(str(target), read_only=True) as con:
        rows = con.execute(
            "select line, \"column\" from rejected_rows where file = 'surveys/extra.csv' order by line"
        ).fetchall()
    assert [line for line, _ in rows] == [5, 6, 7, 8, 9, 12]
    assert dict(rows)[6] == "csat" and dict(rows)[12] == "csat"
