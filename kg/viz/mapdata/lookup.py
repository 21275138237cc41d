"""From an answer to a :class:`MapData`: what it names classified, then everything looked up.

A saved question's answer is a table; what can be drawn are the IRIs in it. Each IRI is
classified (an event, a coordinated operation, a claim, a place), then the events' facts
(:mod:`~kg.viz.mapdata.events`), their places (:mod:`~kg.viz.mapdata.places`) and
passages (:mod:`~kg.viz.mapdata.passages`) are fetched with a few queries. With no
answer, the events are every attack in the store.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial

from rdflib.term import URIRef

from kg.errors import QueryError
from kg.namespace import CKG
from kg.store import QueryResult, Store
from kg.viz.colours import ActorColours
from kg.viz.mapdata.events import ATTACK_CLASS, fetch_details, fetch_events
from kg.viz.mapdata.fetcher import PREFIXES, Fetcher
from kg.viz.mapdata.model import MapData, Missing
from kg.viz.mapdata.passages import attach_passages
from kg.viz.mapdata.places import fetch_places

#: Above this many events the default map does not look up every event's passages (an
#: ACLED import has one claim per row: 100k of them); callers fetch the few they show
#: with :func:`~kg.viz.mapdata.passages.fetch_passages`.
PASSAGES_UP_TO = 5000


def collect(
    store: Store,
    result: QueryResult | None = None,
    *,
    title: str | None = None,
    all_events: bool = False,
    include_inferred: bool = True,
) -> MapData:
    """Look up everything drawable in ``result`` (or the default event set when ``None``).

    Events come with place, dates, types, perpetrators, targets, parts and passages;
    places with coordinates (their own, a WKT point, or — for a site such as a military
    post — those of the settlement it is located in). Whatever cannot be placed is listed
    in :attr:`MapData.missing`, never dropped silently.
    """
    f = Fetcher(store, include_inferred=include_inferred)
    data = MapData(title=title or ("All events" if all_events else "All attacks"))
    if all_events or result is not None:
        data.noun = "event"
    scope_iris: list[str] | None
    if result is not None:
        if result.kind != "select":
            raise QueryError(
                "only a SELECT question can be drawn (this one is "
                f"{result.kind.upper()}); write it as SELECT ?event …"
            )
        event_iris, place_iris = _classify(f, result)
        if not event_iris and not place_iris:
            data.notes.append("the answer names no event and no place")
        scope_iris = event_iris
    else:
        event_iris, place_iris, scope_iris = [], [], None

    with _gc_paused():
        place_candidates = fetch_events(f, data, scope_iris, all_events)
        if data.details_skipped:
            data.details_lookup = partial(fetch_details, store, data)
        event_places = {p for ps in place_candidates.values() for p in ps}
        # Places are drawn on their own only when the answer names no event: beside
        # events they are context columns (the town, the region) already on the map.
        data.answer_places = [] if data.events else list(place_iris)
        fetch_places(f, data, sorted(event_places | set(place_iris)), place_candidates)
        if len(data.events) <= PASSAGES_UP_TO:
            attach_passages(f, data)
        else:
            data.passages_skipped = True

    if scope_iris is None and not all_events and include_inferred:
        # The default map holds every attack of the store: its counts are the store's
        # (one grouped query less: 3.5 s at 100k events).
        counts: Counter[str] = Counter()
        for e in data.events.values():
            counts.update({k for k, _ in e.perpetrators if k})
        data.colours = ActorColours.from_counts(dict(counts))
    else:
        data.colours = actor_colours(store)
    needed: set[str] = set()
    for e in data.events.values():
        needed.update(k for k, _ in e.perpetrators)
    f.fetch_labels(needed)
    data.labels = {k: v[1] for k, v in f.labels.items()}
    for e in data.events.values():
        e.perpetrators = sorted(((k, f.label(k)) for k, _ in e.perpetrators), key=lambda t: t[1])
    _list_missing(data)
    return data


def _list_missing(data: MapData) -> None:
    """Name in ``data.missing`` every event and answer place that cannot be drawn."""
    for e in data.events.values():
        if not e.place:
            data.missing.append(Missing(e.iri, e.label, "event has no ckg:place"))
        elif not data.places[e.place].located:
            data.missing.append(
                Missing(
                    e.place, data.places[e.place].label, f"place of {e.label} has no coordinates"
                )
            )
    for p in data.answer_places:
        if not data.places[p].located:
            data.missing.append(Missing(p, data.places[p].label, "place has no coordinates"))
    # One line per place, not one per event at it.
    unique: dict[tuple[str, str], Missing] = {}
    for m in data.missing:
        unique.setdefault((m.iri, m.label), m)
    data.missing = list(unique.values())


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Hundreds of thousands of small rdflib terms trigger repeated full collections that
    # find nothing to free; pausing the collector took a quarter off the 100k look-up.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _classify(f: Fetcher, result: QueryResult) -> tuple[list[str], list[str]]:
    """Split the answer's IRIs into events (operations and claims expanded) and places."""
    iris: list[str] = []
    seen: set[str] = set()
    for row in result.rows:
        for term in row:
            if isinstance(term, URIRef) and str(term) not in seen:
                seen.add(str(term))
                iris.append(str(term))
    if not iris:
        return [], []
    classes = " ".join(URIRef(c).n3() for c in (CKG.Event, CKG.Place))
    q = f"""SELECT DISTINCT ?x ?kind ?y WHERE {{ {{scope}}
      {{ ?x ckg:place ?p . BIND("event" AS ?kind) }}
      UNION {{ ?x ckg:perpetrator ?a . BIND("event" AS ?kind) }}
      UNION {{ ?y ckg:partOf ?x . BIND("operation" AS ?kind) }}
      UNION {{ ?x ckg:about ?y . ?y ckg:place ?p2 . BIND("claim" AS ?kind) }}
      UNION {{ ?x ckg:latitude ?lat . BIND("place" AS ?kind) }}
      UNION {{ ?x geo:hasGeometry ?g . BIND("place" AS ?kind) }}
      UNION {{ VALUES ?top {{ {classes} }} ?x rdf:type ?c . ?c rdfs:subClassOf* ?top .
               BIND(IF(?top = ckg:Place, "place", "event") AS ?kind) }}
      UNION {{ ?e2 ckg:place ?x . BIND("place" AS ?kind) }}
    }}"""
    kinds: dict[str, set[str]] = defaultdict(set)
    expand: dict[str, set[str]] = defaultdict(set)
    for x, kind, y in f.run(q, "x", iris):
        kinds[str(x)].add(str(kind))
        if y is not None:
            expand[str(x)].add(str(y))
    events: list[str] = []
    places: list[str] = []
    for iri in iris:
        k = kinds.get(iri, set())
        if "operation" in k:
            # An operation is drawn as its parts, linked.
            events.extend(sorted(expand[iri]))
            if "event" in k:
                events.append(iri)
        elif "claim" in k:
            events.extend(sorted(expand[iri]))
        elif "event" in k:
            events.append(iri)
        elif "place" in k:
            places.append(iri)
    # An operation in the answer has no place of its own: keep only what has one or is a
    # plain event (so that an undated, unplaced event is reported, not lost).
    return list(dict.fromkeys(events)), list(dict.fromkeys(places))


def attack_counts(store: Store) -> dict[str, int]:
    """Attacks per perpetrator in the whole store (one grouped query)."""
    q = f"""{PREFIXES}SELECT ?a (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  ?c rdfs:subClassOf* {URIRef(ATTACK_CLASS).n3()} . ?e rdf:type ?c . ?e ckg:perpetrator ?a
}} GROUP BY ?a"""
    out: dict[str, int] = {}
    for a, n in store.query(q, include_inferred=True).rows:
        if a is not None and n is not None:
            out[str(a)] = int(str(n))
    return out


def actor_colours(store: Store) -> ActorColours:
    """The store's actor colours: the same for every map and timeline drawn from it."""
    return ActorColours.from_counts(attack_counts(store))


def labels_for(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """The best label of each IRI (skos:prefLabel or rdfs:label, English first)."""
    f = Fetcher(store)
    f.fetch_labels(iris)
    return {k: v[1] for k, v in f.labels.items()}
