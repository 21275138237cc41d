"""Distances between places: how near a same-named place must be to be the same place."""

from __future__ import annotations

import math

#: A candidate with the same name farther than this from the given point is another place.
MAX_PLACE_KM = 25.0

#: The report's closest candidates for an unresolved place are looked for within this radius.
CANDIDATE_RADIUS_KM = 60.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def grid_cell(lat: float, lon: float) -> tuple[int, int]:
    """The half-degree cell (~55 km) holding a point, for finding places near it quickly."""
    return (math.floor(lat * 2), math.floor(lon * 2))
