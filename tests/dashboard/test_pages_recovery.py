"""The service recovery page under AppTest: the numbers shown are the CLI's and the queries',
the three loyalty groups are the hand-worked ones of docs/metrics.md, and the paradox reading
is the one dashboard.readings gives for those numbers."""

from __future__ import annotations

import json
import math

import duckdb
import pytest

from cx import sql
from cx.metrics import segment_filter
from dashboard import analysis_charts, fmt, readings
from dashboard.charts import BAD, GOOD, NEUTRAL
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


def chart(at, key: str) -> dict:
    """The Plotly figure of the chart with this key, as the browser gets it."""
    return json.loads(next(c.proto.spec for c in at.get("plotly_chart") if c.proto.id.endswith(key)))


# Method words a CX lead need not read to get the page: they belong in "How this is measured".
METHOD_WORDS = ("Wilson", "√", "z-test", "Wirtz", "sqrt", "standard error")


def main_text(at) -> list[str]:
    """Every text element shown, except those inside the "How this is measured" expander."""
    notes = next(e for e in at.expander if e.label == "How this is measured")
    inside = {m.value for m in notes.markdown} | {c.value for c in notes.caption}
    shown = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        shown += [str(e.value) for e in getattr(at, kind) if str(e.value) not in inside]
    return shown


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
    assert shown["Recovered vs no failure"] == "+150.0 pts"
    captions = [c.value for c in at.caption]
    assert any("margin ±69.3 pts: too few answers to tell" in c for c in captions)
    assert any("of 4 failures with an outcome: the true share is likely between 15% and 85%" in c for c in captions)
    assert any("2 loyalty answers: too few to say how precise this is" in c for c in captions)
    # 50% of 4 is likely anywhere from 15% to 85%: the miss of the 70% target could be noise, so grey.
    assert ":gray[Target 70% · 20.0 pts below]" in [m.value for m in at.markdown]
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
    # Too few to tell is no finding: plain text in a grey frame, not a coloured box.
    assert not any("after a recovered failure" in b.value for b in [*at.info, *at.success, *at.warning])
    reading = next(m.value for m in at.markdown if "after a recovered failure" in m.value)
    assert reading.startswith(":material/help: **Too few answers to tell.** NPS 100.0 after a recovered failure "
                              "(2 answers) against -50.0 with no failure (2 answers): a gap of +150.0 ± 69.3 pts.")
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
    assert ("**First-response speed**: 100.0% recovered when *1-4 h* (2 with an outcome) against 0.0% when *4-24 h* "
            "(2); too few failures on one side to tell (at least 30 needed).") in text
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Download the three groups (CSV)", "Download the funnel (CSV)", "Download the drivers (CSV)",
            "Download the trend (CSV)"} <= set(labels)


def test_method_notes_only_in_the_expander(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="recovery")
    notes = next(e for e in at.expander if e.label == "How this is measured")
    inside = " ".join(" ".join(m.value.split()) for m in notes.markdown)  # line breaks of the source aside
    assert "Wilson interval" in inside and "√(a² + b²)" in inside and "Wirtz & Mattila (2004)" in inside
    assert "first NPS answer within 180 days" in inside and "with a post-ticket CSAT of 4 or more" in inside
    for text in main_text(at):
        assert not any(w in text for w in METHOD_WORDS), text
    # The two blocks a CX lead needs come first, before the funnel and the trend.
    heads = [h.value for h in at.subheader]
    assert heads == ["Does a recovery win loyalty back?", "What goes with a recovery",
                     "Does the recovery paradox hold here, and when?", "From failure to recovery",
                     "Recovery rate over time", "Who to contact"]


def test_small_groups_are_pale_and_never_coloured(monkeypatch, small_warehouse):
    # Two answers and at most two failures a group: every bar pale, none green or red, and the
    # hover and the captions say why.
    at = run_app(monkeypatch, small_warehouse, page="recovery")
    for key in ("chart-groups", "chart-driver-rate", "chart-driver-nps"):
        bars = chart(at, key)["data"][0]
        assert set(bars["marker"]["opacity"]) == {analysis_charts.SMALL_OPACITY}, key
        assert not {GOOD, BAD} & set(bars["marker"]["color"]), key
        assert all(f"pale: under {fmt.SMALL_N}" in h for h in bars["customdata"]), key
    assert sum(f"pale: fewer than {fmt.SMALL_N}" in c.value.lower() for c in at.caption) >= 3
    comp = chart(at, "chart-compensation")["data"]
    assert {t["name"] for t in comp} == {"compensated", "not compensated"}
    assert all(set(t["marker"]["opacity"]) == {analysis_charts.SMALL_OPACITY} for t in comp)
    assert_no_nan(at)


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
    assert shown["Recovery rate"] == shown["NPS after a recovery"] == shown["Recovered vs no failure"] == fmt.DASH
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
        speed = [r for r in sql.rows(con, "metrics/recovery_drivers", start=start, end=end, f=segment_filter({}))
                 if r["driver"] == "response speed"]
    assert rows["recovered"]["nps"] == pytest.approx(cli["nps_after_recovery"])
    expected = readings.recovery_paradox(readings.Score.of(rows["no failure"]), readings.Score.of(rows["recovered"]))
    assert expected.verdict in (readings.ABOVE, readings.WITHIN, readings.BELOW)  # enough answers to decide
    shown = [*[s.value for s in at.success], *[w.value for w in at.warning], *[i.value for i in at.info],
             *[m.value.split(" ", 1)[-1] for m in at.markdown]]
    assert expected.text in shown
    assert tiles(at)["Recovered vs no failure"] == fmt.signed(cli["recovery_paradox_gap"], 1, " pts")
    assert any(f"margin ±{expected.gap.moe:.1f} pts" in c.value for c in at.caption)
    assert tiles(at)["Recovery rate"] == fmt.number(cli["recovery_pct"], 1, "%")
    # Green or red only where the reading says beyond the margin; pale only under SMALL_N answers.
    no_failure = readings.Score.of(rows["no failure"])
    others = [readings.Score.of(rows[g]) for g in ("recovered", "not recovered")]
    bars = chart(at, "chart-groups")["data"][0]
    assert bars["marker"]["color"] == [analysis_charts.REFERENCE_COLOR] + [
        {readings.ABOVE: GOOD, readings.BELOW: BAD}.get(v, NEUTRAL) for v in readings.against(no_failure, others)]
    assert bars["marker"]["opacity"] == [1.0 if rows[g]["responses"] >= fmt.SMALL_N else 0.35
                                         for g in ("no failure", "recovered", "not recovered")]
    if expected.verdict == readings.WITHIN:  # no colour for a gap within noise
        assert expected.text not in [b.value for b in [*at.success, *at.warning]]
    scores = [readings.Score.of(r, nps="nps_after", moe="nps_after_moe95", n="loyalty_responses") for r in speed]
    nps = chart(at, "chart-driver-nps")["data"][0]
    assert nps["marker"]["color"] == [{readings.ABOVE: GOOD, readings.BELOW: BAD}.get(v, NEUTRAL)
                                      for v in readings.against(no_failure, scores)]
    assert BAD in nps["marker"]["color"]  # slow replies: NPS after the failure beyond the margin below no failure
    assert_no_nan(at)
