"""Key drivers (cx/drivers.py) on planted data, and `python -m cx drivers` on the small warehouse."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cx import drivers
from tests.dashboard.conftest import bundled_warehouse  # noqa: F401, F811  (the fixture, shared)
from tests.test_cli import cx


def planted(n: int = 3000, seed: int = 1) -> pd.DataFrame:
    """Tickets whose satisfaction is planted: a slow first reply costs most, a reopen less,
    a missed promise a little; channel, team and the rest do nothing."""
    rng = np.random.default_rng(seed)
    hours = rng.lognormal(1.5, 1.0, n)
    reopens = rng.poisson(0.3, n)
    promise = rng.choice([True, False, None], n, p=[0.5, 0.2, 0.3])
    latent = -1.2 * np.log1p(hours) - 0.6 * reopens - 0.5 * (promise == False) + rng.normal(0, 1.0, n)  # noqa: E712
    satisfied = latent > np.median(latent)
    return pd.DataFrame({
        "ticket_id": [f"T{i}" for i in range(n)], "score": np.where(satisfied, 100.0, 0.0),
        "first_response_hours": hours, "resolution_hours": hours * rng.uniform(1, 5, n) + rng.uniform(0, 24, n),
        "reopens": reopens, "one_touch": rng.choice([True, False], n), "promise_kept": promise,
        "proactive": rng.choice([True, False, None], n), "apologized": None, "compensation": rng.choice([0.0, 10.0], n),
        "channel": rng.choice(["email", "chat", "phone"], n), "priority": rng.choice(["low", "normal", "high"], n),
        "team": rng.choice(["A", "B", "C"], n),
    })


def test_a_planted_driver_is_found_first_with_the_right_sign():
    result = drivers.analyse(planted(), "csat")
    order = [d["driver"] for d in result.drivers]
    assert order[0] == "first_response_hours", order
    assert order.index("reopens") < order.index("channel") and order.index("reopens") < order.index("team")
    top = result.drivers[0]
    assert top["effects"]["log"] < 0  # slower first replies, lower scores
    assert 0 <= top["low"] <= top["importance"] <= top["high"] <= 1
    assert next(d for d in result.drivers if d["driver"] == "reopens")["effects"]["per unit"] < 0
    assert sum(d["importance"] for d in result.drivers) == pytest.approx(1, abs=1e-3)
    assert "apologized" in result.not_measured  # never filled: said, not weighed
    assert result.reading.startswith("First response time moves post-ticket CSAT the most")


def test_relative_weights_add_up_to_r2_and_match_the_regression():
    # Johnson's weights sum to the model's R²; with uncorrelated columns each is the squared
    # correlation of its column with the score.
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5000, 3))
    X -= X.mean(axis=0)
    q, _ = np.linalg.qr(X)
    X = q * np.sqrt(len(X))  # exactly uncorrelated columns
    y = 2 * X[:, 0] + 1 * X[:, 1] + rng.normal(size=5000)
    Z = np.column_stack([X, y])
    w, r2 = drivers.relative_weights(len(y), Z.sum(axis=0), Z.T @ Z)
    fitted = np.linalg.lstsq(np.column_stack([np.ones(len(y)), X]), y, rcond=None)[0]
    resid = y - np.column_stack([np.ones(len(y)), X]) @ fitted
    assert r2 == pytest.approx(1 - resid.var() / y.var(), rel=1e-6)
    assert w.sum() == pytest.approx(r2, rel=1e-9)
    corr = [np.corrcoef(X[:, j], y)[0, 1] ** 2 for j in range(3)]
    assert list(w) == pytest.approx(corr, rel=1e-6)


def test_the_intervals_are_the_same_on_every_run():
    rows = planted(800, seed=5)
    assert drivers.analyse(rows, "nps").drivers == drivers.analyse(rows, "nps").drivers


def test_too_few_answers_say_so():
    result = drivers.analyse(planted(50), "csat")
    assert result.drivers == [] and result.n == 50 and "Too few tickets" in result.reading


def test_the_command_line(small_warehouse):
    out = cx("drivers", "--warehouse", small_warehouse, "--format", "json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["target"] == "csat" and got["drivers"] == [] and got["n"] < drivers.MIN_N
    assert "Too few tickets" in got["reading"]
    table = cx("drivers", "--warehouse", small_warehouse, "--target", "nps", "--where", "region=EU")
    assert table.returncode == 0 and "post-ticket NPS" in table.stdout
    bad = cx("drivers", "--warehouse", small_warehouse, "--target", "ces")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_the_bundled_sample_names_its_strongest_driver(bundled_warehouse):  # noqa: F811
    out = cx("drivers", "--warehouse", bundled_warehouse, "--format", "json")
    got = json.loads(out.stdout)
    assert got["n"] >= drivers.MIN_N and len(got["drivers"]) >= 5
    assert [d["importance"] for d in got["drivers"]] == sorted((d["importance"] for d in got["drivers"]), reverse=True)
    assert all({"driver", "importance", "low", "high"} <= set(d) for d in got["drivers"])
    assert {d["driver"] for d in got["drivers"]} <= set(drivers.DRIVERS)
