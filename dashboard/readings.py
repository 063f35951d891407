"""Plain-words readings of the recovery, promise, high-expectation and review analyses.

The numbers come from the queries (queries/metrics/*.sql); this module only compares them
and says what the comparison means, with the uncertainty in the sentence: "recovered
customers are as loyal as those with no problem; the difference is within the margin".
Significance follows cx.stats (95%, normal approximation, at least MIN_TEST_N answers on
each side; fewer answers are "too few to tell", never a finding).

- Two NPS: their difference is beyond noise when it is larger than the margin of the
  difference, sqrt(moe_a² + moe_b²) (the same test as stats.nps_difference: the margins are
  1.96 standard errors each).
- Two shares (recovery rate, CSAT, complaint share): the pooled two-proportion z-test of
  stats.proportion_difference, on the counts behind the percentages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cx import stats

MIN_N = stats.MIN_TEST_N

# Verdicts of a comparison of a with b.
ABOVE, BELOW, WITHIN, TOO_FEW, UNKNOWN = "above", "below", "within", "too few", "unknown"


@dataclass(frozen=True)
class Score:
    """An NPS over n answers with its 95% margin of error (points), as the queries return it."""

    nps: float | None
    moe: float | None
    n: int

    @classmethod
    def of(cls, row: Mapping | None, nps: str = "nps", moe: str = "nps_moe95", n: str = "responses") -> Score:
        row = row or {}
        return cls(_num(row.get(nps)), _num(row.get(moe)), int(_num(row.get(n)) or 0))


@dataclass(frozen=True)
class Share:
    """A percentage of n (recovery rate, CSAT, ...) as the queries return it."""

    pct: float | None
    n: int

    @property
    def yes(self) -> int | None:
        return count_of(self.pct, self.n)

    @property
    def range(self) -> tuple[float, float] | None:
        return share_range(self.pct, self.n)


@dataclass(frozen=True)
class Gap:
    diff: float | None  # a - b, in points
    moe: float | None  # 95% margin of error of the difference, in points
    verdict: str  # ABOVE, BELOW, WITHIN, TOO_FEW or UNKNOWN
    p: float | None = None


@dataclass(frozen=True)
class Reading:
    verdict: str
    text: str  # one or two sentences a CX lead reads as is (markdown)
    tone: str  # "good", "bad", "neutral" or "unknown": how the page colours it
    gap: Gap | None = None


# ---------------------------------------------------------------- counts and ranges


def count_of(pct: float | None, n: int | None) -> int | None:
    """The count behind a percentage of n (the queries return pct = 100 * count / n)."""
    if pct is None or not n or _nan(pct):
        return None
    return int(round(float(pct) * n / 100.0))


def share_range(pct: float | None, n: int | None) -> tuple[float, float] | None:
    """The 95% Wilson range of a percentage of n (stays within 0-100 for small samples)."""
    return stats.wilson_interval(count_of(pct, n), n)


def total(rows: Iterable[Mapping], key: str) -> int:
    """A count summed over the groups of a query (the tickets where `proactive` is known: the
    tickets with a notice plus those without)."""
    return sum(int(_num(r.get(key)) or 0) for r in rows)


def combined_share(shares: Iterable[Share]) -> Share:
    """Several shares as one (the kept promises: early and on time together)."""
    yes = n = 0
    for s in shares:
        if s.n and s.yes is not None:
            yes += s.yes
            n += s.n
    return Share(100.0 * yes / n if n else None, n)


# ---------------------------------------------------------------- comparisons


def nps_gap(a: Score, b: Score, min_n: int = MIN_N) -> Gap:
    """Is NPS a above, below or within the margin of NPS b?"""
    if a.nps is None or b.nps is None or not a.n or not b.n:
        return Gap(None, None, UNKNOWN)
    diff = a.nps - b.nps
    moe = math.hypot(a.moe or 0.0, b.moe or 0.0)
    if min(a.n, b.n) < min_n:
        return Gap(diff, moe, TOO_FEW)
    test = stats.nps_difference(a.nps, a.moe or 0.0, a.n, b.nps, b.moe or 0.0, b.n, min_n=min_n)
    return Gap(diff, moe, _verdict(test), None if test is None else test.p)


def share_gap(a: Share, b: Share, min_n: int = MIN_N) -> Gap:
    """Is share a above, below or within noise of share b (two-proportion z-test)?"""
    if a.pct is None or b.pct is None or not a.n or not b.n:
        return Gap(None, None, UNKNOWN)
    diff = a.pct - b.pct
    pa, pb = a.pct / 100.0, b.pct / 100.0
    moe = stats.Z95 * 100.0 * math.sqrt(max(pa * (1 - pa), 0.0) / a.n + max(pb * (1 - pb), 0.0) / b.n)
    if min(a.n, b.n) < min_n:
        return Gap(diff, moe, TOO_FEW)
    test = stats.proportion_difference(a.yes, a.n, b.yes, b.n, min_n=min_n)
    return Gap(diff, moe, _verdict(test), None if test is None else test.p)


def _verdict(test: stats.TestResult | None) -> str:
    if test is None:
        return UNKNOWN
    if not test.tested:
        return TOO_FEW
    if not test.significant():
        return WITHIN
    return ABOVE if test.diff > 0 else BELOW


# ---------------------------------------------------------------- service recovery


def recovery_paradox(no_failure: Score, recovered: Score, min_n: int = MIN_N) -> Reading:
    """Does a recovery win loyalty back: are customers whose failure was recovered as loyal as
    those who never had a problem? Coloured (tone good or bad) only when the gap is beyond
    its margin; a gap within it is neutral, whatever it looks like."""
    gap = nps_gap(recovered, no_failure, min_n)
    if recovered.nps is None:
        return Reading(UNKNOWN, "No loyalty answer (an NPS after the failure) followed a recovered failure in "
                                "these dates, so the recovery paradox cannot be read. Widen the dates.", "unknown", gap)
    if no_failure.nps is None:
        return Reading(UNKNOWN, "No NPS answer from customers who never had a failure in these dates, so there "
                                "is nothing to compare the recovered customers with.", "unknown", gap)
    numbers = (f"NPS {_pts(recovered.nps)} after a recovered failure ({_answers(recovered.n)}) against "
               f"{_pts(no_failure.nps)} with no failure ({_answers(no_failure.n)}): a gap of "
               f"{_signed(gap.diff)} ± {gap.moe:.1f} pts.")
    if gap.verdict == TOO_FEW:
        return Reading(TOO_FEW, f"**Too few answers to tell.** {numbers} At least {min_n} answers on each side "
                                "are needed before the gap means anything.", "unknown", gap)
    if gap.verdict == ABOVE:
        return Reading(ABOVE, "**Yes, and more: recovered customers are more loyal than those who never had a "
                              f"problem** (the recovery paradox), by more than the margin. {numbers}", "good", gap)
    if gap.verdict == BELOW:
        return Reading(BELOW, "**Not fully: recovered customers stay less loyal than those who never had a "
                              "problem**, by more than the margin. A good recovery limits the damage of a failure "
                              f"but does not erase it. {numbers}", "bad", gap)
    return Reading(WITHIN, "**Yes: recovered customers are as loyal as those with no problem; the difference is "
                           f"within the margin.** {numbers}", "neutral", gap)


def failed_recovery(no_failure: Score, not_recovered: Score, min_n: int = MIN_N) -> Reading:
    """What a failure that is not recovered costs in loyalty."""
    gap = nps_gap(not_recovered, no_failure, min_n)
    if not_recovered.nps is None or no_failure.nps is None:
        return Reading(UNKNOWN, "No loyalty answer followed a failure that was not recovered in these dates.",
                       "unknown", gap)
    numbers = (f"NPS {_pts(not_recovered.nps)} after a failed recovery ({_answers(not_recovered.n)}), "
               f"{_signed(gap.diff)} ± {gap.moe:.1f} pts against no failure.")
    if gap.verdict == TOO_FEW:
        return Reading(TOO_FEW, f"After a failed recovery: too few answers to tell. {numbers}", "unknown", gap)
    if gap.verdict == BELOW:
        return Reading(BELOW, f"**A failure left unrecovered costs loyalty:** {numbers}", "bad", gap)
    if gap.verdict == ABOVE:
        return Reading(ABOVE, f"Customers whose failure was not recovered are not less loyal: {numbers}",
                       "neutral", gap)
    return Reading(WITHIN, f"A failed recovery shows no loss of loyalty beyond the margin: {numbers}", "neutral", gap)


def against(reference: Score, scores: Iterable[Score], min_n: int = MIN_N) -> list[str]:
    """Each NPS against the reference (no failure): ABOVE or BELOW only beyond the margin of
    their difference, WITHIN, or TOO_FEW / UNKNOWN; what the charts colour green, red or grey."""
    return [nps_gap(s, reference, min_n).verdict for s in scores]


def share_against_target(share: Share, target: float | None, higher_is_better: bool = True) -> bool | None:
    """Met (True) or missed (False) only when the share's whole 95% range is on one side of the
    target; None when the range straddles it (the miss could be noise: the page shows it grey)."""
    r = share.range
    if target is None or r is None:
        return None
    lo, hi = r
    if lo >= target:
        return higher_is_better
    if hi < target:
        return not higher_is_better
    return None


def funnel_reading(row: Mapping, unresolved_days: int = 14) -> str:
    """What the recovery funnel says in words: how many failures were answered and resolved,
    and how many still wait for an outcome (and why)."""
    failures = int(_num(row.get("failures")) or 0)
    if not failures:
        return "No service failure was created in these dates."
    answered, resolved = int(_num(row.get("answered")) or 0), int(_num(row.get("resolved")) or 0)
    outcome = int(_num(row.get("with_outcome")) or 0)
    recovered, lost = int(_num(row.get("recovered")) or 0), int(_num(row.get("not_recovered")) or 0)
    waiting = failures - outcome
    text = (f"Of {failures:,} failures, {answered:,} got a first reply and {resolved:,} were resolved. "
            f"{outcome:,} have an outcome: {recovered:,} recovered, {lost:,} not.")
    if waiting:
        text += (f" The other {waiting:,} have none yet: resolved without a post-ticket CSAT answer, or open for "
                 f"less than {unresolved_days} days. The recovery rate counts only failures with an outcome.")
    return text


DRIVER_LABELS = {
    "response speed": "First-response speed",
    "apology": "Apology",
    "compensation": "Compensation",
    "combination": "Speed, apology and compensation together",
}


@dataclass(frozen=True)
class DriverComparison:
    """The bands of one driver with the highest and the lowest recovery rate among those large
    enough to test (all bands when fewer than two are), and how their gap reads."""

    best: tuple[str, Share]
    worst: tuple[str, Share]
    gap: Gap
    left_out: int  # bands with an outcome left out as too small

    def verdict_of(self, band: str) -> str:
        """ABOVE for the best band and BELOW for the worst when their gap is beyond noise;
        WITHIN for every other band (and for all when it is not): what a chart colours."""
        if self.gap.verdict in (ABOVE, BELOW):
            if band == self.best[0]:
                return ABOVE
            if band == self.worst[0]:
                return BELOW
        return WITHIN


def driver_comparison(rows: Iterable[Mapping], min_n: int = MIN_N) -> DriverComparison | None:
    """The highest against the lowest recovery rate of one driver's bands ('unknown' left out);
    None when fewer than two bands have a rate, or all have the same."""
    bands = [(str(r["band"]), Share(_num(r.get("recovery_pct")), int(_num(r.get("with_outcome")) or 0)))
             for r in rows if r.get("band") != "unknown"]
    bands = [(b, s) for b, s in bands if s.pct is not None]
    if len(bands) < 2:
        return None
    # Compare the groups large enough to test, when there are two; else all (and say so).
    testable = [(b, s) for b, s in bands if s.n >= min_n]
    pool = testable if len(testable) >= 2 else bands
    best = max(pool, key=lambda x: x[1].pct)
    worst = min(pool, key=lambda x: x[1].pct)
    if best[1].pct == worst[1].pct:
        return DriverComparison(best, worst, Gap(0.0, None, WITHIN), len(bands) - len(pool))
    return DriverComparison(best, worst, share_gap(best[1], worst[1], min_n), len(bands) - len(pool))


def driver_reading(driver: str, rows: Iterable[Mapping], min_n: int = MIN_N) -> str:
    """The bands of one driver with the highest and the lowest recovery rate, and whether
    they differ by more than noise ('unknown' bands are left out)."""
    rows = list(rows)
    label = DRIVER_LABELS.get(driver, driver.capitalize())
    c = driver_comparison(rows, min_n)
    if c is None:
        return f"**{label}**: too few failures with an outcome to compare."
    best, worst = c.best, c.worst
    if best[1].pct == worst[1].pct:
        return f"**{label}**: the same recovery rate ({_pct(best[1].pct)}) in every group."
    head = (f"**{label}**: {_pct(best[1].pct)} recovered when *{best[0]}* ({best[1].n:,} with an outcome) against "
            f"{_pct(worst[1].pct)} when *{worst[0]}* ({worst[1].n:,})")
    if c.gap.verdict == TOO_FEW:
        text = f"{head}; too few failures on one side to tell (at least {min_n} needed)."
    elif c.gap.verdict == WITHIN:
        text = f"{head}; no real difference: it is within sampling noise."
    else:
        text = f"{head}; a real difference, larger than sampling noise."
    if c.left_out:
        s = "s" if c.left_out > 1 else ""
        text += f" ({c.left_out} smaller group{s} of under {min_n} left out of the comparison.)"
    return text


SPEEDS = ("fast (under 4 h)", "slow (4 h or more, or none)")
APOLOGIES = ("apologized", "no apology")
COMPENSATIONS = ("compensated", "not compensated")


@dataclass(frozen=True)
class Process:
    """One way a failure was handled (speed and apology), with and without compensation."""

    speed: str
    apology: str
    compensated: Share
    not_compensated: Share

    @property
    def label(self) -> str:
        return f"{self.speed.split(' (')[0]}, {self.apology}"

    @property
    def mixed(self) -> bool:
        """One half of the process went well and the other did not (fast without an apology,
        or slow with one): where Wirtz & Mattila (2004) found compensation matters most."""
        return (self.speed == SPEEDS[0]) != (self.apology == APOLOGIES[0])

    @property
    def lift(self) -> Gap:
        return share_gap(self.compensated, self.not_compensated)


def split_combination(band: str) -> tuple[str, str, str] | None:
    """'fast (under 4 h), apologized, compensated' -> its speed, apology and compensation."""
    for speed in SPEEDS:
        if band.startswith(speed + ", "):
            apology, _, compensation = band[len(speed) + 2:].partition(", ")
            if apology in APOLOGIES and compensation in COMPENSATIONS:
                return speed, apology, compensation
    return None


def processes(rows: Iterable[Mapping]) -> list[Process]:
    """The 'combination' rows of recovery_drivers, as four processes (speed x apology), each
    with its recovery rate with and without compensation."""
    cells: dict[tuple[str, str, str], Share] = {}
    for r in rows:
        named = (r.get("speed_band"), r.get("apology_band"), r.get("compensation_band"))
        parts = named if all(isinstance(x, str) for x in named) else split_combination(str(r.get("band")))
        if parts is not None:
            cells[parts] = Share(_num(r.get("recovery_pct")), int(_num(r.get("with_outcome")) or 0))
    empty = Share(None, 0)
    return [
        Process(s, a, cells.get((s, a, COMPENSATIONS[0]), empty), cells.get((s, a, COMPENSATIONS[1]), empty))
        for s in SPEEDS for a in APOLOGIES
        if (s, a, COMPENSATIONS[0]) in cells or (s, a, COMPENSATIONS[1]) in cells
    ]


def compensation_reading(procs: list[Process], min_n: int = MIN_N) -> str:
    """Where compensation goes with the largest rise in recovery rate, and how sure that is."""
    known = [p for p in procs if p.lift.diff is not None]
    if not known:
        return ("Too few failures with a known apology and compensation, and an outcome, to see what "
                "compensation adds.")
    best = max(known, key=lambda p: p.lift.diff)
    lift = best.lift
    where = f"when the process was *{best.label}*" + (" (a mixed process)" if best.mixed else "")
    if lift.diff <= 0:
        text = "Compensation goes with no higher recovery rate in any process."
    else:
        text = (f"Compensation goes with the largest rise in recovery {where}: {_pct(best.compensated.pct)} "
                f"against {_pct(best.not_compensated.pct)} without ({_signed(lift.diff)} pts).")
    if lift.verdict == TOO_FEW:
        small = min(best.compensated.n, best.not_compensated.n)
        noun = "failure" if small == 1 else "failures"
        text += (f" With as few as {small} {noun} with an outcome in a group (under {min_n}), read this as a "
                 "hint, not a finding.")
    elif lift.verdict == WITHIN:
        text += " The difference is within sampling noise."
    elif lift.diff > 0:
        text += " The difference is larger than sampling noise."
    return text


# ---------------------------------------------------------------- promises and proactive contact

TIMINGS = ("early", "on time", "late")


def promise_reading(rows: Iterable[Mapping], min_n: int = MIN_N) -> Reading:
    """Do late resolutions cost satisfaction, and does resolving early ("under-promise,
    over-deliver") add any over resolving on time? From promise_timing's rows."""
    csat = {str(r["timing"]): Share(_num(r.get("csat_pct")), int(_num(r.get("csat_responses")) or 0))
            for r in rows}
    early, on_time, late = (csat.get(t, Share(None, 0)) for t in TIMINGS)
    kept = combined_share([early, on_time])
    if kept.pct is None and late.pct is None:
        return Reading(UNKNOWN, "No post-ticket CSAT answer on a resolved ticket with a promise in these dates, "
                                "so the effect of keeping promises cannot be read.", "unknown")
    parts = []
    late_gap = share_gap(late, kept, min_n)
    if late_gap.verdict == UNKNOWN:
        parts.append("Kept and late promises cannot be compared: one side has no CSAT answer.")
    else:
        numbers = (f"CSAT {_pct(late.pct)} when late ({_answers(late.n)}) against {_pct(kept.pct)} when kept "
                   f"({_answers(kept.n)})")
        parts.append({
            BELOW: f"**A broken promise costs satisfaction**: {numbers}, a gap larger than sampling noise.",
            ABOVE: f"Late resolutions are rated higher than kept promises: {numbers}.",
            WITHIN: f"Breaking a promise shows no cost beyond sampling noise: {numbers}.",
            TOO_FEW: f"{numbers}: too few answers to tell (at least {min_n} on each side).",
        }[late_gap.verdict])
    early_gap = share_gap(early, on_time, min_n)
    if early_gap.verdict != UNKNOWN:
        numbers = (f"CSAT {_pct(early.pct)} when early ({_answers(early.n)}) against {_pct(on_time.pct)} when "
                   f"on time ({_answers(on_time.n)})")
        parts.append({
            ABOVE: f"**Over-delivering pays**: resolving well before the promise is rated higher than just in "
                   f"time: {numbers}.",
            BELOW: f"Resolving early is rated lower than resolving just in time: {numbers}. The promise itself may "
                   "have been too long.",
            WITHIN: f"Resolving early adds nothing measurable over resolving just in time: {numbers}. Keeping the "
                    "promise is what counts.",
            TOO_FEW: f"Early against on time: {numbers}, too few answers to tell.",
        }[early_gap.verdict])
    tone = "bad" if late_gap.verdict == BELOW else "unknown" if late_gap.verdict in (TOO_FEW, UNKNOWN) else "neutral"
    return Reading(late_gap.verdict, " ".join(parts), tone, late_gap)


def proactive_gaps(rows: Iterable[Mapping], min_n: int = MIN_N):
    """The notice against no notice: the CSAT gap and the complaint-share gap (share_gap each),
    or (None, None) when one side is missing. The charts colour a bar from these."""
    by = {str(r["contact"]): r for r in rows}
    notice, none = by.get("proactive notice"), by.get("no notice")
    if notice is None or none is None:
        return None, None
    csat_a = Share(_num(notice.get("csat_pct")), int(_num(notice.get("csat_responses")) or 0))
    csat_b = Share(_num(none.get("csat_pct")), int(_num(none.get("csat_responses")) or 0))
    comp_a = Share(_num(notice.get("complaint_pct")), int(_num(notice.get("tickets")) or 0))
    comp_b = Share(_num(none.get("complaint_pct")), int(_num(none.get("tickets")) or 0))
    return share_gap(csat_a, csat_b, min_n), share_gap(comp_a, comp_b, min_n)


def proactive_reading(rows: Iterable[Mapping], min_n: int = MIN_N) -> Reading:
    """Tickets with a proactive notice against those without: CSAT and the share of complaints."""
    rows = list(rows)
    by = {str(r["contact"]): r for r in rows}
    notice, none = by.get("proactive notice"), by.get("no notice")
    if notice is None or none is None:
        missing = "with" if notice is None else "without"
        return Reading(UNKNOWN, f"No ticket {missing} a proactive notice in these dates: nothing to compare.",
                       "unknown")
    csat_a = Share(_num(notice.get("csat_pct")), int(_num(notice.get("csat_responses")) or 0))
    csat_b = Share(_num(none.get("csat_pct")), int(_num(none.get("csat_responses")) or 0))
    comp_a = Share(_num(notice.get("complaint_pct")), int(_num(notice.get("tickets")) or 0))
    comp_b = Share(_num(none.get("complaint_pct")), int(_num(none.get("tickets")) or 0))
    csat, comp = proactive_gaps(rows, min_n)
    words = {ABOVE: "higher, beyond sampling noise", BELOW: "lower, beyond sampling noise",
             WITHIN: "within sampling noise", TOO_FEW: f"too few answers to tell, under {min_n} on a side",
             UNKNOWN: "not known on one side"}
    text = (f"With a proactive notice, post-ticket CSAT is {_pct(csat_a.pct)} against {_pct(csat_b.pct)} without "
            f"({words[csat.verdict]}); {_pct(comp_a.pct)} of those tickets are complaints against "
            f"{_pct(comp_b.pct)} without ({words[comp.verdict]}).")
    good = csat.verdict == ABOVE or comp.verdict == BELOW
    bad = csat.verdict == BELOW or comp.verdict == ABOVE
    tone = "good" if good and not bad else "bad" if bad and not good else "neutral"
    return Reading(csat.verdict, text, tone, csat)


# ---------------------------------------------------------------- high-expectation customers


def high_expectation_reading(rows: Iterable[Mapping], min_n: int = MIN_N) -> Reading:
    """High-expectation customers against everyone else: NPS and CSAT (high_expectation_summary)."""
    by = {str(r["segment"]): r for r in rows}
    he, rest = by.get("high expectation"), by.get("everyone else")
    if he is None:
        return Reading(UNKNOWN, "No active customer in these dates shows two or more high-expectation signals.",
                       "unknown")
    if rest is None:
        return Reading(UNKNOWN, "Every active customer in these dates is a high-expectation customer: there is "
                                "no one to compare them with.", "unknown")
    a, b = Score.of(he, n="nps_responses"), Score.of(rest, n="nps_responses")
    nps = nps_gap(a, b, min_n)
    csat = share_gap(Share(_num(he.get("csat_pct")), int(_num(he.get("csat_responses")) or 0)),
                     Share(_num(rest.get("csat_pct")), int(_num(rest.get("csat_responses")) or 0)), min_n)
    words = {ABOVE: "higher, beyond the margin", BELOW: "lower, beyond the margin", WITHIN: "within the margin",
             TOO_FEW: f"too few answers to tell, under {min_n} on a side", UNKNOWN: "not known on one side"}
    parts = []
    if nps.verdict != UNKNOWN:
        parts.append(f"NPS {_pts(a.nps)} ± {a.moe or 0:.1f} against {_pts(b.nps)} ± {b.moe or 0:.1f} for everyone "
                     f"else ({words[nps.verdict]})")
    if csat.verdict != UNKNOWN:
        parts.append(f"CSAT {_pct(_num(he.get('csat_pct')))} against {_pct(_num(rest.get('csat_pct')))} "
                     f"({words[csat.verdict]})")
    if not parts:
        return Reading(UNKNOWN, "No NPS or CSAT answers to compare high-expectation customers with everyone else.",
                       "unknown")
    lead = "**High-expectation customers are harder to please**: " if BELOW in (nps.verdict, csat.verdict) else \
        "High-expectation customers against everyone else: "
    tone = "bad" if BELOW in (nps.verdict, csat.verdict) else "neutral"
    return Reading(nps.verdict, lead + "; ".join(parts) + ".", tone, nps)


# ---------------------------------------------------------------- small samples


def nps_note(score: Score, noun: str = "answers") -> str:
    """'63 answers: ±18.8 points'; with few answers, says how little they tell."""
    if not score.n or score.nps is None:
        return f"no {noun}"
    text = f"{score.n:,} {_singular(noun) if score.n == 1 else noun}"
    if score.moe is None or (score.moe < 0.5 and score.n < MIN_N):
        return f"{text}: too few to say how precise this is"
    return f"{text}: the margin of error is ±{score.moe:.1f} points"


def share_note(share: Share, noun: str) -> str:
    """'of 181 failures with an outcome'; under MIN_N also the likely range of the share."""
    if not share.n or share.pct is None:
        return f"no {noun}"
    text = f"of {share.n:,} {_singular(noun) if share.n == 1 else noun}"
    if share.n < MIN_N and share.range is not None:
        lo, hi = share.range
        text += f": the true share is likely between {lo:.0f}% and {hi:.0f}%"
    return text


# ---------------------------------------------------------------- helpers


def _num(value) -> float | None:
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def _nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _pts(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _signed(value: float | None) -> str:
    if value is None:
        return "—"
    rounded = round(value, 1)
    return "0.0" if rounded == 0 else f"{rounded:+.1f}"


def _answers(n: int) -> str:
    return f"{n:,} answer" + ("" if n == 1 else "s")


def _singular(noun: str) -> str:
    """'loyalty answers' -> 'loyalty answer', 'resolved tickets with a promise' -> 'resolved ticket
    with a promise': the first plural word loses its s."""
    words = noun.split(" ")
    for i, word in enumerate(words):
        if word.endswith("s") and len(word) > 2:
            words[i] = word[:-1]
            break
    return " ".join(words)
