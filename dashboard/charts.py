"""Plotly figures for the pages: every axis says its unit, every hover reads as a sentence."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from cx import stats
from dashboard import fmt
from dashboard.figure_cache import cached

GOOD = "#1a9850"
BAD = "#d73027"
NEUTRAL = "#7f8c9a"
NPS_COLOR = "#2b6cb0"
CSAT_COLOR = "#805ad5"
TARGET_COLOR = "#dd6b20"
FONT = dict(family="sans-serif", size=13)

# Heatmap cells with fewer answers than this are left blank (and say why on hover).
HEATMAP_MIN_N = 10

METRICS = {
    # metric: (value column, n column, axis title, unit). NPS: ± nps_moe95 (the contract's
    # margin); CSAT: the Wilson range csat_low..csat_high (exact enough for small samples).
    "nps": ("nps", "nps_n", "NPS (points, -100 to 100)", ""),
    "csat": ("csat_pct", "csat_n", "CSAT (% answering 4 or 5)", "%"),
}


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=40, b=10), font=FONT,
        hoverlabel=dict(font_size=13), legend=dict(orientation="h", y=1.08, x=0),
    )
    return fig


@cached
def trend(df: pd.DataFrame, grain: str, window: tuple[date, date], targets: dict) -> go.Figure:
    """NPS (with its margin of error) and CSAT per week or month, their targets, and volumes.

    Three stacked panels on one shared time axis, built in one go (plotly's make_subplots and
    add_hline/add_vrect were measured too slow for a filter change)."""
    unit = "week" if grain == "week" else "month"
    x = [pd.Timestamp(v) for v in df["bucket_start"]]
    period = [_bucket_label(r, grain) for r in df.itertuples(index=False)]
    is_partial = [bool(p) for p in df["is_partial"]]
    partial = [f"<br><i>partial {unit}: only its days inside the dates shown</i>" if p else "" for p in is_partial]
    nps = [None if fmt.is_missing(v) else float(v) for v in df["nps"]]
    moe = [0.0 if fmt.is_missing(v) else float(v) for v in df["nps_moe95"]]
    csat = [None if fmt.is_missing(v) else float(v) for v in df["csat_pct"]]
    # A partial bucket (a few days at either end) scores a handful of answers: on the line it
    # reads as a spike. It is drawn as a faded point beside the line instead.
    full = [not p for p in is_partial]
    nps_line = [v if ok else None for v, ok in zip(nps, full, strict=True)]
    csat_line = [v if ok else None for v, ok in zip(csat, full, strict=True)]
    bx = [t for t, v, ok in zip(x, nps, full, strict=True) if v is not None and ok]
    bm = [m for v, m, ok in zip(nps, moe, full, strict=True) if v is not None and ok]
    bv = [v for v, ok in zip(nps, full, strict=True) if v is not None and ok]
    upper = [min(v + m, 100.0) for v, m in zip(bv, bm, strict=True)]
    lower = [max(v - m, -100.0) for v, m in zip(bv, bm, strict=True)]
    bar_opacity = [0.35 if p else 1.0 for p in is_partial]
    nps_data = list(zip(period, [fmt.number(m, 1) for m in moe], df["nps_n"], partial, strict=True))
    csat_data = list(zip(period, df["csat_n"], partial, strict=True))
    nps_hover = ("%{customdata[0]}<br>NPS <b>%{y:.1f}</b> ± %{customdata[1]} points"
                 "<br>%{customdata[2]:,} responses with an NPS%{customdata[3]}<extra></extra>")
    csat_hover = ("%{customdata[0]}<br>CSAT <b>%{y:.1f}%</b> satisfied"
                  "<br>%{customdata[1]:,} responses with a CSAT%{customdata[2]}<extra></extra>")

    data = [
        go.Scatter(x=bx + bx[::-1], y=upper + lower[::-1], fill="toself", fillcolor="rgba(43,108,176,0.15)",
                   line=dict(width=0), hoverinfo="skip", name="NPS 95% margin", yaxis="y"),
        go.Scatter(x=x, y=nps_line, mode="lines+markers", name="NPS", line=dict(color=NPS_COLOR, width=2),
                   yaxis="y", customdata=nps_data, hovertemplate=nps_hover),
        go.Scatter(x=x, y=csat_line, mode="lines+markers", name="CSAT", line=dict(color=CSAT_COLOR, width=2),
                   yaxis="y2", customdata=csat_data, hovertemplate=csat_hover),
    ]
    if any(is_partial):
        keep = [i for i, p in enumerate(is_partial) if p]
        for name, values, axis, color, cd, hover in (
            ("NPS", nps, "y", NPS_COLOR, nps_data, nps_hover), ("CSAT", csat, "y2", CSAT_COLOR, csat_data, csat_hover),
        ):
            data.append(go.Scatter(
                x=[x[i] for i in keep], y=[values[i] for i in keep], mode="markers", yaxis=axis,
                name=f"partial {unit}", legendgroup="partial", showlegend=name == "NPS",
                marker=dict(color=color, opacity=0.3, size=8), customdata=[cd[i] for i in keep], hovertemplate=hover,
            ))
    data += [
        go.Bar(x=x, y=df["responses"], name="Survey responses", marker=dict(color="#90cdf4", opacity=bar_opacity),
               yaxis="y3", customdata=list(zip(period, partial, strict=True)),
               hovertemplate="%{customdata[0]}<br>%{y:,} survey responses%{customdata[1]}<extra></extra>"),
        go.Bar(x=x, y=df["tickets"], name="Tickets", marker=dict(color="#cbd5e0", opacity=bar_opacity), yaxis="y3",
               customdata=list(zip(period, partial, strict=True)),
               hovertemplate="%{customdata[0]}<br>%{y:,} tickets created%{customdata[1]}<extra></extra>"),
    ]
    shapes, notes = [], []
    if x and window[0] > x[0].date():
        shapes.append(dict(type="rect", xref="x", yref="paper", x0=window[0], x1=window[1], y0=0, y1=1,
                           fillcolor="rgba(237,242,247,0.7)", line_width=0, layer="below"))
    for axis, key, suffix in (("y", "nps", ""), ("y2", "csat_pct", "%")):
        if targets.get(key) is not None:
            shapes.append(dict(type="line", xref="paper", yref=axis, x0=0, x1=1, y0=targets[key], y1=targets[key],
                               line=dict(color=TARGET_COLOR, dash="dash", width=1.5)))
            notes.append(dict(xref="paper", yref=axis, x=0, y=targets[key], xanchor="left", yanchor="bottom",
                              text=f"target {fmt.number(targets[key], 0, suffix)}", showarrow=False,
                              font=dict(color=TARGET_COLOR)))
    wide = [v for v in nps_line if v is not None]
    layout = dict(
        xaxis=dict(anchor="y3", title=dict(text=f"{unit} starting"), type="date"),
        yaxis=dict(domain=[0.62, 1.0], title=dict(text="NPS (points)"),
                   range=[-100, 100] if wide and max(wide) - min(wide) > 120 else None),
        yaxis2=dict(domain=[0.29, 0.57], title=dict(text="CSAT (% satisfied)"), ticksuffix="%"),
        yaxis3=dict(domain=[0.0, 0.24], title=dict(text=f"count per {unit}")),
        shapes=shapes, annotations=notes, barmode="group", hovermode="closest",
    )
    fig = _layout(go.Figure(data=data, layout=layout), 620)
    # Under the plot, not over it: on a phone a legend above wraps onto the first panel.
    fig.update_layout(legend=dict(orientation="h", y=-0.1, yanchor="top", x=0), margin=dict(b=40))
    return fig


def _bucket_label(row, grain: str) -> str:
    if grain == "week":
        return f"Week of {row.bucket_start:%d %b %Y}"
    return f"{row.bucket_start:%B %Y}"


@cached
def segment_bars(table: pd.DataFrame, metric: str, dimension_label: str, overall: float | None,
                 labels: tuple[str, ...] | None = None) -> go.Figure:
    """The metric per segment with its 95% range; colour: significantly higher or lower than
    the rest of the segments, or not different. `labels`: the segments' names as shown, in the
    table's order (EU: Europe). The all-segments line is named in the legend, off the bars."""
    value_col, n_col, title, unit = METRICS[metric]
    rest_col = "nps_vs_rest" if metric == "nps" else "csat_vs_rest"
    names = dict(zip(table["segment"], labels or table["segment"].astype(str), strict=True))
    df = table[table[value_col].notna()].copy()
    value = df[value_col].astype(float)
    if metric == "nps":
        plus = minus = df["nps_moe95"].astype(float).fillna(0)
        ranges = [f"± {fmt.number(m, 1)} points" for m in df["nps_moe95"]]
    else:
        plus = (df["csat_high"].astype(float) - value).clip(lower=0).fillna(0)
        minus = (value - df["csat_low"].astype(float)).clip(lower=0).fillna(0)
        ranges = [f"likely {fmt.number(lo, 0)}-{fmt.number(hi, 0)}%" for lo, hi in zip(df["csat_low"], df["csat_high"],
                                                                                      strict=True)]
    colors = [GOOD if v == "higher" else BAD if v == "lower" else NEUTRAL for v in df[rest_col]]
    meaning = {"higher": "significantly higher than the rest", "lower": "significantly lower than the rest",
               "like the rest": "not different from the rest", "too few to test": "too few answers to test"}
    data = [go.Bar(
        x=[names[s] for s in df["segment"]], y=value, marker_color=colors,
        error_y=dict(type="data", symmetric=False, array=list(plus), arrayminus=list(minus), color="#4a5568",
                     thickness=1.2),
        customdata=list(zip(ranges, df[n_col], [meaning.get(v, v) for v in df[rest_col]], strict=True)),
        hovertemplate=f"<b>%{{x}}</b><br>{metric.upper()} %{{y:.1f}}{unit}, %{{customdata[0]}}"
                      "<br>%{customdata[1]:,} answers<br>%{customdata[2]}<extra></extra>",
        name=metric.upper(), showlegend=False,
    )]
    line = dict(color="#2d3748", dash="dot", width=1.2)
    shapes = []
    if overall is not None:
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, y0=overall, y1=overall, line=line))
        # A legend entry only (no points): the label reads above the plot, never over a bar.
        data.append(go.Scatter(x=[None], y=[None], mode="lines", line=line, hoverinfo="skip",
                               name=f"all segments: {overall:.1f}{unit}"))
    fig = go.Figure(data=data)
    fig.update_layout(shapes=shapes, showlegend=overall is not None)
    fig.update_yaxes(title_text=title, ticksuffix=unit)
    fig.update_xaxes(title_text=dimension_label, type="category")
    return _layout(fig, 380)


@cached
def segment_heatmap(df: pd.DataFrame, metric: str, dimension_label: str, segments: list[str],
                    labels: tuple[str, ...] | None = None) -> go.Figure:
    """Segment x month; cells with fewer than HEATMAP_MIN_N answers are left blank.

    The colours are centred on all segments together over these months (the answer-weighted
    mean of the cells, which for NPS and CSAT is their value over the same answers), and
    reach as far as the data does: on a -100..100 scale most cells would look alike. A scale
    narrower than the cells' typical 95% margin is widened to it, so noise stays pale."""
    value_col, n_col, title, unit = METRICS[metric]
    names = dict(zip(segments, labels or segments, strict=True))
    months = sorted(df["month"].unique())
    order = [s for s in segments if s in set(df["segment"])] or sorted(df["segment"].unique())
    cells = {(r.segment, r.month): r for r in df.itertuples(index=False)}
    z, text, hover, margins = [], [], [], []
    for seg in order:
        zr, tr, hr = [], [], []
        for m in months:
            cell = cells.get((seg, m))
            n = int(getattr(cell, n_col)) if cell is not None else 0
            v = getattr(cell, value_col) if cell is not None else None
            label = f"<b>{names.get(seg, seg)}</b>, {pd.Timestamp(m):%B %Y}"
            if n < HEATMAP_MIN_N or fmt.is_missing(v):
                zr.append(None)
                tr.append("")
                hr.append(f"{label}<br>{n} answers: too few to show")
                continue
            if metric == "nps":
                spread = f"± {fmt.number(cell.nps_moe95, 1)} points"
                margins.append(float(cell.nps_moe95))
            else:
                lo, hi = stats.wilson_interval(int(cell.csat_ok), n)
                spread = f"likely {lo:.0f}-{hi:.0f}%"
                margins.append((hi - lo) / 2)
            zr.append(float(v))
            tr.append(f"{float(v):.0f}")
            hr.append(f"{label}<br>{metric.upper()} {float(v):.1f}{unit}, {spread}<br>{n:,} answers")
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    known = df[(df[n_col] > 0) & df[value_col].notna()]
    weights = known[n_col].astype(float)
    centre = float((known[value_col].astype(float) * weights).sum() / weights.sum()) if weights.sum() else 0.0
    shown = [v for row in z for v in row if v is not None]
    reach = max([abs(v - centre) for v in shown] + [sorted(margins)[len(margins) // 2] if margins else 1.0])
    fig = go.Figure(go.Heatmap(
        z=z, x=[pd.Timestamp(m).strftime("%b %Y") for m in months], y=[names.get(s, s) for s in order], text=text,
        texttemplate="%{text}", hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        colorscale="RdYlGn", zmid=centre, zmin=centre - reach, zmax=centre + reach,
        colorbar=dict(title=dict(text="NPS (points)" if metric == "nps" else "CSAT %", side="right"),
                      ticksuffix=unit, thickness=14),
        xgap=2, ygap=2,
    ))
    fig.update_xaxes(title_text="month", type="category")
    fig.update_yaxes(title_text=dimension_label, type="category", autorange="reversed")
    fig.update_layout(annotations=[dict(
        xref="paper", yref="paper", x=0, y=1, xanchor="left", yanchor="bottom", showarrow=False,
        text=f"colour: against all segments together, {fmt.number(centre, 1)}{unit}",
        font=dict(size=12, color="#4a5568"),
    )])
    return _layout(fig, max(260, 80 + 34 * len(order)))


@cached
def driver_bars(drivers: tuple) -> go.Figure:
    """Each driver's share of the explained variation with its 95% interval, largest on top.
    One colour: an importance says how much a part of the experience moves the score, not
    whether it is good or bad (the reading says the direction)."""
    rows = list(drivers)[::-1]  # plotly draws the first category at the bottom
    values = [100 * r["importance"] for r in rows]
    # The share in the label, where a whisker never covers it (a number at the bar's end did).
    names = [f"{r['label']}  <b>{v:.0f}%</b>" for r, v in zip(rows, values, strict=True)]
    plus = [100 * (r["high"] - r["importance"]) for r in rows]
    minus = [100 * (r["importance"] - r["low"]) for r in rows]
    fig = go.Figure(go.Bar(
        x=values, y=names, orientation="h", marker_color=NPS_COLOR,
        error_x=dict(type="data", symmetric=False, array=plus, arrayminus=minus, color="#4a5568", thickness=1.2),
        customdata=[(100 * r["low"], 100 * r["high"]) for r in rows],
        hovertemplate="%{y}<br>%{x:.1f}% of the explained variation<br>95%: %{customdata[0]:.1f}% to "
                      "%{customdata[1]:.1f}%<extra></extra>",
    ))
    fig.update_xaxes(title_text="share of the explained variation (%)", ticksuffix="%", rangemode="tozero")
    fig.update_yaxes(type="category", automargin=True)
    fig.update_layout(showlegend=False)
    return _layout(fig, max(240, 60 + 30 * len(rows)))
