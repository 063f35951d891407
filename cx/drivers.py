"""Key drivers of post-ticket CSAT and NPS: how much each part of the support experience moves
the score, as relative weights (Johnson 2000) with bootstrap 95% intervals.

The rows come from queries/metrics/driver_rows.sql (one ticket with a post-ticket answer
each, its score in points: CSAT 100 when satisfied else 0, NPS +100 / 0 / -100). Each driver
is one or more columns of a linear model of that score:

- first_response_hours, resolution_hours: log(1 + hours), and whether there was none yet
  (hours are skewed: a ticket waiting 300 h would otherwise carry the whole driver);
- reopens: the count; one_touch: resolved with at most one reply (and "not known");
- promise_kept: kept, and missed (against no promise); proactive, apologized: yes, and "not
  known" (against no); compensation: any, and "not known" (against none);
- channel, priority, team: one column per value but the most common one.

Relative weights split the model's R² into one share per column even when the columns are
correlated (a slow reply and a reopen often go together), by regressing the score on the
closest orthogonal version of the columns (J. W. Johnson, "A heuristic method for estimating
the relative weight of predictor variables in multiple regression", Multivariate Behavioral
Research 35(1), 2000). A driver's importance is the sum of its columns' weights over R²: its
share of the explained variation (the shares add up to 1).

The intervals are a bootstrap: the rows are dealt at random into up to 1,000 blocks whose
sums (of each column, of each product of two columns) are kept; each of the resamples draws
that many blocks with replacement and recomputes the weights from their sums. With 1,000
rows or fewer each block is one row and this is the ordinary row bootstrap; with millions,
a resample costs the same as with a thousand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cx import sql
from cx.metrics import Selection

TARGETS = ("csat", "nps")
DRIVERS = ("first_response_hours", "resolution_hours", "reopens", "one_touch", "promise_kept", "proactive",
           "apologized", "compensation", "channel", "priority", "team")
LABELS = {
    "first_response_hours": "First response time", "resolution_hours": "Resolution time", "reopens": "Reopens",
    "one_touch": "Resolved in one touch", "promise_kept": "Promise kept or missed",
    "proactive": "Proactive contact", "apologized": "Apology", "compensation": "Compensation",
    "channel": "Channel", "priority": "Priority", "team": "Team",
}
MIN_N = 100  # answers below which no analysis is run: the weights of a dozen columns need more
RESAMPLES = 200
BLOCKS = 1000
SEED = 20001  # the intervals are the same on every run of the same data


@dataclass(frozen=True)
class Result:
    target: str
    n: int
    r2: float | None
    r2_adjusted: float | None  # for the number of columns (a model of many columns explains some noise)
    drivers: list[dict]  # largest importance first
    not_measured: list[str]  # drivers the rows never vary on (a column the exports do not fill)
    reading: str

    def as_json(self) -> dict:
        return {
            "target": self.target, "n": self.n, "r2": self.r2, "r2_adjusted": self.r2_adjusted,
            "method": f"relative weights (Johnson 2000) of a linear model of the post-ticket {self.target.upper()} "
                      f"score, bootstrap 95% intervals ({RESAMPLES} resamples)",
            "drivers": self.drivers, "not_measured": self.not_measured, "reading": self.reading,
        }


def drivers(con, target: str = "csat", selection: Selection | None = None, resamples: int = RESAMPLES) -> Result:
    """The key drivers of `target` for the selection's tickets."""
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}")
    selection = selection or Selection()
    rows = sql.frame(con, "metrics/driver_rows", **selection.params(), target=target)
    return analyse(rows, target, resamples)


def design(rows: pd.DataFrame) -> tuple[np.ndarray, list[str], list[str], list[str]]:
    """The model's columns, each column's driver, the drivers left without any column, and the
    columns' names ("first_response_hours:log", "channel:email")."""
    cols: dict[str, tuple[str, np.ndarray]] = {}

    def add(driver: str, name: str, values) -> None:
        cols[name] = (driver, np.asarray(values, dtype=float))

    for driver in ("first_response_hours", "resolution_hours"):
        hours = pd.to_numeric(rows[driver], errors="coerce")
        known = hours.notna()
        fill = float(np.log1p(hours[known].clip(lower=0)).median()) if known.any() else 0.0
        add(driver, f"{driver}:log", np.where(known, np.log1p(hours.clip(lower=0).fillna(0)), fill))
        add(driver, f"{driver}:none", ~known)
    add("reopens", "reopens", pd.to_numeric(rows["reopens"], errors="coerce").fillna(0).clip(lower=0))
    for driver in ("one_touch", "proactive", "apologized"):
        v = rows[driver].astype("boolean")
        add(driver, f"{driver}:yes", _is(v, True))
        add(driver, f"{driver}:unknown", v.isna())
    kept = rows["promise_kept"].astype("boolean")
    add("promise_kept", "promise_kept:kept", _is(kept, True))
    add("promise_kept", "promise_kept:missed", _is(kept, False))
    money = pd.to_numeric(rows["compensation"], errors="coerce")
    add("compensation", "compensation:any", (money > 0).fillna(False).to_numpy(bool))
    add("compensation", "compensation:unknown", money.isna())
    for driver in ("channel", "priority", "team"):
        values = rows[driver].fillna("(not set)").astype(str)
        levels = values.value_counts()
        for level in levels.index[1:]:  # the most common value is the baseline
            add(driver, f"{driver}:{level}", values.eq(level))
    names = [n for n, (_, v) in cols.items() if len(v) and np.ptp(v) > 0]
    X = np.empty((len(rows), len(names)))
    for i, n in enumerate(names):
        X[:, i] = cols[n][1]
    owners = [cols[n][0] for n in names]
    missing = [d for d in DRIVERS if d not in owners]
    return X, owners, missing, names


def _is(values: pd.Series, value: bool) -> np.ndarray:
    return values.eq(value).fillna(False).to_numpy(bool)


def _sums(Z: np.ndarray) -> tuple:
    return len(Z), Z.sum(axis=0), Z.T @ Z


def relative_weights(n: float, s: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, float]:
    """Johnson's raw relative weights of each column (they add up to R²), and R², from the
    sums of [X, y] (`s`) and of their products (`q`) over n rows."""
    cov = (q - np.outer(s, s) / n) / (n - 1)
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    keep = sd > 0
    weights = np.zeros(len(s) - 1)
    if not keep[-1] or not keep[:-1].any():
        return weights, 0.0
    corr = cov[np.ix_(keep, keep)] / np.outer(sd[keep], sd[keep])
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    evals, evecs = np.linalg.eigh(rxx)
    lam = evecs @ np.diag(np.sqrt(np.clip(evals, 0, None))) @ evecs.T  # corr(X, Z), Z orthogonal
    beta = np.linalg.pinv(lam) @ rxy  # y on Z
    raw = (lam ** 2) @ (beta ** 2)
    weights[keep[:-1]] = raw
    return weights, float(raw.sum())


def analyse(rows: pd.DataFrame, target: str, resamples: int = RESAMPLES) -> Result:
    n = len(rows)
    if n < MIN_N:
        return Result(target, n, None, None, [], [],
                      f"Too few tickets with a post-ticket {target.upper()} answer to weigh the drivers: {n:,} "
                      f"(at least {MIN_N} are needed). Widen the dates or clear a filter.")
    X, owners, missing, names = design(rows)
    y = rows["score"].to_numpy(dtype=float)
    groups = [d for d in DRIVERS if d in owners]
    index = {d: [i for i, o in enumerate(owners) if o == d] for d in groups}

    def shares(weights: np.ndarray, r2: float) -> dict[str, float]:
        return {d: float(weights[index[d]].sum() / r2) if r2 > 0 else 0.0 for d in groups}

    Z = np.empty((n, X.shape[1] + 1))  # [X, y]: every sum below is over its columns
    Z[:, :-1], Z[:, -1] = X, y
    sums = _sums(Z)
    w, r2 = relative_weights(*sums)
    point = shares(w, r2)
    # The direction of each column, holding the rest fixed: the linear model's coefficient in
    # score points (per log-hour, per reopen, for a yes against the baseline), from the same
    # sums (the normal equations on centred columns: the slopes of a model with an intercept).
    cov = (sums[2] - np.outer(sums[1], sums[1]) / n) / (n - 1)
    coef = np.linalg.pinv(cov[:-1, :-1]) @ cov[:-1, -1] if X.shape[1] else np.array([])
    # The bootstrap, over blocks of rows (see the module's docstring).
    rng = np.random.default_rng(SEED)
    blocks = min(n, BLOCKS)
    label = rng.permutation(n) % blocks
    block_n = np.bincount(label, minlength=blocks).astype(float)
    ends = np.cumsum(block_n).astype(int)
    starts = np.r_[0, ends[:-1]]
    dealt = Z[np.argsort(label, kind="stable")]  # the rows of each block side by side
    block_s = np.add.reduceat(dealt, starts, axis=0)
    block_q = np.zeros((blocks, Z.shape[1], Z.shape[1]))
    for b, (lo, hi) in enumerate(zip(starts, ends, strict=True)):
        part = dealt[lo:hi]
        block_q[b] = part.T @ part
    draws: dict[str, list[float]] = {d: [] for d in groups}
    for _ in range(resamples):
        pick = np.bincount(rng.integers(0, blocks, blocks), minlength=blocks).astype(float)
        bn = float(pick @ block_n)
        if bn < 3:
            continue
        bw, br2 = relative_weights(bn, pick @ block_s, np.tensordot(pick, block_q, axes=1))
        for d, v in shares(bw, br2).items():
            draws[d].append(v)
    out = []
    for d in groups:
        low, high = (np.percentile(draws[d], [2.5, 97.5]) if draws[d] else (None, None))
        out.append({"driver": d, "label": LABELS[d], "importance": round(point[d], 4),
                    "low": None if low is None else round(float(low), 4),
                    "high": None if high is None else round(float(high), 4),
                    "effects": {names[i].split(":", 1)[-1] if ":" in names[i] else "per unit": round(float(coef[i]), 2)
                                for i in index[d]}})
    out.sort(key=lambda r: r["importance"], reverse=True)
    p = X.shape[1]
    adjusted = 1 - (1 - r2) * (n - 1) / (n - p - 1) if n > p + 1 else None
    return Result(target, n, round(r2, 4), None if adjusted is None else round(adjusted, 4), out, missing,
                  _reading(target, n, r2, out, missing, adjusted))


def _reading(target: str, n: int, r2: float, out: list[dict], missing: list[str],
             adjusted: float | None = None) -> str:
    if not out or r2 <= 0:
        return (f"The parts of the support experience in the exports explain none of the post-ticket "
                f"{target.upper()} here ({n:,} answers).")
    top = out[0]
    text = (f"{top['label']} moves post-ticket {target.upper()} the most: {top['importance']:.0%} of what the "
            f"support experience explains (95%: {top['low']:.0%}-{top['high']:.0%}), from {n:,} tickets with an "
            f"answer; together the drivers explain {r2:.0%} of the variation in the score.")
    if len(out) > 1:
        second = out[1]
        overlap = second["high"] is not None and top["low"] is not None and second["high"] >= top["low"]
        text += (f" Next: {second['label']} ({second['importance']:.0%}, 95%: {second['low']:.0%}-"
                 f"{second['high']:.0%})" + ("; their intervals overlap, so their order may be chance." if overlap
                                              else "."))
    if adjusted is not None and adjusted <= 0:
        text += (" With this many columns for these answers, that is no more than chance would explain "
                 "(adjusted R² ≤ 0): read the order as a hint, not a finding.")
    if missing:
        text += " Not in the exports (never varies): " + ", ".join(LABELS[m] for m in missing) + "."
    return text
