"""The metrics catalog (queries/metrics/catalog.toml): read strictly, the one home of each
KPI's expression, label and format, and the source of the docs' tables."""

from __future__ import annotations

import re

import pytest

from cx import catalog, sql
from cx.metrics import KPI_KEYS

GRAIN_QUERIES = ("metrics/kpis", "metrics/kpis_by_segment", "pages/movers", "pages/segment_month", "pages/trend")


def write(tmp_path, monkeypatch, text: str):
    file = tmp_path / "catalog.toml"
    file.write_text(text, encoding="utf-8")
    monkeypatch.setenv("CX_METRICS_CATALOG", str(file))
    return file


ENTRY = '''
[[measure]]
key = "x"
kind = "value"
group = "tickets"
expr = "avg(reopens)"
label = "X"
'''


def test_docs_tables_are_the_catalogs():
    text = catalog.DOCS.read_text(encoding="utf-8")
    assert catalog.render_docs(text) == text, "docs/metrics.md differs from the catalog: run python -m cx.catalog docs"
    for m in catalog.load().measures:
        assert f"| `{m.key}` |" in text, m.key


def test_every_metric_has_what_a_page_needs():
    c = catalog.load()
    assert c.kpi_keys() == KPI_KEYS
    for m in c.measures:
        assert m.label and m.section, m.key
        if m.kind != "sample":
            assert m.description and m.definition, m.key
        if m.kind == "value":
            assert m.direction in ("higher", "lower", "none") and m.n, m.key
        else:
            assert m.kind in ("count", "margin", "sample"), m.key
    # The headline first: the tiles keep their own order, the CLI keeps the contract's.
    assert [m.key for m in c.tiles()] == [
        "nps", "csat_pct", "ces_avg", "review_rating_avg", "first_response_hours_median",
        "resolution_hours_median", "recovery_pct", "promise_kept_pct",
    ]


def test_thresholds_live_in_the_macros_only():
    """A promoter, a detractor, a satisfied answer and a negative review are defined in
    queries/macros/metrics.sql; no catalog expression or grain query restates them."""
    restated = re.compile(r"\b(nps|csat|rating|post_csat)\s*(>=|<=|>|<)\s*\d")
    for m in catalog.load().measures:
        assert not restated.search(m.expr), m.key
    queries = sorted(p.relative_to(sql.QUERIES).with_suffix("").as_posix()
                     for folder in ("metrics", "pages") for p in (sql.QUERIES / folder).glob("*.sql"))
    assert set(GRAIN_QUERIES) <= set(queries)
    for name in queries:
        assert not restated.search(sql.sql_text(name)), name


def test_each_grain_renders_its_measures_from_the_catalog():
    c = catalog.load()
    kpis = sql.sql_text("metrics/kpis")
    assert "/*@" not in kpis
    for m in c.measures:
        assert f"{m.expr} as {m.key}" in kpis, m.key
    by_segment = sql.sql_text("metrics/kpis_by_segment")
    for m in c.at_grain("segment"):
        assert f"{m.expr} as {m.key}" in by_segment, m.key
    assert "high_expectation_pct" not in by_segment  # customers are counted for the totals only
    movers = sql.sql_text("pages/movers")
    assert "nps_score(nps) as nps" in movers and "satisfied(csat) as csat_ok" in movers


def test_the_change_unit_follows_the_unit():
    by = catalog.load().by_key
    assert by["csat_pct"].delta_unit == " pts" and by["nps"].delta_unit == " pts"
    assert by["ces_avg"].delta_unit == "" and by["first_response_hours_median"].delta_unit == " h"
    assert by["csat_pct"].header == "CSAT (%)"
    assert by["first_response_hours_median"].header == "First response (median, h)"


@pytest.mark.parametrize(("text", "message"), [
    (ENTRY + ENTRY, "'x' is defined twice"),
    (ENTRY.replace('label = "X"', 'label = "X"\ncolour = "red"'), "unknown field(s) colour"),
    (ENTRY.replace('kind = "value"', 'kind = "ratio"'), "kind must be one of"),
    (ENTRY.replace('key = "x"', 'key = "X Y"'), "key must be snake_case"),
    (ENTRY.replace('label = "X"', 'label = "X"\nn = "nowhere"'), "n = 'nowhere' names no measure"),
    (ENTRY.replace('label = "X"', 'label = "X"\ntest = "proportion"'), "a proportion test needs yes"),
    (ENTRY.replace('label = "X"', 'label = "X"\nsegments = true'), "needs the segment grain"),
    (ENTRY.replace('group = "tickets"', 'group = "customers"') + 'grains = ["total", "segment"]\n',
     "not computed at the segment grain"),
    (ENTRY.replace('expr = "avg(reopens)"', 'expr = "1; drop table ticket_facts"'), "one expression"),
    (ENTRY.replace('label = "X"', 'label = "X"\ntile = true'), "its place among the Overview's tiles"),
    ("[[measure]]\nkey = 1\n", "key must be snake_case"),
    ("nothing = 1\n", "no [[measure]] entries"),
    ("[[measure]\n", "not valid TOML"),
])
def test_a_broken_catalog_is_named_with_its_entry(tmp_path, monkeypatch, text, message):
    file = write(tmp_path, monkeypatch, text)
    with pytest.raises(catalog.CatalogError) as err:
        catalog.load()
    assert message in str(err.value) and str(file) in str(err.value)


def test_the_command_line_names_a_broken_catalog_without_a_traceback(tmp_path, small_warehouse):
    import os
    import subprocess
    import sys

    from cx.config import ROOT

    bad = tmp_path / "catalog.toml"
    bad.write_text(ENTRY + ENTRY, encoding="utf-8")
    env = {**os.environ, "CX_METRICS_CATALOG": str(bad)}
    out = subprocess.run([sys.executable, "-m", "cx", "metrics", "--warehouse", str(small_warehouse)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "'x' is defined twice" in out.stderr and str(bad) in out.stderr
