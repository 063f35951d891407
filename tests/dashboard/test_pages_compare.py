"""The analysis pages' headline rates that are also overview KPIs show the overview's change
against the comparison period: the same value, the same change, worked from the CLI's numbers
for both windows."""

from __future__ import annotations

import pytest

from cx import stats
from dashboard import fmt
from tests.dashboard import conftest as dash
from tests.dashboard.conftest import assert_no_nan, cli_metrics, run_app, shown_text

PAGES = [("recovery", "Recovery rate", "recovery_pct"), ("promises", "Promises kept", "promise_kept_pct"),
         ("reviews", "Rating", "review_rating_avg")]


def metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


@pytest.mark.parametrize(("page", "label", "key"), PAGES)
def test_a_headline_rate_shows_its_change_against_the_comparison_period(monkeypatch, sample_warehouse, page,
                                                                        label, key):
    monkeypatch.setitem(dash.PAGES, page, f"app_pages/{page}.py")
    at = run_app(monkeypatch, sample_warehouse, page=page)
    start, end = at.date_input(key="dates").value
    cstart, cend = stats.comparison_window(start, end, "previous")
    now = cli_metrics(sample_warehouse, "--start", str(start), "--end", str(end))
    before = cli_metrics(sample_warehouse, "--start", str(cstart), "--end", str(cend))
    kpi = fmt.measure(key)
    change = round(now[key] - before[key], kpi.decimals)
    shown = metric(at, label)
    assert shown.proto.delta == fmt.signed(change, kpi.decimals, kpi.delta_unit)
    assert shown.proto.delta_description == "vs previous period"
    # The overview's tile of the same KPI says the same.
    overview = run_app(monkeypatch, sample_warehouse)
    assert metric(overview, kpi.label).proto.delta == shown.proto.delta
    assert f"(changes against the previous period, {fmt.window(cstart, cend)})" in shown_text(at)
    assert_no_nan(at)


def test_no_change_when_the_comparison_period_is_empty(monkeypatch, small_warehouse):
    """The small fixture's default window is all of its data: nothing before it to compare with."""
    monkeypatch.setitem(dash.PAGES, "recovery", "app_pages/recovery.py")
    at = run_app(monkeypatch, small_warehouse, page="recovery")
    assert metric(at, "Recovery rate").proto.delta == ""
    assert any("none in the previous period" in c.value for c in at.caption)


def test_the_high_expectation_page_names_no_comparison_it_does_not_show(monkeypatch, small_warehouse):
    monkeypatch.setitem(dash.PAGES, "high_expectation", "app_pages/high_expectation.py")
    at = run_app(monkeypatch, small_warehouse, page="high_expectation")
    assert "changes against" not in shown_text(at)
    assert all(not m.proto.delta for m in at.metric)
