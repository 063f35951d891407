"""The high-expectation signals stored at refresh are the ones computed on the fly.

The refresh stores the signals for the last day and for the end of the dashboard's default
comparison period (queries/marts/customer_signals_stored.sql); he_signals reads those and
computes any other end. Checked on a realistic warehouse, where both ends have signals.
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from cx.stats import DEFAULT_WINDOW_DAYS

COLUMNS = "customer_id, customer_key, demanding, vocal, in_touch, influential, signals, is_high_expectation"


@pytest.fixture(scope="module")
def con(sample_warehouse):
    with duckdb.connect(str(sample_warehouse), read_only=True) as c:
        yield c


def _signals(con, table_sql: str, *params) -> list[tuple]:
    return con.execute(f"select {COLUMNS} from {table_sql} order by customer_key", list(params)).fetchall()


def test_stored_ends_are_the_last_day_and_the_default_comparison_end(con):
    last_day = con.execute("select last_day from data_bounds").fetchone()[0]
    ends = [r[0] for r in con.execute("select distinct signals_end from customer_signals_stored order by 1").fetchall()]
    assert ends == [last_day - timedelta(days=DEFAULT_WINDOW_DAYS), last_day]


@pytest.mark.parametrize("days_back", [0, DEFAULT_WINDOW_DAYS, 30])
def test_he_signals_equal_the_signals_computed_on_the_fly(con, days_back):
    day = con.execute("select last_day from data_bounds").fetchone()[0] - timedelta(days=days_back)
    computed = _signals(con, "customer_signals($1::date)", day)
    assert computed, "the sample should have high-expectation signals at this end"
    assert _signals(con, "he_signals($1::date)", day) == computed
    if days_back == 0:
        assert _signals(con, "he_signals(null)") == computed
