"""The one GX workaround (checks/gx_duckdb.py): still needed, still working.

If a Great Expectations upgrade makes `test_gx_still_needs_the_workaround` fail, GX now
validates DuckDB through SQLAlchemy by itself: remove the workaround. If
`test_the_workaround_makes_gx_validate_duckdb` fails, the patch point moved: fix it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from checks import gx_duckdb

ROOT = Path(__file__).resolve().parents[2]


def validate_on_duckdb():
    import great_expectations as gx

    con = duckdb.connect()
    con.execute("create table t as select range as x from range(100)")
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    creator = gx_duckdb.connection_factory(con, "memory")
    source = gx_duckdb.add_datasource(context, "t", creator)
    batch = source.add_query_asset("t", query="select * from t").add_batch_definition_whole_table("all").get_batch()
    suite = gx.ExpectationSuite("s")
    suite.add_expectation(gx.expectations.ExpectColumnValuesToBeBetween(column="x", min_value=0, max_value=89))
    suite.add_expectation(gx.expectations.ExpectTableRowCountToBeBetween(min_value=1))
    try:
        return batch.validate(suite).results
    finally:
        engine = source.get_execution_engine()
        if engine._connection is not None:
            engine._connection.close()
        gx_duckdb.close_all(creator)
        con.close()


@pytest.fixture
def workaround_off():
    was = gx_duckdb.is_enabled()
    gx_duckdb.disable()
    yield
    if was:
        gx_duckdb.enable()


def test_the_workaround_makes_gx_validate_duckdb():
    gx_duckdb.enable()
    between, count = validate_on_duckdb()
    assert between.success is False
    assert between.result["unexpected_count"] == 10
    assert sorted(between.result["partial_unexpected_list"])[:3] == [90, 91, 92]
    assert count.success is True and count.result["observed_value"] == 100


def test_gx_still_needs_the_workaround(workaround_off):
    between, count = validate_on_duckdb()
    raised = [r.exception_info for r in (between, count) if not r.success]
    assert raised, (
        "GX now validates DuckDB through SQLAlchemy without checks/gx_duckdb.py: remove the workaround"
    )


def test_enable_is_idempotent():
    gx_duckdb.enable()
    gx_duckdb.enable()
    from great_expectations.execution_engine import sqlalchemy_execution_engine as see

    assert list(see._PERSISTED_CONNECTION_DIALECTS).count(gx_duckdb.DUCKDB) == 1


@pytest.mark.parametrize("argv", [["--help"], ["checks", "--help"], ["rejected", "--help"]])
def test_great_expectations_is_not_imported_by_the_cli_or_the_checks_package(argv):
    code = (
        f"import sys, runpy; import checks, checks.report; sys.argv = ['cx'] + {argv!r}\n"
        "try:\n    runpy.run_module('cx', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "assert 'great_expectations' not in sys.modules, 'great_expectations was imported'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
