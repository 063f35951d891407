"""Page-ready views of query results: KPI tiles, the segments table, the biggest movers.

Pure functions of the DataFrames and dicts the data layer returns (no Streamlit, no SQL):
the metric values come from the queries; the comparison arithmetic (changes, gaps to target,
significance) comes from cx.stats; this module only puts them side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cx import stats
from dashboard import fmt
from dashboard.fmt import SMALL_N, Kpi

# ---------------------------------------------------------------- KPI tiles


@dataclass(frozen=True)
class Tile:
    kpi: Kpi
    value: float | None
    value_text: str
    delta_text: str | None  # the change against the comparison window, for st.metric
    delta_color: str  # "normal", "inverse" (lower is better) or "off" (within noise)
    delta_arrow: str  # "auto", or "off" for a change that rounds to zero
    delta_note: str  # what the change is measured against, and whether it is more than noise
    target_text: str | None  # "Target 30 · 13.9 pts below"
    target_met: bool | None
    note: str  # how many answers stand behind the value, or why there is none; then change_note
    change_note: str  # " · change within noise", " · significant change", " · none in the ...", or ""
    small: bool  # the sample is small: the value is shown with its margin of error spelled out


SHORT_COMPARE = {"previous period": "previous period", "same period last year": "last year"}


def tiles(now: dict, before: dict, counts_now: dict, counts_before: dict, targets: dict,
          compare_label: str) -> list[Tile]:
    return [
        _tile(k, now, before, counts_now, counts_before, targets.get(k.key), compare_label)
        for k in fmt.TILES
    ]


def tile(key: str, now: dict, before: dict, counts_now: dict, counts_before: dict, targets: dict,
         compare_label: str) -> Tile:
    """One of the overview's tiles (fmt.TILES), for a page that shows that KPI too."""
    return _tile(fmt.TILE_BY_KEY[key], now, before, counts_now, counts_before, targets.get(key), compare_label)


def _tile(k: Kpi, now, before, cn, cb, target, compare_label) -> Tile:
    value, previous = _num(now.get(k.key)), _num(before.get(k.key))
    n, n_before = int(cn.get(k.n_key) or 0), int(cb.get(k.n_key) or 0)
    sample_note, small = _sample_note(k, value, n, {**now, "_counts": cn})
    change_note = ""
    delta = stats.change(value, previous)
    test = _test(k, now, before, cn, cb)
    arrow = "auto"
    if delta is None:
        delta_text, color, delta_note = None, "off", ""
        if value is not None:
            why = "none in" if n_before == 0 else "not known for"
            change_note = f" · {why} the {compare_label}"
    else:
        delta_text = fmt.signed(delta, k.decimals, k.delta_unit)
        color = "normal" if k.higher_is_better else "inverse"
        delta_note = "vs " + SHORT_COMPARE.get(compare_label, compare_label)
        if round(delta, k.decimals) == 0:
            color, arrow = "off", "off"
        if test is not None and test.tested and not test.significant():
            color = "off"
            change_note = " · change within noise"
        elif test is not None and test.significant():
            change_note = " · significant change"
    gap = stats.target_gap(value, target, k.higher_is_better)
    target_text = None
    if gap is not None:
        target_shown = fmt.number(target, 0 if float(target).is_integer() else 1, k.unit)
        if round(gap.gap, k.decimals) == 0:
            target_text = f"Target {target_shown} · on target"
        else:
            side = ("above" if gap.gap > 0 else "below")
            target_text = f"Target {target_shown} · {fmt.number(abs(gap.gap), k.decimals, k.delta_unit)} {side}"
    elif target is not None:
        target_text = f"Target {fmt.number(target, 0 if float(target).is_integer() else 1, k.unit)}"
    return Tile(
        kpi=k,
        value=value,
        value_text=fmt.kpi_value(k, value, now.get("nps_moe95")),
        delta_text=delta_text,
        delta_color=color,
        delta_arrow=arrow,
        delta_note=delta_note,
        target_text=target_text,
        target_met=None if gap is None else gap.met,
        note=sample_note + change_note,
        change_note=change_note,
        small=small,
    )


def _sample_note(k: Kpi, value, n: int, now: dict) -> tuple[str, bool]:
    if value is None or n == 0:
        return f"No {k.n_noun} in this window", False
    noun = k.n_noun if n != 1 else k.n_noun.replace("responses", "response").replace("tickets", "ticket")
    if n >= SMALL_N:
        return fmt.count(n, noun), False
    if k.key == "nps":
        moe = _num(now.get("nps_moe95"))
        if moe is None or moe < 0.5:  # every answer the same: the formula says 0, the truth is "unknown"
            return f"{n} {noun}: too few to say how precise this is", True
        return f"{n} {noun}: the margin of error is ±{moe:.0f}", True
    if k.test == "proportion" and k.yes_key:
        yes = now.get("_counts", {}).get(k.yes_key)
        interval = stats.wilson_interval(yes, n) if yes is not None else None
        if interval is not None:
            return f"{n} {noun}: the true share is likely between {interval[0]:.0f}% and {interval[1]:.0f}%", True
        moe = stats.proportion_moe95(value, n)
        return f"{n} {noun}: the margin of error is ±{moe:.0f} pts", True
    return f"Only {n} {noun}: a small sample, read with care", True


def _test(k: Kpi, now, before, cn, cb) -> stats.TestResult | None:
    if k.test == "nps":
        return stats.nps_difference(
            _num(now.get("nps")), _num(now.get("nps_moe95")), cn.get("nps_n"),
            _num(before.get("nps")), _num(before.get("nps_moe95")), cb.get("nps_n"),
        )
    if k.test == "proportion":
        return stats.proportion_difference(cn.get(k.yes_key), cn.get(k.n_key), cb.get(k.yes_key), cb.get(k.n_key))
    return None


def _num(value) -> float | None:
    return None if fmt.is_missing(value) else float(value)


# ---------------------------------------------------------------- segments


def segment_table(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """One row per segment (the total row left out): the metrics, the comparison window's
    NPS and CSAT with their changes, and whether the segment differs from the rest of the
    segments, or from its own past, by more than noise (Benjamini-Hochberg across the page)."""
    segs = now[~now["is_total"]].copy()
    total = now[now["is_total"]]
    if segs.empty:
        return segs.assign(
            nps_vs_rest=pd.Series(dtype="str"), csat_vs_rest=pd.Series(dtype="str"),
            nps_before=pd.Series(dtype="float"), csat_before=pd.Series(dtype="float"),
            nps_change=pd.Series(dtype="float"), csat_change=pd.Series(dtype="float"),
            nps_change_significant=pd.Series(dtype="bool"), csat_change_significant=pd.Series(dtype="bool"),
            csat_low=pd.Series(dtype="float"), csat_high=pd.Series(dtype="float"), flags=pd.Series(dtype="str"),
        )
    t = total.iloc[0] if not total.empty else segs.sum(numeric_only=True)
    prev = before[~before["is_total"]].set_index("segment") if not before.empty else pd.DataFrame()

    nps_rest, csat_rest, nps_chg, csat_chg = [], [], [], []
    for row in segs.itertuples(index=False):
        nps_rest.append(stats.nps_counts_difference(
            row.promoters, row.detractors, row.nps_n,
            int(t["promoters"]) - row.promoters, int(t["detractors"]) - row.detractors,
            int(t["nps_n"]) - row.nps_n,
        ))
        csat_rest.append(stats.proportion_difference(
            row.csat_ok, row.csat_n, int(t["csat_ok"]) - row.csat_ok, int(t["csat_n"]) - row.csat_n
        ))
        p = prev.loc[row.segment] if row.segment in prev.index else None
        nps_chg.append(None if p is None else stats.nps_difference(
            _num(row.nps), _num(row.nps_moe95), row.nps_n, _num(p["nps"]), _num(p["nps_moe95"]), int(p["nps_n"])
        ))
        csat_chg.append(None if p is None else stats.proportion_difference(
            row.csat_ok, row.csat_n, int(p["csat_ok"]), int(p["csat_n"])
        ))
    tests = nps_rest + csat_rest + nps_chg + csat_chg
    flags = stats.benjamini_hochberg([None if x is None else x.p for x in tests])
    k = len(segs)
    sig_nps_rest, sig_csat_rest = flags[:k], flags[k:2 * k]
    sig_nps_chg, sig_csat_chg = flags[2 * k:3 * k], flags[3 * k:]

    segs["nps_vs_rest"] = [_versus(r, s) for r, s in zip(nps_rest, sig_nps_rest, strict=True)]
    segs["csat_vs_rest"] = [_versus(r, s) for r, s in zip(csat_rest, sig_csat_rest, strict=True)]
    segs["nps_before"] = [_prev(prev, s, "nps") for s in segs["segment"]]
    segs["csat_before"] = [_prev(prev, s, "csat_pct") for s in segs["segment"]]
    segs["nps_change"] = [stats.change(_num(a), b) for a, b in zip(segs["nps"], segs["nps_before"], strict=True)]
    segs["csat_change"] = [
        stats.change(_num(a), b) for a, b in zip(segs["csat_pct"], segs["csat_before"], strict=True)
    ]
    segs["nps_change_significant"] = sig_nps_chg
    segs["csat_change_significant"] = sig_csat_chg
    ranges = [stats.wilson_interval(int(ok), int(n)) for ok, n in zip(segs["csat_ok"], segs["csat_n"], strict=True)]
    segs["csat_low"] = [None if r is None else r[0] for r in ranges]
    segs["csat_high"] = [None if r is None else r[1] for r in ranges]
    segs["flags"] = [
        _flags(a, b, c, d, e, f) for a, b, c, d, e, f in zip(
            segs["nps_vs_rest"], segs["csat_vs_rest"], segs["nps_change"], sig_nps_chg,
            segs["csat_change"], sig_csat_chg, strict=True)
    ]
    return segs.reset_index(drop=True)


def _versus(result: stats.TestResult | None, significant: bool) -> str:
    if result is None or not result.tested:
        return "too few to test"
    if not significant:
        return "like the rest"
    return "higher" if result.diff > 0 else "lower"


def _prev(prev: pd.DataFrame, segment, column: str) -> float | None:
    if prev.empty or segment not in prev.index:
        return None
    return _num(prev.loc[segment, column])


def _flags(nps_rest, csat_rest, nps_chg, nps_sig, csat_chg, csat_sig) -> str:
    out = []
    if nps_rest in ("higher", "lower"):
        out.append(f"NPS {nps_rest} than the rest")
    if csat_rest in ("higher", "lower"):
        out.append(f"CSAT {csat_rest} than the rest")
    if nps_sig and nps_chg is not None:
        out.append(f"NPS {'up' if nps_chg > 0 else 'down'} {abs(nps_chg):.1f} pts")
    if csat_sig and csat_chg is not None:
        out.append(f"CSAT {'up' if csat_chg > 0 else 'down'} {abs(csat_chg):.1f} pts")
    return "; ".join(out)


SEGMENT_METRICS = (
    # column, label, unit, decimals, higher_is_better
    ("responses", "Survey responses", "", 0, None),
    ("nps", "NPS", "", 1, True),
    ("csat_pct", "CSAT", "%", 1, True),
    ("ces_avg", "CES", " / 7", 2, True),
    ("tickets", "Tickets", "", 0, None),
    ("first_response_hours_median", "First response (median)", " h", 1, False),
    ("resolution_hours_median", "Resolution (median)", " h", 1, False),
    ("promise_kept_pct", "Promises kept", "%", 1, True),
    ("failures", "Service failures", "", 0, False),
    ("recovery_pct", "Recovery rate", "%", 1, True),
    ("reviews", "Reviews", "", 0, None),
    ("review_rating_avg", "Review rating", " ★", 2, True),
)


CHANGE_UNITS = {"%": " pts", " / 7": ""}  # a percentage moves in points; a CES change is on its own scale


def segment_changes(now: pd.DataFrame, before: pd.DataFrame, segment: str) -> pd.DataFrame:
    """What moved in one segment between the comparison window and the window: one row per
    metric with both values, the change, and whether the change is for the better."""
    cur = now[(~now["is_total"]) & (now["segment"] == segment)]
    old = before[(~before["is_total"]) & (before["segment"] == segment)] if not before.empty else before
    rows = []
    for col, label, unit, decimals, higher in SEGMENT_METRICS:
        a = _num(cur.iloc[0][col]) if not cur.empty else None
        b = _num(old.iloc[0][col]) if not old.empty else None
        delta = stats.change(a, b)
        better = None if higher is None else stats.is_better(delta, higher)
        rows.append({
            "metric": label,
            "comparison": fmt.number(b, decimals, unit),
            "now": fmt.number(a, decimals, unit),
            "change": fmt.signed(delta, decimals, CHANGE_UNITS.get(unit, unit)) if delta is not None else fmt.DASH,
            "direction": {True: "better", False: "worse", None: ""}[better],
        })
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- biggest movers


def movers(df: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """The segments whose NPS or CSAT moved between the comparison window and the window by
    more than noise (Benjamini-Hochberg over every segment and both metrics), largest first."""
    columns = ["dimension", "segment", "metric", "before", "now", "change", "p_value", "n_before", "n_now"]
    if df.empty:
        return pd.DataFrame(columns=columns)
    cur = df[df["period"] == "current"].set_index(["dimension", "segment"])
    old = df[df["period"] == "comparison"].set_index(["dimension", "segment"])
    rows = []
    for key in cur.index.intersection(old.index):
        a, b = cur.loc[key], old.loc[key]
        nps = stats.nps_difference(_num(a["nps"]), _num(a["nps_moe95"]), int(a["nps_n"]),
                                   _num(b["nps"]), _num(b["nps_moe95"]), int(b["nps_n"]))
        if nps is not None:
            rows.append((*key, "NPS", _num(b["nps"]), _num(a["nps"]), nps, int(b["nps_n"]), int(a["nps_n"])))
        csat = stats.proportion_difference(int(a["csat_ok"]), int(a["csat_n"]), int(b["csat_ok"]), int(b["csat_n"]))
        if csat is not None:
            rows.append((*key, "CSAT", _num(b["csat_pct"]), _num(a["csat_pct"]), csat,
                         int(b["csat_n"]), int(a["csat_n"])))
    significant = stats.benjamini_hochberg([r[5].p for r in rows])
    out = [
        {"dimension": d, "segment": s, "metric": m, "before": before_v, "now": now_v,
         "change": t.diff, "p_value": t.p, "n_before": nb, "n_now": nn}
        for (d, s, m, before_v, now_v, t, nb, nn), sig in zip(rows, significant, strict=True) if sig
    ]
    if not out:
        return pd.DataFrame(columns=columns)
    result = pd.DataFrame(out, columns=columns)
    result = result.reindex(result["change"].abs().sort_values(ascending=False).index)
    return result.head(limit).reset_index(drop=True)


# ---------------------------------------------------------------- all KPIs


def kpi_table(now: dict, before: dict) -> pd.DataFrame:
    """Every key of `python -m cx metrics`, for the window and the comparison window."""
    from cx.metrics import KPI_KEYS

    keys = list(KPI_KEYS) + [k for k in now if k not in KPI_KEYS]
    return pd.DataFrame({
        "metric": keys,
        "now": [_num(now.get(k)) for k in keys],
        "comparison": [_num(before.get(k)) for k in keys],
        "change": [stats.change(_num(now.get(k)), _num(before.get(k))) for k in keys],
    })
