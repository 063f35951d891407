"""`streamlit run dashboard/app.py`, with the dashboard's heavy modules imported at server start.

    python dashboard/serve.py --server.port 8501 --server.headless true

Streamlit imports a page's modules on the first script run, so the first reader after a
server start waited for pandas and numpy to import. Imported here, before the
server listens, they are already in sys.modules when that first run starts. Then every
page's default view is computed in the background (dashboard/warmup.py; CX_DASHBOARD_WARMUP=0
turns it off).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"


def preload() -> None:
    """The libraries every page imports (not the dashboard's modules: their cached functions
    belong to the server's runtime, which does not exist yet)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401

    import cx.metrics  # noqa: F401
    import cx.sql  # noqa: F401
    import cx.stats  # noqa: F401
    import dashboard.readings  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    preload()
    from dashboard import warmup

    # Every page's default view computed before its first reader (dashboard/warmup.py).
    os.environ.setdefault(warmup.ENV, "1")
    if warmup.enabled():
        warmup.at_server_start()
    from streamlit import delta_generator
    from streamlit.web import cli

    # Streamlit's check for "imported in a REPL instead of `streamlit run`" walks the stack with
    # inspect.stack() on the first element of the process (a noticeable share of the first page
    # view: inspect.stack reads the source of every frame). Under
    # `streamlit run` the answer is known: no.
    delta_generator._use_warning_has_been_displayed = True

    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
