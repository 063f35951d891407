"""The promises and proactive contact page under AppTest, against the CLI and the fixture by hand:
T1 resolved 24 h before its promise (CSAT 5), T2 4 h after it (CSAT 3), T4 promised but open;
notices on T1 and T6, none on T2 and T5; T5 never answered."""

from __future__ import annotations

import json

import pytest

from dashboard import fmt, readings
from tests.dashboard import conftest as dash
from tests.dashboard.conftest import assert_no_nan, cli_metrics, run_app, shown_text

DEFAULT = ("--start", "2026-01-05", "--end", "2026-02-25")


@pytest.fixture(autouse=True)
def _page(monkeypatch):
    monkeypatch.setitem(dash.PAGES, "promises", "app_pages/promises.py")


def tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_tiles_are_the_cli_numbers(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="promises")
    cli = cli_metrics(small_warehouse, *DEFAULT)
    shown = tiles(at)
    assert shown["Promises kept"] == fmt.number(cli["promise_kept_pct"], 1, "%") == "50.0%"
    assert shown["Resolved with a promise"] == "2"
    assert shown["Proactive notices"] == fmt.number(cli["proactive_pct"], 1, "%") == "50.0%"
    assert shown["Unanswered tickets"] == str(cli["unanswered_tickets"]) == "1"
    captions = [c.value for c in at.caption]
    assert any("of 2 resolved tickets with a promise: the true share is likely between" in c for c in captions)
    assert "of 5 resolved tickets" in captions
    assert "1 waiting more than 7 days" in captions  # T5, open since 3 February
    assert ":red[Target 90% · 40.0 pts below]" in [m.value for m in at.markdown]
    assert_no_nan(at)


def test_early_on_time_late_by_hand(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="promises")
    timing = table(at, "timing").set_index("timing")
    assert timing["tickets"].tolist() == [1, 0, 1]
    assert timing.loc["early", "csat_pct"] == 100.0 and timing.loc["late", "csat_pct"] == 0.0
    assert timing.loc["early", "median_hours_vs_promise"] == -24.0
    assert timing.loc["late", "median_hours_vs_promise"] == 4.0
    assert timing.loc["on time", "csat_pct"] != timing.loc["on time", "csat_pct"]  # none: NaN, shown as "—"
    expected = readings.promise_reading([
        {"timing": "early", "csat_responses": 1, "csat_pct": 100.0},
        {"timing": "on time", "csat_responses": 0, "csat_pct": None},
        {"timing": "late", "csat_responses": 1, "csat_pct": 0.0},
    ])
    assert expected.text in [i.value for i in at.info]
    assert expected.text.startswith("CSAT 0.0% when late (1 answer) against 100.0% when kept (1 answer)")


def test_histogram_bins_are_the_on_time_hours(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="promises")
    assert "Each bar is 4 hours wide." in " ".join(c.value for c in at.caption)
    spec = json.loads(next(c for c in at.get("plotly_chart") if c.key == "chart-promise-histogram").proto.spec)
    bars = spec["data"][0]
    # T1, 24 h early, in the bin [-24, -20); T2, 4 h late, in [4, 8).
    assert bars["customdata"] == ["20–24 h before the promised time (kept)", "4–8 h after the promised time (late)"]
    assert bars["x"] == [-22.0, 6.0] and bars["y"] == [1, 1]
    assert "hours resolved after the promised time" in spec["layout"]["xaxis"]["title"]["text"]


def test_proactive_and_unanswered_by_hand(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="promises")
    proactive = table(at, "contact").set_index("contact")
    # Notice: T1 (CSAT 5, resolved in 24 h) and T6 (no survey, 2.5 h). None: T2 (CSAT 3) and T5 (open).
    assert proactive.loc["proactive notice", ["tickets", "csat_pct", "resolution_hours_median"]].tolist() == [
        2, 100.0, 13.25]
    assert proactive.loc["no notice", ["tickets", "csat_pct", "complaint_pct"]].tolist() == [2, 0.0, 0.0]
    assert ("With a proactive notice, post-ticket CSAT is 100.0% against 0.0% without (too few answers to tell, "
            "under 30 on a side)") in shown_text(at)
    # Too few answers to tell: the notice's bars are grey, not green.
    from dashboard import analysis_charts

    for key in ("chart-proactive-csat", "chart-proactive-complaints"):
        spec = next(c.proto.spec for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id)
        assert analysis_charts.GOOD not in spec and analysis_charts.BAD not in spec, key
    ageing = table(at, "band").set_index("band")
    assert ageing["tickets"].to_dict() == {"under 4 h": 0, "4-24 h": 0, "1-3 days": 0, "3-7 days": 0,
                                           "over 7 days": 1}
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"Download early, on time and late (CSV)", "Download the histogram (CSV)", "Download the comparison (CSV)",
            "Download the waiting times (CSV)", "Download the waiting tickets (CSV)"} <= labels
    # The waiting tickets themselves, the longest waiting first: T5, created 3 February.
    waiting = table(at, "waited_days")
    assert waiting["ticket_id"].tolist() == ["T5"] and waiting["waited_days"].iloc[0] >= 7
    assert waiting["waited_hours"].iloc[0] // 24 == waiting["waited_days"].iloc[0]
    assert "**1 ticket waiting**, the longest waiting first" in [m.value for m in at.markdown]
    assert any("Set `ticket_url` under [links]" in c.value for c in at.caption)


def test_waiting_tickets_link_to_the_help_desk_when_a_template_is_set(monkeypatch, small_warehouse, tmp_path):
    config = tmp_path / "cx.toml"
    config.write_text('[links]\nticket_url = "https://acme.zendesk.com/agent/tickets/{ticket_id}"\n', encoding="utf-8")
    monkeypatch.setenv("CX_CONFIG", str(config))
    at = run_app(monkeypatch, small_warehouse, page="promises")
    waiting = table(at, "waited_days")
    assert waiting["ticket_link"].tolist() == ["https://acme.zendesk.com/agent/tickets/T5"]
    assert not any("Set `ticket_url`" in c.value for c in at.caption)


def test_empty_window_and_a_filter_without_tickets(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="promises", query={"dates": ["2026-01-24", "2026-01-31"]})
    assert any("No tickets match these dates and filters" in i.value for i in at.info)
    shown = tiles(at)
    assert shown["Promises kept"] == shown["Proactive notices"] == fmt.DASH
    assert shown["Unanswered tickets"] == "0" and "0.0%" not in shown.values()
    assert any("Every ticket created in these dates has a first reply." in i.value for i in at.info)
    assert_no_nan(at)
    at = run_app(monkeypatch, small_warehouse, page="promises", query={"platform": ["Google"]})
    assert tiles(at)["Promises kept"] == fmt.DASH
    assert_no_nan(at)


def test_team_filter_is_the_cli_with_where(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="promises", query={"team": ["Billing"]})
    cli = cli_metrics(small_warehouse, *DEFAULT, "--where", "team=Billing")
    shown = tiles(at)
    assert shown["Promises kept"] == fmt.number(cli["promise_kept_pct"], 1, "%") == "100.0%"  # T1 only
    assert shown["Proactive notices"] == fmt.number(cli["proactive_pct"], 1, "%")
    assert_no_nan(at)
