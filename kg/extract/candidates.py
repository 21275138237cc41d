"""Candidates as triples in the ontology's own terms, built as pyoxigraph terms.

:func:`candidate_graph` writes an :class:`~kg.extract.extractor.Extraction` in the seed
graph's terms: a ``ckg:Document``, a ``ckg:Passage`` per sentence (text, paragraph), the
events (``ckg:startDate``/``ckg:endDate``/``ckg:datePrecision``, ``ckg:place``,
``ckg:perpetrator``, ``ckg:target``, ``ckg:partOf``, ``ckg:hostageCount``), memberships,
unit commands, distances, and one ``ckg:Claim`` per candidate with its ``ckg:modality``,
plus the review vocabulary: ``ckg:candidateStatus``, ``ckg:confidence``,
``ckg:extractionRule``. A name the store did not know becomes a new node carrying
``ckg:unresolvedName`` and ``ckg:resolutionCandidate`` links to the closest known nodes.

The triples are pyoxigraph terms from the start: batch mode writes about 28 a note, and
building them as rdflib terms and converting them cost more than extracting the notes.
:meth:`Triples.to_rdflib` gives an rdflib graph where one is needed (``-o FILE.trig``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import UsageError
from kg.extract.extractor import Extraction
from kg.extract.names import Mention, NameFinder
from kg.extract.patterns import Found
from kg.namespace import CKG
from kg.resolve import slug
from kg.terms import ID

_XSD = "http://www.w3.org/2001/XMLSchema#"
_DATE = ox.NamedNode(_XSD + "date")
_DECIMAL = ox.NamedNode(_XSD + "decimal")
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
_DCT = "http://purl.org/dc/terms/"
_TITLE, _SOURCE, _ISSUED = (ox.NamedNode(_DCT + n) for n in ("title", "source", "issued"))


class _Terms:
    """``C.place`` is the pyoxigraph node of ``ckg:place``; a name the ontology lacks raises."""

    def __init__(self) -> None:
        self._cache: dict[str, ox.NamedNode] = {}

    def __getattr__(self, name: str) -> ox.NamedNode:
        node = self._cache.get(name)
        if node is None:
            node = self._cache[name] = ox.NamedNode(str(getattr(CKG, name)))
        return node

    __getitem__ = __getattr__


C = _Terms()
_PRECISION = {"day": "DayPrecision", "month": "MonthPrecision", "year": "YearPrecision"}


def _id(local: str) -> ox.NamedNode:
    return ox.NamedNode(str(ID) + local)


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _day(value: object) -> ox.Literal:
    return ox.Literal(str(value), datatype=_DATE)


class Triples:
    """Triples in insertion order (duplicates kept once), with the two look-ups the writer needs."""

    def __init__(self) -> None:
        self.triples: dict[ox.Triple, None] = {}
        self.labels: dict[ox.NamedNode, str] = {}
        self.typed: set[ox.NamedNode] = set()

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        """Add one triple (a label and a type are also remembered for :meth:`label`)."""
        self.triples[ox.Triple(s, p, o)] = None
        if p == _LABEL:
            self.labels.setdefault(s, cast(ox.Literal, o).value)
        elif p == _TYPE:
            self.typed.add(s)

    def __len__(self) -> int:
        return len(self.triples)

    def __iter__(self):
        return iter(self.triples)

    def to_rdflib(self) -> Graph:
        """The triples as an rdflib graph."""
        from kg.embedded import to_rdflib

        g = Graph()
        for t in self.triples:
            g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))  # type: ignore[arg-type]
        return g


class _Minter:
    """Mints readable IRIs under ``…/id/<kind>/extract/<doc>/`` and writes the new nodes."""

    def __init__(
        self,
        g: Triples,
        doc: str,
        finder: NameFinder | None,
        country: str | None,
        scope: str | None = None,
    ):
        self.g, self.doc, self.finder, self.country = g, doc, finder, country
        #: Where nodes for unresolved names are minted: the document, or a whole CSV file.
        self.scope = scope or doc
        self.used: set[str] = set()

    def iri(self, kind: str, key: str) -> ox.NamedNode:
        base = f"{kind}/extract/{self.doc}/{slug(key, max_length=60)}"
        name, n = base, 2
        while name in self.used:
            name, n = f"{base}-{n}", n + 1
        self.used.add(name)
        return _id(name)

    def node(self, m: Mention, kind: str) -> ox.NamedNode:
        """The known node a mention resolved to, or a new node marked unresolved."""
        if m.iri:
            return ox.NamedNode(m.iri)
        iri = _id(f"{kind}/extract/{self.scope}/{slug(m.name or m.text, max_length=60)}")
        if iri not in self.g.typed:
            g = self.g
            g.add(iri, _TYPE, {"place": C.Place, "person": C.Person}.get(kind, C.Actor))
            g.add(iri, _LABEL, _en(m.name or m.text))
            g.add(iri, C.unresolvedName, ox.Literal(m.text))
            if kind == "place" and self.country:
                g.add(iri, C.locatedIn, ox.NamedNode(self.country))
            candidates = m.candidates
            if not candidates and self.finder is not None:
                candidates = self.finder.candidates_for(
                    m.name or m.text, "actor" if kind != "place" else "place"
                )
            for c in candidates[:3]:
                g.add(iri, C.resolutionCandidate, ox.NamedNode(c.iri))
        return iri


def candidate_graph(
    ex: Extraction,
    doc_slug: str,
    *,
    finder: NameFinder | None = None,
    with_status: bool = True,
    into: Triples | None = None,
    scope: str | None = None,
) -> Triples:
    """The extraction as triples in the ontology's terms (see the module docstring).

    ``into`` collects several documents in one graph (batch mode), and ``scope`` mints the
    nodes of unresolved names once for all of them (one "Protesters (Niger)", not one per row).
    """
    g = into if into is not None else Triples()
    doc = _id("doc/" + doc_slug)
    g.add(doc, _TYPE, C.Document)
    g.add(doc, _TITLE, _en(ex.document.title))
    g.add(doc, _SOURCE, ox.Literal(ex.document.path))
    g.add(doc, _LABEL, _en(f"{ex.document.title} (report)"))
    if ex.reference is not None and ex.reference_source == "given" and ex.reference.day:
        g.add(doc, _ISSUED, _day(ex.reference))
    country = finder.countries[0] if finder and finder.countries else None
    mint = _Minter(g, doc_slug, finder, country, scope)
    passages: dict[int, ox.NamedNode] = {}
    nodes = [_found_node(g, mint, f) for f in ex.found]
    for i, f in enumerate(ex.found):
        if f.part_of is not None:
            g.add(nodes[i], C.partOf, nodes[f.part_of])
        for cause in f.caused_by:
            g.add(nodes[i], C.causedBy, nodes[cause])
    for c in ex.candidates:
        p = c.passage
        if p.number not in passages:
            piri = passages[p.number] = _id(f"passage/extract/{doc_slug}/{p.number}")
            g.add(piri, _TYPE, C.Passage)
            g.add(piri, C.text, ox.Literal(p.text))
            g.add(piri, C.inDocument, doc)
            g.add(piri, C.paragraph, ox.Literal(p.paragraph))
        claim = _id(f"claim/extract/{doc_slug}/{c.number}")
        g.add(claim, _TYPE, C.Claim)
        g.add(claim, C.passage, passages[p.number])
        g.add(claim, C.modality, C[c.modality])
        if c.claimant:
            g.add(claim, C.claimant, ox.NamedNode(c.claimant))
        g.add(claim, C.confidence, ox.Literal(str(Decimal(str(c.confidence))), datatype=_DECIMAL))
        g.add(claim, C.extractionRule, ox.Literal(c.rule))
        about: list[ox.NamedNode] = []
        if c.found is not None:
            node = nodes[c.found]
            about.append(node)
            f = ex.found[c.found]
            about.extend(mint.node(m, "place") for m in f.places)
            about.extend(ox.NamedNode(a.iri) for a in f.actors if a and a.iri)
            label = g.labels.get(node)
            if f.cls == "Place":
                bound = "at least " if f.values.get("at_least") else ""
                label = f"{f.places[0].text} has a population of {bound}{f.values['population']}"
            g.add(claim, C.statement, ox.Literal(label or p.text))
            if f.cls == "Place":
                prop = C.populationAtLeast if f.values.get("at_least") else C.population
                g.add(claim, C.assertedProperty, prop)
            elif f.cls in ("Predecessor", "Merger", "Allegiance", "Faction"):
                # The relation sits on a known group: the claim names the property it asserts.
                prop = {"Allegiance": C.allegianceTo, "Faction": C.factionOf}.get(
                    f.cls, C.predecessorOf
                )
                g.add(claim, C.assertedProperty, prop)
                about.extend(mint.node(a, "group") for a in f.actors)
        else:
            about.extend(ox.NamedNode(a) for a in c.about)
            g.add(claim, C.statement, ox.Literal(c.statement or p.text))
        for a in dict.fromkeys(about):
            g.add(claim, C.about, a)
        if with_status:
            g.add(claim, C.candidateStatus, C.Pending)
    return g


def _label(m: Mention | None) -> str:
    # A known node is labelled as the text names it; a new one by its ACLED-style name.
    if m is None:
        return "unknown actor"
    return m.text if m.iri else (m.name or m.text)


def _dates(g: Triples, node: ox.NamedNode, f: Found) -> None:
    if f.start is not None and f.end is not None:
        g.add(node, C.startDate, _day(f.start.isoformat()))
        g.add(node, C.endDate, _day(f.end.isoformat()))
        g.add(node, C.datePrecision, C[_PRECISION[f.precision]])


def _membership(g: Triples, node: ox.NamedNode, person: ox.NamedNode, org: ox.NamedNode) -> None:
    g.add(node, _TYPE, C.Membership)
    g.add(node, C.member, person)
    g.add(node, C.organization, org)
    g.add(node, C.role, C.Leader)


def _found_node(g: Triples, mint: _Minter, f: Found) -> ox.NamedNode:
    if f.kind == "event":
        return _event(g, mint, f)
    if f.cls == "Membership":
        person, group = f.actors
        p = mint.node(person, "person")
        org = mint.node(group, "group")
        node = mint.iri("membership", f"{person.text}-{group.text}-leader")
        _membership(g, node, p, org)
        g.add(node, _LABEL, _en(f"{_label(person)}, leader of {_label(group)}"))
        if f.values.get("central"):
            lead = mint.iri("group", f"{group.text}-central-leadership")
            g.add(lead, _TYPE, C.CentralLeadership)
            g.add(lead, C.factionOf, org)
            g.add(lead, _LABEL, _en(f"{_label(group)} central leadership"))
            m2 = mint.iri("membership", f"{person.text}-{group.text}-leadership")
            _membership(g, m2, p, lead)
            g.add(
                m2, _LABEL, _en(f"{_label(person)}, head of {_label(group)}'s central leadership")
            )
            g.add(node, _SEE_ALSO, m2)
        return node
    if f.cls == "UnitCommand":
        group, area = f.actors[0], f.places[0]
        node = mint.iri("group", f"{group.text}-unit-{area.text}")
        g.add(node, _TYPE, C.UnitCommand)
        g.add(node, C.factionOf, mint.node(group, "group"))
        g.add(node, C.areaOfOperation, mint.node(area, "place"))
        g.add(node, _LABEL, _en(f"{_label(group)} unit command in {area.text}"))
        return node
    if f.cls == "Predecessor":
        a, b = (mint.node(x, "group") for x in f.actors)
        g.add(a, C.predecessorOf, b)
        return a
    if f.cls == "Merger":
        output, *inputs = (mint.node(x, "group") for x in f.actors)
        node = mint.iri("event", f.key)
        g.add(node, _TYPE, C.Merger)
        g.add(node, C.eventType, _id("event-type/merger"))
        _dates(g, node, f)
        places = [mint.node(p, "place") for p in f.places] or (
            [ox.NamedNode(mint.country)] if mint.country else []
        )
        for place in places:
            g.add(node, C.place, place)
        g.add(node, C.changeOutput, output)
        for source in inputs:
            g.add(node, C.changeInput, source)
            g.add(source, C.predecessorOf, output)
        names = ", ".join(_label(x) for x in f.actors[1:])
        g.add(node, _LABEL, _en(f"Merger of {names} into {_label(f.actors[0])}"))
        return node
    if f.cls in ("Allegiance", "Faction"):
        a, b = (mint.node(x, "group") for x in f.actors)
        g.add(a, C.allegianceTo if f.cls == "Allegiance" else C.factionOf, b)
        return a
    if f.cls == "Distance":
        a, b = (mint.node(x, "place") for x in f.places)
        node = mint.iri("distance", f.key)
        km = cast(float, f.values["km"])
        g.add(node, _TYPE, C.Distance)
        g.add(node, C.distanceFrom, a)
        g.add(node, C.distanceTo, b)
        g.add(node, C.kilometres, ox.Literal(str(Decimal(str(km))), datatype=_DECIMAL))
        g.add(node, C.distanceBound, C[str(f.values["bound"])])
        if f.values.get("road"):
            g.add(node, C.distanceMeasure, C.ByRoad)
        g.add(node, _LABEL, _en(f"{f.places[0].text} to {f.places[1].text}, {km:g} km"))
        return node
    if f.cls == "Place":  # a stated population
        place = mint.node(f.places[0], "place")
        prop = C.populationAtLeast if f.values.get("at_least") else C.population
        g.add(place, prop, ox.Literal(int(cast(int, f.values["population"]))))
        return place
    raise UsageError(f"unknown finding {f.cls}")


_EVENT_TYPE = {
    "Attack": "attack",
    "Campaign": "campaign",
    "CoordinatedOperation": "coordinated-operation",
    "HostageTaking": "hostage-taking",
    "Vandalism": "vandalism",
    "Blockade": "blockade",
    "MilitaryWithdrawal": "military-withdrawal",
    "Battle": "battle",
    "RemoteViolence": "remote-violence",
    "ViolenceAgainstCivilians": "violence-against-civilians",
    "Protest": "protest",
    "Riot": "riot",
    "StrategicDevelopment": "strategic-development",
}
_WORDS = {
    "Attack": "attack",
    "Campaign": "attacks",
    "CoordinatedOperation": "coordinated attacks",
    "HostageTaking": "hostage taking",
    "Vandalism": "vandalism",
    "Blockade": "blockade",
    "MilitaryWithdrawal": "withdrawal",
    "Battle": "battle",
    "RemoteViolence": "explosion or remote violence",
    "ViolenceAgainstCivilians": "violence against civilians",
    "Protest": "protest",
    "Riot": "riot",
    "StrategicDevelopment": "strategic development",
}


def _event(g: Triples, mint: _Minter, f: Found) -> ox.NamedNode:
    node = mint.iri("event", f.key)
    g.add(node, _TYPE, C[f.cls])
    if f.cls in ("Battle", "RemoteViolence", "ViolenceAgainstCivilians"):
        # Typed as an attack too, as the ACLED importer does: questions need no reasoner.
        g.add(node, _TYPE, C.Attack)
    g.add(node, C.eventType, _id("event-type/" + _EVENT_TYPE.get(f.cls, "attack")))
    _dates(g, node, f)
    places = [mint.node(p, "place") for p in f.places]
    site = f.values.get("site")
    if site and len(places) == 1:
        cls, word = cast("tuple[str, str]", site)
        s = _id(f"place/site/extract/{mint.doc}/{slug(f.places[0].text + '-' + word)}")
        g.add(s, _TYPE, C[cls])
        g.add(s, _LABEL, _en(f"{f.places[0].text} {word}"))
        g.add(s, C.locatedIn, places[0])
        g.add(node, C.target, s)
        places = [s]
    for p in places:
        g.add(node, C.place, p)
    who = "an unknown actor"
    for a in f.actors:
        if a is None:
            continue
        actor = mint.node(a, "group")
        g.add(node, C.actor if f.cls == "MilitaryWithdrawal" else C.perpetrator, actor)
        who = _label(a)
    if f.cls == "MilitaryWithdrawal":
        for p in places:
            g.add(node, C.withdrawalFrom, p)
    for t in f.targets:
        if t.iri and f.cls == "Blockade":
            g.add(node, C.target, ox.NamedNode(t.iri))
        elif t.iri and t.kind == "actor":
            g.add(node, C.targetActor, ox.NamedNode(t.iri))
    for key, prop in (("hostages", C.hostageCount), ("fatalities", C.fatalities)):
        if key in f.values:
            g.add(node, prop, ox.Literal(int(cast(int, f.values[key]))))
    if "announced" in f.values:
        g.add(node, C.announcedDate, _day(f.values["announced"]))
    where = ", ".join(p.text for p in f.places) or "an unknown place"
    when = f.start.isoformat() if f.start else "an unknown date"
    if f.end and f.start and f.end != f.start:
        when = f"{f.start.isoformat()} to {f.end.isoformat()}"
    g.add(node, _LABEL, _en(f"{who} {_WORDS.get(f.cls, f.cls.lower())} at {where}, {when}"))
    return node
