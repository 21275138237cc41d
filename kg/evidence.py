"""The passages behind an answer: for every row, the claims about the resources it names.

The sources in the store say where each of their facts comes from with a ``ckg:Claim``:
``ckg:about`` the resources it concerns, ``ckg:passage`` the exact words (a
``ckg:Passage`` with ``ckg:text``, ``ckg:paragraph`` and ``ckg:inDocument``),
``ckg:modality`` how the source stands behind it, and for a party's claim ``ckg:claimant``.

:func:`evidence_for` works for any question, saved or not, because it needs nothing from
the question but its answer. It collects every IRI of every row and asks the store which
claims are about them (one ``VALUES`` block of escaped terms; more than :data:`CHUNK` IRIs
go in several requests); it chooses each row's claims among those, and then reads the
passages of the chosen claims in one more bound request. Each row lists the claims about
more of its resources first, then by document and paragraph.

Which claims count: a row that names events (``event/…`` ids) keeps the claims that name
one of its events, and those that name no event but one of its places; a claim that
names only other events (the town's other attacks) or that reaches the row only through
an actor (all a report says of JNIM) is about other facts and is left out. A row without
events keeps every claim about its resources. A claim IRI in a row (``claims_of_source``
shows them) brings its own passage. The same plain SPARQL runs on the embedded store and
on a server.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.sparql import values_list
from kg.store import QueryResult, Store
from kg.terms import CKG_NS, ID, sparql_prefixes

#: IRIs per request; a larger answer is asked about in several requests.
CHUNK = 400

# Events have ids under id/event/ (the report's, ACLED's, the extractor's).
_EVENTS = str(ID["event/"])
_PLACES = str(ID["place/"])

# Which claims concern which IRIs (and which events each claim names): cheap, so that
# the rows' claims can be chosen before their passages are read. ``%s`` is the VALUES
# block of each request; the events' base goes in as an escaped literal.
_LINKS = (
    sparql_prefixes("ckg")
    + """SELECT DISTINCT ?node ?claim ?graph ?event
WHERE {
  %s
  { GRAPH ?graph { ?claim ckg:about ?node } }
  UNION
  { GRAPH ?graph { ?node ckg:passage ?direct } BIND(?node AS ?claim) }
  # Every event the claim names, in the answer or not (see evidence_for).
  OPTIONAL {
    GRAPH ?graph { ?claim ckg:about ?event }
    FILTER(STRSTARTS(STR(?event), """
    + Literal(_EVENTS).n3()
    + """))
  }
}
"""
)

# The passage, document, modality and claimant of the chosen claims.
_DETAILS = (
    sparql_prefixes("ckg", "dcterms", "rdfs")
    + """
SELECT DISTINCT ?claim ?passage ?document ?title ?paragraph ?quote
                ?modality ?modalityLabel ?claimant ?claimantLabel ?statement
WHERE {
  %s
  ?claim ckg:passage ?passage .
  OPTIONAL { ?passage ckg:text ?quote }
  OPTIONAL { ?passage ckg:paragraph ?paragraph }
  OPTIONAL {
    ?passage ckg:inDocument ?document .
    OPTIONAL { ?document dcterms:title ?title }
  }
  OPTIONAL {
    ?claim ckg:modality ?modality .
    OPTIONAL { ?modality rdfs:label ?modalityLabel FILTER(LANGMATCHES(LANG(?modalityLabel), "en")) }
  }
  OPTIONAL {
    ?claim ckg:claimant ?claimant .
    OPTIONAL { ?claimant rdfs:label ?claimantLabel FILTER(LANGMATCHES(LANG(?claimantLabel), "en")) }
  }
  OPTIONAL { ?claim ckg:statement ?statement }
}
"""
)


@dataclass
class Evidence:
    """One claim behind a row: the passage it quotes and how its source stands behind it."""

    claim: URIRef
    passage: URIRef | None
    graph: URIRef | None
    document: URIRef | None = None
    title: str | None = None
    paragraph: int | None = None
    quote: str | None = None
    modality: URIRef | None = None
    modality_label: str | None = None
    claimant: URIRef | None = None
    claimant_label: str | None = None
    statement: str | None = None
    #: The resources of the answer the claim is about (or the claim, when a row names it).
    about: set[URIRef] = field(default_factory=set)
    #: Every event the claim is about, in the answer or not.
    events: set[URIRef] = field(default_factory=set)

    def key(self) -> tuple[str, str, str]:
        """What a reader tells apart: the passage, the modality and the claimant."""
        return (str(self.passage or self.claim), str(self.modality or ""), str(self.claimant or ""))

    def as_json(self, row_iris: Collection[URIRef] | None = None) -> dict[str, object]:
        """The claim as plain JSON values (IRIs in full)."""
        about = sorted(str(a) for a in self.about if row_iris is None or a in row_iris)
        out: dict[str, object] = {
            "claim": str(self.claim),
            "about": about,
            "document": _s(self.document),
            "title": self.title,
            "paragraph": self.paragraph,
            "quote": self.quote,
            "modality": _s(self.modality),
            "modalityLabel": self.modality_label,
            "claimant": _s(self.claimant),
            "statement": self.statement,
            "passage": _s(self.passage),
            "graph": _s(self.graph),
        }
        return {k: v for k, v in out.items() if v is not None}


def row_iris(row: Sequence[Node | None]) -> list[URIRef]:
    """The IRIs of a row that can have claims (not the ontology's own terms)."""
    seen: dict[URIRef, None] = {}
    for term in row:
        if isinstance(term, URIRef) and not str(term).startswith(CKG_NS):
            seen.setdefault(term, None)
    return list(seen)


def claims_about(
    store: Store,
    iris: Iterable[URIRef],
    *,
    graphs: Collection[str] | None = None,
) -> dict[URIRef, Evidence]:
    """Every claim about any of ``iris`` (or that is one of them), by claim IRI, in full.

    ``graphs`` (when given) keeps only claims stated in those named graphs.
    """
    claims = _links(store, iris, graphs)
    _details(store, claims)
    return claims


def _links(
    store: Store, iris: Iterable[URIRef], graphs: Collection[str] | None
) -> dict[URIRef, Evidence]:
    """The claims about ``iris``, with what they are about but not yet their passages."""
    wanted = list(dict.fromkeys(iris))
    claims: dict[URIRef, Evidence] = {}
    for start in range(0, len(wanted), CHUNK):
        block = values_list("node", wanted[start : start + CHUNK])
        for d in store.query(_LINKS % block, include_inferred=False).dicts():
            claim, graph = d["claim"], d["graph"]
            if not isinstance(claim, URIRef):
                continue  # a blank-node claim cannot be named in an answer
            if graphs is not None and str(graph) not in graphs:
                continue
            ev = claims.get(claim)
            if ev is None:
                ev = claims[claim] = Evidence(claim=claim, passage=None, graph=_iri(graph))
            if isinstance(d["node"], URIRef):
                ev.about.add(d["node"])
            if isinstance(d["event"], URIRef):
                ev.events.add(d["event"])
    return claims


def _details(store: Store, claims: dict[URIRef, Evidence]) -> None:
    """Fill in each claim's passage, document, modality and claimant."""
    wanted = sorted(claims)
    for start in range(0, len(wanted), CHUNK):
        block = values_list("claim", wanted[start : start + CHUNK])
        for d in store.query(_DETAILS % block, include_inferred=False).dicts():
            claim = d["claim"]
            ev = claims.get(claim) if isinstance(claim, URIRef) else None
            if ev is None:
                continue
            # OPTIONAL parts may come back several times (two titles): the first one wins.
            ev.passage = ev.passage or _iri(d["passage"])
            ev.document = ev.document or _iri(d["document"])
            ev.title = ev.title or _text(d["title"])
            ev.paragraph = ev.paragraph if ev.paragraph is not None else _int(d["paragraph"])
            ev.quote = ev.quote or _text(d["quote"])
            ev.modality = ev.modality or _iri(d["modality"])
            ev.modality_label = ev.modality_label or _text(d["modalityLabel"])
            ev.claimant = ev.claimant or _iri(d["claimant"])
            ev.claimant_label = ev.claimant_label or _text(d["claimantLabel"])
            ev.statement = ev.statement or _text(d["statement"])


def evidence_for(
    store: Store, result: QueryResult, *, graphs: Collection[str] | None = None
) -> list[list[Evidence]]:
    """For each row of a SELECT answer, the claims about the IRIs in it (best first)."""
    per_row = [row_iris(row) for row in result.rows]
    claims = _links(store, (i for iris in per_row for i in iris), graphs)
    by_node: dict[URIRef, list[Evidence]] = {}
    for ev in claims.values():
        for node in ev.about:
            by_node.setdefault(node, []).append(ev)
    chosen: list[dict[URIRef, Evidence]] = []
    for iris in per_row:
        mine = set(iris)
        events = {i for i in iris if _is_event(i)}
        found: dict[URIRef, Evidence] = {}
        for node in iris:
            for ev in by_node.get(node, []):
                if events and ev.claim not in mine and not _behind_event_row(ev, events):
                    continue
                found.setdefault(ev.claim, ev)
        chosen.append(found)
    # Passages are read only for the claims some row keeps.
    _details(store, {c: ev for found in chosen for c, ev in found.items()})
    out: list[list[Evidence]] = []
    for iris, found in zip(per_row, chosen):
        mine = set(iris)
        out.append(
            sorted(
                found.values(),
                key=lambda e: (
                    -len(e.about & mine),
                    str(e.document or ""),
                    e.paragraph if e.paragraph is not None else -1,
                    str(e.claim),
                ),
            )
        )
    return out


def graph_with_evidence(
    store: Store, graph: Graph, *, graphs: Collection[str] | None = None
) -> Graph:
    """A CONSTRUCT/DESCRIBE answer with the claims about its IRIs and their passages added."""
    from kg.namespace import CKG

    nodes = {t for triple in graph for t in (triple[0], triple[2]) if isinstance(t, URIRef)}
    nodes = {n for n in nodes if not str(n).startswith(CKG_NS)}
    out = Graph()
    for triple in graph:
        out.add(triple)
    for ev in claims_about(store, sorted(nodes), graphs=graphs).values():
        out.add((ev.claim, RDF.type, CKG.Claim))
        for node in ev.about:
            if node != ev.claim:
                out.add((ev.claim, CKG.about, node))
        if ev.modality is not None:
            out.add((ev.claim, CKG.modality, ev.modality))
        if ev.claimant is not None:
            out.add((ev.claim, CKG.claimant, ev.claimant))
        if ev.statement is not None:
            out.add((ev.claim, CKG.statement, Literal(ev.statement)))
        if ev.passage is not None:
            out.add((ev.claim, CKG.passage, ev.passage))
            if ev.quote is not None:
                out.add((ev.passage, CKG.text, Literal(ev.quote)))
            if ev.paragraph is not None:
                out.add((ev.passage, CKG.paragraph, Literal(ev.paragraph)))
            if ev.document is not None:
                out.add((ev.passage, CKG.inDocument, ev.document))
    return out


def _behind_event_row(ev: Evidence, events: set[URIRef]) -> bool:
    """Whether a claim is evidence for a row that names ``events``.

    It is when it names one of them; when it names other events only, it is about other
    facts (the town's other attacks). A claim that names no event counts when it is
    about one of the row's places (a town's gazetteer row, its region); claims about the
    row's actors alone (all that a report says of JNIM) are context, not evidence.
    """
    if ev.events & events:
        return True
    if ev.events:
        return False
    return any(str(a).startswith(_PLACES) for a in ev.about)


def _is_event(iri: URIRef) -> bool:
    return str(iri).startswith(_EVENTS)


def _iri(term: Node | None) -> URIRef | None:
    return term if isinstance(term, URIRef) else None


def _text(term: Node | None) -> str | None:
    return str(term) if isinstance(term, Literal) else None


def _int(term: Node | None) -> int | None:
    if not isinstance(term, Literal):
        return None
    try:
        return int(str(term))
    except ValueError:
        return None


def _s(term: Node | None) -> str | None:
    return None if term is None else str(term)
