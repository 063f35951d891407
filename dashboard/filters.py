"""The sidebar filters shared by the pages, kept in the URL so that a link reproduces a view.

Every filter widget is bound to a query parameter (`bind="query-params"`): `?dates=2026-07-01&
dates=2026-09-30&compare=year&region=EU&region=NA`. A filter at its default is left out of the
URL; without `dates` the window is the last 90 days up to the newest data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import streamlit as st

from cx import stats
from cx.metrics import Selection
from dashboard import data, fmt

DEFAULT_DAYS = stats.DEFAULT_WINDOW_DAYS
FILTER_DIMENSIONS = ("region", "product", "tier", "channel", "team", "platform")
COMPARE = {"previous": "previous period", "year": "same period last year"}

FILTER_HELP = {
    "team": "Tickets, and surveys sent after a ticket. Relationship surveys and reviews have no team: "
            "filtering by team leaves them out.",
    "platform": "Reviews only: filtering by platform leaves out surveys and tickets.",
    "channel": "The ticket's channel, or the channel the survey came through.",
}


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    compare: str  # "previous" or "year"
    where: dict[str, list[str]] = field(default_factory=dict)  # dimension -> allowed values
    first_day: date | None = None  # the data's span
    last_day: date | None = None

    @property
    def comparison(self) -> tuple[date, date]:
        return stats.comparison_window(self.start, self.end, self.compare)

    @property
    def selection(self) -> Selection:
        """The window and segments, as every metric query takes them (the CLI's too)."""
        return Selection(self.start, self.end, self.where)

    @property
    def comparison_selection(self) -> Selection:
        return Selection(*self.comparison, self.where)

    @property
    def f(self) -> dict[str, list[str]]:
        """The $f parameter of the queries."""
        return self.selection.f

    def params(self) -> dict:
        return self.selection.params()

    def comparison_params(self) -> dict:
        return self.comparison_selection.params()

    def comparison_gap(self) -> str | None:
        """"none" when the comparison period ends before the first data, "partial" when it
        starts before it, None when the data covers it."""
        if self.first_day is None:
            return None
        cstart, cend = self.comparison
        if cend < self.first_day:
            return "none"
        return "partial" if cstart < self.first_day else None

    def other_comparison_with_data(self) -> str | None:
        """The other comparison mode, when its period holds data."""
        if self.first_day is None:
            return None
        for mode in COMPARE:
            if mode != self.compare and stats.comparison_window(self.start, self.end, mode)[1] >= self.first_day:
                return mode
        return None

    @property
    def compare_label(self) -> str:
        return COMPARE[self.compare]

    def describe(self) -> str:
        cstart, cend = self.comparison
        text = f"**{fmt.window(self.start, self.end)}** compared with {self.compare_label} ({fmt.window(cstart, cend)})"
        if self.where:
            parts = [f"{fmt.dimension_label(d)}: {', '.join(v)}" for d, v in self.where.items()]
            text += " · " + " · ".join(parts)
        return text


def quick_ranges(first_day: date, last_day: date) -> dict[str, tuple[date, date]]:
    """Named windows, all ending at (or before) the newest data."""
    q_start = date(last_day.year, 3 * ((last_day.month - 1) // 3) + 1, 1)
    prev_q_end = q_start - timedelta(days=1)
    prev_q_start = date(prev_q_end.year, 3 * ((prev_q_end.month - 1) // 3) + 1, 1)
    ranges = {
        "Last 30 days": stats.trailing_window(last_day, 30, first_day),
        "Last 90 days": stats.trailing_window(last_day, DEFAULT_DAYS, first_day),
        "This quarter": (max(q_start, first_day), last_day),
        "Last quarter": (max(prev_q_start, first_day), prev_q_end),
        "Last 12 months": stats.trailing_window(last_day, 365, first_day),
        "All data": (first_day, last_day),
    }
    return {k: v for k, v in ranges.items() if v[0] <= v[1]}


def _apply_quick_range(ranges: dict[str, tuple[date, date]]) -> None:
    choice = st.session_state.get("quick_range")
    if choice in ranges:
        st.session_state["dates"] = ranges[choice]
    st.session_state["quick_range"] = None


def sidebar(first_day: date, last_day: date) -> Filters:
    """Draw the filters in the sidebar and return what they select."""
    default = stats.trailing_window(last_day, DEFAULT_DAYS, first_day)
    ranges = quick_ranges(first_day, last_day)
    options = data.run_query("pages/filter_options")
    with st.sidebar:
        st.markdown("#### Filters")
        st.pills(
            "Quick ranges", list(ranges), key="quick_range", on_change=_apply_quick_range, args=(ranges,),
            label_visibility="collapsed",
        )
        picked = st.date_input(
            "Dates", value=default, min_value=first_day, max_value=last_day, key="dates",
            bind="query-params", persist_state="session", format="YYYY-MM-DD",
            help=f"Whole days. The data runs from {first_day} to {last_day}; by default the last "
                 f"{DEFAULT_DAYS} days up to the newest data.",
        )
        start, end = _window(picked, default)
        compare = st.radio(
            "Compare with", list(COMPARE), format_func=lambda k: COMPARE[k].capitalize(), key="compare",
            bind="query-params", persist_state="session",
            help="Previous period: the same number of days just before. Same period last year: the same "
                 "dates a year earlier.",
        )
        where: dict[str, list[str]] = {}
        for dim in FILTER_DIMENSIONS:
            values = options.loc[options["dimension"] == dim, "value"].tolist()
            if not values:
                continue
            chosen = st.multiselect(
                fmt.dimension_label(dim), values, key=dim, bind="query-params", persist_state="session",
                placeholder="All", help=FILTER_HELP.get(dim),
            )
            if chosen:
                where[dim] = list(chosen)
    return Filters(start, end, compare or "previous", where, first_day, last_day)


def _window(picked, default: tuple[date, date]) -> tuple[date, date]:
    if isinstance(picked, date):
        return picked, picked
    picked = tuple(picked or ())
    if len(picked) == 2:
        # A link may carry its dates in either order (?dates=2026-10-01&dates=2026-01-01): the
        # window is the days between them.
        return min(picked), max(picked)
    if len(picked) == 1:
        st.caption("Pick the last day of the range too; showing the first day alone.")
        return picked[0], picked[0]
    return default
