"""dashboard.model and dashboard.fmt: tiles, segment table and movers from hand-made inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import fmt, model

TARGETS = {"nps": 30, "csat_pct": 85, "first_response_hours_median": 4}


def tile(tiles, key):
    return next(t for t in tiles if t.kpi.key == key)


def make(now=None, before=None, cn=None, cb=None, targets=TARGETS):
    """A KPI row carries its samples (cn, cb) beside its values, as cx.metrics.kpis gives them."""
    return model.tiles({**(now or {}), **(cn or {})}, {**(before or {}), **(cb or {})}, targets, "previous period")


def test_unknown_values_show_a_dash_and_say_why():
    tiles = make()
    for t in tiles:
        assert t.value_text == fmt.DASH
        assert t.delta_text is None
        assert t.note.startswith("No ") and "in this window" in t.note
        assert "nan" not in t.note.lower() and "none" not in t.value_text.lower()
    assert tile(tiles, "nps").target_text == "Target 30"


def test_small_samples_spell_out_the_margin_of_error():
    t = tile(make(now={"nps": 25.0, "nps_moe95": 28.4}, cn={"nps_n": 12}), "nps")
    assert t.value_text == "25.0 ± 28.4"
    assert t.note.startswith("12 responses with an NPS: the margin of error is ±28")
    assert t.small
    c = tile(make(now={"csat_pct": 50.0}, cn={"csat_n": 10, "csat_ok": 5}), "csat_pct")
    # The Wilson range of 5 of 10: 23.7% to 76.3%.
    assert c.note.startswith("10 responses with a CSAT: the true share is likely between 24% and 76%")
    all_yes = tile(make(now={"recovery_pct": 100.0}, cn={"recovery_n": 4, "recovered": 4}), "recovery_pct")
    assert "between 51% and 100%" in all_yes.note  # not "±0": four answers say little
    one = tile(make(now={"nps": 100.0, "nps_moe95": 0.0}, cn={"nps_n": 1}), "nps")
    assert one.note.startswith("1 response with an NPS: too few to say how precise this is")


def test_change_in_points_colour_and_noise():
    now = {"nps": 20.0, "nps_moe95": 5.0, "csat_pct": 80.0, "first_response_hours_median": 2.0}
    before = {"nps": 10.0, "nps_moe95": 5.0, "csat_pct": 79.0, "first_response_hours_median": 3.0}
    cn = {"nps_n": 500, "csat_n": 400, "csat_ok": 320, "first_response_n": 100}
    cb = {"nps_n": 500, "csat_n": 400, "csat_ok": 316, "first_response_n": 100}
    tiles = make(now, before, cn, cb)
    nps = tile(tiles, "nps")
    assert nps.delta_text == "+10.0 pts" and nps.delta_color == "normal" and "significant change" in nps.note
    csat = tile(tiles, "csat_pct")
    assert csat.delta_text == "+1.0 pts" and csat.delta_color == "off" and "within noise" in csat.note
    frt = tile(tiles, "first_response_hours_median")
    # A median has no test in the catalog: its change is shown, never coloured.
    assert frt.delta_text == "-1.0 h" and frt.delta_color == "off" and "not tested" in frt.note
    assert frt.target_text == "Target 4 h · 2.0 h below" and frt.target_met is True
    assert nps.target_text == "Target 30 · 10.0 pts below" and nps.target_met is False
    assert nps.delta_note == "vs previous period"


def test_a_mean_is_coloured_only_when_its_change_is_larger_than_noise():
    # CES 4.57 against 4.60 with margins of ±0.10 on 500 answers each: noise, grey. The same
    # CES against 4.20: z = 0.37 / hypot(0.1, 0.1) * 1.96 ≈ 5.1, green. A lower-is-worse drop
    # of a rating larger than noise is red ("normal" colours a fall red).
    cn = {"ces_n": 500, "rating_n": 300}
    noise = tile(make({"ces_avg": 4.57, "ces_moe95": 0.10}, {"ces_avg": 4.60, "ces_moe95": 0.10}, cn, cn), "ces_avg")
    assert noise.delta_text == "-0.03" and noise.delta_color == "off" and "within noise" in noise.note
    real = tile(make({"ces_avg": 4.57, "ces_moe95": 0.10}, {"ces_avg": 4.20, "ces_moe95": 0.10}, cn, cn), "ces_avg")
    assert real.delta_color == "normal" and "significant change" in real.note
    assert real.value_text == "4.57 / 7"  # a mean's margin is not written into its value
    fall = tile(make({"review_rating_avg": 3.3, "review_rating_moe95": 0.1},
                     {"review_rating_avg": 3.8, "review_rating_moe95": 0.1}, cn, cn), "review_rating_avg")
    assert fall.delta_text == "-0.50 ★" and fall.delta_color == "normal"
    few = tile(make({"ces_avg": 4.0, "ces_moe95": 0.5}, {"ces_avg": 5.0, "ces_moe95": 0.5},
                    {"ces_n": 12}, {"ces_n": 12}), "ces_avg")
    assert few.delta_color == "off" and "too few answers to test" in few.note
    assert few.note.startswith("12 responses with a CES: the margin of error is ±0.50")


def test_no_comparison_data_is_said_not_zero():
    t = tile(make(now={"nps": 20.0, "nps_moe95": 5.0}, cn={"nps_n": 500}), "nps")
    assert t.delta_text is None and "none in the previous period" in t.note


def test_fmt_numbers():
    assert fmt.number(None) == fmt.DASH
    assert fmt.number(float("nan")) == fmt.DASH
    assert fmt.number(pd.NA) == fmt.DASH
    assert fmt.number(-0.04, 1) == "0.0"
    assert fmt.number(1234.5, 1, " h") == "1,234.5 h"
    assert fmt.signed(0.04, 1, " pts") == "0.0 pts"
    assert fmt.signed(-2.25, 1, " pts") == "-2.2 pts" or fmt.signed(-2.25, 1, " pts") == "-2.3 pts"
    assert fmt.signed(3, 0) == "+3"
    assert fmt.rtl_text("<b>سلام</b>") == '<div dir="auto" class="cx-text">&lt;b&gt;سلام&lt;/b&gt;</div>'
    assert fmt.rtl_text(None) == ""


def seg_frame(rows):
    cols = ["segment", "is_total", "responses", "nps", "nps_moe95", "nps_n", "promoters", "detractors",
            "csat_pct", "csat_n", "csat_ok", "ces_avg", "tickets", "first_response_hours_median",
            "resolution_hours_median", "promise_kept_pct", "failures", "recovery_pct", "reviews",
            "review_rating_avg"]
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)


def seg(name, p, d, n, ok, cn, total=False):
    return {"segment": None if total else name, "is_total": total, "responses": n, "nps": 100 * (p - d) / n,
            "nps_moe95": 5.0, "nps_n": n, "promoters": p, "detractors": d, "csat_pct": 100 * ok / cn,
            "csat_n": cn, "csat_ok": ok, "tickets": 0, "failures": 0, "reviews": 0}


def test_segment_table_flags_the_segment_that_differs_from_the_rest():
    now = seg_frame([
        seg(None, 350, 250, 1000, 600, 1000, total=True),
        seg("A", 50, 150, 250, 100, 250),  # NPS -40 vs the rest's +33; CSAT 40% vs 67%
        seg("B", 100, 34, 250, 167, 250),
        seg("C", 100, 33, 250, 167, 250),
        seg("D", 100, 33, 250, 166, 250),
    ])
    table = model.segment_table(now, seg_frame([]))
    got = table.set_index("segment")
    assert got.loc["A", "nps_vs_rest"] == "lower" and got.loc["A", "csat_vs_rest"] == "lower"
    assert got.loc["B", "nps_vs_rest"] in ("higher", "like the rest")
    assert "NPS lower than the rest" in got.loc["A", "flags"]
    assert got["nps_before"].isna().all() and got["nps_change"].isna().all()


def test_segment_table_marks_small_segments_untested():
    now = seg_frame([seg(None, 20, 5, 40, 30, 40, total=True), seg("A", 10, 0, 10, 10, 10),
                     seg("B", 10, 5, 30, 20, 30)])
    got = model.segment_table(now, seg_frame([])).set_index("segment")
    assert got.loc["A", "nps_vs_rest"] == "too few to test" and got.loc["A", "flags"] == ""


def test_segment_changes_against_the_past():
    now = seg_frame([seg(None, 300, 100, 1000, 700, 1000, total=True), seg("A", 300, 100, 1000, 700, 1000)])
    before = seg_frame([seg(None, 200, 200, 1000, 800, 1000, total=True), seg("A", 200, 200, 1000, 800, 1000)])
    got = model.segment_table(now, before).set_index("segment")
    assert got.loc["A", "nps_change"] == pytest.approx(20.0) and bool(got.loc["A", "nps_change_significant"])
    assert got.loc["A", "csat_change"] == pytest.approx(-10.0)
    assert "NPS up 20.0 pts" in got.loc["A", "flags"] and "CSAT down 10.0 pts" in got.loc["A", "flags"]
    changes = model.segment_changes(got.reset_index(), now, before, "A").set_index("metric")
    assert changes.loc["NPS", "change"] == "+20.0 pts" and changes.loc["NPS", "direction"] == "better"
    assert changes.loc["CSAT", "change"] == "-10.0 pts" and changes.loc["CSAT", "direction"] == "worse"
    assert changes.loc["CES", "now"] == fmt.DASH


def test_what_changed_ranks_by_size_and_marks_the_changes_larger_than_noise():
    # A: NPS +20 pts and CSAT -10 pts on 1000 answers each (both far beyond noise); B: NPS +1,
    # CSAT -0.5 (within noise); 60 tickets now against 40 before, first response 2 h against 5 h.
    def with_tickets(row, tickets, hours):
        return {**row, "tickets": tickets, "first_response_hours_median": hours}
    now = seg_frame([seg(None, 600, 200, 2000, 1400, 2000, total=True),
                     with_tickets(seg("A", 300, 100, 1000, 700, 1000), 60, 2.0), seg("B", 300, 100, 1000, 700, 1000)])
    before = seg_frame([seg(None, 500, 300, 2000, 1500, 2000, total=True),
                        with_tickets(seg("A", 200, 200, 1000, 800, 1000), 40, 5.0),
                        seg("B", 290, 100, 1000, 705, 1000)])
    table = model.segment_table(now, before)
    changes = model.segment_changes(table, now, before, "A")
    # Larger than noise first, by size in points; then the measures without a test by their
    # size against the comparison value (-60% before +50%); unknown changes last.
    assert list(changes["metric"][:4]) == ["NPS", "CSAT", "First response (median)", "Tickets"]
    assert list(changes["noise"][:4]) == ["larger than noise", "larger than noise", "no test", "no test"]
    assert list(changes["direction"][:3]) == ["better", "worse", "better"] and pd.isna(changes["direction"][3])
    assert changes.loc[2, "change"] == "-3.0 h (-60%)" and changes.loc[3, "change"] == "+20 (+50%)"
    assert changes["significant"].tolist()[:3] == [True, True, False]
    assert changes["change"].iloc[-1] == fmt.DASH and pd.isna(changes["noise"].iloc[-1])
    # The What-changed marks are the table's own flags: the two never disagree.
    for m in model.tested_measures():
        row = table.set_index("segment").loc["A"]
        shown = changes.set_index("metric").loc[m.label, "noise"]
        assert (shown == "larger than noise") == bool(row[f"{model.short(m)}_change_significant"])
    b = model.segment_changes(table, now, before, "B").set_index("metric")
    assert b.loc["NPS", "noise"] == "within noise" and not b.loc["NPS", "significant"]


def test_a_segment_without_data_in_the_comparison_is_said():
    now = seg_frame([seg(None, 300, 100, 1000, 700, 1000, total=True), seg("A", 300, 100, 1000, 700, 1000)])
    assert model.has_data(now) and model.has_data(now, "A") and not model.has_data(now, "B")
    assert not model.has_data(seg_frame([])) and not model.has_data(now.iloc[0:0])


def test_movers_keep_only_significant_changes_largest_first():
    def row(dim, segment, period, nps, n, ok, cn):
        return {"dimension": dim, "segment": segment, "period": period, "nps": nps, "nps_moe95": 100 * 1.96 / n ** 0.5,
                "nps_n": n, "csat_pct": 100 * ok / cn, "csat_n": cn, "csat_ok": ok}
    df = pd.DataFrame([
        row("region", "EU", "current", 10.0, 900, 700, 1000), row("region", "EU", "comparison", 30.0, 900, 700, 1000),
        row("region", "NA", "current", 31.0, 900, 800, 1000), row("region", "NA", "comparison", 30.0, 900, 810, 1000),
        row("tier", "gold", "current", 40.0, 20, 15, 20), row("tier", "gold", "comparison", 0.0, 20, 5, 20),
    ])
    got = model.movers(df)
    assert list(zip(got["segment"], got["metric"], strict=True)) == [("EU", "NPS")]
    assert got.iloc[0]["change"] == pytest.approx(-20.0)
    assert model.movers(df.iloc[0:0]).empty


def test_movers_and_the_segments_table_flag_the_same_changes():
    """One family of change tests per dimension: a change the Segments table flags is among
    the movers, and no other, however many other dimensions the Overview tests."""
    def row(dim, segment, period, p, d, n, ok):
        return {"dimension": dim, "segment": segment, "period": period, "nps": 100 * (p - d) / n,
                "nps_moe95": 100 * 1.96 * (((p + d) / n - ((p - d) / n) ** 2) / n) ** 0.5, "nps_n": n,
                "promoters": p, "detractors": d, "csat_pct": 100 * ok / n, "csat_n": n, "csat_ok": ok}
    region = [("EU", (120, 60, 300, 220), (90, 80, 300, 225)),  # NPS +20 pts on 300 answers: p ~0.01
              ("NA", (100, 70, 300, 210), (98, 70, 300, 212)),
              ("APAC", (95, 75, 300, 200), (97, 74, 300, 201))]
    rows = []
    for name, current, comparison in region:
        rows += [row("region", name, "current", *current), row("region", name, "comparison", *comparison)]
    # Many other dimensions with nothing moving: a family over every dimension would drown EU.
    for i in range(40):
        rows += [row("team", f"T{i}", "current", 100, 70, 300, 210), row("team", f"T{i}", "comparison", 100, 70,
                                                                            300, 210)]
    df = pd.DataFrame(rows)
    movers = model.movers(df, limit=None)
    assert list(zip(movers["dimension"], movers["segment"], movers["metric"], strict=True)) == [
        ("region", "EU", "NPS")]

    def frame(period):
        part = df[(df["dimension"] == "region") & (df["period"] == period)].drop(columns=["dimension", "period"])
        total = part.sum(numeric_only=True).to_dict() | {"segment": None, "is_total": True}
        return seg_frame([total, *[r | {"is_total": False} for r in part.to_dict("records")]])
    table = model.segment_table(frame("current"), frame("comparison")).set_index("segment")
    flagged = {(s, m.label) for m in model.tested_measures() for s in table.index
               if table.loc[s, f"{model.short(m)}_change_significant"]}
    assert flagged == {("EU", "NPS")}


def test_the_not_set_segment_is_not_tested_for_change():
    now = seg_frame([seg(None, 600, 200, 2000, 1400, 2000, total=True), seg("A", 300, 100, 1000, 700, 1000),
                     seg(model.NOT_SET, 300, 100, 1000, 700, 1000)])
    before = seg_frame([seg(None, 400, 400, 2000, 1600, 2000, total=True), seg("A", 200, 200, 1000, 800, 1000),
                        seg(model.NOT_SET, 200, 200, 1000, 800, 1000)])
    table = model.segment_table(now, before).set_index("segment")
    assert table.loc["A", "nps_change_significant"] and not table.loc[model.NOT_SET, "nps_change_significant"]
    assert not table.loc[model.NOT_SET, "nps_change_tested"]
    changes = model.segment_changes(table.reset_index(), now, before, model.NOT_SET).set_index("metric")
    assert changes.loc["NPS", "noise"] == "no test"


def test_kpi_table_lists_every_cli_key():
    from cx.metrics import KPI_KEYS

    table = model.kpi_table({"nps": 10.0}, {"nps": 5.0})
    assert list(table["key"])[: len(KPI_KEYS)] == list(KPI_KEYS)
    # Read as people read it: the catalog's label and unit, not the raw key and four decimals.
    assert table.set_index("key").loc["nps", "change"] == "+5.0 pts"
    assert table.set_index("key").loc["nps", "metric"] == "NPS"


def test_export_values_stay_literal_in_markdown():
    """A segment name from an export cannot become a link, a colour or a formula on a page."""
    assert fmt.md("LATAM") == "LATAM" and fmt.md("سرویس") == "سرویس"
    assert fmt.md("x](https://e.com)") == "x\\]\\(https\\://e\\.com\\)"
    assert fmt.md(":red[a] $1") == "\\:red\\[a\\] \\$1"


def test_the_verdict_names_what_moved_where_and_the_targets():
    # CSAT down 6 pts on 800 answers each side (significant), NPS within noise, a median untested.
    now = {"nps": 12.0, "nps_moe95": 5.0, "csat_pct": 68.0, "first_response_hours_median": 3.0}
    before = {"nps": 14.0, "nps_moe95": 5.0, "csat_pct": 74.0, "first_response_hours_median": 2.5}
    cn = {"nps_n": 800, "csat_n": 800, "csat_ok": 544, "first_response_n": 900}
    cb = {"nps_n": 800, "csat_n": 800, "csat_ok": 592, "first_response_n": 900}
    tiles = make(now, before, cn, cb)
    moves = pd.DataFrame([{"dimension": "region", "segment": "LATAM", "metric": "CSAT", "change": -34.3}])
    lines = model.verdict(tiles, moves, "previous period")
    assert lines[0] == ":red[**Worse**] on CSAT (-6.0 pts) against the previous period. The other changes are " \
                       "within noise or not tested."
    assert lines[1] == "**Where:** Region LATAM (CSAT down 34.3 pts) (Biggest movers, below)."
    # Targets: NPS 30 missed, CSAT 85 missed, first response 4 h met.
    assert lines[2] == "**Targets:** 1 of 3 met; missed: NPS, CSAT."
    quiet = model.verdict(make(now, now, cn, cn), moves.iloc[0:0], "previous period")
    assert quiet[0] == "**No KPI moved by more than noise** against the previous period."
    assert model.verdict(make(now, {}, cn, {}), moves.iloc[0:0], "previous period")[0].startswith(
        "No change can be shown")


def test_a_partial_period_is_faded_and_left_out_of_the_lines():
    from datetime import date

    from dashboard import charts

    # The first week holds two answers (the data starts on its Saturday): CSAT 100% would
    # read as a spike on the line.
    trend = pd.DataFrame({
        "bucket_start": [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)],
        "is_partial": [True, False, False], "nps": [100.0, 20.0, 25.0], "nps_moe95": [0.0, 9.0, 9.0],
        "nps_n": [2, 120, 130], "csat_pct": [100.0, 70.0, 72.0], "csat_n": [2, 110, 120],
        "responses": [2, 120, 130], "tickets": [5, 300, 310],
    })
    fig = charts.trend(trend, "week", (date(2026, 1, 10), date(2026, 1, 25)), {})
    lines = {t.name: t for t in fig.data if t.type == "scatter" and t.mode == "lines+markers"}
    assert list(lines["NPS"].y) == [None, 20.0, 25.0] and list(lines["CSAT"].y) == [None, 70.0, 72.0]
    faded = [t for t in fig.data if t.name == "partial week"]
    assert [list(t.y) for t in faded] == [[100.0], [100.0]] and all(t.marker.opacity < 0.5 for t in faded)
    assert "partial week" in faded[0].customdata[0][3]
    bars = [t for t in fig.data if t.type == "bar"]
    assert all(list(b.marker.opacity) == [0.35, 1.0, 1.0] for b in bars)
    band = fig.data[0]
    assert date(2026, 1, 5) not in [pd.Timestamp(x).date() for x in band.x]  # no margin drawn for it


def test_region_codes_are_spelled_out_where_known():
    assert fmt.segment_label("region", "EU") == "Europe" and fmt.segment_label("region", "MENA") == (
        "Middle East & North Africa")
    assert fmt.segment_label("region", "IR") == "Iran" and fmt.segment_label("region", "XX") == "XX"
    assert fmt.segment_label("team", "NA") == "NA"  # only a region's code is a region


def _colours(styler) -> dict:
    """{(row, column name): css} of the cells a Styler colours."""
    styler._compute()
    return {(r, styler.data.columns[c]): "; ".join(f"{k}: {v}" for k, v in css)
            for (r, c), css in styler.ctx.items() if css}


def test_a_change_is_coloured_only_when_larger_than_noise():
    from dashboard import components

    # A: NPS +20 pts on 1000 answers (beyond noise); B: NPS +1 (within noise).
    now = seg_frame([seg(None, 600, 200, 2000, 1400, 2000, total=True), seg("A", 300, 100, 1000, 700, 1000),
                     seg("B", 300, 100, 1000, 700, 1000)])
    before = seg_frame([seg(None, 490, 300, 2000, 1400, 2000, total=True), seg("A", 200, 200, 1000, 700, 1000),
                        seg("B", 290, 100, 1000, 700, 1000)])
    table = model.segment_table(now, before)
    assert list(table["nps_change_significant"]) == [True, False]
    coloured = _colours(components.segment_display(table, "region", "surveys"))
    assert coloured[(0, "nps_change")] == components.BETTER_CSS
    assert (1, "nps_change") not in coloured and (0, "csat_change") not in coloured
    changes = model.segment_changes(table, now, before, "A")
    shown = _colours(components.change_display(changes))
    assert {c for (r, c) in shown} == {"change", "direction", "noise"} and {r for (r, _) in shown} == {0}
    # Segments by name, the tests as marks; without a comparison, no change columns at all.
    plain = components.segment_display(table, "region", "surveys", changes=False).data
    assert "nps_change" not in plain.columns and "nps_vs_rest" in plain.columns


def test_the_segment_table_parts_cover_every_segment_measure_once():
    from cx import catalog
    from dashboard import components

    parts = [components.segment_columns(p) for p in components.SEGMENT_PARTS]
    keys = [k for cols in parts for k in cols if k != "segment"]
    assert len(keys) == len(set(keys)) and set(keys) == set(components.segment_columns()) - {"segment"}
    assert {m.key for m in catalog.load().segment_measures()} <= set(keys)
    # Each part fits a laptop's width: at most ten columns, every header a label (not a key).
    for cols in parts:
        assert len(cols) <= 10
        assert all(c["label"] and c["label"] != k for k, c in cols.items())


def test_heatmap_colours_span_the_data_around_all_segments():
    from dashboard import charts

    df = pd.DataFrame([
        {"segment": s, "month": pd.Timestamp(m), "nps": v, "nps_moe95": 8.0, "nps_n": n, "promoters": 0,
         "detractors": 0, "csat_pct": 80.0, "csat_n": n, "csat_ok": int(0.8 * n)}
        for s, m, v, n in [("EU", "2026-01-01", 10.0, 100), ("EU", "2026-02-01", 20.0, 100),
                           ("NA", "2026-01-01", 30.0, 200), ("NA", "2026-02-01", 5.0, 5)]
    ])
    fig = charts.segment_heatmap(df, "nps", "Region", ["EU", "NA"], ("Europe", "North America"))
    heat = fig.data[0]
    centre = (10 * 100 + 20 * 100 + 30 * 200 + 5 * 5) / 405  # all answers together
    assert heat.zmid == pytest.approx(centre)
    assert heat.zmax - heat.zmid == pytest.approx(max(abs(v - centre) for v in (10, 20, 30)))
    assert heat.zmin > -100 and heat.zmax < 100
    assert list(heat.y) == ["Europe", "North America"]


def test_the_all_segments_line_is_named_off_the_bars():
    from dashboard import charts

    now = seg_frame([seg(None, 600, 200, 2000, 1400, 2000, total=True), seg("EU", 300, 100, 1000, 700, 1000),
                     seg("NA", 300, 100, 1000, 700, 1000)])
    table = model.segment_table(now, seg_frame([]))
    fig = charts.segment_bars(table, "nps", "Region", 20.0, ("Europe", "North America"))
    assert not fig.layout.annotations  # nothing drawn over the bars
    legend = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in legend] == ["all segments: 20.0"] and fig.layout.showlegend
    assert list(fig.data[0].x) == ["Europe", "North America"]


def test_partial_periods_are_faded_on_the_analysis_trends_too():
    from dashboard import analysis_charts

    weeks = pd.to_datetime(["2026-08-03", "2026-08-10", "2026-08-17"])
    he = pd.DataFrame({"period": weeks, "active_customers": [200, 210, 40], "high_expectation_customers": [46, 53, 20],
                       "high_expectation_pct": [23.0, 25.2, 50.0], "is_partial": [False, False, True]})
    fig = analysis_charts.high_expectation_trend(he, "week", 19.5)
    assert list(fig.data[0].y) == [23.0, 25.2, None]
    assert [list(t.y) for t in fig.data if t.name == "partial week"] == [[50.0]]
    rec = pd.DataFrame({"period": weeks, "failures": [40, 41, 9], "with_outcome": [30, 31, 4],
                        "recovery_pct": [50.0, 48.0, 100.0], "is_partial": [False, False, True]})
    fig = analysis_charts.rate_trend(rec, pct="recovery_pct", n="with_outcome", grain="week", name="Recovery rate",
                                     noun="failures with an outcome", axis_title="recovered (%)")
    line = next(t for t in fig.data if t.name == "Recovery rate")
    assert list(line.y) == [50.0, 48.0, None]
    assert [list(t.y) for t in fig.data if t.name == "partial week"] == [[100.0]]
