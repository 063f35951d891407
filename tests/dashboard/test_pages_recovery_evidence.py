"""The service recovery page's evidence section under AppTest: what it shows is what
`python -m cx recovery` prints for the same dates (the bundled sample, whose planted paradox
after a first, fast, owned recovery it reads), and a fixture too small to match says so."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from cx.cli import main as cli_main
from dashboard import fmt
from tests.dashboard import conftest as dash
from tests.dashboard.conftest import assert_no_nan, run_app, shown_text

YEAR = {"dates": ["2025-11-01", "2026-10-31"]}


@pytest.fixture(autouse=True)
def _page(monkeypatch):
    monkeypatch.setitem(dash.PAGES, "recovery", "app_pages/recovery.py")


def cli_recovery(warehouse, *args: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli_main(["recovery", "--warehouse", str(warehouse), "--format", "json", *args]) == 0
    return json.loads(out.getvalue())


def table(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_page_shows_the_command_lines_evidence(monkeypatch, bundled_warehouse):
    at = run_app(monkeypatch, bundled_warehouse, page="recovery", query=YEAR)
    cli = cli_recovery(bundled_warehouse, "--start", "2025-11-01", "--end", "2026-10-31")
    text = shown_text(at)
    for f in cli["findings"]:
        assert f["text"] in text and f["literature"] in text
    agrees = {f["claim"]: f["agrees"] for f in cli["findings"]}
    # What the sample plants (simulator/generator.py, effect 2): a paradox after a first failure and
    # none after a repeat one; after a fast reply and an apology; no paradox once matched, nor on behaviour.
    assert agrees["first failure"] is True and agrees["fast recovery"] is True and agrees["apology"] is True
    assert agrees["paradox"] is True and agrees["behaviour"] is True
    rec = cli["matched"][0]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Matched difference"] == fmt.signed(rec["diff"], 2, " pts")
    assert tiles["Raw difference after"] == fmt.signed(rec["raw_after_diff"], 2, " pts")
    matched = table(at, "control_change")
    assert matched["diff"].tolist() == pytest.approx([m["diff"] for m in cli["matched"]], nan_ok=True)
    activity = table(at, "eligible")
    assert activity["active_pct"].tolist() == pytest.approx([a["active_pct"] for a in cli["activity"]])
    conditions = table(at, "paradox_gap")
    assert conditions["nps_after_recovery"].tolist() == pytest.approx(
        [c["nps_after_recovery"] for c in cli["conditions"]], nan_ok=True)
    assert {"Download the conditions (CSV)", "Download the matched comparison (CSV)",
            "Download behavioural loyalty (CSV)"} <= {b.proto.label for b in at.get("download_button")}
    notes = next(e for e in at.expander if e.label == "How this is measured")
    method = " ".join(m.value for m in notes.markdown)
    assert "de Matos" in method and "Magnini" in method and "Maxham" in method and "Iacus" in method
    assert_no_nan(at)


def test_each_condition_draws_its_bands(monkeypatch, bundled_warehouse):
    at = run_app(monkeypatch, bundled_warehouse, page="recovery", query=YEAR)
    control = next(s for s in at.get("button_group") if s.proto.label == "Condition")
    control.set_value("severity").run()
    assert not at.exception
    spec = json.loads(next(c.proto.spec for c in at.get("plotly_chart") if c.proto.id.endswith("chart-condition-nps")))
    ticks = spec["data"][0]["y"]
    assert [t.split("<br>")[0] for t in ticks] == ["low", "normal", "high", "urgent"]
    # Low-priority failures have fewer than 30 answers after a recovery: pale.
    assert spec["data"][0]["marker"]["opacity"][0] < 1


def test_too_few_answers_to_match(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="recovery")
    text = shown_text(at)
    # The small fixture's customers answered no NPS before their failure: nothing to match.
    assert "has an NPS answer before it and after it" in text
    assert "the matched comparison cannot be made" in text
    assert "The data do not reach that far back yet" in text
    assert_no_nan(at)


def test_the_default_window_says_which_dates_show_behaviour(monkeypatch, bundled_warehouse):
    # The last 90 days: no failure has had its 90 days yet, and the page says up to when they have.
    at = run_app(monkeypatch, bundled_warehouse, page="recovery")
    text = shown_text(at)
    assert "the data end on 2026-10-31, so only those up to 2026-08-02 count" in text
    assert "pick *Last 12 months*" in text
