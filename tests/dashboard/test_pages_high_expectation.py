"""The high-expectation page under AppTest: the fixture's high-expectation customers (C1:
demanding, in touch, influential; C2: vocal, influential), the customers to call today, and the
$end the queries get (null for the last day in the data, whose signals were computed at refresh)."""

from __future__ import annotations

import math
from datetime import date

import duckdb
import pytest

from cx import sql
from cx.metrics import segment_filter
from dashboard import data, fmt
from tests.conftest import build
from tests.dashboard import conftest as dash
from tests.dashboard.conftest import assert_no_nan, cli_metrics, run_app, shown_text

DEFAULT = ("--start", "2026-01-05", "--end", "2026-02-25")


@pytest.fixture(autouse=True)
def _page(monkeypatch):
    monkeypatch.setitem(dash.PAGES, "high_expectation", "app_pages/high_expectation.py")


def tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_tiles_and_comparison_by_hand(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="high_expectation")
    cli = cli_metrics(small_warehouse, *DEFAULT)
    shown = tiles(at)
    assert shown["High-expectation customers"] == "2"
    assert shown["Share of active customers"] == fmt.number(cli["high_expectation_pct"], 1, "%") == "40.0%"
    assert shown["To call today"] == "2"
    # S1 10, S3 3, S4 5: p_pro 1/3, p_det 2/3, margin 196 * sqrt((1 - 1/9) / 3) = 106.7.
    assert shown["Their NPS"] == f"-33.3 ± {196 * math.sqrt((1 - 1 / 9) / 3):.1f}" == "-33.3 ± 106.7"
    assert "active in these dates, of 5 active customers" in [c.value for c in at.caption]
    # The tile's share and a week's share have different denominators: the chart draws the
    # tile's as a line and the caption says why a week's runs higher.
    trend = next(c for c in at.get("plotly_chart") if "Share of the week" in c.proto.spec)
    assert "over the whole dates 40.0%" in trend.proto.spec
    assert any("the tile's 40.0%" in c.value for c in at.caption)
    summary = table(at, "segment").set_index("segment")
    he, rest = summary.loc["high expectation"], summary.loc["everyone else"]
    assert (he["customers"], he["share_pct"], he["tickets"]) == (2, 40.0, 4)
    assert (he["demanding"], he["vocal"], he["in_touch"], he["influential"]) == (1, 1, 1, 2)
    assert he["first_response_hours_median"] == 0.75  # T1 1 h, T2 0.5, T6 0.5, T3 4
    assert rest["nps"] == pytest.approx(100 / 3) and rest["csat_pct"] == 80.0
    assert any("too few answers to tell" in i.value for i in at.info)
    assert_no_nan(at)


def test_customers_to_call_today_by_hand(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="high_expectation")
    risk = table(at, "needs")
    assert risk[["customer_id", "urgency"]].values.tolist() == [["C1", 1], ["C2", 1]]
    # C1 wrote the 1-star V3 (replied); C2's latest NPS is S4's 5.
    assert risk["needs"].tolist() == ["follow up on the 1-star review on Trustpilot",
                                      "call back: gave NPS 5 on 2026-02-15"]
    assert risk["signals"].tolist() == ["demanding, in touch, influential", "vocal, influential"]
    assert "Download the list (CSV)" in {b.proto.label for b in at.get("download_button")}


def test_an_open_failure_comes_first(monkeypatch, tmp_path, data_copy):
    # C2 opens a complaint that stays open: resolving it is the most urgent need.
    with (data_copy / "tickets" / "tickets-2026-02.csv").open("a", encoding="utf-8") as fh:
        fh.write("T9,C2,2026-02-11T09:00:00Z,2026-02-11T10:00:00Z,,complaint,,,,,,,,,,,open\n")
    target = tmp_path / "w.duckdb"
    assert build(data_copy, target).published
    at = run_app(monkeypatch, target, page="high_expectation")
    risk = table(at, "needs")
    assert risk.iloc[0]["customer_id"] == "C2" and risk.iloc[0]["urgency"] == 4
    assert risk.iloc[0]["needs"].startswith("resolve failure ticket T9 (open 10 days)")
    assert risk.iloc[0]["open_failures"] == 1


def test_picking_a_customer_opens_the_history(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="high_expectation", query={"risk_customer": "C1"})
    assert at.selectbox(key="risk_customer").value == "C1"
    assert tiles(at)["Tickets"] == "3" and tiles(at)["High-expectation"] == "yes"
    history = table(at, "kind")
    assert list(history["id"]) == ["V3", "T6", "S2", "T2", "S1", "T1"]


def test_end_is_the_real_day_and_the_last_day_reads_the_stored_signals(monkeypatch, small_warehouse):
    calls: list[tuple[str, dict]] = []  # the parameters the queries were bound with
    real = data._frame

    def spy(file, version, name, params, *rest):
        calls.append((name, params))
        return real(file, version, name, params, *rest)

    monkeypatch.setattr(data, "_frame", spy)
    run_app(monkeypatch, small_warehouse, page="high_expectation")
    ends = {p["end"] for n, p in calls if n.startswith("metrics/") and "end" in p}
    # The window ends on the data's last day, 2026-02-25, bound as itself (no null stand-in);
    # he_signals finds the signals the refresh stored for that day by the date.
    assert ends == {date(2026, 2, 25)}
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        stored = {r[0] for r in con.execute("select distinct signals_end from customer_signals_stored").fetchall()}
    assert date(2026, 2, 25) in stored
    calls.clear()
    at = run_app(monkeypatch, small_warehouse, page="high_expectation",
                 query={"dates": ["2026-01-05", "2026-02-14"]})
    ends = {p["end"] for n, p in calls if n.startswith("metrics/") and "end" in p}
    assert ends == {date(2026, 2, 14)}
    # ... and the numbers are the query's for that end (V3 of 12 February is still in the window).
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        expected = sql.rows(con, "metrics/at_risk_customers", start=date(2026, 1, 5), end=date(2026, 2, 14),
                            f=segment_filter({}), recent_days=30, limit=None)
    assert table(at, "needs")["customer_id"].tolist() == [r["customer_id"] for r in expected]
    cli = cli_metrics(small_warehouse, "--start", "2026-01-05", "--end", "2026-02-14")
    assert tiles(at)["Share of active customers"] == fmt.number(cli["high_expectation_pct"], 1, "%")


def test_empty_window_and_a_filter_without_surveys(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="high_expectation",
                 query={"dates": ["2026-01-24", "2026-01-31"]})
    assert any("No customer was active" in i.value for i in at.info)
    assert not at.metric
    assert_no_nan(at)
    at = run_app(monkeypatch, small_warehouse, page="high_expectation", query={"platform": ["Google"]})
    assert tiles(at)["Their NPS"] == fmt.DASH
    assert "No NPS answers from these customers in these dates." in shown_text(at)
    assert_no_nan(at)


def test_the_sample_lists_the_query_rows(monkeypatch, sample_warehouse):
    at = run_app(monkeypatch, sample_warehouse, page="high_expectation")
    start, end = at.date_input(key="dates").value
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        last_day = sql.rows(con, "metrics/bounds")[0]["last_day"]
        expected = sql.rows(con, "metrics/at_risk_customers", start=start, end=None if end == last_day else end,
                            f=segment_filter({}), recent_days=30, limit=None)
    assert expected, "the sample should have customers to call"
    risk = table(at, "needs")
    assert risk["customer_id"].tolist() == [r["customer_id"] for r in expected]
    assert risk["urgency"].is_monotonic_decreasing
    assert tiles(at)["To call today"] == f"{len(expected):,}"
    assert_no_nan(at)


def test_the_list_is_cut_to_the_most_urgent_and_counts_them_all(sample_warehouse):
    # At 10M tickets 100k+ customers are to call: the page lists the most urgent $limit rows
    # (the CSV has them all), and `matching` says how many there are in all.
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        everyone = sql.rows(con, "metrics/at_risk_customers", start=None, end=None, f=segment_filter({}),
                            recent_days=30, limit=None)
        first = sql.rows(con, "metrics/at_risk_customers", start=None, end=None, f=segment_filter({}),
                         recent_days=30, limit=3)
    assert len(everyone) > 3
    assert first == everyone[:3]
    assert {r["matching"] for r in everyone} == {len(everyone)}


def test_the_history_takes_a_customer_beyond_the_list(monkeypatch, small_warehouse):
    # C3 is not to call (not a high-expectation customer), yet a link can open their history.
    at = run_app(monkeypatch, small_warehouse, page="high_expectation", query={"risk_customer": "C3"})
    assert at.selectbox(key="risk_customer").value == "C3"
    assert tiles(at)["High-expectation"] == "no"
    assert_no_nan(at)
