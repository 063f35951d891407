"""How numbers, dates and labels read on the pages: units, signs, and "—" for unknown.

A value the warehouse does not know (an empty denominator) is shown as "—" with a reason,
never as NaN, None or a misleading 0.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from cx import catalog
from cx.catalog import Measure

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


def tiles() -> tuple[Measure, ...]:
    """The Overview's tiles: the catalog's measures marked `tile`, in its order."""
    return catalog.load().tiles()


def measure(key: str) -> Measure:
    return catalog.load().by_key[key]


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


def kpi_value(kpi: Measure, value, moe=None) -> str:
    """A measure's value with its unit, and its margin (NPS ± 4.1) when it has one."""
    if is_missing(value):
        return DASH
    text = number(value, kpi.decimals, kpi.unit)
    # NPS is read as "score ± margin" by convention; a mean's margin stays out of the value
    # (it reads as part of the scale: "4.57 ± 0.08 / 7") and is said where the sample is small.
    if kpi.margin and kpi.test == "nps" and not is_missing(moe):
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


# Region codes as people say them. A code not listed here is shown as it is.
REGION_NAMES = {
    "EU": "Europe",
    "NA": "North America",
    "APAC": "Asia-Pacific",
    "LATAM": "Latin America",
    "MENA": "Middle East & North Africa",
    "IR": "Iran",
}


def segment_label(dim: str, value) -> str:
    """A segment as people read it: a known region code spelled out (EU: Europe); any other
    value, and an unknown code, as it is."""
    text = str(value)
    return REGION_NAMES.get(text, text) if dim == "region" else text
