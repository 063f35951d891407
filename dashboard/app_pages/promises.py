"""Promises and proactive contact, for CX leads: are the resolution times promised to customers
kept, does resolving early pay ("under-promise, over-deliver"), does a proactive notice help,
and which tickets still wait for a first reply."""

import streamlit as st

from dashboard import analyses, data, fmt, frame, readings
from dashboard import analysis_charts as charts

page = analyses.open_page("Promises and proactive contact",
                          caption="Whether the resolution times promised to customers are kept, what early and "
                                  "late resolutions do to satisfaction, and what a proactive notice changes.")
ctx, flt, p, targets, conf, now = page.ctx, page.filters, page.params, page.targets, page.conf, page.now
on_time_hours = float(conf["promise_on_time_hours"] or 4) or 4.0
clip_hours = max(72.0, 6 * on_time_hours)

timing = data.run_query("metrics/promise_timing", **p)
proactive = data.run_query("metrics/proactive_effect", **p)
ageing = data.run_query("metrics/unanswered_ageing", **p)
proactive_rows = analyses.rows(proactive)

if not now.get("tickets"):
    frame.empty("No tickets match these dates and filters, so there are no promises to check. Widen the dates "
                "or clear a filter in the sidebar (a review platform filter leaves out every ticket).")

# ---------------------------------------------------------------- tiles
kept = readings.Share(now.get("promise_kept_pct"), int(now.get("promise_n") or 0))
target, met = analyses.target_text(kept.pct, targets.get("promise_kept_pct"), "%")
notice = readings.Share(now.get("proactive_pct"), readings.total(proactive_rows, "tickets"))
cols = st.columns(4)
change = analyses.compared(ctx, "promise_kept_pct", now)
analyses.tile(cols[0], "Promises kept", fmt.number(kept.pct, 1, "%"),
              readings.share_note(kept, "resolved tickets with a promise"), target=target, target_met=met,
              help="Resolved tickets resolved by the time promised to the customer. An open ticket is not yet "
                   "kept or broken.", small=0 < kept.n < readings.MIN_N, change=change)
analyses.tile(cols[1], "Resolved with a promise", fmt.count(now.get("promise_n")),
              f"of {fmt.count(now.get('resolution_n'))} resolved tickets",
              help="Resolved tickets that carried a promised resolution time (promised_at).")
analyses.tile(cols[2], "Proactive notices", fmt.number(notice.pct, 1, "%"),
              readings.share_note(notice, "tickets where the export says whether"),
              help="Tickets where the business contacted the customer first (a status update, a delay notice), of "
                   "the tickets where the export says whether it did.", small=0 < notice.n < readings.MIN_N)
waiting_long = ageing.loc[ageing["band"] == "over 7 days", "tickets"]
analyses.tile(cols[3], "Unanswered tickets", fmt.count(now.get("unanswered_tickets")),
              f"{fmt.count(waiting_long.iloc[0] if not waiting_long.empty else 0)} waiting more than 7 days",
              help="Tickets created in these dates with no first public reply yet.")

# ---------------------------------------------------------------- early, on time, late
st.subheader("Early, on time or late")
timing_rows = analyses.rows(timing)
if not int(now.get("promise_n") or 0):
    frame.empty("No resolved ticket with a promise in these dates and filters.")
else:
    analyses.reading(readings.promise_reading(timing_rows))
    left, right = st.columns(2)
    with left:
        st.markdown("**How promised resolutions ended**")
        st.plotly_chart(charts.timing_bars(timing), width="stretch", config=charts.CONFIG, key="chart-timing")
    with right:
        st.markdown("**Post-ticket CSAT** of each")
        st.plotly_chart(charts.share_bars(
            list(timing["timing"]), timing["csat_pct"], timing["csat_responses"], name="CSAT",
            noun="post-ticket CSAT answers", axis_title="CSAT (% answering 4 or 5)",
            colors=[charts.GOOD, charts.ON_TIME, charts.BAD],
        ), width="stretch", config=charts.CONFIG, key="chart-timing-csat")
    st.caption(f"*Early*: resolved more than {on_time_hours:g} hours before the promised time; *on time*: within "
               f"{on_time_hours:g} hours before it, or exactly at it; *late*: after it. Whiskers: 95% ranges.")
    frame.table(timing, column_config=analyses.TIMING_COLUMNS)
    frame.download(timing, "promise-timing", "early, on time and late", key="dl-promise-timing")

    st.markdown("**Resolution time against the promise**, in hours")
    hist = data.run_query("metrics/promise_delta_histogram", **p, bin_hours=on_time_hours, clip_hours=clip_hours)
    st.plotly_chart(charts.promise_histogram(hist, clip_hours, on_time_hours), width="stretch",
                    config=charts.CONFIG, key="chart-promise-histogram")
    st.caption(f"Each bar is {on_time_hours:g} hours wide. Left of the dashed line the promise was kept; right of "
               "it, broken.")
    frame.download(hist, "promise-histogram", "the histogram", key="dl-promise-histogram")

# ---------------------------------------------------------------- proactive contact
st.subheader("Proactive contact")
if proactive.empty:
    frame.empty("No ticket in these dates and filters says whether the business contacted the customer first.")
else:
    analyses.reading(readings.proactive_reading(proactive_rows))
    left, right = st.columns(2)
    # The notice's bar is green or red only when its gap to no notice is beyond noise.
    csat_gap, complaint_gap = readings.proactive_gaps(proactive_rows)

    def colored(gap, good_side: str) -> list[str]:
        verdict = gap.verdict if gap is not None else None
        tone = (charts.GOOD if verdict == good_side else charts.BAD
                if verdict in (readings.ABOVE, readings.BELOW) else charts.NEUTRAL)
        return [tone if c == "proactive notice" else charts.NEUTRAL for c in proactive["contact"]]
    with left:
        st.markdown("**Post-ticket CSAT**, with and without a notice")
        st.plotly_chart(charts.share_bars(
            list(proactive["contact"]), proactive["csat_pct"], proactive["csat_responses"], name="CSAT",
            noun="post-ticket CSAT answers", axis_title="CSAT (% answering 4 or 5)",
            colors=colored(csat_gap, readings.ABOVE), height=300,
        ), width="stretch", config=charts.CONFIG, key="chart-proactive-csat")
    with right:
        st.markdown("**Complaints**, with and without a notice")
        st.plotly_chart(charts.share_bars(
            list(proactive["contact"]), proactive["complaint_pct"], proactive["tickets"], name="Complaints",
            noun="tickets", axis_title="complaints (% of tickets)", colors=colored(complaint_gap, readings.BELOW),
            height=300, full_scale=False,
        ), width="stretch", config=charts.CONFIG, key="chart-proactive-complaints")
    st.caption("Only tickets whose export says whether the business contacted the customer first. Whiskers: 95% "
               "ranges. A notice is often sent on harder tickets, so this is a comparison, not proof of an effect.")
    frame.table(proactive, column_config=analyses.PROACTIVE_COLUMNS)
    frame.download(proactive, "proactive-effect", "the comparison", key="dl-proactive")

# ---------------------------------------------------------------- unanswered
st.subheader("Tickets still waiting for a first reply")
if not int(now.get("unanswered_tickets") or 0):
    frame.empty("Every ticket created in these dates has a first reply.")
else:
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(charts.ageing(ageing), width="stretch", config=charts.CONFIG, key="chart-ageing")
    with right:
        frame.table(ageing, column_config=analyses.AGEING_COLUMNS)
        st.caption(f"How long each ticket created in these dates and still without a first reply has waited, at the "
                   f"data's as-of time ({fmt.moment(data.one_row('metrics/bounds').get('as_of'))}).")
        frame.download(ageing, "unanswered-ageing", "the waiting times", key="dl-ageing")
    # The tickets themselves, to work through: the longest waiting first.
    links = ctx.settings.links
    waiting = data.run_query("metrics/unanswered_tickets", **p, limit=analyses.WAITING_LIMIT)
    if not waiting.empty:
        total = int(waiting["matching"].iloc[0])
        shown = analyses.with_links(waiting.drop(columns="matching"), links)
        columns = analyses.unanswered_columns(links)
        listed = f" (the first {fmt.count(len(shown))} listed; the CSV has them all)" if total > len(shown) else ""
        st.markdown(f"**{fmt.count(total)} {'ticket' if total == 1 else 'tickets'} waiting**, the longest waiting "
                    f"first{listed}")
        frame.table(shown, column_config=columns, column_order=list(columns))
        if not links.get("ticket_url"):
            st.caption("Set `ticket_url` under [links] in the configuration to open each ticket in your help desk "
                       "from this list.")
        st.download_button(
            "Download the waiting tickets (CSV)",
            lambda: data.full_csv("metrics/unanswered_tickets", **p, limit=None), file_name="waiting-tickets.csv",
            mime="text/csv", key="dl-waiting", icon=":material/download:", on_click="ignore",
        )
