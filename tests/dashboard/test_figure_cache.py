"""dashboard.figure_cache: a figure is built once per distinct input, and only equal input
gets it back."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from dashboard import analysis_charts, charts, figure_cache
from dashboard.figure_cache import cached


@pytest.fixture(autouse=True)
def empty_cache():
    figure_cache.clear()
    yield
    figure_cache.clear()


def counting_builder():
    calls = []

    @cached
    def build(*args, **kwargs):
        calls.append((args, kwargs))
        return object()

    return build, calls


def test_equal_input_gets_the_same_figure_without_building_again():
    build, calls = counting_builder()
    df = pd.DataFrame({"week": [date(2026, 1, 5), date(2026, 1, 12)], "nps": [12.5, float("nan")]})
    first = build(df, "week", targets={"nps": 30})
    # An equal frame read again (a new object, as a cache hit of the query gives), equal options.
    again = build(df.copy(), "week", targets={"nps": 30})
    assert again is first
    assert len(calls) == 1
    assert figure_cache.stats()["hits"] == 1


@pytest.mark.parametrize("change", [
    lambda df: df.assign(nps=[12.5, 13.0]),  # a value
    lambda df: df.assign(nps=[12.5, None]).astype({"nps": "object"}),  # a type
    lambda df: df.rename(columns={"nps": "csat"}),  # a column
    lambda df: df.set_axis([1, 0]),  # the index
    lambda df: df.iloc[:1],  # a row fewer
])
def test_any_change_in_the_data_builds_a_new_figure(change):
    build, calls = counting_builder()
    df = pd.DataFrame({"week": [date(2026, 1, 5), date(2026, 1, 12)], "nps": [12.5, float("nan")]})
    first = build(df, "week")
    assert build(change(df), "week") is not first
    assert len(calls) == 2


def test_other_options_or_another_builder_build_anew():
    build, calls = counting_builder()
    other, other_calls = counting_builder()
    first = build([1, 2], name="NPS")
    assert build([1, 2], name="CSAT") is not first
    assert build((1, 2), name="NPS") is not first  # a tuple is not the list
    assert build([1, 2], name="NPS", target=None) is not first
    assert other([1, 2], name="NPS") is not first
    assert len(calls) == 4 and len(other_calls) == 1


def test_equal_but_differently_typed_scalars_build_apart():
    """True == 1 == 1.0 in Python; a chart labels them differently ('True', '1', '1.0')."""
    build, calls = counting_builder()
    figures = [build(1), build(1.0), build(True), build(date(2026, 1, 1)), build(datetime(2026, 1, 1))]
    assert len({id(f) for f in figures}) == 5
    assert build(float("nan")) is build(float("nan"))  # NaN != NaN, but the same input
    assert len(calls) == 6


def test_input_without_a_content_key_is_built_every_time():
    build, calls = counting_builder()
    a = build(pd.DataFrame({"cells": [{"a": 1}]}))  # a dict in a cell: pandas cannot hash it
    b = build(pd.DataFrame({"cells": [{"a": 1}]}))
    c = build(object())
    assert len(calls) == 3 and a is not b and c is not a


def test_the_oldest_figure_goes_first(monkeypatch):
    monkeypatch.setattr(figure_cache, "ENTRIES", 2)
    build, calls = counting_builder()
    one = build(1)
    build(2)
    assert build(1) is one  # 1 is now the most recently used
    build(3)  # evicts 2
    assert build(1) is one
    build(2)
    assert len(calls) == 4
    assert figure_cache.stats()["entries"] == 2


def test_page_builders_are_cached_and_their_figures_unchanged():
    """The real builders: the cached figure is the one a fresh build draws."""
    df = pd.DataFrame({"timing": ["early", "on time", "late"], "tickets": [40, 25, 10],
                       "share_pct": [53.3, 33.3, 13.3]})
    first = analysis_charts.timing_bars(df)
    assert analysis_charts.timing_bars(df.copy()) is first
    figure_cache.clear()
    assert analysis_charts.timing_bars(df).to_dict() == first.to_dict()
    window = (date(2026, 1, 1), date(2026, 1, 31))
    trend = pd.DataFrame({"bucket_start": [date(2026, 1, 5)], "is_partial": [False], "nps": [20.0], "nps_n": [40],
                          "nps_moe95": [9.0], "csat_pct": [80.0], "csat_n": [30], "responses": [50], "tickets": [70]})
    line = charts.trend(trend, "week", window, {"nps": 30})
    assert charts.trend(trend, "week", window, {"nps": 30}) is line
    assert charts.trend(trend, "week", window, {"nps": 35}) is not line
