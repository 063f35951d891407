"""Comparison arithmetic: windows to compare, changes, gaps to target, and significance tests.

The metrics themselves are defined once, in queries/macros/metrics.sql. This module only
compares values the queries returned: how much a metric moved between two windows, how far it
is from its target, and whether a difference is larger than sampling noise.

Significance tests use the normal approximation and need enough answers on both sides
(MIN_TEST_N); below that a test is not run (p is None), never reported as significant.

- NPS: the difference of two independent scores over the standard errors their 95% margins
  of error imply (se = moe / 1.96, the variance of a -1/0/+1 score, as nps_moe95 computes it).
- CSAT and other "share of yes" metrics: the pooled two-proportion z-test.
- Many segments tested at once: Benjamini-Hochberg keeps the expected share of false
  discoveries among the flagged ones at `q`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

Z95 = 1.96  # the z value behind every "95%" margin of error here and in nps_moe95
ALPHA = 0.05
MIN_TEST_N = 30


# ---------------------------------------------------------------- windows


# The dashboard's default window: this many days up to the newest data. The refresh stores
# the high-expectation signals for the day before it (the end of its previous period).
DEFAULT_WINDOW_DAYS = 90


def window_days(start: date, end: date) -> int:
    """Days in the inclusive window [start, end]."""
    return (end - start).days + 1


def trailing_window(last_day: date, days: int, first_day: date | None = None) -> tuple[date, date]:
    """The `days` days up to and including last_day, not starting before first_day."""
    start = last_day - timedelta(days=days - 1)
    if first_day is not None and start < first_day:
        start = first_day
    return start, last_day


def shift_year(day: date, years: int = -1) -> date:
    """The same day `years` years away; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def comparison_window(start: date, end: date, mode: str) -> tuple[date, date]:
    """The window to compare [start, end] with.

    'previous': the window of equal length that ends the day before start.
    'year': the same dates one year earlier.
    """
    if mode == "previous":
        length = window_days(start, end)
        return start - timedelta(days=length), start - timedelta(days=1)
    if mode == "year":
        return shift_year(start), shift_year(end)
    raise ValueError(f"unknown comparison mode {mode!r}: use 'previous' or 'year'")


def span_at_least(start: date, end: date, days: int, first_day: date | None = None) -> tuple[date, date]:
    """[start, end] widened backwards to at least `days` days (not before first_day).

    A trend drawn for a 90-day window still shows the year before it, for context.
    """
    wide_start = min(start, end - timedelta(days=days - 1))
    if first_day is not None and wide_start < first_day:
        wide_start = min(start, first_day)
    return wide_start, end


# ---------------------------------------------------------------- changes and targets


def change(current: float | None, previous: float | None) -> float | None:
    """current - previous; None when either is unknown. For a percentage the change is in points."""
    if current is None or previous is None or _nan(current) or _nan(previous):
        return None
    return float(current) - float(previous)


def is_better(delta: float | None, higher_is_better: bool) -> bool | None:
    """Whether a change is an improvement (None when there is no change to judge)."""
    if delta is None or delta == 0:
        return None
    return delta > 0 if higher_is_better else delta < 0


@dataclass(frozen=True)
class TargetGap:
    gap: float  # value - target, in the metric's unit
    met: bool  # at or better than the target


def target_gap(value: float | None, target: float | None, higher_is_better: bool) -> TargetGap | None:
    if value is None or target is None or _nan(value):
        return None
    gap = float(value) - float(target)
    return TargetGap(gap, gap >= 0 if higher_is_better else gap <= 0)


# ---------------------------------------------------------------- significance


@dataclass(frozen=True)
class TestResult:
    diff: float  # a - b, in the metric's unit (points for NPS and percentages)
    z: float | None
    p: float | None  # two-sided; None when the test was not run (too few answers)

    @property
    def tested(self) -> bool:
        return self.p is not None

    def significant(self, alpha: float = ALPHA) -> bool:
        return self.p is not None and self.p < alpha


def p_two_sided(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


def nps_difference(
    nps_a: float | None, moe_a: float | None, n_a: int | None,
    nps_b: float | None, moe_b: float | None, n_b: int | None,
    min_n: int = MIN_TEST_N,
) -> TestResult | None:
    """Is NPS a different from NPS b? Uses the standard errors the 95% margins imply."""
    if None in (nps_a, moe_a, n_a, nps_b, moe_b, n_b) or _nan(nps_a) or _nan(nps_b):
        return None
    diff = float(nps_a) - float(nps_b)
    if min(n_a, n_b) < min_n:
        return TestResult(diff, None, None)
    se = math.hypot(float(moe_a) / Z95, float(moe_b) / Z95)
    return _z_result(diff, se)


def mean_difference(
    mean_a: float | None, moe_a: float | None, n_a: int | None,
    mean_b: float | None, moe_b: float | None, n_b: int | None,
    min_n: int = MIN_TEST_N,
) -> TestResult | None:
    """Is mean a (a CES, a star rating) different from mean b? A large-sample z-test from
    each mean's 95% margin (1.96 × sd / √n): the arithmetic of nps_difference, whose margin
    is an NPS's. A mean with no margin (one answer) is not tested."""
    if moe_a is None or moe_b is None or _nan(moe_a) or _nan(moe_b):
        return None if None in (mean_a, mean_b) else TestResult(float(mean_a) - float(mean_b), None, None)
    return nps_difference(mean_a, moe_a, n_a, mean_b, moe_b, n_b, min_n)


def nps_counts_difference(
    promoters_a: int, detractors_a: int, n_a: int,
    promoters_b: int, detractors_b: int, n_b: int,
    min_n: int = MIN_TEST_N,
) -> TestResult | None:
    """The same test from counts, for a group the queries did not score on its own (the
    rest of the segments: all answers minus the segment's). The score and its variance
    follow nps_score and nps_moe95 in queries/macros/metrics.sql."""
    if not n_a or not n_b:
        return None
    score_a, var_a = _nps_and_variance(promoters_a, detractors_a, n_a)
    score_b, var_b = _nps_and_variance(promoters_b, detractors_b, n_b)
    diff = 100.0 * (score_a - score_b)
    if min(n_a, n_b) < min_n:
        return TestResult(diff, None, None)
    return _z_result(diff, 100.0 * math.sqrt(var_a / n_a + var_b / n_b))


def _nps_and_variance(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    p, d = promoters / n, detractors / n
    return p - d, max(p + d - (p - d) ** 2, 0.0)


def proportion_difference(
    yes_a: int | None, n_a: int | None, yes_b: int | None, n_b: int | None, min_n: int = MIN_TEST_N
) -> TestResult | None:
    """Two-proportion z-test (pooled). diff is in percentage points."""
    if None in (yes_a, n_a, yes_b, n_b) or not n_a or not n_b:
        return None
    pa, pb = yes_a / n_a, yes_b / n_b
    diff = 100.0 * (pa - pb)
    if min(n_a, n_b) < min_n:
        return TestResult(diff, None, None)
    pooled = (yes_a + yes_b) / (n_a + n_b)
    se = 100.0 * math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    return _z_result(diff, se)


def _z_result(diff: float, se: float) -> TestResult:
    if se == 0:
        # No variance on either side (every answer the same): any difference is real.
        return TestResult(diff, None, 1.0 if diff == 0 else 0.0)
    z = diff / se
    return TestResult(diff, z, p_two_sided(z))


def proportion_moe95(pct: float | None, n: int | None) -> float | None:
    """95% margin of error of a percentage over n answers, in points (normal approximation)."""
    if pct is None or not n or _nan(pct):
        return None
    p = float(pct) / 100.0
    return Z95 * 100.0 * math.sqrt(max(p * (1 - p), 0.0) / n)


def wilson_interval(yes: int | None, n: int | None) -> tuple[float, float] | None:
    """95% Wilson score interval of a share, in percent. Unlike the normal approximation it
    stays inside 0-100 and does not shrink to nothing when every answer is the same (4 of 4)."""
    if yes is None or not n:
        return None
    p = yes / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return 100.0 * max(centre - half, 0.0), 100.0 * min(centre + half, 1.0)


def benjamini_hochberg(pvalues: Sequence[float | None], q: float = ALPHA) -> list[bool]:
    """Which tests to call significant, controlling the false discovery rate at q.

    Untested entries (None) are never significant and do not count as tests.
    """
    tested = sorted((p, i) for i, p in enumerate(pvalues) if p is not None and not _nan(p))
    m = len(tested)
    cutoff = -1
    for rank, (p, _) in enumerate(tested, start=1):
        if p <= q * rank / m:
            cutoff = rank
    out = [False] * len(pvalues)
    for rank, (_, i) in enumerate(tested, start=1):
        if rank <= cutoff:
            out[i] = True
    return out


def _nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)
