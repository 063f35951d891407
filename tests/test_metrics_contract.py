"""Every metric key of the contract, against values worked out by hand on tests/fixtures/small.

The working for each number is in docs/metrics.md ("Worked example"); the comments here
repeat just enough of it to check a failure quickly.
"""

from __future__ import annotations

import math
from datetime import date

import duckdb
import pytest
from conftest import SMALL, build

from cx.config import Settings
from cx.metrics import KPI_KEYS, Selection, kpis

# nps answers in the fixture: S1 10, S3 3, S4 5, S5 9, S6 8, S7 9, S8 10, S9 7, S10 6
# -> 4 promoters, 3 detractors, 2 passives out of 9.
P_PRO, P_DET, N_NPS = 4 / 9, 3 / 9, 9
MOE = 1.96 * 100 * math.sqrt((P_PRO + P_DET - (P_PRO - P_DET) ** 2) / N_NPS)

ALL_DATA = {
    "responses": 10,
    "csat_pct": 100 * 5 / 8,  # csat 5,3,2,4,4,4,5,3: five of eight are 4 or 5
    "nps": 100 * (4 - 3) / 9,
    "nps_moe95": MOE,
    "ces_avg": (6 + 4 + 5) / 3,
    # sd of 6, 4, 5 (mean 5): sqrt((1 + 1 + 0) / 2) = 1
    "ces_moe95": 1.96 * 1 / math.sqrt(3),
    "reviews": 4,
    "review_rating_avg": (2 + 5 + 1 + 4) / 4,
    # sd of 2, 5, 1, 4 (mean 3): sqrt((1 + 4 + 4 + 1) / 3)
    "review_rating_moe95": 1.96 * math.sqrt(10 / 3) / math.sqrt(4),
    "negative_review_pct": 50.0,  # ratings 2 and 1
    "review_reply_pct": 75.0,  # V1, V3, V4 replied
    "review_reply_hours_median": 6.0,  # 6 h (offset +03:30 on both ends), 24 h, 1 h
    "tickets": 7,
    # first responses (h): T1 1, T2 0.5, T3 4 (from the later file), T4 8, T6 0.5, T7 1
    "first_response_hours_median": 1.0,  # 0.5 0.5 1 | 1 4 8 -> (1 + 1) / 2
    "first_response_hours_p90": 6.0,  # rank 0.9 * 5 = 4.5 -> 4 + 0.5 * (8 - 4)
    # resolutions (h): T1 24, T2 12, T3 48, T6 2.5, T7 6
    "resolution_hours_median": 12.0,
    "resolution_hours_p90": 38.4,  # rank 3.6 -> 24 + 0.6 * (48 - 24)
    "unanswered_tickets": 1,  # T5
    "reopen_pct": 20.0,  # T2 of 5 resolved
    "one_touch_pct": 60.0,  # replies T1 2, T2 1, T3 3, T6 1, T7 0 -> 3 of 5
    "promise_kept_pct": 50.0,  # T1 kept, T2 late; T4 promised but open: not counted
    "proactive_pct": 50.0,  # T1 yes, T2 no, T5 no, T6 yes; T3, T4, T7 unknown
    "failures": 4,  # T1 incident, T3 complaint, T4 problem, T7 incident
    "recovery_pct": 50.0,  # T1, T7 recovered; T3 csat 2, T4 open > 14 days
    "nps_after_recovery": 100.0,  # loyalty answers S1 10, S7 9
    "nps_after_failed_recovery": 0.0,  # S3 3 (after T3), S5 9 (after T4)
    "nps_no_failure": -50.0,  # only C4 never failed: S6 8, S10 6
    "recovery_paradox_gap": 150.0,
    "high_expectation_pct": 40.0,  # C1 (demanding, in touch, influential), C2 (vocal, influential) of 5
}


def metrics(path, **kw):
    with duckdb.connect(str(path), read_only=True) as con:
        return kpis(con, Selection(**kw))


def assert_metrics(actual: dict, expected: dict):
    for key, want in expected.items():
        got = actual[key]
        if want is None:
            assert got is None, f"{key}: expected null, got {got}"
        elif isinstance(want, int) and not isinstance(want, bool):
            assert got == want and isinstance(got, int), f"{key}: expected {want}, got {got!r}"
        else:
            assert got == pytest.approx(want, abs=1e-9), f"{key}: expected {want}, got {got}"


def test_every_contract_key_is_returned(small_warehouse):
    values = metrics(small_warehouse)
    assert list(values)[: len(KPI_KEYS)] == list(KPI_KEYS)
    assert set(ALL_DATA) == set(KPI_KEYS)


def test_all_data_matches_hand_worked_values(small_warehouse):
    assert_metrics(metrics(small_warehouse), ALL_DATA)


def test_window_is_inclusive_whole_days(small_warehouse):
    # January: S1 S2 S3 S9 (S10 is 2026-02-01 01:00 UTC); T1 T2 T3; V1 V2.
    jan = metrics(small_warehouse, start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert_metrics(jan, {
        "responses": 4,
        "nps": 100 * (1 - 1) / 3,  # 10, 3, 7
        "csat_pct": 100 * 2 / 4,  # 5, 3, 2, 5
        "tickets": 3,
        "reviews": 2,
        "failures": 2,  # T1 recovered, T3 not
        "recovery_pct": 50.0,
        "first_response_hours_median": 1.0,  # 1, 0.5, 4
        "resolution_hours_median": 24.0,  # 24, 12, 48
        "promise_kept_pct": 50.0,
    })


def test_offset_moves_an_event_across_midnight(small_warehouse):
    # T7 2026-02-20T23:30-05:00 is 2026-02-21 04:30 UTC: it belongs to the 21st.
    assert metrics(small_warehouse, start=date(2026, 2, 20), end=date(2026, 2, 20))["tickets"] == 0
    assert metrics(small_warehouse, start=date(2026, 2, 21), end=date(2026, 2, 21))["tickets"] == 1
    # S10 2026-01-31T22:00-03:00 is 2026-02-01 01:00 UTC.
    assert metrics(small_warehouse, start=date(2026, 1, 31), end=date(2026, 1, 31))["responses"] == 0
    feb1 = metrics(small_warehouse, start=date(2026, 2, 1), end=date(2026, 2, 1))
    assert_metrics(feb1, {"responses": 1, "nps": -100.0, "csat_pct": 0.0})


def test_days_follow_the_configured_time_zone(tmp_path):
    # In Sao Paulo (UTC-3, no DST in 2026) S10 is submitted on 2026-01-31, T7 created on the 21st 01:30.
    target = tmp_path / "w.duckdb"
    result = build(SMALL, target, Settings(timezone="America/Sao_Paulo"))
    assert result.published, result.message
    assert metrics(target, start=date(2026, 1, 31), end=date(2026, 1, 31))["responses"] == 1
    assert metrics(target, start=date(2026, 2, 1), end=date(2026, 2, 1))["responses"] == 0
    assert metrics(target, start=date(2026, 2, 21), end=date(2026, 2, 21))["tickets"] == 1


def test_empty_window_gives_nulls_not_zeros(small_warehouse):
    empty = metrics(small_warehouse, start=date(2030, 1, 1), end=date(2030, 1, 31))
    counts = {"responses", "reviews", "tickets", "unanswered_tickets", "failures"}
    for key in KPI_KEYS:
        if key in counts:
            assert empty[key] == 0, key
        else:
            assert empty[key] is None, f"{key} should be null in an empty window, got {empty[key]}"


def test_where_uses_the_rows_own_value_else_the_customers(small_warehouse):
    # region: T4 says EU itself (its customer C3 is NA); S8 says APAC (C3 again).
    eu = metrics(small_warehouse, where={"region": ["EU"]})
    assert_metrics(eu, {
        "tickets": 5,  # T1 T2 T6 (C1), T3 (C2), T4 (own EU)
        "responses": 4,  # S1 S2 (C1), S3 S4 (C2)
        "nps": 100 * (1 - 2) / 3,  # 10, 3, 5
        "reviews": 2,  # V1 (C2), V3 (C1); V2 has no customer and no region: left out
        "failures": 3,  # T1, T3, T4
        "recovery_pct": 100 / 3,
    })


def test_where_on_a_customer_only_attribute(small_warehouse):
    # tier exists only in customers: gold = C1, C3.
    gold = metrics(small_warehouse, where={"tier": ["gold"]})
    assert_metrics(gold, {
        "tickets": 4,  # T1 T2 T6 (C1), T4 (C3)
        "responses": 4,  # S1 S2 (C1), S5 S8 (C3)
        "nps": 100 * (3 - 0) / 3,  # 10, 9, 10
        "reviews": 1,  # V3 (C1)
    })


def test_where_same_column_twice_means_either(small_warehouse):
    both = metrics(small_warehouse, where={"region": ["EU", "APAC"]})
    assert both["tickets"] == 6  # all but T5 (C4, NA)


def test_where_with_unknown_value_keeps_nothing(small_warehouse):
    none = metrics(small_warehouse, where={"region": ["Mars"]})
    assert none["tickets"] == 0 and none["nps"] is None and none["high_expectation_pct"] is None


def test_high_expectation_share_is_zero_not_null_when_no_active_customer_is_one(small_warehouse):
    # NA: C3 and C4 are active (T5, surveys), neither shows two signals.
    values = metrics(small_warehouse, where={"region": ["NA"]})
    assert values["tickets"] == 1 and values["high_expectation_pct"] == 0.0
    # EU: C1 and C2, of C1, C2 and C3 (whose ticket T4 was filed under EU): 2 of 3.
    assert metrics(small_warehouse, where={"region": ["EU"]})["high_expectation_pct"] == pytest.approx(200 / 3)


def test_later_file_updates_earlier_rows(small_warehouse):
    # T3 is open in tickets-2026-01.csv and resolved in tickets-2026-02.csv, which sorts last.
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        row = con.execute(
            "select first_response_hours, resolution_hours from ticket_facts where ticket_id = 'T3'"
        ).fetchone()
        updated = con.execute("select rows_updated from refreshes").fetchall()[-1][0]
    assert row == (4.0, 48.0)
    assert updated == 1


def test_extra_columns_are_kept(small_warehouse):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        status = dict(con.execute("select ticket_id, status from ticket_facts").fetchall())
    assert status["T3"] == "solved" and status["T1"] is None


def test_email_is_hashed_on_import(small_warehouse):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        cols = [c[0] for c in con.execute("describe stg_customers").fetchall()]
        hashed = con.execute("select email_sha256 from stg_customers where customer_id = 'C1'").fetchone()[0]
        text = con.execute("select string_agg(to_json(c)::varchar, '') from stg_customers c").fetchone()[0]
    assert "email" not in cols
    assert len(hashed) == 64 and "example.com" not in text


def test_high_expectation_signals(small_warehouse):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        rows = con.execute(
            "select customer_id, demanding, vocal, in_touch, influential, is_high_expectation "
            "from customer_signals(null) order by customer_id"
        ).fetchall()
    assert rows == [
        ("C1", True, False, True, True, True),
        ("C2", False, True, False, True, True),
        ("C5", False, False, False, True, False),
    ]


def test_recovery_outcomes_and_loyalty_responses(small_warehouse):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        rows = con.execute(
            "select ticket_id, outcome, loyalty_response_id, loyalty_nps "
            "from failure_recoveries order by ticket_id"
        ).fetchall()
    assert rows == [
        ("T1", "recovered", "S1", 10),  # the post-ticket survey carries an nps: it counts
        ("T3", "not_recovered", "S3", 3),
        ("T4", "not_recovered", "S5", 9),  # unresolved 20 days at the as-of time
        ("T7", "recovered", "S7", 9),
    ]


def test_unresolved_failure_younger_than_the_rule_has_no_outcome(tmp_path, data_copy):
    # A new failure on the last day: open for less than 14 days at the as-of time.
    with (data_copy / "tickets" / "tickets-2026-02.csv").open("a", encoding="utf-8") as fh:
        fh.write("T8,C4,2026-02-21T09:00:00Z,,,incident,,,,,,,,,,,new\n")
    target = tmp_path / "w.duckdb"
    assert build(data_copy, target).published
    with duckdb.connect(str(target), read_only=True) as con:
        outcome = con.execute("select outcome from failure_recoveries where ticket_id = 'T8'").fetchone()[0]
    assert outcome is None
    values = metrics(target)
    assert values["failures"] == 5 and values["recovery_pct"] == 50.0


def test_high_expectation_signals_follow_the_window_end(small_warehouse):
    # Up to 2026-02-09, C1 has opened only two tickets (T6 is on the 10th) and V3 (12th) is
    # not yet written: only "demanding" remains (T2's 0.5 h beats the median 2.5 h of
    # T1 1, T2 0.5, T3 4, T4 8). C2 (vocal, influential) stays. 1 of 5 active customers.
    assert metrics(small_warehouse, end=date(2026, 2, 9))["high_expectation_pct"] == 20.0
    # The last day in the data, given explicitly, reads the signals computed at refresh.
    assert metrics(small_warehouse, end=date(2026, 2, 25))["high_expectation_pct"] == 40.0
