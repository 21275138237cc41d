"""Where things are drawn: places' labels, coordinates, kinds and enclosing places.

A place is drawn at its own coordinates (``ckg:latitude``/``ckg:longitude``, else a WKT
point of its geometry). A site in a settlement — a military post, say — without
coordinates of its own is drawn at its town, and says so; a town is never drawn at the
centre of its region.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from kg.namespace import CKG
from kg.viz.mapdata.fetcher import CHUNK, LABEL_PATTERN, Fetcher, Value
from kg.viz.mapdata.model import MapData, Place

#: From this many places on, a fact of places is fetched by one scan, not by VALUES.
WHOLE_SCAN_FROM = 20000

#: Kinds of place that are a site *in* a settlement: drawn at the settlement when they
#: have no coordinates of their own, and counted under the settlement in timelines.
SITE_CLASSES = frozenset(
    str(c)
    for c in (
        CKG.Site,
        CKG.MilitaryInstallation,
        CKG.MilitaryPost,
        CKG.MilitaryBase,
        CKG.AdministrativeSite,
        CKG.Cemetery,
        CKG.Factory,
    )
)
SETTLEMENT_CLASSES = frozenset(str(c) for c in (CKG.Settlement, CKG.Town, CKG.Village))
AREA_CLASSES = frozenset(str(c) for c in (CKG.Country, CKG.AdminRegion, CKG.Cercle))


def number(term: Value | None) -> float | None:
    """A coordinate's value, or None when it is not a number."""
    if term is None:
        return None
    try:
        return float(Decimal(str(term)))
    except (InvalidOperation, ValueError):
        return None


def wkt_point(term: Value | None) -> tuple[float, float] | None:
    """(lon, lat) from a ``POINT(lon lat)`` WKT literal, CRS prefix allowed."""
    if term is None:
        return None
    text = str(term)
    start, end = text.upper().find("POINT"), text.rfind(")")
    if start < 0 or end < 0:
        return None
    inner = text[text.find("(", start) + 1 : end].split()
    try:
        return float(inner[0]), float(inner[1])
    except (ValueError, IndexError):
        return None


def fetch_places(
    f: Fetcher, data: MapData, iris: list[str], place_candidates: dict[str, set[str]]
) -> None:
    """Fill ``data.places`` with labels, coordinates, kinds and the enclosing place.

    ``place_candidates`` are each event's places: of several, the innermost is kept.
    """
    if not iris:
        return
    parents = _fetch_place_rows(f, data, iris)
    # Enclosing places, one level up (and what encloses them, to tell which is nearest).
    up_iris = sorted({u for s in parents.values() for u in s} - set(data.places))
    if up_iris:
        parents.update(_fetch_place_rows(f, data, up_iris))

    def depth(iri: str) -> int:
        # With the inferred graph loaded, locatedIn is transitive: a post is "in" its
        # town, cercle, region and country. The nearest is the one with most ancestors.
        return len(parents.get(iri, ()))

    for key in iris:
        ups = [u for u in parents.get(key, ()) if u in data.places and u != key]
        if ups:
            data.places[key].parent = max(sorted(ups), key=depth)

    for place in data.places.values():
        place.label = f.label(place.iri)
    for key in iris:
        place = data.places[key]
        parent = data.places.get(place.parent) if place.parent else None
        if parent is None:
            continue
        is_site = bool(set(place.types) & SITE_CLASSES)
        parent_is_settlement = bool(set(parent.types) & SETTLEMENT_CLASSES) or not parent.types
        if is_site and parent_is_settlement:
            place.town = parent.iri
        if (
            not place.located
            and parent.located
            and (is_site or not place.types)
            and not (set(parent.types) & AREA_CLASSES)
        ):
            # A post or site without coordinates is drawn at its town, and says so; a
            # town is never drawn at the centre of its region.
            place.lon, place.lat = parent.lon, parent.lat
            place.approx_from = parent.label
    # An event with several places (inferred super-places): keep the innermost.
    for ev in data.events.values():
        cands = sorted(place_candidates.get(ev.iri, ()))
        if len(cands) > 1:
            ev.place = max(cands, key=depth)


def _fetch_place_rows(f: Fetcher, data: MapData, iris: list[str]) -> dict[str, set[str]]:
    """Label, coordinates and kinds of ``iris`` into ``data.places``; returns their parents."""
    for key in iris:
        data.places.setdefault(key, Place(iri=key, label=""))
    # The default map has scanned labels and types of the whole store already (cached):
    # reading places from those scans beats binding thousands of them through VALUES.
    many = len(iris) > WHOLE_SCAN_FROM or (f.scan_events and len(iris) > CHUNK)
    label_scanned = f.scanned(LABEL_PATTERN)
    for p, v in f.facts(LABEL_PATTERN, iris, whole=len(iris) > WHOLE_SCAN_FROM or label_scanned):
        f.note_label(p, v)
    lat: dict[str, float | None] = {}
    lon: dict[str, float | None] = {}
    for p, v in f.facts("?e ckg:latitude ?v", iris, whole=many):
        lat[str(p)] = number(v)
    for p, v in f.facts("?e ckg:longitude ?v", iris, whole=many):
        lon[str(p)] = number(v)
    # Keyed by text: the embedded store's subjects are strings, a server's are URIRefs.
    wkt = {str(e): v for e, v in f.facts("?e geo:hasGeometry/geo:asWKT ?v", iris, whole=many)}
    for key in iris:
        place = data.places[key]
        if place.located:
            continue
        if (y := lat.get(key)) is not None and (x := lon.get(key)) is not None:
            place.lat, place.lon = y, x
        else:
            pt = wkt_point(wkt.get(key))
            if pt:
                place.lon, place.lat = pt
    typed = f.scanned("?e rdf:type ?v")
    for p, v in f.facts("?e rdf:type ?v", iris, whole=len(iris) > WHOLE_SCAN_FROM or typed):
        place = data.places[str(p)]
        if str(v) not in place.types:
            place.types.append(str(v))
    parents: dict[str, set[str]] = defaultdict(set)
    for p, v in f.facts("?e ckg:locatedIn ?v", iris, whole=many):
        parents[str(p)].add(str(v))
    return parents
