"""Figures built once per distinct input, shared by every session of the server.

Building a Plotly figure in Python (its validators check every property) was a large share of
a page's script run once the queries were cached (measured: see benchmarks/history): a page
with six charts rebuilt identical figures on every rerun. The key is the builder and the
content of its arguments (a DataFrame by a hash of its values and index), so a refresh,
whose query results differ, gets new figures, and nothing is keyed on a session.

A cached figure is shared: callers hand it to `st.plotly_chart` (which serializes a copy)
and never modify it.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

import numpy as np
import pandas as pd

ENTRIES = 256  # figures of a few KB each: every page's charts for many filter combinations

F = TypeVar("F", bound=Callable)

_figures: OrderedDict = OrderedDict()
_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0}


class _Unkeyable(Exception):
    """An argument whose content cannot be captured in a key: the figure is built as usual."""


def cached(builder: F) -> F:
    """The builder, with its figures kept for equal arguments (least recently used out)."""

    @functools.wraps(builder)
    def wrapper(*args, **kwargs):
        try:
            key = (builder, _key(args), _key(kwargs))
        except _Unkeyable:
            return builder(*args, **kwargs)
        with _lock:
            figure = _figures.get(key)
            if figure is not None:
                _figures.move_to_end(key)
                _stats["hits"] += 1
                return figure
        figure = builder(*args, **kwargs)
        with _lock:
            _stats["misses"] += 1
            _figures[key] = figure
            while len(_figures) > ENTRIES:
                _figures.popitem(last=False)
        return figure

    return wrapper  # type: ignore[return-value]


def clear() -> None:
    with _lock:
        _figures.clear()
        _stats.update(hits=0, misses=0)


def stats() -> dict[str, int]:
    with _lock:
        return {**_stats, "entries": len(_figures)}


def _key(value):
    """A hashable stand-in that is equal for equal content (and for nothing else)."""
    # Scalars keep their type: True == 1 == 1.0 in Python, but they label a chart differently.
    if value is None or isinstance(value, (bool, int, str, date, datetime)):
        return (type(value).__name__, value)
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else value)
    if isinstance(value, np.generic):
        return _key(value.item())
    if value is pd.NA or value is pd.NaT:
        return (repr(value),)
    if isinstance(value, pd.DataFrame):
        return ("frame", tuple(map(str, value.columns)), tuple(map(str, value.dtypes)), _hash(value))
    if isinstance(value, pd.Series):
        return ("series", str(value.name), str(value.dtype), _hash(value))
    if isinstance(value, dict):
        return ("dict", tuple((_key(k), _key(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_key(v) for v in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__,
                tuple((f.name, _key(getattr(value, f.name))) for f in dataclasses.fields(value)))
    raise _Unkeyable(type(value).__name__)


def _hash(obj: pd.DataFrame | pd.Series) -> bytes:
    try:
        return pd.util.hash_pandas_object(obj, index=True).to_numpy().tobytes()
    except TypeError as exc:  # a cell pandas cannot hash (a dict, say)
        raise _Unkeyable(str(exc)) from exc
