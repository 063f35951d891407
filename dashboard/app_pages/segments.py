"""Segments, for CX leads: every segment of a dimension side by side, what differs from the
rest and what moved, then a drill-down to the tickets, responses, reviews and customers
behind a segment."""

import streamlit as st

from cx import stats
from dashboard import charts, components, data, fmt, frame, model

ctx = frame.page("Segments", caption="Which segments lag, which moved, and why: pick a dimension, then a "
                                     "segment to read its tickets, responses and reviews.")
if ctx is None or ctx.filters is None:
    st.stop()
flt = ctx.filters
st.markdown(flt.describe())

# The dimensions to compare by, most asked-for first (the data layer checks each against
# cx.schema.DIMENSIONS before it reaches a query).
DIMS = ("region", "product", "tier", "channel", "team", "high_expectation", "language", "type", "priority",
        "agent", "platform")

left, right = st.columns([2, 1])
dim = left.selectbox(
    "Compare segments by", DIMS, format_func=fmt.dimension_label, key="dim", bind="query-params",
    persist_state="session",
    help="High-expectation customers show two or more of the contract's four signals (demanding, vocal, "
         "in touch, influential) over the year up to the window's end.",
)
metric = right.segmented_control(
    "Chart", ["nps", "csat"], format_func=str.upper, default="nps", required=True, key="metric",
    bind="query-params", persist_state="session",
) or "nps"
dim_label = fmt.dimension_label(dim)

now = data.run_query("metrics/kpis_by_segment", **flt.params(), dim=dim)
before = data.run_query("metrics/kpis_by_segment", **flt.comparison_params(), dim=dim)
table = model.segment_table(now, before)

if table.empty:
    frame.empty(f"No survey responses, tickets or reviews match these dates and filters, so there are no "
                f"{dim_label.lower()} segments to compare. Widen the dates or clear a filter.")
    st.stop()

segments = table["segment"].tolist()
# A segment picked in the URL (the overview's "Why?", a shared link, or a pick on this page,
# which the URL keeps): its drill-down is at the foot of the page, so say so at the top.
linked = st.query_params.get("seg")
if linked in segments:
    st.markdown(f":material/arrow_downward: [{dim_label}: {fmt.md(linked)}: what changed, and its tickets, "
                "responses and reviews](#drill-down)")


def _pick_segment() -> None:
    rows = st.session_state["segment_table"].selection.rows
    if rows:
        st.session_state["seg"] = segments[rows[0]]


st.subheader(f"{dim_label} segments")
frame.table(
    components.segment_display(table, flt.compare_label),
    column_config=components.segment_columns(), on_select=_pick_segment, selection_mode="single-row",
    key="segment_table",
)
st.caption(
    "NPS ± its 95% margin of error. *vs rest*: the segment against all other segments together; *change*: "
    f"against the {flt.compare_label}. Flags mark differences larger than sampling noise (5% level after a "
    f"false-discovery correction over the page; at least {stats.MIN_TEST_N} answers on each side). "
    "Select a row to drill down."
)
frame.download(components.segment_export(table), f"segments-{dim}", "the segments", key="dl-segments")

total = now[now["is_total"]]
overall = None
if not total.empty:
    overall = data.as_float(total.iloc[0]["nps" if metric == "nps" else "csat_pct"])

st.markdown(f"**{metric.upper()} by {dim_label.lower()}**, with 95% ranges")
if table[charts.METRICS[metric][0]].notna().any():
    st.plotly_chart(charts.segment_bars(table, metric, dim_label, overall), width="stretch",
                    config={"displaylogo": False})
else:
    frame.empty(f"No {metric.upper()} answers in these segments"
                + (": review platforms carry reviews only." if dim == "platform" else "."))

span = stats.span_at_least(flt.start, flt.end, 365, ctx.first_day)
st.markdown(f"**{metric.upper()} by month**, {fmt.window(*span)}")
monthly = data.run_query("pages/segment_month", start=span[0], end=span[1], f=flt.f, dim=dim)
if monthly.empty or monthly[charts.METRICS[metric][1]].sum() == 0:
    frame.empty("No survey answers to show by month for these segments.")
else:
    st.plotly_chart(charts.segment_heatmap(monthly, metric, dim_label, segments), width="stretch",
                    config={"displaylogo": False})
    st.caption(f"Cells with fewer than {charts.HEATMAP_MIN_N} answers are left blank.")

# ---------------------------------------------------------------- drill-down
st.divider()
seg = st.selectbox(
    "Drill down into", segments, index=None, key="seg", bind="query-params", persist_state="session",
    placeholder=f"Pick a {dim_label.lower()} (or select a row above)",
)
if seg is None:
    st.stop()

st.subheader(f"{dim_label}: {fmt.md(seg)}", anchor="drill-down")
st.markdown(f"**What changed** against the {flt.compare_label}")
frame.table(model.segment_changes(now, before, seg), column_config=components.CHANGE_COLUMNS, height="content")

search_col, customer_col = st.columns([3, 2])
query = search_col.text_input(
    "Search", key="q", bind="query-params", placeholder="Words in comments or reviews, or a ticket, response, "
                                                         "review or customer id",
)
customer = customer_col.text_input(
    "Customer", key="customer", bind="query-params",
    placeholder="A customer id, or select a row below", help="Opens the customer's full history (Customer tab).",
)
components.drill_down(flt, dim, seg, query or "", (customer or "").strip())
