"""Candidates as RDF in a staging graph, and their review through the gate of ``ckg add``.

:func:`candidate_graph` writes an :class:`~kg.extract.extractor.Extraction` in the
ontology's own terms — the seed graph's: a ``ckg:Document``, ``ckg:Passage`` per sentence
(text, paragraph), the events (``ckg:startDate``/``ckg:endDate``/``ckg:datePrecision``,
``ckg:place``, ``ckg:perpetrator``, ``ckg:target``, ``ckg:partOf``, ``ckg:hostageCount``),
memberships, unit commands, distances, and one ``ckg:Claim`` per candidate with its
``ckg:modality``, plus the review vocabulary: ``ckg:candidateStatus``, ``ckg:confidence``,
``ckg:extractionRule``. A name the store did not know becomes a new node carrying
``ckg:unresolvedName`` and ``ckg:resolutionCandidate`` links to the closest known nodes.

The staging graph ``graph/staging/<doc>`` is a named graph of the store that no question
reads (:func:`kg.store.default_graphs` leaves it out). :func:`review` accepts candidates
by committing what each claim asserts into ``graph/doc/<doc>`` through
:func:`kg.validation.validate_batch` and :func:`kg.validation.commit_batch` — the gate of
``ckg add`` — and marks refused ones with the gate's reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.errors import UsageError
from kg.extract.extractor import Extraction
from kg.extract.names import Mention, NameFinder
from kg.extract.patterns import Found
from kg.namespace import CKG
from kg.resolve import slug
from kg.store import Store
from kg.terms import GRAPH, ID, STAGING_PREFIX

_PRECISION = {"day": CKG.DayPrecision, "month": CKG.MonthPrecision, "year": CKG.YearPrecision}
_REVIEW_PROPS = (CKG.candidateStatus, CKG.reviewNote)
#: Links a claim's payload does not follow: the event they point to is its own candidate.
_NOT_FOLLOWED = frozenset(
    {CKG.partOf, CKG.causedBy, CKG.followed, CKG.resolutionCandidate, CKG.about}
)
_STATUS = {
    "pending": CKG.Pending,
    "accepted": CKG.Accepted,
    "rejected": CKG.Rejected,
    "refused": CKG.Refused,
}
_STATUS_NAME = {v: k for k, v in _STATUS.items()}


def staging_graph(doc_slug: str) -> URIRef:
    """The staging graph of a document."""
    return URIRef(STAGING_PREFIX + doc_slug)


def document_graph(doc_slug: str) -> URIRef:
    """The named graph accepted candidates of a document go to (as for any report)."""
    return GRAPH["doc/" + doc_slug]


class _Minter:
    """Mints readable IRIs under ``…/id/<kind>/extract/<doc>/`` and writes the new nodes."""

    def __init__(
        self,
        g: Graph,
        doc: str,
        finder: NameFinder | None,
        country: str | None,
        scope: str | None = None,
    ):
        self.g, self.doc, self.finder, self.country = g, doc, finder, country
        #: Where nodes for unresolved names are minted: the document, or a whole CSV file.
        self.scope = scope or doc
        self.used: set[str] = set()

    def iri(self, kind: str, key: str) -> URIRef:
        base = f"{kind}/extract/{self.doc}/{slug(key, max_length=60)}"
        name, n = base, 2
        while name in self.used:
            name, n = f"{base}-{n}", n + 1
        self.used.add(name)
        return ID[name]

    def node(self, m: Mention, kind: str) -> URIRef:
        """The known node a mention resolved to, or a new node marked unresolved."""
        if m.iri:
            return URIRef(m.iri)
        cls = {"place": CKG.Place, "person": CKG.Person}.get(kind, CKG.Actor)
        iri = ID[f"{kind}/extract/{self.scope}/{slug(m.name or m.text, max_length=60)}"]
        if (iri, RDF.type, None) not in self.g:
            self.g.add((iri, RDF.type, cls))
            self.g.add((iri, RDFS.label, Literal(m.name or m.text, lang="en")))
            self.g.add((iri, CKG.unresolvedName, Literal(m.text)))
            if kind == "place" and self.country:
                self.g.add((iri, CKG.locatedIn, URIRef(self.country)))
            candidates = m.candidates
            if not candidates and self.finder is not None:
                candidates = self.finder.candidates_for(
                    m.name or m.text, "actor" if kind != "place" else "place"
                )
            for c in candidates[:3]:
                self.g.add((iri, CKG.resolutionCandidate, URIRef(c.iri)))
        return iri


def candidate_graph(
    ex: Extraction,
    doc_slug: str,
    *,
    finder: NameFinder | None = None,
    with_status: bool = True,
    into: Graph | None = None,
    scope: str | None = None,
) -> Graph:
    """The extraction as triples in the ontology's terms (see the module docstring).

    ``into`` collects several documents in one graph (batch mode), and ``scope`` mints the
    nodes of unresolved names once for all of them (one "Protesters (Niger)", not one per row).
    """
    g = into if into is not None else Graph()
    doc = ID["doc/" + doc_slug]
    g.add((doc, RDF.type, CKG.Document))
    g.add((doc, DCTERMS.title, Literal(ex.document.title, lang="en")))
    g.add((doc, DCTERMS.source, Literal(ex.document.path)))
    g.add((doc, RDFS.label, Literal(f"{ex.document.title} (report)", lang="en")))
    if ex.reference is not None and ex.reference_source == "given" and ex.reference.day:
        g.add((doc, DCTERMS.issued, Literal(str(ex.reference), datatype=XSD.date)))
    country = finder.countries[0] if finder and finder.countries else None
    mint = _Minter(g, doc_slug, finder, country, scope)
    passages: dict[int, URIRef] = {}
    nodes: dict[int, URIRef] = {}
    for i, f in enumerate(ex.found):
        nodes[i] = _found_node(g, mint, f, i)
    for i, f in enumerate(ex.found):
        if f.part_of is not None:
            g.add((nodes[i], CKG.partOf, nodes[f.part_of]))
        for cause in f.caused_by:
            g.add((nodes[i], CKG.causedBy, nodes[cause]))
    for c in ex.candidates:
        p = c.passage
        if p.number not in passages:
            piri = ID[f"passage/extract/{doc_slug}/{p.number}"]
            passages[p.number] = piri
            g.add((piri, RDF.type, CKG.Passage))
            g.add((piri, CKG.text, Literal(p.text)))
            g.add((piri, CKG.inDocument, doc))
            g.add((piri, CKG.paragraph, Literal(p.paragraph)))
        claim = ID[f"claim/extract/{doc_slug}/{c.number}"]
        g.add((claim, RDF.type, CKG.Claim))
        g.add((claim, CKG.passage, passages[p.number]))
        g.add((claim, CKG.modality, CKG[c.modality]))
        if c.claimant:
            g.add((claim, CKG.claimant, URIRef(c.claimant)))
        g.add((claim, CKG.confidence, Literal(Decimal(str(c.confidence)), datatype=XSD.decimal)))
        g.add((claim, CKG.extractionRule, Literal(c.rule)))
        about: list[Node] = []
        if c.found is not None:
            node = nodes[c.found]
            about.append(node)
            f = ex.found[c.found]
            about.extend(mint.node(m, "place") for m in f.places)
            about.extend(URIRef(a.iri) for a in f.actors if a and a.iri)
            label = g.value(node, RDFS.label)
            if f.cls == "Place":
                bound = "at least " if f.values.get("at_least") else ""
                label = Literal(
                    f"{f.places[0].text} has a population of {bound}{f.values['population']}"
                )
            g.add((claim, CKG.statement, Literal(str(label) if label else p.text)))
            if f.cls == "Place":
                prop = CKG.populationAtLeast if f.values.get("at_least") else CKG.population
                g.add((claim, CKG.assertedProperty, prop))
            elif f.cls in ("Predecessor", "Merger", "Allegiance", "Faction"):
                # The relation sits on a known group: the claim names the property it asserts.
                prop = {"Allegiance": CKG.allegianceTo, "Faction": CKG.factionOf}.get(
                    f.cls, CKG.predecessorOf
                )
                g.add((claim, CKG.assertedProperty, prop))
                about.extend(mint.node(a, "group") for a in f.actors)
        else:
            about.extend(URIRef(a) for a in c.about)
            g.add((claim, CKG.statement, Literal(c.statement or p.text)))
        for a in dict.fromkeys(about):
            g.add((claim, CKG.about, a))
        if with_status:
            g.add((claim, CKG.candidateStatus, CKG.Pending))
    return g


def _label(m: Mention | None) -> str:
    # A known node is labelled as the text names it; a new one by its ACLED-style name.
    if m is None:
        return "unknown actor"
    return m.text if m.iri else (m.name or m.text)


def _found_node(g: Graph, mint: _Minter, f: Found, i: int) -> URIRef:
    if f.kind == "event":
        return _event(g, mint, f)
    if f.cls == "Membership":
        person, group = f.actors
        p = mint.node(person, "person")
        org = mint.node(group, "group")
        node = mint.iri("membership", f"{person.text}-{group.text}-leader")
        g.add((node, RDF.type, CKG.Membership))
        g.add((node, CKG.member, p))
        g.add((node, CKG.organization, org))
        g.add((node, CKG.role, CKG.Leader))
        g.add(
            (node, RDFS.label, Literal(f"{_label(person)}, leader of {_label(group)}", lang="en"))
        )
        if f.values.get("central"):
            lead = mint.iri("group", f"{group.text}-central-leadership")
            g.add((lead, RDF.type, CKG.CentralLeadership))
            g.add((lead, CKG.factionOf, org))
            g.add((lead, RDFS.label, Literal(f"{_label(group)} central leadership", lang="en")))
            m2 = mint.iri("membership", f"{person.text}-{group.text}-leadership")
            g.add((m2, RDF.type, CKG.Membership))
            g.add((m2, CKG.member, p))
            g.add((m2, CKG.organization, lead))
            g.add((m2, CKG.role, CKG.Leader))
            g.add(
                (
                    m2,
                    RDFS.label,
                    Literal(
                        f"{_label(person)}, head of {_label(group)}'s central leadership", lang="en"
                    ),
                )
            )
            g.add((node, RDFS.seeAlso, m2))
        return node
    if f.cls == "UnitCommand":
        group, area = f.actors[0], f.places[0]
        org = mint.node(group, "group")
        place = mint.node(area, "place")
        node = mint.iri("group", f"{group.text}-unit-{area.text}")
        g.add((node, RDF.type, CKG.UnitCommand))
        g.add((node, CKG.factionOf, org))
        g.add((node, CKG.areaOfOperation, place))
        g.add(
            (node, RDFS.label, Literal(f"{_label(group)} unit command in {area.text}", lang="en"))
        )
        return node
    if f.cls == "Predecessor":
        a, b = (mint.node(x, "group") for x in f.actors)
        g.add((a, CKG.predecessorOf, b))
        return a
    if f.cls == "Merger":
        output, *inputs = (mint.node(x, "group") for x in f.actors)
        node = mint.iri("event", f.key)
        g.add((node, RDF.type, CKG.Merger))
        g.add((node, CKG.eventType, ID["event-type/merger"]))
        if f.start is not None and f.end is not None:
            g.add((node, CKG.startDate, Literal(f.start.isoformat(), datatype=XSD.date)))
            g.add((node, CKG.endDate, Literal(f.end.isoformat(), datatype=XSD.date)))
            g.add((node, CKG.datePrecision, _PRECISION[f.precision]))
        places = [mint.node(p, "place") for p in f.places] or (
            [URIRef(mint.country)] if mint.country else []
        )
        for p in places:
            g.add((node, CKG.place, p))
        g.add((node, CKG.changeOutput, output))
        for source in inputs:
            g.add((node, CKG.changeInput, source))
            g.add((source, CKG.predecessorOf, output))
        names = ", ".join(_label(x) for x in f.actors[1:])
        g.add(
            (node, RDFS.label, Literal(f"Merger of {names} into {_label(f.actors[0])}", lang="en"))
        )
        return node
    if f.cls in ("Allegiance", "Faction"):
        a, b = (mint.node(x, "group") for x in f.actors)
        g.add((a, CKG.allegianceTo if f.cls == "Allegiance" else CKG.factionOf, b))
        return a
    if f.cls == "Distance":
        a, b = (mint.node(x, "place") for x in f.places)
        node = mint.iri("distance", f.key)
        km = f.values["km"]
        g.add((node, RDF.type, CKG.Distance))
        g.add((node, CKG.distanceFrom, a))
        g.add((node, CKG.distanceTo, b))
        g.add((node, CKG.kilometres, Literal(Decimal(str(km)), datatype=XSD.decimal)))
        g.add((node, CKG.distanceBound, CKG[str(f.values["bound"])]))
        if f.values.get("road"):
            g.add((node, CKG.distanceMeasure, CKG.ByRoad))
        g.add(
            (
                node,
                RDFS.label,
                Literal(f"{f.places[0].text} to {f.places[1].text}, {km:g} km", lang="en"),
            )
        )
        return node
    if f.cls == "Place":  # a stated population
        place = mint.node(f.places[0], "place")
        prop = CKG.populationAtLeast if f.values.get("at_least") else CKG.population
        g.add((place, prop, Literal(int(f.values["population"]))))  # type: ignore[call-overload]
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


def _event(g: Graph, mint: _Minter, f: Found) -> URIRef:
    node = mint.iri("event", f.key)
    g.add((node, RDF.type, CKG[f.cls]))
    if f.cls in ("Battle", "RemoteViolence", "ViolenceAgainstCivilians"):
        # Typed as an attack too, as the ACLED importer does: questions need no reasoner.
        g.add((node, RDF.type, CKG.Attack))
    g.add((node, CKG.eventType, ID["event-type/" + _EVENT_TYPE.get(f.cls, "attack")]))
    if f.start is not None and f.end is not None:
        g.add((node, CKG.startDate, Literal(f.start.isoformat(), datatype=XSD.date)))
        g.add((node, CKG.endDate, Literal(f.end.isoformat(), datatype=XSD.date)))
        g.add((node, CKG.datePrecision, _PRECISION[f.precision]))
    places = [mint.node(p, "place") for p in f.places]
    site = f.values.get("site")
    if site and len(places) == 1:
        cls, word = cast("tuple[str, str]", site)
        s = ID[f"place/site/extract/{mint.doc}/{slug(f.places[0].text + '-' + word)}"]
        g.add((s, RDF.type, CKG[cls]))
        g.add((s, RDFS.label, Literal(f"{f.places[0].text} {word}", lang="en")))
        g.add((s, CKG.locatedIn, places[0]))
        g.add((node, CKG.target, s))
        places = [s]
    for p in places:
        g.add((node, CKG.place, p))
    who = "an unknown actor"
    for a in f.actors:
        if a is None:
            continue
        actor = mint.node(a, "group")
        g.add((node, CKG.actor if f.cls == "MilitaryWithdrawal" else CKG.perpetrator, actor))
        who = _label(a)
    if f.cls == "MilitaryWithdrawal":
        for p in places:
            g.add((node, CKG.withdrawalFrom, p))
    for t in f.targets:
        if t.iri and f.cls == "Blockade":
            g.add((node, CKG.target, URIRef(t.iri)))
        elif t.iri and t.kind == "actor":
            g.add((node, CKG.targetActor, URIRef(t.iri)))
    if "hostages" in f.values:
        g.add((node, CKG.hostageCount, Literal(int(f.values["hostages"]))))  # type: ignore[call-overload]
    if "announced" in f.values:
        g.add((node, CKG.announcedDate, Literal(str(f.values["announced"]), datatype=XSD.date)))
    if "fatalities" in f.values:
        g.add((node, CKG.fatalities, Literal(int(f.values["fatalities"]))))  # type: ignore[call-overload]
    where = ", ".join(p.text for p in f.places) or "an unknown place"
    when = f.start.isoformat() if f.start else "an unknown date"
    if f.end and f.start and f.end != f.start:
        when = f"{f.start.isoformat()} to {f.end.isoformat()}"
    g.add(
        (
            node,
            RDFS.label,
            Literal(f"{who} {_WORDS.get(f.cls, f.cls.lower())} at {where}, {when}", lang="en"),
        )
    )
    return node


# ---- reading candidates back -----------------------------------------------------------------


@dataclass
class StagedCandidate:
    """One candidate claim read back from a staging graph."""

    id: str  # "<doc>/<n>"
    claim: URIRef
    status: str
    confidence: float
    modality: str
    rule: str
    statement: str
    sentence: str
    paragraph: int | None
    note: str = ""
    about: list[str] = field(default_factory=list)
    #: Nodes minted for names the store did not know: (iri, name, closest known nodes).
    unresolved: list[tuple[str, str, list[str]]] = field(default_factory=list)


def staged_documents(store: Store) -> list[str]:
    """The slugs of the documents that have a staging graph in ``store``."""
    return sorted(
        str(info.iri)[len(STAGING_PREFIX) :]
        for info in store.graphs()
        if str(info.iri).startswith(STAGING_PREFIX)
    )


def read_candidates(store: Store, doc_slug: str) -> tuple[Graph, list[StagedCandidate]]:
    """The staging graph of a document and its candidates, in extraction order."""
    g = store.export_graph(staging_graph(doc_slug))
    out = []
    prefix = str(ID[f"claim/extract/{doc_slug}/"])
    for claim in g.subjects(RDF.type, CKG.Claim):
        n = (
            str(claim)[len(prefix) :]
            if str(claim).startswith(prefix)
            else str(claim).rsplit("/", 1)[-1]
        )
        passage = g.value(claim, CKG.passage)
        status = g.value(claim, CKG.candidateStatus)
        par = g.value(passage, CKG.paragraph) if passage is not None else None
        out.append(
            StagedCandidate(
                f"{doc_slug}/{n}",
                cast(URIRef, claim),
                _STATUS_NAME.get(cast(URIRef, status), "pending"),
                float(str(g.value(claim, CKG.confidence) or 0)),
                str(g.value(claim, CKG.modality) or "").rsplit("#", 1)[-1],
                str(g.value(claim, CKG.extractionRule) or ""),
                str(g.value(claim, CKG.statement) or ""),
                str(g.value(passage, CKG.text) or "") if passage is not None else "",
                int(str(par)) if par is not None else None,
                str(g.value(claim, CKG.reviewNote) or ""),
                sorted(str(a) for a in g.objects(claim, CKG.about)),
                [
                    (
                        str(a),
                        str(name),
                        sorted(str(c) for c in g.objects(a, CKG.resolutionCandidate)),
                    )
                    for a in g.objects(claim, CKG.about)
                    for name in g.objects(a, CKG.unresolvedName)
                ],
            )
        )
    out.sort(
        key=lambda c: [int(x) if x.isdigit() else 0 for x in c.id[len(doc_slug) + 1 :].split("/")]
    )
    return g, out


def payload(g: Graph, claim: Node) -> Graph:
    """What accepting ``claim`` asserts: the claim, its passage and document, and the nodes
    it is about that the extraction minted or described (not the events it links to by
    ``partOf`` or ``causedBy``: those are candidates of their own)."""
    out = Graph()
    todo: list[Node] = [claim]
    seen: set[Node] = set()
    about = set(g.objects(claim, CKG.about))
    for prop in g.objects(claim, CKG.assertedProperty):
        for a in about:
            for t in g.triples((a, prop, None)):
                out.add(t)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in g.triples((node, None, None)):
            if p in _REVIEW_PROPS:
                continue
            out.add((s, p, o))
            if p == CKG.about and not _minted(o):
                continue
            follow = p not in _NOT_FOLLOWED or (p == CKG.about and o in about)
            if (
                follow
                and isinstance(o, URIRef)
                and (o, None, None) in g
                and o not in seen
                and (o, RDF.type, CKG.Claim) not in g
            ):
                todo.append(o)
    return out


def _minted(node: Node) -> bool:
    return "/extract/" in str(node)


def select(
    cands: Sequence[StagedCandidate],
    ids: Iterable[str],
    *,
    all_: bool = False,
    min_confidence: float | None = None,
    doc_slug: str | None = None,
) -> list[StagedCandidate]:
    """The candidates named by id ("<doc>/<n>" or "<n>"), or all pending ones above a threshold."""
    wanted = [
        i if doc_slug is None or i.startswith(f"{doc_slug}/") else f"{doc_slug}/{i}" for i in ids
    ]
    by_id = {c.id: c for c in cands}
    missing = [i for i in wanted if i not in by_id]
    if missing:
        raise UsageError(f"no candidate {', '.join(missing)}; list them with 'ckg review'")
    chosen = [by_id[i] for i in wanted]
    if all_ or min_confidence is not None:
        chosen += [
            c
            for c in cands
            if c.status == "pending"
            and (min_confidence is None or c.confidence >= min_confidence)
            and c not in chosen
        ]
    return chosen
