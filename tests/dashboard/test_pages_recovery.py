"""The service recovery page under AppTest: the numbers shown are the CLI's and the queries',
the three loyalty groups are the hand-worked ones of docs/metrics.md, and the paradox reading
is the one dashboard.readings gives for those numbers."""

from __future__ import annotations

import math

import duckdb
import pytest

from cx import sql
from cx.metrics import segment_filter
from dashboard import fmt, readings
from tests.dashboard import conftest as dash
from tests.dashboard.conftest import assert_no_nan, cli_metrics, run_app, shown_text

DEFAULT = ("--start", "2026-01-05", "--end", "2026-02-25")  # the fixture's default window: all of it


@pytest.fixture(autouse=True)
def _page(monkeypatch):
    monkeypatch.setitem(dash.PAGES, "recovery", "app_pages/recovery.py")


def tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_tiles_are_the_cli_numbers(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="recovery")
    cli = cli_metrics(small_warehouse, *DEFAULT)
    shown = tiles(at)
    assert shown["Service failures"] == str(cli["failures"]) == "4"
    assert shown["Recovery rate"] == fmt.number(cli["recovery_pct"], 1, "%") == "50.0%"
    # 10 and 9 after the recovered T1 and T7: every answer a promoter, so no margin is shown.
    assert shown["NPS after a recovery"] == fmt.number(cli["nps_after_recovery"], 1) == "100.0"
    # 100 - (-50), ± sqrt(0² + 69.3²).
    assert cli["recovery_paradox_gap"] == 150.0
    assert shown["Recovery paradox gap"] == "+150.0 ± 69.3"
    captions = [c.value for c in at.caption]
    assert any("of 4 failures with an outcome: the true share is likely between 15% and 85%" in c for c in captions)
    assert any("2 loyalty answers: too few to say how precise this is" in c for c in captions)
    assert ":red[Target 70% · 20.0 pts below]" in [m.value for m in at.markdown]
    assert_no_nan(at)


def test_the_three_loyalty_groups_by_hand(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="recovery")
    cli = cli_metrics(small_warehouse, *DEFAULT)
    groups = table(at, "group").set_index("group")
    assert list(groups.index) == ["no failure", "recovered", "not recovered"]
    # No failure: C4's S6 (8) and S10 (6). Recovered: S1 (10, after T1) and S7 (9, after T7).
    # Not recovered: S3 (3, after T3) and S5 (9, after T4).
    assert groups["nps"].tolist() == [cli["nps_no_failure"], cli["nps_after_recovery"],
                                      cli["nps_after_failed_recovery"]] == [-50.0, 100.0, 0.0]
    assert groups["responses"].tolist() == [2, 2, 2]
    assert groups.loc["no failure", "nps_moe95"] == pytest.approx(196 * math.sqrt(0.25 / 2))
    assert groups.loc["recovered", "nps_moe95"] == 0.0
    assert groups.loc["not recovered", "nps_moe95"] == pytest.approx(196 * math.sqrt(1 / 2))
    # Two answers a side: the page says it cannot tell, with the numbers.
    reading = next(i.value for i in at.info if "after a recovered failure" in i.value)
    assert reading.startswith("**Too few answers to tell.** NPS 100.0 after a recovered failure (2 answers) against "
                              "-50.0 with no failure (2 answers): a gap of +150.0 ± 69.3 points.")
    assert len(at.get("plotly_chart")) >= 1


def test_funnel_and_drivers_by_hand(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="recovery")
    funnel = table(at, "answered").iloc[0].to_dict()
    assert funnel == {"failures": 4, "answered": 4, "resolved": 3, "with_outcome": 4, "recovered": 2,
                      "not_recovered": 2}
    assert ("Of 4 failures, 4 got a first reply and 3 were resolved. 4 have an outcome: 2 recovered, 2 not."
            in shown_text(at))
    drivers = table(at, "driver").set_index(["driver", "band"])
    # T1 and T7 answered in 1 h, both recovered (NPS after 100); T3 (4 h) and T4 (8 h) not (NPS after 0).
    assert drivers.loc[("response speed", "1-4 h"), ["failures", "recovery_pct", "nps_after"]].tolist() == [
        2, 100.0, 100.0]
    assert drivers.loc[("response speed", "4-24 h"), ["failures", "recovery_pct", "nps_after"]].tolist() == [
        2, 0.0, 0.0]
    assert drivers.loc[("apology", "unknown"), "failures"] == 2
    text = shown_text(at)
    assert ("First-response speed: 100.0% recovered when *1-4 h* (2 with an outcome) against 0.0% when *4-24 h* (2); "
            "too few failures on one side to tell (at least 30 needed).") in text
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Download the three groups (CSV)", "Download the funnel (CSV)", "Download the drivers (CSV)",
            "Download the trend (CSV)"} <= set(labels)


def test_choices_and_filters_in_the_url(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="recovery",
                 query={"driver": "Apology", "grain": "Week", "region": ["EU"]})
    assert at.button_group(key="driver").value == "apology"
    assert at.button_group(key="grain").value == "week"
    assert at.multiselect(key="region").value == ["EU"]
    cli = cli_metrics(small_warehouse, *DEFAULT, "--where", "region=EU")
    shown = tiles(at)
    assert shown["Service failures"] == str(cli["failures"])
    assert shown["Recovery rate"] == fmt.number(cli["recovery_pct"], 1, "%")
    assert_no_nan(at)


def test_empty_window_explains_instead_of_zeros(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="recovery", query={"dates": ["2026-01-24", "2026-01-31"]})
    assert any("No service failure" in i.value for i in at.info)
    shown = tiles(at)
    assert shown["Service failures"] == "0"
    assert shown["Recovery rate"] == shown["NPS after a recovery"] == shown["Recovery paradox gap"] == fmt.DASH
    assert "0.0%" not in shown.values()
    assert_no_nan(at)


def test_the_sample_reads_the_paradox_with_its_margin(monkeypatch, sample_warehouse):
    # A year of the sample: enough loyalty answers after a recovery to test the gap.
    at = run_app(monkeypatch, sample_warehouse, page="recovery", query={"dates": ["2025-11-01", "2026-10-31"]})
    start, end = at.date_input(key="dates").value
    cli = cli_metrics(sample_warehouse, "--start", str(start), "--end", str(end))
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        rows = {r["group"]: r for r in sql.rows(con, "metrics/recovery_groups", start=start, end=end,
                                                 f=segment_filter({}))}
    assert rows["recovered"]["nps"] == pytest.approx(cli["nps_after_recovery"])
    expected = readings.recovery_paradox(readings.Score.of(rows["no failure"]), readings.Score.of(rows["recovered"]))
    assert expected.verdict in (readings.ABOVE, readings.WITHIN, readings.BELOW)  # enough answers to decide
    shown = [*[s.value for s in at.success], *[w.value for w in at.warning], *[i.value for i in at.info]]
    assert expected.text in shown
    gap = tiles(at)["Recovery paradox gap"]
    assert gap == f"{fmt.signed(cli['recovery_paradox_gap'], 1)} ± {expected.gap.moe:.1f}"
    assert tiles(at)["Recovery rate"] == fmt.number(cli["recovery_pct"], 1, "%")
    assert_no_nan(at)
