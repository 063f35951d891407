"""Segments, for CX leads: every segment of a dimension side by side, what differs from the
rest and what moved, then a drill-down to the tickets, responses, reviews and customers
behind a segment, opened right under the table."""

import streamlit as st

from cx import stats
from dashboard import access, charts, components, data, fmt, frame, model

# The comparison's notice is this page's own (per dimension, with the other comparison's data).
ctx = frame.page("Segments", comparison=False,
                 caption="Which segments lag, which moved, and why: pick a dimension, then a segment to read its "
                         "tickets, responses and reviews.")
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


def label(segment: str) -> str:
    return fmt.segment_label(dim, segment)


def heading(segment: str) -> str:
    """"Middle East & North Africa (MENA)": the name, and the code the picker and the URL use."""
    name = label(segment)
    return name if name == segment else f"{name} ({segment})"


# A segment picked (in a table, or in the URL: the overview's "Why?", a shared link): its
# drill-down opens under the tables, so the top of the page points to it.
# (After a pick, the callback has set the picker's state while the URL still names the old one.)
linked = st.session_state.get("seg", st.query_params.get("seg"))
if linked in segments and access.allows(access.DRILL_DOWN):
    st.markdown(f":material/arrow_downward: [{dim_label}: {fmt.md(heading(linked))}: what changed, and its tickets, "
                "responses and reviews](#drill-down)")

compared = components.comparison_notice(flt, before, dim)

st.subheader(f"{dim_label} segments")
# Every row in view for a dimension of a few segments; a long one (36 agents) scrolls inside
# its table, so that the second table and the drill-down stay near.
rows_height = "content" if len(table) <= components.TABLE_ROWS else components.rows_height(components.TABLE_ROWS)
for part, title in components.SEGMENT_PARTS.items():
    st.markdown(f"**{title}**")
    columns = components.segment_columns(part, changes=compared)
    frame.table(
        components.segment_display(table, dim, part, changes=compared), column_config=columns,
        column_order=list(columns), on_select=components.pick_segment(f"segment_table_{part}", segments),
        selection_mode="single-row", key=f"segment_table_{part}", height=rows_height,
    )
noun = dim_label.lower()
st.caption(
    "NPS ± its 95% margin of error. *vs rest*: against all other segments together"
    + (f"; *change*: against the {flt.compare_label}" if compared else "")
    + f". ▲ ▼ and colour: larger than sampling noise (5% false-discovery rate over these {noun} segments and "
    f"NPS and CSAT, at least {stats.MIN_TEST_N} answers on each side)."
    + (" The changes are tested as the Overview's biggest movers are, so both flag the same ones; the changes "
       f"of {model.NOT_SET} are not tested: it mixes whatever has no {noun}." if compared else "")
    + (" Select a row to open its drill-down below." if access.allows(access.DRILL_DOWN) else "")
)
frame.download(components.segment_export(table), f"segments-{dim}", "the segments", key="dl-segments")

# ---------------------------------------------------------------- drill-down
# The picker lists the segments as the URL carries them (a region's code): a link from the
# Overview's movers names the segment so, and a bound widget reads its URL value as shown.
seg = st.selectbox(
    "Drill down into", segments, index=None, key="seg", bind="query-params", persist_state="session",
    placeholder=f"Pick a {dim_label.lower()} (or select a row above)",
) if access.allows(access.DRILL_DOWN) else None
if seg is not None:
    with st.container(border=True):
        st.subheader(f"{dim_label}: {fmt.md(heading(seg))}", anchor="drill-down")
        components.scroll_to_drill_down()
        st.markdown(f"**What changed** against the {flt.compare_label}")
        if not compared:
            frame.empty(f"Nothing to compare: the {flt.compare_label} has no data (see above).")
        elif not model.has_data(before, seg):
            frame.empty(f"{label(seg)} has no survey responses, tickets or reviews in the {flt.compare_label} "
                        f"({fmt.window(*flt.comparison)}): there is nothing to compare it with.")
        else:
            frame.table(components.change_display(model.segment_changes(table, now, before, seg)),
                        column_config=components.CHANGE_COLUMNS, column_order=list(components.CHANGE_COLUMNS),
                        height="content")
            st.caption("Larger than noise first, then by size. Only NPS and CSAT have a test here (the table's); "
                       "a change is coloured only when it is larger than noise.")

        search_col, customer_col = st.columns([3, 2])
        query = search_col.text_input(
            "Search", key="q", bind="query-params", placeholder="Words in comments or reviews, or a ticket, "
                                                                 "response, review or customer id",
        )
        customer = customer_col.text_input(
            "Customer", key="customer", bind="query-params",
            placeholder="A customer id, or select a row below",
            help="Opens the customer's full history (Customer tab).",
        )
        components.drill_down(flt, dim, seg, query or "", (customer or "").strip())

# ---------------------------------------------------------------- charts
st.divider()
labels = tuple(label(s) for s in segments)
total = now[now["is_total"]]
overall = None
if not total.empty:
    overall = data.as_float(total.iloc[0]["nps" if metric == "nps" else "csat_pct"])

st.markdown(f"**{metric.upper()} by {dim_label.lower()}**, with 95% ranges")
if table[charts.METRICS[metric][0]].notna().any():
    st.plotly_chart(charts.segment_bars(table, metric, dim_label, overall, labels), width="stretch",
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
    st.plotly_chart(charts.segment_heatmap(monthly, metric, dim_label, segments, labels), width="stretch",
                    config={"displaylogo": False})
    st.caption(f"Green: above all {dim_label.lower()} segments together over these months, red: below; the "
               f"deeper, the further. Cells with fewer than {charts.HEATMAP_MIN_N} answers are left blank.")

# ---------------------------------------------------------------- key drivers
# Weighing the drivers reads every answered ticket of the selection: on a few hundred thousand
# tickets it takes seconds, so there it waits for the reader to ask (in a fragment: asking
# redraws this section alone).


@st.fragment
def drivers_section() -> None:
    st.subheader(f"What drives post-ticket {metric.upper()}")
    tickets = int(total.iloc[0]["tickets"] or 0) if not total.empty else 0
    if tickets > components.AUTO_DRIVER_TICKETS and not st.toggle(
            f"Weigh the drivers for these {fmt.count(tickets)} tickets (takes a few seconds)", key="drivers_on"):
        return
    found = data.drivers(flt.selection, metric)
    st.markdown(found.reading)
    if not found.drivers:
        return
    st.plotly_chart(charts.driver_bars(tuple(found.drivers)), width="stretch", config={"displaylogo": False})
    st.caption(
        f"Each bar: how much of what the support experience explains of the post-ticket {metric.upper()} goes to "
        f"that part, with its 95% interval; {fmt.count(found.n)} tickets with an answer in these dates and filters. "
        "The same numbers as `python -m cx drivers`; docs/metrics.md says how they are computed."
    )
    with st.expander("The drivers as a table, with the direction of each"):
        shown = components.drivers_table(found.drivers)
        frame.table(shown, column_config=components.DRIVER_COLUMNS, column_order=list(components.DRIVER_COLUMNS))


st.divider()
drivers_section()
