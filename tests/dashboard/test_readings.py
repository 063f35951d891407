"""dashboard/readings.py by hand: the plain-words readings of the analysis pages and the arithmetic
behind their verdicts (margins of a difference, two-proportion tests, counts behind shares)."""

from __future__ import annotations

import math

import pytest

from cx import stats
from dashboard import readings
from dashboard.readings import ABOVE, BELOW, TOO_FEW, UNKNOWN, WITHIN, Score, Share

# ---------------------------------------------------------------- counts and ranges


def test_count_behind_a_percentage():
    assert readings.count_of(70.2127659574, 47) == 33  # the sample's "under 1 h" recovery rate
    assert readings.count_of(50.0, 4) == 2
    assert readings.count_of(None, 4) is None and readings.count_of(50.0, 0) is None
    assert readings.count_of(float("nan"), 4) is None


def test_share_range_is_the_wilson_interval_of_the_counts():
    assert readings.share_range(50.0, 4) == stats.wilson_interval(2, 4)
    lo, hi = readings.share_range(50.0, 4)
    assert 15.0 < lo < 15.1 and 84.9 < hi < 85.0  # "likely between 15% and 85%"
    assert readings.share_range(None, 4) is None


def test_combined_share_and_total():
    # Early 89 of 119 and on time 49 of 58 are 138 of 177 kept.
    kept = readings.combined_share([Share(74.789916, 119), Share(84.482759, 58), Share(None, 0)])
    assert kept.n == 177 and kept.pct == pytest.approx(100 * 138 / 177)
    assert readings.total([{"tickets": 425}, {"tickets": 1507}, {"tickets": None}], "tickets") == 1932


# ---------------------------------------------------------------- the recovery paradox


def test_paradox_within_the_margin():
    # The sample's last 90 days: recovered 27.0 ± 18.8 (63), no failure 24.0 ± 5.9 (555).
    r = readings.recovery_paradox(Score(24.0, 5.9, 555), Score(27.0, 18.8, 63))
    assert r.verdict == WITHIN and r.tone == "neutral"  # no colour for a gap within noise
    assert r.gap.diff == pytest.approx(3.0)
    assert r.gap.moe == pytest.approx(math.sqrt(5.9 ** 2 + 18.8 ** 2))  # 19.70
    assert r.text.startswith("**Yes: recovered customers are as loyal as those with no problem; the difference is "
                             "within the margin.**")
    assert "a gap of +3.0 ± 19.7 pts" in r.text


def test_paradox_above_and_below_the_margin():
    no_failure = Score(20.0, 5.0, 500)
    above = readings.recovery_paradox(no_failure, Score(40.0, 10.0, 100))  # +20 against a margin of 11.2
    assert above.verdict == ABOVE and above.tone == "good" and "(the recovery paradox)" in above.text
    below = readings.recovery_paradox(no_failure, Score(0.0, 10.0, 100))
    assert below.verdict == BELOW and below.tone == "bad" and "less loyal" in below.text


def test_paradox_verdict_is_the_margin_of_the_difference():
    # Margins 3 and 4: the difference's margin is 5; 4.9 is within it, 5.1 beyond it.
    base = Score(0.0, 3.0, 400)
    assert readings.nps_gap(Score(4.9, 4.0, 400), base).verdict == WITHIN
    assert readings.nps_gap(Score(5.1, 4.0, 400), base).verdict == ABOVE
    assert readings.nps_gap(Score(-5.1, 4.0, 400), base).verdict == BELOW


def test_paradox_with_too_few_answers_says_so():
    # The fixture: no failure 8 and 6 (NPS -50, margin 196 * sqrt(1/8) = 69.3), recovered 10 and 9 (100 ± 0).
    moe = 196 * math.sqrt(0.25 / 2)
    r = readings.recovery_paradox(Score(-50.0, moe, 2), Score(100.0, 0.0, 2))
    assert r.verdict == TOO_FEW and r.tone == "unknown"
    assert r.gap.diff == 150.0 and r.gap.moe == pytest.approx(moe)
    assert r.text.startswith("**Too few answers to tell.**")
    assert "a gap of +150.0 ± 69.3 pts" in r.text and "At least 30 answers on each side" in r.text


def test_paradox_without_answers():
    r = readings.recovery_paradox(Score(24.0, 5.9, 555), Score(None, None, 0))
    assert r.verdict == UNKNOWN and "cannot be read" in r.text
    r = readings.recovery_paradox(Score(None, None, 0), Score(27.0, 18.8, 63))
    assert r.verdict == UNKNOWN and "never had a failure" in r.text


def test_failed_recovery_costs_loyalty():
    r = readings.failed_recovery(Score(24.0, 5.9, 555), Score(-69.1, 13.2, 55))
    assert r.verdict == BELOW and r.text.startswith("**A failure left unrecovered costs loyalty:**")
    assert "-93.1 ± 14.5 pts" in r.text  # sqrt(5.9² + 13.2²) = 14.46


def test_against_the_reference_colours_only_beyond_the_margin():
    no_failure = Score(24.9, 6.0, 550)
    # -6.1 ± 21.5 (49): 31 below, margin 22.3; 7.6 ± 17.5 (66): 17.3 below, margin 18.5; 28 answers: too few.
    scores = [Score(-6.1, 21.5, 49), Score(7.6, 17.5, 66), Score(-42.9, 27.0, 28), Score(None, None, 0)]
    assert readings.against(no_failure, scores) == [BELOW, WITHIN, TOO_FEW, readings.UNKNOWN]


def test_target_colour_only_when_the_range_clears_it():
    assert readings.share_against_target(Share(48.6, 183), 70.0) is False  # likely 41-56%: a real miss
    assert readings.share_against_target(Share(50.0, 4), 70.0) is None  # likely 15-85%: could be noise
    assert readings.share_against_target(Share(90.0, 200), 70.0) is True
    assert readings.share_against_target(Share(90.0, 200), None) is None
    assert readings.share_against_target(Share(None, 0), 70.0) is None


# ---------------------------------------------------------------- funnel and drivers


def test_funnel_reading():
    fixture = {"failures": 4, "answered": 4, "resolved": 3, "with_outcome": 4, "recovered": 2, "not_recovered": 2}
    assert readings.funnel_reading(fixture) == (
        "Of 4 failures, 4 got a first reply and 3 were resolved. 4 have an outcome: 2 recovered, 2 not.")
    sample = {"failures": 601, "answered": 583, "resolved": 572, "with_outcome": 181, "recovered": 104,
              "not_recovered": 77}
    assert "The other 420 have none yet" in readings.funnel_reading(sample, 14)
    assert readings.funnel_reading({"failures": 0}) == "No service failure was created in these dates."


SPEED = [  # the sample's last 90 days
    {"band": "under 1 h", "with_outcome": 47, "recovery_pct": 70.212766},
    {"band": "1-4 h", "with_outcome": 59, "recovery_pct": 69.491525},
    {"band": "4-24 h", "with_outcome": 48, "recovery_pct": 47.916667},
    {"band": "over 24 h", "with_outcome": 17, "recovery_pct": 35.294118},
    {"band": "no response", "with_outcome": 10, "recovery_pct": 10.0},
]


def test_driver_reading_compares_the_groups_large_enough_to_test():
    # 33 of 47 against 23 of 48: pooled 56/95, se 10.08 points, z = 22.3 / 10.08 = 2.21, p = 0.027.
    gap = readings.share_gap(Share(70.212766, 47), Share(47.916667, 48))
    assert gap.verdict == ABOVE and gap.p == pytest.approx(0.027, abs=0.001)
    text = readings.driver_reading("response speed", SPEED)
    assert text == ("**First-response speed**: 70.2% recovered when *under 1 h* (47 with an outcome) against 47.9% "
                    "when *4-24 h* (48); a real difference, larger than sampling noise. (2 smaller groups of under 30 "
                    "left out of the comparison.)")
    # The chart colours only the two bands compared, and only because their gap is beyond noise.
    c = readings.driver_comparison(SPEED)
    assert [c.verdict_of(r["band"]) for r in SPEED] == [ABOVE, WITHIN, BELOW, WITHIN, WITHIN]


def test_driver_reading_small_and_unknown_groups():
    rows = [{"band": "apologized", "with_outcome": 1, "recovery_pct": 100.0},
            {"band": "no apology", "with_outcome": 1, "recovery_pct": 0.0},
            {"band": "unknown", "with_outcome": 2, "recovery_pct": 50.0}]
    assert readings.driver_reading("apology", rows).endswith("too few failures on one side to tell (at least 30 "
                                                             "needed).")
    only = [{"band": "compensated", "with_outcome": 1, "recovery_pct": 100.0},
            {"band": "unknown", "with_outcome": 3, "recovery_pct": 33.3}]
    assert readings.driver_reading("compensation", only) == ("**Compensation**: too few failures with an outcome "
                                                             "to compare.")
    assert readings.driver_comparison(only) is None
    # Too few to tell: no band in colour.
    c = readings.driver_comparison(rows)
    assert c.gap.verdict == TOO_FEW and {c.verdict_of(r["band"]) for r in rows} == {WITHIN}


def test_combinations_as_processes():
    assert readings.split_combination("slow (4 h or more, or none), no apology, not compensated") == (
        "slow (4 h or more, or none)", "no apology", "not compensated")
    assert readings.split_combination("1-4 h") is None
    rows = [
        {"band": "fast (under 4 h), apologized, compensated", "with_outcome": 8, "recovery_pct": 75.0},
        {"band": "fast (under 4 h), apologized, not compensated", "with_outcome": 11, "recovery_pct": 72.727273},
        {"band": "slow (4 h or more, or none), no apology, compensated", "with_outcome": 8, "recovery_pct": 37.5},
        {"band": "slow (4 h or more, or none), no apology, not compensated", "with_outcome": 14,
         "recovery_pct": 28.571429},
        {"band": "slow (4 h or more, or none), apologized, compensated", "with_outcome": 6, "recovery_pct": 50.0},
    ]
    procs = readings.processes(rows)
    assert [(p.label, p.mixed) for p in procs] == [("fast, apologized", False), ("slow, apologized", True),
                                                  ("slow, no apology", False)]
    assert procs[1].not_compensated == Share(None, 0)
    text = readings.compensation_reading(procs)
    # The largest rise: slow without an apology, 37.5% against 28.6% (+8.9 pts), 8 and 14 failures.
    assert text.startswith("Compensation goes with the largest rise in recovery when the process was *slow, no "
                           "apology*: 37.5% against 28.6% without (+8.9 pts).")
    assert "With as few as 8 failures with an outcome in a group (under 30), read this as a hint" in text
    assert readings.compensation_reading(procs[1:2]).startswith("Too few failures")
    one = [readings.Process(readings.SPEEDS[0], "apologized", Share(100.0, 1), Share(66.666667, 3))]
    assert "With as few as 1 failure with an outcome in a group" in readings.compensation_reading(one)


# ---------------------------------------------------------------- promises and proactive contact

SAMPLE_TIMING = [
    {"timing": "early", "csat_responses": 119, "csat_pct": 74.789916},
    {"timing": "on time", "csat_responses": 58, "csat_pct": 84.482759},
    {"timing": "late", "csat_responses": 59, "csat_pct": 44.067797},
]


def test_promise_reading_on_the_sample():
    # Late 26 of 59 against kept 138 of 177: z = -33.9 / 6.92 = -4.9. Early 89 of 119 against on time
    # 49 of 58: z = -9.7 / 6.64 = -1.46, within noise.
    r = readings.promise_reading(SAMPLE_TIMING)
    assert r.verdict == BELOW and r.tone == "bad"
    assert r.gap.diff == pytest.approx(44.067797 - 100 * 138 / 177)
    assert r.text.startswith("**A broken promise costs satisfaction**: CSAT 44.1% when late (59 answers) against "
                             "78.0% when kept (177 answers), a gap larger than sampling noise.")
    assert ("Resolving early adds nothing measurable over resolving just in time: CSAT 74.8% when early (119 "
            "answers) against 84.5% when on time (58 answers).") in r.text


def test_promise_reading_on_the_fixture():
    # T1 early with csat 5, T2 late with csat 3; nothing on time.
    rows = [{"timing": "early", "csat_responses": 1, "csat_pct": 100.0},
            {"timing": "on time", "csat_responses": 0, "csat_pct": None},
            {"timing": "late", "csat_responses": 1, "csat_pct": 0.0}]
    r = readings.promise_reading(rows)
    assert r.verdict == TOO_FEW and r.tone == "unknown"
    assert r.text == ("CSAT 0.0% when late (1 answer) against 100.0% when kept (1 answer): too few answers to tell "
                      "(at least 30 on each side).")
    none = [{"timing": t, "csat_responses": 0, "csat_pct": None} for t in readings.TIMINGS]
    assert readings.promise_reading(none).verdict == UNKNOWN


def test_proactive_reading():
    rows = [{"contact": "proactive notice", "tickets": 425, "csat_responses": 117, "csat_pct": 73.504274,
             "complaint_pct": 3.294118},
            {"contact": "no notice", "tickets": 1507, "csat_responses": 414, "csat_pct": 70.048309,
             "complaint_pct": 9.289980}]
    # CSAT 86/117 against 290/414: z = 0.73; complaints 14/425 against 140/1507: z = -4.0.
    r = readings.proactive_reading(rows)
    assert r.verdict == WITHIN and r.tone == "good"
    assert r.text == ("With a proactive notice, post-ticket CSAT is 73.5% against 70.0% without (within sampling "
                      "noise); 3.3% of those tickets are complaints against 9.3% without (lower, beyond sampling "
                      "noise).")
    assert readings.proactive_reading(rows[1:]).text.startswith("No ticket with a proactive notice")


# ---------------------------------------------------------------- high-expectation customers


def test_high_expectation_reading():
    rows = [{"segment": "high expectation", "nps": -20.3, "nps_moe95": 9.5, "nps_responses": 266,
             "csat_pct": 41.153846, "csat_responses": 260},
            {"segment": "everyone else", "nps": 21.8, "nps_moe95": 4.8, "nps_responses": 908,
             "csat_pct": 89.943074, "csat_responses": 527}]
    r = readings.high_expectation_reading(rows)
    assert r.verdict == BELOW and r.tone == "bad"
    assert r.text == ("**High-expectation customers are harder to please**: NPS -20.3 ± 9.5 against 21.8 ± 4.8 for "
                      "everyone else (lower, beyond the margin); CSAT 41.2% against 89.9% (lower, beyond the margin).")
    # The fixture: 3 and 6 NPS answers.
    tiny = [{"segment": "high expectation", "nps": -100 / 3, "nps_moe95": 106.7, "nps_responses": 3,
             "csat_pct": 100 / 3, "csat_responses": 3},
            {"segment": "everyone else", "nps": 100 / 3, "nps_moe95": 59.6, "nps_responses": 6,
             "csat_pct": 80.0, "csat_responses": 5}]
    assert readings.high_expectation_reading(tiny).verdict == TOO_FEW
    assert readings.high_expectation_reading(tiny[1:]).verdict == UNKNOWN


# ---------------------------------------------------------------- small samples


def test_notes_on_small_samples():
    assert readings.nps_note(Score(27.0, 18.8, 63), "loyalty answers") == (
        "63 loyalty answers: the margin of error is ±18.8 points")
    assert readings.nps_note(Score(100.0, 0.0, 2), "loyalty answers") == (
        "2 loyalty answers: too few to say how precise this is")
    assert readings.nps_note(Score(100.0, 0.0, 1), "loyalty answers").startswith("1 loyalty answer:")
    assert readings.nps_note(Score(None, None, 0), "loyalty answers") == "no loyalty answers"
    assert readings.share_note(Share(57.458564, 181), "failures with an outcome") == "of 181 failures with an outcome"
    assert readings.share_note(Share(50.0, 4), "failures with an outcome") == (
        "of 4 failures with an outcome: the true share is likely between 15% and 85%")
    assert readings.share_note(Share(100.0, 1), "resolved tickets with a promise").startswith(
        "of 1 resolved ticket with a promise:")
