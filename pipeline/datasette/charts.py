"""The geometry of the charts page (``/<db>/-/charts``), drawn as SVG by ``charts.html``.

Pure functions: rows in, bars, ticks and labels out. Months are a real time axis (every
month between the first and the last, empty ones at 0); counts have integer ticks;
provinces are sorted by count and coloured by region (six colours that never repeat),
each bar named on the axis; meetings per association kind are stacked per year (every
year of the span), the largest kinds in their own colour, the rest together.
"""
from __future__ import annotations

import math
from typing import Iterable, Optional

from .vietnamese import sort_key

# Tableau 10, first six: distinct hues for the six regions.
REGION_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2")
OTHER_COLOUR = "#9c9c9c"


def months_between(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, both included."""
    y, m = (int(x) for x in first.split("-"))
    end = tuple(int(x) for x in last.split("-"))
    out = []
    while (y, m) <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_series(counts: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """(month, meetings) for every month of the span, 0 where nothing was held."""
    found = {month: n for month, n in counts if month}
    if not found:
        return []
    return [(month, found.get(month, 0)) for month in months_between(min(found), max(found))]


def integer_ticks(top: int, most: int = 6) -> list[int]:
    """0 .. a round number at or above ``top``, in integer steps (1, 2, 5, 10, ...)."""
    top = max(int(top), 1)
    steps = [c * 10 ** e for e in range(0, 8) for c in (1, 2, 5)]
    step = next(s for s in steps if math.ceil(top / s) <= most)
    return list(range(0, step * math.ceil(top / step) + 1, step))


def time_chart(series: list[tuple[str, int]], width: int = 1000, height: int = 320) -> dict:
    """Bars on a time axis: one slot per month; a tick at every January (or every
    month when the span is short)."""
    left, right, top, bottom = 44, 12, 24, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    if not series:
        return {"empty": True, "width": width, "height": height}
    ticks = integer_ticks(max(n for _, n in series))
    scale = plot_h / ticks[-1]
    slot = plot_w / len(series)
    bars, xticks = [], []
    short = len(series) <= 18
    for i, (month, n) in enumerate(series):
        x = left + i * slot
        bars.append({"x": round(x + slot * 0.1, 2), "w": round(max(slot * 0.8, 1), 2),
                     "y": round(top + plot_h - n * scale, 2), "h": round(n * scale, 2),
                     "month": month, "n": n})
        if short or month.endswith("-01") or i == 0:
            # a year alone marks its January; the first month, if not a January, in full
            label = month[:4] if not short and month.endswith("-01") else f"{month[5:]}/{month[:4]}"
            xticks.append({"x": round(x, 2), "label": label})
    yticks = [{"y": round(top + plot_h - t * scale, 2), "label": t} for t in ticks]
    return {"empty": False, "width": width, "height": height, "left": left, "top": top,
            "plot_w": plot_w, "plot_h": plot_h, "bars": bars, "xticks": xticks,
            "yticks": yticks, "first": series[0][0], "last": series[-1][0],
            "months": len(series), "zero_months": sum(1 for _, n in series if n == 0)}


def region_colours(regions: Iterable[Optional[str]]) -> dict[Optional[str], str]:
    """One colour per region, in sorted order; the unknown region grey."""
    named = sorted({r for r in regions if r})
    colours = {r: REGION_COLOURS[i % len(REGION_COLOURS)] for i, r in enumerate(named)}
    colours[None] = OTHER_COLOUR
    return colours


def bar_chart(rows: list[tuple[str, Optional[str], int]], width: int = 1000,
              row_h: int = 22) -> dict:
    """Horizontal bars, most first: rows of (province, region, meetings)."""
    rows = sorted(rows, key=lambda r: -r[2])
    left, right, top, bottom = 150, 40, 8, 28
    plot_w = width - left - right
    height = top + bottom + row_h * len(rows)
    if not rows:
        return {"empty": True, "width": width, "height": 60}
    ticks = integer_ticks(rows[0][2])
    scale = plot_w / ticks[-1]
    colours = region_colours(r[1] for r in rows)
    bars = [{"y": top + i * row_h + 3, "h": row_h - 6, "w": round(n * scale, 2), "n": n,
             "label": name, "region": region, "colour": colours[region if region in colours else None]}
            for i, (name, region, n) in enumerate(rows)]
    xticks = [{"x": round(left + t * scale, 2), "label": t} for t in ticks]
    legend = [(r, c) for r, c in colours.items() if r and any(b["region"] == r for b in bars)]
    return {"empty": False, "width": width, "height": height, "left": left, "top": top,
            "plot_w": plot_w, "plot_h": row_h * len(rows), "bars": bars, "xticks": xticks,
            "legend": legend}


# Tableau 10 without the grey: one colour per series of the stacked chart; the series
# beyond them are drawn together, grey.
SERIES_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                  "#b07aa1", "#ff9da7", "#9c755f")
OTHERS = "các loại khác"


def stacked_year_chart(rows: Iterable[tuple[str, int, int]], width: int = 1000,
                       height: int = 340, most: int = len(SERIES_COLOURS)) -> dict:
    """Stacked bars per year: rows of (series, year, count), e.g. (association kind, year,
    meetings). Every year between the first and the last gets a bar (empty years at 0);
    the ``most`` largest series (by total, then alphabetically) keep their own colour,
    the others are stacked as one grey series, ``OTHERS``."""
    counts: dict[tuple[str, int], int] = {}
    for series, year, n in rows:
        if year is not None and n:
            counts[(series, int(year))] = counts.get((series, int(year)), 0) + n
    if not counts:
        return {"empty": True, "width": width, "height": height}
    totals: dict[str, int] = {}
    for (series, _), n in counts.items():
        totals[series] = totals.get(series, 0) + n
    ranked = sorted(totals, key=lambda s: (-totals[s], sort_key(s)))
    kept = ranked if len(ranked) <= most else ranked[:most - 1]
    others = [s for s in ranked if s not in kept]
    legend = [(s, SERIES_COLOURS[i], totals[s]) for i, s in enumerate(kept)]
    if others:
        legend.append((OTHERS, OTHER_COLOUR, sum(totals[s] for s in others)))
    years = list(range(min(y for _, y in counts), max(y for _, y in counts) + 1))
    stacks = []
    for year in years:
        values = [counts.get((s, year), 0) for s in kept]
        if others:
            values.append(sum(counts.get((s, year), 0) for s in others))
        stacks.append(values)
    left, right, top, bottom = 44, 12, 24, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = integer_ticks(max(sum(v) for v in stacks))
    scale = plot_h / ticks[-1]
    slot = plot_w / len(years)
    bars, xticks = [], []
    every = max(1, math.ceil(len(years) / 16))  # at most ~16 year labels
    for i, (year, values) in enumerate(zip(years, stacks)):
        x = left + i * slot
        base = top + plot_h
        for (series, colour, _), n in zip(legend, values):
            if not n:
                continue
            h = n * scale
            base -= h
            bars.append({"x": round(x + slot * 0.15, 2), "w": round(max(slot * 0.7, 1), 2),
                         "y": round(base, 2), "h": round(h, 2), "year": year, "n": n,
                         "series": series, "colour": colour})
        if i % every == 0 or i == len(years) - 1:
            xticks.append({"x": round(x + slot / 2, 2), "label": str(year)})
    yticks = [{"y": round(top + plot_h - t * scale, 2), "label": t} for t in ticks]
    return {"empty": False, "width": width, "height": height, "left": left, "top": top,
            "plot_w": plot_w, "plot_h": plot_h, "bars": bars, "xticks": xticks,
            "yticks": yticks, "legend": legend, "first": years[0], "last": years[-1],
            "totals": [sum(v) for v in stacks], "years": years}
