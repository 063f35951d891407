"""Fixtures for the dashboard's tests: fixture warehouses, the app under AppTest, and the CLI's
numbers to compare the pages with."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cx.cli import main as cli_main
from tests.conftest import SMALL, build

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
PAGES = {"overview": "app_pages/overview.py", "segments": "app_pages/segments.py", "data": "app_pages/data.py"}


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    """A realistic warehouse (simulator.generator, 600 customers): enough answers for significance."""
    sample_data = pytest.importorskip("simulator.generator")
    base = tmp_path_factory.mktemp("sample")
    sample_data.generate(base / "data", customers=600, seed=7)
    target = base / "warehouse.duckdb"
    result = build(base / "data", target)
    assert result.published, result.message
    return target


@pytest.fixture(scope="session")
def bundled_warehouse(tmp_path_factory) -> Path:
    """The bundled data/sample (3000 customers) refreshed: the data a new user first sees, with
    the planted LATAM staffing gap from July 2026 (simulator.generator, effect 6)."""
    target = tmp_path_factory.mktemp("bundled") / "warehouse.duckdb"
    result = build(ROOT / "data" / "sample", target)
    assert result.published, result.message
    return target


@pytest.fixture
def own_warehouse(tmp_path) -> tuple[Path, Path]:
    """A warehouse of a writable copy of the small fixture: (data folder, warehouse file)."""
    data_dir = tmp_path / "data"
    shutil.copytree(SMALL, data_dir)
    target = tmp_path / "wh" / "warehouse.duckdb"
    result = build(data_dir, target)
    assert result.published, result.message
    return data_dir, target


def cli_metrics(warehouse: Path, *args: str) -> dict:
    """What `python -m cx metrics --format json` prints."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli_main(["metrics", "--warehouse", str(warehouse), "--format", "json", *args])
    assert code == 0
    return json.loads(out.getvalue())


def run_app(monkeypatch, warehouse: Path | str, page: str = "overview", query: dict | None = None,
            timeout: float = 90) -> AppTest:
    """The app at `page` with these URL query parameters; fails on any exception shown."""
    monkeypatch.setenv("CX_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page != "overview":
        at.switch_page(PAGES[page])
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown_text(at: AppTest) -> str:
    """Every piece of text a reader sees (not the tables' cells, which have a placeholder)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        parts += [m.label, m.value, m.proto.delta or ""]
    return "\n".join(parts)


NAN_WORDS = re.compile(r"\b(nan|NaN|None|NaT|<NA>|inf)\b")


def assert_no_nan(at: AppTest) -> None:
    text = shown_text(at)
    found = NAN_WORDS.findall(text)
    assert not found, f"{found} shown on the page:\n{text}"
