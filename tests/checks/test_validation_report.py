"""The validation report stored with each refresh and `python -m cx checks`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from conftest import SMALL, build

from checks import report
from cx.config import Settings

ROOT = Path(__file__).resolve().parents[2]
BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"


def cx(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cx", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_every_expectation_is_stored_with_its_outcome(small_warehouse):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        rows = report.load(con)
        refresh_id = con.execute("select max(refresh_id) from refreshes").fetchone()[0]
    by_source = {s: [r for r in rows if r["source"] == s] for s in ("customers", "surveys", "reviews", "tickets")}
    assert all(len(v) >= 7 for v in by_source.values())
    assert {r["refresh_id"] for r in rows} == {refresh_id}
    assert {r["severity"] for r in rows} == {"block", "reject", "warn"}
    # The fixture's data end in February 2026: every source but customers is stale.
    failed = sorted((r["source"], r["rule"]) for r in rows if not r["success"])
    assert failed == [("reviews", "freshness"), ("surveys", "freshness"), ("tickets", "freshness")]
    assert all(r["error"] is None for r in rows)
    csat = next(r for r in rows if r["title"] == "csat is between 1 and 5")
    assert (csat["unexpected_count"], csat["unexpected_pct"], csat["rows"]) == (0, 0.0, 10)
    assert csat["expectation"] == "expect_column_values_to_be_between"


def test_checks_command_formats(small_warehouse):
    table = cx("checks", "--warehouse", str(small_warehouse))
    assert table.returncode == 0, table.stderr
    assert table.stdout.startswith("validation report of refresh ")
    assert "WARN   warn   tickets   the newest created_at is at most 7 days old" in table.stdout
    failed = cx("checks", "--warehouse", str(small_warehouse), "--failed", "--format", "json")
    rows = json.loads(failed.stdout)
    assert len(rows) == 3 and all(not r["success"] for r in rows)
    csv_out = cx("checks", "--warehouse", str(small_warehouse), "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("source,severity,success,title")


def test_a_fresh_source_passes_the_freshness_check(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (data / "tickets" / "tickets-recent.csv").write_text(
        f"ticket_id,customer_id,created_at\nT99,C1,{yesterday}\n", encoding="utf-8"
    )
    result = build(data, tmp_path / "w.duckdb")
    fresh = {r["source"]: r["success"] for r in result.report if r["rule"] == "freshness"}
    assert fresh == {"surveys": False, "reviews": False, "tickets": True}
    assert "3 warnings" not in result.message and "2 warnings (python -m cx checks)" in result.message


def test_a_blocked_attempt_is_shown_above_the_published_report(tmp_path):
    target = tmp_path / "w.duckdb"
    assert build(SMALL, target).published
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    shutil.copy(BAD / "surveys" / "too_many_rejected.csv", data / "surveys")
    result = build(data, target, Settings())
    assert not result.published
    failed = {r["title"] for r in result.report if not r["success"]}
    assert "at most 10% of the rows are rejected" in failed
    shown = cx("checks", "--warehouse", str(target), "--failed")
    assert "was BLOCKED and published nothing: surveys: 3 of 15 rows (20.0%) were rejected" in shown.stdout
    assert "block  surveys   at most 10% of the rows are rejected" in shown.stdout
