"""High-expectation customers, for CX leads: who they are, how their experience compares with
everyone else's, and the ones to call today (detractors, open failures, recent negative
reviews), most urgent first and downloadable."""

import streamlit as st

from dashboard import access, analyses, components, data, fmt, followup_panel, frame, readings
from dashboard import analysis_charts as charts

RECENT_DAYS = 30  # a negative review in the window's last 30 days puts a customer at risk
LISTED = 1000  # customers the table lists, most urgent first

page = analyses.open_page("High-expectation customers",
                          caption="Customers who show two or more of four signals over the last year (demanding, "
                                  "vocal, in touch, influential): how they fare, and which of them need a call "
                                  "today.",
                          changes=False)  # its groups are compared, not periods
ctx, flt, p, conf, now = page.ctx, page.filters, page.params, page.conf, page.now
summary = data.run_query("metrics/high_expectation_summary", **p)
# The most urgent LISTED rows: 10M tickets put 100k+ customers on the list, too many to send
# to a browser on each run (the CSV download has them all).
at_risk = data.run_query("metrics/at_risk_customers", **p, recent_days=RECENT_DAYS, limit=LISTED)
to_call = int(at_risk["matching"].iloc[0]) if not at_risk.empty else 0
by_segment = {r["segment"]: r for r in analyses.rows(summary)}
he, rest = by_segment.get("high expectation", {}), by_segment.get("everyone else", {})
he_score = readings.Score.of(he, n="nps_responses")
rest_score = readings.Score.of(rest, n="nps_responses")

if summary.empty:
    frame.empty("No customer was active (a survey answer, a ticket or a review with their id) in these dates and "
                "filters. Widen the dates or clear a filter in the sidebar.")
    st.stop()

# ---------------------------------------------------------------- tiles
cols = st.columns(4)
active = readings.total(by_segment.values(), "customers")
analyses.tile(cols[0], "High-expectation customers", fmt.count(he.get("customers")),
              f"active in these dates, of {fmt.count(active)} active customers",
              help=f"Customers with {conf['min_signals']} or more of the four signals over the "
                   f"{conf['lookback_days']} days up to the window's last day.")
analyses.tile(cols[1], "Share of active customers", fmt.number(now.get("high_expectation_pct"), 1, "%"),
              "of everyone active over the whole dates (a week's share runs higher: see Over time)",
              help="High-expectation customers among the customers active in these dates.")
analyses.tile(cols[2], "To call today", fmt.count(to_call),
              "detractors, open failures or recent negative reviews",
              help="High-expectation customers active in these dates who are a detractor at their latest NPS "
                   "answer, have a failure ticket still open, or wrote a review of 2 stars or less in the last "
                   f"{RECENT_DAYS} days of the window.")
analyses.tile(cols[3], "Their NPS", analyses.nps_text(he_score),
              readings.nps_note(he_score, "answers")
              + (f" · everyone else {analyses.nps_text(rest_score)}" if rest_score.nps is not None else ""),
              help="NPS of the survey answers of high-expectation customers in these dates, ± its 95% margin.",
              small=0 < he_score.n < readings.MIN_N)

# ---------------------------------------------------------------- at risk
st.subheader("Customers to call today")
if at_risk.empty:
    frame.empty("No high-expectation customer active in these dates is a detractor, has an open failure or wrote "
                f"a negative review in the last {RECENT_DAYS} days. Nobody to call.")
else:
    ids = [str(c) for c in at_risk["customer_id"]]
    histories = access.allows(access.CUSTOMER_HISTORY)  # an executive's role does not include them

    def _pick() -> None:
        picked = st.session_state["at_risk_table"].selection.rows
        if picked:
            st.session_state["risk_customer"] = ids[picked[0]]

    st.caption(
        f"{to_call:,} high-expectation customers, most urgent first: an open failure ticket weighs 3 (it can "
        "still be recovered), an unreplied negative review 2 + 1, a replied one 1, a detractor (NPS 0-6 at the latest "
        "answer) 1; older open failures first. "
        + (f"The {LISTED:,} most urgent are listed; the CSV download has all of them. " if to_call > LISTED
           else "")
        + ("Select a row to open the customer's history." if histories else "")
    )
    frame.table(at_risk, column_config=analyses.AT_RISK_COLUMNS, column_order=analyses.AT_RISK_ORDER,
                key="at_risk_table", **({"on_select": _pick, "selection_mode": "single-row"} if histories else {}))
    st.download_button(
        "Download the list (CSV)",
        lambda: data.full_csv("metrics/at_risk_customers", **p, recent_days=RECENT_DAYS, limit=None),
        file_name="customers-to-call.csv", mime="text/csv", key="dl-at-risk", icon=":material/download:",
        on_click="ignore",
    )
    chosen = histories and st.selectbox(
        "Customer history", ids, index=None, key="risk_customer", bind="query-params", persist_state="session",
        accept_new_options=True, placeholder="Pick or type a customer id (or select a row above)",
    )
    if chosen:
        components.customer(chosen)

# ---------------------------------------------------------------- signals
st.subheader("Which signals they show")
left, right = st.columns([3, 2])
with left:
    if int(he.get("customers") or 0):
        st.plotly_chart(charts.signals(he), width="stretch", config=charts.CONFIG, key="chart-signals")
    else:
        frame.empty("No high-expectation customer is active in these dates and filters.")
with right:
    st.markdown(
        f"- **Demanding**: gave CSAT {conf['demanding_csat_max']} or less on a ticket answered faster than "
        "the median first response.\n"
        f"- **Vocal**: wrote a comment of {conf['long_comment_chars']}+ characters, or "
        f"{conf['many_comments']}+ comments.\n"
        f"- **In touch**: opened {conf['many_tickets']}+ tickets.\n"
        "- **Influential**: wrote a public review.\n\n"
        f"All over the {conf['lookback_days']} days up to the window's last day, whatever the filters."
    )

# ---------------------------------------------------------------- compared with everyone else
st.subheader("Their experience next to everyone else's")
analyses.reading(readings.high_expectation_reading(analyses.rows(summary)))
labels = ["High-expectation customers" if s == "high expectation" else "Everyone else" for s in summary["segment"]]
colors = [charts.NPS_COLOR if s == "high expectation" else charts.NEUTRAL for s in summary["segment"]]
panels = (
    ("**NPS** ± margin", "nps", "No NPS answers from these customers in these dates.",
     lambda: charts.nps_bars(labels, summary["nps"], summary["nps_moe95"], summary["nps_responses"],
                             noun="NPS answers", colors=colors, height=320)),
    ("**CSAT**", "csat_pct", "No CSAT answers from these customers in these dates.",
     lambda: charts.share_bars(labels, summary["csat_pct"], summary["csat_responses"], name="CSAT",
                               noun="CSAT answers", axis_title="CSAT (% answering 4 or 5)", colors=colors,
                               height=320)),
    ("**First response**, median", "first_response_hours_median", "No answered tickets from these customers.",
     lambda: charts.compare_bars(labels, summary["first_response_hours_median"], unit=" h",
                                 axis_title="hours to the first reply", noun="tickets", ns=summary["tickets"],
                                 colors=colors)),
    ("**Resolution**, median", "resolution_hours_median", "No resolved tickets from these customers.",
     lambda: charts.compare_bars(labels, summary["resolution_hours_median"], unit=" h",
                                 axis_title="hours to resolution", noun="tickets", ns=summary["tickets"],
                                 colors=colors)),
)
for i, (title, column, none, figure) in enumerate(panels):
    if i % 2 == 0:
        row = st.columns(2)
    with row[i % 2]:
        st.markdown(title)
        if summary[column].notna().any():
            st.plotly_chart(figure(), width="stretch", config=charts.CONFIG, key=f"chart-he-{column}")
        else:
            frame.empty(none)
st.caption("Whiskers: 95% ranges. The medians are over the tickets these customers opened in these dates.")
frame.table(summary, column_config=analyses.HE_COLUMNS, column_order=list(analyses.HE_COLUMNS))
frame.download(summary, "high-expectation-summary", "the comparison", key="dl-he-summary")

# ---------------------------------------------------------------- over time
st.subheader("Over time")
grain = analyses.grain_control(default="week")
trend = data.run_query("metrics/high_expectation_trend", **p, grain=grain)
if trend.empty:
    frame.empty("No active customers in these dates.")
else:
    overall = now.get("high_expectation_pct")
    st.plotly_chart(charts.high_expectation_trend(trend, grain, None if fmt.is_missing(overall) else float(overall)),
                    width="stretch", config=charts.CONFIG, key="chart-he-trend")
    unit = "week" if grain == "week" else "month"
    st.caption(
        f"Each {unit}'s share counts the customers active that {unit}. High-expectation customers are in touch more "
        f"often, so they are a larger part of any one {unit}'s customers than of everyone active over the whole "
        f"dates (the dotted line, the tile's {fmt.number(overall, 1, '%')}). Each customer's status is the one at "
        "the window's last day, so the line shows when high-expectation customers were active, not when they "
        "became demanding."
    )
    frame.download(trend, f"high-expectation-trend-{grain}", "the trend", key="dl-he-trend")

# ---------------------------------------------------------------- who to contact
followup_panel.show("high_expectation", page, recent_days=RECENT_DAYS, limit=LISTED)
