"""Overview, for executives: the KPIs against the comparison period and target, the trend of
NPS and CSAT, and the segments that moved most."""

import streamlit as st

from cx import stats
from dashboard import charts, components, data, fmt, frame, model

MOVERS = 5  # movers listed; the verdict names the three largest

ctx = frame.page("Overview", caption="How customers feel and how fast we serve them, against the comparison "
                                     "period and the targets.")
if ctx is None or ctx.filters is None:
    st.stop()
flt = ctx.filters
targets = ctx.settings.targets
st.markdown(flt.describe())

# ---------------------------------------------------------------- the answer, then the KPI tiles
now = data.kpis(flt.selection)
before = data.kpis(flt.comparison_selection)
tiles = model.tiles(now, before, targets, flt.compare_label)
cstart, cend = flt.comparison
all_moves = model.movers(data.run_query(
    "pages/movers", start=flt.start, end=flt.end, cstart=cstart, cend=cend, f=flt.f
), limit=None)
moves = all_moves.head(MOVERS)

if not (now.get("responses") or now.get("tickets") or now.get("reviews")):
    frame.empty(
        "No survey responses, tickets or reviews match these dates and filters, so there is nothing to "
        "measure. Widen the dates or clear a filter in the sidebar."
    )
else:
    # Are we better or worse, and where: the executive's question, answered before any tile.
    with st.container(border=True):
        st.markdown("  \n".join(model.verdict(tiles, moves, flt.compare_label)))

for row_start in range(0, len(tiles), 4):
    for col, tile in zip(st.columns(4), tiles[row_start:row_start + 4], strict=False):
        with col, st.container(border=True):
            st.metric(
                tile.kpi.label, tile.value_text, tile.delta_text, delta_color=tile.delta_color,
                delta_arrow=tile.delta_arrow, delta_description=tile.delta_note or None, help=tile.kpi.description,
            )
            line = (":material/warning: " if tile.small else "") + tile.note
            if tile.target_text:
                color = {True: "green", False: "red", None: "gray"}[tile.target_met]
                line = f":{color}[{tile.target_text}]  \n{line}"
            st.caption(line)

# ---------------------------------------------------------------- movers
st.subheader("Biggest movers")
if flt.comparison_gap() == "none":
    frame.empty(f"The {flt.compare_label} has no data, so no segment can be compared with it.")
elif moves.empty:
    frame.empty(
        f"No region, product, tier, channel or team moved its NPS or CSAT by more than sampling noise "
        f"against the {flt.compare_label}."
    )
else:
    for m in moves.itertuples(index=False):
        unit = fmt.measure(m.key).unit
        word, color = ("up", "green") if m.change > 0 else ("down", "red")
        dim_label, segment = fmt.dimension_label(m.dimension), fmt.md(m.segment)
        said, why = st.columns([5, 1], vertical_alignment="center")
        said.markdown(
            f"- **{dim_label} {segment}**: {m.metric} :{color}[{word} "
            f"{abs(m.change):.1f} pts], from {m.before:.1f}{unit} to {m.now:.1f}{unit} "
            f"({m.n_before:,} → {m.n_now:,} answers)"
        )
        # Why: the segment's drill-down (what changed, its tickets and comments), same filters.
        why.page_link(
            "app_pages/segments.py", label="Why?", icon=":material/arrow_forward:",
            help=f"Open {dim_label} {segment} in Segments: what changed against the {flt.compare_label}, "
                 "and its tickets, responses and reviews.",
            # The filters travel with the navigation (they are bound to the URL); only the
            # segment is new.
            query_params={"dim": dim_label, "seg": str(m.segment)},
        )
    more = (f"The {MOVERS} largest of {len(all_moves)} changes larger than sampling noise; the Segments page has "
            "the rest. " if len(all_moves) > MOVERS else "Only changes larger than sampling noise are listed. ")
    st.caption(
        more + "Each dimension's segments are tested together, with a correction for testing many at once, as "
        "on the Segments page; at least 30 answers on each side."
    )
    frame.download(moves, "biggest-movers", "the movers", key="dl-movers")

# ---------------------------------------------------------------- trend


@st.fragment
def trend_section() -> None:
    """The trend and its week/month control: a fragment, so that switching the grain redraws
    the trend alone, not the tiles and movers above it."""
    st.subheader("Trend")
    grain = st.segmented_control(
        "Show per", ["week", "month"], format_func=str.capitalize, default="week", required=True, key="grain",
        bind="query-params", persist_state="session",
    ) or "week"
    span = stats.span_at_least(flt.start, flt.end, 365, ctx.first_day)
    trend = data.run_query("pages/trend", start=span[0], end=span[1], f=flt.f, grain=grain)
    if trend.empty:
        frame.empty("No survey responses or tickets match the filters in the trend's dates.")
        return
    st.plotly_chart(charts.trend(trend, grain, (flt.start, flt.end), targets), width="stretch",
                    config={"displaylogo": False})
    st.caption(
        f"{fmt.window(*span)}. The shaded part is the selected dates; the year before is shown for context. "
        f"A {grain} cut by the start or end of the data is partial: drawn faded and left out of the lines. "
        "The band around NPS is its 95% margin of error: movements inside it may be noise. "
        "Dashed lines are the targets."
    )
    frame.download(trend, f"trend-{grain}", "the trend", key="dl-trend")


trend_section()

with st.expander("All KPIs for these filters, and the counts behind them"):
    table = model.kpi_table(now, before)
    frame.table(table.drop(columns="key"), column_config=components.KPI_COLUMNS)
    frame.download(table.rename(columns=components.KPI_HEADERS), "kpis", "all KPIs", key="dl-kpis")
