"""The static map (SVG, PNG): markers with context a reader needs without the tool.

Country outlines and names, reference towns (capitals and regional capitals), a scale
bar, coordinate ticks, a title, and a legend that says what every mark means: the colour
(the actor), the area (attacks at the place), the dashed line (parts of one coordinated
operation, only when one is drawn), the square (a reference town). Labels never overlap:
the busiest places are labelled first (a flagship map adds each town's dates and gap),
then reference towns, then countries, each only where it fits. Markers that would hide
each other are pushed apart. At ACLED scale the map shows one marker per place, coloured
by the actor with most attacks there, and labels the busiest towns.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from pathlib import Path

from kg.viz import geo
from kg.viz.layout import (
    LabelPlacer,
    degrees,
    dodge,
    nice_length,
    reference_towns,
    text_width,
    tick_step,
)
from kg.viz.mapdata import MapData
from kg.viz.mapview import (
    CLUSTER_FROM,
    LINK_COLOUR,
    Group,
    Marker,
    markers_of,
    operation_links,
    radius,
)
from kg.viz.scene import Anchor, Scene

#: Above this many markers (place × actor) the static map draws one marker per place.
PER_PLACE_FROM = 250
#: Places labelled on a static map, busiest first (each only where it fits).
LABELS = 25
#: Of those, the busiest may cover a marker (with a white halo) rather than go unlabelled.
MUST_LABEL = 8
KM_PER_DEGREE = 111.32
TOWN_COLOUR = "#3d3d3d"
#: Admin-1 region lines: lighter and thinner than the country borders drawn over them.
REGION_COLOUR = "#c3bba8"


def per_place(markers: list[Marker], groups: list[Group]) -> list[Marker]:
    """One marker per position: all its events, the colour of the actor with most of them."""
    at: dict[tuple[float, float], list[Marker]] = defaultdict(list)
    for m in markers:
        at[(round(m.lon, 4), round(m.lat, 4))].append(m)
    out = []
    for members in at.values():
        tally: Counter[int] = Counter()
        for m in members:
            tally[m.group] += len(m.events)
        top = max(tally, key=lambda g: (tally[g], -g))
        first = members[0]
        out.append(
            Marker(
                first.lon,
                first.lat,
                first.label,
                top,
                [e for m in members for e in m.events],
                place=first.place,
            )
        )
    return sorted(out, key=lambda m: (-len(m.events), m.label))


def merge_close(markers: list[Marker], xy, cell: float) -> list[Marker]:
    """Markers within one ``cell``-pixel square merged (named after the busiest)."""
    merged: dict[tuple[int, int], list[Marker]] = defaultdict(list)
    for m in markers:
        x, y = xy(m.lon, m.lat)
        merged[(int(x // cell), int(y // cell))].append(m)
    out = []
    for members in merged.values():
        n = sum(len(m.events) for m in members)
        lon = sum(m.lon * len(m.events) for m in members) / n
        lat = sum(m.lat * len(m.events) for m in members) / n
        biggest = max(members, key=lambda m: len(m.events))
        tally: Counter[int] = Counter()
        for m in members:
            tally[m.group] += len(m.events)
        top = max(tally, key=lambda g: (tally[g], -g))
        out.append(
            Marker(
                lon,
                lat,
                biggest.label,
                top,
                [e for m in members for e in m.events],
                place=biggest.place,
            )
        )
    return sorted(out, key=lambda m: (-len(m.events), m.label))


def _visible_label_point(country: geo.Country, bbox) -> tuple[float, float] | None:
    """Where to name a country: its centroid if in view, else the middle of its visible part."""
    lon, lat = geo.country_label_point(country)
    x0, y0, x1, y1 = bbox
    mx, my = (x1 - x0) * 0.08, (y1 - y0) * 0.08
    if x0 + mx < lon < x1 - mx and y0 + my < lat < y1 - my:
        return lon, lat
    inside = [
        (x, y)
        for ring in country.rings
        for x, y in ring
        if x0 + mx < x < x1 - mx and y0 + my < y < y1 - my
    ]
    if len(inside) < 8:
        return None
    return (
        sum(p[0] for p in inside) / len(inside),
        sum(p[1] for p in inside) / len(inside),
    )


def map_scene(data: MapData, *, width: int = 1000, title: str | None = None) -> Scene:
    """Lay out the static map: context, markers, links, labels, legend and missing places."""
    groups, markers = markers_of(data)
    aggregated = len(markers) > PER_PLACE_FROM
    if aggregated:
        markers = per_place(markers, groups)
    pts = [(m.lon, m.lat) for m in markers]
    pts += [pt for pt in (data.places[p].point for p in data.answer_places) if pt]
    bbox = geo.fit_bbox(pts)
    proj = geo.Projection.for_bbox(bbox, scale=1.0)
    span_x, span_y = proj.xy(bbox[2], bbox[1])
    top = 44
    k = width / span_x
    map_h = int(min(max(span_y * k, 380), 820))
    k = min(k, map_h / span_y)
    off_x = (width - span_x * k) / 2
    off_y = top + (map_h - span_y * k) / 2
    # What the frame shows, in degrees (the outline box may be wider than the points').
    view = (
        proj.lonlat(-off_x / k, 0)[0],
        proj.lonlat(0, (top + map_h - off_y) / k)[1],
        proj.lonlat((width - off_x) / k, 0)[0],
        proj.lonlat(0, (top - off_y) / k)[1],
    )

    def xy(lon: float, lat: float) -> tuple[float, float]:
        x, y = proj.xy(lon, lat)
        return (off_x + x * k, off_y + y * k)

    merged_note = ""
    if len(markers) > CLUSTER_FROM:
        before = len(markers)
        markers = merge_close(markers, xy, cell=10.0)
        merged_note = f"{before:,} places closer than 10 px merged into {len(markers):,} markers"
    centres = [xy(m.lon, m.lat) for m in markers]
    radii = [radius(len(m.events)) for m in markers]
    offsets = dodge(centres, radii)

    links = operation_links(data)
    scene = Scene(width, 10, background="#ffffff", title=title or data.title)
    scene.rect(0, top, width, map_h, fill="#dfe9f2")  # sea and off-region
    with_regions = {r.country for r in geo.regions()}
    for country in geo.countries():
        fill = "#fbfaf6" if country.iso == "MLI" else "#efede6"
        rings = [[xy(x, y) for x, y in ring] for ring in country.rings]
        if country.name in with_regions:  # its border is drawn over its regions, below
            scene.rings(rings, fill=fill)
        else:
            scene.rings(rings, fill=fill, stroke="#9a9486", stroke_width=0.8)
    # Admin-1 regions: thin lines inside the countries, under their borders.
    regions = geo.regions_in(view)
    for region in regions:
        scene.rings(
            [[xy(x, y) for x, y in ring] for ring in region.rings],
            stroke=REGION_COLOUR,
            stroke_width=0.6,
            cls="region",
            title=f"{region.name} ({region.country})",
        )
    for country in geo.countries():
        if country.name not in with_regions:
            continue
        scene.rings(
            [[xy(x, y) for x, y in ring] for ring in country.rings],
            stroke="#9a9486",
            stroke_width=0.8,
            cls="border",
        )
    placer = LabelPlacer((2, top + 2, width - 2, top + map_h - 2))

    # Coordinate ticks along the left and bottom edges, and a scale bar, bottom left.
    step = tick_step(max(view[2] - view[0], view[3] - view[1]))
    ticks: list[tuple[float, float, str, Anchor]] = []
    lon = math.ceil(view[0] / step) * step
    while lon < view[2]:
        x, _ = xy(lon, view[1])
        if 40 < x < width - 40:
            ticks.append((x, top + map_h - 5, degrees(lon, "E", "W"), "middle"))
        lon += step
    lat = math.ceil(view[1] / step) * step
    while lat < view[3]:
        _, y = xy(view[0], lat)
        if top + 30 < y < top + map_h - 40:
            ticks.append((5, y + 3, degrees(lat, "N", "S"), "start"))
        lat += step
    km_per_px = KM_PER_DEGREE / k
    bar_km = nice_length(130 * km_per_px)
    bar_px = bar_km / km_per_px
    bx, by = 14, top + map_h - 30
    scene.rect(bx - 6, by - 16, bar_px + 12 + 60, 26, fill="#ffffff", opacity=0.8)
    placer.add_label_box((bx - 6, by - 16, bx + bar_px + 66, by + 10))

    for label, segs in links:
        for a, b in segs:
            pa, pb = xy(*a), xy(*b)
            placer.add_segment(pa, pb)
            scene.line(
                [pa, pb],
                stroke=LINK_COLOUR,
                stroke_width=2,
                dash="6,4",
                opacity=0.8,
                cls="link",
                title=label,
            )
    # Reference towns: a small square, for orientation; skipped where an event is drawn.
    drawn_places = {m.label for m in markers}
    towns = []
    for town in reference_towns():
        if town.name in drawn_places:
            continue
        x, y = xy(town.lon, town.lat)
        if 10 < x < width - 10 and top + 10 < y < top + map_h - 10:
            s = 6 if town.capital else 4.5
            scene.rect(
                x - s / 2,
                y - s / 2,
                s,
                s,
                fill="#ffffff",
                stroke=TOWN_COLOUR,
                stroke_width=1.3,
                cls="ref-town",
                title=town.name,
            )
            placer.add_mark((x - s / 2, y - s / 2, x + s / 2, y + s / 2))
            towns.append((town, x, y, s))
    for p in data.answer_places:
        place = data.places[p]
        if pt := place.point:
            x, y = xy(*pt)
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
            placer.add_mark((x - 5, y - 5, x + 5, y + 5))
    for m, (cx, cy), r, (dx, dy) in zip(markers, centres, radii, offsets):
        placer.add_mark((cx + dx - r, cy + dy - r, cx + dx + r, cy + dy + r))
    for m, (cx, cy), r, (dx, dy) in zip(markers, centres, radii, offsets):
        g = groups[m.group]
        n = len(m.events)
        scene.circle(
            cx + dx,
            cy + dy,
            r,
            fill=g.colour,
            stroke="#ffffff",
            stroke_width=1.2,
            opacity=0.9,
            cls="marker",
            data={"events": str(n)},
            title=f"{m.label}: {n} {data.noun}{'s' if n != 1 else ''}, {g.label}",
        )

    # Labels: busiest places first (with their note), then towns, then countries.
    texts: list[tuple[float, float, str, float, str, str]] = []
    seen: set[str] = set()
    order = sorted(range(len(markers)), key=lambda i: (-len(markers[i].events), markers[i].label))
    for rank, i in enumerate(order[: LABELS * 2]):
        m = markers[i]
        if m.label in seen or len(seen) >= LABELS:
            continue
        (cx, cy), (dx, dy) = centres[i], offsets[i]
        lines = [m.label]
        note = data.place_notes.get(m.place)
        if note:
            lines.append(note)
        spot = placer.place(
            cx + dx, cy + dy, radii[i], lines, 11, allow_cover=rank < MUST_LABEL or bool(note)
        )
        if spot is None and note:
            spot = placer.place(cx + dx, cy + dy, radii[i], [m.label], 11, allow_cover=True)
            lines = [m.label]
        if spot is None:
            continue
        seen.add(m.label)
        texts.append((spot.x, spot.y, lines[0], 11, "#1d1d1d", "bold" if note else "normal"))
        for j, extra in enumerate(lines[1:], start=1):
            texts.append((spot.x, spot.y + 13.2 * j, extra, 10.5, "#1d1d1d", "normal"))
    for town, x, y, s in towns:
        spot = placer.place(x, y, s / 2, [town.name], 10)
        if spot:
            texts.append((spot.x, spot.y, town.name, 10, TOWN_COLOUR, "normal"))
    for country in geo.countries():
        pt = _visible_label_point(country, view)
        if pt is None:
            continue
        x, y = xy(*pt)
        name = country.name.upper()
        w = text_width(name, 11)
        box = (x - w / 2, y - 9, x + w / 2, y + 3)
        if placer._inside(box) and not any(
            not (box[2] <= o[0] or box[0] >= o[2] or box[3] <= o[1] or box[1] >= o[3])
            for o in placer.labels + placer.marks
        ):
            placer.add_label_box(box)
            scene.label(x, y, name, size=11, anchor="middle", fill="#8d8778", cls="country-label")
    for x, y, t, size, fill, weight in texts:
        scene.label(x, y, t, size=size, fill=fill, weight=weight, cls="place-label", halo=True)
    for x, y, t, anchor in ticks:
        scene.label(x, y, t, size=9, anchor=anchor, fill="#6d6d6d", cls="tick", halo=True)
    scene.line([(bx, by), (bx + bar_px, by)], stroke="#1d1d1d", stroke_width=3)
    scene.line([(bx, by - 4), (bx, by + 4)], stroke="#1d1d1d", stroke_width=1.2)
    scene.line([(bx + bar_px, by - 4), (bx + bar_px, by + 4)], stroke="#1d1d1d", stroke_width=1.2)
    scene.label(bx + bar_px + 6, by + 4, f"{bar_km:g} km", size=10, fill="#1d1d1d", cls="scale")

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
    y = _legend(
        scene,
        data,
        groups,
        markers,
        links,
        towns,
        aggregated,
        top,
        map_h,
        merged_note,
        bool(regions),
    )
    scene.label(16, 28, title or data.title, size=18, weight="bold")
    n = sum(len(m.events) for m in markers)
    scene.label(
        width - 16,
        28,
        f"{n:,} {data.noun}{'s' if n != 1 else ''} drawn",
        size=12,
        anchor="end",
        fill="#555",
    )
    scene.height = int(y + 12)
    return scene


def _legend(
    scene: Scene,
    data: MapData,
    groups: list[Group],
    markers: list[Marker],
    links,
    towns,
    aggregated: bool,
    top: float,
    map_h: float,
    merged_note: str,
    regions: bool = False,
) -> float:
    """Cover the overflow, frame the map, and write the legend under it; returns its end."""
    width = scene.width
    legend_top = top + map_h
    cover_at = len(scene.shapes)
    y = legend_top + 24
    items: list[tuple[str, str, str]] = [
        ("dot", g.colour, f"{g.label} ({g.events:,})") for g in groups
    ]
    rows: list[list[tuple[str, str, str]]] = [[]]
    used = 0.0
    for item in items:
        w = 30 + text_width(item[2], 11)
        if rows[-1] and used + w > width - 32:
            rows.append([])
            used = 0.0
        rows[-1].append(item)
        used += w
    colour_note = (
        f"Colour: the actor with most {data.noun}s at the place"
        if aggregated
        else f"Colour: who carried out the {data.noun}s"
    )
    scene.label(16, y, f"{colour_note} ({data.noun}s drawn)", size=11, weight="bold")
    for row in rows:
        y += 20
        x = 16.0
        for _kind, colour, text in row:
            scene.circle(x + 6, y - 4, 6, fill=colour, stroke="#fff")
            scene.label(x + 18, y, text, size=11)
            x += 30 + text_width(text, 11)
    # Size key: the area grows with the number of attacks at the place.
    y += 26
    x = 16.0
    area = f"Area: {data.noun}s at one place"
    scene.label(x, y, area, size=11, weight="bold")
    x += text_width(area, 11) + 12
    most = max((len(m.events) for m in markers), default=1)
    for n in [v for v in (1, 10, 100, 1000) if v <= max(most, 1)]:
        r = radius(n)
        scene.circle(x + r, y - 4, r, fill="#ffffff", stroke="#555", stroke_width=1)
        scene.label(x + 2 * r + 4, y, f"{n:,}", size=11)
        x += 2 * r + 14 + text_width(f"{n:,}", 11)
    extra: list[tuple[str, str]] = []
    if links:
        extra.append(("link", "parts of one coordinated operation"))
    if towns:
        extra.append(("town", "capital or regional capital, for orientation"))
    if regions:
        extra.append(("region", "region (admin-1) boundary"))
    if data.place_notes:
        extra.append(("note", "bold label: dates of the two attacks and the days between them"))
    # (the note names attacks: only the flagship question, about attacks, adds notes)
    for kind, text in extra:
        w = 30 + text_width(text, 11)
        if x + w > width - 16:
            y += 22
            x = 16.0
        if kind == "link":
            scene.line(
                [(x, y - 4), (x + 16, y - 4)], stroke=LINK_COLOUR, stroke_width=2, dash="6,4"
            )
        elif kind == "town":
            scene.rect(x + 5, y - 7, 6, 6, fill="#ffffff", stroke=TOWN_COLOUR, stroke_width=1.3)
        elif kind == "region":
            scene.line(
                [(x, y - 4), (x + 16, y - 4)],
                stroke=REGION_COLOUR,
                stroke_width=1.2,
                cls="legend-region",
            )
        else:
            scene.label(x, y, "Aa", size=11, weight="bold")
        scene.label(x + 22, y, text, size=11)
        x += w + 8
    y += 22
    credit = (
        geo.BOUNDARY_CREDIT + " · towns: GeoNames" + (f" · {merged_note}" if merged_note else "")
    )
    scene.label(16, y, credit, size=10, fill="#777")
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
    # The covers go under the legend but over the outlines: insert them before the legend.
    from kg.viz.scene import Shape

    height = y + 12
    covers = [
        Shape("rect", points=[(0, 0)], w=width, h=top, fill="#ffffff"),
        Shape("rect", points=[(0, legend_top)], w=width, h=height - legend_top, fill="#ffffff"),
        Shape("rect", points=[(0, top)], w=width, h=map_h, stroke="#c8c8c8"),
    ]
    scene.shapes[cover_at:cover_at] = covers
    return y


def write_static_map(data: MapData, path: Path, *, title: str | None = None) -> None:
    """Write ``path`` as SVG or PNG (by extension; see :meth:`Scene.write`)."""
    map_scene(data, title=title).write(path)
