"""How numbers, dates and labels read on the pages: units, signs, and "—" for unknown.

A value the warehouse does not know (an empty denominator) is shown as "—" with a reason,
never as NaN, None or a misleading 0.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

DASH = "—"

# A sample smaller than this gets its margin of error spelled out next to the value.
SMALL_N = 30

DIMENSION_LABELS = {
    "region": "Region",
    "product": "Product",
    "tier": "Tier",
    "language": "Language",
    "channel": "Channel",
    "team": "Team",
    "agent": "Agent",
    "type": "Ticket type",
    "priority": "Priority",
    "platform": "Review platform",
    "high_expectation": "High-expectation customer",
}


@dataclass(frozen=True)
class Kpi:
    key: str  # the key cx.metrics.kpis returns
    label: str
    unit: str  # appended to the value: "%", " h", ...
    delta_unit: str  # appended to a change: " pts" for percentages and NPS
    decimals: int
    higher_is_better: bool
    n_key: str  # the pages/kpi_counts column with its sample size
    n_noun: str  # "responses with an NPS"
    test: str | None  # "nps", "proportion" or None (no significance test for this metric)
    yes_key: str | None = None  # for "proportion": the count of yes answers
    help: str = ""


TILES: tuple[Kpi, ...] = (
    Kpi("nps", "NPS", "", " pts", 1, True, "nps_n", "responses with an NPS", "nps",
        help="Net Promoter Score: % promoters (9-10) minus % detractors (0-6), -100 to 100. "
             "± is its 95% margin of error."),
    Kpi("csat_pct", "CSAT", "%", " pts", 1, True, "csat_n", "responses with a CSAT", "proportion", "csat_ok",
        help="Share of satisfaction answers of 4 or 5 (of 5)."),
    Kpi("ces_avg", "CES", " / 7", "", 2, True, "ces_n", "responses with a CES", None,
        help="Customer effort: mean answer to 'the company made it easy for me', 1-7 (7 = very easy)."),
    Kpi("review_rating_avg", "Review rating", " ★", " ★", 2, True, "rating_n", "reviews", None,
        help="Mean star rating of public reviews posted in the window (1-5)."),
    Kpi("first_response_hours_median", "First response (median)", " h", " h", 1, False,
        "first_response_n", "answered tickets", None,
        help="Median calendar hours from ticket creation to the first public reply; lower is better."),
    Kpi("resolution_hours_median", "Resolution (median)", " h", " h", 1, False,
        "resolution_n", "resolved tickets", None,
        help="Median calendar hours from ticket creation to resolution; lower is better."),
    Kpi("recovery_pct", "Recovery rate", "%", " pts", 1, True, "recovery_n", "failures with an outcome",
        "proportion", "recovered",
        help="Service failures (incidents, problems, complaints) resolved with a post-ticket CSAT of 4+, "
             "of the failures whose outcome is known."),
    Kpi("promise_kept_pct", "Promises kept", "%", " pts", 1, True, "promise_n", "resolved tickets with a promise",
        "proportion", "promise_kept",
        help="Resolved tickets resolved by the time promised to the customer."),
)

TILE_BY_KEY = {k.key: k for k in TILES}


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isinf(value))  # NaN, NA
    except (TypeError, ValueError):
        return True


def number(value, decimals: int = 1, unit: str = "") -> str:
    if is_missing(value):
        return DASH
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0.0"
    return text + unit


def signed(value, decimals: int = 1, unit: str = "") -> str:
    """+2.1 pts, −0.4 h; '0.0 pts' without a sign."""
    if is_missing(value):
        return DASH
    rounded = round(float(value), decimals)
    if rounded == 0:
        return f"{0:.{decimals}f}{unit}"
    sign = "+" if rounded > 0 else "-"  # a hyphen-minus: st.metric reads the sign from it
    return f"{sign}{abs(rounded):,.{decimals}f}{unit}"


def count(value, noun: str = "") -> str:
    if is_missing(value):
        value = 0
    text = f"{int(value):,}"
    return f"{text} {noun}".strip()


def kpi_value(kpi: Kpi, value, moe=None) -> str:
    if is_missing(value):
        return DASH
    text = number(value, kpi.decimals, kpi.unit)
    if kpi.key == "nps" and not is_missing(moe):
        text += f" ± {float(moe):.1f}"
    return text


def day(value: date | datetime | None) -> str:
    if value is None:
        return DASH
    return f"{value:%Y-%m-%d}"


def window(start: date, end: date) -> str:
    days = (end - start).days + 1
    return f"{start:%d %b %Y} – {end:%d %b %Y} ({days} day{'s' if days != 1 else ''})"


def moment(value: datetime | None) -> str:
    if value is None:
        return DASH
    return f"{value:%Y-%m-%d %H:%M} UTC"


def ago(then: datetime, now: datetime) -> str:
    seconds = (now - then).total_seconds()
    if seconds < 0:
        return "in the future"
    if seconds < 90:
        return "just now"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def file_size(n) -> str:
    if is_missing(n):
        return DASH
    n = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GB"


def rtl_text(text) -> str:
    """Escaped text in a block whose direction follows its first strong letter (Persian reads
    right-to-left, English left-to-right)."""
    if is_missing(text):
        return ""
    return f'<div dir="auto" class="cx-text">{html_text(text)}</div>'


# Characters Markdown (and Streamlit's :color[...] and $LaTeX$) would read as syntax.
_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$")


# Every line break Markdown or a browser knows. A blank line (\r\r is one) would end the HTML
# block of a card, and what follows would be read as Markdown: an image the browser fetches.
_LINE_BREAKS = re.compile("\r\n|[\r\n\v\f\x85\u2028\u2029]")
# One table, applied in one pass, so that an entity written is never escaped again.
_ENTITIES = {ord(c): f"&#{ord(c)};" for c in _MARKDOWN_SPECIAL} | {
    ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#x27;",
}


def html_text(text) -> str:
    """User text inside an HTML block of st.markdown(unsafe_allow_html=True): HTML-escaped,
    every line break a <br> (so the block never ends early), and Markdown's characters as
    HTML entities, which show as themselves whether or not Markdown reads the text."""
    return _LINE_BREAKS.sub("<br>", str(text).translate(_ENTITIES))


def md(text) -> str:
    """A value from the exports (a segment name) as literal text inside st.markdown: a name
    such as `x](https://...)` or `:red[x]` must not become a disguised link or a colour. (A bare
    URL in a name still shows as a link to itself: Streamlit's Markdown links URLs in text.)"""
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in str(text))


def dimension_label(dim: str) -> str:
    return DIMENSION_LABELS.get(dim, dim.replace("_", " ").capitalize())
