"""The events a map draws and their facts: dates, types, perpetrators, targets, parts.

With no answer the events are every attack: an instance of ckg:Attack or of any
subclass, as the flagship question counts. Each fact is fetched by its own one-pattern
query (see :class:`~kg.viz.mapdata.fetcher.Fetcher`); a big default map reads only what
every picture needs and leaves the details of the few events shown to
:meth:`MapData.fill_details`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from rdflib.term import URIRef

from kg.namespace import CKG
from kg.store import Store
from kg.viz.mapdata.fetcher import LABEL_PATTERN, Fetcher
from kg.viz.mapdata.model import Event, MapData, Operation

#: Above this many events the default map reads only what every picture needs (place,
#: dates, type, perpetrator, parts); labels, event-type concepts, targets and fatalities
#: are looked up for the few events whose details are shown (:meth:`MapData.fill_details`).
#: Below it the 5,000 details a briefing shows are a good share of all events, and four
#: scans cost less than looking them up (measured at 10k: 9.3 s against 7.5 s).
DETAILS_UP_TO = 20000

#: The class whose instances (asserted, or through any subclass, or in the inferred graph)
#: are what the default map, the timeline and the briefing count as attacks — the same
#: test the flagship question applies. Never a hand-kept list of its subclasses.
ATTACK_CLASS = CKG.Attack

#: The scans of what only an event's details show (``(pattern, as text)``).
DETAIL_SCANS = [
    (LABEL_PATTERN, False),
    ("?e ckg:fatalities ?v", True),
    ("?e ckg:eventType ?v", False),
    ("?e ckg:target ?v", False),
]

#: Types too general to say what kind of event it was.
_GENERIC = frozenset({str(CKG.Event), str(CKG.ViolentEvent)})


def attack_classes(f: Fetcher) -> set[str]:
    """ckg:Attack and every class the store says is a subclass of it (at any depth)."""
    rows = f.run(
        f"SELECT DISTINCT ?c WHERE {{ ?c rdfs:subClassOf* {URIRef(ATTACK_CLASS).n3()} }}",
        "c",
        None,
    )
    return {str(ATTACK_CLASS)} | {str(r[0]) for r in rows}


def fetch_events(
    f: Fetcher, data: MapData, iris: list[str] | None, all_events: bool
) -> dict[str, set[str]]:
    """Fill ``data.events`` with the core facts of each event; returns each one's places.

    ``iris`` None is the default map: every attack (or, with ``all_events``, every placed
    event). Each fact is fetched by its own one-pattern query: joining a dozen OPTIONALs
    per event was 20× slower on Oxigraph at 100k events.
    """
    if iris is None:
        # The scans are cached and serve again for places and types below.
        f.scan_events = True
        common = [
            ("?e ckg:startDate ?v", True),
            ("?e ckg:endDate ?v", True),
            ("?e ckg:place ?v", False),
            ("?e ckg:perpetrator ?v", False),
            ("?e ckg:partOf ?v", False),
        ]
        if all_events:
            f.prefetch([*common, ("?e rdf:type ?v", False)])
            chosen = {str(e) for e, _ in f.scan("?e ckg:place ?v")}
        else:
            # Every attack, placed or not: one without a place is listed as not drawn.
            # Only the attack classes are read (an ACLED import types as many claims
            # and passages as events).
            attack = attack_classes(f)
            typed = f"?e rdf:type ?v . VALUES ?v {{ {' '.join(URIRef(c).n3() for c in sorted(attack))} }}"
            f.attack_pattern = typed
            f.prefetch([(typed, False), *common])
            chosen = {str(e) for e, t in f.scan(typed) if str(t) in attack}
        iris = sorted(chosen)
    for iri in iris:
        data.events.setdefault(iri, Event(iri=iri, label=""))
    todo = list(data.events)
    # A big default map reads what every picture needs; the details of the few events
    # shown come later (MapData.fill_details): four scans of 100k events fewer.
    details = not (f.scan_events and len(todo) > DETAILS_UP_TO)
    data.details_skipped = not details
    if details and f.scan_events:
        f.prefetch([*DETAIL_SCANS, ("?e rdf:type ?v", False)])

    if details:
        for e, v in f.facts(LABEL_PATTERN, todo):
            f.note_label(e, v)
    for e, v in f.facts("?e ckg:startDate ?v", todo, text=True):
        ev = data.events[str(e)]
        ev.start = min(ev.start, str(v)) if ev.start else str(v)
    for e, v in f.facts("?e ckg:endDate ?v", todo, text=True):
        ev = data.events[str(e)]
        ev.end = max(ev.end, str(v)) if ev.end else str(v)
    if details:
        _fetch_fatalities(f, data, todo)
    places_of: dict[str, set[str]] = defaultdict(set)
    for e, v in f.facts("?e ckg:place ?v", todo):
        places_of[str(e)].add(str(v))
    # Several places (inferred super-places, say): fetch_places keeps the innermost.
    for key, ev in data.events.items():
        cands = places_of.get(key)
        ev.place = min(cands) if cands else None

    types: dict[str, dict[str, None]] = defaultdict(dict)
    # A big default map knows its attacks' attack classes; their other types come
    # with the details of the few it shows.
    type_rows = (
        f.scan(f.attack_pattern)
        if not details and f.attack_pattern
        else f.facts("?e rdf:type ?v", todo)
    )
    for e, v in type_rows:
        if str(v) not in _GENERIC:
            types[str(e)][str(v)] = None
    if details:
        for e, v in f.facts("?e ckg:eventType ?v", todo):
            types[str(e)][str(v)] = None
    perps: dict[str, dict[str, None]] = defaultdict(dict)
    for e, v in f.facts("?e ckg:perpetrator ?v", todo):
        perps[str(e)][str(v)] = None
    targets: dict[str, dict[str, None]] = defaultdict(dict)
    if details:
        for e, v in f.facts("?e ckg:target ?v", todo):
            targets[str(e)][str(v)] = None
    ops: dict[str, dict[str, None]] = defaultdict(dict)
    for e, v in f.facts("?e ckg:partOf ?v", todo):
        ops[str(e)][str(v)] = None
    op_iris = sorted({o for d in ops.values() for o in d})
    coordinated = {
        str(o)
        for o, t in f.facts("?e rdf:type ?v", op_iris, whole=False)
        if str(t) == str(CKG.CoordinatedOperation)
    }
    f.fetch_labels(
        {t for d in types.values() for t in d}
        | {t for d in targets.values() for t in d}
        | set(op_iris)
    )

    for key, ev in data.events.items():
        ev.label = f.label(key) if key in f.labels else ""
        ev.types = list(types.get(key, {}))
        ev.perpetrators = [(a, "") for a in perps.get(key, {})]
        ev.targets = [(t, f.label(t)) for t in targets.get(key, {})]
        ev.operations = list(ops.get(key, {}))
        if not ev.label:
            ev.label = _fallback_label(ev, f)
    # Operations: the coordinated ones, or any whole with at least two drawn parts.
    parts: dict[str, list[str]] = defaultdict(list)
    for key, ev in data.events.items():
        for o in ev.operations:
            parts[o].append(key)
    for o, members in parts.items():
        if o in coordinated or len(members) >= 2:
            members.sort(key=lambda k: data.events[k].start or "")
            data.operations[o] = Operation(o, f.label(o), members)
    data.type_labels = {t: f.label(t) for ts in types.values() for t in ts}
    return places_of


def _fetch_fatalities(f: Fetcher, data: MapData, todo: Sequence[str]) -> None:
    for e, v in f.facts("?e ckg:fatalities ?v", todo, text=True):
        ev = data.events[str(e)]
        try:
            ev.fatalities = int(str(v)) if ev.fatalities is None else ev.fatalities
        except ValueError:
            pass


def fetch_details(store: Store, data: MapData, todo: list[str]) -> None:
    """Labels, event-type concepts, targets and fatalities of the events ``todo``.

    What :meth:`MapData.fill_details` calls for a big default map. Bound by VALUES when
    they are few next to the store's events; else one scan per fact (a bound look-up
    costs about seven times a scanned row: measured at 10k and 100k).
    """
    f = Fetcher(store)
    f.scan_events = whole = len(todo) * 7 > len(data.events)
    if whole:
        f.prefetch(DETAIL_SCANS)
    for e, v in f.facts(LABEL_PATTERN, todo, whole=whole):
        f.note_label(e, v)
    _fetch_fatalities(f, data, todo)
    extra: dict[str, list[str]] = defaultdict(list)
    for e, v in f.facts("?e rdf:type ?v", todo, whole=whole):
        if str(v) not in _GENERIC:
            extra[str(e)].append(str(v))
    for e, v in f.facts("?e ckg:eventType ?v", todo, whole=whole):
        extra[str(e)].append(str(v))
    targets: dict[str, list[str]] = defaultdict(list)
    for e, v in f.facts("?e ckg:target ?v", todo, whole=whole):
        targets[str(e)].append(str(v))
    f.fetch_labels(
        {t for ts in extra.values() for t in ts}
        | {t for ts in targets.values() for t in ts}
        | {t for i in todo for t in data.events[i].types}
    )
    for key in todo:
        ev = data.events[key]
        for t in extra.get(key, ()):
            if t not in ev.types:
                ev.types.append(t)
        for t in ev.types:
            data.type_labels.setdefault(t, f.label(t))
        ev.targets = [(t, f.label(t)) for t in dict.fromkeys(targets.get(key, ()))]
        if key in f.labels:
            ev.label = f.label(key)


def _fallback_label(ev: Event, f: Fetcher) -> str:
    kind = f.label(ev.types[0]) if ev.types else "event"
    return f"{kind} {ev.start or ''}".strip()
