"""The places of ACLED rows: resolved to known places, or minted as towns in admin units.

A location is a known place when the resolver finds it (same name within 25 km, or inside
the resolved admin area); otherwise a new ``ckg:Town`` under new or known admin units.
The same name in the same admin1 within :data:`MERGE_KM` of a place already minted is
that place, whatever admin2/admin3 the row codes it under (listed as a place merge).
"""

from __future__ import annotations

from kg.importers import PlaceMerge, Unresolved
from kg.importers.acled.state import FileState, others
from kg.importers.acled.terms import ADMIN_CLASSES, AS_WKT, GEOMETRY, HAS_GEOMETRY, MINTED, C, P
from kg.rdfio.ntriples import RDF_TYPE, RDFS_LABEL, SKOS_PREF, decimal, lang_lit, wkt_point
from kg.resolve import Resolver, haversine_km, normalise, slug
from kg.terms import ID

#: The same location name in the same admin1 within this distance is one place, even where
#: ACLED codes it under different admin2/admin3 units.
MERGE_KM = 5.0


def place_iri_for(
    resolver: Resolver,
    key: tuple[str, ...],
    lat: float | None,
    lon: float | None,
    state: FileState,
    *,
    candidates: bool = False,
) -> str:
    """The IRI of an ACLED place: a known place, or a new town in known or new units."""
    country, admin1, admin2, admin3, location = key
    summary = state.summary
    path = [slug(country) if country else "-"]
    within: list[str] = []
    parent: str | None = None
    for level, name in (
        ("country", country),
        ("admin1", admin1),
        ("admin2", admin2),
        ("admin3", admin3),
    ):
        if level != "country":
            path.append(slug(name) if name else "-")
        if not name:
            continue
        unit_key = (level, *[p for p in path])
        iri = state.admins.get(unit_key)
        if iri is None:
            hit = resolver.resolve_admin(name, level, parent, exclude_prefix=MINTED)  # type: ignore[arg-type]
            iri = hit.iri
            if iri is None:
                if level == "country":
                    iri = f"{ID}place/country/{slug(name)}"
                else:
                    iri = f"{ID}place/acled/admin/" + "/".join(p for p in path if p != "-")
                _mint(iri, ADMIN_CLASSES[level], name, parent, None, None, state)
            state.admins[unit_key] = iri
        parent = iri
        within.insert(0, iri)
    if not location:
        return parent or f"{ID}place/country/unknown"
    country_iri = state.admins.get(("country", path[0])) if country else None
    resolution = resolver.resolve_place(
        location, lat=lat, lon=lon, within=within, country=country_iri, exclude_prefix=MINTED
    )
    if resolution.iri:
        summary.resolved_places += 1
        return resolution.iri
    # The same name in the same admin1 within MERGE_KM is the place already minted,
    # whatever admin2/admin3 this row codes it under.
    siblings = state.siblings.setdefault((path[0], path[1], normalise(location)), [])
    if lat is not None and lon is not None:
        for other, other_lat, other_lon in siblings:
            if other_lat is None or other_lon is None:
                continue
            km = haversine_km(lat, lon, other_lat, other_lon)
            if km <= MERGE_KM:
                context = ", ".join(x for x in (admin3, admin2, admin1, country) if x)
                summary.place_merges.append(PlaceMerge(location, context, other, km))
                return other
    iri = f"{ID}place/acled/" + "/".join(path) + "/" + slug(location)
    if lat is not None and iri in state.emitted:
        # the same name and units again, but farther than MERGE_KM: another place
        iri += f"/{sum(1 for other, _, _ in siblings if other.startswith(iri)) + 1}"
    if iri not in state.emitted:
        summary.new_places += 1
        siblings.append((iri, lat, lon))
        _mint(iri, "Town", location, parent, lat, lon, state)
    ukey = ("place", "|".join(key))
    if ukey not in state.unresolved:
        found = (
            others(
                resolver.place_candidates(location, lat=lat, lon=lon, within=within, limit=4),
                iri,
            )
            if candidates
            else ()
        )
        context = ", ".join(x for x in (admin3, admin2, admin1, country) if x)
        state.unresolved[ukey] = Unresolved("place", location, iri, 0, found, context)
    return iri


def _mint(
    iri: str,
    cls: str,
    name: str,
    parent: str | None,
    lat: float | None,
    lon: float | None,
    state: FileState,
) -> None:
    """Write a new place node (type, labels, parent, coordinates) once per file."""
    if iri in state.emitted:
        return
    state.emitted.add(iri)
    node = f"<{iri}>"
    add = state.lines.append
    add(f"{node} {RDF_TYPE} <{C}{cls}> .\n")
    add(f"{node} {RDFS_LABEL} {lang_lit(name, 'en')} .\n")
    add(f"{node} {SKOS_PREF} {lang_lit(name, 'en')} .\n")
    if parent:
        add(f"{node} {P['locatedIn']} <{parent}> .\n")
    if lat is not None and lon is not None:
        geometry = f"<{iri}/geometry>"
        add(f"{node} {P['latitude']} {decimal(lat)} .\n")
        add(f"{node} {P['longitude']} {decimal(lon)} .\n")
        add(f"{node} {HAS_GEOMETRY} {geometry} .\n")
        add(f"{geometry} {RDF_TYPE} {GEOMETRY} .\n")
        add(f"{geometry} {AS_WKT} {wkt_point(lat, lon)} .\n")
