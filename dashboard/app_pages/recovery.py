"""Service recovery, for CX leads: does a recovery win loyalty back here, and what goes with a
recovery? Those two answers lead, in plain words and in colour only where the difference is
beyond noise; the funnel from failure to recovery and the rate over time follow, and how it
is all measured sits in one expander at the end."""

import streamlit as st

from cx import stats
from dashboard import analyses, data, evidence_panel, fmt, followup_panel, frame, readings
from dashboard import analysis_charts as charts

page = analyses.open_page("Service recovery", caption="Service failures (incidents, problems, complaints): how "
                                                       "many are recovered, and whether recovered customers stay "
                                                       "as loyal as those who never had a problem.")
ctx, flt, p, targets, conf, now = page.ctx, page.filters, page.params, page.targets, page.conf, page.now
funnel = data.one_row("metrics/recovery_funnel", **p)
groups = data.run_query("metrics/recovery_groups", **p)
by_group = {r["group"]: r for r in analyses.rows(groups)}
no_failure = readings.Score.of(by_group.get("no failure"))
recovered = readings.Score.of(by_group.get("recovered"))
not_recovered = readings.Score.of(by_group.get("not recovered"))
paradox = readings.recovery_paradox(no_failure, recovered)
failed = readings.failed_recovery(no_failure, not_recovered)
window_days = conf["loyalty_window_days"]
failure_types = ", ".join(conf["failure_types"])

failures = int(funnel.get("failures") or 0)
if not failures:
    frame.empty(
        f"No service failure (a ticket of type {failure_types}) was created in these dates "
        "and filters, so there is nothing to recover. Widen the dates or clear a filter in the sidebar."
    )

# ---------------------------------------------------------------- tiles
rate = readings.Share(now.get("recovery_pct"), int(funnel.get("with_outcome") or 0))
target, _ = analyses.target_text(rate.pct, targets.get("recovery_pct"), "%")
cols = st.columns(4)
analyses.tile(cols[0], "Service failures", fmt.count(now.get("failures")),
              f"{failure_types} tickets created in these dates",
              help="Tickets whose type is a service failure ([recovery] failure_types in config/cx.toml).")
change = analyses.compared(ctx, "recovery_pct", now)
# Red or green only when the rate's 95% range lies wholly on one side of the target.
analyses.tile(cols[1], "Recovery rate", fmt.number(rate.pct, 1, "%"),
              readings.share_note(rate, "failures with an outcome"),
              help="Failures resolved with a post-ticket CSAT of 4 or 5, of the failures whose outcome is known.",
              target=target, target_met=readings.share_against_target(rate, targets.get("recovery_pct")),
              small=0 < rate.n < readings.MIN_N, change=change)
analyses.tile(cols[2], "NPS after a recovery", analyses.nps_text(recovered),
              readings.nps_note(recovered, "loyalty answers"),
              help=f"NPS of the first answer each customer gave within {window_days} days after their failure "
                   "was recovered.",
              small=0 < recovered.n < readings.MIN_N)
gap = paradox.gap
# The margin goes in the caption: "+2.7 ± 18.1 pts" does not fit a quarter of a laptop screen.
gap_text = fmt.DASH if gap is None or gap.diff is None else fmt.signed(gap.diff, 1, " pts")
margin = "" if gap is None or gap.moe is None else f"margin ±{gap.moe:.1f} pts: "
analyses.tile(cols[3], "Recovered vs no failure", gap_text,
              margin + {readings.ABOVE: "recovered customers are more loyal, beyond the margin",
                        readings.BELOW: "recovered customers are less loyal, beyond the margin",
                        readings.WITHIN: "within it, no real difference",
                        readings.TOO_FEW: "too few answers to tell",
                        readings.UNKNOWN: "no answers to compare"}[paradox.verdict],
              help="NPS after a recovery minus NPS of customers who never had a failure, ± the margin of that "
                   "difference. Above 0 beyond the margin: the service recovery paradox.",
              small=paradox.verdict == readings.TOO_FEW)

# ---------------------------------------------------------------- 1. does recovery win loyalty back?
st.subheader("Does a recovery win loyalty back?")
if any(s.nps is not None for s in (no_failure, recovered, not_recovered)):
    analyses.finding(paradox)
    if failed.verdict != readings.UNKNOWN:
        analyses.finding(failed)
    verdicts = dict(zip(("recovered", "not recovered"), readings.against(no_failure, [recovered, not_recovered]),
                        strict=True))
    st.plotly_chart(charts.recovery_groups(groups, verdicts), width="stretch", config=charts.CONFIG,
                    key="chart-groups")
    st.caption(f"NPS of each group with its likely range; the grey band is the no-failure NPS and its margin. "
               f"Green or red only when a group differs from *no failure* by more than the margin; pale: fewer "
               f"than {fmt.SMALL_N} answers.")
else:
    frame.empty("No NPS answers in these dates and filters, from customers with or without a failure: no loyalty "
                "to compare. Widen the dates.")
with st.expander("The three groups (table)"):
    frame.table(groups, column_config=analyses.GROUP_COLUMNS)
    frame.download(groups, "recovery-groups", "the three groups", key="dl-recovery-groups")

# ---------------------------------------------------------------- 2. what goes with a recovery
st.subheader("What goes with a recovery")
drivers = data.run_query("metrics/recovery_drivers", **p)
if drivers.empty or not drivers["with_outcome"].any():
    frame.empty("No failure with an outcome in these dates and filters: nothing to compare.")
else:
    driver_rows = analyses.rows(drivers)
    for d in ("response speed", "apology", "compensation"):
        st.markdown("- " + readings.driver_reading(d, [r for r in driver_rows if r["driver"] == d]))
    driver = st.segmented_control(
        "Compare by", ["response speed", "apology", "compensation"], format_func=str.capitalize,
        default="response speed", required=True, key="driver", bind="query-params", persist_state="session",
    ) or "response speed"
    part = [r for r in driver_rows if r["driver"] == driver]
    analyses.band_charts(
        part, [readings.Score.of(r, nps="nps_after", moe="nps_after_moe95", n="loyalty_responses") for r in part],
        no_failure, targets.get("recovery_pct"), readings.DRIVER_LABELS[driver].lower(), "NPS after the failure",
        key="chart-driver")
    st.caption(f"Left: green and red mark the highest and lowest recovery rate when they differ by more than "
               f"noise. Right: green or red when the NPS differs from *no failure* (grey band) by more than the "
               f"margin. Grey: within noise. Pale: fewer than {fmt.SMALL_N} failures or answers. These go together "
               "in the data; they are not proven causes.")

    st.markdown("**Does compensation help?**")
    procs = readings.processes([r for r in driver_rows if r["driver"] == "combination"])
    if procs:
        st.markdown(readings.compensation_reading(procs))
        with st.expander("Recovery rate with and without compensation, by how the failure was handled (chart)"):
            st.plotly_chart(charts.compensation(procs), width="stretch", config=charts.CONFIG,
                            key="chart-compensation")
            st.caption("A fast or slow first reply, with or without an apology. *Mixed*: fast without an "
                       f"apology, or slow with one. Pale: fewer than {fmt.SMALL_N} failures.")
    else:
        frame.empty("No failure says both whether the business apologized and whether it compensated.")
    with st.expander("Every driver and combination (table)"):
        frame.table(drivers, column_config=analyses.DRIVER_COLUMNS, column_order=list(analyses.DRIVER_COLUMNS))
        frame.download(drivers, "recovery-drivers", "the drivers", key="dl-recovery-drivers")

# ---------------------------------------------------------------- 3. the evidence, as the literature measures it
st.subheader("Does the recovery paradox hold here, and when?")
evidence_panel.show(page)

# ---------------------------------------------------------------- funnel
st.subheader("From failure to recovery")
if failures:
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(charts.recovery_funnel(funnel, rate.pct), width="stretch", config=charts.CONFIG)
    with right:
        st.markdown(readings.funnel_reading(funnel, int(conf["unresolved_days"])))
    funnel_table = data.run_query("metrics/recovery_funnel", **p)
    with st.expander("The funnel (table)"):
        frame.table(funnel_table, column_config=analyses.FUNNEL_COLUMNS)
        frame.download(funnel_table, "recovery-funnel", "the funnel", key="dl-recovery-funnel")
else:
    frame.empty("No service failures in these dates and filters.")

# ---------------------------------------------------------------- trend
st.subheader("Recovery rate over time")
grain = analyses.grain_control()
span = stats.span_at_least(flt.start, flt.end, 365, ctx.first_day)
trend = data.run_query("metrics/recovery_trend", **(p | {"start": span[0]}), grain=grain)
if trend.empty or not trend["with_outcome"].any():
    frame.empty("No failure with an outcome in the trend's dates.")
else:
    st.plotly_chart(charts.rate_trend(
        trend, pct="recovery_pct", n="with_outcome", grain=grain, name="Recovery rate",
        noun="failures with an outcome", axis_title="recovery rate (%)", target=targets.get("recovery_pct"),
        window=(flt.start, flt.end) if span[0] < flt.start else None,
    ), width="stretch", config=charts.CONFIG)
    shaded = "; the shaded part is the selected dates" if span[0] < flt.start else ""
    st.caption(f"{fmt.window(*span)}: at least the year up to the selected end{shaded}. Line: the recovery rate, "
               f"with its likely range as a band; grey bars: the failures with an outcome per {grain}; dashed: the "
               f"target. Pale points: fewer than {fmt.SMALL_N} failures.")
    frame.download(trend, f"recovery-trend-{grain}", "the trend", key="dl-recovery-trend")

# ---------------------------------------------------------------- who to contact
followup_panel.show("recovery", page)

# ---------------------------------------------------------------- method notes
with st.expander("How this is measured"):
    st.markdown(f"""
- **Service failure**: a ticket of type {failure_types}. **Recovered**: resolved, with a post-ticket
  CSAT of {conf['recovered_csat_min']} or more. **Not recovered**: a post-ticket CSAT below that, or still
  unresolved {conf['unresolved_days']} days after creation (counted up to the data's as-of time). The recovery
  rate counts only failures with one of these outcomes.
- **The three groups**: *no failure* is the NPS answers of customers who never had a failure ticket; *after a
  recovered / failed recovery* is each failure's first NPS answer within {window_days} days after it.
- **Ranges and margins** are 95%: the NPS margin of error, and the Wilson interval for a share (it stays within
  0–100% for small groups). The margin of a gap between two NPS is √(a² + b²) of their two margins; two shares
  are compared with the two-proportion z-test on the counts behind them. A side with fewer than
  {readings.MIN_N} answers (or failures) is "too few to tell", never a finding.
- **Drivers**: *fast* is a first reply within 4 hours; *unknown* means the export does not say whether the
  business apologized or compensated. The compensation comparison uses only failures whose export says both.
  Mixed processes are where Wirtz & Mattila (2004) found compensation matters most.
- **Over time**: failures are placed by the day they were created.

The definitions are in docs/metrics.md; how the readings decide is in docs/dashboard-analyses.md.
""")
    st.markdown(evidence_panel.method(conf))
