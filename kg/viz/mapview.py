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
from pathlib import Path

from kg.viz import geo
from kg.viz.colours import (
    OTHER_COLOUR,
    OTHER_KEY,
    OTHER_LABEL,
    PALETTE,
    UNKNOWN_COLOUR,
    UNKNOWN_LABEL,
)
from kg.viz.mapdata import Event, MapData, short, type_label
from kg.viz.scene import Scene, to_png, to_svg

LINK_COLOUR = "#222222"

#: The page clusters markers when it has more than this many.
CLUSTER_FROM = 1500

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


def groups_of(
    data: MapData, events: list[Event] | None = None
) -> tuple[list[Group], dict[str, int]]:
    """Legend entries and the group index of each perpetrator key (other, unknown last).

    Colours come from the store-wide assignment in ``data.colours``, so an actor has one
    colour on every map and timeline; the legend lists only the actors of ``events``
    (default: the events that can be drawn on the map), most events first.
    """
    located = data.located_events() if events is None else events
    tally = Counter(data.colours.key(e.perpetrator_key) for e in located)
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
    for e in located:  # every actor folded into "other" points at that entry
        k = e.perpetrator_key
        if k and k not in index:
            index[k] = index[OTHER_KEY]
    return groups, index


def markers_of(data: MapData) -> tuple[list[Group], list[Marker]]:
    """One marker per (drawn position, perpetrator group), biggest first."""
    groups, index = groups_of(data)
    by_key: dict[tuple[float, float, int], Marker] = {}
    for ev in data.located_events():
        place = data.places[ev.place]  # type: ignore[index]
        assert place.lon is not None and place.lat is not None
        g = index[ev.perpetrator_key]
        key = (round(place.lon, 5), round(place.lat, 5), g)
        m = by_key.get(key)
        if m is None:
            label = data.place_label(place.town) if place.town else place.label
            m = by_key[key] = Marker(place.lon, place.lat, label, g)
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
            if place and place.located:
                pt = (place.lon, place.lat)
                if pt not in pts:
                    pts.append(pt)  # type: ignore[arg-type]
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


def map_scene(data: MapData, *, width: int = 1000, title: str | None = None) -> Scene:
    """Lay out the static map: borders, markers, links, labels, legend and missing places."""
    groups, markers = markers_of(data)
    offsets = spread(markers)
    pts = [(m.lon, m.lat) for m in markers]
    pts += [
        (data.places[p].lon, data.places[p].lat)  # type: ignore[misc]
        for p in data.answer_places
        if data.places[p].located
    ]
    bbox = geo.fit_bbox(pts)
    proj = geo.Projection.for_bbox(bbox, scale=1.0)
    span_x, span_y = proj.xy(bbox[2], bbox[1])
    top = 44
    k = width / span_x
    map_h = int(min(max(span_y * k, 380), 820))
    k = min(k, map_h / span_y)
    off_x = (width - span_x * k) / 2
    off_y = top + (map_h - span_y * k) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        x, y = proj.xy(lon, lat)
        return (off_x + x * k, off_y + y * k)

    merged_note = ""
    if len(markers) > CLUSTER_FROM:
        # A still picture cannot zoom: markers closer than a few pixels are merged
        # (per perpetrator), so a map of 100k events is readable and quick to paint.
        before = len(markers)
        markers = _merge_close(markers, xy, cell=12.0)
        offsets = [(0.0, 0.0)] * len(markers)
        merged_note = f"{before} markers closer than 12 px merged into {len(markers)}"
    legend = _legend_items(groups, bool(data.operations))
    legend_rows = _legend_rows(legend, width - 32)
    shown_missing = min(len(data.missing), 5)
    height = (
        top
        + map_h
        + 12
        + 20 * (len(legend_rows) + 1)
        + 22
        + (18 * (shown_missing + 1 + (len(data.missing) > 5)) if data.missing else 0)
    )

    scene = Scene(width, height, background="#ffffff", title=title or data.title)
    scene.rect(0, top, width, map_h, fill="#dfe9f2")  # sea and off-region
    for country in geo.countries():
        fill = "#fbfaf6" if country.iso == "MLI" else "#efede6"
        scene.rings(
            [[xy(x, y) for x, y in ring] for ring in country.rings],
            fill=fill,
            stroke="#9a9486",
            stroke_width=0.8,
        )
    for country in geo.countries():
        x, y = xy(*geo.country_label_point(country))
        if 40 < x < width - 40 and top + 20 < y < top + map_h - 10:
            scene.label(x, y, country.name.upper(), size=11, anchor="middle", fill="#8d8778")
    for label, segs in operation_links(data):
        for a, b in segs:
            scene.line(
                [xy(*a), xy(*b)],
                stroke=LINK_COLOUR,
                stroke_width=2,
                dash="6,4",
                opacity=0.8,
                cls="link",
                title=label,
            )
    for p in data.answer_places:
        place = data.places[p]
        if place.located:
            x, y = xy(place.lon, place.lat)  # type: ignore[arg-type]
            scene.circle(
                x,
                y,
                5,
                fill="#ffffff",
                stroke="#333",
                stroke_width=1.5,
                cls="place",
                title=place.label,
            )
    for m, (dx, dy) in zip(markers, offsets):  # biggest first: small ones stay on top
        x, y = xy(m.lon, m.lat)
        g = groups[m.group]
        scene.circle(
            x + dx,
            y + dy,
            radius(len(m.events)),
            fill=g.colour,
            stroke="#ffffff",
            stroke_width=1.2,
            opacity=0.9,
            cls="marker",
            data={"events": str(len(m.events))},
            title=f"{m.label}: {len(m.events)} event(s), {g.label}",
        )
    _place_labels(scene, markers, offsets, xy, top, map_h)
    if not markers and not data.answer_places:
        scene.label(
            width / 2,
            top + map_h / 2,
            "Nothing to draw: no event or place has coordinates",
            size=16,
            anchor="middle",
            fill="#a33",
            weight="bold",
        )

    # Outlines run past the map's frame: cover the overflow with the page's background.
    scene.rect(0, 0, width, top, fill="#ffffff")
    scene.rect(0, top + map_h, width, height - top - map_h, fill="#ffffff")
    scene.rect(0, top, width, map_h, stroke="#c8c8c8")
    scene.label(16, 28, title or data.title, size=18, weight="bold")
    n = len(data.located_events())
    scene.label(
        width - 16,
        28,
        f"{n} event{'s' if n != 1 else ''} drawn",
        size=12,
        anchor="end",
        fill="#555",
    )
    y = top + map_h + 24
    scene.label(
        16,
        y,
        "Perpetrator (events) — marker area grows with the number of events",
        size=11,
        weight="bold",
    )
    for row in legend_rows:
        y += 20
        x = 16.0
        for kind, colour, text, w in row:
            if kind == "dot":
                scene.circle(x + 6, y - 4, 6, fill=colour, stroke="#fff")
            else:
                scene.line([(x, y - 4), (x + 14, y - 4)], stroke=colour, stroke_width=2, dash="6,4")
            scene.label(x + 18, y, text, size=11)
            x += w
    y += 22
    scene.label(
        16,
        y,
        geo.BOUNDARY_CREDIT + (f" · {merged_note}" if merged_note else ""),
        size=10,
        fill="#777",
    )
    if data.missing:
        y += 18
        scene.label(
            16,
            y,
            f"Not drawn — {len(data.missing)} without coordinates:",
            size=11,
            weight="bold",
            fill="#a33",
        )
        for miss in data.missing[:5]:
            y += 18
            scene.label(28, y, f"{miss.label} — {miss.reason}", size=11, fill="#a33")
        if len(data.missing) > 5:
            y += 18
            scene.label(28, y, f"… and {len(data.missing) - 5} more", size=11, fill="#a33")
    return scene


def _merge_close(markers: list[Marker], xy, cell: float) -> list[Marker]:
    """Markers of one perpetrator within one ``cell``-pixel square, merged (biggest first)."""
    merged: dict[tuple[int, int, int], list[Marker]] = defaultdict(list)
    for m in markers:
        x, y = xy(m.lon, m.lat)
        merged[(int(x // cell), int(y // cell), m.group)].append(m)
    out = []
    for members in merged.values():
        n = sum(len(m.events) for m in members)
        lon = sum(m.lon * len(m.events) for m in members) / n
        lat = sum(m.lat * len(m.events) for m in members) / n
        biggest = max(members, key=lambda m: len(m.events))
        label = biggest.label if len(members) == 1 else f"{biggest.label} +{len(members) - 1}"
        out.append(
            Marker(lon, lat, label, members[0].group, [e for m in members for e in m.events])
        )
    return sorted(out, key=lambda m: (-len(m.events), m.label))


def _legend_items(groups: list[Group], has_links: bool) -> list[tuple[str, str, str, float]]:
    items = [("dot", g.colour, f"{g.label} ({g.events})", 0.0) for g in groups]
    if has_links:
        items.append(("link", LINK_COLOUR, "parts of one coordinated operation", 0.0))
    # Width estimate for an 11 px sans-serif: ~6.3 px per character.
    return [(k, c, t, 30 + 6.3 * len(t)) for k, c, t, _ in items]


def _legend_rows(items: list, width: float) -> list[list]:
    rows: list[list] = [[]]
    used = 0.0
    for item in items:
        if rows[-1] and used + item[3] > width:
            rows.append([])
            used = 0.0
        rows[-1].append(item)
        used += item[3]
    return rows if rows[0] else []


def _place_labels(
    scene: Scene, markers: list[Marker], offsets, xy, top: float, map_h: float
) -> None:
    """Label the busiest places, skipping labels that would overlap one already placed."""
    taken: list[tuple[float, float, float, float]] = []
    for m, (dx, dy) in zip(markers, offsets):
        x, y = xy(m.lon, m.lat)
        r = radius(len(m.events))
        taken.append((x + dx - r, y + dy - r, x + dx + r, y + dy + r))
    seen: set[str] = set()
    for m, (dx, _dy) in list(zip(markers, offsets))[:80]:
        if m.label in seen:
            continue
        x, y = xy(m.lon, m.lat)
        r = radius(len(m.events)) + abs(dx)
        w = 6.3 * len(m.label)
        # Right of the marker first, then left, above, below: the first free spot wins.
        for box in (
            (x + r + 3, y - 9, x + r + 3 + w, y + 4),
            (x - r - 3 - w, y - 9, x - r - 3, y + 4),
            (x - w / 2, y - r - 16, x + w / 2, y - r - 3),
            (x - w / 2, y + r + 3, x + w / 2, y + r + 16),
        ):
            if any(
                not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3])
                for b in taken
            ):
                continue
            if box[0] < 4 or box[2] > scene.width - 4 or box[1] < top or box[3] > top + map_h:
                continue
            taken.append(box)
            seen.add(m.label)
            scene.label(
                box[0], box[3] - 4, m.label, size=11, fill="#1d1d1d", cls="place-label", halo=True
            )
            break


def write_static_map(data: MapData, path: Path, *, title: str | None = None) -> None:
    """Write ``path`` as SVG or PNG (by extension)."""
    scene = map_scene(data, title=title)
    if path.suffix.lower() == ".svg":
        path.write_text(to_svg(scene), encoding="utf-8")
    else:
        to_png(scene, path)


# --------------------------------------------------------------------------- interactive


def _asset(name: str) -> str:
    return files("kg.viz").joinpath(f"assets/{name}").read_text("utf-8")


def _json_for_html(obj: object) -> str:
    # "<" inside a JSON string is legal as \u003c, and it keeps "</script>" out of the page.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def map_payload(data: MapData) -> dict:
    """The map's data as the page's script reads it (projected units: 100 per degree)."""
    groups, markers = markers_of(data)
    pts = [(m.lon, m.lat) for m in markers]
    pts += [
        (data.places[p].lon, data.places[p].lat)
        for p in data.answer_places
        if data.places[p].located
    ]
    bbox = geo.fit_bbox(pts)  # type: ignore[arg-type]
    proj = geo.Projection.for_bbox(geo.REGION_BBOX_WIDE)
    x0, y0 = proj.xy(bbox[0], bbox[3])
    x1, y1 = proj.xy(bbox[2], bbox[1])

    # Details (labels, dates, passages) for at most DETAIL_BUDGET events: the page stays
    # small at 100k events, while counts stay exact and the export has everything.
    per_marker = max(1, min(40, DETAIL_BUDGET // max(len(markers), 1)))
    budget = DETAIL_BUDGET
    ev_index: dict[str, int] = {}
    events_out: list[dict] = []

    def event_id(iri: str) -> int:
        if iri not in ev_index:
            ev = data.events[iri]
            ev_index[iri] = len(events_out)
            events_out.append(_event_json(data, ev))
        return ev_index[iri]

    markers_out = []
    for m, (dx, dy) in zip(markers, spread(markers)):
        x, y = proj.xy(m.lon, m.lat)
        take = min(per_marker, budget)
        shown = sorted(m.events, key=lambda i: data.events[i].start or "")[:take] if take else []
        budget -= len(shown)
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
        if place.located:
            x, y = proj.xy(place.lon, place.lat)  # type: ignore[arg-type]
            places_out.append([round(x, 2), round(y, 2), place.label])
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
    """The country outlines as inline SVG groups in the page's projected units."""
    proj = geo.Projection.for_bbox(geo.REGION_BBOX_WIDE)
    parts = []
    for country, d in geo.country_paths(proj, digits=1):
        cls = "country mali" if country.iso == "MLI" else "country"
        parts.append(f'<path class="{cls}" d="{d}"><title>{escape(country.name)}</title></path>')
    labels = []
    for country in geo.countries():
        x, y = proj.xy(*geo.country_label_point(country))
        labels.append(
            f'<text class="country-label" x="{x:.0f}" y="{y:.0f}">{escape(country.name.upper())}</text>'
        )
    return "".join(parts), "".join(labels)


def map_fragment(data: MapData, dom_id: str = "map") -> str:
    """The interactive map as an HTML fragment (SVG, info panel, legend, script data)."""
    payload = map_payload(data)
    countries, labels = base_svg()
    legend = "".join(
        f'<li><span class="swatch" style="background:{g["c"]}"></span>{escape(g["l"])} '
        f'<span class="n">({g["n"]})</span></li>'
        for g in payload["groups"]
    )
    if payload["ops"]:
        legend += '<li><span class="swatch link"></span>parts of one coordinated operation</li>'
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
<g class="links"></g><g class="places"></g><g class="markers"></g><g class="labels"></g></svg>
<div class="map-controls" aria-label="zoom"><button type="button" data-zoom="in" title="zoom in">+</button><button type="button" data-zoom="out" title="zoom out">&#8722;</button><button type="button" data-zoom="reset" title="whole map">&#8962;</button></div>
<p class="credit">{escape(geo.BOUNDARY_CREDIT)} · drag to pan, wheel or buttons to zoom, click a marker</p>
</div>
<aside class="map-info" aria-live="polite"><p class="hint">Click a marker to see its events, perpetrators, targets and source passages.</p></aside>
<div class="map-legend"><strong>{payload["total"]} events</strong> — perpetrator (events):<ul>{legend}</ul></div>
{empty}{missing}
<script type="application/json" class="map-data">{_json_for_html(payload)}</script>
</section>"""


def map_css() -> str:
    """The map's stylesheet."""
    return _asset("map.css")


def map_js() -> str:
    """The map's script (no dependencies)."""
    return _asset("map.js")


def map_page(data: MapData, *, title: str | None = None) -> str:
    """A complete, self-contained HTML page with the interactive map."""
    title = title or data.title
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{escape(title)}</title>
<style>{_asset("page.css")}{map_css()}</style></head>
<body><main>
<h1>{escape(title)}</h1>
{map_fragment(data)}
</main>
<script>{map_js()}</script>
</body></html>
"""


def write_map(data: MapData, path: Path, *, title: str | None = None) -> None:
    """Write the map to ``path``: ``.html`` interactive, ``.svg`` or ``.png`` static."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        path.write_text(map_page(data, title=title), encoding="utf-8")
    elif suffix in (".svg", ".png"):
        write_static_map(data, path, title=title)
    else:
        from kg.errors import UsageError

        raise UsageError(
            f"{path}: unknown map format {suffix or '(none)'}; use .html, .svg or .png"
        )
