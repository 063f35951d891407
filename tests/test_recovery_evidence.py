"""Recovery evidence by hand on tests/fixtures/matched, a fixture where the raw comparison
misleads: the recovered customers R1 and R2 already answered 9 before their March failure
and 9 after it, while customers with no failure answered 9 -> 9 (N1), 9 -> 10 (N2), 5 -> 5
(N3, N4). Raw, the recovered look better after (9 against 7.25); matched on region (all EU),
month (March) and the answer before (9), their change (0) is below that of N1 and N2 (+0.5).

All answers: before 2026-02-10, after 2026-04-10 (F1's after 2026-07-10). Failures, all
created 2026-03-05 09:00 and resolved 2026-03-06 09:00: TR1 (R1, normal, answered in 1 h,
apology, csat 5: recovered, the literature's condition), TR2 (R2, high, 6 h, csat 4:
recovered), TF1 (F1, normal, 1 h, no apology, csat 2: not recovered); TR1B is R1's second
failure (2026-06-20, no survey: no outcome). Tickets of N1 (March) and N3 (2026-10-01 09:00,
resolved 12:00, the data's as-of time)."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from cx import cli, recovery_evidence, sql
from cx.metrics import Selection, segment_filter
from tests.conftest import FIXTURES, build

PARAMS = {"start": None, "end": None, "f": segment_filter({})}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    target = tmp_path_factory.mktemp("matched") / "warehouse.duckdb"
    result = build(FIXTURES / "matched", target)
    assert result.published, result.message
    return target


@pytest.fixture(scope="module")
def con(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as c:
        yield c


def test_first_and_repeat_failures_in_the_mart(con):
    rows = {t: (first, str(previous)) for t, first, previous in con.execute(
        "select ticket_id, is_first_failure, previous_failure_at from failure_recoveries").fetchall()}
    # TR1B comes 107 days after R1's TR1, within the 180-day loyalty window: a repeat.
    assert rows == {"TR1": (True, "None"), "TR2": (True, "None"), "TF1": (True, "None"),
                    "TR1B": (False, "2026-03-05 09:00:00")}


def test_conditions_by_hand(con):
    rows = {(r["driver"], r["band"]): r for r in sql.rows(con, "metrics/recovery_drivers", **PARAMS)}
    first, repeat = rows[("failure order", "first failure")], rows[("failure order", "repeat failure")]
    assert (first["failures"], first["with_outcome"], first["recovery_pct"]) == (3, 3, pytest.approx(200 / 3))
    # TR1 and TR2 recovered, each followed by a 9: NPS 100 after a recovery; TF1's 2 counts only in nps_after.
    assert (first["recovered_loyalty_responses"], first["nps_after_recovery"], first["nps_after"]) == (
        2, 100.0, pytest.approx(100 / 3))
    assert (repeat["failures"], repeat["with_outcome"], repeat["recovery_pct"]) == (1, 0, None)
    assert [b for d, b in rows if d == "severity"] == ["normal", "high"]
    assert rows[("severity", "normal")]["failures"] == 3 and rows[("severity", "high")]["failures"] == 1
    lit, other = rows[("literature condition", recovery_evidence.LITERATURE_BAND)], rows[
        ("literature condition", "any other")]
    assert (lit["failures"], lit["with_outcome"], lit["recovery_pct"]) == (1, 1, 100.0)
    assert lit["nps_after_recovery"] == 100.0
    assert (other["failures"], other["with_outcome"], other["recovery_pct"]) == (3, 2, 50.0)


def test_the_matched_rows(con):
    rows = pd.DataFrame(sql.rows(con, "metrics/recovery_matched", **PARAMS))
    cases = rows[rows.side == "case"]
    assert sorted(zip(cases.outcome, cases.literature_condition, cases.before_nps, cases.after_nps,
                      cases.episodes, strict=True)) == [
        ("not_recovered", False, 6, 2, 1), ("recovered", False, 9, 9, 1), ("recovered", True, 9, 9, 1)]
    controls = rows[rows.side == "control"]
    assert sorted(zip(controls.before_nps, controls.after_nps, controls.episodes, strict=True)) == [
        (5, 5, 2), (9, 9, 1), (9, 10, 1)]
    assert set(controls.month.astype(str)) == {"2026-03-01"} and set(controls.region) == {"EU"}


def test_the_raw_comparison_misleads_and_the_matched_one_does_not(con):
    match = {m.group: m for m in recovery_evidence.matched(
        pd.DataFrame(sql.rows(con, "metrics/recovery_matched", **PARAMS)))}
    rec = match["recovered"]
    # Raw: 9 after against (9 + 10 + 5 + 5) / 4 = 7.25 for every control: +1.75 for the recovered.
    assert (rec.case_after, rec.control_after, rec.raw_after_diff) == (9.0, 7.25, 1.75)
    assert (rec.case_before, rec.control_before) == (9.0, 7.0)
    # Matched: their change 0 against N1's 0 and N2's +1 (mean 0.5): -0.5.
    assert (rec.cases, rec.matched, rec.controls) == (2, 2, 2)
    assert (rec.case_change, rec.control_change, rec.diff) == (0.0, 0.5, -0.5)
    assert rec.low <= rec.diff <= rec.high and rec.low < rec.high
    assert rec.verdict == "too few"  # two matched cases say nothing on their own
    assert match["recovered, literature condition"].diff == match["recovered, other"].diff == -0.5
    # F1 answered 6 before: no customer without a failure did, so it is not matched.
    failed = match["not recovered"]
    assert (failed.cases, failed.matched, failed.diff, failed.low) == (1, 0, None, None)


def test_the_bootstrap_is_seeded():
    rows = pd.DataFrame({
        "side": ["case"] * 3 + ["control"] * 3, "outcome": ["recovered"] * 3 + [None] * 3,
        "literature_condition": [False] * 3 + [None] * 3, "region": ["EU"] * 6, "tier": [None] * 6,
        "month": ["2026-03-01"] * 6, "before_nps": [7, 7, 8, 7, 7, 8], "after_nps": [9, 8, 8, 7, 8, 7],
        "episodes": [10, 10, 10, 10, 10, 10],
    })
    a, b = (recovery_evidence.matched(rows)[0] for _ in range(2))
    assert (a.low, a.high) == (b.low, b.high)
    # Cell 7: cases +2 and +1 (mean 1.5) against controls 0 and +1 (0.5): +1; cell 8: 0 against -1: +1.
    assert a.diff == pytest.approx(1.0)
    assert a.low < 1.0 < a.high and a.verdict == "above"


def test_behavioural_loyalty_by_hand(con):
    rows = {(r["group"], r["days"]): r for r in sql.rows(con, "metrics/recovery_activity", **PARAMS)}
    # Recovered TR1 and TR2 (anchor 2026-03-06 09:00): their next activity is the 2026-04-10 answer.
    assert [rows[("recovered", d)]["active"] for d in (90, 180)] == [2, 2]
    assert [rows[("recovered", d)]["eligible"] for d in (90, 180)] == [2, 2]
    # TF1: F1 came back on 2026-07-10, 126 days later: not within 90, within 180.
    assert [rows[("not recovered", d)]["active_pct"] for d in (90, 180)] == [0.0, 100.0]
    # No failure: N1's March ticket counts; N3's ticket of the as-of day has not had its 90 days.
    assert [(rows[("no failure", d)]["eligible"], rows[("no failure", d)]["active"]) for d in (90, 180)] == [
        (1, 1), (1, 1)]


def test_evidence_and_the_command_line_agree(warehouse, con, capsys):
    found = recovery_evidence.evidence(con, Selection())
    assert cli.main(["recovery", "--warehouse", str(warehouse), "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["matched"][0]["diff"] == found.matched[0].diff == -0.5
    assert [a["active_pct"] for a in shown["activity"]] == [a["active_pct"] for a in found.activity]
    assert {f["claim"] for f in shown["findings"]} >= {"paradox", "first failure", "behaviour"}
    assert len(shown["citations"]) == 3
    assert cli.main(["recovery", "--warehouse", str(warehouse)]) == 0
    table = capsys.readouterr().out
    assert "all recovered failures" in table and "-0.50" in table
