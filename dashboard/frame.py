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


def page(title: str, *, caption: str | None = None, upload_hint: bool = False) -> Page | None:
    """Start a page: title, freshness line; the filters the entry point drew. None when there
    is no warehouse (the message with the command to build one has been shown)."""
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
    freshness(src, fresh, conf)
    return Page(src, conf, first_day, last_day, flt)


def freshness(src: data.Source, fresh: dict, conf: Settings, now: datetime | None = None) -> None:
    """Data as of, last refresh, and a warning when the data is stale or the last refresh
    attempt was blocked."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    as_of = _as_of(fresh)
    refreshed = fresh.get("refreshed_at")
    parts = [f"Data as of **{fmt.moment(as_of)}**" if as_of else "Data as of **unknown**"]
    if refreshed:
        parts.append(f"last refresh {fmt.moment(refreshed)} ({fmt.ago(refreshed, now)})")
    st.caption(" · ".join(parts) + f" · `{src.target.name}`")
    if as_of is not None:
        age_days = (now - as_of).total_seconds() / 86400
        if age_days > conf.stale_after_days:
            st.warning(
                f"The data is stale: the newest event is {age_days:.0f} days old "
                f"(more than the {conf.stale_after_days} days allowed in config/cx.toml). "
                "Add the latest exports and refresh (Data page).",
                icon=":material/schedule:",
            )
    attempts = data.refresh_attempts(src, limit=1)
    if attempts and not attempts[0].get("published"):
        last = attempts[0]
        st.warning(
            f"The last refresh attempt ({last.get('started_at', '?')}) was blocked, so this is still the "
            f"data of the refresh before it: {last.get('message', '')}",
            icon=":material/block:",
        )


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
