"""The recovery, promise, high-expectation and review queries, by hand on tests/fixtures/small.

Fixture facts used below: failures T1 (incident, answered in 1 h, apologized, compensated
10, recovered; loyalty S1 nps 10), T3 (complaint, 4 h, no apology, csat 2; loyalty S3 nps 3),
T4 (problem, 8 h, open 20 days; loyalty S5 nps 9), T7 (incident, 1 h, csat 4; loyalty S7
nps 9). Promises: T1 resolved 24 h early (csat 5), T2 4 h late (csat 3).
"""

from __future__ import annotations

import duckdb
import pytest

from cx import sql
from cx.metrics import kpis, segment_filter

PARAMS = {
    "start": None, "end": None, "f": segment_filter({}), "grain": "month", "bin_hours": 12,
    "clip_hours": 48, "recent_days": 30, "limit": 10,
}


@pytest.fixture(scope="module")
def con(small_warehouse):
    with duckdb.connect(str(small_warehouse), read_only=True) as c:
        yield c


def q(con, name, **overrides):
    return sql.rows(con, f"metrics/{name}", **(PARAMS | overrides))


def test_recovery_funnel(con):
    assert q(con, "recovery_funnel") == [
        {"failures": 4, "answered": 4, "resolved": 3, "with_outcome": 4, "recovered": 2, "not_recovered": 2}
    ]


def test_recovery_groups_match_the_kpis(con):
    rows = {r["group"]: r for r in q(con, "recovery_groups")}
    values = kpis(con)
    assert rows["no failure"]["nps"] == values["nps_no_failure"] == -50.0
    assert rows["recovered"]["nps"] == values["nps_after_recovery"] == 100.0
    assert rows["not recovered"]["nps"] == values["nps_after_failed_recovery"] == 0.0
    # no failure: answers 8 and 6 -> p_det 0.5 -> 1.96 * 100 * sqrt(0.25 / 2)
    assert rows["no failure"]["nps_moe95"] == pytest.approx(196 * (0.25 / 2) ** 0.5)
    assert rows["not recovered"]["nps_moe95"] == pytest.approx(196 * (1 / 2) ** 0.5)
    assert [r["responses"] for r in rows.values()] == [2, 2, 2]


def test_recovery_groups_are_listed_even_when_empty(con):
    rows = q(con, "recovery_groups", start="2030-01-01", end="2030-01-31")
    assert [(r["group"], r["responses"], r["nps"]) for r in rows] == [
        ("no failure", 0, None), ("recovered", 0, None), ("not recovered", 0, None)
    ]


def test_recovery_drivers(con):
    rows = {(r["driver"], r["band"]): r for r in q(con, "recovery_drivers")}
    fast = rows[("response speed", "1-4 h")]  # T1 and T7, both answered in exactly 1 h
    slow = rows[("response speed", "4-24 h")]  # T3 (4 h) and T4 (8 h)
    assert (fast["failures"], fast["recovery_pct"], fast["nps_after"]) == (2, 100.0, 100.0)
    assert (slow["failures"], slow["recovery_pct"], slow["nps_after"]) == (2, 0.0, 0.0)
    assert rows[("apology", "apologized")]["recovery_pct"] == 100.0
    assert rows[("apology", "no apology")]["recovery_pct"] == 0.0
    assert rows[("apology", "unknown")]["failures"] == 2
    assert rows[("compensation", "compensated")]["failures"] == 1
    combos = [k for k in rows if k[0] == "combination"]
    assert combos == [("combination", "fast (under 4 h), apologized, compensated")]


def test_recovery_trend(con):
    rows = q(con, "recovery_trend")
    assert [(str(r["period"]), r["failures"], r["recovery_pct"]) for r in rows] == [
        ("2026-01-01", 2, 50.0), ("2026-02-01", 2, 50.0)
    ]


def test_promise_timing(con):
    rows = {r["timing"]: r for r in q(con, "promise_timing")}
    assert (rows["early"]["tickets"], rows["early"]["csat_pct"], rows["early"]["median_hours_vs_promise"]) == (
        1, 100.0, -24.0
    )
    assert (rows["on time"]["tickets"], rows["on time"]["csat_pct"]) == (0, None)
    assert (rows["late"]["tickets"], rows["late"]["csat_pct"], rows["late"]["median_hours_vs_promise"]) == (
        1, 0.0, 4.0
    )
    assert rows["early"]["share_pct"] == 50.0


def test_promise_delta_histogram(con):
    rows = q(con, "promise_delta_histogram")
    assert [(r["bin_start"], r["bin_end"], r["tickets"], r["kept"]) for r in rows] == [
        (-24.0, -12.0, 1, True), (0.0, 12.0, 1, False)
    ]


def test_proactive_effect(con):
    rows = {r["contact"]: r for r in q(con, "proactive_effect")}
    notice, none = rows["proactive notice"], rows["no notice"]
    assert (notice["tickets"], notice["csat_pct"], notice["resolution_hours_median"]) == (2, 100.0, 13.25)
    assert (none["tickets"], none["csat_pct"], none["complaint_pct"]) == (2, 0.0, 0.0)


def test_unanswered_ageing(con):
    rows = q(con, "unanswered_ageing")
    assert [(r["band"], r["tickets"]) for r in rows] == [
        ("under 4 h", 0), ("4-24 h", 0), ("1-3 days", 0), ("3-7 days", 0), ("over 7 days", 1)
    ]


def test_high_expectation_summary(con):
    rows = {r["segment"]: r for r in q(con, "high_expectation_summary")}
    he, rest = rows["high expectation"], rows["everyone else"]
    assert (he["customers"], he["share_pct"], he["tickets"]) == (2, 40.0, 4)
    assert (he["demanding"], he["vocal"], he["in_touch"], he["influential"]) == (1, 1, 1, 2)
    assert he["nps"] == pytest.approx(-100 / 3)  # S1 10, S3 3, S4 5
    assert he["first_response_hours_median"] == 0.75  # T1 1, T2 0.5, T6 0.5, T3 4
    assert rest["nps"] == pytest.approx(100 / 3)  # 9, 8, 9, 10, 7, 6
    assert rest["csat_pct"] == 80.0
    assert he["share_pct"] == kpis(con)["high_expectation_pct"]


def test_high_expectation_trend(con):
    rows = q(con, "high_expectation_trend")
    assert [(str(r["period"]), r["active_customers"], r["high_expectation_customers"]) for r in rows] == [
        ("2026-01-01", 3, 2), ("2026-02-01", 5, 2)
    ]


def test_at_risk_customers(con):
    rows = q(con, "at_risk_customers")
    assert [(r["customer_id"], r["urgency"]) for r in rows] == [("C1", 1), ("C2", 1)]
    assert rows[0]["needs"] == "follow up on the 1-star review on Trustpilot"
    assert rows[1]["needs"] == "call back: gave NPS 5 on 2026-02-15"
    assert rows[0]["signals"] == "demanding, in touch, influential"


def test_at_risk_open_failure_comes_first(tmp_path, data_copy):
    from conftest import build

    # C2 opens a complaint that stays open: resolving it is the most urgent need.
    with (data_copy / "tickets" / "tickets-2026-02.csv").open("a", encoding="utf-8") as fh:
        fh.write("T9,C2,2026-02-11T09:00:00Z,2026-02-11T10:00:00Z,,complaint,,,,,,,,,,,open\n")
    target = tmp_path / "w.duckdb"
    assert build(data_copy, target).published
    with duckdb.connect(str(target), read_only=True) as c:
        rows = q(c, "at_risk_customers")
    assert rows[0]["customer_id"] == "C2" and rows[0]["urgency"] == 4
    assert rows[0]["needs"].startswith("resolve failure ticket T9 (open 10 days)")


def test_review_platforms(con):
    rows = {r["platform"]: r for r in q(con, "review_platforms")}
    google = rows["Google"]
    assert (google["reviews"], google["rating_avg"], google["negative_pct"], google["reply_hours_median"]) == (
        2, 3.0, 50.0, 3.5
    )
    assert rows["App Store"]["reply_hours_median"] is None


def test_negative_reviews_latest_first(con):
    rows = q(con, "negative_reviews")
    assert [(r["review_id"], r["reply_hours"]) for r in rows] == [("V3", 24.0), ("V1", 6.0)]
    assert rows[1]["body"] == "پشتیبانی ضعیف"


def test_combination_rows_name_their_bands(con):
    combo = [r for r in q(con, "recovery_drivers") if r["driver"] == "combination"][0]
    assert (combo["speed_band"], combo["apology_band"], combo["compensation_band"]) == (
        "fast (under 4 h)", "apologized", "compensated"
    )


def test_promise_kept_to_the_minute_is_in_a_kept_bin(tmp_path, data_copy):
    from conftest import build

    with (data_copy / "tickets" / "tickets-2026-02.csv").open("a", encoding="utf-8") as fh:
        fh.write("T9,C4,2026-02-11T09:00:00Z,2026-02-11T10:00:00Z,2026-02-12T09:00:00Z,question,,,,,,"
                 "2026-02-12T09:00:00Z,,,,,solved\n")
    target = tmp_path / "w.duckdb"
    assert build(data_copy, target).published
    with duckdb.connect(str(target), read_only=True) as c:
        rows = q(c, "promise_delta_histogram")
    assert [(r["bin_start"], r["tickets"], r["kept"]) for r in rows] == [
        (-24.0, 1, True), (-12.0, 1, True), (0.0, 1, False)
    ]


