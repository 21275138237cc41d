"""Reading the rules' facts from a pyoxigraph store, and the derived graph's changes.

:mod:`kg.embedded` calls these after each write; they never write themselves. A full
rebuild reads every fact the rules need from every graph but the meta and derived
graphs; after an additive batch (``ckg add``) only the towns the batch touches are
recomputed, when the batch changes nothing the whole graph depends on (class tree, place
tree, factions, which places are towns or regions).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

import pyoxigraph as ox

from kg.derive import rules
from kg.derive.rules import Facts

_TYPE = ox.NamedNode(rules.RDF_TYPE)
_EVENT_PREDICATES = (rules.RDF_TYPE, rules.START, rules.END, rules.PLACE, rules.PERPETRATOR)
_ACTOR_PREDICATES = frozenset({rules.PERPETRATOR, rules.ACTOR_OF_EVENT, rules.ORGANIZATION})
_TREE_PREDICATES = frozenset({rules.LOCATED_IN, rules.FACTION_OF, rules.SUBCLASS, rules.PART_OF})
_PLACE_CLASSES = frozenset(rules.TOWN_CLASSES | {rules.REGION_CLASS})
#: Claims and passages may be blank nodes: these predicates keep them.
_CLAIM_PREDICATES = frozenset({rules.ABOUT, rules.PASSAGE, rules.IN_DOCUMENT})


def _text(term: object) -> str | None:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return None


def _add(facts: Facts, q: ox.Quad | ox.Triple) -> None:
    s = _text(q.subject)
    if s is None:
        return
    o = q.object
    if isinstance(o, ox.Literal):
        facts.add(s, q.predicate.value, o.value, o.datatype.value)
    elif isinstance(o, ox.NamedNode):
        facts.add(s, q.predicate.value, o.value)
    elif isinstance(o, ox.BlankNode) and q.predicate.value in _CLAIM_PREDICATES:
        facts.add(s, q.predicate.value, "_:" + o.value)


def read_all(db: ox.Store, skip: Collection[str]) -> Facts:
    """Every fact the rules read, from every named graph not in ``skip``.

    One SPARQL query per predicate over the union of those graphs: its solutions carry
    only subject and object, where ``quads_for_pattern`` decodes the predicate and graph of
    every quad too (half the time at 10k events, the read being most of a rebuild).
    """
    facts = Facts()
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
        g for g in db.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in skip
    ]
    if not graphs:
        return facts
    date_types = {rules.XSD + "date", rules.XSD + "dateTime"}
    for predicate in rules.READ:
        # The predicate is one of the rules' own constants, never user text.
        found = db.query(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}", default_graph=graphs)
        assert isinstance(found, ox.QuerySolutions)  # a SELECT's answer
        if predicate in (rules.START, rules.END):
            days = facts.starts if predicate == rules.START else facts.ends
            for subject, value in found:
                s = _text(subject)
                if (
                    s is not None
                    and isinstance(value, ox.Literal)
                    and value.datatype.value in date_types
                ):
                    day = rules.parse_day(value.value, value.datatype.value)
                    if day is not None:
                        days[s].append(day)
            continue
        keep_blank = predicate in _CLAIM_PREDICATES
        for subject, value in found:
            s = _text(subject)
            o = _text(value) if keep_blank or isinstance(value, ox.NamedNode) else None
            if s is not None and o is not None:
                facts.add(s, predicate, o)
    return facts


def full_lines(db: ox.Store, skip: Collection[str]) -> list[str]:
    """The whole derived graph of the store, as N-Triples lines."""
    return list(rules.derived_lines(read_all(db, skip)))


def touches(triples: Iterable[ox.Triple]) -> bool:
    """Whether triples with these predicates can change the derived graph."""
    read = set(rules.READ)
    return any(t.predicate.value in read for t in triples)


def graph_touches(db: ox.Store, graph: str) -> bool:
    """Whether the graph holds a triple the rules read (before it is dropped)."""
    node = ox.NamedNode(graph)
    return any(
        True for p in rules.READ for _ in db.quads_for_pattern(None, ox.NamedNode(p), None, node)
    )


class _Reader:
    """Looks facts up subject by subject, in the graphs that are data."""

    def __init__(self, db: ox.Store, skip: Collection[str]):
        self.db = db
        self.skip = skip
        self.facts = Facts()
        self.read_events: set[str] = set()
        self.read_places: set[str] = set()
        self.read_actors: set[str] = set()

    def _quads(self, s: object, p: str | None, o: object) -> Iterator[ox.Quad]:
        pred = ox.NamedNode(p) if p is not None else None
        for q in self.db.quads_for_pattern(s, pred, o, None):  # type: ignore[arg-type]
            g = q.graph_name
            if isinstance(g, ox.NamedNode) and g.value not in self.skip:
                yield q

    def event(self, node: ox.NamedNode) -> None:
        if node.value in self.read_events:
            return
        self.read_events.add(node.value)
        for p in _EVENT_PREDICATES:
            for q in self._quads(node, p, None):
                _add(self.facts, q)
        for place in self.facts.places.get(node.value, ()):
            self.place(place)
        for actor in self.facts.perpetrators.get(node.value, ()):
            self.actor(actor)
        self.wholes(node.value)

    def wholes(self, event: str) -> None:
        """The events ``event`` is part of, however deep (for ckg:withinEvent)."""
        todo, seen = [event], set()
        while todo:
            value = todo.pop()
            if value in seen or value.startswith("_:"):
                continue
            seen.add(value)
            for q in self._quads(ox.NamedNode(value), rules.PART_OF, None):
                _add(self.facts, q)
                if isinstance(q.object, ox.NamedNode):
                    todo.append(q.object.value)

    def place(self, place: str) -> None:
        todo = [place]
        while todo:
            value = todo.pop()
            if value in self.read_places or value.startswith("_:"):
                continue
            self.read_places.add(value)
            node = ox.NamedNode(value)
            for q in self._quads(node, rules.RDF_TYPE, None):
                _add(self.facts, q)
            for q in self._quads(node, rules.LOCATED_IN, None):
                _add(self.facts, q)
                if isinstance(q.object, ox.NamedNode):
                    todo.append(q.object.value)

    def actor(self, actor: str) -> None:
        todo = [actor]
        while todo:
            value = todo.pop()
            if value in self.read_actors or value.startswith("_:"):
                continue
            self.read_actors.add(value)
            for q in self._quads(ox.NamedNode(value), rules.FACTION_OF, None):
                _add(self.facts, q)
                if isinstance(q.object, ox.NamedNode):
                    todo.append(q.object.value)

    def documents(self, resource: str) -> None:
        """The claims about ``resource``, their passages and the passages' documents."""
        for q in self._quads(None, rules.ABOUT, ox.NamedNode(resource)):
            _add(self.facts, q)
            for p in self._quads(q.subject, rules.PASSAGE, None):
                _add(self.facts, p)
                for d in self._quads(p.object, rules.IN_DOCUMENT, None):
                    _add(self.facts, d)

    def claims_of_passage(self, passage: ox.NamedNode | ox.BlankNode) -> Iterator[ox.Quad]:
        """The ckg:passage triples that name ``passage``."""
        yield from self._quads(None, rules.PASSAGE, passage)

    def class_tree(self) -> None:
        for q in self._quads(None, rules.SUBCLASS, None):
            _add(self.facts, q)


def incremental(
    db: ox.Store, added: Iterable[ox.Triple], skip: Collection[str], derived: str
) -> tuple[list[ox.Triple], list[ox.Triple]] | None:
    """(removed, added) triples of the derived graph after ``added`` joined the data.

    Only the towns the new triples' events are in are recomputed. None when the batch
    changes what every answer depends on; then the caller rebuilds the whole graph.
    """
    events: set[str] = set()
    actors: set[str] = set()  # known to be actors by a triple of the batch
    typed: list[tuple[str, str]] = []
    reader = _Reader(db, skip)
    described = _described(reader, added)
    for t in added:
        p = t.predicate.value
        if p in _TREE_PREDICATES:
            return None
        if (
            p == rules.RDF_TYPE
            and isinstance(t.object, ox.NamedNode)
            and t.object.value in _PLACE_CLASSES
        ):
            return None
        if p in _EVENT_PREDICATES:
            if not isinstance(t.subject, ox.NamedNode):
                return None
            events.add(t.subject.value)
        if p in _ACTOR_PREDICATES and isinstance(t.object, ox.NamedNode):
            actors.add(t.object.value)
        elif (
            p == rules.RDF_TYPE
            and isinstance(t.subject, ox.NamedNode)
            and isinstance(t.object, ox.NamedNode)
        ):
            typed.append((t.subject.value, t.object.value))
    if not events and not actors and not described:
        return [], []
    graph = ox.NamedNode(derived)
    reader.class_tree()
    actor_classes = rules.classes_under(rules.ACTOR_CLASS, reader.facts.subclass_of)
    actors |= {s for s, cls in typed if cls in actor_classes}
    for actor in sorted(actors):
        reader.actor(actor)
    for event in sorted(events):
        reader.event(ox.NamedNode(event))
    for resource in sorted(described):
        reader.documents(resource)
    # The towns the touched events are in, now (a batch only adds, so this covers before).
    places = {p for e in events for p in reader.facts.places.get(e, ())}
    containers = rules.place_containers(reader.facts, places)
    towns = {t for p in places for t in containers[p][0]}
    # Every attack in those towns: the events at every place the derived graph puts there.
    for town in sorted(towns):
        inside = {
            q.subject.value
            for q in db.quads_for_pattern(
                None, ox.NamedNode(rules.IN_TOWN), ox.NamedNode(town), graph
            )
            if isinstance(q.subject, ox.NamedNode)
        } | {town}
        for place in sorted(inside | {p for p in places if town in containers[p][0]}):
            for q in reader._quads(None, rules.PLACE, ox.NamedNode(place)):
                if isinstance(q.subject, ox.NamedNode):
                    reader.event(q.subject)
    facts = reader.facts
    found = rules.sequences(facts, towns)
    new_lines = [
        *rules.event_lines(facts, sorted(events)),
        *rules.place_lines(facts, sorted(places)),
        *rules.actor_lines(facts, sorted(actors)),
        *rules.document_lines(facts, sorted(described)),
        *rules.scope_lines(scope for seq in found for scope in seq.scopes),
        *rules.sequence_lines(found),
    ]
    new = {
        ox.Triple(q.subject, q.predicate, q.object)  # parse gives quads in the default graph
        for q in ox.parse("".join(new_lines).encode("utf-8"), ox.RdfFormat.N_TRIPLES)
    }
    old: set[ox.Triple] = set()
    day_predicates = {
        rules.START_DAY,
        rules.END_DAY,
        rules.INTERVAL_START,
        rules.INTERVAL_END,
        rules.ATTACK_KIND,
        rules.WITHIN_EVENT,
    }
    for event in events:
        for q in db.quads_for_pattern(ox.NamedNode(event), None, None, graph):
            if q.predicate.value in day_predicates:
                old.add(ox.Triple(q.subject, q.predicate, q.object))
    described_in = ox.NamedNode(rules.DESCRIBED_IN)
    for resource in described:
        for q in db.quads_for_pattern(ox.NamedNode(resource), described_in, None, graph):
            old.add(ox.Triple(q.subject, q.predicate, q.object))
    in_group = ox.NamedNode(rules.IN_GROUP)
    for actor in actors:
        for q in db.quads_for_pattern(ox.NamedNode(actor), in_group, None, graph):
            old.add(ox.Triple(q.subject, q.predicate, q.object))
    for place in places:
        for p in (rules.IN_TOWN, rules.IN_REGION):
            for q in db.quads_for_pattern(ox.NamedNode(place), ox.NamedNode(p), None, graph):
                old.add(ox.Triple(q.subject, q.predicate, q.object))
    for town in towns:
        for seq in db.quads_for_pattern(
            None, ox.NamedNode(rules.SEQUENCE_TOWN), ox.NamedNode(town), graph
        ):
            for q in db.quads_for_pattern(seq.subject, None, None, graph):
                old.add(ox.Triple(q.subject, q.predicate, q.object))
            for step in db.quads_for_pattern(
                None, ox.NamedNode(rules.IN_SEQUENCE), seq.subject, graph
            ):
                for q in db.quads_for_pattern(step.subject, None, None, graph):
                    old.add(ox.Triple(q.subject, q.predicate, q.object))
    # Scope nodes are shared by every town: never removed here (a rebuild tidies them).
    return sorted(old - new, key=str), sorted(new - old, key=str)


def _described(reader: _Reader, added: Iterable[ox.Triple]) -> set[str]:
    """The resources whose documents (``ckg:describedIn``) a batch of claims may change.

    Read after the batch joined the data: a claim's ``ckg:about``, a claim's passage, or a
    passage's document each lead to the resources of the claims concerned.
    """
    found: set[str] = set()
    claims: list[ox.NamedNode | ox.BlankNode] = []
    for t in added:
        p, s = t.predicate.value, t.subject
        if p == rules.ABOUT and isinstance(t.object, ox.NamedNode):
            found.add(t.object.value)
        elif p == rules.PASSAGE and isinstance(s, (ox.NamedNode, ox.BlankNode)):
            claims.append(s)
        elif p == rules.IN_DOCUMENT and isinstance(s, (ox.NamedNode, ox.BlankNode)):
            claims += [
                q.subject
                for q in reader.claims_of_passage(s)
                if isinstance(q.subject, (ox.NamedNode, ox.BlankNode))
            ]
    for claim in claims:
        for q in reader._quads(claim, rules.ABOUT, None):
            if isinstance(q.object, ox.NamedNode):
                found.add(q.object.value)
    return found
