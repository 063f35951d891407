"""Components: pieces of pages drawn in more than one place, or too long for a page file: the
segments table's columns, the drill-down tabs, a customer's history, comment cards."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from cx import catalog, stats
from cx.catalog import Measure
from dashboard import access, data, fmt, frame, model
from dashboard.filters import Filters

DRILL_LIMIT = 2000  # rows a drill-down table shows (the CSV download has them all)
CARDS = 25  # comments shown as readable cards above a table

col = st.column_config

def _printf(decimals: int, unit: str, sign: str = "") -> str:
    """A Streamlit number format for a value with its unit ("%.1f%%", "%+.1f pts")."""
    return f"%{sign}.{decimals}f" + unit.replace("%", "%%")


def measure_column(m: Measure, label: str | None = None):
    """A measure of the catalog as a table column: its label, unit, digits and help."""
    label = label or m.label
    if m.is_count:
        return col.NumberColumn(label, format="%d", help=m.description or None)
    if m.kind == "margin":
        return col.NumberColumn(label, format="± " + _printf(m.decimals, m.unit), help=m.description or None)
    return col.NumberColumn(label, format=_printf(m.decimals, m.unit), help=m.description or None)


KPI_COLUMNS = {
    "metric": col.TextColumn("Metric"),
    "now": col.TextColumn("Selected dates"),
    "comparison": col.TextColumn("Comparison period"),
    "change": col.TextColumn("Change"),
}
# The download keeps the key `python -m cx metrics` prints, for analysts who join the two.
KPI_HEADERS = {"metric": "Metric", "now": "Selected dates", "comparison": "Comparison period", "change": "Change",
               "key": "Key"}


# The Segments table, in two parts that each fit a laptop's width: what customers say (the
# survey measures, with the tests), and how they are served (tickets, recovery, reviews).
SEGMENT_PARTS = {"surveys": "What customers say", "service": "Tickets, recovery and reviews (times are medians)"}
# Shortened in the table's header (the part's title says "medians"), so that every column
# fits a laptop's width without a header cut short.
_SHORT = " (median)"

TABLE_ROWS = 12  # rows a Segments table shows before it scrolls inside itself


def rows_height(rows: int) -> int:
    """The height in pixels of a table that shows its header and `rows` rows (Streamlit's rows
    are 35 px, plus a border)."""
    return 35 * (rows + 1) + 3


# The colours of a change larger than noise (and of a segment that differs from the rest):
# text colour only, so a cell within noise reads as plain as any other.
BETTER_CSS = "color: #1a7f37; font-weight: 600"
WORSE_CSS = "color: #c62828; font-weight: 600"
VERSUS_MARKS = {"higher": "▲ higher", "lower": "▼ lower", "like the rest": "·", "too few to test": "too few"}


def _part(m: Measure) -> str:
    return "surveys" if m.group == "surveys" else "service"


def segment_columns(part: str | None = None, changes: bool = True) -> dict:
    """The Segments table's columns (both parts when `part` is None): the segment, then each
    Segments measure of the catalog of that part, a tested one followed by its margin, its
    comparison against the rest and its change (left out when there is nothing to compare
    with: a column of blanks would read as "nothing moved")."""
    tested = {m.key for m in model.tested_measures()}
    columns = {"segment": col.TextColumn("Segment", pinned=True)}
    cat = catalog.load()
    measures = [m for m in cat.segment_measures() if part is None or _part(m) == part]
    shown = {m.key for m in cat.segment_measures()}
    for m in measures:
        if m.key in columns:
            continue  # a margin, placed beside its value
        columns[m.key] = measure_column(m, m.label.removesuffix(_SHORT) if part == "service" else None)
        if m.margin in shown:
            columns[m.margin] = measure_column(cat.by_key[m.margin])
        if m.key in tested:
            p = model.short(m)
            columns[f"{p}_vs_rest"] = col.TextColumn(
                f"{m.label} vs rest", help=f"The segment's {m.label} against all other segments together: "
                                           "▲ higher or ▼ lower by more than noise, · within noise.")
            if changes:
                columns[f"{p}_change"] = col.NumberColumn(
                    f"{m.label} change", format=_printf(m.decimals, m.delta_unit, "+"),
                    help="Against the comparison period; coloured when larger than noise.",
                )
    return columns


def segment_display(table: pd.DataFrame, dim: str, part: str | None = None, changes: bool = True):
    """One part of the Segments table as shown: segments by name (EU: Europe), the tests as
    marks, and colour on a difference or a change only when it is larger than noise."""
    columns = list(segment_columns(part, changes))
    out = table[columns].copy()
    out["segment"] = [fmt.segment_label(dim, s) for s in out["segment"]]
    styles = pd.DataFrame("", index=out.index, columns=out.columns)
    for m in model.tested_measures():
        p = model.short(m)
        if f"{p}_vs_rest" not in out.columns:
            continue
        good = "higher" if m.higher_is_better is not False else "lower"
        styles[f"{p}_vs_rest"] = [BETTER_CSS if v == good else WORSE_CSS if v in ("higher", "lower") else ""
                                  for v in out[f"{p}_vs_rest"]]
        if changes:
            styles[f"{p}_change"] = [
                _change_css(change, m.higher_is_better) if significant else ""
                for change, significant in zip(table[f"{p}_change"], table[f"{p}_change_significant"], strict=True)
            ]
        out[f"{p}_vs_rest"] = out[f"{p}_vs_rest"].map(VERSUS_MARKS)
    return out.style.apply(lambda _: styles, axis=None)


def pick_segment(table_key: str, segments: list[str]):
    """The callback of a Segments table's row selection: open (or, unticked, close) the
    segment's drill-down, and bring it into view on the run that follows."""
    def pick() -> None:
        rows = st.session_state[table_key].selection.rows
        picked = segments[rows[0]] if rows and rows[0] < len(segments) else None
        before = st.session_state.get(f"{table_key}_picked")
        st.session_state[f"{table_key}_picked"] = picked
        if picked is not None:
            st.session_state["seg"] = picked
            st.session_state[_SCROLL] = True
        elif st.session_state.get("seg") == before:
            st.session_state["seg"] = None  # unticked the open segment (not one the other table opened since)
    return pick


_SCROLL = "_cx_scroll_to_drill_down"
# The drill-down opens right under the tables; on a pick, the page also scrolls to its heading
# (the anchor of the subheader): below the second table, the caption and the picker, it would
# still start off screen at 1440x900, let alone on a phone. The script waits for the heading,
# which the browser may draw after the script runs.
_SCROLL_JS = """<span hidden data-cx-scroll="{nonce}"></span><script>
(function () {{
  let tries = 0;
  const go = () => {{
    const el = document.getElementById("drill-down");
    if (el) {{ el.scrollIntoView({{behavior: "smooth", block: "start"}}); }}
    else if (tries++ < 50) {{ setTimeout(go, 100); }}
  }};
  go();
}})();
</script>"""


def scroll_to_drill_down() -> None:
    """Scroll to the drill-down's heading when a table row was just picked (not on every run:
    a reader who scrolled elsewhere stays where they are)."""
    if st.session_state.pop(_SCROLL, False):
        st.session_state["_cx_scroll_n"] = st.session_state.get("_cx_scroll_n", 0) + 1
        st.html(_SCROLL_JS.format(nonce=st.session_state["_cx_scroll_n"]), unsafe_allow_javascript=True)


def comparison_notice(flt: Filters, before: pd.DataFrame, dim: str) -> bool:
    """Whether there is anything to compare with. When the comparison period has no data, say
    so (blank changes must not read as "nothing moved") and offer the comparison that has."""
    cstart, cend = flt.comparison
    first = flt.first_day
    if model.has_data(before):
        if first is not None and cstart < first <= cend:
            st.caption(f":material/info: The {flt.compare_label} starts before the data does ({fmt.day(first)}): "
                       f"it covers {stats.window_days(first, cend)} of its {stats.window_days(cstart, cend)} days.")
        return True
    why = (f"the data starts on {fmt.day(first)}" if first is not None and cend < first
           else "no survey response, ticket or review matches these filters then")
    st.warning(f"The {flt.compare_label} ({fmt.window(cstart, cend)}) has no data: {why}. So no change is shown: "
               "that is not the same as nothing having moved.", icon=":material/event_busy:")
    other = dataclasses.replace(flt, compare="year" if flt.compare == "previous" else "previous")
    if model.has_data(data.run_query("metrics/kpis_by_segment", **other.comparison_params(), dim=dim)):
        st.button(f"Compare with the {other.compare_label} instead ({fmt.window(*other.comparison)})",
                  on_click=frame.set_compare, args=(other.compare,), key="compare-other",
                  icon=":material/compare_arrows:")
    else:
        st.caption(f"The {other.compare_label} has no data either: to see changes, pick dates with data before "
                   "them.")
    return False


def _change_css(change, higher_is_better: bool | None) -> str:
    better = None if fmt.is_missing(change) or higher_is_better is None else stats.is_better(change, higher_is_better)
    return {True: BETTER_CSS, False: WORSE_CSS, None: ""}[better]


def segment_export(table: pd.DataFrame) -> pd.DataFrame:
    """The Segments table for a CSV download: every column, headed as the catalog names it
    ("CSAT (%)", "First response (median, h)"); the derived columns say what they compare."""
    cat = catalog.load()
    headers = {"segment": "Segment", "flags": "Differs significantly"}
    for key in table.columns:
        if key in cat.by_key:
            headers[key] = cat.by_key[key].header
    for m in model.tested_measures():
        p, name = model.short(m), m.label
        headers |= {
            f"{p}_vs_rest": f"{name} vs rest", f"{p}_before": f"{name} in the comparison period",
            f"{p}_change": f"{name} change ({m.delta_unit.strip() or 'points'})",
            f"{p}_change_significant": f"{name} change significant",
            f"{p}_change_tested": f"{name} change tested",
            f"{p}_low": f"{name} likely from", f"{p}_high": f"{name} likely to",
        }
    keep = [c for c in table.columns if c != "is_total"]
    return table[keep].rename(columns=headers)


CHANGE_COLUMNS = {
    "metric": col.TextColumn("Metric", pinned=True),
    "comparison": col.TextColumn("Comparison period"),
    "now": col.TextColumn("Selected dates"),
    "change": col.TextColumn("Change", help="For a volume, a time or a rating, its size against the comparison "
                                            "period in brackets."),
    "direction": col.TextColumn("Better or worse", help="Volumes (responses, tickets, reviews) are neither."),
    "noise": col.TextColumn("Against noise", help="NPS and CSAT are tested, with the table's tests: larger than "
                                                  "noise, within noise, or too few answers (30 on each side) to "
                                                  "test. The other measures have no test."),
}


def change_display(changes: pd.DataFrame):
    """The What-changed table as shown: a change coloured only when it is larger than noise."""
    out = changes[list(CHANGE_COLUMNS)]
    styles = pd.DataFrame("", index=out.index, columns=out.columns)
    for column in ("change", "direction", "noise"):
        styles[column] = [
            {"better": BETTER_CSS, "worse": WORSE_CSS}.get(d, "") if sig else ""
            for d, sig in zip(changes["direction"], changes["significant"], strict=True)
        ]
    return out.style.apply(lambda _: styles, axis=None)


# ---------------------------------------------------------------- drill-down

# Every column of a drill-down table, as people read it: a label, and its unit or scale.
_WHEN = "YYYY-MM-DD HH:mm"
RESPONSE_COLUMNS = {
    "submitted_at": col.DatetimeColumn("Submitted (UTC)", format=_WHEN),
    "response_id": col.TextColumn("Response"),
    "customer_id": col.TextColumn("Customer"),
    "nps": col.NumberColumn("NPS answer (0-10)", format="%d", help="How likely to recommend us, 0-10: 9-10 "
                                                                 "promoter, 0-6 detractor."),
    "csat": col.NumberColumn("CSAT answer (1-5)", format="%d", help="Satisfaction, 1-5: 4 or 5 counts as satisfied."),
    "ces": col.NumberColumn("CES answer (1-7)", format="%d", help="'The company made it easy for me', 1-7 "
                                                                 "(7 = very easy)."),
    "comment": col.TextColumn("Comment", width="large"),
    "ticket_id": col.TextColumn("After ticket", help="The ticket the survey followed; empty for a relationship "
                                                     "survey."),
    "region": col.TextColumn("Region"),
    "product": col.TextColumn("Product"),
    "tier": col.TextColumn("Tier"),
    "channel": col.TextColumn("Channel"),
    "language": col.TextColumn("Language"),
}
TICKET_COLUMNS = {
    "created_at": col.DatetimeColumn("Created (UTC)", format=_WHEN),
    "ticket_id": col.TextColumn("Ticket"),
    "customer_id": col.TextColumn("Customer"),
    "type": col.TextColumn("Type"),
    "priority": col.TextColumn("Priority"),
    "channel": col.TextColumn("Channel"),
    "team": col.TextColumn("Team"),
    "agent": col.TextColumn("Agent"),
    "first_response_hours": col.NumberColumn("First response (h)", format="%.1f h",
                                             help="Hours from creation to the first reply; empty: never answered."),
    "resolution_hours": col.NumberColumn("Resolution (h)", format="%.1f h",
                                         help="Hours from creation to resolution; empty: not resolved."),
    "reopens": col.NumberColumn("Reopened (times)", format="%d"),
    "promise_kept": col.CheckboxColumn("Promise kept", help="Whether the reply came by the time promised; empty: "
                                                            "no promise made."),
    "post_csat": col.NumberColumn("Post-ticket CSAT (1-5)", format="%d"),
    "outcome": col.TextColumn("Recovery"),
    "outcome_reason": col.TextColumn("Why"),
    "post_comment": col.TextColumn("Post-ticket comment", width="large"),
}
REVIEW_COLUMNS = {
    "posted_at": col.DatetimeColumn("Posted (UTC)", format=_WHEN),
    "review_id": col.TextColumn("Review"),
    "platform": col.TextColumn("Platform"),
    "rating": col.NumberColumn("Rating (1-5)", format="%d ★"),
    "title": col.TextColumn("Title"),
    "body": col.TextColumn("Review", width="large"),
    "customer_id": col.TextColumn("Customer", help="Empty: an anonymous review."),
    "helpful_votes": col.NumberColumn("Helpful votes", format="%d"),
    "replied_at": col.DatetimeColumn("Replied (UTC)", format=_WHEN, help="Empty: not replied to."),
    "language": col.TextColumn("Language"),
    "region": col.TextColumn("Region"),
    "product": col.TextColumn("Product"),
}
HISTORY_COLUMNS = {
    "event_at": col.DatetimeColumn("When (UTC)", format=_WHEN),
    "kind": col.TextColumn("What"),
    "id": col.TextColumn("Id"),
    "summary": col.TextColumn("Summary", width="large"),
    "text": col.TextColumn("Comment or review", width="large"),
    "nps": col.NumberColumn("NPS answer (0-10)", format="%d"),
    "csat": col.NumberColumn("CSAT answer (1-5)", format="%d"),
    "rating": col.NumberColumn("Rating (1-5)", format="%d ★"),
}



def _pick_customer(table_key: str, frame_ids: list) -> None:
    rows = st.session_state[table_key].selection.rows
    if rows and rows[0] < len(frame_ids) and frame_ids[rows[0]]:
        st.session_state["customer"] = frame_ids[rows[0]]
        st.session_state["view"] = "Customer"


def drill_down(flt: Filters, dim: str, seg: str, query: str, customer_id: str) -> None:
    if not access.allows(access.DRILL_DOWN):  # checked here too, whichever page calls it
        st.info(access.refusal(access.DRILL_DOWN))
        return
    tabs = st.tabs(["Responses", "Tickets", "Reviews", "Customer"], key="view", bind="query-params")
    params = {**flt.params(), "dim": dim, "seg": seg, "q": query}
    with tabs[0]:
        if tabs[0].open is not False:
            _responses(params)
    with tabs[1]:
        if tabs[1].open is not False:
            _tickets(params)
    with tabs[2]:
        if tabs[2].open is not False:
            _reviews(params)
    with tabs[3]:
        if tabs[3].open is not False:
            customer(customer_id)


def _matching(df: pd.DataFrame, one: str, many: str, query: str) -> int:
    """Say how many rows match (`one`/`many`: the noun for one row and for several)."""
    n = int(df["matching"].iloc[0]) if not df.empty else 0
    found = f" matching “{query}”" if query else ""
    if n == 0:
        frame.empty(f"No {many}{found} in this segment for these dates and filters.")
    elif n > len(df):
        st.caption(f"{n:,} {many}{found}; the newest {len(df):,} are listed. The CSV download has all of them.")
    else:
        st.caption(f"{n:,} {one if n == 1 else many}{found}.")
    return n


def _responses(params: dict) -> None:
    only = st.toggle("Only responses with a comment", value=True, key="comments_only")
    df = data.run_query("pages/drill_surveys", **params, comments_only=only, limit=DRILL_LIMIT)
    tail = " with a comment" if only else ""
    if not _matching(df, "survey response" + tail, "survey responses" + tail, params["q"]):
        return
    cards = [
        (r.submitted_at, _scores(nps=r.nps, csat=r.csat, ces=r.ces), r.customer_id,
         f"after ticket {r.ticket_id}" if isinstance(r.ticket_id, str) else "", r.comment)
        for r in df.itertuples(index=False) if isinstance(r.comment, str)
    ]
    comment_cards(cards[:CARDS])
    shown = df.drop(columns="matching")
    frame.table(
        shown, key="drill_responses", selection_mode="single-row",
        on_select=_pick_customer_cb("drill_responses", shown),
        column_config=RESPONSE_COLUMNS,
    )
    st.caption("Select a row to open the customer's history.")
    _download_all("pages/drill_surveys", {**params, "comments_only": only}, "responses")


def _tickets(params: dict) -> None:
    df = data.run_query("pages/drill_tickets", **params, limit=DRILL_LIMIT)
    if not _matching(df, "ticket", "tickets", params["q"]):
        return
    shown = df.drop(columns="matching")
    frame.table(
        shown, key="drill_tickets", selection_mode="single-row",
        on_select=_pick_customer_cb("drill_tickets", shown),
        column_config=TICKET_COLUMNS,
    )
    st.caption("Select a row to open the customer's history. Recovery is set for service failures only.")
    _download_all("pages/drill_tickets", params, "tickets")


def _reviews(params: dict) -> None:
    df = data.run_query("pages/drill_reviews", **params, limit=DRILL_LIMIT)
    if not _matching(df, "review", "reviews", params["q"]):
        return
    cards = [
        (r.posted_at, f"{r.platform} · {'★' * int(r.rating)}{'☆' * (5 - int(r.rating))}",
         r.customer_id if isinstance(r.customer_id, str) else "anonymous", "",
         " — ".join(t for t in (r.title, r.body) if isinstance(t, str)))
        for r in df.itertuples(index=False) if isinstance(r.title, str) or isinstance(r.body, str)
    ]
    comment_cards(cards[:CARDS])
    shown = df.drop(columns="matching")
    frame.table(
        shown, key="drill_reviews", selection_mode="single-row",
        on_select=_pick_customer_cb("drill_reviews", shown),
        column_config=REVIEW_COLUMNS,
    )
    _download_all("pages/drill_reviews", params, "reviews")


def _pick_customer_cb(table_key: str, df: pd.DataFrame):
    ids = [c if isinstance(c, str) else None for c in df["customer_id"]]
    return lambda: _pick_customer(table_key, ids)


def _download_all(name: str, params: dict, label: str) -> None:
    full = {**params, "limit": None}
    st.download_button(
        f"Download all {label} (CSV)", lambda: data.full_csv(name, **full), file_name=f"{label}.csv",
        mime="text/csv", key=f"dl-{label}", icon=":material/download:", on_click="ignore",
    )


def _scores(**scores) -> str:
    return " · ".join(f"{k.upper()} {int(v)}" for k, v in scores.items() if not fmt.is_missing(v))


def comment_cards(cards: list[tuple]) -> None:
    """(time, scores, customer, context, text) tuples as cards; the text reads in its own
    direction (Persian right-to-left). All user text is escaped."""
    if not cards:
        return
    parts = []
    for at, scores, customer, context, text in cards:
        head = " · ".join(fmt.html_text(x) for x in (fmt.moment(at) if at is not None else "", scores, customer,
                                                        context) if x)
        parts.append(f'<div class="cx-card"><div class="cx-card-head">{head}</div>{fmt.rtl_text(text)}</div>')
    with st.container(height=420 if len(cards) > 4 else "content"):
        st.markdown("".join(parts), unsafe_allow_html=True)


# ---------------------------------------------------------------- one customer


def customer(cid: str) -> None:
    """One customer's profile and full history (not limited to the window or the filters)."""
    if not access.allows(access.CUSTOMER_HISTORY):  # checked here, whichever page calls it
        st.info(access.refusal(access.CUSTOMER_HISTORY))
        return
    if not cid:
        st.caption("A customer's full history: every ticket, survey response and review, in the whole data. "
                   "Type a customer id above, or select a row in the Responses, Tickets or Reviews tab.")
        return
    profile = data.one_row("pages/customer_profile", customer_id=cid)
    history = data.run_query("pages/customer_history", customer_id=cid)
    if not profile.get("in_customers") and history.empty:
        frame.empty(f"No customer with the id “{cid}” in the data.")
        return
    cols = st.columns(5)
    cols[0].metric("Tickets", fmt.count(profile.get("tickets")))
    cols[1].metric("Survey responses", fmt.count(profile.get("responses")))
    cols[2].metric("Reviews", fmt.count(profile.get("reviews")))
    cols[3].metric("Service failures", fmt.count(profile.get("failures")))
    cols[4].metric("High-expectation", "yes" if profile.get("is_high_expectation") else "no",
                   help="Two or more of the four signals over the last year of data.")
    attrs = [f"{k}: {profile[k]}" for k in ("region", "product", "tier", "language") if profile.get(k)]
    if profile.get("signup_at"):
        attrs.append(f"customer since {fmt.day(profile['signup_at'])}")
    signals = [n.replace("_", " ") for n in ("demanding", "vocal", "in_touch", "influential") if profile.get(n)]
    attrs.append("signals: " + ", ".join(signals) if signals else "no high-expectation signals")
    st.caption(" · ".join(attrs))
    cards = [
        (r.event_at, r.summary, r.kind, r.id, r.text)
        for r in history.itertuples(index=False) if isinstance(r.text, str)
    ]
    comment_cards(cards[:CARDS])  # the history is newest first
    frame.table(
        history,
        column_config=HISTORY_COLUMNS,
    )
    frame.download(history, f"customer-{_safe(cid)}", "the history", key="dl-customer")


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)[:60]


# ---------------------------------------------------------------- key drivers

AUTO_DRIVER_TICKETS = 200_000  # above this many tickets in the selection, the drivers wait to be asked for

DRIVER_COLUMNS = {
    "label": col.TextColumn("Driver"),
    "importance": col.NumberColumn("Share of the explained variation", format="%.0f%%"),
    "low": col.NumberColumn("95% from", format="%.0f%%"),
    "high": col.NumberColumn("95% to", format="%.0f%%"),
    "direction": col.TextColumn("Direction, holding the rest fixed", width="large"),
}
_EFFECT_WORDS = {"log": "per doubling of the wait", "none": "when there was none yet", "per unit": "per reopen",
                 "yes": "when yes", "unknown": "when not known", "kept": "when kept", "missed": "when missed",
                 "any": "when compensated"}


def drivers_table(drivers: list[dict]) -> pd.DataFrame:
    """The drivers as percentages, with each column's effect in points as a phrase."""
    rows = []
    for d in drivers:
        parts = []
        for name, points in d.get("effects", {}).items():
            if name == "log":
                points = points * 0.6931  # a coefficient per log-hour, read per doubling (ln 2)
            words = _EFFECT_WORDS.get(name, f"for {name}")
            parts.append(f"{points:+.1f} pts {words}")
        rows.append({"label": d["label"], "importance": 100 * d["importance"], "low": 100 * d["low"],
                     "high": 100 * d["high"], "direction": "; ".join(parts)})
    return pd.DataFrame(rows, columns=list(DRIVER_COLUMNS))
