"""Rebuild ``data/boundaries.geojson`` from Natural Earth's 1:110m countries (maintainers only).

Not imported at runtime. The source is the copy of Natural Earth that the geopandas
0.14.4 wheel on PyPI bundles (``geopandas/datasets/naturalearth_lowres``); see
``data/BOUNDARIES.md`` for the exact commands. The shapefile is read with a few lines of
``struct`` so that rebuilding needs nothing beyond the standard library.

Usage::

    python -m kg.viz._extract_boundaries DIR/naturalearth_lowres OUT.geojson
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

# West Africa and the Sahel: Mali, every neighbour, and the states the seed report names.
WANTED = {
    "MLI", "SEN", "MRT", "DZA", "NER", "BFA", "CIV", "GIN",  # Mali and its neighbours
    "BEN", "TGO", "GHA", "NGA", "TCD", "LBY", "MAR", "ESH", "TUN",
    "GMB", "GNB", "SLE", "LBR", "CMR",
}
DECIMALS = 3  # ~100 m: far finer than the 1:110m source itself


def read_dbf(path: Path) -> list[dict[str, str]]:
    """The attribute rows of a dBase III file, as text."""
    data = path.read_bytes()
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(count):
        rec = data[header_len + i * record_len : header_len + (i + 1) * record_len]
        off = 1  # deletion flag
        row = {}
        for name, size in fields:
            row[name] = rec[off : off + size].decode("utf-8", "replace").strip()
            off += size
        rows.append(row)
    return rows


def read_polygons(path: Path) -> list[list[list[tuple[float, float]]]]:
    """Each record's rings (lists of lon/lat pairs) from a polygon shapefile."""
    data = path.read_bytes()
    pos = 100
    shapes = []
    while pos < len(data):
        _num, length = struct.unpack(">ii", data[pos : pos + 8])
        content = data[pos + 8 : pos + 8 + 2 * length]
        pos += 8 + 2 * length
        (stype,) = struct.unpack("<i", content[:4])
        if stype != 5:
            shapes.append([])
            continue
        nparts, npoints = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{nparts}i", content[44 : 44 + 4 * nparts]))
        base = 44 + 4 * nparts
        pts = [struct.unpack("<dd", content[base + 16 * k : base + 16 * k + 16]) for k in range(npoints)]
        bounds = parts + [npoints]
        shapes.append([pts[bounds[j] : bounds[j + 1]] for j in range(nparts)])
    return shapes


def main(src: str, out: str) -> None:
    """Write the wanted countries as a compact GeoJSON FeatureCollection."""
    base = Path(src)
    rows = read_dbf(base.with_suffix(".dbf"))
    shapes = read_polygons(base.with_suffix(".shp"))
    features = []
    for row, rings in zip(rows, shapes):
        if row["iso_a3"] not in WANTED:
            continue
        polys = []
        for ring in rings:
            coords = []
            for lon, lat in ring:
                pt = [round(lon, DECIMALS), round(lat, DECIMALS)]
                if not coords or coords[-1] != pt:
                    coords.append(pt)
            # Shapefile outer rings run clockwise, holes anticlockwise; none of these
            # countries has a hole at 1:110m, so each ring is one polygon.
            polys.append([coords])
        features.append(
            {
                "type": "Feature",
                "properties": {"name": row["name"], "iso_a3": row["iso_a3"]},
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            }
        )
    features.sort(key=lambda f: f["properties"]["iso_a3"])
    doc = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m Admin 0 - Countries (public domain), via geopandas 0.14.4",
        "features": features,
    }
    Path(out).write_text(json.dumps(doc, separators=(",", ":"), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
