"""The Service recovery page's evidence section: does the recovery paradox hold here, and under
which of the literature's conditions? The numbers and the findings are cx.recovery_evidence's
(the same as `python -m cx recovery`); this module only lays them out."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from cx import recovery_evidence as ev
from dashboard import analyses, data, fmt, frame, readings
from dashboard import analysis_charts as charts

col = st.column_config

CONDITION_LABELS = {
    "failure order": "First or repeat failure",
    "severity": "Severity (priority)",
    "response speed": "First-response speed",
    "apology": "Apology",
    "compensation": "Compensation",
    "literature condition": "All four conditions",
}
ICONS = {True: ":material/check_circle:", False: ":material/cancel:", None: ":material/help:"}
AGREES = {True: "these data agree", False: "these data do not agree", None: "too few answers to tell"}

MATCHED_COLUMNS = {
    "label": col.TextColumn("Failures", width="large"),
    "matched": col.NumberColumn("Matched", format="localized", help="With an answer before and after, and at least "
                                "one customer with no failure in the same region, month and answer before."),
    "cases": col.NumberColumn("With an answer before and after", format="localized"),
    "case_change": col.NumberColumn("Their change", format="%+.2f", help="Mean change of the 0-10 answer."),
    "control_change": col.NumberColumn("Matched customers' change", format="%+.2f"),
    "diff": col.NumberColumn("Difference", format="%+.2f"),
    "low": col.NumberColumn("95% from", format="%+.2f"),
    "high": col.NumberColumn("95% to", format="%+.2f"),
    "raw_after_diff": col.NumberColumn("Raw difference after", format="%+.2f",
                                       help="Mean answer after, against every customer with no failure, unmatched."),
}

ACTIVITY_COLUMNS = {
    "group": col.TextColumn("Group"),
    "days": col.NumberColumn("Within (days)", format="%d"),
    "eligible": col.NumberColumn("Counted", format="localized",
                                 help="Failures (or tickets) whose days had fully passed by the data's as-of time."),
    "active": col.NumberColumn("Active again", format="localized"),
    "active_pct": col.NumberColumn("Share", format="%.1f%%"),
    "low": col.NumberColumn("95% from", format="%.1f%%"),
    "high": col.NumberColumn("95% to", format="%.1f%%"),
}

GROUP_LABELS = {"no failure": "No failure (after a ticket)", "recovered": "After a recovered failure",
                "not recovered": "After a failed recovery"}


def show(page: analyses.Analysis) -> None:
    found = data.recovery_evidence(page.filters.selection)
    no_failure = readings.Score(found.no_failure["nps"], found.no_failure["nps_moe95"],
                                found.no_failure["responses"])

    st.markdown("**What the research says, and what these data say**")
    for f in found.findings:
        st.markdown(f"- {ICONS[f['agrees']]} *{f['literature']}*: **{AGREES[f['agrees']]}.** {f['text']}")

    # ------------------------------------------------------------ by condition
    st.markdown("**The outcome by condition**")
    choice = st.segmented_control(
        "Condition", list(ev.CONDITIONS), format_func=CONDITION_LABELS.get, default="failure order",
        required=True, key="condition", bind="query-params", persist_state="session",
    ) or "failure order"
    part = [c for c in found.conditions if c["condition"] == choice]
    if not any(c["with_outcome"] for c in part):
        frame.empty("No failure with an outcome in these dates and filters: nothing to compare.")
    else:
        analyses.band_charts(
            part, [readings.Score(c["nps_after_recovery"], c["nps_after_recovery_moe95"],
                                  c["recovered_loyalty_responses"]) for c in part],
            no_failure, page.targets.get("recovery_pct"), CONDITION_LABELS[choice].lower(),
            "NPS after a recovered failure", key="chart-condition")
        st.caption(f"Left: the share of failures with an outcome that were recovered, with its likely range. Right: "
                   f"the NPS of the first answer after a recovered failure, green when above *no failure* (grey "
                   f"band) by more than the margin: the recovery paradox. Pale: fewer than {fmt.SMALL_N} failures "
                   "or answers.")
    with st.expander("Every condition (table)"):
        table = pd.DataFrame(found.conditions)
        frame.table(table, column_config=CONDITION_COLUMNS, column_order=list(CONDITION_COLUMNS))
        frame.download(table, "recovery-conditions", "the conditions", key="dl-recovery-conditions")

    # ------------------------------------------------------------ matched
    st.markdown("**Matched: how far a customer's answer moved, against customers like them with no failure**")
    rec = next(m for m in found.matched if m.group == "recovered")
    if rec.diff is None:
        frame.empty("No recovered failure in these dates has an NPS answer before it and after it, with a customer "
                    "of no failure to match: nothing to compare.")
    else:
        cols = st.columns(3)
        analyses.tile(cols[0], "Matched difference", fmt.signed(rec.diff, 2, " pts"),
                      f"95%: {fmt.signed(rec.low, 2)} to {fmt.signed(rec.high, 2)} on the 0-10 answer; "
                      f"{rec.matched:,} of {rec.cases:,} recovered failures matched",
                      help="The change of a recovered customer's 0-10 answer from before the failure to after it, "
                           "minus that of customers with no failure in the same region, month and answer before.",
                      small=rec.matched < ev.MIN_N)
        analyses.tile(cols[1], "Their change", fmt.signed(rec.case_change, 2, " pts"),
                      f"against {fmt.signed(rec.control_change, 2, ' pts')} for the matched customers")
        analyses.tile(cols[2], "Raw difference after", fmt.signed(rec.raw_after_diff, 2, " pts"),
                      f"mean answer after: {fmt.number(rec.case_after, 2)} against {fmt.number(rec.control_after, 2)} "
                      f"unmatched; before: {fmt.number(rec.case_before, 2)} against "
                      f"{fmt.number(rec.control_before, 2)}")
    with st.expander("The matched comparison (table)"):
        matched = pd.DataFrame([vars(m) for m in found.matched])
        frame.table(matched, column_config=MATCHED_COLUMNS, column_order=list(MATCHED_COLUMNS))
        frame.download(matched, "recovery-matched", "the matched comparison", key="dl-recovery-matched")

    # ------------------------------------------------------------ behaviour
    st.markdown("**Stated and behavioural loyalty: active again within 90 and 180 days**")
    act = [a for a in found.activity if a["eligible"]]
    if not act:
        frame.empty(_too_recent(page.filters))
    else:
        labels = [f"{GROUP_LABELS[a['group']]}, {a['days']} days" for a in act]
        st.plotly_chart(charts.share_bars(
            labels, [a["active_pct"] for a in act], [a["eligible"] for a in act], name="Active again",
            noun="counted (their days have passed)", axis_title="% active again (a ticket, review or survey answer)",
            horizontal=True, height=90 + 45 * len(act),
        ), width="stretch", config=charts.CONFIG, key="chart-activity")
        st.caption("A later ticket, review or survey answer (not a post-ticket survey) within 90 or 180 days after "
                   "the failure was resolved, or after a ticket of a customer who never had a failure. Only failures "
                   "and tickets whose 90 or 180 days had fully passed by the data's as-of time count. Customers with "
                   "a failure are heavier users, so *recovered against failed* is the fair comparison.")
    with st.expander("Behavioural loyalty (table)"):
        activity = pd.DataFrame(found.activity)
        frame.table(activity, column_config=ACTIVITY_COLUMNS)
        frame.download(activity, "recovery-activity", "behavioural loyalty", key="dl-recovery-activity")


def _too_recent(flt) -> str:
    """Why behaviour cannot be read yet, and which dates can: a failure counts once 90 days
    have passed after it, so the default window (the last 90 days) never has one."""
    if flt.last_day is None:
        return "No failure or ticket in these dates is old enough for 90 days to have passed."
    cutoff = flt.last_day - timedelta(days=90)
    said = (f"Behaviour takes time to show: a failure or ticket counts once 90 days have passed after it, and the "
            f"data end on {fmt.day(flt.last_day)}, so only those up to {fmt.day(cutoff)} count.")
    if flt.first_day is not None and cutoff < flt.first_day:
        return said + " The data do not reach that far back yet: this can be read once more months are loaded."
    return said + " These dates hold no failure that old: pick *Last 12 months* or earlier dates in the sidebar."


CONDITION_COLUMNS = {
    "condition": col.TextColumn("Condition"),
    **{k: analyses.DRIVER_COLUMNS[k] for k in ("band", "failures", "with_outcome", "recovery_pct")},
    "recovery_low": col.NumberColumn("95% from", format="%.1f%%"),
    "recovery_high": col.NumberColumn("95% to", format="%.1f%%"),
    "recovered_loyalty_responses": col.NumberColumn("NPS answers after a recovery", format="localized"),
    "nps_after_recovery": col.NumberColumn("NPS after a recovery", format="%.1f"),
    "nps_after_recovery_moe95": col.NumberColumn("±", format="± %.1f"),
    "paradox_gap": col.NumberColumn("Against no failure", format="%+.1f"),
}


def method(conf: dict) -> str:
    """The evidence section's lines of "How this is measured"."""
    window = conf["loyalty_window_days"]
    cites = "\n".join(f"  - {c}" for c in ev.CITATIONS)
    return f"""
- **Recovery evidence.** *Repeat*: a failure ticket whose customer had another failure in the {window} days
  before it; else a *first* failure (counted within a window, so repeats do not grow with the data's age).
  *Severity*: the ticket's priority (mild: low or normal). *All four conditions*: a first, mild failure answered
  within 4 hours with an apology. The NPS by condition is that of the first answer within {window} days after a
  recovered failure, against the NPS of customers who never had a failure.
- **Matched comparison**: each failure's change of the 0-10 answer, from the customer's last answer in the {window}
  days before the failure to the first in the {window} days after it, against customers who never had a failure
  with the same region, the same answer before and the same month (their last answer in the {window} days before
  the month, their first in the {window} days after it): coarsened exact matching (Iacus, King & Porro 2012). The
  interval is a Poisson bootstrap of both sides ({ev.RESAMPLES} resamples, seed {ev.SEED}).
- **Active again**: a ticket, review or survey answer within 90 or 180 days after the failure's resolution (its
  creation when unresolved), or after a ticket of a customer who never had a failure; counted only where those days
  had fully passed by the data's as-of time.
- **Research**:
{cites}
"""
