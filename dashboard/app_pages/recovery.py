"""Service recovery, for CX leads: are failures recovered, and what does a recovery do to
loyalty? The recovery paradox (or its absence) with its margin of error, the funnel from
failure to recovery, what goes with a recovery, and the recovery rate over time."""

import streamlit as st

from cx import stats
from dashboard import analyses, data, fmt, frame, readings
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

failures = int(funnel.get("failures") or 0)
if not failures:
    frame.empty(
        f"No service failure (a ticket of type {', '.join(conf['failure_types'])}) was created in these dates "
        "and filters, so there is nothing to recover. Widen the dates or clear a filter in the sidebar."
    )

# ---------------------------------------------------------------- tiles
rate = readings.Share(now.get("recovery_pct"), int(funnel.get("with_outcome") or 0))
target, met = analyses.target_text(rate.pct, targets.get("recovery_pct"), "%")
cols = st.columns(4)
analyses.tile(cols[0], "Service failures", fmt.count(now.get("failures")),
              f"{', '.join(conf['failure_types'])} tickets created in these dates",
              help="Tickets whose type is a service failure ([recovery] failure_types in config/cx.toml).")
change = analyses.compared(ctx, "recovery_pct", now)
analyses.tile(cols[1], "Recovery rate", fmt.number(rate.pct, 1, "%"),
              readings.share_note(rate, "failures with an outcome"),
              help="Failures resolved with a post-ticket CSAT of 4 or 5, of the failures whose outcome is known.",
              target=target, target_met=met, small=0 < rate.n < readings.MIN_N, change=change)
analyses.tile(cols[2], "NPS after a recovery", analyses.nps_text(recovered),
              readings.nps_note(recovered, "loyalty answers"),
              help="NPS of the first answer each customer gave within "
                   f"{conf['loyalty_window_days']} days after their failure was recovered.",
              small=0 < recovered.n < readings.MIN_N)
gap = paradox.gap
gap_text = fmt.DASH if gap is None or gap.diff is None else f"{fmt.signed(gap.diff, 1)} ± {gap.moe:.1f}"
analyses.tile(cols[3], "Recovery paradox gap", gap_text,
              {readings.ABOVE: "recovered customers are more loyal, beyond the margin",
               readings.BELOW: "recovered customers are less loyal, beyond the margin",
               readings.WITHIN: "within the margin: no real difference",
               readings.TOO_FEW: "too few answers to tell",
               readings.UNKNOWN: "no answers to compare"}[paradox.verdict],
              help="NPS after a recovery minus NPS of customers who never had a failure, in points, ± the "
                   "margin of that difference. Above 0 beyond the margin: the service recovery paradox.",
              small=paradox.verdict == readings.TOO_FEW)

# ---------------------------------------------------------------- loyalty after recovery
st.subheader("Loyalty after recovery")
if any(s.nps is not None for s in (no_failure, recovered, not_recovered)):
    analyses.reading(paradox)
    failed = readings.failed_recovery(no_failure, not_recovered)
    if failed.verdict != readings.UNKNOWN:
        st.markdown(failed.text)
    st.plotly_chart(charts.recovery_groups(groups), width="stretch", config=charts.CONFIG)
    st.caption(
        "NPS of three groups with their 95% margins of error (the bars' whiskers). *No failure*: the answers of "
        "customers who never had a failure ticket. *After a recovered / failed recovery*: each failure's first NPS "
        f"answer within {conf['loyalty_window_days']} days after it. The grey band is the no-failure NPS ± its "
        "margin. The reading tests the gap itself, whose margin is √(a² + b²) of the two groups' margins."
    )
else:
    frame.empty("No NPS answers in these dates and filters, from customers with or without a failure: no loyalty "
                "to compare. Widen the dates.")
frame.table(groups, column_config=analyses.GROUP_COLUMNS)
frame.download(groups, "recovery-groups", "the three groups", key="dl-recovery-groups")

# ---------------------------------------------------------------- funnel
st.subheader("From failure to recovery")
if failures:
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(charts.recovery_funnel(funnel, rate.pct), width="stretch", config=charts.CONFIG)
    with right:
        st.markdown(readings.funnel_reading(funnel, int(conf["unresolved_days"])))
        st.caption(
            f"*Recovered*: resolved, and the post-ticket CSAT is {conf['recovered_csat_min']} or more. *Not "
            f"recovered*: a post-ticket CSAT below that, or still unresolved {conf['unresolved_days']} days after "
            "creation (counted up to the data's as-of time)."
        )
    funnel_table = data.run_query("metrics/recovery_funnel", **p)
    frame.table(funnel_table, column_config=analyses.FUNNEL_COLUMNS)
    frame.download(funnel_table, "recovery-funnel", "the funnel", key="dl-recovery-funnel")
else:
    frame.empty("No service failures in these dates and filters.")

# ---------------------------------------------------------------- drivers
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
    part = drivers[drivers["driver"] == driver]
    label = readings.DRIVER_LABELS[driver].lower()
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Recovery rate** by {label}")
        st.plotly_chart(charts.share_bars(
            list(part["band"]), part["recovery_pct"], part["with_outcome"], name="Recovery rate",
            noun="failures with an outcome", axis_title="recovered (% of failures with an outcome)",
            target=targets.get("recovery_pct"), colors=charts.GOOD,
        ), width="stretch", config=charts.CONFIG, key="chart-driver-rate")
    with right:
        st.markdown(f"**NPS after the failure** by {label}")
        st.plotly_chart(charts.nps_bars(
            list(part["band"]), part["nps_after"], part["nps_after_moe95"], part["loyalty_responses"],
            noun="loyalty answers", height=340,
        ), width="stretch", config=charts.CONFIG, key="chart-driver-nps")
    st.caption("Whiskers: 95% ranges (recovery rate: Wilson interval; NPS: margin of error). *Unknown*: the export "
               "does not say whether the business apologized or compensated.")

    st.markdown("**Compensation, by how the failure was handled**")
    procs = readings.processes([r for r in driver_rows if r["driver"] == "combination"])
    if procs:
        st.markdown(readings.compensation_reading(procs))
        st.plotly_chart(charts.compensation(procs), width="stretch", config=charts.CONFIG, key="chart-compensation")
        st.caption(
            "Fast: a first reply within 4 hours. *Mixed*: one half of the handling went well and the other did not "
            "(fast without an apology, or slow with one): where Wirtz & Mattila (2004) found compensation matters "
            "most. Only failures whose export says both whether the business apologized and compensated."
        )
    else:
        frame.empty("No failure says both whether the business apologized and whether it compensated.")
    with st.expander("Every driver and combination (table)"):
        frame.table(drivers, column_config=analyses.DRIVER_COLUMNS)
    frame.download(drivers, "recovery-drivers", "the drivers", key="dl-recovery-drivers")

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
    st.caption(f"{fmt.window(*span)}: at least the year up to the selected end{shaded}. Failures are placed "
               "by the day they were created. The band is the 95% range; the bars are the failures with an "
               "outcome behind each point. The dashed line is the target.")
    frame.download(trend, f"recovery-trend-{grain}", "the trend", key="dl-recovery-trend")
