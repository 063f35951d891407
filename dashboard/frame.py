"""What every page shares: the warehouse check, the freshness line and the sidebar filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

from cx import export
from cx.config import ConfigError, Settings, load_settings
from dashboard import data, filters, fmt, warmup

CSS = """
<style>
.cx-text { font-size: 0.95rem; line-height: 1.5; white-space: normal; unicode-bidi: plaintext; text-align: start; }
.cx-card { border: 1px solid rgba(128,128,128,0.25); border-radius: 0.5rem; padding: 0.5rem 0.75rem;
           margin-bottom: 0.5rem; }
.cx-card-head { font-size: 0.8rem; color: rgba(110,110,120,1); margin-bottom: 0.25rem; }
/* Streamlit's default top padding (6rem) pushes the answer an executive came for below the
   first screen of a laptop. */
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
</style>
"""


@dataclass(frozen=True)
class Page:
    source: data.Source
    settings: Settings
    first_day: date
    last_day: date
    filters: filters.Filters | None


def settings() -> Settings:
    """Targets and display thresholds from config/cx.toml (read on every run: an edit shows
    without a restart)."""
    try:
        return load_settings()
    except ConfigError as exc:
        st.warning(f"The configuration could not be read, so defaults are used: {exc}")
        return Settings()


def missing_warehouse(allow_upload: bool) -> None:
    path = data.warehouse_path()
    st.error(f"There is no warehouse at `{path}` yet.")
    st.markdown(
        "Build one from the bundled sample (or your own exports) with:\n\n"
        f"```\npython -m cx refresh --data data/sample --warehouse {path}\n```\n\n"
        "then reload this page."
        + (" Or upload export files below and refresh from here." if allow_upload
           else " Or upload export files on the **Data** page and refresh from there.")
    )


_RUN = "_cx_run"  # this run's warehouse, freshness and filters, set by setup() for the page


def setup(with_filters: bool) -> None:
    """Called by the entry point before the page runs: find the warehouse and draw the filters."""
    st.session_state[_RUN] = None
    src = data.current_source()
    if src is None:
        return
    warmup.ensure(src.version)  # a new warehouse version: warm every page
    fresh = data.one_row("system/freshness")
    first_day, last_day = data.as_date(fresh.get("first_day")), data.as_date(fresh.get("last_day"))
    flt = filters.sidebar(first_day, last_day) if with_filters and first_day and last_day else None
    st.session_state[_RUN] = (src, fresh, first_day, last_day, flt)


def page(title: str, *, caption: str | None = None, upload_hint: bool = False,
         comparison: bool = True) -> Page | None:
    """Start a page: title, freshness line, a notice when the comparison period has no data
    (`comparison=False`: the page says it itself, as Segments does per dimension); the
    filters the entry point drew. None when there is no warehouse (the message with the
    command to build one has been shown)."""
    st.markdown(CSS, unsafe_allow_html=True)
    st.title(title)
    if caption:
        st.caption(caption)
    run = st.session_state.get(_RUN)
    if run is None:
        missing_warehouse(allow_upload=upload_hint)
        return None
    src, fresh, first_day, last_day, flt = run
    conf = settings()
    # File names, settings files and a blocked refresh's own message are for the analysts'
    # Data page (the one page with uploads); the other pages say what it means for the numbers.
    freshness(src, fresh, conf, for_analysts=upload_hint)
    if flt is not None and comparison:
        comparison_notice(flt)
    return Page(src, conf, first_day, last_day, flt)


def freshness(src: data.Source, fresh: dict, conf: Settings, now: datetime | None = None,
              for_analysts: bool = False) -> None:
    """Data as of and last refresh on one line, with a stale-data note; a warning when the
    last refresh attempt was blocked. Kept to one line when the data is only old, so the
    page's answer stays on the first screen."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    as_of = _as_of(fresh)
    refreshed = fresh.get("refreshed_at")
    parts = [f"Data as of **{fmt.moment(as_of)}**" if as_of else "Data as of **unknown**"]
    if refreshed:
        parts.append(f"last refresh {fmt.moment(refreshed)} ({fmt.ago(refreshed, now)})")
    if for_analysts:
        parts.append(f"`{src.target.name}`")
    if as_of is not None:
        age_days = (now - as_of).total_seconds() / 86400
        if age_days > conf.stale_after_days:
            parts.append(
                f":orange[:material/schedule: **stale**: the newest event is {age_days:.0f} days old, more than "
                f"the {conf.stale_after_days} days allowed; "
                + ("add the latest exports below and refresh]" if for_analysts
                   else "an analyst can add the latest exports on the Data page]")
            )
    st.caption(" · ".join(parts))
    attempts = data.refresh_attempts(src, limit=1)
    if attempts and not attempts[0].get("published"):
        last = attempts[0]
        when = fmt.moment(_utc(last.get("started_at"))) if _utc(last.get("started_at")) else "recently"
        if for_analysts:
            st.warning(
                f"The last refresh attempt ({when}) was blocked, so this is still the data of the refresh "
                f"before it: {last.get('message', '')}",
                icon=":material/block:",
            )
        else:
            st.warning(
                f"The last refresh attempt ({when}) was blocked, so these numbers are still those of the refresh "
                "before it. The Data page says what blocked it and how to fix it.",
                icon=":material/block:",
            )


def comparison_notice(flt: filters.Filters) -> None:
    """Say when the comparison period lies before the data (changes would read as "nothing
    moved" when nothing was there to compare), and offer the comparison that has data."""
    gap = flt.comparison_gap()
    if gap is None:
        return
    if gap == "none":
        cstart, cend = flt.comparison
        text = (f"The {flt.compare_label} ({fmt.window(cstart, cend)}) is before the first data "
                f"({fmt.day(flt.first_day)}), so there is nothing to compare with: no changes or movers are shown.")
        other = flt.other_comparison_with_data()
        if other is None:
            st.info(text + " Pick later dates to compare.", icon=":material/info:")
            return
        st.info(text, icon=":material/info:")
        st.button(f"Compare with the {filters.COMPARE[other]} instead", key="compare_fix",
                  icon=":material/compare_arrows:", on_click=set_compare, args=(other,))
    else:
        st.caption(f":material/info: The {flt.compare_label} starts before the first data "
                   f"({fmt.day(flt.first_day)}): it covers fewer days than the selected dates.")


def set_compare(mode: str) -> None:
    """A button's callback: the sidebar's comparison (a radio bound to the URL) set to `mode`."""
    st.session_state["compare"] = mode


def _utc(value) -> datetime | None:
    """A time from the refresh log (ISO text with its offset) as naive UTC, as the pages show times."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _as_of(fresh: dict) -> datetime | None:
    as_of = fresh.get("as_of")
    if isinstance(as_of, datetime):
        return as_of
    last_day = data.as_date(fresh.get("last_day"))
    if last_day is not None:
        return datetime.combine(last_day, datetime.max.time()).replace(microsecond=0)
    return None


def empty(message: str) -> None:
    st.info(message, icon=":material/info:")


def table(df: pd.DataFrame, **kwargs):
    """st.dataframe as every page shows tables: no index, full width, "—" for unknown values."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    kwargs.setdefault("placeholder", fmt.DASH)
    return st.dataframe(df, **kwargs)


def download(df: pd.DataFrame, name: str, what: str, key: str | None = None) -> None:
    """A button that downloads the table as CSV ("Download the trend (CSV)"). The CSV is made
    when the button is clicked, not on every run: a long list (every customer to call) would
    be turned into text on each rerun for a download nobody asked for."""
    st.download_button(
        f"Download {what} (CSV)", lambda: export.frame_csv(df), file_name=f"{name}.csv",
        mime="text/csv", key=key or f"dl-{name}", icon=":material/download:", on_click="ignore",
    )
