"""Properties that hold for any data: the metric macros against plain Python, and filters."""

from __future__ import annotations

import math
from datetime import date, timedelta

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cx import sql
from cx.metrics import Selection, kpis

scores = st.lists(st.one_of(st.none(), st.integers(0, 10)), max_size=60)


@pytest.fixture(scope="module")
def macro_con():
    con = duckdb.connect()
    sql.execute_script(con, "macros/metrics")
    yield con
    con.close()


def aggregate(con, expr: str, values):
    return con.execute(f"select {expr} from (select unnest($v::integer[]) as x)", {"v": values}).fetchone()[0]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scores)
def test_nps_macro_matches_definition_and_stays_in_range(macro_con, values):
    answered = [v for v in values if v is not None]
    nps = aggregate(macro_con, "nps_score(x)", values)
    moe = aggregate(macro_con, "nps_moe95(x)", values)
    if not answered:
        assert nps is None and moe is None
        return
    pro = sum(v >= 9 for v in answered) / len(answered)
    det = sum(v <= 6 for v in answered) / len(answered)
    assert -100 <= nps <= 100
    assert nps == pytest.approx(100 * (pro - det))
    assert moe == pytest.approx(196 * math.sqrt(max(pro + det - (pro - det) ** 2, 0) / len(answered)))
    assert not math.isnan(moe)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.none(), st.integers(1, 5)), max_size=40))
def test_csat_macro_matches_definition(macro_con, values):
    answered = [v for v in values if v is not None]
    got = aggregate(macro_con, "csat_pct(x)", values)
    if not answered:
        assert got is None
    else:
        assert got == pytest.approx(100 * sum(v >= 4 for v in answered) / len(answered))


DIMENSION_VALUES = {
    "region": ["EU", "NA", "APAC", "Mars"],
    "tier": ["gold", "silver", "bronze"],
    "channel": ["email", "chat", "phone", "web", "app"],
    "team": ["Billing", "Support", "Tech"],
    "platform": ["Google", "Trustpilot", "App Store"],
}


@st.composite
def segment_filters(draw):
    dims = draw(st.lists(st.sampled_from(sorted(DIMENSION_VALUES)), unique=True, max_size=3))
    return {d: draw(st.lists(st.sampled_from(DIMENSION_VALUES[d]), min_size=1, max_size=2, unique=True)) for d in dims}


@st.composite
def windows(draw):
    start = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 60)))
    return start, start + timedelta(days=draw(st.integers(0, 60)))


COUNTS = ("responses", "reviews", "tickets", "unanswered_tickets", "failures")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=segment_filters(), window=windows())
def test_a_filter_never_raises_a_count(small_warehouse, where, window):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        everything = kpis(con, Selection(*window))
        filtered = kpis(con, Selection(*window, where=where))
    for key in COUNTS:
        assert filtered[key] <= everything[key], key
    for key in ("nps", "nps_after_recovery", "nps_no_failure"):
        assert filtered[key] is None or -100 <= filtered[key] <= 100
    for key, value in filtered.items():
        assert value is None or not math.isnan(value), key
