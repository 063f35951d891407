"""Page-ready views of query results: KPI tiles, the segments table, the biggest movers.

Pure functions of the DataFrames and dicts the data layer returns (no Streamlit, no SQL):
the metric values come from the queries; the comparison arithmetic (changes, gaps to target,
significance) comes from cx.stats; this module only puts them side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cx import catalog, stats
from cx.catalog import Measure
from dashboard import fmt
from dashboard.fmt import SMALL_N

# ---------------------------------------------------------------- KPI tiles


@dataclass(frozen=True)
class Tile:
    kpi: Measure
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
    delta: float | None = None  # the change, in the measure's unit
    significant: bool = False  # the catalog's test says the change is larger than noise


SHORT_COMPARE = {"previous period": "previous period", "same period last year": "last year"}


def tiles(now: dict, before: dict, targets: dict, compare_label: str) -> list[Tile]:
    """The Overview's tiles. `now` and `before` are cx.metrics.kpis rows: each value travels
    with its sample (the catalog's `n`), so a tile's caption counts what its value measured."""
    return [_tile(k, now, before, targets.get(k.key), compare_label) for k in fmt.tiles()]


def tile(key: str, now: dict, before: dict, targets: dict, compare_label: str) -> Tile:
    """The tile of one measure of the catalog, for a page that shows that KPI too."""
    return _tile(fmt.measure(key), now, before, targets.get(key), compare_label)


def _tile(k: Measure, now, before, target, compare_label) -> Tile:
    value, previous = _num(now.get(k.key)), _num(before.get(k.key))
    n, n_before = int(now.get(k.n) or 0), int(before.get(k.n) or 0)
    sample_note, small = _sample_note(k, value, n, now)
    change_note = ""
    delta = stats.change(value, previous)
    test = _test(k, now, before)
    arrow = "auto"
    significant = bool(test is not None and test.significant() and delta is not None
                       and round(delta, k.decimals) != 0)
    if delta is None:
        delta_text, color, delta_note = None, "off", ""
        if value is not None:
            why = "none in" if n_before == 0 else "not known for"
            change_note = f" · {why} the {compare_label}"
    else:
        delta_text = fmt.signed(delta, k.decimals, k.delta_unit)
        delta_note = "vs " + SHORT_COMPARE.get(compare_label, compare_label)
        # Green or red only when the catalog's test says the change is larger than noise: a
        # coloured change that a test does not back reads as news when it is not.
        color = {True: "normal", False: "inverse", None: "off"}[k.higher_is_better] if significant else "off"
        if round(delta, k.decimals) == 0:
            arrow = "off"
        if test is None:
            change_note = " · change not tested for noise"
        elif not test.tested:
            change_note = " · too few answers to test the change"
        elif test.significant():
            change_note = " · significant change"
        else:
            change_note = " · change within noise"
    gap = stats.target_gap(value, target, k.higher_is_better is not False)
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
        value_text=fmt.kpi_value(k, value, now.get(k.margin) if k.margin else None),
        delta_text=delta_text,
        delta_color=color,
        delta_arrow=arrow,
        delta_note=delta_note,
        target_text=target_text,
        target_met=None if gap is None else gap.met,
        note=sample_note + change_note,
        change_note=change_note,
        small=small,
        delta=delta,
        significant=significant,
    )


def verdict(tiles: list[Tile], moves: pd.DataFrame, compare_label: str) -> list[str]:
    """The Overview's answer, a line each: which KPIs got better or worse by more than noise,
    where (the largest movers), and how many KPIs meet their targets."""
    better = [t for t in tiles if t.significant and stats.is_better(t.delta, t.kpi.higher_is_better)]
    worse = [t for t in tiles if t.significant and stats.is_better(t.delta, t.kpi.higher_is_better) is False]
    compared = [t for t in tiles if t.delta is not None]

    def named(ts: list[Tile]) -> str:
        return ", ".join(f"{t.kpi.label} ({t.delta_text})" for t in ts)

    if not compared:
        said = f"No change can be shown: the {compare_label} has no data for these filters."
    elif better and worse:
        said = f":green[**Better**] on {named(better)}; :red[**worse**] on {named(worse)}, against the {compare_label}."
    elif worse:
        said = f":red[**Worse**] on {named(worse)} against the {compare_label}."
    elif better:
        said = f":green[**Better**] on {named(better)} against the {compare_label}."
    else:
        said = f"**No KPI moved by more than noise** against the {compare_label}."
    if compared and (better or worse) and len(compared) > len(better) + len(worse):
        said += " The other changes are within noise or not tested."
    lines = [said]
    if not moves.empty:
        parts = []
        for m in moves.head(3).itertuples(index=False):
            word = "up" if m.change > 0 else "down"
            parts.append(f"{fmt.dimension_label(m.dimension)} {fmt.md(m.segment)} ({m.metric} {word} "
                         f"{abs(m.change):.1f} pts)")
        lines.append("**Where:** " + ", ".join(parts) + " (Biggest movers, below).")
    with_target = [t for t in tiles if t.target_met is not None]
    if with_target:
        missed = [t.kpi.label for t in with_target if not t.target_met]
        line = f"**Targets:** {len(with_target) - len(missed)} of {len(with_target)} met"
        lines.append(line + (f"; missed: {', '.join(missed)}." if missed else "."))
    return lines


def _noun(k: Measure) -> str:
    sample = catalog.load().by_key.get(k.n) if k.n else None
    return sample.noun if sample is not None and sample.noun else "answers"


def _sample_note(k: Measure, value, n: int, now: dict) -> tuple[str, bool]:
    noun = _noun(k)
    if value is None or n == 0:
        return f"No {noun} in this window", False
    if n == 1:
        noun = noun.replace("responses", "response").replace("tickets", "ticket")
    if n >= SMALL_N:
        return fmt.count(n, noun), False
    if k.margin:
        moe = _num(now.get(k.margin))
        margin = _catalog_margin(k)
        if moe is None or round(moe, margin.decimals) == 0:
            # Every answer the same: the formula says 0, the truth is "unknown".
            return f"{n} {noun}: too few to say how precise this is", True
        return f"{n} {noun}: the margin of error is ±{fmt.number(moe, margin.decimals, k.delta_unit)}", True
    if k.test == "proportion" and k.yes:
        yes = now.get(k.yes)
        interval = stats.wilson_interval(yes, n) if yes is not None else None
        if interval is not None:
            return f"{n} {noun}: the true share is likely between {interval[0]:.0f}% and {interval[1]:.0f}%", True
        moe = stats.proportion_moe95(value, n)
        return f"{n} {noun}: the margin of error is ±{moe:.0f} pts", True
    return f"Only {n} {noun}: a small sample, read with care", True


def _catalog_margin(k: Measure) -> Measure:
    return catalog.load().by_key[k.margin]


def _test(k: Measure, now, before) -> stats.TestResult | None:
    """The catalog's test of a change of measure k between two KPI rows."""
    if k.test == "mean":
        return stats.mean_difference(
            _num(now.get(k.key)), _num(now.get(k.margin)), now.get(k.n),
            _num(before.get(k.key)), _num(before.get(k.margin)), before.get(k.n),
        )
    if k.test == "nps":
        return stats.nps_difference(
            _num(now.get(k.key)), _num(now.get(k.margin)), now.get(k.n),
            _num(before.get(k.key)), _num(before.get(k.margin)), before.get(k.n),
        )
    if k.test == "proportion":
        return stats.proportion_difference(now.get(k.yes), now.get(k.n), before.get(k.yes), before.get(k.n))
    return None


def _num(value) -> float | None:
    return None if fmt.is_missing(value) else float(value)


# ---------------------------------------------------------------- segments

# The segment of rows a dimension leaves unknown. Its changes are not tested: it mixes whatever
# has no value (relationship surveys have no team), so its mix moves with which surveys came in,
# and the Overview's movers leave it out for the same reason.
NOT_SET = "(not set)"

# What a change is, against noise, as the What-changed table says it.
NOISE = {
    "significant": "larger than noise",
    "noise": "within noise",
    "few": "too few answers to test",
    "untested": "no test",
}


def tested_measures() -> tuple[Measure, ...]:
    """The measures compared segment by segment (against the rest, against their own past):
    the catalog's tested measures of the "compared" grain (NPS, CSAT)."""
    return tuple(m for m in catalog.load().tested("compared", "surveys") if m.segments)


def short(m: Measure) -> str:
    """The prefix of a tested measure's derived columns: nps_vs_rest, csat_change."""
    return m.key.removesuffix("_pct")


def _difference(m: Measure, row, other: dict) -> stats.TestResult | None:
    """The catalog's test of measure m between a segment row and another set of counts."""
    if m.test == "nps":
        return stats.nps_counts_difference(
            int(row[m.yes]), int(row[m.no]), int(row[m.n]), other[m.yes], other[m.no], other[m.n],
        )
    return stats.proportion_difference(int(row[m.yes]), int(row[m.n]), other[m.yes], other[m.n])


def _change_test(m: Measure, row, prev) -> stats.TestResult | None:
    if prev is None:
        return None
    if m.test == "nps":
        return stats.nps_difference(
            _num(row[m.key]), _num(row[m.margin]), int(row[m.n]), _num(prev[m.key]), _num(prev[m.margin]),
            int(prev[m.n]),
        )
    return stats.proportion_difference(int(row[m.yes]), int(row[m.n]), int(prev[m.yes]), int(prev[m.n]))


def change_family(cur: pd.DataFrame, old: pd.DataFrame) -> dict[tuple[str, str], tuple[stats.TestResult, bool]]:
    """The changes of one dimension's segments, each with whether it is larger than noise.

    `cur` and `old`: one row per segment (indexed by it) for the window and the comparison
    window. One family: every segment in both windows (NOT_SET aside) x each tested measure,
    Benjamini-Hochberg over them. The Segments table and the Overview's movers both read it, so
    a change flagged on one is flagged on the other: a dimension is one question ("which of
    these regions moved?"), the same whether asked on its own page or among the movers.
    """
    tests = []
    for segment in cur.index:
        if segment == NOT_SET or old.empty or segment not in old.index:
            continue
        for m in tested_measures():
            result = _change_test(m, cur.loc[segment], old.loc[segment])
            if result is not None:
                tests.append(((segment, m.key), result))
    flags = stats.benjamini_hochberg([r.p for _, r in tests])
    return {key: (result, flag) for (key, result), flag in zip(tests, flags, strict=True)}


def has_data(df: pd.DataFrame, segment: str | None = None) -> bool:
    """Whether a metrics/kpis_by_segment result holds any survey response, ticket or review:
    its total row, or one segment's row."""
    if df.empty:
        return False
    rows = df[df["is_total"]] if segment is None else df[(~df["is_total"]) & (df["segment"] == segment)]
    counts = [c for c in ("responses", "tickets", "reviews") if c in rows.columns]
    return bool(not rows.empty and rows[counts].fillna(0).to_numpy().sum() > 0)


def segment_table(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """One row per segment (the total row left out): the metrics, the comparison window's
    values of the tested measures with their changes, and whether the segment differs from
    the rest of the segments, or from its own past, by more than noise.

    Two families, one per question, each Benjamini-Hochberg corrected: the segments against
    the rest (every segment x tested measure), and the changes (change_family, the one the
    Overview's movers use)."""
    tested = tested_measures()
    segs = now[~now["is_total"]].copy()
    total = now[now["is_total"]]
    if segs.empty:
        empty: dict = {"flags": pd.Series(dtype="str")}
        for m in tested:
            p = short(m)
            empty |= {f"{p}_vs_rest": pd.Series(dtype="str"), f"{p}_before": pd.Series(dtype="float"),
                      f"{p}_change": pd.Series(dtype="float"), f"{p}_change_significant": pd.Series(dtype="bool"),
                      f"{p}_change_tested": pd.Series(dtype="bool")}
            if m.test == "proportion":
                empty |= {f"{p}_low": pd.Series(dtype="float"), f"{p}_high": pd.Series(dtype="float")}
        return segs.assign(**empty)
    t = total.iloc[0] if not total.empty else segs.sum(numeric_only=True)
    prev = before[~before["is_total"]].set_index("segment") if not before.empty else pd.DataFrame()

    rest: dict[str, list] = {m.key: [] for m in tested}
    for _, row in segs.iterrows():
        for m in tested:
            counts = [k for k in (m.yes, m.no, m.n) if k]
            rest[m.key].append(_difference(m, row, {k: int(t[k]) - int(row[k]) for k in counts}))
    flags = stats.benjamini_hochberg([None if x is None else x.p for m in tested for x in rest[m.key]])
    k = len(segs)
    sig_rest = {m.key: flags[i * k:(i + 1) * k] for i, m in enumerate(tested)}
    changes = change_family(segs.set_index("segment"), prev)

    notes: list[list[str]] = [[] for _ in range(k)]
    change_notes: list[list[str]] = [[] for _ in range(k)]
    for m in tested:
        p = short(m)
        found = [changes.get((s, m.key)) for s in segs["segment"]]
        segs[f"{p}_vs_rest"] = [_versus(r, sig) for r, sig in zip(rest[m.key], sig_rest[m.key], strict=True)]
        segs[f"{p}_before"] = [_prev(prev, s, m.key) for s in segs["segment"]]
        segs[f"{p}_change"] = [stats.change(_num(a), b) for a, b in zip(segs[m.key], segs[f"{p}_before"], strict=True)]
        segs[f"{p}_change_significant"] = [bool(f and f[1]) for f in found]
        segs[f"{p}_change_tested"] = [bool(f and f[0].tested) for f in found]
        if m.test == "proportion":
            ranges = [stats.wilson_interval(int(yes), int(n)) for yes, n in zip(segs[m.yes], segs[m.n], strict=True)]
            segs[f"{p}_low"] = [None if r is None else r[0] for r in ranges]
            segs[f"{p}_high"] = [None if r is None else r[1] for r in ranges]
        for i, (versus, change, sig) in enumerate(zip(segs[f"{p}_vs_rest"], segs[f"{p}_change"],
                                                      segs[f"{p}_change_significant"], strict=True)):
            if versus in ("higher", "lower"):
                notes[i].append(f"{m.label} {versus} than the rest")
            if sig and change is not None:
                change_notes[i].append(
                    f"{m.label} {'up' if change > 0 else 'down'} {fmt.number(abs(change), m.decimals, m.delta_unit)}"
                )
    segs["flags"] = ["; ".join(a + b) for a, b in zip(notes, change_notes, strict=True)]
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


def segment_changes(table: pd.DataFrame, now: pd.DataFrame, before: pd.DataFrame, segment: str) -> pd.DataFrame:
    """What moved in one segment between the comparison window and the window: one row per
    measure of the Segments table (its margins aside) with both values, the change, whether it
    is for the better, and whether it is larger than noise (the table's own change tests, so
    the two never disagree).

    Ranked: the changes larger than noise first, then the tested ones within noise, each by
    size (points); then the measures without a test (or too few answers to test), by their
    size against the comparison value; an unknown change last."""
    cur = now[(~now["is_total"]) & (now["segment"] == segment)]
    old = before[(~before["is_total"]) & (before["segment"] == segment)] if not before.empty else before
    row = table[table["segment"] == segment]
    tested = {m.key: m for m in tested_measures()}
    rows = []
    for m in catalog.load().segment_measures():
        if m.kind == "margin":
            continue
        a = _num(cur.iloc[0][m.key]) if not cur.empty else None
        b = _num(old.iloc[0][m.key]) if not old.empty else None
        delta = stats.change(a, b)
        direction = None  # a volume (or an unknown change) is neither better nor worse
        if delta is not None and m.higher_is_better is not None:
            direction = {True: "better", False: "worse", None: "no change"}[stats.is_better(delta, m.higher_is_better)]
        relative = None if delta is None or not b else delta / abs(b)  # unknown from nothing (0 before)
        if delta is None:
            noise, rank, size = None, 3, 0.0
        elif m.key in tested and not row.empty and bool(row.iloc[0][f"{short(m)}_change_tested"]):
            significant = bool(row.iloc[0][f"{short(m)}_change_significant"])
            noise, rank, size = ("significant", 0, abs(delta)) if significant else ("noise", 1, abs(delta))
        else:
            noise, rank = ("few" if m.key in tested and segment != NOT_SET else "untested"), 2
            size = abs(relative) if relative is not None else (float("inf") if delta else 0.0)
        change_text = fmt.DASH if delta is None else fmt.signed(delta, m.decimals, m.delta_unit)
        if delta is not None and relative is not None and m.delta_unit.strip() != "pts" and round(delta, m.decimals):
            change_text += f" ({fmt.signed(100 * relative, 0, '%')})"
        rows.append({
            "metric": m.label,
            "comparison": fmt.number(b, m.decimals, m.unit),
            "now": fmt.number(a, m.decimals, m.unit),
            "change": change_text,
            "direction": direction,
            "noise": None if noise is None else NOISE[noise],
            "significant": noise == "significant",
            "_rank": (rank, -size),
        })
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out.sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)


# ---------------------------------------------------------------- biggest movers


def movers(df: pd.DataFrame, limit: int | None = 5) -> pd.DataFrame:
    """The segments whose tested measures (NPS, CSAT) moved between the comparison window and
    the window by more than noise, largest first. Each dimension is one family of tests
    (change_family), the one the Segments table flags its changes with."""
    columns = ["dimension", "segment", "metric", "key", "before", "now", "change", "p_value", "n_before", "n_now"]
    if df.empty:
        return pd.DataFrame(columns=columns)
    out = []
    by_key = {m.key: m for m in tested_measures()}
    for dim in df["dimension"].drop_duplicates():
        rows = df[df["dimension"] == dim]
        cur = rows[rows["period"] == "current"].set_index("segment")
        old = rows[rows["period"] == "comparison"].set_index("segment")
        for (segment, key), (result, significant) in change_family(cur, old).items():
            if not significant:
                continue
            m = by_key[key]
            a, b = cur.loc[segment], old.loc[segment]
            out.append({"dimension": dim, "segment": segment, "metric": m.label, "key": key,
                        "before": _num(b[key]), "now": _num(a[key]), "change": result.diff, "p_value": result.p,
                        "n_before": int(b[m.n]), "n_now": int(a[m.n])})
    if not out:
        return pd.DataFrame(columns=columns)
    result = pd.DataFrame(out, columns=columns)
    result = result.reindex(result["change"].abs().sort_values(ascending=False, kind="stable").index)
    return (result if limit is None else result.head(limit)).reset_index(drop=True)


# ---------------------------------------------------------------- all KPIs


def kpi_table(now: dict, before: dict) -> pd.DataFrame:
    """Every measure of `python -m cx metrics` (metrics, then samples), for the window and the
    comparison window, as people read them: the catalog's labels, units and digits."""
    cat = catalog.load()
    keys = cat.keys()
    rows = []
    for k in keys:
        m = cat.by_key[k]
        a, b = _num(now.get(k)), _num(before.get(k))
        delta = stats.change(a, b)
        decimals = 0 if m.is_count else m.decimals
        rows.append({
            "metric": m.label,
            "now": fmt.count(a) if m.is_count and a is not None else fmt.number(a, decimals, m.unit),
            "comparison": fmt.count(b) if m.is_count and b is not None else fmt.number(b, decimals, m.unit),
            "change": fmt.DASH if delta is None else fmt.signed(delta, decimals, "" if m.is_count else m.delta_unit),
            "key": k,
        })
    return pd.DataFrame(rows, columns=["metric", "now", "comparison", "change", "key"])
