"""Reading what the store knows into a :class:`~kg.resolve.resolver.Resolver`.

:func:`resolver_from_store` reads the actors and places of a store (types, labels,
coordinates, ``ckg:locatedIn``, GeoNames feature codes, sanctions references);
:func:`ontology_classes` says which ontology classes are actors and which are places, at
which level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kg.resolve.aliases import AliasTable
from kg.resolve.resolver import LEVEL_ORDER, PlaceLevel, Resolver
from kg.terms import ID

_PLACE_LEVELS: dict[str, PlaceLevel] = {
    "Country": "country",
    "AdminRegion": "admin1",
    "Cercle": "admin2",
    "Settlement": "settlement",
    "Town": "settlement",
    "Village": "settlement",
}


def _ontology_classes() -> tuple[dict[str, PlaceLevel], set[str]]:
    """Place classes with their level, and actor classes, from the bundled ontology."""
    from rdflib.namespace import RDFS

    from kg.namespace import ontology_graph
    from kg.terms import CKG_NS

    graph = ontology_graph()

    def subclasses(root: str) -> set[str]:
        from rdflib import URIRef

        found = {root}
        frontier = [URIRef(root)]
        while frontier:
            current = frontier.pop()
            for sub in graph.subjects(RDFS.subClassOf, current):
                if str(sub) not in found and str(sub).startswith(CKG_NS):
                    found.add(str(sub))
                    frontier.append(URIRef(str(sub)))
        return found

    site = subclasses(CKG_NS + "Site")
    places: dict[str, PlaceLevel] = {}
    for iri in subclasses(CKG_NS + "Place"):
        local = iri[len(CKG_NS) :]
        places[iri] = _PLACE_LEVELS.get(local, "site" if iri in site else "other")
    return places, subclasses(CKG_NS + "Actor")


_CLASS_CACHE: tuple[dict[str, PlaceLevel], set[str]] | None = None


def ontology_classes() -> tuple[dict[str, PlaceLevel], set[str]]:
    """Cached :func:`_ontology_classes` (the ontology is parsed once per process)."""
    global _CLASS_CACHE  # a read-only cache of bundled data, not CLI state
    if _CLASS_CACHE is None:
        _CLASS_CACHE = _ontology_classes()
    return _CLASS_CACHE


_LABELS = (
    "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>"
    "|<http://www.w3.org/2004/02/skos/core#altLabel>"
)


def _select(store: object, sparql: str) -> list[tuple[str, ...]]:
    """Rows of a SELECT over the union of the data graphs, as plain strings.

    The resolver reads tens of thousands of labels; on the embedded store it asks
    pyoxigraph directly (the store exposes ``db`` for such readers) instead of building an
    rdflib term per value, which took most of the time. Other stores go through
    :meth:`kg.store.Store.query`.
    """
    db = getattr(store, "db", None)
    if db is not None and hasattr(db, "named_graphs"):
        import pyoxigraph as ox

        from kg.store import default_graphs
        from kg.terms import META_GRAPH

        names = sorted(g.value for g in db.named_graphs() if isinstance(g, ox.NamedNode))
        graphs = [ox.NamedNode(g) for g in default_graphs(names, False) if g != str(META_GRAPH)]
        answer = db.query(sparql, default_graph=graphs)
        width = len(answer.variables)
        return [
            tuple(sol[i].value if sol[i] is not None else "" for i in range(width))
            for sol in answer
        ]
    result = store.query(sparql, include_inferred=False)  # type: ignore[attr-defined]
    return [tuple("" if v is None else str(v) for v in row) for row in result.rows]


def resolver_from_store(
    store: object, aliases: AliasTable | None = None, *, places: bool = True
) -> Resolver:
    """A :class:`Resolver` that knows every actor (and place) in ``store`` (a kg.store.Store).

    Reads types, labels, coordinates, ``ckg:locatedIn`` links, GeoNames feature codes and
    sanctions references with a handful of queries over the union of the data graphs;
    ``places=False`` skips the places for importers that resolve only actors.
    """
    from kg.terms import CKG_NS

    place_classes, actor_classes = ontology_classes()
    resolver = Resolver(aliases)

    def values(classes: Iterable[str]) -> str:
        # Class IRIs come from the bundled ontology, never from user input.
        return " ".join(f"<{c}>" for c in sorted(classes))

    # One pattern per query, joined here: pyoxigraph answers each alone quickly, while
    # joins over a union default graph of many graphs took seconds.
    labels: dict[str, list[str]] = defaultdict(list)
    # Events, passages and claims (millions after big imports) are neither actors nor places.
    skip = " && ".join(
        f'!STRSTARTS(STR(?s), "{ID}{kind}/")' for kind in ("event", "claim", "passage")
    )
    for subject, label in _select(
        store, f"SELECT ?s ?l WHERE {{ ?s {_LABELS} ?l FILTER({skip}) }}"
    ):
        labels[subject].append(label)
    if places:
        levels: dict[str, PlaceLevel] = {}
        for p, c in _select(
            store,
            f"SELECT DISTINCT ?p ?c WHERE {{ VALUES ?c {{ {values(place_classes)} }} ?p a ?c }}",
        ):
            level = place_classes[c]
            old = levels.get(p)
            if old is None or (LEVEL_ORDER[level] < LEVEL_ORDER[old] and level != "other"):
                levels[p] = level
        for p, code in _select(
            store, f"SELECT ?p ?code WHERE {{ ?p <{CKG_NS}featureCode> ?code }}"
        ):
            if code == "A.ADM3" and p in levels:
                levels[p] = "admin3"
        lats = {
            r[0]: r[1] for r in _select(store, f"SELECT ?p ?v WHERE {{ ?p <{CKG_NS}latitude> ?v }}")
        }
        lons = {
            r[0]: r[1]
            for r in _select(store, f"SELECT ?p ?v WHERE {{ ?p <{CKG_NS}longitude> ?v }}")
        }
        parents: dict[str, set[str]] = defaultdict(set)
        for p, q in _select(store, f"SELECT ?p ?q WHERE {{ ?p <{CKG_NS}locatedIn> ?q }}"):
            parents[p].add(q)
        for iri, level in levels.items():
            lat: float | None
            lon: float | None
            try:
                lat, lon = float(lats[iri]), float(lons[iri])
            except (KeyError, ValueError):
                lat = lon = None
            resolver.add_place(
                iri,
                labels.get(iri, []),
                level=level,
                lat=lat,
                lon=lon,
                parents=parents.get(iri, ()),
            )
    actors = {
        a
        for (a,) in _select(
            store, f"SELECT DISTINCT ?a WHERE {{ VALUES ?c {{ {values(actor_classes)} }} ?a a ?c }}"
        )
    }
    actor_names: dict[str, list[str]] = defaultdict(list)
    for a in actors:
        actor_names[a].extend(labels.get(a, []))
    for a, ref in _select(store, f"SELECT ?a ?r WHERE {{ ?a <{CKG_NS}sanctionsReference> ?r }}"):
        actor_names[a].append(ref)
    for iri, names in actor_names.items():
        resolver.add_actor(iri, names)
    return resolver
