"""Timelines: events over time, one row per town (or per group), recurring attacks marked.

Each event is a dot on its town's row (a bar when its date interval is wide enough to
see), coloured by perpetrator as on the map. The pairs found by the saved question
``towns_attacked_twice`` are joined by a red arc labelled with the gap in days, so the
question's answer and the picture can be read side by side.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from html import escape
from pathlib import Path

from rdflib import XSD
from rdflib.term import Literal, URIRef

from kg.errors import UsageError
from kg.store import QueryResult
from kg.viz.layout import LabelPlacer, text_width
from kg.viz.mapdata import Event, MapData, short
from kg.viz.mapview import groups_of, radius
from kg.viz.scene import PICTURE_SUFFIXES, Scene, to_svg

PAIR_COLOUR = "#1d1d1d"
MAX_ROWS = 40
ROW_H = 28


@dataclass
class Pair:
    """Two events the recurrence question pairs (same town, within its window)."""

    first: str
    second: str
    gap_days: int | None = None
    town: str | None = None


@dataclass
class Glyph:
    """Events of one row on one day (or month, for big timelines)."""

    row: int
    start: date
    end: date
    events: list[str] = field(default_factory=list)


@dataclass
class _Row:
    """One row of the timeline: a town (or a group) and its events, in date order."""

    label: str
    first: str
    events: list[Event] = field(default_factory=list)


@lru_cache(maxsize=65536)
def _day(text: str | None) -> date | None:
    # Cached: 100k events fall on a few thousand days.
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def pairs_from_answer(data: MapData, result: QueryResult) -> list[Pair]:
    """The event pairs of a ``towns_attacked_twice`` answer.

    A row may name the two events directly (two event IRIs), or name a town and two
    dates: then the pair is the town's events that cover those dates.
    """
    pairs: list[Pair] = []
    numbers = (XSD.integer, XSD.int, XSD.long, XSD.decimal)  # looked up once, not per cell
    day_type = XSD.date
    for row in result.rows:
        events = [str(t) for t in row if isinstance(t, URIRef) and str(t) in data.events]
        towns = [str(t) for t in row if isinstance(t, URIRef) and str(t) in data.places]
        dates = [_day(str(t)) for t in row if isinstance(t, Literal) and t.datatype == day_type]
        gap = None
        for t in row:
            if isinstance(t, Literal) and t.datatype in numbers:
                try:
                    gap = int(t)
                except ValueError:
                    pass
        if len(events) >= 2:
            pairs.append(Pair(events[0], events[1], gap, towns[0] if towns else None))
            continue
        if not towns or len([d for d in dates if d]) < 2:
            continue
        town = towns[0]
        chosen: list[str] = []
        for d in [d for d in dates if d][:2]:
            hit = _event_at(data, town, d, exclude=chosen)
            if hit:
                chosen.append(hit)
        if len(chosen) == 2:
            pairs.append(Pair(chosen[0], chosen[1], gap, town))
    return pairs


def _event_at(data: MapData, town: str, day: date, exclude: list[str]) -> str | None:
    """An event in ``town`` (or at a site in it) whose interval covers ``day``."""
    for ev in sorted(data.events.values(), key=lambda e: (e.start or "", e.iri)):
        if ev.iri in exclude:
            continue
        if town not in (ev.place, data.town_of(ev)):
            continue
        s, e = _day(ev.start), _day(ev.end) or _day(ev.start)
        if s and e and s <= day <= e:
            return ev.iri
    return None


def _ticks(lo: date, hi: date, width: float = 800.0) -> list[tuple[date, str]]:
    """Tick dates and labels on month boundaries: monthly where the labels fit.

    The step is the smallest of 1, 2, 3, 6, 12, 24 or 60 months whose labels (about
    56 px each) fit in ``width``; monthly and quarterly ticks name the year at January
    and at the first tick, yearly ticks only the year.
    """
    months = max(1, (hi.year - lo.year) * 12 + hi.month - lo.month + 1)
    step = next((st for st in (1, 2, 3, 6, 12, 24) if months / st * 56 <= width), 60)
    idx = lo.year * 12 + lo.month - 1 + (1 if lo.day > 1 else 0)
    idx += -idx % step  # align: quarters start in Jan/Apr/Jul/Oct, years in January
    out: list[tuple[date, str]] = []
    while True:
        y, m = divmod(idx, 12)
        d = date(y, m + 1, 1)
        if d > hi:
            return out
        if step >= 12:
            text = d.strftime("%Y")
        elif not out or d.month == 1:
            text = d.strftime("%b %Y")
        else:
            text = d.strftime("%b")
        out.append((d, text))
        idx += step


def timeline_scene(
    data: MapData,
    pairs: list[Pair] | None = None,
    *,
    by: str = "town",
    width: int = 1000,
    title: str | None = None,
    pair_note: str = "pair found by towns_attacked_twice",
) -> Scene:
    """Lay out the timeline of ``data``'s dated events (rows by ``town`` or ``group``)."""
    if by not in ("town", "group"):
        raise UsageError(f"--by must be 'town' or 'group', not {by!r}")
    pairs = pairs or []
    dated = [e for e in data.events.values() if _day(e.start)]
    undated = [e for e in data.events.values() if not _day(e.start)]
    groups, gindex = groups_of(data, dated)

    known: dict[str | None, tuple[str, str]] = {}  # per place or actor, not per event

    def row_key(ev: Event) -> tuple[str, str]:
        if by == "group":
            key = ev.perpetrator_key
            got = known.get(key)
            if got is None:
                label = (data.labels.get(key) or short(key)) if key else "unknown perpetrator"
                got = known[key] = (key, label)
            return got
        got = known.get(ev.place)
        if got is None:
            town = data.town_of(ev)
            got = known[ev.place] = ((town or ""), (data.place_label(town) if town else "no place"))
        return got

    rows: dict[str, _Row] = {}
    for ev in sorted(dated, key=lambda e: (e.start or "", e.label)):
        key, label = row_key(ev)
        rows.setdefault(key, _Row(label, ev.start or "")).events.append(ev)
    order = sorted(rows, key=lambda k: (rows[k].first, rows[k].label))
    hidden = 0
    if len(order) > MAX_ROWS:
        # Keep the busiest rows; the rest are counted, not drawn.
        keep = set(sorted(order, key=lambda k: -len(rows[k].events))[: MAX_ROWS - 1])
        hidden = sum(len(rows[k].events) for k in order if k not in keep)
        order = [k for k in order if k in keep]

    title = title or f"{data.title}: timeline by {by}"
    left, right, top = 190, 30, 70
    n_rows = max(len(order), 1)
    axis_y = top + n_rows * ROW_H + 8
    notes = 1 + (1 if hidden else 0) + (1 if undated else 0)
    legend_rows = 1 + (len(groups) + (1 if pairs else 0) + 3) // 4
    height = axis_y + 34 + 20 * legend_rows + 18 * notes + 10
    scene = Scene(width, height, title=title)
    scene.label(16, 28, title, size=18, weight="bold")
    scene.label(
        width - 16,
        28,
        f"{len(dated)} dated event{'s' if len(dated) != 1 else ''}",
        size=12,
        anchor="end",
        fill="#555",
    )

    if dated:
        lo = min(d for d in (_day(e.start) for e in dated) if d)
        hi = max(d for d in ((_day(e.end) or _day(e.start)) for e in dated) if d)
        pad = max(15, (hi - lo).days // 25)
        lo, hi = lo - timedelta(days=pad), hi + timedelta(days=pad)
    else:
        lo, hi = date.today() - timedelta(days=365), date.today()
    span = max((hi - lo).days, 1)
    plot_w = width - left - right

    def x_of(d: date) -> float:
        return left + (d - lo).days / span * plot_w

    y: float
    for i, key in enumerate(order):
        y = top + i * ROW_H
        if i % 2 == 0:
            scene.rect(left, y, plot_w, ROW_H, fill="#f6f6f3")
        label = rows[key].label
        if len(label) > 26:
            label = label[:25] + "…"
        scene.label(
            left - 8,
            y + ROW_H / 2 + 4,
            f"{label} ({len(rows[key].events)})",
            size=11,
            anchor="end",
        )
    for d, text in _ticks(lo, hi, plot_w):
        x = x_of(d)
        scene.line([(x, top), (x, axis_y)], stroke="#d4d4d4", stroke_width=1)
        scene.label(x, axis_y + 16, text, size=10, anchor="middle", fill="#555")
    scene.line([(left, axis_y), (left + plot_w, axis_y)], stroke="#888", stroke_width=1)

    # One glyph per row and day — per month when there are too many to see.
    row_of = {key: i for i, key in enumerate(order)}
    cells: dict[tuple[int, date, date, int], Glyph] = {}
    monthly = len(dated) > 4000
    for ev in dated:
        key, _ = row_key(ev)
        if key not in row_of:
            continue
        s = _day(ev.start)
        e = _day(ev.end) or s
        assert s is not None and e is not None
        if monthly:
            s = e = s.replace(day=1)
        g = gindex.get(ev.perpetrator_key, 0)
        ck = (row_of[key], s, e, g)
        cell = cells.get(ck) or cells.setdefault(ck, Glyph(row_of[key], s, e))
        cell.events.append(ev.iri)
    pos: dict[str, tuple[float, float]] = {}
    marks: list[tuple[float, float, float, float]] = []
    kinds: set[str] = set()
    for (row, s, e, g), cell in sorted(cells.items(), key=lambda kv: -len(kv[1].events)):
        y = top + row * ROW_H + ROW_H / 2
        x0, x1 = x_of(s), x_of(e + timedelta(days=1))
        n = len(cell.events)
        colour = groups[g].colour if groups else "#666"
        labels = [data.events[i].label for i in cell.events[:6]]
        tip = (
            f"{s.isoformat()}"
            + (f" – {e.isoformat()}" if e != s else "")
            + ": "
            + "; ".join(labels)
        )
        if n > 6:
            tip += f"; … ({n} events)"
        data_attrs = {"events": str(n), "row": str(row)}
        if x1 - x0 >= 8:
            scene.rect(
                x0,
                y - 6,
                x1 - x0,
                12,
                fill=colour,
                opacity=0.85,
                stroke="#fff",
                cls="tl-event",
                data=data_attrs,
                title=tip,
            )
            cx = (x0 + x1) / 2
            marks.append((x0, y - 6, x1, y + 6))
            kinds.add("bar")
        else:
            cx = (x0 + x1) / 2
            r = min(radius(n) * 0.8, ROW_H / 2 - 1)
            marks.append((cx - r, y - r, cx + r, y + r))
            kinds.add("dot")
            scene.circle(
                cx,
                y,
                r,
                fill=colour,
                opacity=0.9,
                stroke="#fff",
                stroke_width=1,
                cls="tl-event",
                data=data_attrs,
                title=tip,
            )
        for iri in cell.events:
            pos[iri] = (cx, y)

    drawn_pairs = 0
    placer = LabelPlacer((left, 40, left + plot_w, axis_y - 2))
    for box in marks:
        placer.add_mark(box)
    gap_labels: list[tuple[float, float, str]] = []
    arcs: list[tuple[list[tuple[float, float]], str, str, int | None]] = []
    for pair in pairs:
        a, b = pos.get(pair.first), pos.get(pair.second)
        if not a or not b:
            continue
        drawn_pairs += 1
        (xa, ya), (xb, yb) = sorted([a, b])
        lift = min(ROW_H * 0.9, 10 + abs(xb - xa) / 8)
        pts = []
        for k in range(17):
            t = k / 16
            pts.append((xa + (xb - xa) * t, ya + (yb - ya) * t - lift * math.sin(math.pi * t)))
        gap = pair.gap_days
        if gap is None:
            da = _day(data.events[pair.first].start)
            db = _day(data.events[pair.second].start)
            gap = abs((db - da).days) if da and db else None
        tip = f"{data.events[pair.first].label} → {data.events[pair.second].label}"
        arcs.append((pts, tip, "" if gap is None else str(gap), gap))
        for p1, p2 in itertools.pairwise(pts):
            placer.add_segment(p1, p2, width=2)
        for x, y in (a, b):
            placer.add_mark((x - 9, y - 9, x + 9, y + 9))
    for pts, tip, gap_text, gap in arcs:
        scene.line(
            pts,
            stroke=PAIR_COLOUR,
            stroke_width=2,
            cls="tl-pair",
            data={"gap": gap_text},
            title=tip,
        )
        for x, y in (pts[0], pts[-1]):
            scene.circle(x, y, 8, stroke=PAIR_COLOUR, stroke_width=2, cls="tl-ring")
        if gap is None:
            continue
        text = f"{gap} day{'s' if gap != 1 else ''}"
        apex = max(pts, key=lambda p: -p[1])
        # Above the arc's apex first; else beside the pair; never over a mark or an arc.
        spot = placer.place(apex[0], apex[1] - 2, 0, [text], 10, above_first=True)
        if spot is None:
            spot = placer.place(pts[-1][0], pts[-1][1], 10, [text], 10, allow_cover=False)
        if spot is not None:
            gap_labels.append((spot.x, spot.y, text))
    for x, y, text in gap_labels:
        scene.label(x, y, text, size=10, fill=PAIR_COLOUR, weight="bold", cls="tl-gap", halo=True)

    # The legend names every kind of mark drawn.
    y = axis_y + 40
    scene.label(16, y, "Colour: who carried out the attack (events)", size=11, weight="bold")
    y += 20
    x = 16.0
    items: list[tuple[str, str, str]] = [
        ("dot", g.colour, f"{g.label} ({g.events:,})") for g in groups
    ]
    shapes: list[tuple[str, str, str]] = []
    if "dot" in kinds:
        shapes.append(("dot", "#777", "one day" + (" (one month, grouped)" if monthly else "")))
    if "bar" in kinds:
        shapes.append(("bar", "#777", "several days: the bar spans the dates"))
    if drawn_pairs:
        shapes.append(("ring", PAIR_COLOUR, "attack of a recurring pair"))
        shapes.append(
            ("arc", PAIR_COLOUR, f"{pair_note}; label: days between them ({drawn_pairs})")
        )

    def row_of_items(x: float, y: float, entries: list[tuple[str, str, str]]) -> float:
        for kind, colour, text in entries:
            w = 36 + text_width(text, 11)
            if x + w > width - 16 and x > 16:
                x = 16.0
                y += 20
            if kind == "dot":
                scene.circle(x + 6, y - 4, 6, fill=colour, stroke="#fff")
            elif kind == "bar":
                scene.rect(x, y - 9, 14, 10, fill=colour, opacity=0.85)
            elif kind == "ring":
                scene.circle(x + 6, y - 4, 7, stroke=colour, stroke_width=2)
            else:
                scene.line(
                    [(x, y - 1), (x + 6, y - 7), (x + 12, y - 1)], stroke=colour, stroke_width=2
                )
            scene.label(x + 18, y, text, size=11, cls="tl-legend")
            x += w
        return y

    y = row_of_items(x, y, items)
    if shapes:
        y += 20
        y = row_of_items(16.0, y, shapes)
    y += 20
    if hidden:
        scene.label(
            16,
            y,
            f"{hidden:,} events in {len(rows) - len(order)} further rows not drawn "
            f"(the {MAX_ROWS - 1} busiest rows are shown)",
            size=11,
            fill="#a33",
        )
        y += 18
    if undated:
        names = ", ".join(e.label for e in undated[:5]) + (" …" if len(undated) > 5 else "")
        scene.label(16, y, f"Undated, not drawn ({len(undated)}): {names}", size=11, fill="#a33")
        y += 18
    if not dated:
        scene.label(
            width / 2,
            top + ROW_H / 2 + 4,
            "Nothing to draw: no dated event",
            size=14,
            anchor="middle",
            fill="#a33",
            weight="bold",
        )
    scene.height = int(y)  # the legend's rows are known only now
    return scene


def timeline_fragment(scene: Scene) -> str:
    """The timeline as an inline, scalable SVG figure for an HTML page."""
    svg = to_svg(scene, standalone=False)
    svg = svg.replace(f'width="{scene.width}" height="{scene.height}" ', 'class="timeline-svg" ', 1)
    return f'<figure class="ckg-timeline">{svg}</figure>'


def timeline_page(scene: Scene) -> str:
    """A complete, self-contained HTML page with the timeline."""
    from kg.viz.mapview import asset

    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{escape(scene.title)}</title>
<style>{asset("page.css")}{TIMELINE_CSS}</style></head>
<body><main>{timeline_fragment(scene)}
<p class="muted">Hover over a dot for its events.</p></main></body></html>
"""


TIMELINE_CSS = """
.ckg-timeline{margin:.5em 0 1em;overflow-x:auto}
.ckg-timeline .timeline-svg{display:block;width:100%;min-width:640px;height:auto}
.ckg-timeline .tl-event:hover{stroke:#000;stroke-width:2px}
@media print{.ckg-timeline{overflow:visible}.ckg-timeline .timeline-svg{min-width:0}}
"""


def write_timeline(scene: Scene, path: Path) -> None:
    """Write the timeline as ``.png``, ``.svg`` or ``.html`` (by extension)."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        path.write_text(timeline_page(scene), encoding="utf-8")
    elif suffix in PICTURE_SUFFIXES:
        scene.write(path)
    else:
        raise UsageError(
            f"{path}: unknown timeline format {suffix or '(none)'}; use .png, .svg or .html"
        )
