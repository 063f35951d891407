"""Components: pieces of pages drawn in more than one place, or too long for a page file: the
segments table's columns, the drill-down tabs, a customer's history, comment cards."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cx import catalog
from cx.catalog import Measure
from dashboard import data, fmt, frame, model
from dashboard.filters import Filters

DRILL_LIMIT = 2000  # rows a drill-down table shows (the CSV download has them all)
CARDS = 25  # comments shown as readable cards above a table

col = st.column_config

def _printf(decimals: int, unit: str, sign: str = "") -> str:
    """A Streamlit number format for a value with its unit ("%.1f%%", "%+.1f pts")."""
    return f"%{sign}.{decimals}f" + unit.replace("%", "%%")


def measure_column(m: Measure):
    """A measure of the catalog as a table column: its label, unit, digits and help."""
    if m.is_count:
        return col.NumberColumn(m.label, format="%d", help=m.description or None)
    if m.kind == "margin":
        return col.NumberColumn(m.label, format="± " + _printf(m.decimals, m.unit), help=m.description or None)
    return col.NumberColumn(m.label, format=_printf(m.decimals, m.unit), help=m.description or None)


def segment_columns() -> dict:
    """The Segments table: the segment, its flags, then each Segments measure of the catalog,
    a tested one followed by its comparison against the rest and its change."""
    tested = {m.key for m in model.tested_measures()}
    columns = {
        "segment": col.TextColumn("Segment", pinned=True),
        "flags": col.TextColumn("Differs significantly", width="medium",
                                help="Differences larger than sampling noise: against the rest of the segments, "
                                     "or against the comparison period."),
    }
    measures = catalog.load().segment_measures()
    shown = {m.key for m in measures}
    for m in measures:
        if m.key in columns:
            continue  # a margin, placed beside its value
        columns[m.key] = measure_column(m)
        if m.margin in shown:
            columns[m.margin] = measure_column(catalog.load().by_key[m.margin])
        if m.key in tested:
            p = model.short(m)
            columns[f"{p}_vs_rest"] = col.TextColumn(f"{m.label} vs rest")
            columns[f"{p}_change"] = col.NumberColumn(
                f"{m.label} change", format=_printf(m.decimals, m.delta_unit, "+"),
                help="Against the comparison period.",
            )
    return columns


KPI_COLUMNS = {
    "metric": col.TextColumn("Metric"),
    "now": col.TextColumn("Selected dates"),
    "comparison": col.TextColumn("Comparison period"),
    "change": col.TextColumn("Change"),
}
# The download keeps the key `python -m cx metrics` prints, for analysts who join the two.
KPI_HEADERS = {"metric": "Metric", "now": "Selected dates", "comparison": "Comparison period", "change": "Change",
               "key": "Key"}

CHANGE_COLUMNS = {
    "metric": col.TextColumn("Metric"),
    "comparison": col.TextColumn("Comparison period"),
    "now": col.TextColumn("Selected dates"),
    "change": col.TextColumn("Change"),
    "direction": col.TextColumn(""),
}


def segment_display(table: pd.DataFrame, compare_label: str) -> pd.DataFrame:
    out = table[list(segment_columns())].copy()
    marks = {"higher": "▲ higher", "lower": "▼ lower", "like the rest": "·", "too few to test": "too few"}
    for m in model.tested_measures():
        out[f"{model.short(m)}_vs_rest"] = out[f"{model.short(m)}_vs_rest"].map(marks)
    return out


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
            f"{p}_low": f"{name} likely from", f"{p}_high": f"{name} likely to",
        }
    keep = [c for c in table.columns if c != "is_total"]
    return table[keep].rename(columns=headers)


# ---------------------------------------------------------------- drill-down


def _pick_customer(table_key: str, frame_ids: list) -> None:
    rows = st.session_state[table_key].selection.rows
    if rows and rows[0] < len(frame_ids) and frame_ids[rows[0]]:
        st.session_state["customer"] = frame_ids[rows[0]]
        st.session_state["view"] = "Customer"


def drill_down(flt: Filters, dim: str, seg: str, query: str, customer_id: str) -> None:
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
        column_config={"submitted_at": col.DatetimeColumn("Submitted (UTC)", format="YYYY-MM-DD HH:mm"),
                       "comment": col.TextColumn("Comment", width="large")},
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
        column_config={
            "created_at": col.DatetimeColumn("Created (UTC)", format="YYYY-MM-DD HH:mm"),
            "first_response_hours": col.NumberColumn("First response", format="%.1f h"),
            "resolution_hours": col.NumberColumn("Resolution", format="%.1f h"),
            "promise_kept": col.CheckboxColumn("Promise kept"),
            "post_csat": col.NumberColumn("Post-ticket CSAT", format="%d"),
            "outcome": col.TextColumn("Recovery"),
            "outcome_reason": col.TextColumn("Why"),
            "post_comment": col.TextColumn("Post-ticket comment", width="large"),
        },
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
        column_config={
            "posted_at": col.DatetimeColumn("Posted (UTC)", format="YYYY-MM-DD HH:mm"),
            "replied_at": col.DatetimeColumn("Replied (UTC)", format="YYYY-MM-DD HH:mm"),
            "rating": col.NumberColumn("Rating", format="%d ★"),
            "body": col.TextColumn("Review", width="large"),
        },
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
        column_config={
            "event_at": col.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm"),
            "kind": col.TextColumn("What"),
            "summary": col.TextColumn("Summary", width="large"),
            "text": col.TextColumn("Comment or review", width="large"),
        },
    )
    frame.download(history, f"customer-{_safe(cid)}", "the history", key="dl-customer")


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)[:60]
