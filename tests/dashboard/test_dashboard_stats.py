"""cx.stats: windows, changes, targets and significance tests, against values worked out by hand."""

from __future__ import annotations

import math
from datetime import date

import duckdb
import pytest

from cx import stats

# ---------------------------------------------------------------- windows


def test_previous_window_has_the_same_length_and_ends_the_day_before():
    # Q3 2026 has 92 days; the 92 days before it run from 31 March to 30 June.
    assert stats.comparison_window(date(2026, 7, 1), date(2026, 9, 30), "previous") == (
        date(2026, 3, 31), date(2026, 6, 30))
    assert stats.comparison_window(date(2026, 1, 5), date(2026, 1, 5), "previous") == (
        date(2026, 1, 4), date(2026, 1, 4))


def test_same_period_last_year_moves_29_february_to_the_28th():
    assert stats.comparison_window(date(2026, 7, 1), date(2026, 9, 30), "year") == (
        date(2025, 7, 1), date(2025, 9, 30))
    assert stats.comparison_window(date(2024, 2, 1), date(2024, 2, 29), "year") == (
        date(2023, 2, 1), date(2023, 2, 28))


def test_unknown_comparison_mode_is_an_error():
    with pytest.raises(ValueError):
        stats.comparison_window(date(2026, 1, 1), date(2026, 1, 2), "quarter")


def test_trailing_window_counts_the_last_day_and_stops_at_the_first():
    assert stats.trailing_window(date(2026, 10, 31), 90) == (date(2026, 8, 3), date(2026, 10, 31))
    assert stats.trailing_window(date(2026, 2, 25), 90, date(2026, 1, 5)) == (date(2026, 1, 5), date(2026, 2, 25))
    assert stats.window_days(date(2026, 8, 3), date(2026, 10, 31)) == 90


def test_span_at_least_widens_backwards_only():
    assert stats.span_at_least(date(2026, 8, 3), date(2026, 10, 31), 365) == (date(2025, 11, 1), date(2026, 10, 31))
    assert stats.span_at_least(date(2024, 1, 1), date(2026, 1, 1), 365) == (date(2024, 1, 1), date(2026, 1, 1))
    assert stats.span_at_least(date(2026, 2, 1), date(2026, 2, 25), 365, date(2026, 1, 5)) == (
        date(2026, 1, 5), date(2026, 2, 25))


# ---------------------------------------------------------------- changes and targets


def test_change_is_in_the_metrics_unit_and_unknown_stays_unknown():
    assert stats.change(72.5, 70.0) == 2.5  # a percentage moves in points
    assert stats.change(None, 70.0) is None
    assert stats.change(70.0, None) is None
    assert stats.change(float("nan"), 1.0) is None


def test_is_better_depends_on_the_direction():
    assert stats.is_better(-1.5, higher_is_better=False) is True  # response time down: better
    assert stats.is_better(-1.5, higher_is_better=True) is False
    assert stats.is_better(0.0, higher_is_better=True) is None
    assert stats.is_better(None, higher_is_better=True) is None


def test_target_gap():
    gap = stats.target_gap(16.8, 30, higher_is_better=True)
    assert gap.gap == pytest.approx(-13.2) and gap.met is False
    gap = stats.target_gap(2.5, 4, higher_is_better=False)
    assert gap.gap == pytest.approx(-1.5) and gap.met is True
    assert stats.target_gap(None, 30, True) is None
    assert stats.target_gap(10, None, True) is None


# ---------------------------------------------------------------- significance


def test_nps_difference_from_margins_of_error():
    # se = 9.8 / 1.96 = 5 on each side; se of the difference = sqrt(50) = 7.0711;
    # z = 10 / 7.0711 = 1.4142; two-sided p = 0.1573.
    r = stats.nps_difference(20, 9.8, 400, 10, 9.8, 400)
    assert r.diff == 10
    assert r.z == pytest.approx(1.41421, abs=1e-4)
    assert r.p == pytest.approx(0.15730, abs=1e-4)
    assert not r.significant()


def test_nps_difference_needs_enough_answers():
    r = stats.nps_difference(60, 30.0, 12, 0, 5.0, 500)
    assert r.diff == 60 and r.p is None and not r.tested and not r.significant()
    assert stats.nps_difference(None, None, 0, 10, 5, 100) is None


def test_nps_counts_difference_by_hand():
    # a: 50 promoters, 20 detractors of 100 -> NPS 30, variance 0.5 + 0.2 - 0.3^2 = 0.61
    # b: 30 and 30 of 100 -> NPS 0, variance 0.6
    # se = 100 * sqrt(0.61/100 + 0.6/100) = 11; z = 30/11 = 2.7273; p = 0.006387
    r = stats.nps_counts_difference(50, 20, 100, 30, 30, 100)
    assert r.diff == pytest.approx(30)
    assert r.z == pytest.approx(2.72727, abs=1e-4)
    assert r.p == pytest.approx(0.006387, abs=1e-5)
    assert r.significant()
    assert stats.nps_counts_difference(1, 0, 1, 0, 0, 0) is None


def test_nps_variance_matches_the_warehouse_macro():
    """The counts-based test restates nps_score and nps_moe95 of queries/macros/metrics.sql:
    both must give the same numbers for the same answers."""
    from cx import sql

    con = duckdb.connect()
    sql.execute_script(con, "macros/metrics")
    answers = [10, 9, 9, 8, 7, 6, 3, 0, 10, 9, 5, 7]
    nps, moe = con.execute(
        "select nps_score(x), nps_moe95(x) from unnest($a) as t(x)", {"a": answers}
    ).fetchone()
    promoters, detractors, n = sum(a >= 9 for a in answers), sum(a <= 6 for a in answers), len(answers)
    score, variance = stats._nps_and_variance(promoters, detractors, n)
    assert 100 * score == pytest.approx(nps)
    assert stats.Z95 * 100 * math.sqrt(variance / n) == pytest.approx(moe)


def test_proportion_difference_by_hand():
    # 80/100 vs 60/100: pooled 0.7; se = 100 * sqrt(0.21 * 0.02) = 6.4807; z = 3.0861; p = 0.002028
    r = stats.proportion_difference(80, 100, 60, 100)
    assert r.diff == pytest.approx(20)
    assert r.z == pytest.approx(3.08607, abs=1e-4)
    assert r.p == pytest.approx(0.002028, abs=1e-5)
    assert stats.proportion_difference(5, 10, 50, 100).p is None  # 10 answers: not tested
    assert stats.proportion_difference(0, 0, 50, 100) is None


def test_no_variance_on_either_side():
    assert stats.proportion_difference(40, 40, 0, 40).p < 1e-10
    assert stats.nps_counts_difference(40, 0, 40, 0, 40, 40).p == 0.0  # all promoters vs all detractors
    assert stats.proportion_difference(40, 40, 40, 40).p == 1.0


def test_proportion_margin_of_error():
    assert stats.proportion_moe95(50, 100) == pytest.approx(9.8)
    assert stats.proportion_moe95(None, 100) is None
    assert stats.proportion_moe95(50, 0) is None


def test_wilson_interval_by_hand():
    # 4 of 4: centre (1 + 1.9208/4) / (1 + 3.8416/4) = 0.7551, half 0.2449 -> 51.0% to 100%
    lo, hi = stats.wilson_interval(4, 4)
    assert lo == pytest.approx(51.01, abs=0.01) and hi == pytest.approx(100.0)
    lo, hi = stats.wilson_interval(5, 10)
    assert (lo, hi) == (pytest.approx(23.66, abs=0.01), pytest.approx(76.34, abs=0.01))
    assert stats.wilson_interval(0, 10)[0] == 0.0
    assert stats.wilson_interval(3, 0) is None


def test_benjamini_hochberg_by_hand():
    # sorted: .005 .01 .03 .04 against .0125 .025 .0375 .05: the largest passing rank is 4.
    assert stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == [True, True, True, True]
    # three tests: .01 <= .0167, .02 <= .0333, .5 > .05; None is not a test.
    assert stats.benjamini_hochberg([0.01, 0.02, 0.5, None]) == [True, True, False, False]
    # .03 alone would pass at 5%, but not as the smallest of three (.03 > .0167, .04 > .0333, .05 <= .05
    # passes rank 3, so all three pass: the step-up rule).
    assert stats.benjamini_hochberg([0.03, 0.04, 0.05]) == [True, True, True]
    assert stats.benjamini_hochberg([0.03, 0.04, 0.2]) == [False, False, False]
    assert stats.benjamini_hochberg([]) == []
