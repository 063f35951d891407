"""Recovery evidence as the literature measures it: does a recovered failure leave the customer
more loyal than before, and under which conditions?

de Matos, Henrique & Rossi (2007) found the recovery paradox on satisfaction but not on
repurchase intention or word of mouth; Magnini et al. (2007) and Maxham & Netemeyer (2002)
find it only after a first, mild failure with a fast recovery the business owns. So this
module reads three things for a window and segment, each from one query of queries/metrics/:

- **conditions** (recovery_drivers.sql): the recovery rate and the NPS after a recovered
  failure by first or repeat failure, severity (priority), first-response speed, apology,
  compensation and the literature's condition (all four at once), each with its 95%
  interval and sample size, against the NPS of customers who never had a failure;
- **matched** (recovery_matched.sql): each customer's change in their 0-10 answer from before
  the failure to after it, against customers who never had a failure with the same region,
  the same answer before, over the same months (coarsened exact matching on those keys:
  Iacus, King & Porro 2012). The estimate is the mean, over matched cases, of the case's
  change minus the mean change of its cell's controls; its 95% interval is a seeded Poisson
  bootstrap of the cases and the controls (each episode drawn Poisson(1) times);
- **activity** (recovery_activity.sql): behavioural loyalty, the share of failures (and of
  tickets of customers with no failure) followed by the customer's activity within 90 and
  180 days, counted only where those days have fully passed.

The reading says which of the literature's conditions hold in these data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from cx import sql, stats
from cx.metrics import Selection

MATCH_ON = ("region", "month", "before_nps")  # a case's controls share all three
RESAMPLES = 1000
SEED = 20070  # the interval is the same on every run of the same data
MIN_N = stats.MIN_TEST_N  # fewer matched cases, or answers on a side, are "too few to tell"

CITATIONS = (
    "de Matos, C. A., Henrique, J. L. & Rossi, C. A. V. (2007). Service recovery paradox: a meta-analysis. "
    "Journal of Service Research, 10(1), 60-77.",
    "Magnini, V. P., Ford, J. B., Markowski, E. P. & Honeycutt, E. D. (2007). The service recovery paradox: "
    "justifiable theory or smoldering myth? Journal of Services Marketing, 21(3), 213-225.",
    "Maxham, J. G. III & Netemeyer, R. G. (2002). A longitudinal study of complaining customers' evaluations of "
    "multiple service failures and recovery efforts. Journal of Marketing, 66(4), 57-71.",
)

# The conditions of the split, in the order the page offers them (recovery_drivers' driver names).
CONDITIONS = ("failure order", "severity", "response speed", "apology", "compensation", "literature condition")
LITERATURE_BAND = "first, mild, fast, with an apology"

# The groups of the matched comparison: (key, label, which case rows).
MATCHED_GROUPS = (
    ("recovered", "all recovered failures"),
    ("recovered, literature condition", "recovered after a first, mild failure answered fast with an apology"),
    ("recovered, other", "recovered after any other failure"),
    ("not recovered", "failures not recovered"),
)
ACTIVITY_GROUPS = ("no failure", "recovered", "not recovered")

# What the literature says, one claim each; the findings say whether these data agree.
CLAIMS = {
    "paradox": "No paradox on recommendation once customers are compared with like ones (de Matos et al. 2007)",
    "first failure": "A paradox after a first failure, none after a repeat one (Maxham & Netemeyer 2002)",
    "mild failure": "A paradox only after a mild failure (Magnini et al. 2007)",
    "fast recovery": "A paradox only after a fast recovery (Magnini et al. 2007)",
    "apology": "A paradox only when the business owns the failure: an apology (Magnini et al. 2007)",
    "all conditions": "A paradox where all of these meet (Magnini et al. 2007; Maxham & Netemeyer 2002)",
    "behaviour": "No paradox on behaviour: recovered customers come back no more than others (de Matos et al. 2007)",
}


@dataclass(frozen=True)
class Matched:
    group: str
    label: str
    cases: int  # failures with an answer before and after
    matched: int  # of those, the ones with at least one control in their cell
    controls: int  # control episodes in the matched cells
    case_before: float | None  # mean 0-10 answer before, all cases (unmatched)
    case_after: float | None  # mean answer after, all cases
    control_before: float | None  # the same over every control episode of the months (unmatched)
    control_after: float | None
    raw_after_diff: float | None  # case_after - control_after: the raw comparison
    case_change: float | None  # mean change of the matched cases
    control_change: float | None  # their controls' mean change (each case's cell mean, averaged over cases)
    diff: float | None  # case_change - control_change: the matched estimate, in points of the 0-10 answer
    low: float | None
    high: float | None

    @property
    def verdict(self) -> str:
        if self.diff is None:
            return "unknown"
        if self.matched < MIN_N:
            return "too few"
        if self.low is not None and self.low > 0:
            return "above"
        if self.high is not None and self.high < 0:
            return "below"
        return "within"


@dataclass(frozen=True)
class Evidence:
    conditions: list[dict]
    no_failure: dict  # NPS, margin and answers of customers who never had a failure (recovery_groups)
    matched: list[Matched]
    activity: list[dict]
    findings: list[dict] = field(default_factory=list)  # {"claim", "agrees", "text"}

    def as_json(self) -> dict:
        return {
            "no_failure": self.no_failure,
            "conditions": self.conditions,
            "matched": [asdict(m) | {"verdict": m.verdict} for m in self.matched],
            "activity": self.activity,
            "findings": self.findings,
            "method": {
                "matched_on": list(MATCH_ON), "resamples": RESAMPLES, "seed": SEED,
                "interval": "95% Poisson bootstrap of cases and controls",
            },
            "citations": list(CITATIONS),
        }


def evidence(con, selection: Selection | None = None) -> Evidence:
    """Everything the page's evidence section shows, for the selection."""
    params = (selection or Selection()).params()
    groups = {r["group"]: r for r in sql.rows(con, "metrics/recovery_groups", **params)}
    no_failure = _clean(groups.get("no failure") or {})
    nf = {"nps": no_failure.get("nps"), "nps_moe95": no_failure.get("nps_moe95"),
          "responses": int(no_failure.get("responses") or 0)}
    conds = conditions(sql.rows(con, "metrics/recovery_drivers", **params), nf)
    match = matched(sql.frame(con, "metrics/recovery_matched", **params))
    act = activity(sql.rows(con, "metrics/recovery_activity", **params))
    return Evidence(conds, nf, match, act, findings(conds, nf, match, act))


# ---------------------------------------------------------------- conditions


def conditions(rows: list[dict], no_failure: dict) -> list[dict]:
    """The driver rows of the literature's conditions, each with the Wilson interval of its
    recovery rate and its NPS after a recovered failure against the no-failure NPS."""
    out = []
    for r in rows:
        r = _clean(r)
        if r["driver"] not in CONDITIONS:
            continue
        n = int(r.get("with_outcome") or 0)
        pct = r.get("recovery_pct")
        yes = None if pct is None else int(round(pct * n / 100.0))
        interval = stats.wilson_interval(yes, n)
        test = stats.nps_difference(r.get("nps_after_recovery"), r.get("nps_after_recovery_moe95"),
                                    int(r.get("recovered_loyalty_responses") or 0), no_failure.get("nps"),
                                    no_failure.get("nps_moe95"), no_failure.get("responses"))
        out.append({
            "condition": r["driver"], "band": r["band"], "failures": int(r.get("failures") or 0),
            "with_outcome": n, "recovery_pct": pct,
            "recovery_low": None if interval is None else interval[0],
            "recovery_high": None if interval is None else interval[1],
            "loyalty_responses": int(r.get("loyalty_responses") or 0), "nps_after": r.get("nps_after"),
            "nps_after_moe95": r.get("nps_after_moe95"),
            "recovered_loyalty_responses": int(r.get("recovered_loyalty_responses") or 0),
            "nps_after_recovery": r.get("nps_after_recovery"),
            "nps_after_recovery_moe95": r.get("nps_after_recovery_moe95"),
            "paradox_gap": None if test is None else test.diff,
            "paradox": _verdict(test),
        })
    order = {c: i for i, c in enumerate(CONDITIONS)}
    return sorted(out, key=lambda c: order[c["condition"]])


def _verdict(test: stats.TestResult | None) -> str:
    if test is None:
        return "unknown"
    if not test.tested:
        return "too few"
    if not test.significant():
        return "within"
    return "above" if test.diff > 0 else "below"


# ---------------------------------------------------------------- the matched comparison


def matched(rows: pd.DataFrame, resamples: int = RESAMPLES, seed: int = SEED) -> list[Matched]:
    """The matched comparison of each group of MATCHED_GROUPS, from recovery_matched's rows."""
    rows = rows.copy()
    rows["change"] = rows["after_nps"].astype(float) - rows["before_nps"].astype(float)
    rows["episodes"] = rows["episodes"].astype(int)
    cell = rows[list(MATCH_ON)].astype(str).agg("|".join, axis=1)
    rows["cell"] = pd.Categorical(cell).codes
    controls = rows[rows["side"] == "control"]
    cases = rows[rows["side"] == "case"]
    picks = {
        "recovered": cases["outcome"] == "recovered",
        "recovered, literature condition": (cases["outcome"] == "recovered")
        & cases["literature_condition"].fillna(False).astype(bool),
        "recovered, other": (cases["outcome"] == "recovered")
        & ~cases["literature_condition"].fillna(False).astype(bool),
        "not recovered": cases["outcome"] == "not_recovered",
    }
    return [_matched(key, label, cases[picks[key]], controls, resamples, seed) for key, label in MATCHED_GROUPS]


def _mean(values, weights) -> float | None:
    w = np.asarray(weights, dtype=float)
    return float(np.dot(values, w) / w.sum()) if w.sum() > 0 else None


def _estimate(case_cell, case_change, case_w, ctl_cell, ctl_change, ctl_w, cells: int):
    """Matched estimate for weights case_w and ctl_w (arrays, or matrices with one resample
    a row): the case-weighted mean over cells with a control of (case mean - control mean)."""
    case_w, ctl_w = np.atleast_2d(case_w), np.atleast_2d(ctl_w)
    out = []
    for cw, kw in zip(case_w, ctl_w, strict=True):
        ctl_n = np.bincount(ctl_cell, weights=kw, minlength=cells)
        ctl_sum = np.bincount(ctl_cell, weights=kw * ctl_change, minlength=cells)
        has = ctl_n[case_cell] > 0
        w = cw * has
        if w.sum() == 0:
            out.append((None, None, None))
            continue
        ctl_mean = np.divide(ctl_sum, ctl_n, out=np.zeros(cells), where=ctl_n > 0)
        case_mean = float(np.dot(w, case_change) / w.sum())
        control_mean = float(np.dot(w, ctl_mean[case_cell]) / w.sum())
        out.append((case_mean - control_mean, case_mean, control_mean))
    return out


def _matched(key: str, label: str, cases: pd.DataFrame, controls: pd.DataFrame, resamples: int,
             seed: int) -> Matched:
    n_cases = int(cases["episodes"].sum())
    cells = int(max(cases["cell"].max() if len(cases) else 0, controls["cell"].max() if len(controls) else 0)) + 1
    case_cell, case_change = cases["cell"].to_numpy(), cases["change"].to_numpy()
    case_n = cases["episodes"].to_numpy(dtype=float)
    ctl_cell, ctl_change = controls["cell"].to_numpy(), controls["change"].to_numpy()
    ctl_n = controls["episodes"].to_numpy(dtype=float)
    in_cell = np.isin(case_cell, ctl_cell)
    used = np.isin(ctl_cell, case_cell[in_cell])
    months = controls["month"].isin(set(cases["month"]))
    base = dict(
        group=key, label=label, cases=n_cases, matched=int(case_n[in_cell].sum()), controls=int(ctl_n[used].sum()),
        case_before=_mean(cases["before_nps"], case_n), case_after=_mean(cases["after_nps"], case_n),
        control_before=_mean(controls["before_nps"][months], ctl_n[months]),
        control_after=_mean(controls["after_nps"][months], ctl_n[months]),
    )
    base["raw_after_diff"] = (None if base["case_after"] is None or base["control_after"] is None
                              else base["case_after"] - base["control_after"])
    (diff, case_change_mean, control_change_mean), = _estimate(case_cell, case_change, case_n, ctl_cell, ctl_change,
                                                               ctl_n, cells)
    low = high = None
    if diff is not None and resamples:
        rng = np.random.default_rng(seed)
        draws = []
        for start in range(0, resamples, 100):  # a hundred resamples at a time bounds the memory
            size = min(100, resamples - start)
            cw = rng.poisson(np.broadcast_to(case_n, (size, len(case_n))))
            kw = rng.poisson(np.broadcast_to(ctl_n, (size, len(ctl_n))))
            draws += [d for d, _, _ in _estimate(case_cell, case_change, cw, ctl_cell, ctl_change, kw, cells)
                      if d is not None]
        if draws:
            low, high = (float(x) for x in np.percentile(draws, [2.5, 97.5]))
    return Matched(**base, case_change=case_change_mean, control_change=control_change_mean, diff=diff, low=low,
                   high=high)


# ---------------------------------------------------------------- behavioural loyalty


def activity(rows: list[dict]) -> list[dict]:
    """recovery_activity's rows with the Wilson interval of each share."""
    out = []
    for r in rows:
        r = _clean(r)
        interval = stats.wilson_interval(int(r.get("active") or 0), int(r.get("eligible") or 0))
        out.append({"group": r["group"], "days": int(r["days"]), "eligible": int(r.get("eligible") or 0),
                    "active": int(r.get("active") or 0), "active_pct": r.get("active_pct"),
                    "low": None if interval is None else interval[0],
                    "high": None if interval is None else interval[1]})
    return out


def activity_test(rows: list[dict], days: int, a: str, b: str) -> stats.TestResult | None:
    """Two-proportion test of group a's share active within `days` against group b's."""
    by = {(r["group"], r["days"]): r for r in rows}
    ra, rb = by.get((a, days)), by.get((b, days))
    if ra is None or rb is None:
        return None
    return stats.proportion_difference(ra["active"], ra["eligible"], rb["active"], rb["eligible"])


# ---------------------------------------------------------------- the reading


def _pts(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "—"
    return f"{x:+.1f}" if signed else f"{x:.1f}"


def findings(conds: list[dict], no_failure: dict, match: list[Matched], act: list[dict]) -> list[dict]:
    """Which of the literature's claims these data agree with: one finding per claim (CLAIMS),
    `agrees` True, False or None (too few answers to tell), with a sentence a CX lead reads
    as is."""
    out = []
    by = {(c["condition"], c["band"]): c for c in conds}
    m = {x.group: x for x in match}

    def add(claim: str, agrees: bool | None, text: str) -> None:
        out.append({"claim": claim, "literature": CLAIMS[claim], "agrees": agrees, "text": text})

    def nps(c: dict | None) -> str:
        if c is None or c["nps_after_recovery"] is None:
            return "no answers"
        return (f"NPS {_pts(c['nps_after_recovery'])} ± {c['nps_after_recovery_moe95'] or 0:.1f} after a recovery "
                f"({c['recovered_loyalty_responses']:,} answers)")

    # 1. The paradox on stated loyalty (recommendation: the word-of-mouth side of de Matos et al.).
    rec = m.get("recovered")
    if rec is None or rec.diff is None:
        add("paradox", None, "No recovered failure has an NPS answer both before and after it: the matched "
                             "comparison cannot be made.")
    else:
        words = {"above": "more than matched customers who had no failure: a recovery paradox",
                 "below": "less than matched customers who had no failure: no paradox, a lasting cost",
                 "within": "about as much as matched customers who had no failure: no paradox",
                 "too few": f"but only {rec.matched} recovered failures could be matched (under {MIN_N}): too few "
                            "to tell"}[rec.verdict]
        add("paradox", {"above": False, "below": True, "within": True}.get(rec.verdict),
            f"After a recovered failure, customers' 0-10 answer moved {_pts(rec.diff, True)} points (95%: "
            f"{_pts(rec.low, True)} to {_pts(rec.high, True)}) {words} ({rec.matched:,} of {rec.cases:,} matched).")
    # 2. First against repeat failures (Maxham & Netemeyer 2002: a second failure undoes the paradox).
    first, repeat = by.get(("failure order", "first failure")), by.get(("failure order", "repeat failure"))
    if first and repeat:
        holds = _holds(first["paradox"], repeat["paradox"])
        add("first failure", holds, f"First failures: {nps(first)} ({_against(first['paradox'])}); repeat failures: "
                                    f"{nps(repeat)} ({_against(repeat['paradox'])}).")
    # 3. Mild against severe failures (Magnini et al. 2007).
    sev = [by.get(("severity", b)) for b in ("low", "normal", "high", "urgent")]
    mild = [c for c in sev[:2] if c]
    severe = [c for c in sev[2:] if c]
    if mild and severe:
        holds = _holds(_best(mild), _best(severe))
        add("mild failure", holds,
            "By severity: " + "; ".join(f"{c['band']} {nps(c)} ({_against(c['paradox'])})" for c in mild + severe)
            + ".")
    # 4. Fast and owned (apology) recoveries.
    fast = [by.get(("response speed", b)) for b in ("under 1 h", "1-4 h")]
    slow = [by.get(("response speed", b)) for b in ("4-24 h", "over 24 h")]
    fast, slow = [c for c in fast if c], [c for c in slow if c]
    if fast and slow:
        add("fast recovery", _holds(_best(fast), _best(slow)),
            "By first-response speed: " + "; ".join(f"{c['band']} {nps(c)} ({_against(c['paradox'])})"
                                                   for c in fast + slow) + ".")
    yes, no = by.get(("apology", "apologized")), by.get(("apology", "no apology"))
    if yes and no:
        add("apology", _holds(yes["paradox"], no["paradox"]),
            f"With an apology: {nps(yes)} ({_against(yes['paradox'])}); without: {nps(no)} "
            f"({_against(no['paradox'])}).")
    # 5. All the conditions at once, matched.
    lit = m.get("recovered, literature condition")
    other = m.get("recovered, other")
    cond = by.get(("literature condition", LITERATURE_BAND))
    if lit is not None and lit.diff is not None:
        holds = {"above": True, "below": False, "within": False}.get(lit.verdict) if (
            other is None or other.verdict != "above") else False
        rest = "" if other is None or other.diff is None else (
            f"; after any other recovered failure {_pts(other.diff, True)} (95%: {_pts(other.low, True)} to "
            f"{_pts(other.high, True)}, {other.matched:,} matched)")
        add("all conditions", holds,
            f"After a first, mild failure answered within 4 h with an apology, the matched change is "
            f"{_pts(lit.diff, True)} points (95%: {_pts(lit.low, True)} to {_pts(lit.high, True)}, {lit.matched:,} "
            f"matched){rest}" + (f"; {nps(cond)}, {_against(cond['paradox'])}" if cond else "") + ".")
    # 6. Behaviour (the repurchase side of de Matos et al.): recovered against failed.
    test = activity_test(act, 180, "recovered", "not recovered")
    by_act = {(r["group"], r["days"]): r for r in act}
    ra, rf, rn = (by_act.get((g, 180)) for g in ACTIVITY_GROUPS[1:] + ACTIVITY_GROUPS[:1])
    if test is not None and ra and rf:
        if not test.tested:
            holds, words = None, "too few failures to tell"
        elif test.significant():
            holds, words = test.diff < 0, ("more, beyond sampling noise" if test.diff > 0
                                           else "less, beyond sampling noise")
        else:
            holds, words = True, "no difference beyond sampling noise"
        none = "" if rn is None or rn["active_pct"] is None else (
            f" ({rn['active_pct']:.0f}% after a ticket of a customer with no failure, a lighter user)")
        add("behaviour", holds,
            f"Active again within 180 days: {ra['active_pct']:.0f}% after a recovery against {rf['active_pct']:.0f}% "
            f"after a failed one ({words}){none}.")
    return out


def _best(cs: list[dict]) -> str:
    """The strongest paradox verdict among bands: above beats within beats below."""
    rank = {"above": 3, "within": 2, "below": 1, "too few": 0, "unknown": 0}
    return max((c["paradox"] for c in cs), key=rank.get)


def _holds(where: str, elsewhere: str) -> bool | None:
    """The literature's condition holds when the paradox shows where it says and not elsewhere."""
    if where in ("too few", "unknown") or elsewhere in ("too few", "unknown"):
        return None
    return where == "above" and elsewhere != "above"


def _against(verdict: str) -> str:
    return {"above": "above no failure, beyond the margin", "below": "below no failure, beyond the margin",
            "within": "within the margin of no failure", "too few": f"too few answers, under {MIN_N}",
            "unknown": "no answers"}[verdict]


def _clean(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if isinstance(v, float) and (np.isnan(v) or np.isinf(v)) or v is pd.NA or v is pd.NaT:
            v = None
        elif isinstance(v, np.generic):
            v = v.item()
        out[k] = v
    return out
