"""The CX dashboard: `python -m cx dashboard` (or `streamlit run dashboard/app.py`).

One entry point, three pages (dashboard/app_pages/). The warehouse is read from
$CX_WAREHOUSE, else data/warehouse.duckdb, read-only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

started = time.perf_counter()  # the run's time includes the first run's imports

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the repository
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import streamlit as st  # noqa: E402

HERE = Path(__file__).resolve().parent / "app_pages"

# The tab icon is a file of ours: an emoji or a material icon as page_icon is fetched from the
# internet, and the dashboard must work offline.
st.set_page_config(page_title="CX analytics", page_icon=str(ROOT / "dashboard" / "assets" / "icon.png"), layout="wide")

from cx.catalog import CatalogError  # noqa: E402
from dashboard import data, frame  # noqa: E402

page = st.navigation([
    # The overview is the root page; it answers at /overview too, the address people copy from
    # the menu's name (the root page's own url_path is never served).
    st.Page(HERE / "overview.py", title="Overview", icon=":material/dashboard:", url_path="home", default=True),
    st.Page(HERE / "overview.py", title="Overview", url_path="overview", visibility="hidden"),
    st.Page(HERE / "segments.py", title="Segments", icon=":material/segment:", url_path="segments"),
    st.Page(HERE / "recovery.py", title="Service recovery", icon=":material/healing:", url_path="recovery"),
    st.Page(HERE / "promises.py", title="Promises", icon=":material/handshake:", url_path="promises"),
    st.Page(HERE / "high_expectation.py", title="High-expectation customers", icon=":material/star:",
            url_path="high_expectation"),
    st.Page(HERE / "reviews.py", title="Reviews", icon=":material/reviews:", url_path="reviews"),
    st.Page(HERE / "data.py", title="Data", icon=":material/database:", url_path="data"),
])

try:
    # The sidebar filters are drawn here, in the entry point, so that they are the same widgets
    # on every page: their values (and the URL that holds them) carry over to the next page.
    frame.setup(with_filters=page.url_path != "data")
    page.run()
except CatalogError as exc:  # $CX_METRICS_CATALOG names a file the product cannot read
    st.error(f"The metrics catalog could not be read: {exc}")
except duckdb.Error as exc:  # a damaged or foreign warehouse file: say so instead of a traceback
    st.error(
        "The warehouse could not be read. Rebuild it with `python -m cx refresh`, then reload this page."
        f"\n\n`{type(exc).__name__}: {exc}`"
    )
finally:  # st.stop() ends a page early by raising: still one line per run
    data.log_run(page.url_path or "overview", started)
