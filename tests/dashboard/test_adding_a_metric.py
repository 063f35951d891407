"""Adding a KPI is one catalog entry: a fixture entry appended to the catalog reaches the
CLI's JSON, the Overview's tiles, the Segments table, the CSV downloads and the docs, with
its value worked out by hand on the small fixture."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import duckdb
import pytest

from cx import catalog, metrics, sql
from cx.config import ROOT
from dashboard import components, model
from tests.conftest import FIXTURES
from tests.dashboard.conftest import run_app

KEY = "reopened_first_response_hours_median"
LABEL = "First reply on reopened (median)"


@pytest.fixture
def extended_catalog(tmp_path, monkeypatch):
    file = tmp_path / "catalog.toml"
    file.write_text(catalog.DEFAULT_PATH.read_text(encoding="utf-8") + "\n"
                    + (FIXTURES / "catalog" / "reopened_first_response.toml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    monkeypatch.setenv("CX_METRICS_CATALOG", str(file))
    return file


def test_the_bundled_catalog_does_not_have_it():
    assert KEY not in catalog.load().by_key


def test_one_entry_reaches_every_place(extended_catalog, monkeypatch, small_warehouse):
    # By hand: the only reopened ticket is T2 (reopens 1), answered 30 minutes after creation.
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        values = metrics.kpis(con)
        assert values[KEY] == pytest.approx(0.5) and values["reopened_answered_n"] == 1
        # In the January window only: T2 is of 10 January.
        assert metrics.kpis(con, metrics.Selection(date(2026, 2, 1), date(2026, 2, 28)))[KEY] is None
        by_team = {r["segment"]: r for r in sql.rows(con, "metrics/kpis_by_segment", start=None, end=None,
                                                      f=metrics.segment_filter(), dim="team")}
    assert by_team["Support"][KEY] == pytest.approx(0.5) and by_team["Billing"][KEY] is None

    # The command line, in its own process: among the metrics, before the samples.
    out = subprocess.run(
        [sys.executable, "-m", "cx", "metrics", "--warehouse", str(small_warehouse), "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ},
    )
    printed = json.loads(out.stdout)
    keys = list(printed)
    assert printed[KEY] == pytest.approx(0.5)
    assert keys.index(KEY) < keys.index("nps_n")

    # The Overview: a tile whose caption counts what its value measured.
    at = run_app(monkeypatch, small_warehouse)
    tile = next(m for m in at.metric if m.label == LABEL)
    assert tile.value == "0.5 h"
    captions = [c.value for c in at.caption]
    assert any("1 reopened answered ticket" in c for c in captions)
    kpis_table = next(d.value for d in at.dataframe if "metric" in d.value.columns)
    assert LABEL in set(kpis_table["metric"])

    # Segments: a column of the table, and the CSV download's header.
    at = run_app(monkeypatch, small_warehouse, page="segments", query={"dim": "Team"})
    # A tickets measure: in the table's part for tickets, recovery and reviews.
    shown = [d.value for d in at.dataframe if "segment" in d.value.columns]
    assert KEY in shown[1].columns
    assert KEY in components.segment_columns() and KEY in components.segment_columns("service")
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        now = sql.frame(con, "metrics/kpis_by_segment", start=None, end=None, f=metrics.segment_filter(), dim="team")
    table = model.segment_table(now, now)
    exported = components.segment_export(table)
    assert "First reply on reopened (median, h)" in exported.columns
    assert LABEL in set(model.segment_changes(table, now, now, "Support")["metric"])

    # The docs' table of ticket metrics.
    assert f"| `{KEY}` | {LABEL} |" in catalog.docs_table("tickets")


def test_a_broken_catalog_is_said_on_the_page(tmp_path, monkeypatch, small_warehouse):
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP

    bad = tmp_path / "catalog.toml"
    bad.write_text("[[measure]\n", encoding="utf-8")
    monkeypatch.setenv("CX_METRICS_CATALOG", str(bad))
    monkeypatch.setenv("CX_WAREHOUSE", str(small_warehouse))
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    assert not at.exception
    assert any("metrics catalog could not be read" in e.value and str(bad) in e.value for e in at.error)
