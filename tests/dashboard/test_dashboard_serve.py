"""dashboard/serve.py: `streamlit run dashboard/app.py` with pandas and DuckDB imported first."""

from __future__ import annotations

import sys

from streamlit import delta_generator
from streamlit.web import cli

from dashboard import serve, warmup


def test_serve_runs_the_app_after_importing_the_libraries(monkeypatch):
    seen: dict = {}

    def fake_main(prog_name=None):
        seen.update(argv=list(sys.argv), prog_name=prog_name, pandas="pandas" in sys.modules)
        return 0

    monkeypatch.setattr(cli, "main", fake_main)
    monkeypatch.delenv(warmup.ENV, raising=False)
    warmed = []
    monkeypatch.setattr(warmup, "at_server_start", lambda: warmed.append(True))
    monkeypatch.setattr(sys, "argv", ["serve.py", "--server.port", "8611"])
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    assert serve.main() == 0
    assert seen == {"argv": ["streamlit", "run", str(serve.APP), "--server.port", "8611"],
                    "prog_name": "streamlit", "pandas": True}
    assert serve.APP.name == "app.py" and serve.APP.exists()
    assert warmed == [True]  # every page's default view is computed once the server answers
