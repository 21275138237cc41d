"""Maps of events: a static picture (SVG, PNG) and an interactive, offline HTML map.

Events are drawn as markers, one per place and perpetrator: the area grows with the
number of events, the colour says who carried them out, and the parts of a coordinated
operation are joined by dashed lines (a minimum spanning tree, so seven attacks read as
one chain rather than a star). The HTML map is one file with inline SVG, CSS and script:
no tiles, no fonts, no request leaves the page. Above :data:`CLUSTER_FROM` markers the
page groups nearby markers into clusters that split as one zooms in, so a map of 100k
events stays responsive.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from importlib.resources import files

from kg.viz import geo
from kg.viz.colours import (
    OTHER_COLOUR,
    OTHER_KEY,
    OTHER_LABEL,
    PALETTE,  # noqa: F401 - re-exported: the colours every map uses
    UNKNOWN_COLOUR,
    UNKNOWN_LABEL,
)
from kg.viz.mapdata import Event, MapData, short, type_label

LINK_COLOUR = "#222222"

#: The page clusters markers when it has more than this many (2,000 ACLED rows of
#: Burkina Faso make ~1,400 place × actor markers: unreadable unclustered).
CLUSTER_FROM = 400

#: Places the HTML map labels, busiest first (each shown only where it fits).
MAP_LABELS = 25

#: Width in pixels the HTML map is laid out for at its opening zoom (desktop briefing).
OPENING_WIDTH_PX = 812

#: Most events whose details one HTML map embeds (counts are always exact).
DETAIL_BUDGET = 20000


@dataclass
class Group:
    """A perpetrator as the legend shows it."""

    key: str
    label: str
    colour: str
    events: int = 0


@dataclass
class Marker:
    """Events at one place by one perpetrator."""

    lon: float
    lat: float
    label: str
    group: int
    events: list[str] = field(default_factory=list)
    #: The town (or place) the marker stands for.
    place: str = ""


def groups_of(
    data: MapData, events: list[Event] | None = None
) -> tuple[list[Group], dict[str, int]]:
    """Legend entries and the group index of each perpetrator key (other, unknown last).

    Colours come from the store-wide assignment in ``data.colours``, so an actor has one
    colour on every map and timeline; the legend lists only the actors of ``events``
    (default: the events that can be drawn on the map), most events first.
    """
    located = data.located_events() if events is None else events
    per_actor = Counter(e.perpetrators[0][0] if e.perpetrators else "" for e in located)
    tally: Counter[str] = Counter()
    for actor, n in per_actor.items():  # per actor, not per event (100k of them)
        tally[data.colours.key(actor)] += n
    named = sorted(
        ((k, data.labels.get(k) or short(k), n) for k, n in tally.items() if k and k != OTHER_KEY),
        key=lambda t: (-t[2], t[1]),
    )
    groups: list[Group] = []
    index: dict[str, int] = {}
    for key, label, n in named:
        index[key] = len(groups)
        groups.append(Group(key, label, data.colours.colour(key), n))
    if tally.get(OTHER_KEY):
        index[OTHER_KEY] = len(groups)
        groups.append(Group(OTHER_KEY, OTHER_LABEL, OTHER_COLOUR, tally[OTHER_KEY]))
    if tally.get(""):
        index[""] = len(groups)
        groups.append(Group("", UNKNOWN_LABEL, UNKNOWN_COLOUR, tally[""]))
    for k in per_actor:  # every actor folded into "other" points at that entry
        if k and k not in index:
            index[k] = index[OTHER_KEY]
    return groups, index


def markers_of(data: MapData) -> tuple[list[Group], list[Marker]]:
    """One marker per (drawn position, perpetrator group), biggest first."""
    groups, index = groups_of(data)
    by_key: dict[tuple[float, float, int], Marker] = {}
    # Per place once, not per event (100k events at 5,000 places).
    spot: dict[str, tuple[float, float]] = {}
    for ev in data.located_events():
        where = ev.place
        assert where is not None  # a located event has a place
        xy = spot.get(where)
        if xy is None:
            pt = data.places[where].point
            assert pt is not None
            xy = spot[where] = (round(pt[0], 5), round(pt[1], 5))
        g = index[ev.perpetrators[0][0] if ev.perpetrators else ""]
        key = (xy[0], xy[1], g)
        m = by_key.get(key)
        if m is None:
            place = data.places[where]
            pt = place.point
            assert pt is not None
            label = data.place_label(place.town) if place.town else place.label
            m = by_key[key] = Marker(pt[0], pt[1], label, g, place=place.town or place.iri)
        m.events.append(ev.iri)
    # Places named by the answer with no event at them are drawn as neutral markers.
    return groups, sorted(by_key.values(), key=lambda m: (-len(m.events), m.label))


def radius(n: int) -> float:
    """Marker radius in pixels for ``n`` events: area grows with the count."""
    return min(4.0 + 3.0 * math.sqrt(max(n, 1)), 30.0)


def spanning_edges(points: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Edges of a minimum spanning tree over ``points`` (Prim, fine for an operation's parts)."""
    n = len(points)
    if n < 2:
        return []
    if n > 400:  # a campaign of hundreds of parts: a west-to-east chain is enough
        order = sorted(range(n), key=lambda i: points[i])
        return list(itertools.pairwise(order))
    inside = {0}
    best = {i: (math.dist(points[0], points[i]), 0) for i in range(1, n)}
    edges = []
    while best:
        j = min(best, key=lambda i: best[i][0])
        _, i = best.pop(j)
        edges.append((i, j))
        inside.add(j)
        for k in best:
            d = math.dist(points[j], points[k])
            if d < best[k][0]:
                best[k] = (d, j)
    return edges


def operation_links(
    data: MapData,
) -> list[tuple[str, list[tuple[tuple[float, float], tuple[float, float]]]]]:
    """For each operation, its label and the (lon, lat) segments joining its parts."""
    out = []
    for op in data.operations.values():
        pts: list[tuple[float, float]] = []
        for iri in op.parts:
            ev = data.events.get(iri)
            place = data.places.get(ev.place) if ev and ev.place else None
            pt = place.point if place else None
            if pt and pt not in pts:
                pts.append(pt)
        edges = spanning_edges(pts)
        if edges:
            out.append((op.label, [(pts[i], pts[j]) for i, j in edges]))
    return out


def _event_types(data: MapData, ev: Event) -> str:
    # The class and the event-type concept often share a label ("attack"): say it once.
    return ", ".join(dict.fromkeys(type_label(data, t) for t in ev.types)) or "event"


def date_text(ev: Event) -> str:
    """An event's date or interval, as an analyst writes it."""
    if not ev.start:
        return "undated"
    if ev.end and ev.end != ev.start:
        return f"{ev.start} – {ev.end}"
    return ev.start


def human_date(ev: Event) -> str:
    """An event's date as an analyst writes it: "6–7 Jan 2025", "30 Jun – 2 Jul 2025"."""
    from datetime import date

    def day(text: str | None) -> date | None:
        try:
            return date.fromisoformat(text[:10]) if text else None
        except ValueError:
            return None

    s, e = day(ev.start), day(ev.end)
    if s is None:
        return ev.start or "undated"
    one = f"{s.day} {s:%b %Y}"
    if e is None or e <= s:
        return one
    if (s.year, s.month) == (e.year, e.month):
        return f"{s.day}–{e.day} {e:%b %Y}"
    if s.year == e.year:
        return f"{s.day} {s:%b} – {e.day} {e:%b %Y}"
    return f"{one} – {e.day} {e:%b %Y}"


def note_pairs(data: MapData, pairs: list) -> None:
    """Add each recurring pair's dates and gap to its town's label on the map.

    ``pairs`` are :class:`kg.viz.timeline.Pair`: "6–7 Jan → 1 Jul 2025: 175 days".
    """
    for pair in pairs:
        first, second = data.events.get(pair.first), data.events.get(pair.second)
        if not first or not second:
            continue
        town = pair.town or data.town_of(first)
        if not town:
            continue
        gap = pair.gap_days
        days = "" if gap is None else f": {gap} day{'s' if gap != 1 else ''}"
        a, b = human_date(first), human_date(second)
        if a[-4:] == b[-4:]:  # same year: say it once
            a = a[:-5]
        data.place_notes[town] = f"{a} → {b}{days}"


# --------------------------------------------------------------------------- static


def spread(markers: list[Marker]) -> list[tuple[float, float]]:
    """Pixel offsets that fan out markers sharing one position, so none hides another."""
    at: dict[tuple[float, float], list[int]] = defaultdict(list)
    for i, m in enumerate(markers):
        at[(round(m.lon, 5), round(m.lat, 5))].append(i)
    out = [(0.0, 0.0)] * len(markers)
    for idx in at.values():
        if len(idx) < 2:
            continue
        dist = max(radius(len(markers[i].events)) for i in idx) * 0.75
        for j, i in enumerate(idx):
            a = -math.pi / 2 + 2 * math.pi * j / len(idx)
            out[i] = (round(dist * math.cos(a), 1), round(dist * math.sin(a), 1))
    return out


# --------------------------------------------------------------------------- interactive


def asset(name: str) -> str:
    """The text of one of the package's page assets (CSS, script)."""
    return files("kg.viz").joinpath(f"assets/{name}").read_text("utf-8")


def _json_for_html(obj: object) -> str:
    # "<" inside a JSON string is legal as \u003c, and it keeps "</script>" out of the page.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def map_payload(data: MapData, *, details: int = DETAIL_BUDGET) -> dict:
    """The map's data as the page's script reads it (projected units: 100 per degree)."""
    groups, markers = markers_of(data)
    pts = [(m.lon, m.lat) for m in markers]
    pts += [pt for pt in (data.places[p].point for p in data.answer_places) if pt]
    bbox = geo.fit_bbox(pts)
    proj = geo.Projection.for_bbox(geo.REGION_BBOX_WIDE)
    x0, y0 = proj.xy(bbox[0], bbox[3])
    x1, y1 = proj.xy(bbox[2], bbox[1])

    # Details (labels, dates, passages) for at most DETAIL_BUDGET events: the page stays
    # small at 100k events, while counts stay exact and the export has everything.
    per_marker = max(1, min(40, details // max(len(markers), 1)))
    budget = details
    ev_index: dict[str, int] = {}
    events_out: list[dict] = []

    def event_id(iri: str) -> int:
        if iri not in ev_index:
            ev = data.events[iri]
            ev_index[iri] = len(events_out)
            events_out.append(_event_json(data, ev))
        return ev_index[iri]

    # Markers that would hide each other at the opening zoom are pushed apart (pixels,
    # kept at every zoom, as the fan-out of markers sharing a place always was).
    from kg.viz.layout import dodge

    ppu = OPENING_WIDTH_PX / max(x1 - x0, 1e-9)
    if len(markers) <= CLUSTER_FROM:
        offsets = dodge(
            [
                ((proj.xy(m.lon, m.lat)[0] - x0) * ppu, (proj.xy(m.lon, m.lat)[1] - y0) * ppu)
                for m in markers
            ],
            [radius(len(m.events)) for m in markers],
        )
    else:
        offsets = spread(markers)
    shown_of: list[list[str]] = []
    for m in markers:
        take = min(per_marker, budget)
        # A marker's events are in date order already (markers_of reads them so).
        shown = m.events[:take] if take else []
        budget -= len(shown)
        shown_of.append(shown)
    # A big store's look-up left labels, targets and fatalities out: these few get them.
    data.fill_details(i for shown in shown_of for i in shown)
    markers_out = []
    for m, (dx, dy), shown in zip(markers, offsets, shown_of):
        x, y = proj.xy(m.lon, m.lat)
        row = [
            round(x, 2),
            round(y, 2),
            m.group,
            len(m.events),
            m.label,
            [event_id(i) for i in shown],
        ]
        if dx or dy:
            row.append([dx, dy])  # pixels: fans out markers that share a place
        markers_out.append(row)
    places_out = []
    for p in data.answer_places:
        place = data.places[p]
        if pt := place.point:
            x, y = proj.xy(*pt)
            places_out.append([round(x, 2), round(y, 2), place.label])
    # Labels of the busiest places (one per place, at its biggest marker), with notes.
    per_place: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(markers):
        per_place[m.label].append(i)
    busiest = sorted(
        per_place.items(), key=lambda kv: (-sum(len(markers[i].events) for i in kv[1]), kv[0])
    )
    labels_out = []
    for name, idx in busiest[:MAP_LABELS]:
        i = idx[0]  # markers are sorted biggest first
        labels_out.append([i, name, data.place_notes.get(markers[i].place, "")])
    from kg.viz.layout import reference_towns

    drawn = set(per_place)
    towns_out = []
    for town in reference_towns():
        if town.name not in drawn:
            x, y = proj.xy(town.lon, town.lat)
            towns_out.append([round(x, 2), round(y, 2), town.name, 1 if town.capital else 0])
    ops_out = []
    for label, segs in operation_links(data):
        ops_out.append(
            {
                "l": label,
                "s": [[round(v, 2) for v in (*proj.xy(*a), *proj.xy(*b))] for a, b in segs],
            }
        )
    return {
        "title": data.title,
        "view": [round(x0, 1), round(y0, 1), round(x1 - x0, 1), round(y1 - y0, 1)],
        "groups": [{"l": g.label, "c": g.colour, "n": g.events} for g in groups],
        "markers": markers_out,
        "places": places_out,
        "events": events_out,
        "ops": ops_out,
        "missing": [{"l": m.label, "r": m.reason} for m in data.missing],
        "clusterFrom": CLUSTER_FROM,
        "total": len(data.located_events()),
        "noun": data.noun,
        "noPassages": data.passages_skipped,
        "labels": labels_out,
        "towns": towns_out,
        # Projection, for the pointer's coordinates and the scale bar (100 units/degree).
        "proj": [proj.lon0, proj.lat_top, proj.kx],
        "kmPerUnit": 1.1132,
    }


def _event_json(data: MapData, ev: Event) -> dict:
    place = data.places.get(ev.place) if ev.place else None
    where = place.label if place else "?"
    if place and place.approx_from:
        where += f" (drawn at {place.approx_from})"
    out: dict = {
        "l": ev.label,
        "d": date_text(ev),
        "t": _event_types(data, ev),
        "p": ", ".join(label for _, label in ev.perpetrators) or "unknown",
        "w": where,
        "i": ev.iri,
    }
    if ev.targets:
        out["g"] = ", ".join(label for _, label in ev.targets)
    if ev.fatalities is not None:
        out["f"] = ev.fatalities
    if ev.operations:
        out["o"] = ", ".join(
            data.operations[o].label for o in ev.operations if o in data.operations
        )
    if ev.passages:
        out["s"] = [
            {
                k: v
                for k, v in {
                    "t": p.text,
                    "m": p.modality,
                    "d": p.document,
                    "v": p.via,
                    "id": p.passage_iri,
                }.items()
                if v
            }
            for p in ev.passages
        ]
    return out


def base_svg() -> tuple[str, str]:
    """The country and region outlines, and country names, as inline SVG in projected units.

    Regions (admin-1) are drawn between the countries' fills and their borders: a thin
    line inside each country, the border over it.
    """
    proj = geo.Projection.for_bbox(geo.REGION_BBOX_WIDE)
    parts = []
    paths = geo.country_paths(proj, digits=1)
    with_regions = {r.country for r in geo.regions()}
    for country, d in paths:
        cls = "country mali" if country.iso == "MLI" else "country"
        if country.name in with_regions:
            cls += " has-regions"  # its border is drawn over its regions, below
        parts.append(f'<path class="{cls}" d="{d}"><title>{escape(country.name)}</title></path>')
    for region, d in geo.region_paths(proj, digits=1):
        parts.append(f'<path class="region" d="{d}"/>')
    for country, d in paths:
        if country.name in with_regions:
            parts.append(f'<path class="border" d="{d}"/>')
    labels = []
    for country in geo.countries():
        x, y = proj.xy(*geo.country_label_point(country))
        labels.append(
            f'<text class="country-label" x="{x:.0f}" y="{y:.0f}">{escape(country.name.upper())}</text>'
        )
    return "".join(parts), "".join(labels)


def map_fragment(data: MapData, dom_id: str = "map", *, details: int = DETAIL_BUDGET) -> str:
    """The interactive map as an HTML fragment (SVG, info panel, legend, script data)."""
    payload = map_payload(data, details=details)
    countries, labels = base_svg()
    legend = "".join(
        f'<li><span class="swatch" style="background:{g["c"]}"></span>{escape(g["l"])} '
        f'<span class="n">({g["n"]:,})</span></li>'
        for g in payload["groups"]
    )
    keys = [
        f'<li><span class="swatch size"></span>area: {data.noun}s at one place'
        + (
            " (a numbered disc groups nearby places; click to zoom in)"
            if len(payload["markers"]) > CLUSTER_FROM
            else ""
        )
        + "</li>"
    ]
    if payload["ops"]:
        keys.append('<li><span class="swatch link"></span>parts of one coordinated operation</li>')
    if payload["towns"]:
        keys.append(
            '<li><span class="swatch town"></span>capital or regional capital, for orientation</li>'
        )
    keys.append('<li><span class="swatch region"></span>region (admin-1) boundary</li>')
    if data.place_notes:
        keys.append(
            "<li><strong>bold label</strong>: dates of the two attacks and the days between them</li>"
        )
    missing = ""
    if data.missing:
        items = "".join(
            f"<li>{escape(m.label)} — {escape(m.reason)}</li>" for m in data.missing[:200]
        )
        more = f"<li>… and {len(data.missing) - 200} more</li>" if len(data.missing) > 200 else ""
        missing = (
            f'<div class="missing" role="note"><strong>Not drawn — {len(data.missing)} without '
            f"coordinates:</strong><ul>{items}{more}</ul></div>"
        )
    empty = ""
    if data.is_empty():
        empty = '<p class="empty">Nothing to draw: no event or place in this answer has coordinates.</p>'
    v = payload["view"]
    return f"""<section class="ckg-map" id="{escape(dom_id)}">
<div class="map-wrap">
<svg class="map-svg" viewBox="{v[0]} {v[1]} {v[2]} {v[3]}" preserveAspectRatio="xMidYMid meet"
 role="img" aria-label="{escape(data.title)}"><rect class="sea" x="-5000" y="-5000" width="20000" height="20000"/>
<g class="countries">{countries}</g><g class="country-labels">{labels}</g>
<g class="links"></g><g class="places"></g><g class="towns"></g><g class="markers"></g><g class="labels"></g></svg>
<div class="map-controls" aria-label="zoom"><button type="button" data-zoom="in" title="zoom in">+</button><button type="button" data-zoom="out" title="zoom out">&#8722;</button><button type="button" data-zoom="reset" title="whole map">&#8962;</button></div>
<div class="scale" aria-hidden="true"><span class="bar"></span><span class="km"></span></div>
<p class="coords" aria-live="off"></p>
<p class="credit">{escape(geo.BOUNDARY_CREDIT)} · towns: GeoNames · drag to pan, wheel or buttons to zoom, click a marker</p>
</div>
<aside class="map-info" aria-live="polite"><p class="hint">Click a marker to see its attacks, perpetrators, targets and source passages.</p></aside>
<div class="map-legend"><strong>{payload["total"]:,} {data.noun}{"s" if payload["total"] != 1 else ""}</strong> — colour: who carried them out ({data.noun}s):<ul class="groups">{legend}</ul><ul class="keys">{"".join(keys)}</ul></div>
{empty}{missing}
<script type="application/json" class="map-data">{_json_for_html(payload)}</script>
</section>"""


def map_css() -> str:
    """The map's stylesheet."""
    return asset("map.css")


def map_js() -> str:
    """The map's script (no dependencies)."""
    return asset("map.js")


def map_page(data: MapData, *, title: str | None = None) -> str:
    """A complete, self-contained HTML page with the interactive map."""
    title = title or data.title
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{escape(title)}</title>
<style>{asset("page.css")}{map_css()}</style></head>
<body><main>
<h1>{escape(title)}</h1>
{map_fragment(data)}
</main>
<script>{map_js()}</script>
</body></html>
"""
