"""An incremental refresh (the checked rows of unchanged files reused: cx.pipeline.kept_rows;
the previous ticket facts extended when files were only added: cx.pipeline.extend) gives the
warehouse a full refresh of the same folder gives: after files are added, changed in place,
removed, and after a setting the row rules read is changed. Every value is the same; the one
exception is the number of a customer key, which an extended warehouse keeps from before (a
surrogate for the ID: each table's key is checked to stand for the same ID)."""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta

import duckdb
import pytest
from conftest import SMALL, build
from test_check_batches import TABLES, _with_more_files

from cx import metrics
from cx.config import Settings
from cx.pipeline import kept_rows, refresh

SETTINGS = Settings(max_rejected_pct=100)


KEYED = {**TABLES, "customer_signals_stored": "signals_end, customer_id"}


def _snapshot(target) -> dict:
    """Every published table in a fixed order, customer keys replaced by the IDs they stand for."""
    out = {}
    with duckdb.connect(str(target), read_only=True) as con:
        keys = dict(con.execute("select customer_key, customer_id from customer_keys").fetchall())
        assert len(set(keys.values())) == len(keys)
        for table, order in KEYED.items():
            cols = [d[0] for d in con.execute(f"select * from {table} limit 0").description]
            if "customer_key" in cols:
                pairs = con.execute(f"select distinct customer_key, customer_id from {table}").fetchall()
                assert all(keys.get(k) == i for k, i in pairs if k is not None), table
                out[table] = con.execute(f"select * exclude (customer_key) from {table} order by {order}").fetchall()
            else:
                out[table] = con.execute(f"select * from {table} order by {order}").fetchall()
        out["kpis"] = metrics.kpis(con)
        out["bounds"] = con.execute("select first_day, last_day, as_of from data_bounds").fetchall()
    return out


def _tickets(data, name: str, *rows: str, extra: str = "") -> None:
    """A tickets export in the contract's columns (and `extra` ones), one line a row."""
    header = "ticket_id,customer_id,created_at,first_response_at,resolved_at,type,channel,team"
    header += "," + extra if extra else ""
    (data / "tickets" / name).write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")


def _extended(result) -> bool:
    return any("ticket_facts extended" in line for line in result.lines)


def _full(data, tmp_path, settings=SETTINGS, name="full"):
    """A full refresh of `data` into a warehouse of its own (nothing kept from before)."""
    target = tmp_path / name / "w.duckdb"
    target.parent.mkdir()
    shutil.copy(tmp_path / "inc" / ".cx-secret", target.parent / ".cx-secret")  # the same e-mail hashes
    result = build(data, target, settings)
    assert result.published, result.message
    return _snapshot(target)


def _reused(result) -> list[str]:
    return [line.strip().split(":")[0] for line in result.lines if line.endswith("(unchanged: checked rows reused)")]


@pytest.fixture
def inc(tmp_path):
    """A data folder and its warehouse, refreshed once."""
    data = _with_more_files(tmp_path)
    target = tmp_path / "inc" / "w.duckdb"
    target.parent.mkdir()
    first = build(data, target, SETTINGS)
    assert first.published, first.message
    assert _reused(first) == []
    return data, target


def test_nothing_changed_reuses_every_file(inc, tmp_path):
    data, target = inc
    again = build(data, target, SETTINGS)
    assert again.published, again.message
    assert len(_reused(again)) == 7  # every file, the one with rejected and unsplittable lines too
    assert any("7 of 7 files unchanged since an earlier refresh" in line for line in again.lines)
    assert again.sources["tickets"].rejected == 4 and again.sources["tickets"].rows == 13
    assert _snapshot(target) == _full(data, tmp_path)


def test_added_changed_and_removed_files(inc, tmp_path):
    data, target = inc
    # Added: next month's tickets, which update an earlier ticket.
    (data / "tickets" / "tickets-2026-04.csv").write_text(
        "ticket_id,customer_id,created_at,first_response_at,resolved_at,type,channel,team\n"
        "T1,C1,2026-01-05T09:00:00Z,2026-01-05T09:30:00Z,2026-01-06T09:00:00Z,incident,email,Billing\n"
        "T20,C3,2026-04-02T10:00:00Z,2026-04-02T10:05:00Z,,question,chat,Tech\n",
        encoding="utf-8",
    )
    # Changed in place, to the same size and modification time: the content decides.
    reviews = data / "reviews" / "reviews.csv"
    stat = reviews.stat()
    text = reviews.read_text(encoding="utf-8")
    reviews.write_text(text.replace(",5,", ",4,", 1), encoding="utf-8")
    os.utime(reviews, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert reviews.stat().st_size == stat.st_size and reviews.read_text(encoding="utf-8") != text
    # Removed.
    (data / "surveys" / "more.csv").unlink()

    again = build(data, target, SETTINGS)
    assert again.published, again.message
    assert sorted(_reused(again)) == sorted([
        "customers/customers.csv", "surveys/surveys.csv",
        "tickets/tickets-2026-01.csv", "tickets/tickets-2026-02.csv", "tickets/tickets-2026-03.csv",
    ])
    assert _snapshot(target) == _full(data, tmp_path)
    # The removed file's kept rows are gone; the changed file's earlier rows too.
    entries = list(kept_rows.store_dir(target).glob("*/*.json"))
    assert len(entries) == 7  # 2 customers+surveys, 1 review, 4 tickets


def test_next_month_extends_the_ticket_facts(inc, tmp_path):
    """Files added after the others: a new month of tickets (a new customer whose ID sorts
    among the others, an update of an earlier ticket) and of surveys (a post-ticket survey for
    an earlier ticket, and a response exported again that now answers another ticket)."""
    data, target = inc
    (data / "tickets" / "tickets-2026-04.csv").write_text(
        "ticket_id,customer_id,created_at,first_response_at,resolved_at,type,channel,team\n"
        "T2,C1,2026-01-06T09:00:00Z,2026-01-06T09:30:00Z,2026-01-07T09:00:00Z,incident,email,Billing\n"
        "T21,C25,2026-04-02T10:00:00Z,2026-04-02T10:05:00Z,,question,chat,Tech\n",
        encoding="utf-8",
    )
    (data / "surveys" / "surveys2.csv").write_text(  # sorts after the others
        "response_id,customer_id,submitted_at,ticket_id,nps,csat,comment\n"
        "S92,C1,2026-01-07 12:00,T1,3,1,too slow\n"
        "S1,C1,2026-01-08 12:00,T4,10,5,changed my mind\n",
        encoding="utf-8",
    )
    again = build(data, target, SETTINGS)
    assert again.published, again.message
    assert _extended(again)
    assert len(_reused(again)) == 7
    assert _snapshot(target) == _full(data, tmp_path)
    # And once more with nothing added: extended, nothing built again.
    third = build(data, target, SETTINGS)
    assert any("ticket_facts extended: 0 tickets" in line for line in third.lines)
    assert _snapshot(target) == _full(data, tmp_path, name="full2")


def test_a_changed_customers_file_builds_the_ticket_facts_again(inc, tmp_path):
    data, target = inc
    path = data / "customers" / "customers.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("EU", "NA", 1), encoding="utf-8")
    again = build(data, target, SETTINGS)
    assert again.published, again.message
    assert not _extended(again)
    assert _snapshot(target) == _full(data, tmp_path)


def test_an_added_export_column_builds_the_ticket_facts_again(inc, tmp_path):
    data, target = inc
    (data / "tickets" / "tickets-2026-04.csv").write_text(
        "ticket_id,customer_id,created_at,first_response_at,resolved_at,type,channel,team,sentiment\n"
        "T22,C3,2026-04-02T10:00:00Z,2026-04-02T10:05:00Z,,question,chat,Tech,calm\n",
        encoding="utf-8",
    )
    again = build(data, target, SETTINGS)
    assert again.published, again.message
    assert not _extended(again)
    assert _snapshot(target) == _full(data, tmp_path)


def test_a_changed_setting_checks_every_file_again(inc, tmp_path):
    data, target = inc
    later = Settings(max_rejected_pct=100, timezone="Asia/Tehran", earliest_date=date(2026, 1, 10))
    again = build(data, target, later)
    assert again.published, again.message
    assert _reused(again) == [] and not _extended(again)
    assert _snapshot(target) == _full(data, tmp_path, later)
    # A setting the row rules do not read reuses the rows.
    threshold = Settings(max_rejected_pct=100, timezone="Asia/Tehran", earliest_date=date(2026, 1, 10),
                         promise_on_time_hours=8)
    third = build(data, target, threshold)
    assert len(_reused(third)) == 7 and not _extended(third)  # ticket facts read the setting
    assert _snapshot(target) == _full(data, tmp_path, threshold, name="full2")


def test_full_reads_every_file(inc, tmp_path):
    data, target = inc
    lines: list[str] = []
    result = refresh.refresh(data, target, SETTINGS, say=lines.append, full=True)
    assert result.published, result.message
    assert not any(line.endswith("(unchanged: checked rows reused)") for line in lines)
    assert any("read and checked in full (--full)" in line for line in lines)


def test_a_file_checked_against_an_earlier_now_is_checked_again(inc, tmp_path, monkeypatch):
    """The one rule that moves by itself: nothing after now plus the tolerance. A ticket dated
    tomorrow + 2 days is rejected today and good in three days; its file is not reused while
    its newest timestamp is past the bound it was checked with."""
    data, target = inc
    soon = (date.today() + timedelta(days=2)).isoformat()
    _tickets(data, "tickets-2026-05.csv", f"T30,C1,{soon}T09:00:00Z,,,question,email,Billing")
    today = build(data, target, SETTINGS)
    assert today.published and today.sources["tickets"].rejected == 5
    bounds = refresh._plausible_bounds
    monkeypatch.setattr(
        refresh, "_plausible_bounds",
        lambda s: {k: v + timedelta(days=3) if k in ("now", "latest") else v for k, v in bounds(s).items()},
    )
    later = build(data, target, SETTINGS)
    assert "tickets/tickets-2026-05.csv" not in _reused(later)
    assert "tickets/tickets-2026-01.csv" in _reused(later)
    assert later.sources["tickets"].rejected == 4
    assert _snapshot(target) == _full(data, tmp_path)


def test_kept_rows_stay_out_of_the_inputs(tmp_path):
    """A warehouse kept inside the data folder: its kept rows are never read as exports."""
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    target = data / "tickets" / "w.duckdb"
    for _ in range(2):
        result = build(data, target)
        assert result.published, result.message
        assert result.sources["tickets"].files == 2


def test_a_promise_due_later_does_not_stop_reuse(inc, tmp_path):
    """A promise may lie years ahead (its own allowance): its file is reused like any other."""
    data, target = inc
    due = (date.today() + timedelta(days=100)).isoformat()
    _tickets(data, "tickets-2026-05.csv", f"T31,C1,2026-03-05T09:00:00Z,,,question,email,Billing,{due}T09:00:00Z",
             extra="promised_at")
    first = build(data, target, SETTINGS)
    assert first.published and first.sources["tickets"].rejected == 4
    again = build(data, target, SETTINGS)
    assert "tickets/tickets-2026-05.csv" in _reused(again)
    assert _snapshot(target) == _full(data, tmp_path)


def test_a_warehouse_folder_named_like_a_partition(tmp_path):
    """`name=value` folders in the warehouse's own path are not read as columns of the rows."""
    target = tmp_path / "region=EU" / "w.duckdb"
    target.parent.mkdir()
    for _ in range(2):
        result = build(SMALL, target)
        assert result.published, result.message
    with duckdb.connect(str(target), read_only=True) as con:
        cols = [d[0] for d in con.execute("select * from ticket_facts limit 0").description]
    assert cols.count("region") == 1 and "_kept_key" not in cols
    assert _snapshot(target) == _snapshot_of_full(SMALL, tmp_path)


def _snapshot_of_full(data, tmp_path):
    target = tmp_path / "plain" / "w.duckdb"
    target.parent.mkdir()
    shutil.copy(tmp_path / "region=EU" / ".cx-secret", target.parent / ".cx-secret")
    assert build(data, target).published
    return _snapshot(target)
