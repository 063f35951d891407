"""Plotly figures of the recovery, promise, high-expectation and review pages.

As dashboard/charts.py: every axis says its unit (%, hours, NPS points, ★), every hover reads
as a sentence, every NPS carries its 95% margin and every share its 95% (Wilson) range,
targets are dashed orange lines. Values come from the queries as they are; the ranges come
from dashboard.readings / cx.stats.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt, readings
from dashboard.charts import BAD, FONT, GOOD, NEUTRAL, NPS_COLOR, TARGET_COLOR
from dashboard.figure_cache import cached

PLATFORM_COLORS = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#718096", "#b7791f")
CONFIG = {"displaylogo": False}
ON_TIME = "#68d391"


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=40, b=10), font=FONT, hoverlabel=dict(font_size=13),
        legend=dict(orientation="h", y=1.1, x=0), **extra,
    )
    return fig


def _num(value) -> float | None:
    return None if fmt.is_missing(value) else float(value)


def _int(value) -> int:
    """A count (NA, NaN and None are 0: a group with nothing to count)."""
    return 0 if fmt.is_missing(value) else int(value)


def _target(fig_shapes: list, notes: list, target: float | None, text: str, yref: str = "y") -> None:
    if target is None:
        return
    fig_shapes.append(dict(type="line", xref="paper", yref=yref, x0=0, x1=1, y0=target, y1=target,
                           line=dict(color=TARGET_COLOR, dash="dash", width=1.5)))
    notes.append(dict(xref="paper", yref=yref, x=1, y=target, xanchor="right", yanchor="bottom", showarrow=False,
                      text=text, font=dict(color=TARGET_COLOR), bgcolor="rgba(255,255,255,0.7)"))


def _count_ticks(counts: Sequence[int]) -> dict:
    """Axis settings for whole counts (no 0.2 ticks when there are only a few)."""
    top = max([0] + [int(c) for c in counts])
    return dict(rangemode="tozero", tickformat=",d") | (dict(dtick=1) if top <= 5 else {})


def _counts(fig: go.Figure, counts: Sequence[int], **axis) -> None:
    fig.update_yaxes(**_count_ticks(counts), **axis)


def _bar_ms(grain: str) -> float:
    """The width of a week's or a month's bar on a date axis, in milliseconds."""
    return (6 if grain == "week" else 26) * 86_400_000


def _time_axis(grain: str) -> dict:
    """The shared time axis of the trends: one tick per month for monthly buckets."""
    unit = "week" if grain == "week" else "month"
    axis = dict(anchor="y2", title=dict(text=f"{unit} starting"), type="date")
    if grain != "week":
        axis |= dict(tickformat="%b %Y", dtick="M1")
    return axis


def _ranges(pcts: Sequence, ns: Sequence) -> tuple[list[float], list[float], list[str]]:
    """Error bar lengths above and below each share, and the range as words."""
    plus, minus, words = [], [], []
    for pct, n in zip(pcts, ns, strict=True):
        pct = _num(pct)
        r = readings.share_range(pct, _int(n)) if pct is not None else None
        if r is None:
            plus.append(0.0)
            minus.append(0.0)
            words.append("")
            continue
        plus.append(max(r[1] - pct, 0.0))
        minus.append(max(pct - r[0], 0.0))
        words.append(f"likely {r[0]:.0f}–{r[1]:.0f}%")
    return plus, minus, words


# ---------------------------------------------------------------- NPS of groups


@cached
def nps_bars(labels: Sequence[str], nps: Sequence, moe: Sequence, n: Sequence, *, noun: str = "NPS answers",
             colors: Sequence[str] | None = None, reference: tuple[str, float, float] | None = None,
             axis_title: str = "", height: int = 360, extra_hover: Sequence[str] | None = None) -> go.Figure:
    """NPS per group with its ±95% margin as an error bar and as a label.

    reference: (name, nps, moe) drawn as a shaded band across the chart, so that a bar whose
    top or bottom lies in the band is within the margin of the reference group."""
    values = [_num(v) for v in nps]
    margins = [_num(m) or 0.0 for m in moe]
    counts = [_int(c) for c in n]
    extra_hover = list(extra_hover or [""] * len(values))
    # The value and its margin sit under each bar (a label above the bar would collide with the whisker).
    ticks = [f"{lab}<br><b>{_nps_label(v, m, c)}</b>" for lab, v, m, c in zip(labels, values, margins, counts,
                                                                             strict=True)]
    # Whiskers stop at the ends of the scale (the margin itself can reach past ±100).
    up = [0.0 if v is None else min(m, 100.0 - v) for v, m in zip(values, margins, strict=True)]
    down = [0.0 if v is None else min(m, v + 100.0) for v, m in zip(values, margins, strict=True)]
    fig = go.Figure(go.Bar(
        x=ticks, y=[0 if v is None else v for v in values], marker_color=list(colors or [NPS_COLOR] * len(values)),
        error_y=dict(type="data", symmetric=False, array=up, arrayminus=down, color="#2d3748", thickness=1.5,
                     width=8),
        customdata=list(zip(list(labels), [f"{c:,}" for c in counts], margins, extra_hover, strict=True)),
        hovertemplate="<b>%{customdata[0]}</b><br>NPS %{y:.1f} ± %{customdata[2]:.1f} points"
                      f"<br>%{{customdata[1]}} {noun}%{{customdata[3]}}<extra></extra>",
    ))
    shapes, notes = [dict(type="line", xref="paper", x0=0, x1=1, y0=0, y1=0, line=dict(color="#a0aec0", width=1))], []
    if reference is not None and reference[1] is not None:
        name, ref, ref_moe = reference
        top, bottom = min(ref + (ref_moe or 0), 100.0), max(ref - (ref_moe or 0), -100.0)
        shapes.append(dict(type="rect", xref="paper", x0=0, x1=1, y0=bottom, y1=top,
                           fillcolor="rgba(127,140,154,0.15)", line_width=0, layer="below"))
        notes.append(dict(xref="paper", x=1, y=top, xanchor="right", yanchor="bottom",
                          showarrow=False, text=f"{name} ± margin", font=dict(color="#4a5568", size=12)))
    fig.update_layout(shapes=shapes, annotations=notes, showlegend=False)
    fig.update_yaxes(title_text=axis_title or "NPS (points, -100 to 100)", range=[-108, 108], zeroline=False)
    fig.update_xaxes(type="category")
    return _layout(fig, height)


def _nps_label(value: float | None, moe: float, n: int) -> str:
    """'27.0 ± 18.8'; a small sample also says how many answers; no '± 0.0' for a handful of
    identical answers (the formula gives 0, the truth is unknown)."""
    if value is None:
        return f"{fmt.DASH} no answers"
    text = f"{value:.1f}"
    if moe >= 0.5 or n >= fmt.SMALL_N:
        text += f" ± {moe:.1f}"
    if n < fmt.SMALL_N:
        text += f" · {n} answer{'s' if n != 1 else ''}"
    return text


# ---------------------------------------------------------------- service recovery
#
# Horizontal bars: the group names and their values sit on the category axis in full, at any
# width (vertical bars in a half-width column had their labels rotated onto each other). A bar
# is green or red only when its reading says the difference is beyond noise, grey otherwise,
# and pale when it rests on fewer than fmt.SMALL_N answers (or failures).

VERDICT_COLORS = {readings.ABOVE: GOOD, readings.BELOW: BAD}
REFERENCE_COLOR = "#4a5568"
SMALL_OPACITY = 0.35


def verdict_colors(verdicts: Sequence[str]) -> list[str]:
    return [VERDICT_COLORS.get(v, NEUTRAL) for v in verdicts]


def _opacity(counts: Sequence[int]) -> list[float]:
    return [SMALL_OPACITY if c < fmt.SMALL_N else 1.0 for c in counts]


def _small_note(count: int, noun: str) -> str:
    if count >= fmt.SMALL_N:
        return ""
    return f"<br><i>pale: under {fmt.SMALL_N} {noun}, too few to read on its own</i>"


def _answers(n: int, noun: str) -> str:
    return f"{n:,} {readings._singular(noun) if n == 1 else noun}"


def _hbars(ticks: list[str], values: list[float | None], up: list[float], down: list[float], *,
           colors: list[str], counts: list[int], hover: list[str], value_axis: dict, height: int | None = None,
           shapes: list | None = None, notes: list | None = None) -> go.Figure:
    fig = go.Figure(go.Bar(
        y=ticks, x=[0 if v is None else v for v in values], orientation="h",
        marker=dict(color=colors, opacity=_opacity(counts)),
        error_x=dict(type="data", symmetric=False, array=up, arrayminus=down, color="#2d3748", thickness=1.5,
                     width=6),
        customdata=hover, hovertemplate="%{customdata}<extra></extra>",
    ))
    fig.update_layout(shapes=shapes or [], annotations=notes or [], showlegend=False, bargap=0.35)
    fig.update_xaxes(**value_axis)
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    _layout(fig, height or 70 + 62 * len(ticks))
    fig.update_layout(margin=dict(l=10, r=16, t=30, b=10))
    return fig


def _nps_parts(values: list[float | None], margins: list[float]) -> tuple[list[float], list[float]]:
    """Whisker lengths, stopped at the ends of the scale (a margin can reach past ±100)."""
    up = [0.0 if v is None else min(m, 100.0 - v) for v, m in zip(values, margins, strict=True)]
    down = [0.0 if v is None else min(m, v + 100.0) for v, m in zip(values, margins, strict=True)]
    return up, down


def _nps_value(value: float | None, moe: float, n: int, noun: str) -> str:
    """'<b>27.6</b> ± 17.1 pts<br>58 answers' (no '± 0.0' for a handful of identical answers)."""
    if value is None:
        return f"{fmt.DASH} no {noun}"
    text = f"<b>{fmt.number(value, 1)}</b>"
    if moe >= 0.5 or n >= fmt.SMALL_N:
        text += f" ± {moe:.1f} pts"
    return f"{text}<br>{_answers(n, noun)}"


def _nps_figure(labels: Sequence[str], nps: Sequence, moe: Sequence, n: Sequence, *, colors: list[str],
                verdict_words: list[str], noun: str, axis_title: str,
                reference: tuple[str, float | None, float | None] | None, extra_hover: Sequence[str] | None = None,
                height: int | None = None) -> go.Figure:
    values = [_num(v) for v in nps]
    margins = [_num(m) or 0.0 for m in moe]
    counts = [_int(c) for c in n]
    extra_hover = list(extra_hover or [""] * len(values))
    up, down = _nps_parts(values, margins)
    ticks = [f"{lab}<br>{_nps_value(v, m, c, noun)}" for lab, v, m, c in zip(labels, values, margins, counts,
                                                                             strict=True)]
    hover = [f"<b>{lab}</b><br>NPS {fmt.number(v, 1)} ± {m:.1f} pts<br>{_answers(c, noun)}{x}"
             + (f"<br>{w}" if w else "") + _small_note(c, noun)
             for lab, v, m, c, x, w in zip(labels, values, margins, counts, extra_hover, verdict_words, strict=True)]
    shapes = [dict(type="line", yref="paper", y0=0, y1=1, x0=0, x1=0, line=dict(color="#a0aec0", width=1))]
    notes = []
    if reference is not None and reference[1] is not None:
        name, ref, ref_moe = reference
        hi, lo = min(ref + (ref_moe or 0), 100.0), max(ref - (ref_moe or 0), -100.0)
        shapes.append(dict(type="rect", yref="paper", y0=0, y1=1, x0=lo, x1=hi, fillcolor="rgba(127,140,154,0.18)",
                           line_width=0, layer="below"))
        notes.append(dict(yref="paper", y=1, x=(lo + hi) / 2, yanchor="bottom", showarrow=False,
                          text=f"{name} ± margin", font=dict(color="#4a5568", size=12)))
    return _hbars(ticks, values, up, down, colors=colors, counts=counts, hover=hover, height=height,
                  value_axis=dict(title_text=axis_title, range=[-105, 105], dtick=50, zeroline=False),
                  shapes=shapes, notes=notes)


GROUP_NAMES = {"no failure": "No failure", "recovered": "After a recovered failure",
               "not recovered": "After a failed recovery"}
_AGAINST_WORDS = {readings.ABOVE: "above no failure, beyond the margin",
                  readings.BELOW: "below no failure, beyond the margin",
                  readings.WITHIN: "within the margin of no failure",
                  readings.TOO_FEW: f"too few answers to compare with no failure (under {readings.MIN_N})"}


@cached
def recovery_groups(df: pd.DataFrame, verdicts: dict[str, str] | None = None) -> go.Figure:
    """The three loyalty groups of recovery_groups, with the no-failure margin as a band.

    verdicts: each group's readings verdict against no failure (readings.against); a group is
    green or red only when it is beyond the margin."""
    verdicts = verdicts or {}
    ref = df[df["group"] == "no failure"]
    reference = None
    if not ref.empty and _num(ref.iloc[0]["nps"]) is not None:
        reference = ("no failure", _num(ref.iloc[0]["nps"]), _num(ref.iloc[0]["nps_moe95"]))
    groups = [str(g) for g in df["group"]]
    colors = [REFERENCE_COLOR if g == "no failure" else VERDICT_COLORS.get(verdicts.get(g), NEUTRAL) for g in groups]
    words = ["" if g == "no failure" else _AGAINST_WORDS.get(verdicts.get(g), "") for g in groups]
    extra = [f"<br>{fmt.number(p, 0, '%')} promoters, {fmt.number(d, 0, '%')} detractors"
             if not fmt.is_missing(p) else "" for p, d in zip(df["promoters_pct"], df["detractors_pct"], strict=True)]
    return _nps_figure([GROUP_NAMES.get(g, g) for g in groups], df["nps"], df["nps_moe95"], df["responses"],
                       colors=colors, verdict_words=words, noun="answers", axis_title="NPS (pts, -100 to 100)",
                       reference=reference, extra_hover=extra)


@cached
def driver_nps(labels: Sequence[str], nps: Sequence, moe: Sequence, n: Sequence, verdicts: Sequence[str],
               reference: tuple[str, float | None, float | None] | None = None) -> go.Figure:
    """NPS after the failure per band of a driver, against no failure (the band)."""
    return _nps_figure(list(labels), nps, moe, n, colors=verdict_colors(verdicts),
                       verdict_words=[_AGAINST_WORDS.get(v, "") for v in verdicts], noun="answers",
                       axis_title="NPS after the failure (pts)", reference=reference)


_RATE_WORDS = {readings.ABOVE: "the highest rate, beyond sampling noise of the lowest",
               readings.BELOW: "the lowest rate, beyond sampling noise of the highest"}


@cached
def driver_rates(labels: Sequence[str], pcts: Sequence, ns: Sequence, verdicts: Sequence[str],
                 target: float | None = None) -> go.Figure:
    """Recovery rate per band of a driver with its 95% range; the highest and lowest band in
    colour only when their gap is beyond noise (readings.driver_comparison)."""
    values = [_num(v) for v in pcts]
    plus, minus, words = _ranges(values, ns)
    counts = [_int(c) for c in ns]
    noun = "failures with an outcome"
    ticks = [f"{lab}<br><b>{fmt.number(v, 0, '%')}</b> of {_answers(c, 'failures')}"
             for lab, v, c in zip(labels, values, counts, strict=True)]
    hover = [f"<b>{lab}</b><br>Recovery rate {fmt.number(v, 1, '%')}, {w or 'no outcome yet'}<br>{_answers(c, noun)}"
             + (f"<br>{_RATE_WORDS[d]}" if d in _RATE_WORDS else "") + _small_note(c, "failures")
             for lab, v, w, c, d in zip(labels, values, words, counts, verdicts, strict=True)]
    shapes, notes = [], []
    if target is not None:
        shapes.append(dict(type="line", yref="paper", y0=0, y1=1, x0=target, x1=target,
                           line=dict(color=TARGET_COLOR, dash="dash", width=1.5)))
        notes.append(dict(yref="paper", y=1, x=target, yanchor="bottom", showarrow=False,
                          text=f"target {fmt.number(target, 0, '%')}", font=dict(color=TARGET_COLOR)))
    return _hbars(ticks, values, plus, minus, colors=verdict_colors(verdicts), counts=counts, hover=hover,
                  value_axis=dict(title_text="% of failures recovered", range=[0, 105], ticksuffix="%", dtick=25),
                  shapes=shapes, notes=notes)


# ---------------------------------------------------------------- shares per group


@cached
def share_bars(labels: Sequence[str], pcts: Sequence, ns: Sequence, *, name: str, noun: str, axis_title: str,
               target: float | None = None, colors: Sequence[str] | str = NPS_COLOR, height: int = 340,
               horizontal: bool = False, full_scale: bool = True) -> go.Figure:
    """A share per group (recovery rate, CSAT ...) with its 95% range as an error bar.

    full_scale: the axis runs 0-100%; else up to the highest whisker (small shares)."""
    values = [_num(v) for v in pcts]
    plus, minus, words = _ranges(values, ns)
    counts = [_int(c) for c in ns]
    # The value and its sample size sit on the category axis (a label above the bar would collide
    # with the whisker).
    sep = " " if horizontal else "<br>"
    ticks = [f"{lab}{sep}<b>{fmt.DASH if v is None else f'{v:.0f}%'}</b> of {c:,}"
             for lab, v, c in zip(labels, values, counts, strict=True)]
    hover = (f"<b>%{{customdata[3]}}</b><br>{name} %{{customdata[0]}}, %{{customdata[1]}}"
             f"<br>%{{customdata[2]}} {noun}<extra></extra>")
    err = dict(type="data", symmetric=False, array=plus, arrayminus=minus, color="#2d3748", thickness=1.2, width=6)
    bar = go.Bar(
        x=[0 if v is None else v for v in values] if horizontal else ticks,
        y=ticks if horizontal else [0 if v is None else v for v in values],
        orientation="h" if horizontal else "v", marker_color=colors,
        error_x=err if horizontal else None, error_y=None if horizontal else err,
        customdata=list(zip([fmt.number(v, 1, "%") for v in values], [w or "no answers" for w in words],
                            [f"{c:,}" for c in counts], list(labels), strict=True)),
        hovertemplate=hover,
    )
    fig = go.Figure(bar)
    shapes, notes = [], []
    if target is not None:
        if horizontal:
            shapes.append(dict(type="line", yref="paper", y0=0, y1=1, x0=target, x1=target,
                               line=dict(color=TARGET_COLOR, dash="dash", width=1.5)))
            notes.append(dict(yref="paper", y=1, x=target, yanchor="bottom", showarrow=False,
                              text=f"target {target:.0f}%", font=dict(color=TARGET_COLOR)))
        else:
            _target(shapes, notes, target, f"target {target:.0f}%")
    fig.update_layout(shapes=shapes, annotations=notes, showlegend=False)
    top = 108.0 if full_scale else 1.15 * max([1.0] + [v + u for v, u in zip(values, plus, strict=True)
                                                         if v is not None])
    value_axis = dict(title_text=axis_title, range=[0, top], ticksuffix="%")
    if horizontal:
        fig.update_xaxes(**value_axis)
        fig.update_yaxes(type="category", autorange="reversed")
    else:
        fig.update_yaxes(**value_axis)
        fig.update_xaxes(type="category")
    return _layout(fig, height)


@cached
def compensation(procs: list[readings.Process]) -> go.Figure:
    """Recovery rate with and without compensation, for each process (speed x apology).

    Blue and grey name the two groups, not a verdict (the sentence above the chart gives it)."""
    labels = [p.label + ("<br>(mixed)" if p.mixed else "") for p in procs]
    fig = go.Figure()
    for name, attr, color in (("compensated", "compensated", NPS_COLOR), ("not compensated", "not_compensated",
                                                                           NEUTRAL)):
        shares = [getattr(p, attr) for p in procs]
        values = [s.pct for s in shares]
        plus, minus, words = _ranges(values, [s.n for s in shares])
        fig.add_trace(go.Bar(
            y=labels, x=values, name=name, orientation="h",  # no bar where a group has no outcome
            marker=dict(color=color, opacity=_opacity([s.n for s in shares])),
            error_x=dict(type="data", symmetric=False, array=plus, arrayminus=minus, color="#2d3748", thickness=1.2),
            customdata=[f"<b>{p.label}</b>, {name}<br>Recovery rate {fmt.number(s.pct, 1, '%')}, "
                        f"{w or 'no outcome yet'}<br>{_answers(s.n, 'failures with an outcome')}"
                        + _small_note(s.n, "failures") for p, s, w in zip(procs, shares, words, strict=True)],
            hovertemplate="%{customdata}<extra></extra>",
        ))
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(title_text="% of failures recovered", range=[0, 105], ticksuffix="%", dtick=25)
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    _layout(fig, 90 + 70 * len(procs))
    # The legend above the plot area, not over it; on a phone it wraps to two lines, which the
    # top margin holds.
    fig.update_layout(margin=dict(l=10, r=16, t=58, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, xanchor="left"))
    return fig


# ---------------------------------------------------------------- funnel


@cached
def recovery_funnel(row: dict, recovery_pct: float | None) -> go.Figure:
    """Failures → answered → resolved → outcome known → recovered.

    The counts and shares sit in the step names on the axis, not in the bars: a narrow step
    (the few failures with an outcome) had its text shrunk to nothing or cut off on a phone."""
    steps = [("Service failures", row.get("failures"), "failures created in the window"),
             ("Answered", row.get("answered"), "got a first public reply"),
             ("Resolved", row.get("resolved"), "were resolved"),
             ("Outcome known", row.get("with_outcome"), "have an outcome: a post-ticket CSAT, or open 14+ days"),
             ("Recovered", row.get("recovered"), "were recovered: resolved with a post-ticket CSAT of 4 or 5")]
    values = [_int(v) for _, v, _ in steps]
    first = values[0]
    shares = [fmt.number(100.0 * v / first, 0, "% of failures") if first else fmt.DASH for v in values]
    if recovery_pct is not None:
        shares[-1] = f"{recovery_pct:.1f}% of the outcomes"
    labels = [f"{name}<br><b>{v:,}</b> · {share}" for (name, _, _), v, share in zip(steps, values, shares, strict=True)]
    fig = go.Figure(go.Funnel(
        y=labels, x=values, textinfo="none",
        marker=dict(color=["#4a5568", "#2b6cb0", "#3182ce", "#63b3ed", "#2c5282"]),
        customdata=list(zip([s[0] for s in steps], [s[2] for s in steps], shares, strict=True)),
        hovertemplate="<b>%{customdata[0]}</b><br>%{x:,} failures %{customdata[1]}<br>%{customdata[2]}"
                      "<extra></extra>",
        connector=dict(line=dict(color="#cbd5e0", width=1)),
    ))
    fig.update_yaxes(title_text="", automargin=True)
    _layout(fig, 330)
    fig.update_layout(margin=dict(l=10, r=10, t=10, b=10))
    return fig


# ---------------------------------------------------------------- trends


def _partial(df: pd.DataFrame) -> list[bool]:
    """Which periods the window cuts (the query's is_partial; none when it has no such column)."""
    return [bool(v) for v in df["is_partial"]] if "is_partial" in df else [False] * len(df)


def _partial_points(x, values, partial, color, axis, customdata, hovertemplate, unit) -> list[go.Scatter]:
    """A partial period's value as a faded point beside the line, never on it: a few days'
    answers read as a spike."""
    keep = [i for i, p in enumerate(partial) if p and values[i] is not None]
    if not keep:
        return []
    return [go.Scatter(
        x=[x[i] for i in keep], y=[values[i] for i in keep], mode="markers", yaxis=axis, name=f"partial {unit}",
        marker=dict(color=color, opacity=0.3, size=8), customdata=[customdata[i] for i in keep],
        hovertemplate=hovertemplate.replace("<extra></extra>", f"<br><i>partial {unit}: only its days inside the "
                                                               "selected dates</i><extra></extra>"),
    )]


@cached
def rate_trend(df: pd.DataFrame, *, pct: str, n: str, grain: str, name: str, noun: str, axis_title: str,
               target: float | None = None, color: str = NPS_COLOR, window: tuple | None = None) -> go.Figure:
    """A share per period with its 95% range as a band, and how many it rests on below; a
    period of fewer than fmt.SMALL_N is a pale point."""
    unit = "week" if grain == "week" else "month"
    x = [pd.Timestamp(v) for v in df["period"]]
    label = [f"Week of {t:%d %b %Y}" if grain == "week" else f"{t:%B %Y}" for t in x]
    partial = _partial(df)
    every = [_num(v) for v in df[pct]]
    values = [None if cut else v for v, cut in zip(every, partial, strict=True)]
    counts = [_int(c) for c in df[n]]
    plus, minus, words = _ranges(every, counts)
    upper = [None if v is None else v + p for v, p in zip(values, plus, strict=True)]
    lower = [None if v is None else v - m for v, m in zip(values, minus, strict=True)]
    band_x, band_y = [], []
    for xi, u in zip(x, upper, strict=True):
        if u is not None:
            band_x.append(xi)
            band_y.append(u)
    for xi, lo in zip(x[::-1], lower[::-1], strict=True):
        if lo is not None:
            band_x.append(xi)
            band_y.append(lo)
    customdata = list(zip(label, [w or "no outcome yet" for w in words], counts,
                          [_small_note(c, noun) for c in counts], strict=True))
    hover = (f"%{{customdata[0]}}<br>{name} <b>%{{y:.1f}}%</b>, %{{customdata[1]}}"
             f"<br>%{{customdata[2]:,}} {noun}%{{customdata[3]}}<extra></extra>")
    traces = [
        go.Scatter(x=band_x, y=band_y, fill="toself", fillcolor="rgba(43,108,176,0.13)", line=dict(width=0),
                   hoverinfo="skip", name="95% range", yaxis="y", mode="lines"),
        go.Scatter(x=x, y=values, mode="lines+markers", name=name, line=dict(color=color, width=2), yaxis="y",
                   connectgaps=False, marker=dict(size=8, opacity=_opacity(counts)),
                   customdata=customdata, hovertemplate=hover),
        *_partial_points(x, every, partial, color, "y", customdata, hover, unit),
        go.Bar(x=x, y=counts, name=noun.capitalize(), yaxis="y2", width=_bar_ms(grain),
               marker=dict(color="#cbd5e0", opacity=[0.35 if cut else 1.0 for cut in partial]),
               customdata=label, hovertemplate=f"%{{customdata}}<br>%{{y:,}} {noun}<extra></extra>"),
    ]
    shapes, notes = [], []
    if window is not None:  # the selected dates, within a longer span
        shapes.append(dict(type="rect", xref="x", yref="paper", x0=window[0], x1=window[1], y0=0, y1=1,
                           fillcolor="rgba(237,242,247,0.7)", line_width=0, layer="below"))
    _target(shapes, notes, target, f"target {fmt.number(target, 0, '%')}" if target is not None else "")
    layout = dict(
        xaxis=_time_axis(grain),
        yaxis=dict(domain=[0.32, 1.0], title=dict(text=axis_title), ticksuffix="%", range=[0, 105]),
        yaxis2=dict(domain=[0.0, 0.24], title=dict(text=f"per {unit}"), **_count_ticks(counts)),
        shapes=shapes, annotations=notes, hovermode="closest",
        showlegend=False,  # the caption names the line, band and bars; a legend wrapped over the plot on a phone
    )
    return _layout(go.Figure(data=traces, layout=layout), 400)


@cached
def high_expectation_trend(df: pd.DataFrame, grain: str, overall: float | None = None) -> go.Figure:
    """Share of each period's active customers who are high-expectation customers, and how
    many, per period; `overall`, the share over the whole dates (the tile's), as a dashed line
    so that the two denominators are seen side by side."""
    unit = "week" if grain == "week" else "month"
    x = [pd.Timestamp(v) for v in df["period"]]
    label = [f"Week of {t:%d %b %Y}" if grain == "week" else f"{t:%B %Y}" for t in x]
    partial = _partial(df)
    every = [_num(v) for v in df["high_expectation_pct"]]
    customdata = list(zip(label, df["high_expectation_customers"], df["active_customers"], strict=True))
    hover = (f"%{{customdata[0]}}<br><b>%{{y:.1f}}%</b> of the customers active that {unit} "
             "are high-expectation<br>%{customdata[1]:,} of %{customdata[2]:,}<extra></extra>")
    faded = [0.35 if cut else 1.0 for cut in partial]
    traces = [
        go.Scatter(x=x, y=[None if cut else v for v, cut in zip(every, partial, strict=True)], mode="lines+markers",
                   name=f"Share of the {unit}'s active customers", line=dict(color=NPS_COLOR, width=2), yaxis="y",
                   customdata=customdata, hovertemplate=hover),
        *_partial_points(x, every, partial, NPS_COLOR, "y", customdata, hover, unit),
        go.Bar(x=x, y=df["active_customers"], name="Active customers", marker=dict(color="#cbd5e0", opacity=faded),
               yaxis="y2", width=_bar_ms(grain),
               customdata=label, hovertemplate="%{customdata}<br>%{y:,} active customers<extra></extra>"),
        go.Bar(x=x, y=df["high_expectation_customers"], name="High-expectation customers",
               marker=dict(color="#90cdf4", opacity=faded), width=_bar_ms(grain), yaxis="y2", customdata=label,
               hovertemplate="%{customdata}<br>%{y:,} high-expectation customers active<extra></extra>"),
    ]
    layout = dict(
        xaxis=_time_axis(grain),
        yaxis=dict(domain=[0.45, 1.0], title=dict(text="% of active customers"), ticksuffix="%", rangemode="tozero"),
        yaxis2=dict(domain=[0.0, 0.37], title=dict(text=f"customers per {unit}"),
                    **_count_ticks([_int(v) for v in df["active_customers"]])),
        barmode="overlay", hovermode="closest",
    )
    if overall is not None:
        shapes, notes = [], []
        _target(shapes, notes, overall, f"over the whole dates {overall:.1f}%")
        for line in shapes:
            line["line"] = dict(color="#4a5568", dash="dot", width=1.5)
        for note in notes:
            note["font"] = dict(color="#4a5568")
        layout |= dict(shapes=shapes, annotations=notes)
    return _layout(go.Figure(data=traces, layout=layout), 420)


@cached
def review_trend(df: pd.DataFrame, grain: str, target: float | None, window: tuple | None = None) -> go.Figure:
    """Mean rating and share of negative reviews per platform and period; a period the dates
    cut is a faded point off the lines."""
    unit = "week" if grain == "week" else "month"
    traces = []
    for i, (platform, part) in enumerate(df.groupby("platform", sort=True)):
        color = PLATFORM_COLORS[i % len(PLATFORM_COLORS)]
        x = [pd.Timestamp(v) for v in part["period"]]
        label = [f"Week of {t:%d %b %Y}" if grain == "week" else f"{t:%B %Y}" for t in x]
        n = [_int(v) for v in part["reviews"]]
        partial = _partial(part)
        customdata = list(zip(label, n, strict=True))
        for column, axis, width, dash, hover in (
            ("rating_avg", "y", 2, None, f"<b>{platform}</b>, %{{customdata[0]}}<br>mean rating "
                                         "<b>%{y:.2f} ★</b><br>%{customdata[1]:,} reviews<extra></extra>"),
            ("negative_pct", "y2", 1.5, "dot", f"<b>{platform}</b>, %{{customdata[0]}}<br><b>%{{y:.0f}}%</b> "
                                               "negative (2 ★ or less)<br>of %{customdata[1]:,} reviews"
                                               "<extra></extra>"),
        ):
            every = [_num(v) for v in part[column]]
            traces.append(go.Scatter(
                x=x, y=[None if cut else v for v, cut in zip(every, partial, strict=True)], mode="lines+markers",
                name=str(platform), legendgroup=str(platform), showlegend=axis == "y",
                line=dict(color=color, width=width, dash=dash), yaxis=axis, customdata=customdata,
                hovertemplate=hover,
            ))
            for point in _partial_points(x, every, partial, color, axis, customdata, hover, unit):
                point.update(name=f"{platform}, partial {unit}", legendgroup=str(platform), showlegend=False)
                traces.append(point)
    shapes, notes = [], []
    if window is not None:  # the selected dates, within a longer span
        shapes.append(dict(type="rect", xref="x", yref="paper", x0=window[0], x1=window[1], y0=0, y1=1,
                           fillcolor="rgba(237,242,247,0.7)", line_width=0, layer="below"))
    _target(shapes, notes, target, f"target {target:.1f} ★" if target is not None else "")
    layout = dict(
        xaxis=_time_axis(grain),
        yaxis=dict(domain=[0.5, 1.0], title=dict(text="mean rating (★, 1-5)"), range=[0.8, 5.2]),
        yaxis2=dict(domain=[0.0, 0.42], title=dict(text="negative reviews (%)"), ticksuffix="%", range=[-3, 103]),
        shapes=shapes, annotations=notes, hovermode="closest",
    )
    return _layout(go.Figure(data=traces, layout=layout), 480)


# ---------------------------------------------------------------- promises


@cached
def promise_histogram(df: pd.DataFrame, clip_hours: float, on_time_hours: float) -> go.Figure:
    """Resolution time minus promised time: before the promise (kept; early or on time) and
    after it (late)."""
    starts = [float(v) for v in df["bin_start"]]
    ends = [float(v) for v in df["bin_end"]]
    counts = [_int(v) for v in df["tickets"]]
    kept = [bool(k) for k in df["kept"]]
    colors = [BAD if not k else ON_TIME if s >= -on_time_hours else GOOD
              for k, s in zip(kept, starts, strict=True)]
    words = []
    for s, e, k in zip(starts, ends, kept, strict=True):
        side = "kept" if k else "late"
        if s <= -clip_hours:
            words.append(f"{-e:.0f} h or more before the promised time ({side})")
        elif e >= clip_hours:
            words.append(f"{s:.0f} h or more after the promised time ({side})")
        elif e <= 0:
            words.append(f"{-e:.0f}–{-s:.0f} h before the promised time ({side})")
        else:
            words.append(f"{s:.0f}–{e:.0f} h after the promised time ({side})")
    fig = go.Figure(go.Bar(
        x=[(s + e) / 2 for s, e in zip(starts, ends, strict=True)], y=counts,
        width=[(e - s) * 0.92 for s, e in zip(starts, ends, strict=True)], marker_color=colors,
        customdata=words, hovertemplate="Resolved %{customdata}<br><b>%{y:,}</b> tickets<extra></extra>",
    ))
    fig.update_layout(
        shapes=[dict(type="line", x0=0, x1=0, yref="paper", y0=0, y1=1, line=dict(color="#2d3748", dash="dash"))],
        annotations=[
            dict(x=0, yref="paper", y=1.0, text="promised time", showarrow=False, yanchor="bottom"),
            dict(xref="paper", x=0, yref="paper", y=1.09, showarrow=False, xanchor="left", align="left",
                 yanchor="bottom",
                 text=f"<span style='color:{GOOD}'>■ early</span>  <span style='color:{ON_TIME}'>■ on time "
                      f"(within {on_time_hours:g} h before)</span>"),
            dict(xref="paper", x=1, yref="paper", y=1.09, text="late: promise broken ■", showarrow=False,
                 xanchor="right", yanchor="bottom", font=dict(color=BAD)),
        ],
        showlegend=False, bargap=0,
    )
    fig.update_xaxes(title_text=f"hours resolved after the promised time (negative: before it; the outer bars "
                                f"hold everything beyond ±{clip_hours:g} h)", ticksuffix=" h", zeroline=False)
    _counts(fig, counts, title_text="resolved tickets")
    _layout(fig, 380)
    fig.update_layout(margin=dict(l=10, r=10, t=70, b=10))
    return fig


@cached
def timing_bars(df: pd.DataFrame) -> go.Figure:
    """How many promised resolutions came early, on time or late."""
    colors = {"early": GOOD, "on time": ON_TIME, "late": BAD}
    counts = [_int(v) for v in df["tickets"]]
    shares = [_num(v) for v in df["share_pct"]]
    fig = go.Figure(go.Bar(
        x=list(df["timing"]), y=counts, marker_color=[colors.get(t, NEUTRAL) for t in df["timing"]],
        text=[f"{c:,} · {fmt.number(s, 0, '%')}" for c, s in zip(counts, shares, strict=True)], textposition="outside",
        cliponaxis=False, customdata=[fmt.number(s, 1, "%") for s in shares],
        hovertemplate="Resolved <b>%{x}</b><br>%{y:,} tickets, %{customdata} of the resolved tickets with a promise"
                      "<extra></extra>",
    ))
    _counts(fig, counts, title_text="resolved tickets with a promise")
    fig.update_xaxes(type="category")
    fig.update_layout(showlegend=False)
    return _layout(fig, 320)


@cached
def ageing(df: pd.DataFrame) -> go.Figure:
    """Tickets still without a first response, by how long they have waited."""
    shades = ["#fed7d7", "#feb2b2", "#fc8181", "#e53e3e", "#9b2c2c"]
    fig = go.Figure(go.Bar(
        x=list(df["band"]), y=[_int(v) for v in df["tickets"]], marker_color=shades[:len(df)] + [BAD] * (len(df) - 5),
        text=[f"{int(v):,}" for v in df["tickets"]], textposition="outside", cliponaxis=False,
        hovertemplate="Waiting <b>%{x}</b><br>%{y:,} tickets with no first response<extra></extra>",
    ))
    fig.update_xaxes(title_text="time waited at the data's as-of time", type="category")
    _counts(fig, [_int(v) for v in df["tickets"]], title_text="unanswered tickets")
    fig.update_layout(showlegend=False)
    return _layout(fig, 300)


# ---------------------------------------------------------------- high-expectation signals

SIGNALS = (
    ("demanding", "Demanding", "gave CSAT 3 or less on a ticket answered faster than the median"),
    ("vocal", "Vocal", "wrote a 200+ character comment, or 3+ comments"),
    ("in_touch", "In touch", "opened 3+ tickets"),
    ("influential", "Influential", "wrote a public review"),
)


@cached
def signals(row: dict) -> go.Figure:
    """How many high-expectation customers show each signal (a customer shows two or more)."""
    total = _int(row.get("customers"))
    counts = [_int(row.get(k)) for k, _, _ in SIGNALS]
    fig = go.Figure(go.Bar(
        y=[label for _, label, _ in SIGNALS], x=counts, orientation="h", marker_color=NPS_COLOR,
        text=[f"{c:,} of {total:,}" for c in counts], textposition="auto",
        customdata=[d for _, _, d in SIGNALS],
        hovertemplate=f"<b>%{{y}}</b>: %{{customdata}}<br>%{{x:,}} of the {total:,} high-expectation customers"
                      "<extra></extra>",
    ))
    fig.update_xaxes(title_text="high-expectation customers showing the signal", rangemode="tozero",
                     tickformat=",d", **(dict(dtick=1) if max(counts + [0]) <= 5 else {}))
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_layout(showlegend=False)
    return _layout(fig, 260)


@cached
def compare_bars(labels: Sequence[str], values: Sequence, *, unit: str, axis_title: str, noun: str,
                 ns: Sequence, colors: Sequence[str]) -> go.Figure:
    """A plain value per group (a median in hours), with how many it rests on."""
    vals = [_num(v) for v in values]
    fig = go.Figure(go.Bar(
        x=list(labels), y=[0 if v is None else v for v in vals], marker_color=list(colors),
        text=[fmt.DASH if v is None else fmt.number(v, 1, unit) for v in vals], textposition="outside",
        cliponaxis=False, customdata=[f"{_int(n):,}" for n in ns],
        hovertemplate=f"<b>%{{x}}</b><br>%{{y:.1f}}{unit}<br>%{{customdata}} {noun}<extra></extra>",
    ))
    fig.update_yaxes(title_text=axis_title, rangemode="tozero", ticksuffix=unit)
    fig.update_xaxes(type="category")
    fig.update_layout(showlegend=False)
    return _layout(fig, 300)


# ---------------------------------------------------------------- reviews


@cached
def reach(df: pd.DataFrame) -> go.Figure:
    """Helpful votes per platform: on all reviews and on the negative ones."""
    fig = go.Figure()
    for col, name, color in (("helpful_votes", "on all reviews", NEUTRAL),
                             ("helpful_votes_on_negative", "on negative reviews", BAD)):
        vals = [int(v) if not fmt.is_missing(v) else 0 for v in df[col]]
        fig.add_trace(go.Bar(
            x=list(df["platform"]), y=vals, name=name, marker_color=color,
            hovertemplate=f"<b>%{{x}}</b><br>%{{y:,}} helpful votes {name}<extra></extra>",
        ))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="helpful votes (readers reached)", rangemode="tozero")
    fig.update_xaxes(title_text="platform", type="category")
    return _layout(fig, 300)

