"""queries/pages/*.sql against the hand-made fixture: values worked out by hand, and the same
numbers as `cx metrics` (metrics/kpis) wherever a page shows a KPI for a subset."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from cx import sql
from cx.metrics import Selection, kpis, segment_filter
from cx.schema import DIMENSIONS
from tests.conftest import build

JAN, FEB_END = date(2026, 1, 1), date(2026, 2, 28)
ALL = {"start": None, "end": None, "f": segment_filter()}


@pytest.fixture(scope="module")
def con(small_warehouse):
    with duckdb.connect(str(small_warehouse), read_only=True) as c:
        yield c


def rows(con, name, **params):
    return sql.rows(con, name, **params)


def test_trend_by_month_by_hand(con):
    got = rows(con, "pages/trend", start=JAN, end=FEB_END, f=segment_filter(), grain="month")
    assert [r["bucket_start"] for r in got] == [date(2026, 1, 1), date(2026, 2, 1)]
    jan, feb = got
    # January: NPS answers 10, 3, 7 -> 1 promoter, 1 detractor of 3 -> 0; CSAT 5, 3, 2, 5 -> 2 of 4.
    assert (jan["nps_n"], jan["nps"], jan["csat_n"], jan["csat_pct"]) == (3, 0.0, 4, 50.0)
    assert jan["responses"] == 4 and jan["tickets"] == 3
    # February (S10 is 1 Feb in UTC): 6, 5, 9, 8, 9, 10 -> 3 promoters, 2 detractors of 6.
    assert feb["nps_n"] == 6 and feb["nps"] == pytest.approx(100 / 6)
    assert feb["csat_pct"] == pytest.approx(75.0)
    assert not jan["is_partial"] and not feb["is_partial"]


def test_trend_buckets_are_cx_metrics_for_their_days(con):
    for grain in ("week", "month"):
        for b in rows(con, "pages/trend", start=None, end=None, f=segment_filter(), grain=grain):
            k = kpis(con, Selection(b["covered_start"], b["covered_end"]))
            assert b["responses"] == k["responses"] and b["tickets"] == k["tickets"]
            assert b["nps"] == pytest.approx(k["nps"], nan_ok=True) if k["nps"] is not None else b["nps"] is None
            if k["csat_pct"] is None:
                assert b["csat_pct"] is None
            else:
                assert b["csat_pct"] == pytest.approx(k["csat_pct"])


def test_trend_marks_buckets_cut_by_the_window(con):
    got = rows(con, "pages/trend", start=date(2026, 1, 10), end=date(2026, 2, 10), f=segment_filter(),
               grain="month")
    assert [r["is_partial"] for r in got] == [True, True]
    assert got[0]["covered_start"] == date(2026, 1, 10) and got[1]["covered_end"] == date(2026, 2, 10)


def test_segments_by_region_by_hand(con):
    got = {r["segment"]: r for r in rows(con, "metrics/kpis_by_segment", **ALL, dim="region")}
    assert got[None]["is_total"] and got[None]["responses"] == 10
    eu, na, apac = got["EU"], got["NA"], got["APAC"]
    # EU: NPS 10, 3, 5 -> 1 promoter, 2 detractors; CSAT 5, 3, 2 -> 1 of 3.
    assert (eu["nps_n"], eu["promoters"], eu["detractors"]) == (3, 1, 2)
    assert eu["nps"] == pytest.approx(-100 / 3) and eu["csat_pct"] == pytest.approx(100 / 3)
    assert na["nps"] == 0 and na["csat_pct"] == pytest.approx(200 / 3)
    assert apac["nps"] == pytest.approx(200 / 3) and apac["csat_pct"] == 100
    # Tickets: EU T1 T2 T3 T4 T6, first responses 1, 0.5, 4, 8, 0.5 h -> median 1.
    assert eu["tickets"] == 5 and eu["first_response_hours_median"] == 1.0
    assert na["tickets"] == 1 and na["first_response_hours_median"] is None
    # V2 has no region: the one review of '(not set)'.
    assert got["(not set)"]["reviews"] == 1 and got["(not set)"]["responses"] == 0


@pytest.mark.parametrize("dim", ["region", "product", "tier", "channel", "team", "platform", "type"])
def test_every_segment_row_is_cx_metrics_for_that_segment(con, dim):
    """The segments table holds the numbers `cx metrics --where DIM=SEGMENT` prints."""
    pairs = {
        "responses": "responses", "nps": "nps", "nps_moe95": "nps_moe95", "csat_pct": "csat_pct",
        "ces_avg": "ces_avg", "tickets": "tickets", "first_response_hours_median": "first_response_hours_median",
        "resolution_hours_median": "resolution_hours_median", "promise_kept_pct": "promise_kept_pct",
        "failures": "failures", "recovery_pct": "recovery_pct", "reviews": "reviews",
        "review_rating_avg": "review_rating_avg",
    }
    segs = [r for r in rows(con, "metrics/kpis_by_segment", **ALL, dim=dim)
            if not r["is_total"] and r["segment"] != "(not set)"]
    assert segs
    for r in segs:
        k = kpis(con, Selection(where={dim: [r["segment"]]}))
        for col, key in pairs.items():
            if k[key] is None:
                assert r[col] is None, (dim, r["segment"], col)
            else:
                assert float(r[col]) == pytest.approx(k[key]), (dim, r["segment"], col)


def test_total_row_is_cx_metrics_for_the_filter(con):
    f = segment_filter({"region": ["EU", "NA"]})
    total = [r for r in rows(con, "metrics/kpis_by_segment", start=None, end=None, f=f, dim="tier") if r["is_total"]][0]
    k = kpis(con, Selection(where={"region": ["EU", "NA"]}))
    assert total["responses"] == k["responses"] and total["nps"] == pytest.approx(k["nps"])
    assert total["tickets"] == k["tickets"]


def test_high_expectation_segments_split_every_answer(con):
    got = {r["segment"]: r for r in rows(con, "metrics/kpis_by_segment", **ALL, dim="high_expectation")}
    assert set(got) >= {None, "yes", "no"}
    assert got["yes"]["responses"] + got["no"]["responses"] == got[None]["responses"] == 10
    assert got["yes"]["tickets"] + got["no"]["tickets"] == 7
    # C1 (3 tickets, a review, 3 comments) and C2 (vocal, influential) are high-expectation.
    yes_customers = {r["customer_id"] for r in rows(con, "pages/drill_surveys", **ALL, dim="high_expectation",
                                                     seg="yes", q="", comments_only=False, limit=None)}
    assert yes_customers == {"C1", "C2"}


def test_segment_month(con):
    got = rows(con, "pages/segment_month", **ALL, dim="region")
    eu = {r["month"]: r for r in got if r["segment"] == "EU"}
    assert eu[date(2026, 1, 1)]["nps_n"] == 2 and eu[date(2026, 1, 1)]["nps"] == 0  # S1 10, S3 3
    assert eu[date(2026, 2, 1)]["nps"] == -100  # S4 5


def test_kpi_samples_travel_with_the_values(con):
    c = kpis(con)
    assert (c["nps_n"], c["promoters"], c["detractors"]) == (9, 4, 3)
    assert (c["csat_n"], c["csat_ok"], c["ces_n"]) == (8, 5, 3)
    assert (c["first_response_n"], c["resolution_n"]) == (6, 5)
    assert (c["promise_n"], c["promise_kept"], c["recovery_n"], c["recovered"]) == (2, 1, 4, 2)
    assert c["rating_n"] == 4


def test_movers_counts_both_windows(con):
    got = rows(con, "pages/movers", start=date(2026, 2, 1), end=date(2026, 2, 28), cstart=JAN,
               cend=date(2026, 1, 31), f=segment_filter())
    eu = {r["period"]: r for r in got if r["dimension"] == "region" and r["segment"] == "EU"}
    assert eu["current"]["nps_n"] == 1 and eu["comparison"]["nps_n"] == 2
    assert {r["dimension"] for r in got} <= {"region", "product", "tier", "channel", "team"}


def test_filter_options_lists_known_values(con):
    got = rows(con, "pages/filter_options")
    region = [(r["value"], r["n_rows"]) for r in got if r["dimension"] == "region"]
    # surveys EU 4, NA 3, APAC 3; reviews EU 2, APAC 1; tickets EU 5, NA 1, APAC 1
    assert region == [("EU", 11), ("APAC", 5), ("NA", 4)]
    assert {r["value"] for r in got if r["dimension"] == "platform"} == {"Google", "App Store", "Trustpilot"}
    assert all(r["value"] is not None for r in got)


def test_drill_down_search_finds_persian_text_and_ids(con):
    hit = rows(con, "pages/drill_surveys", **ALL, dim="region", seg="EU", q="سرویس", comments_only=True, limit=10)
    assert [r["response_id"] for r in hit] == ["S3"] and hit[0]["matching"] == 1
    by_id = rows(con, "pages/drill_surveys", **ALL, dim="region", seg="EU", q="s2", comments_only=False, limit=10)
    assert [r["response_id"] for r in by_id] == ["S2"]
    everyone = rows(con, "pages/drill_surveys", **ALL, dim="region", seg="EU", q="", comments_only=False, limit=2)
    assert len(everyone) == 2 and everyone[0]["matching"] == 4
    assert everyone[0]["response_id"] == "S4"  # newest first


def test_drill_tickets_carry_outcome_and_post_ticket_comment(con):
    got = {r["ticket_id"]: r for r in rows(con, "pages/drill_tickets", **ALL, dim="team", seg="Billing", q="",
                                           limit=None)}
    assert set(got) == {"T1", "T3"}
    assert got["T1"]["outcome"] == "recovered" and got["T1"]["post_comment"] == "Quick fix, thank you"
    assert got["T3"]["outcome_reason"] == "post-ticket csat 2"
    assert rows(con, "pages/drill_tickets", **ALL, dim="team", seg="Billing", q="quick fix", limit=None)[0][
        "ticket_id"] == "T1"


def test_drill_tickets_limit_lists_the_newest_and_counts_them_all(con):
    """The outcome is joined to the listed rows only, the count to none: a limit keeps the
    newest tickets with their outcome, and `matching` still counts every match."""
    everyone = rows(con, "pages/drill_tickets", **ALL, dim="team", seg="Billing", q="", limit=None)
    first = rows(con, "pages/drill_tickets", **ALL, dim="team", seg="Billing", q="", limit=1)
    assert first == everyone[:1]
    assert first[0]["matching"] == len(everyone) == 2
    by_id = sorted(everyone, key=lambda r: r["ticket_id"])
    newest = sorted(by_id, key=lambda r: r["created_at"], reverse=True)[0]  # created_at desc, then ticket_id
    assert first[0]["ticket_id"] == newest["ticket_id"] and "outcome" in first[0]
    assert rows(con, "pages/drill_tickets", **ALL, dim="team", seg="Billing", q="no such text", limit=1) == []


def test_drill_reviews_of_unknown_segment(con):
    got = rows(con, "pages/drill_reviews", **ALL, dim="region", seg="(not set)", q="", limit=None)
    assert [r["review_id"] for r in got] == ["V2"]
    fa = rows(con, "pages/drill_reviews", **ALL, dim="platform", seg="Google", q="پشتیبانی", limit=None)
    assert [r["review_id"] for r in fa] == ["V1"]


def test_customer_history_and_profile(con):
    history = rows(con, "pages/customer_history", customer_id="C1")
    assert [(r["kind"], r["id"]) for r in history] == [
        ("review", "V3"), ("ticket", "T6"), ("survey", "S2"), ("ticket", "T2"), ("survey", "S1"), ("ticket", "T1"),
    ]
    t1 = history[-1]
    assert "first reply after 1.0 h" in t1["summary"] and "resolved, post-ticket csat 5" in t1["summary"]
    profile = rows(con, "pages/customer_profile", customer_id="C1")[0]
    assert profile["in_customers"] and profile["tickets"] == 3 and profile["responses"] == 2
    assert profile["is_high_expectation"] and profile["in_touch"] and profile["influential"]
    nobody = rows(con, "pages/customer_profile", customer_id="nobody")[0]
    assert not nobody["in_customers"] and nobody["tickets"] == 0 and not nobody["is_high_expectation"]


def test_freshness_and_refresh_history(con):
    fresh = rows(con, "system/freshness")[0]
    assert fresh["first_day"] == date(2026, 1, 5) and fresh["last_day"] == date(2026, 2, 25)
    assert str(fresh["as_of"]) == "2026-02-21 10:30:00" and fresh["refresh_id"]
    history = rows(con, "system/refresh_history")
    assert len(history) == 1 and history[0]["files"] == 5 and history[0]["rows_read"] == 27
    inputs = rows(con, "system/refresh_inputs", refresh_id=history[0]["refresh_id"])
    assert [(r["source"], r["file"]) for r in inputs][:2] == [("customers", "customers/customers.csv"),
                                                               ("reviews", "reviews/reviews.csv")]


def test_table_exists(con):
    assert rows(con, "system/table_exists", table_name="survey_facts")[0]["present"]
    assert not rows(con, "system/table_exists", table_name="no_such_table")[0]["present"]


def test_rejected_summary_groups_by_rule(tmp_path, data_copy):
    with (data_copy / "surveys" / "surveys.csv").open("a", encoding="utf-8") as fh:
        fh.write("S11,C1,2026-02-01 10:00:00,,11,,,,\n")  # nps out of range
    target = tmp_path / "wh.duckdb"
    assert build(data_copy, target).published
    with duckdb.connect(str(target), read_only=True) as c:
        got = sql.rows(c, "system/rejected_summary")
    assert got == [{"source": "surveys", "column": "nps", "rule": "is outside", "rows": 1, "files": 1,
                    "example": "nps 11 is outside 0-10"}]


def test_dim_values_cover_the_schema():
    """segment_of (queries/macros/selections.sql), which the page queries group by, names every
    dimension of cx.schema (and high_expectation)."""
    macro = sql.sql_text("macros/selections").split("create or replace macro segment_of", 1)[1]
    for dim in (*DIMENSIONS, "high_expectation"):
        assert f"when '{dim}' then" in macro, dim
    for name in ("metrics/kpis_by_segment", "pages/segment_month", "pages/drill_surveys", "pages/drill_tickets",
                 "pages/drill_reviews"):
        assert "segment_of(" in sql.sql_text(name), name


def test_query_connections_group_customer_keys_without_a_hash_table(small_warehouse):
    """cx.warehouse.tune: the CLI's connection and the cursors the dashboard runs its
    queries on (sessions of their own) all get the settings."""
    from cx import warehouse

    with warehouse.connect_read_only(small_warehouse) as c:
        for session in (c, c.cursor()):
            assert session.execute("select current_setting('perfect_ht_threshold')").fetchone()[0] == 20
