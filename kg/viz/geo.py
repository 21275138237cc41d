"""Country and region outlines shipped with the package, and the flat projection of maps.

The outlines are Natural Earth 1:50m countries of West Africa and the Sahel and Natural
Earth 1:10m admin-1 regions of the G5 Sahel (Mauritania, Mali, Burkina Faso, Niger,
Chad), all public domain (provenance in ``kg/viz/data/BOUNDARIES.md``), read through
:mod:`importlib.resources` so that no map ever needs the network.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

#: Mali and its neighbours: the extent a map shows when it has nothing to show.
REGION_BBOX = (-17.6, 9.0, 4.3, 25.1)

#: Every bundled outline fits in this box; interactive maps project from its corner.
REGION_BBOX_WIDE = (-18.0, 1.5, 25.5, 38.0)

#: How the bundled outlines are credited wherever a map is drawn.
BOUNDARY_CREDIT = "Borders: Natural Earth 1:50m countries, 1:10m regions (public domain)"


@dataclass(frozen=True)
class Country:
    """One country outline: a name, an ISO code and its rings of (lon, lat) points."""

    name: str
    iso: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """The bundled country outlines (read once per process)."""
    text = files("kg.viz").joinpath("data/boundaries.geojson").read_text("utf-8")
    doc = json.loads(text)
    out = []
    for feat in doc["features"]:
        rings = tuple(
            tuple((float(x), float(y)) for x, y in poly[0])
            for poly in feat["geometry"]["coordinates"]
        )
        out.append(Country(feat["properties"]["name"], feat["properties"]["iso_a3"], rings))
    return tuple(out)


@dataclass(frozen=True)
class Region:
    """One admin-1 region (a Malian region, a Burkinabè province): name, country, rings.

    ``rings`` are outer rings and holes alike; a point is inside when it is inside an
    odd number of them.
    """

    name: str
    country: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@lru_cache(maxsize=1)
def regions() -> tuple[Region, ...]:
    """The bundled admin-1 outlines of the G5 Sahel countries (read once per process)."""
    text = files("kg.viz").joinpath("data/admin1.geojson").read_text("utf-8")
    out = []
    for feat in json.loads(text)["features"]:
        # Every ring, holes too (Koulikoro's hole is Bamako): all are boundaries, and
        # the even-odd rule over them tells what is inside.
        rings = tuple(
            tuple((float(x), float(y)) for x, y in ring)
            for poly in feat["geometry"]["coordinates"]
            for ring in poly
        )
        props = feat["properties"]
        out.append(Region(props["name"], props["country"], rings))
    return tuple(out)


def regions_in(bbox: tuple[float, float, float, float]) -> list[Region]:
    """The regions with at least one vertex inside ``bbox`` (min lon, min lat, max lon, max lat)."""
    x0, y0, x1, y1 = bbox
    return [
        r
        for r in regions()
        if any(x0 <= x <= x1 and y0 <= y <= y1 for ring in r.rings for x, y in ring)
    ]


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection scaled by cos(latitude) at the centre of a bounding box.

    Over a region the size of the Sahel this keeps shapes and distances close enough for
    a briefing; x grows east, y grows south (screen order). ``scale`` is units per degree
    of latitude.
    """

    lon0: float
    lat_top: float
    kx: float
    scale: float

    @classmethod
    def for_bbox(cls, bbox: tuple[float, float, float, float], scale: float = 100.0) -> Projection:
        """A projection whose origin is the bbox's north-west corner."""
        min_lon, min_lat, _max_lon, max_lat = bbox
        mid = math.radians((min_lat + max_lat) / 2)
        return cls(min_lon, max_lat, math.cos(mid), scale)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Projected coordinates of a point."""
        return ((lon - self.lon0) * self.kx * self.scale, (self.lat_top - lat) * self.scale)

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        """The inverse of :meth:`xy`."""
        return (x / (self.kx * self.scale) + self.lon0, self.lat_top - y / self.scale)


def fit_bbox(
    points: list[tuple[float, float]], *, min_span: float = 6.0, pad: float = 0.12
) -> tuple[float, float, float, float]:
    """A bbox around ``points`` (lon, lat), padded, at least ``min_span`` degrees wide/high.

    With no points it is the region of Mali and its neighbours, so an empty map still
    shows where it would have drawn.
    """
    if not points:
        return REGION_BBOX
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    span_lon = max(max_lon - min_lon, min_span)
    span_lat = max(max_lat - min_lat, min_span * 0.6)
    c_lon, c_lat = (min_lon + max_lon) / 2, (min_lat + max_lat) / 2
    span_lon *= 1 + 2 * pad
    span_lat *= 1 + 2 * pad
    return (c_lon - span_lon / 2, c_lat - span_lat / 2, c_lon + span_lon / 2, c_lat + span_lat / 2)


def ring_path(points: list[tuple[float, float]], digits: int = 1) -> str:
    """An SVG path ``d`` for one closed ring of projected points."""
    if not points:
        return ""
    fmt = f"{{:.{digits}f}}"
    parts = [f"M{fmt.format(points[0][0])},{fmt.format(points[0][1])}"]
    parts.extend(f"L{fmt.format(x)},{fmt.format(y)}" for x, y in points[1:])
    return "".join(parts) + "Z"


def country_paths(proj: Projection, digits: int = 1) -> list[tuple[Country, str]]:
    """Each bundled country with its SVG path in ``proj``'s units."""
    out = []
    for country in countries():
        d = "".join(ring_path([proj.xy(x, y) for x, y in ring], digits) for ring in country.rings)
        out.append((country, d))
    return out


def region_paths(proj: Projection, digits: int = 1) -> list[tuple[Region, str]]:
    """Each bundled admin-1 region with its SVG path in ``proj``'s units."""
    out = []
    for region in regions():
        d = "".join(ring_path([proj.xy(x, y) for x, y in ring], digits) for ring in region.rings)
        out.append((region, d))
    return out


def country_label_point(country: Country) -> tuple[float, float]:
    """A point (lon, lat) to place a country's name: the centroid of its largest ring."""
    ring = max(country.rings, key=_ring_area)
    area = _signed_area(ring)
    if area == 0:
        return ring[0]
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        f = x1 * y2 - x2 * y1
        cx += (x1 + x2) * f
        cy += (y1 + y2) * f
    return (cx / (6 * area), cy / (6 * area))


def _signed_area(ring: tuple[tuple[float, float], ...]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1])) / 2


def _ring_area(ring: tuple[tuple[float, float], ...]) -> float:
    return abs(_signed_area(ring))


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))
