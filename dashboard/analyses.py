"""Pieces shared by the analysis pages (recovery, promises, high-expectation customers,
reviews): their query parameters, tiles, readings and table columns.

The numbers come from queries/metrics/*.sql through dashboard.data; the readings from
dashboard.readings. Nothing here computes a metric.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

from cx import stats
from cx.config import link
from dashboard import analysis_charts as charts
from dashboard import data, fmt, frame, model, readings
from dashboard.filters import Filters

col = st.column_config


SETTING_KEYS = ("failure_types", "unresolved_days", "loyalty_window_days", "recovered_csat_min",
                "promise_on_time_hours", "lookback_days", "min_signals", "demanding_csat_max",
                "long_comment_chars", "many_comments", "many_tickets")


def built_with(ctx: frame.Page) -> dict:
    """The thresholds the warehouse was built with (they decide the numbers; config/cx.toml may
    have changed since the refresh); the current configuration for any the warehouse lacks."""
    try:
        row = data.one_row("system/warehouse_settings")
    except duckdb.Error:  # a warehouse built before a threshold existed
        row = {}
    out = {}
    for key in SETTING_KEYS:
        value = row.get(key)
        out[key] = value if value is not None else getattr(ctx.settings, key)
    out["failure_types"] = [str(t) for t in out["failure_types"]]
    return out


def describe(ctx: frame.Page, changes: bool = True) -> str:
    """The dates and segment filters the page shows, and (`changes`: a headline rate shows its
    change) the comparison period."""
    flt = ctx.filters
    text = f"**{fmt.window(flt.start, flt.end)}**"
    if changes:
        cstart, cend = flt.comparison
        text += f" (changes against the {flt.compare_label}, {fmt.window(cstart, cend)})"
    if flt.where:
        text += " · " + " · ".join(f"{fmt.dimension_label(d)}: {', '.join(v)}" for d, v in flt.where.items())
    return text


@dataclass(frozen=True)
class Analysis:
    """What an analysis page starts from: its frame, the filters, the query parameters, the
    targets, the thresholds the warehouse was built with and the window's KPIs."""

    ctx: frame.Page
    filters: Filters
    params: dict
    targets: dict
    conf: dict
    now: dict


def open_page(title: str, caption: str, changes: bool = True) -> Analysis:
    """The analysis pages' common start: the frame (stops the page when there is no
    warehouse or no data), the line saying what the page shows (`changes`: with the
    comparison period), and the window's KPIs, the numbers `python -m cx metrics` prints."""
    ctx = frame.page(title, caption=caption)
    if ctx is None or ctx.filters is None:
        st.stop()
    flt = ctx.filters
    st.markdown(describe(ctx, changes=changes))
    return Analysis(ctx, flt, flt.params(), ctx.settings.targets, built_with(ctx),
                    data.kpis(flt.selection))


def grain_control(default: str = "month") -> str:
    """Week or month, in the URL as `grain` (the same choice as the overview's trend)."""
    return st.segmented_control(
        "Show per", ["week", "month"], format_func=str.capitalize, default=default, required=True, key="grain",
        bind="query-params", persist_state="session",
    ) or default


# ---------------------------------------------------------------- tiles


def tile(column, label: str, value: str, note: str = "", *, help: str | None = None, target: str | None = None,
         target_met: bool | None = None, small: bool = False, change: model.Tile | None = None) -> None:
    """One bordered st.metric with its target line and a caption saying what stands behind it;
    with `change` (an overview tile of the same KPI), its change against the comparison period,
    and the caption says whether that change is more than noise."""
    if change is not None:
        note += change.change_note
    with column, st.container(border=True):
        if change is None or change.delta_text is None:
            st.metric(label, value, help=help)
        else:
            st.metric(label, value, change.delta_text, delta_color=change.delta_color, delta_arrow=change.delta_arrow,
                      delta_description=change.delta_note or None, help=help)
        if target:
            color = {True: "green", False: "red", None: "gray"}[target_met]
            st.markdown(f":{color}[{target}]")
        if note:
            st.caption((":material/warning: " if small else "") + note)


def compared(ctx: frame.Page, key: str, now: dict) -> model.Tile:
    """The overview's tile of KPI `key` for the page's filters: its change against the
    comparison period (grey when within noise), the same numbers and test as the overview."""
    flt = ctx.filters
    return model.tile(key, now, data.kpis(flt.comparison_selection), ctx.settings.targets, flt.compare_label)


def target_text(value: float | None, target: float | None, unit: str, decimals: int = 1,
                delta_unit: str = " pts", higher_is_better: bool = True) -> tuple[str | None, bool | None]:
    """('Target 70% · 12.5 pts below', False), as the overview's tiles say it."""
    if target is None:
        return None, None
    shown = fmt.number(target, 0 if float(target).is_integer() else 1, unit)
    gap = stats.target_gap(value, target, higher_is_better)
    if gap is None:
        return f"Target {shown}", None
    if round(gap.gap, decimals) == 0:
        return f"Target {shown} · on target", True
    side = "above" if gap.gap > 0 else "below"
    return f"Target {shown} · {fmt.number(abs(gap.gap), decimals, delta_unit)} {side}", gap.met


def nps_text(score: readings.Score) -> str:
    if score.nps is None:
        return fmt.DASH
    text = fmt.number(score.nps, 1)
    if score.moe is None or (score.moe < 0.5 and score.n < fmt.SMALL_N):  # a handful of identical answers
        return text
    return f"{text} ± {score.moe:.1f}"


def reading(r: readings.Reading) -> None:
    """A reading in the colour of what it means."""
    show = {"good": st.success, "bad": st.warning, "neutral": st.info, "unknown": st.info}[r.tone]
    icon = {"good": ":material/thumb_up:", "bad": ":material/priority_high:", "neutral": ":material/balance:",
            "unknown": ":material/help:"}[r.tone]
    show(r.text, icon=icon)


def finding(r: readings.Reading) -> None:
    """A reading in colour only when it is a finding (beyond noise: tone good or bad); one
    within noise, or with too few answers, in a plain grey frame, so that colour on the page
    always means a real difference."""
    if r.tone in ("good", "bad"):
        reading(r)
        return
    icon = ":material/balance:" if r.tone == "neutral" else ":material/help:"
    with st.container(border=True):
        st.markdown(f"{icon} {r.text}")


def band_charts(part: list[dict], scores: list[readings.Score], no_failure: readings.Score,
                target: float | None, label: str, nps_title: str, key: str) -> None:
    """Side by side, for the bands of one comparison: the recovery rate (green and red only
    for the highest and lowest when they differ beyond noise) and an NPS set against *no
    failure*. `scores`: each band's NPS; the charts' keys are `key`-rate and `key`-nps."""
    bands = [str(r["band"]) for r in part]
    comparison = readings.driver_comparison(part)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Recovery rate** by {label}")
        st.plotly_chart(charts.driver_rates(
            bands, [r["recovery_pct"] for r in part], [r["with_outcome"] for r in part],
            [comparison.verdict_of(b) if comparison else readings.WITHIN for b in bands], target=target,
        ), width="stretch", config=charts.CONFIG, key=f"{key}-rate")
    with right:
        st.markdown(f"**{nps_title}** by {label}")
        st.plotly_chart(charts.driver_nps(
            bands, [s.nps for s in scores], [s.moe for s in scores], [s.n for s in scores],
            readings.against(no_failure, scores), reference=("no failure", no_failure.nps, no_failure.moe),
        ), width="stretch", config=charts.CONFIG, key=f"{key}-nps")


def rows(df: pd.DataFrame) -> list[dict]:
    """A query result as plain dicts (NaN/NA as None), for dashboard.readings."""
    return [{k: None if fmt.is_missing(v) else v for k, v in r.items()} for r in df.to_dict("records")]


# ---------------------------------------------------------------- table columns

GROUP_COLUMNS = {
    "group": col.TextColumn("Group"),
    "responses": col.NumberColumn("NPS answers", format="localized"),
    "nps": col.NumberColumn("NPS", format="%.1f", help="Promoters minus detractors, -100 to 100."),
    "nps_moe95": col.NumberColumn("NPS ±", format="± %.1f", help="95% margin of error, in points."),
    "promoters_pct": col.NumberColumn("Promoters", format="%.1f%%"),
    "detractors_pct": col.NumberColumn("Detractors", format="%.1f%%"),
}

FUNNEL_COLUMNS = {
    "failures": col.NumberColumn("Failures", format="localized"),
    "answered": col.NumberColumn("Answered", format="localized", help="With a first public reply."),
    "resolved": col.NumberColumn("Resolved", format="localized"),
    "with_outcome": col.NumberColumn("Outcome known", format="localized",
                                     help="Recovered or not recovered (docs/metrics.md)."),
    "recovered": col.NumberColumn("Recovered", format="localized"),
    "not_recovered": col.NumberColumn("Not recovered", format="localized"),
}

DRIVER_COLUMNS = {
    "driver": col.TextColumn("Driver"),
    "band": col.TextColumn("Group", width="medium"),
    "failures": col.NumberColumn("Failures", format="localized"),
    "with_outcome": col.NumberColumn("Outcome known", format="localized"),
    "recovery_pct": col.NumberColumn("Recovery rate", format="%.1f%%"),
    "loyalty_responses": col.NumberColumn("NPS answers after", format="localized"),
    "nps_after": col.NumberColumn("NPS after", format="%.1f"),
    "nps_after_moe95": col.NumberColumn("NPS after ±", format="± %.1f"),
}

RECOVERY_TREND_COLUMNS = {
    "period": col.DateColumn("Period starting"),
    "failures": col.NumberColumn("Failures", format="localized"),
    "with_outcome": col.NumberColumn("Outcome known", format="localized"),
    "recovery_pct": col.NumberColumn("Recovery rate", format="%.1f%%"),
}

TIMING_COLUMNS = {
    "timing": col.TextColumn("Resolved"),
    "tickets": col.NumberColumn("Tickets", format="localized"),
    "share_pct": col.NumberColumn("Share", format="%.1f%%"),
    "csat_responses": col.NumberColumn("CSAT answers", format="localized"),
    "csat_pct": col.NumberColumn("CSAT", format="%.1f%%"),
    "median_hours_vs_promise": col.NumberColumn("Median vs promise", format="%+.1f h",
                                                help="Resolution time minus promised time; negative = early."),
}

PROACTIVE_COLUMNS = {
    "contact": col.TextColumn("Contact"),
    "tickets": col.NumberColumn("Tickets", format="localized"),
    "csat_responses": col.NumberColumn("CSAT answers", format="localized"),
    "csat_pct": col.NumberColumn("CSAT", format="%.1f%%"),
    "complaint_pct": col.NumberColumn("Complaints", format="%.1f%%",
                                      help="Share of these tickets that are complaints."),
    "resolution_hours_median": col.NumberColumn("Resolution, median", format="%.1f h"),
}

AGEING_COLUMNS = {
    "band": col.TextColumn("Waiting"),
    "tickets": col.NumberColumn("Tickets", format="localized"),
}

WAITING_LIMIT = 500  # waiting tickets a page lists, the longest waiting first (the CSV has them all)


def unanswered_columns(links: dict[str, str]) -> dict:
    """The waiting tickets' columns; with a [links] ticket_url, the ticket opens in the
    company's own tool."""
    columns = {
        "ticket_id": col.TextColumn("Ticket"),
        "ticket_link": col.LinkColumn("Open", display_text="open ↗") if links.get("ticket_url") else None,
        "customer_id": col.TextColumn("Customer"),
        "customer_link": col.LinkColumn("Customer page", display_text="open ↗") if links.get("customer_url") else None,
        "created_at": col.DatetimeColumn("Created (UTC)", format="YYYY-MM-DD HH:mm"),
        "waited_days": col.NumberColumn("Waiting (days)", format="%d", help="Whole days without a first reply, "
                                        "at the data's as-of time."),
        "waited_hours": col.NumberColumn("Waiting (h)", format="%d"),
        "type": col.TextColumn("Type"),
        "priority": col.TextColumn("Priority"),
        "channel": col.TextColumn("Channel"),
        "team": col.TextColumn("Team"),
    }
    return {k: v for k, v in columns.items() if v is not None}


def with_links(df: pd.DataFrame, links: dict[str, str]) -> pd.DataFrame:
    """The ticket's and the customer's links from the [links] templates, beside their ids."""
    out = df.copy()
    if links.get("ticket_url") and "ticket_id" in out:
        out["ticket_link"] = [link(links["ticket_url"], ticket_id=t) for t in out["ticket_id"]]
    if links.get("customer_url") and "customer_id" in out:
        out["customer_link"] = [link(links["customer_url"], customer_id=c) for c in out["customer_id"]]
    return out


HE_COLUMNS = {
    "segment": col.TextColumn("Customers"),
    "customers": col.NumberColumn("Active", format="localized"),
    "share_pct": col.NumberColumn("Share", format="%.1f%%"),
    "nps": col.NumberColumn("NPS", format="%.1f"),
    "nps_moe95": col.NumberColumn("NPS ±", format="± %.1f"),
    "nps_responses": col.NumberColumn("NPS answers", format="localized"),
    "csat_pct": col.NumberColumn("CSAT", format="%.1f%%"),
    "csat_responses": col.NumberColumn("CSAT answers", format="localized"),
    "first_response_hours_median": col.NumberColumn("First response, median", format="%.1f h"),
    "resolution_hours_median": col.NumberColumn("Resolution, median", format="%.1f h"),
    "tickets": col.NumberColumn("Tickets", format="localized"),
    "demanding": col.NumberColumn("Demanding", format="localized"),
    "vocal": col.NumberColumn("Vocal", format="localized"),
    "in_touch": col.NumberColumn("In touch", format="localized"),
    "influential": col.NumberColumn("Influential", format="localized"),
}

HE_TREND_COLUMNS = {
    "period": col.DateColumn("Period starting"),
    "active_customers": col.NumberColumn("Active customers", format="localized"),
    "high_expectation_customers": col.NumberColumn("High-expectation", format="localized"),
    "high_expectation_pct": col.NumberColumn("Share", format="%.1f%%"),
}

AT_RISK_ORDER = ("customer_id", "urgency", "needs", "signals", "latest_nps", "open_failures", "oldest_open_days",
                 "negative_reviews", "region", "tier", "product")

AT_RISK_COLUMNS = {
    "customer_id": col.TextColumn("Customer", pinned=True),
    "urgency": col.ProgressColumn("Urgency", format="%d", min_value=0, max_value=7, width="small",
                                  help="Open failure 3, unreplied negative review 2 + 1, negative review 1, "
                                       "detractor 1."),
    "needs": col.TextColumn("What they need", width=640),
    "signals": col.TextColumn("Signals", width="medium"),
    "region": col.TextColumn("Region"),
    "tier": col.TextColumn("Tier"),
    "product": col.TextColumn("Product"),
    "latest_nps": col.NumberColumn("Latest NPS", format="%d"),
    "open_failures": col.NumberColumn("Open failures", format="%d"),
    "oldest_open_days": col.NumberColumn("Oldest open", format="%.0f days"),
    "negative_reviews": col.NumberColumn("Negative reviews", format="%d",
                                         help="Of 2 stars or less, in the last 30 days of the window."),
}

PLATFORM_COLUMNS = {
    "platform": col.TextColumn("Platform"),
    "reviews": col.NumberColumn("Reviews", format="localized"),
    "rating_avg": col.NumberColumn("Rating", format="%.2f ★"),
    "negative_pct": col.NumberColumn("Negative", format="%.1f%%", help="Rating of 2 or less."),
    "reply_pct": col.NumberColumn("Replied", format="%.1f%%"),
    "reply_hours_median": col.NumberColumn("Time to reply, median", format="%.1f h"),
    "helpful_votes": col.NumberColumn("Helpful votes", format="localized",
                                      help="Reach: readers who found them helpful."),
    "helpful_votes_on_negative": col.NumberColumn("On negative reviews", format="localized"),
}

REVIEW_TREND_COLUMNS = {
    "period": col.DateColumn("Period starting"),
    "platform": col.TextColumn("Platform"),
    "reviews": col.NumberColumn("Reviews", format="localized"),
    "rating_avg": col.NumberColumn("Rating", format="%.2f ★"),
    "negative_pct": col.NumberColumn("Negative", format="%.1f%%"),
    "reply_pct": col.NumberColumn("Replied", format="%.1f%%"),
}

NEGATIVE_COLUMNS = {
    "review_id": col.TextColumn("Review"),
    "platform": col.TextColumn("Platform"),
    "posted_at": col.DatetimeColumn("Posted (UTC)", format="YYYY-MM-DD HH:mm"),
    "rating": col.NumberColumn("Rating", format="%d ★"),
    "title": col.TextColumn("Title", width="medium"),
    "body": col.TextColumn("Review", width="large"),
    "language": col.TextColumn("Language"),
    "customer_id": col.TextColumn("Customer"),
    "helpful_votes": col.NumberColumn("Helpful votes", format="%d"),
    "replied_at": col.DatetimeColumn("Replied (UTC)", format="YYYY-MM-DD HH:mm"),
    "reply_hours": col.NumberColumn("Time to reply", format="%.1f h"),
}


def reply_status(reply_hours) -> str:
    """'replied after 7.4 h' / 'replied after 6.8 days' / 'no reply yet'."""
    if fmt.is_missing(reply_hours):
        return "no reply yet"
    hours = float(reply_hours)
    if hours < 48:
        return f"replied after {hours:.1f} h"
    return f"replied after {hours / 24:.1f} days"


def votes(helpful_votes) -> str:
    """' · 3 helpful votes' (nothing for none or unknown)."""
    if fmt.is_missing(helpful_votes) or int(helpful_votes) <= 0:
        return ""
    n = int(helpful_votes)
    return f" · {n:,} helpful vote{'s' if n != 1 else ''}"


def stars(rating) -> str:
    if fmt.is_missing(rating):
        return ""
    r = max(0, min(5, int(rating)))
    return "★" * r + "☆" * (5 - r)
