"""The refresh checks rows a batch of files at a time (cx.pipeline.refresh.CHECK_BATCH_BYTES and
CHECK_BATCH_FILES): how the files fall into batches must not change a single published value
or rejected row."""

from __future__ import annotations

import json
import shutil

import duckdb
from conftest import SMALL, build

from cx import metrics
from cx.config import Settings
from cx.pipeline import refresh

TABLES = {
    "ticket_facts": "ticket_id",
    "survey_facts": "response_id",
    "review_facts": "review_id",
    "stg_customers": "customer_id",
    "failure_recoveries": "ticket_id",
    "rejected_rows": "source, file, line",
}


def _with_more_files(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    # A later export: updates T3 (an earlier file's ticket), repeats T9 within the file,
    # breaks rules, and holds a line that does not split into the header's columns.
    (data / "tickets" / "tickets-2026-03.csv").write_text(
        "ticket_id,customer_id,created_at,first_response_at,resolved_at,type,channel,team,csat_hint\n"
        "T3,C2,2026-01-20T08:00:00Z,2026-01-20T09:00:00Z,2026-01-21T08:00:00Z,complaint,email,Billing,x\n"
        "T9,C4,2026-03-01T10:00:00Z,2026-03-01T09:00:00Z,,problem,chat,Tech,\n"
        "T9,C4,2026-03-01T11:00:00Z,,,problem,chat,Tech,\n"
        "T10,C5,not a date,,,question,web,Support,\n"
        "T11,C1,2026-03-02T10:00:00Z\n",
        encoding="utf-8",
    )
    (data / "surveys" / "more.csv").write_text(
        "response_id,customer_id,submitted_at,ticket_id,nps,csat,comment\n"
        # S90 has the same time as S3 (the small fixture): a tie for T3's loyalty response.
        'S90,C2,2026-01-23 10:00,T3,9,5,"long\ncomment"\n'
        "S91,C4,2026-03-02 10:00,T9,11,3,out of range\n",
        encoding="utf-8",
    )
    return data


def _snapshot(target) -> dict:
    with duckdb.connect(str(target), read_only=True) as con:
        out = {t: con.execute(f"select * from {t} order by {key}").fetchall() for t, key in TABLES.items()}
        out["kpis"] = metrics.kpis(con)
    # A rejected row's record lists the columns of the files checked with it (null where its
    # own file has no such column): compare the values it holds.
    out["rejected_rows"] = [
        (*r[:-1], {k: v for k, v in json.loads(r[-1]).items() if v is not None} if r[-1] else None)
        for r in out["rejected_rows"]
    ]
    return out


def test_batches_of_files_give_the_same_warehouse(tmp_path, monkeypatch):
    data = _with_more_files(tmp_path)
    settings = Settings(max_rejected_pct=100)
    whole = build(data, tmp_path / "whole.duckdb", settings)
    monkeypatch.setattr(refresh, "CHECK_BATCH_BYTES", 1)  # every file a batch of its own
    single = build(data, tmp_path / "single.duckdb", settings)
    assert whole.published and single.published, (whole.message, single.message)
    a, b = _snapshot(tmp_path / "whole.duckdb"), _snapshot(tmp_path / "single.duckdb")
    assert a == b
    # The fixture exercises what batching could break: rejected rows of every kind, an
    # update across files, a repeated ID within a file.
    rejected = {(f, line) for _, f, line, *_ in a["rejected_rows"]}
    assert {("tickets/tickets-2026-03.csv", n) for n in (3, 4, 5, 6)} <= rejected
    assert ("surveys/more.csv", 4) in rejected
    t3 = next(r for r in a["ticket_facts"] if r[0] == "T3")
    assert str(t3[3]).startswith("2026-01-20 09:00")  # the later file's first response
    assert whole.sources["tickets"].updated == 2  # T3 here, and one in the small fixture
    t3_loyalty = next(r for r in a["failure_recoveries"] if r[0] == "T3")
    assert "S3" in t3_loyalty and "S90" not in t3_loyalty  # the tie goes to the lowest ID


def test_batches_bounded_by_file_count_give_the_same_warehouse(tmp_path, monkeypatch):
    """Thousands of small files are checked a hundred at a time (CHECK_BATCH_FILES), not as
    one union; two files a batch must give the warehouse one batch gives."""
    data = _with_more_files(tmp_path)
    settings = Settings(max_rejected_pct=100)
    whole = build(data, tmp_path / "whole.duckdb", settings)
    monkeypatch.setattr(refresh, "CHECK_BATCH_FILES", 2)
    pairs = build(data, tmp_path / "pairs.duckdb", settings)
    assert whole.published and pairs.published, (whole.message, pairs.message)
    assert _snapshot(tmp_path / "whole.duckdb") == _snapshot(tmp_path / "pairs.duckdb")
