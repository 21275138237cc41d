"""Rebuild ``data/boundaries.geojson`` from Natural Earth 1:50m countries (maintainers only).

Not imported at runtime. ``kg/viz/data/BOUNDARIES.md`` gives the exact steps: Debian's package
``r-cran-rnaturalearthdata`` ships Natural Earth's 1:50m Admin 0 countries; a short R
script dumps the rings of the wanted countries to CSV (``iso,name,ring,hole,lon,lat``),
and this module turns that CSV into a compact GeoJSON with the standard library only.

Usage::

    python scripts/extract_boundaries.py ne50.csv kg/viz/data/boundaries.geojson
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

DECIMALS = 3  # ~100 m, finer than the 1:50m source itself (~1 km)
TOLERANCE = 0.004  # degrees; Douglas-Peucker keeps every vertex farther than ~400 m


def simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker simplification of one closed ring (first point kept)."""
    if len(points) < 5:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, far = -1.0, -1
        for k in range(a + 1, b):
            px, py = points[k]
            if norm == 0:
                dist = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                dist = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if dist > best:
                best, far = dist, k
        if best > tol:
            keep[far] = True
            stack.extend([(a, far), (far, b)])
    return [p for p, k in zip(points, keep) if k]


def main(src: str, out: str) -> None:
    """Write every country of the CSV as a MultiPolygon feature of one FeatureCollection."""
    rings: dict[str, dict[int, list[tuple[float, float]]]] = {}
    names: dict[str, str] = {}
    holes: dict[tuple[str, int], bool] = {}
    with open(src, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            iso = "ESH" if row["iso"] == "SAH" else row["iso"]
            names[iso] = row["name"]
            ring = int(row["ring"])
            rings.setdefault(iso, {}).setdefault(ring, []).append(
                (float(row["lon"]), float(row["lat"]))
            )
            holes[(iso, ring)] = row["hole"] == "1"
    features = []
    for iso in sorted(rings):
        polys = []
        for ring, pts in rings[iso].items():
            if holes[(iso, ring)]:
                continue  # none of these countries has an enclave at this scale
            coords: list[list[float]] = []
            for lon, lat in simplify(pts, TOLERANCE):
                pt = [round(lon, DECIMALS), round(lat, DECIMALS)]
                if not coords or coords[-1] != pt:
                    coords.append(pt)
            if coords[0] != coords[-1]:
                coords.append(coords[0])
            if len(coords) >= 4:
                polys.append([coords])
        features.append(
            {
                "type": "Feature",
                "properties": {"name": names[iso], "iso_a3": iso},
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            }
        )
    doc = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:50m Admin 0 - Countries (public domain), "
        "via Debian r-cran-rnaturalearthdata 0.1.0-2",
        "features": features,
    }
    Path(out).write_text(json.dumps(doc, separators=(",", ":"), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
