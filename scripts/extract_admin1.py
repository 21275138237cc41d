"""Rebuild ``kg/viz/data/admin1.geojson``: Natural Earth admin-1 regions of the G5 Sahel.

Maintainers only; nothing imports it at run time. Debian's package ``qgis-common`` ships
QGIS's ``world_map.gpkg``, whose layer ``states_provinces`` is Natural Earth 1:10m
*Admin 1 – States, Provinces* v4.1.0 (public domain), generalised by the QGIS project.
This script reads that GeoPackage with the standard library (``sqlite3`` and a small
WKB reader), keeps the regions of Mauritania, Mali, Burkina Faso, Niger and Chad,
clips nothing (they all lie inside the maps' widest extent), keeps holes (Bamako inside
Koulikoro), simplifies each ring with
the Douglas–Peucker step of ``extract_boundaries.py`` and writes one compact GeoJSON.

Usage (``kg/viz/data/BOUNDARIES.md`` gives the whole recipe)::

    apt-get download qgis-common && dpkg-deb -x qgis-common_*.deb qgis
    python scripts/extract_admin1.py \\
        qgis/usr/share/qgis/resources/data/world_map.gpkg kg/viz/data/admin1.geojson
"""

from __future__ import annotations

import json
import sqlite3
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract_boundaries import simplify

#: The G5 Sahel countries (ISO 3166-1 alpha-2, as the layer's ``iso_a2`` column has them).
COUNTRIES = ("MR", "ML", "BF", "NE", "TD")
DECIMALS = 3
TOLERANCE = 0.01  # degrees (~1 km): region lines are context, not a survey


def _wkb_polygons(wkb: bytes) -> list[list[list[tuple[float, float]]]]:
    """Polygons (lists of rings) of a WKB Polygon or MultiPolygon (2D, Z or M ignored)."""
    pos = 0

    def read(fmt: str, order: str) -> tuple:
        nonlocal pos
        size = struct.calcsize(order + fmt)
        out = struct.unpack_from(order + fmt, wkb, pos)
        pos += size
        return out

    def geometry() -> list[list[list[tuple[float, float]]]]:
        (flag,) = read("B", "<")
        order = "<" if flag == 1 else ">"
        (kind,) = read("I", order)
        dims = 3 if kind // 1000 in (1, 2) else 4 if kind // 1000 == 3 else 2
        base = kind % 1000
        if base == 3:
            (n_rings,) = read("I", order)
            rings = []
            for _ in range(n_rings):
                (n,) = read("I", order)
                pts = [read("d" * dims, order)[:2] for _ in range(n)]
                rings.append([(float(x), float(y)) for x, y in pts])
            return [rings]
        if base == 6:
            (n_polys,) = read("I", order)
            polys = []
            for _ in range(n_polys):
                polys.extend(geometry())
            return polys
        raise ValueError(f"unexpected WKB geometry type {kind}")

    return geometry()


def gpkg_polygons(blob: bytes) -> list[list[list[tuple[float, float]]]]:
    """The polygons of a GeoPackage geometry blob (its header, then WKB)."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 0b111]
    return _wkb_polygons(blob[8 + envelope :])


def main(src: str, out: str) -> None:
    """Write the wanted regions as MultiPolygon features of one FeatureCollection."""
    db = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    marks = ",".join("?" * len(COUNTRIES))
    rows = db.execute(
        f"SELECT name, admin, adm0_a3, iso_a2, geom FROM states_provinces "
        f"WHERE iso_a2 IN ({marks}) ORDER BY adm0_a3, name",
        COUNTRIES,
    ).fetchall()
    features = []
    for name, admin, adm0, _iso2, geom in rows:
        polys = []
        for poly in gpkg_polygons(geom):
            rings = []  # the outer ring, then holes (Koulikoro's is Bamako)
            for ring in poly:
                coords: list[list[float]] = []
                for lon, lat in simplify(ring, TOLERANCE):
                    pt = [round(lon, DECIMALS), round(lat, DECIMALS)]
                    if not coords or coords[-1] != pt:
                        coords.append(pt)
                if coords and coords[0] != coords[-1]:
                    coords.append(coords[0])
                if len(coords) >= 4:
                    rings.append(coords)
            if rings:
                polys.append(rings)
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "country": admin, "adm0_a3": adm0},
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            }
        )
    doc = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:10m Admin 1 - States, Provinces v4.1.0 (public domain), "
        "as generalised in QGIS's world_map.gpkg, via Debian qgis-common 3.22.16+dfsg-1",
        "features": features,
    }
    Path(out).write_text(json.dumps(doc, separators=(",", ":"), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
