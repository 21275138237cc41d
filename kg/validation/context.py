"""The part of the store a batch touches: what the gate validates the batch with.

A batch is judged **together with** the store's nodes it references (two hops, then
the ``locatedIn`` chain up to the country and the lineage of every group) and the
store's nodes it would break (events dated before a founding date the batch sets, places
it moves into another country, roles outliving a dissolution it sets). Each part comes
from one SPARQL ``CONSTRUCT`` with the nodes bound in ``VALUES``, so the cost grows with
the batch, not with the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from kg.namespace import CKG
from kg.store import Store
from kg.validation.batch import Batch
from kg.validation.lookups import PREFIXES, chunks, construct, values
from kg.validation.names import CKGSH
from kg.validation.shapes import add_country_bounds, ontology_subjects


def neighbourhood(store: Store, batch: Batch) -> tuple[Graph, set[Node]]:
    """The part of the store ``batch`` touches, and the store nodes the batch may break.

    * every batch node's outgoing triples, and those of what they reference (two hops);
    * the ``locatedIn`` chain of every place reached, up to the country, and the lineage
      (predecessors, successors, factions) of every organisation reached;
    * for a military withdrawal, the presences of the withdrawing force;
    * nodes the batch breaks: events of a group dated before the founding date the batch
      gives it, roles in it starting before that date or ending after its dissolution,
      and places inside a place the batch moves, whose coordinates fall outside the
      new country.

    Returns the context graph and the set of impacted store nodes.
    """
    union = batch.union()
    skip = ontology_subjects()
    context = Graph()
    described: set[Node] = set()
    impacted: set[Node] = set()

    seeds: set[Node] = {n for n in batch.nodes() if isinstance(n, URIRef) and n not in skip}
    seeds |= _presences_for_withdrawals(store, union, context)
    impacted |= _broken_by_dates(store, union, context)
    impacted |= _broken_by_moves(store, union, context)
    seeds |= impacted

    # A breadth-first walk, one query per step for the whole frontier: two hops along
    # every link, then only upwards along locatedIn and both ways along the lineage.
    # (Plain lookups: a property path such as locatedIn+ from a VALUES block was 2-3x
    # slower on Oxigraph at a million events.)
    asked_lineage: set[Node] = set()
    frontier = seeds
    for hop in range(_MAX_HOPS):
        todo = _ordered(n for n in frontier if n not in described)
        described.update(todo)
        new = _describe(store, todo)
        context += new
        both = Graph()
        both += context
        both += union
        groups = _nodes_of(both, _GROUP_OBJECTS, _GROUP_SUBJECTS) - skip - asked_lineage
        asked_lineage |= groups
        incoming = _lineage_into(store, _ordered(groups))
        context += incoming
        links = Graph()
        links += new
        links += incoming
        if hop == 0:
            links += union
        frontier = set(incoming.subjects())
        if hop < 1:
            frontier |= {o for o in new.objects() if isinstance(o, URIRef)}
        for p in (CKG.locatedIn, CKG.predecessorOf, CKG.successorOf, CKG.factionOf):
            frontier |= {o for o in links.objects(None, p) if isinstance(o, URIRef)}
        frontier = {n for n in frontier if n not in described and n not in skip}
        if not frontier:
            break
    return context, impacted


#: How far the walk goes at most (a locatedIn chain or a lineage longer than this is cut).
_MAX_HOPS = 12


def _lineage_into(store: Store, groups: Sequence[Node]) -> Graph:
    """The ``predecessorOf``/``successorOf`` triples pointing at ``groups``."""
    out = Graph()
    for chunk in chunks(groups):
        out += construct(
            store,
            PREFIXES
            + "CONSTRUCT { ?a ckg:predecessorOf ?n . ?b ckg:successorOf ?n } WHERE { "
            + values("n", chunk)
            + " { ?a ckg:predecessorOf ?n } UNION { ?b ckg:successorOf ?n } }",
        )
    return out


#: Predicates whose objects (or subjects) are organisations: where the lineage starts.
_GROUP_OBJECTS = (
    CKG.perpetrator,
    CKG.actor,
    CKG.targetActor,
    CKG.associatedActor,
    CKG.organization,
    CKG.changeInput,
    CKG.changeOutput,
    CKG.predecessorOf,
    CKG.successorOf,
    CKG.factionOf,
    CKG.claimant,
)
_GROUP_SUBJECTS = (
    CKG.predecessorOf,
    CKG.successorOf,
    CKG.factionOf,
    CKG.foundingDate,
    CKG.dissolutionDate,
)


def _ordered(nodes: Iterable[Node]) -> list[Identifier]:
    """``nodes`` in rdflib's order (SPARQL's ORDER BY), which only its Identifiers have."""
    return sorted(n for n in nodes if isinstance(n, Identifier))


def _nodes_of(graph: Graph, objects_of: Sequence[Node], subjects_of: Sequence[Node]) -> set[Node]:
    found: set[Node] = set()
    for p in objects_of:
        found |= {o for o in graph.objects(None, p) if isinstance(o, URIRef)}
    for p in subjects_of:
        found |= {s for s in graph.subjects(p, None) if isinstance(s, URIRef)}
    return found


def _describe(store: Store, nodes: Sequence[Node]) -> Graph:
    out = Graph()
    for chunk in chunks(nodes):
        out += construct(
            store, PREFIXES + f"CONSTRUCT {{ ?n ?p ?o }} WHERE {{ {values('n', chunk)} ?n ?p ?o }}"
        )
    return out


def _closure(store: Store, places: Sequence[Node], groups: Sequence[Node] = ()) -> Graph:
    """Every triple of the places above ``places`` and of the lineage of ``groups``."""
    out = Graph()
    lineage = (
        "(ckg:predecessorOf|^ckg:predecessorOf|ckg:successorOf|^ckg:successorOf|ckg:factionOf)+"
    )
    for nodes, path in ((places, "ckg:locatedIn+"), (groups, lineage)):
        for chunk in chunks(nodes):
            out += construct(
                store,
                PREFIXES
                + f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ {values('n', chunk)} ?n {path} ?x . ?x ?p ?o }}",
            )
    return out


def _presences_for_withdrawals(store: Store, union: Graph, context: Graph) -> set[Node]:
    actors = set()
    for w in union.subjects(RDF.type, CKG.MilitaryWithdrawal):
        actors |= set(union.objects(w, CKG.actor)) | set(union.objects(w, CKG.perpetrator))
    found: set[Node] = set()
    for actor in sorted(a for a in actors if isinstance(a, URIRef)):
        g = construct(
            store,
            PREFIXES
            + "CONSTRUCT { ?pr ?p ?o } WHERE { ?pr ckg:actor|ckg:perpetrator ?actor ; a ?t . "
            + "FILTER (?t IN (ckg:MilitaryPresence, ckg:TerritorialControl)) ?pr ?p ?o }",
            {"actor": actor},
        )
        context += g
        found |= set(g.subjects())
    return found


def _broken_by_dates(store: Store, union: Graph, context: Graph) -> set[Node]:
    """Store events and roles a founding or dissolution date in the batch would break."""
    found: set[Node] = set()
    for group, founded in union.subject_objects(CKG.foundingDate):
        if not isinstance(group, URIRef) or not _is_date(founded):
            continue
        for query in (
            (
                "CONSTRUCT { ?e ?p ?o } WHERE { ?e ckg:perpetrator ?x ; ckg:startDate ?s . "
                "?x ckg:factionOf? ?group . FILTER (?s < ?founded) ?e ?p ?o }"
            ),
            (
                "CONSTRUCT { ?e ?p ?o } WHERE { ?e ckg:organization ?group ; ckg:startDate ?s . "
                "FILTER (?s < ?founded) ?e ?p ?o }"
            ),
        ):
            g = construct(store, PREFIXES + query, {"group": group, "founded": founded})
            context += g
            found |= set(g.subjects())
    for group, dissolved in union.subject_objects(CKG.dissolutionDate):
        if not isinstance(group, URIRef) or not _is_date(dissolved):
            continue
        g = construct(
            store,
            PREFIXES
            + "CONSTRUCT { ?e ?p ?o } WHERE { ?e ckg:organization ?group ; ckg:endDate ?end . "
            "FILTER (?end > ?dissolved) ?e ?p ?o }",
            {"group": group, "dissolved": dissolved},
        )
        context += g
        found |= set(g.subjects())
    return found


def _is_date(value: Node) -> bool:
    return isinstance(value, Literal) and value.datatype == XSD.date and value.value is not None


def _broken_by_moves(store: Store, union: Graph, context: Graph) -> set[Node]:
    """Store places inside a place the batch relocates, left outside their new country."""
    found: set[Node] = set()
    moved = {s for s in union.subjects(CKG.locatedIn) if isinstance(s, URIRef)}
    if not moved:
        return found
    # The new ancestors of each moved place: the batch's links, then the store's chain.
    links = Graph()
    links += union
    links += _closure(
        store, sorted({o for o in union.objects(None, CKG.locatedIn) if isinstance(o, URIRef)})
    )
    add_country_bounds(links)
    for place in sorted(moved):
        boxes = set()
        for ancestor in links.transitive_objects(place, CKG.locatedIn):
            box = None if ancestor is None else _box(links, ancestor)
            if box is not None:
                boxes.add(box)
        for min_lat, max_lat, min_lon, max_lon in boxes:
            g = construct(
                store,
                PREFIXES
                + "CONSTRUCT { ?x ?p ?o } WHERE { ?x ckg:locatedIn+ ?place ; ckg:latitude ?lat ; "
                "ckg:longitude ?lon . FILTER (?lat < ?minLat || ?lat > ?maxLat || ?lon < ?minLon "
                "|| ?lon > ?maxLon) ?x ?p ?o }",
                {
                    "place": place,
                    "minLat": min_lat,
                    "maxLat": max_lat,
                    "minLon": min_lon,
                    "maxLon": max_lon,
                },
            )
            context += g
            found |= set(g.subjects())
    return found


def _box(graph: Graph, country: Node) -> tuple[Node, Node, Node, Node] | None:
    """A country's bounding box as :func:`add_country_bounds` wrote it, if it has one."""
    min_lat, max_lat, min_lon, max_lon = (
        graph.value(country, p)
        for p in (CKGSH.minLatitude, CKGSH.maxLatitude, CKGSH.minLongitude, CKGSH.maxLongitude)
    )
    if min_lat is None or max_lat is None or min_lon is None or max_lon is None:
        return None
    return min_lat, max_lat, min_lon, max_lon
