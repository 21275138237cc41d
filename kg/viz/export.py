"""Files from a saved question's answer: the map (:func:`write_map`: HTML, SVG or PNG by
extension) and GeoJSON, CSV or KML, for QGIS, spreadsheets and Google Earth.

Every row of the answer becomes one feature (or line), with every column kept as text.
Its point is found from the first IRI in the row that can be placed: an event at its
place's coordinates, or a place at its own. Rows that cannot be placed are kept — with
a null geometry in GeoJSON and empty coordinates in CSV; KML, which has no use for them,
leaves them out — and counted, so the caller can say so.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path

from rdflib.term import Literal, Node, URIRef

from kg.errors import UsageError
from kg.store import QueryResult
from kg.viz.mapdata import MapData
from kg.viz.mapview import map_page
from kg.viz.scene import PICTURE_SUFFIXES
from kg.viz.staticmap import write_static_map

FORMATS = ("geojson", "csv", "kml")


@dataclass
class Located:
    """Where one answer row is drawn, if anywhere."""

    lon: float | None
    lat: float | None
    place: str | None
    approx_from: str | None = None


def _cell(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    return str(term)


def locate_rows(data: MapData, result: QueryResult) -> list[Located]:
    """For each row, the coordinates of its first placeable IRI."""
    out = []
    for row in result.rows:
        found = Located(None, None, None)
        for term in row:
            if not isinstance(term, URIRef):
                continue
            iri = str(term)
            place = None
            if iri in data.events and data.events[iri].place:
                place = data.places.get(data.events[iri].place or "")
            elif iri in data.places:
                place = data.places[iri]
            if place is not None and place.located:
                found = Located(place.lon, place.lat, place.label, place.approx_from)
                break
        out.append(found)
    return out


def to_geojson(data: MapData, result: QueryResult) -> str:
    """A GeoJSON FeatureCollection (RFC 7946: WGS84 lon/lat) with one feature per row."""
    features = []
    for row, loc in zip(result.rows, locate_rows(data, result)):
        props = {v: _cell(t) for v, t in zip(result.variables, row)}
        props["place"] = loc.place or ""
        if loc.approx_from:
            props["placed_at"] = loc.approx_from
        geom = None
        if loc.lon is not None and loc.lat is not None:
            geom = {"type": "Point", "coordinates": [round(loc.lon, 6), round(loc.lat, 6)]}
        features.append({"type": "Feature", "geometry": geom, "properties": props})
    doc = {"type": "FeatureCollection", "name": data.title, "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def to_csv(data: MapData, result: QueryResult) -> str:
    """CSV with the answer's columns plus ``longitude``, ``latitude`` and ``place``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    extra = ["longitude", "latitude", "place"]
    names = [v if v not in extra else f"{v}_" for v in result.variables]
    w.writerow(names + extra)
    for row, loc in zip(result.rows, locate_rows(data, result)):
        w.writerow(
            [_cell(t) for t in row]
            + [
                "" if loc.lon is None else f"{loc.lon:.6f}",
                "" if loc.lat is None else f"{loc.lat:.6f}",
                loc.place or "",
            ]
        )
    return buf.getvalue()


def to_kml(data: MapData, result: QueryResult) -> str:
    """KML 2.2 with one Placemark per placeable row, columns as ExtendedData."""
    marks = []
    for i, (row, loc) in enumerate(zip(result.rows, locate_rows(data, result))):
        if loc.lon is None or loc.lat is None:
            continue
        values = {v: _cell(t) for v, t in zip(result.variables, row)}
        name = _row_name(data, result, row) or loc.place or f"row {i + 1}"
        ext = "".join(
            f'<Data name="{escape(k)}"><value>{escape(v)}</value></Data>' for k, v in values.items()
        )
        marks.append(
            f"<Placemark><name>{escape(name)}</name>"
            f"<description>{escape(loc.place or '')}</description>"
            f"<ExtendedData>{ext}</ExtendedData>"
            f"<Point><coordinates>{loc.lon:.6f},{loc.lat:.6f}</coordinates></Point></Placemark>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<name>{escape(data.title)}</name>" + "\n".join(marks) + "</Document></kml>\n"
    )


def _row_name(data: MapData, result: QueryResult, row: tuple) -> str | None:
    for term in row:
        if isinstance(term, URIRef):
            iri = str(term)
            if iri in data.events:
                return data.events[iri].label
    for v, term in zip(result.variables, row):
        if isinstance(term, Literal) and "label" in v.lower():
            return str(term)
    return None


def export(
    data: MapData, result: QueryResult, fmt: str, path: Path | None = None
) -> tuple[str, int]:
    """The answer in ``fmt`` (written to ``path`` if given) and how many rows have no point."""
    if result.kind != "select":
        raise UsageError(f"only a SELECT answer can be exported as {fmt}")
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    text = {"geojson": to_geojson, "csv": to_csv, "kml": to_kml}[fmt](data, result)
    unplaced = sum(1 for loc in locate_rows(data, result) if loc.lon is None)
    if path is not None:
        path.write_text(text, encoding="utf-8")
    return text, unplaced


def write_map(data: MapData, path: Path, *, title: str | None = None) -> None:
    """Write the map to ``path``: ``.html`` interactive, ``.svg`` or ``.png`` static."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        path.write_text(map_page(data, title=title), encoding="utf-8")
    elif suffix in PICTURE_SUFFIXES:
        write_static_map(data, path, title=title)
    else:
        raise UsageError(
            f"{path}: unknown map format {suffix or '(none)'}; use .html, .svg or .png"
        )
