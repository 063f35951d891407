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
from dashboard import access, data, frame  # noqa: E402

# (file, title, icon, url_path, what a role needs to see it, st.Page's other arguments)
PAGES = [
    # The overview is the root page; it answers at /overview too, the address people copy from
    # the menu's name (the root page's own url_path is never served).
    ("overview.py", "Overview", ":material/dashboard:", "home", access.ANALYSIS_PAGES, {"default": True}),
    ("overview.py", "Overview", None, "overview", access.ANALYSIS_PAGES, {"visibility": "hidden"}),
    ("segments.py", "Segments", ":material/segment:", "segments", access.ANALYSIS_PAGES, {}),
    ("recovery.py", "Service recovery", ":material/healing:", "recovery", access.ANALYSIS_PAGES, {}),
    ("promises.py", "Promises", ":material/handshake:", "promises", access.ANALYSIS_PAGES, {}),
    ("high_expectation.py", "High-expectation customers", ":material/star:", "high_expectation",
     access.ANALYSIS_PAGES, {}),
    ("reviews.py", "Reviews", ":material/reviews:", "reviews", access.ANALYSIS_PAGES, {}),
    ("data.py", "Data", ":material/database:", "data", access.DATA_PAGE, {}),
]

screen = access.gate()
if screen is not None:
    # Not signed in, on no list, or a server that must not show data: every address answers
    # with the same screen (an address left out would fall back to the default page).
    st.navigation([
        st.Page(screen, title="CX analytics", url_path=url_path, default=i == 0)
        for i, (_, _, _, url_path, _, _) in enumerate(PAGES)
    ], position="hidden").run()
    st.stop()

# A page the role may not see is not listed, but stays registered at its address, where it says
# "not allowed" (an unknown address would show the overview after a "page not found").
page = st.navigation([
    st.Page(HERE / file, title=title, icon=icon, url_path=url_path, **extra) if access.allows(needs)
    else st.Page(access.not_allowed(title, needs), title=title, url_path=url_path,
                 **({"default": True} if extra.get("default") else {"visibility": "hidden"}))
    for file, title, icon, url_path, needs, extra in PAGES
])
access.sidebar()

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
