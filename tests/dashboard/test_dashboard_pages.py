"""Every page under AppTest against fixture warehouses: the values shown, the URL filters, the
empty and tiny cases, uploads and refreshes."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from cx import warehouse
from dashboard import fmt
from tests.conftest import build
from tests.dashboard.conftest import assert_no_nan, cli_metrics, run_app, shown_text

DEFAULT = ("--start", "2026-01-05", "--end", "2026-02-25")  # the last 90 days of the fixture, from its first day


def metric(at, label):
    return next(m for m in at.metric if m.label == label)


def tile_values(at):
    return {m.label: m.value for m in at.metric}


# ---------------------------------------------------------------- overview


def test_overview_tiles_are_the_cli_numbers(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse)
    cli = cli_metrics(small_warehouse, *DEFAULT)
    shown = tile_values(at)
    assert shown["NPS"] == f"{cli['nps']:.1f} ± {cli['nps_moe95']:.1f}" == "11.1 ± 57.2"
    for kpi in fmt.tiles():
        assert shown[kpi.label] == fmt.kpi_value(kpi, cli[kpi.key], cli["nps_moe95"]), kpi.key
    assert shown["CSAT"] == "62.5%" and shown["First response (median)"] == "1.0 h"
    # The dates shown are the default window: the last 90 days up to the newest data.
    assert at.date_input(key="dates").value == (fmt_date("2026-01-05"), fmt_date("2026-02-25"))
    assert_no_nan(at)


def fmt_date(text):
    from datetime import date

    return date.fromisoformat(text)


def test_overview_explains_tiny_samples_and_missing_comparison(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse)
    captions = [c.value for c in at.caption]
    assert any("9 responses with an NPS: the margin of error is ±57" in c for c in captions), captions
    # The previous 52 days hold no data: no change is shown, and the tile says why.
    assert metric(at, "NPS").proto.delta == ""
    assert any("none in the previous period" in c for c in captions)
    # Targets from config/cx.toml, on the tile's caption line.
    assert any(c.startswith(":red[Target 30 · 18.9 pts below]") for c in captions), captions
    # The comparison period lies before the data: said once, above the tiles, not as "nothing moved".
    notices = [i.value for i in at.info]
    assert any("is before the first data (2026-01-05), so there is nothing to compare with" in n for n in notices)
    assert not any("moved its NPS or CSAT by more than sampling noise" in n for n in notices)
    assert "No change can be shown: the previous period has no data" in shown_text(at)


def test_url_filters_set_the_widgets_and_the_numbers(monkeypatch, small_warehouse):
    query = {"dates": ["2026-01-10", "2026-02-20"], "region": ["EU", "NA"], "compare": "Same period last year",
             "grain": "Month"}
    at = run_app(monkeypatch, small_warehouse, query=query)
    assert at.date_input(key="dates").value == (fmt_date("2026-01-10"), fmt_date("2026-02-20"))
    assert at.multiselect(key="region").value == ["EU", "NA"]
    assert at.radio(key="compare").value == "year"
    assert at.button_group(key="grain").value == "month"
    cli = cli_metrics(small_warehouse, "--start", "2026-01-10", "--end", "2026-02-20", "--where", "region=EU",
                      "--where", "region=NA")
    for kpi in fmt.tiles():
        assert metric(at, kpi.label).value == fmt.kpi_value(kpi, cli[kpi.key], cli["nps_moe95"]), kpi.key
    assert "same period last year" in shown_text(at)


def test_every_filter_is_bound_to_the_url(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse)
    bound = {w.proto.query_param_key for w in [*at.date_input, *at.multiselect, *at.radio, *at.button_group]
             if w.proto.query_param_key}
    assert bound >= {"dates", "compare", "region", "product", "tier", "channel", "team", "platform", "grain"}
    at = run_app(monkeypatch, small_warehouse, page="segments", query={"seg": "EU"})
    bound = {w.proto.query_param_key for w in [*at.selectbox, *at.text_input, *at.button_group]
             if w.proto.query_param_key}
    assert bound >= {"dim", "seg", "q", "metric"}


def test_filters_survive_a_page_switch(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, query={"region": ["APAC"]})
    at.switch_page("app_pages/segments.py").run()
    assert not at.exception
    assert at.multiselect(key="region").value == ["APAC"]
    at.switch_page("app_pages/overview.py").run()
    assert at.multiselect(key="region").value == ["APAC"]


def test_empty_window_explains_instead_of_zeros(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, query={"dates": ["2026-01-24", "2026-01-31"]})
    assert any("No survey responses, tickets or reviews match" in i.value for i in at.info)
    for kpi in fmt.tiles():
        assert metric(at, kpi.label).value == fmt.DASH
    assert "0.0" not in tile_values(at).values()
    assert_no_nan(at)


def test_filter_that_leaves_out_surveys(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, query={"platform": ["Google"]})
    assert metric(at, "NPS").value == fmt.DASH
    assert metric(at, "Review rating").value == "3.00 ★"  # V1 2 stars, V4 4 stars
    assert_no_nan(at)


def test_refresh_reaches_an_open_dashboard(monkeypatch, own_warehouse):
    data_dir, target = own_warehouse
    at = run_app(monkeypatch, target)
    assert metric(at, "NPS").value == "11.1 ± 57.2"
    with (data_dir / "surveys" / "surveys.csv").open("a", encoding="utf-8") as fh:
        fh.write("S11,C3,2026-02-24 10:00:00,,10,5,7,Great,\n")
    assert build(data_dir, target).published
    at.run()
    assert not at.exception
    cli = cli_metrics(target, *DEFAULT)
    assert cli["responses"] == 11
    assert metric(at, "NPS").value == f"{cli['nps']:.1f} ± {cli['nps_moe95']:.1f}" == "20.0 ± 54.0"


def test_freshness_line_warns_of_stale_data_and_a_blocked_refresh(monkeypatch, own_warehouse):
    data_dir, target = own_warehouse
    at = run_app(monkeypatch, target)
    caption = next(c.value for c in at.caption if c.value.startswith("Data as of"))
    assert "**2026-02-21 10:30 UTC**" in caption and "last refresh" in caption
    # February data, read months later: said on the same line, so the tiles stay on the first screen.
    assert "**stale**: the newest event is" in caption and "Data page" in caption
    assert not at.warning
    # The executive's pages name no file; the analysts' Data page does.
    assert target.name not in shown_text(at) and "cx.toml" not in shown_text(at)
    (data_dir / "tickets" / "broken.csv").write_text("ticket_id,created_at\nX,2026-01-01\n", encoding="utf-8")
    assert not build(data_dir, target).published
    at.run()
    blocked = [w.value for w in at.warning if "was blocked" in w.value]
    assert blocked and "The Data page says what blocked it" in blocked[0] and "broken.csv" not in blocked[0]
    assert re.search(r"attempt \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)", blocked[0]), blocked[0]
    assert metric(at, "NPS").value == "11.1 ± 57.2"  # still the last good warehouse
    on_data = run_app(monkeypatch, target, page="data")
    blocked = [w.value for w in on_data.warning if "was blocked" in w.value]
    assert blocked and "customer_id" in blocked[0]
    assert any(target.name in c.value for c in on_data.caption if c.value.startswith("Data as of"))


def test_missing_warehouse_says_how_to_build_one(monkeypatch, tmp_path):
    at = run_app(monkeypatch, tmp_path / "nowhere.duckdb")
    assert "There is no warehouse" in at.error[0].value
    assert "python -m cx refresh --data data/sample" in shown_text(at)
    at = run_app(monkeypatch, tmp_path / "nowhere.duckdb", page="data")
    assert any(b.label.startswith("Refresh the warehouse") for b in at.button)


def test_the_biggest_mover_of_the_bundled_sample_links_to_its_drill_down(monkeypatch, bundled_warehouse):
    """The CX lead's question on the bundled sample: which region got worse last quarter, by
    how much (the CLI's numbers for both windows), and a link to why (its drill-down)."""
    at = run_app(monkeypatch, bundled_warehouse, query={"dates": ["2026-07-01", "2026-09-30"]})
    movers = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert len(movers) == 1 and movers[0].startswith("- **Region LATAM**: CSAT :red[down"), movers
    now = cli_metrics(bundled_warehouse, "--start", "2026-07-01", "--end", "2026-09-30", "--where", "region=LATAM")
    # The comparison: the 92 days before 2026-07-01.
    before = cli_metrics(bundled_warehouse, "--start", "2026-03-31", "--end", "2026-06-30", "--where", "region=LATAM")
    drop = before["csat_pct"] - now["csat_pct"]
    assert drop > 30
    assert f"down {drop:.1f} pts], from {before['csat_pct']:.1f}% to {now['csat_pct']:.1f}%" in movers[0]
    (link,) = at.page_link
    assert link.value == "Why?" and link.proto.page == "segments"
    assert link.proto.query_string == "dim=Region&seg=LATAM"


# ---------------------------------------------------------------- segments


def labels_of(df_element) -> dict:
    """{column: label} of a shown table, from its column configuration."""
    return {k: v.get("label") for k, v in json.loads(df_element.proto.columns or "{}").items()}


def test_segments_table_is_cx_metrics_per_segment(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="segments")
    scores, service = (at.dataframe[i].value.set_index("segment") for i in (0, 1))
    # Region codes spelled out; a code the mapping does not know would stay as it is.
    assert list(scores.index) == list(service.index) == ["Europe", "Asia-Pacific", "North America", "(not set)"]
    for region in ("EU", "NA", "APAC"):
        cli = cli_metrics(small_warehouse, *DEFAULT, "--where", f"region={region}")
        name = fmt.REGION_NAMES[region]
        assert scores.loc[name, "nps"] == pytest.approx(cli["nps"])
        assert scores.loc[name, "csat_pct"] == pytest.approx(cli["csat_pct"])
        assert service.loc[name, "tickets"] == cli["tickets"]
    assert scores.loc["Europe", "nps_vs_rest"] == "too few"  # 3 answers: not tested
    # Every column shown has a label of its own (no raw key, no blank header).
    for shown in at.dataframe[:2]:
        labels = labels_of(shown)
        assert all(labels.get(c) and labels[c] != c for c in shown.value.columns), labels
    assert_no_nan(at)


def test_segments_drill_down_opens_under_the_table(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="segments", query={"seg": "EU"})
    assert at.selectbox(key="seg").value == "EU"
    heading = next(h for h in at.subheader if h.value == "Region: Europe \\(EU\\)")
    assert heading.proto.anchor == "drill-down"
    # Arriving with the segment in the link, the top of the page points to its drill-down,
    # which comes before the charts.
    jump = [m.value for m in at.markdown if m.value.endswith("(#drill-down)")]
    assert jump and "[Region: Europe \\(EU\\): what changed" in jump[0]
    shown = [m.value for m in at.markdown]
    assert shown.index("**What changed** against the previous period") < next(
        i for i, v in enumerate(shown) if v.startswith("**NPS by region**"))
    cards = "".join(m.value for m in at.markdown if "cx-card" in m.value)
    assert '<div dir="auto" class="cx-text">سرویس بسیار کند بود' in cards
    assert "4 survey responses with a comment." in [c.value for c in at.caption]
    # The fixture has nothing before its first day: no What-changed table of blanks.
    assert any(i.value.startswith("Nothing to compare: the previous period has no data") for i in at.info)


def test_a_row_picked_opens_its_drill_down_and_scrolls_to_it(monkeypatch, small_warehouse):
    """AppTest cannot click a table row: the row's callback is called as the table would call
    it, with the selection it would leave in the session state."""
    from types import SimpleNamespace

    from dashboard import components

    state: dict = {}
    monkeypatch.setattr(components, "st", SimpleNamespace(session_state=state))
    segments = ["EU", "NA", "APAC"]
    pick_scores = components.pick_segment("segment_table_surveys", segments)
    pick_service = components.pick_segment("segment_table_service", segments)

    def select(table, rows):
        state[table] = SimpleNamespace(selection=SimpleNamespace(rows=rows))

    select("segment_table_surveys", [1])
    pick_scores()
    assert state["seg"] == "NA" and state[components._SCROLL]
    select("segment_table_service", [0])
    pick_service()
    assert state["seg"] == "EU"
    # Unticking NA (still ticked in the first table) leaves EU open; unticking EU closes it.
    select("segment_table_surveys", [])
    pick_scores()
    assert state["seg"] == "EU"
    select("segment_table_service", [])
    pick_service()
    assert state["seg"] is None

    # The run after a pick scrolls to the drill-down's heading, once.
    monkeypatch.undo()
    at = run_app(monkeypatch, small_warehouse, page="segments", query={"seg": "EU"})
    assert not [h for h in at.get("html") if "scrollIntoView" in h.proto.body]
    at.session_state[components._SCROLL] = True
    at.run()
    (scroll,) = [h for h in at.get("html") if "scrollIntoView" in h.proto.body]
    assert 'getElementById("drill-down")' in scroll.proto.body and scroll.proto.unsafe_allow_javascript
    at.run()
    assert not [h for h in at.get("html") if "scrollIntoView" in h.proto.body]


def test_segments_drill_down_columns_read_as_labels(monkeypatch, small_warehouse):
    for view in ("Responses", "Tickets", "Reviews", "Customer"):
        at = run_app(monkeypatch, small_warehouse, page="segments",
                     query={"seg": "EU", "view": view, "customer": "C1"})
        table = at.dataframe[-1]
        labels = labels_of(table)
        assert all(labels.get(c) and labels[c] != c for c in table.value.columns), (view, labels)
    assert labels_of(at.dataframe[-1])["event_at"] == "When (UTC)"


def test_segments_search(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="segments", query={"seg": "EU", "q": "سرویس"})
    assert "1 survey response with a comment matching “سرویس”." in [c.value for c in at.caption]


def test_segments_tickets_tab_and_customer_history(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="segments", query={"seg": "EU", "view": "Tickets"})
    tickets = next(d.value for d in at.dataframe if "ticket_id" in d.value.columns)
    assert sorted(tickets["ticket_id"]) == ["T1", "T2", "T3", "T4", "T6"]
    at = run_app(monkeypatch, small_warehouse, page="segments",
                 query={"seg": "EU", "view": "Customer", "customer": "C1"})
    assert metric(at, "Tickets").value == "3" and metric(at, "High-expectation").value == "yes"
    history = next(d.value for d in at.dataframe if "kind" in d.value.columns)
    assert list(history["id"]) == ["V3", "T6", "S2", "T2", "S1", "T1"]
    at = run_app(monkeypatch, small_warehouse, page="segments",
                 query={"seg": "EU", "view": "Customer", "customer": "nobody"})
    assert any("No customer with the id “nobody”" in i.value for i in at.info)


def test_segments_by_high_expectation_and_platform(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="segments", query={"dim": "High-expectation customer"})
    assert at.selectbox(key="dim").value == "high_expectation"
    # (not set): the anonymous review V2.
    assert set(at.dataframe[0].value["segment"]) == {"yes", "no", "(not set)"}
    at = run_app(monkeypatch, small_warehouse, page="segments", query={"dim": "Review platform"})
    scores, service = (at.dataframe[i].value.set_index("segment") for i in (0, 1))
    assert service.loc["Google", "reviews"] == 2 and service.loc["Google", "review_rating_avg"] == 3.0
    assert scores.loc["Google", "nps"] != scores.loc["Google", "nps"]  # no NPS: NaN in the data, "—" on screen
    assert_no_nan(at)


def test_segments_empty_window(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="segments", query={"dates": ["2026-01-24", "2026-01-31"]})
    assert any("there are no region segments to compare" in i.value for i in at.info)
    assert_no_nan(at)


def test_segments_flags_significant_differences(monkeypatch, sample_warehouse):
    at = run_app(monkeypatch, sample_warehouse, page="segments",
                 query={"dim": "High-expectation customer", "dates": ["2025-11-01", "2026-10-31"]})
    table = at.dataframe[0].value.set_index("segment")
    # High-expectation customers are planted ~1.6 CSAT points lower: a difference no noise explains.
    assert table.loc["yes", "csat_vs_rest"] == "▼ lower" and table.loc["no", "csat_vs_rest"] == "▲ higher"


def test_what_changed_is_ranked_and_tested_like_the_movers(monkeypatch, bundled_warehouse):
    """The bundled sample's last 90 days: LATAM's CSAT and NPS fell beyond noise (the staffing
    gap, simulator.generator effect 6). The Segments page and the Overview's biggest movers
    test them in one family, so both say so."""
    at = run_app(monkeypatch, bundled_warehouse, page="segments", query={"seg": "LATAM"})
    changes = at.dataframe[2]
    assert set(labels_of(changes).values()) >= {"Better or worse", "Against noise"}
    got = changes.value
    assert got.iloc[0]["metric"] == "CSAT" and got.iloc[0]["noise"] == "larger than noise"
    assert got.iloc[0]["change"] == "-34.3 pts" and got.iloc[0]["direction"] == "worse"
    assert got.iloc[1]["metric"] == "NPS" and got.iloc[1]["noise"] == "larger than noise"
    assert set(got.loc[2:, "noise"]) == {"no test"}
    assert "nps_change" in at.dataframe[0].value.columns
    overview = run_app(monkeypatch, bundled_warehouse)
    movers = [m.value for m in overview.markdown if m.value.startswith("- **")]
    assert any(m.startswith("- **Region LATAM**: CSAT") and "down 34.3 pts" in m for m in movers), movers
    assert any(m.startswith("- **Region LATAM**: NPS") for m in movers), movers


def test_an_empty_comparison_says_so_and_offers_the_one_with_data(monkeypatch, bundled_warehouse):
    # The bundled data starts on 2025-11-01: the same period last year of its last 90 days is empty.
    at = run_app(monkeypatch, bundled_warehouse, page="segments",
                 query={"compare": "Same period last year", "seg": "MENA"})
    (warning,) = [w.value for w in at.warning if "has no data" in w.value]
    assert warning.startswith("The same period last year (03 Aug 2025 – 31 Oct 2025 (90 days)) has no data: "
                              "the data starts on 2025-11-01.")
    assert "nps_change" not in at.dataframe[0].value.columns  # no column of blanks that reads "no change"
    assert any(i.value.startswith("Nothing to compare: the same period last year") for i in at.info)
    # Said once: the page's own notice, not also the one every other page shows.
    assert not [i for i in at.info if "is before the first data" in i.value]
    assert not [b for b in at.button if b.key == "compare_fix"]
    offer = at.button(key="compare-other")
    assert offer.label.startswith("Compare with the previous period instead")
    offer.click().run()
    assert not at.exception
    assert at.radio(key="compare").value == "previous"
    assert not [w for w in at.warning if "has no data" in w.value]
    assert "nps_change" in at.dataframe[0].value.columns
    assert at.dataframe[2].value.iloc[0]["metric"] == "NPS"
    # A comparison period the data covers in part says how much of it.
    at = run_app(monkeypatch, bundled_warehouse, page="segments", query={"dates": ["2025-12-01", "2026-05-31"]})
    assert "The previous period starts before the data does (2025-11-01): it covers 30 of its 182 days." in [
        c.value.removeprefix(":material/info: ") for c in at.caption]
    assert not [c for c in at.caption if "covers fewer days than the selected dates" in c.value]
    # The overview says it with the notice every page shares, and offers the other comparison.
    at = run_app(monkeypatch, bundled_warehouse, query={"compare": "Same period last year"})
    assert [i.value for i in at.info if "is before the first data (2025-11-01)" in i.value]
    fix = at.button(key="compare_fix")
    assert fix.label == "Compare with the previous period instead"
    fix.click().run()
    assert at.radio(key="compare").value == "previous" and not [i for i in at.info if "first data" in i.value]


# ---------------------------------------------------------------- data


def test_data_page_lists_refreshes_and_says_when_checks_are_missing(monkeypatch, own_warehouse):
    _, target = own_warehouse
    with duckdb.connect(str(target)) as con:
        con.execute("drop table if exists validation_results")
    at = run_app(monkeypatch, target, page="data")
    history = next(d.value for d in at.dataframe if "rows_read" in d.value.columns)
    assert len(history) == 1 and history.iloc[0]["rows_read"] == 27
    assert any("Checks are not available" in i.value for i in at.info)
    assert any("No row was rejected" in s.value for s in at.success)
    attempts = next(d.value for d in at.dataframe if "outcome" in d.value.columns)
    assert list(attempts["outcome"]) == ["published"]


def test_data_page_shows_the_validation_report(monkeypatch, own_warehouse):
    _, target = own_warehouse
    with duckdb.connect(str(target)) as con:
        con.execute("drop table if exists validation_results")
        con.execute("""create table validation_results as select * from (values
            ('r1', 'surveys', 'expect_column_values_to_be_between', 'nps lies between 0 and 10', 'nps', 'range',
             'reject', true, 10, 0, 0.0, null, null, null, null, 'ok'),
            ('r1', 'tickets', 'expect_column_values_to_be_unique', 'ticket_id is unique', 'ticket_id', 'unique',
             'block', false, 7, 2, 28.6, null, '["T9", "T9"]', null, null, '2 duplicates')
        ) as t(refresh_id, source, expectation, title, "column", rule, severity, success, "rows", unexpected_count,
               unexpected_pct, observed, examples, kwargs, error, message)""")
    at = run_app(monkeypatch, target, page="data")
    summary = at.error[0].value  # red: a check that blocks a refresh failed
    assert summary.startswith("1 of 2 expectations passed.")
    assert "**1 check that blocks a refresh failed**: “ticket\\_id is unique \\(tickets\\)”" in summary
    report = next(d.value for d in at.dataframe if "verdict" in d.value.columns)
    assert list(report["verdict"]) == ["✗ failed: blocks a refresh", "✓ passed"]
    assert "expectation" not in report.columns  # GX's name stays in the download: the title says it in words
    assert report.iloc[0]["examples"] == "T9, T9" and report.iloc[0]["severity"] == "block"


def test_data_page_lists_rejected_rows(monkeypatch, tmp_path, data_copy):
    with (data_copy / "surveys" / "surveys.csv").open("a", encoding="utf-8") as fh:
        fh.write("S11,C1,2026-02-01 10:00:00,,11,,,,\n")
    target = tmp_path / "wh.duckdb"
    assert build(data_copy, target).published
    at = run_app(monkeypatch, target, page="data")
    rejected = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert rejected.iloc[0][["source", "file", "line", "column"]].tolist() == ["surveys", "surveys/surveys.csv", 12,
                                                                             "nps"]
    assert "**1 row** was rejected and left out of every metric; the rest of the data is published." in shown_text(at)


def test_upload_and_refresh_from_the_data_page(monkeypatch, own_warehouse):
    data_dir, target = own_warehouse
    monkeypatch.delenv("CX_UPLOAD_DIR", raising=False)
    at = run_app(monkeypatch, target, page="data")
    extra = b"response_id,customer_id,submitted_at,nps,csat\nS11,C3,2026-02-24 10:00:00,10,5\n"
    at.file_uploader[0].upload("../new surveys.csv", extra, "text/csv")
    form_source = next(s for s in at.selectbox if s.label == "Source")
    form_source.set_value("surveys")
    next(b for b in at.button if b.label == "Save to the working folder").click().run()
    assert not at.exception
    # The names are the uploader's text, written escaped so that Markdown shows them as typed.
    said = f"{fmt.md('new surveys.csv')} (as {fmt.md('new_surveys.csv')}) saved in surveys/"
    assert any(said in s.value for s in at.success), [s.value for s in at.success]
    uploads_dir = target.parent / "uploads"
    assert (uploads_dir / "surveys" / "new_surveys.csv").read_bytes() == extra
    assert (uploads_dir / "tickets" / "tickets-2026-02.csv").exists()  # started from the last data folder
    assert not (data_dir / "surveys" / "new_surveys.csv").exists()  # ... which stays as it was
    before = warehouse.current_refresh_id(target)
    next(b for b in at.button if b.label.startswith("Refresh the warehouse")).click().run(timeout=180)
    assert not at.exception
    assert any(s.value.startswith("**Refresh published**") for s in at.success), [s.value for s in at.success]
    assert warehouse.current_refresh_id(target) != before
    assert cli_metrics(target, *DEFAULT)["responses"] == 11
    attempts = next(d.value for d in at.dataframe if "outcome" in d.value.columns)
    assert len(attempts) == 2 and str(uploads_dir) in attempts.iloc[0]["data_dir"]


def test_upload_rejects_a_bad_file(monkeypatch, own_warehouse):
    _, target = own_warehouse
    monkeypatch.delenv("CX_UPLOAD_DIR", raising=False)
    at = run_app(monkeypatch, target, page="data")
    at.file_uploader[0].upload("tickets.parquet", b"not parquet at all", "application/octet-stream")
    next(b for b in at.button if b.label == "Save to the working folder").click().run()
    assert any("not a Parquet file" in e.value for e in at.error)


def test_the_executive_pages_show_no_raw_key_file_name_or_setting(monkeypatch, bundled_warehouse):
    """Labels, units and formats from the metric definitions: no catalog key (`csat_pct`,
    `nps_moe95`), no warehouse file name and no configuration file on the overview, in its text
    or in the headers and cells of its tables."""
    from cx import catalog

    at = run_app(monkeypatch, bundled_warehouse)
    assert not at.exception
    text = shown_text(at)
    cells = []
    for d in at.dataframe:  # the KPI table in its expander too
        cells += [str(v) for v in d.value.astype(str).to_numpy().ravel()]
    seen = text + "\n" + "\n".join(cells)
    cat = catalog.load()
    raw = [m.key for m in cat.measures if "_" in m.key and re.search(rf"\b{m.key}\b", seen)]
    assert not raw, raw
    assert ".duckdb" not in seen and "cx.toml" not in seen
    assert not re.search(r"\d\.\d{4}\b", text)  # no four-decimal floats in the text


def test_the_trend_switches_to_months_in_its_own_fragment(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse)
    assert any("week starting" in c.proto.spec for c in at.get("plotly_chart"))
    at.button_group(key="grain").set_value("month").run()
    assert not at.exception
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    assert any("month starting" in s for s in specs) and not any("week starting" in s for s in specs)


def test_the_segments_page_shows_the_key_drivers_the_cli_prints(monkeypatch, bundled_warehouse):
    import subprocess
    import sys

    at = run_app(monkeypatch, bundled_warehouse, page="segments")
    assert not at.exception
    heading = next(h.value for h in at.subheader if h.value.startswith("What drives post-ticket"))
    target = heading.rsplit(" ", 1)[-1].lower()
    start, end = at.date_input(key="dates").value
    out = subprocess.run([sys.executable, "-m", "cx", "drivers", "--warehouse", str(bundled_warehouse), "--target",
                          target, "--start", str(start), "--end", str(end), "--format", "json"],
                         capture_output=True, text=True, check=True)
    cli = json.loads(out.stdout)
    assert cli["reading"] in [m.value for m in at.markdown]
    table = next(d.value for d in at.dataframe if "importance" in d.value.columns)
    assert table["label"].tolist() == [d["label"] for d in cli["drivers"]]
    assert table["importance"].tolist() == pytest.approx([100 * d["importance"] for d in cli["drivers"]])
    assert all("pts" in t for t in table["direction"])


def test_on_much_data_the_drivers_wait_to_be_asked_for(monkeypatch, bundled_warehouse):
    from dashboard import components

    monkeypatch.setattr(components, "AUTO_DRIVER_TICKETS", 100)
    at = run_app(monkeypatch, bundled_warehouse, page="segments")
    assert not at.exception
    assert not [d for d in at.dataframe if "importance" in d.value.columns]
    toggle = at.toggle(key="drivers_on")
    assert toggle.label.startswith("Weigh the drivers for these") and toggle.value is False
    toggle.set_value(True).run()
    assert not at.exception
    assert [d for d in at.dataframe if "importance" in d.value.columns]
