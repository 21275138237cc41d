"""The ontology-change guard: data may describe the world, not redefine the vocabulary.

A batch for ``ckg add`` or a file for ``ckg load`` that declares or alters classes or
properties (``rdfs:subClassOf``, domains, ranges, disjointness, equivalence, property
kinds, restrictions), says anything about a term of the ontology namespace, or declares
two of the graph's own nodes ``owl:sameAs`` would change what every other source means:
``ckg:Attack rdfs:subClassOf ckg:Protest`` turns every attack into a protest after
``ckg reason``. :class:`OntologyGuard` collects such triples while a source is read and
refuses them with a message naming each one (:class:`kg.errors.GateError`, exit 1).

Ontology engineers who mean it give ``--allow-ontology-change``; the change is then
checked with :func:`consistency_problems` (classes made unsatisfiable, individuals in two
disjoint classes) and refused if the result is inconsistent.

:func:`future_dates` flags date values later than their source's issue date (or today,
when the source states none): a report cannot describe what has not happened yet.

>>> from rdflib import URIRef
>>> guard = OntologyGuard()
>>> ck = "https://w3id.org/conflict-kg/ontology#"
>>> guard.see(URIRef(ck + "Attack"), RDFS.subClassOf, URIRef(ck + "Protest"), "x.trig")
>>> [a.text() for a in guard.axioms]
['ckg:Attack rdfs:subClassOf ckg:Protest']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import GateError
from kg.formats import shorten
from kg.store import Store
from kg.terms import CKG_NS, ID, ONTOLOGY_IRI

#: Predicates that state something about classes or properties, never about the world.
SCHEMA_PREDICATES = frozenset(
    str(p)
    for p in (
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.disjointWith,
        OWL.propertyDisjointWith,
        OWL.disjointUnionOf,
        OWL.inverseOf,
        OWL.propertyChainAxiom,
        OWL.unionOf,
        OWL.intersectionOf,
        OWL.complementOf,
        OWL.oneOf,
        OWL.onProperty,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasValue,
        OWL.hasSelf,
        OWL.cardinality,
        OWL.minCardinality,
        OWL.maxCardinality,
        OWL.qualifiedCardinality,
        OWL.minQualifiedCardinality,
        OWL.maxQualifiedCardinality,
        OWL.onClass,
        OWL.members,
        OWL.distinctMembers,
        OWL.hasKey,
        OWL.imports,
    )
)

#: Types that make their subject a class, a property or an axiom.
SCHEMA_TYPES = frozenset(
    str(t)
    for t in (
        OWL.Class,
        RDFS.Class,
        RDFS.Datatype,
        RDF.Property,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.AsymmetricProperty,
        OWL.ReflexiveProperty,
        OWL.IrreflexiveProperty,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.Restriction,
        OWL.AllDisjointClasses,
        OWL.AllDisjointProperties,
        OWL.AllDifferent,
        OWL.Ontology,
    )
)

_TYPE = str(RDF.type)
_SAME_AS = str(OWL.sameAs)
#: Predicates that may make a triple an ontology change whatever its subject.
_SCHEMA_ANY = SCHEMA_PREDICATES | {_TYPE, _SAME_AS}
_ONTOLOGY_PREFIXES = (CKG_NS, ONTOLOGY_IRI)

#: How many axioms a refusal names before it only counts the rest.
SHOWN = 10

#: Predicates whose date values are about the source itself, not the events it reports.
_ABOUT_SOURCE = frozenset(
    {
        "http://purl.org/dc/terms/issued",
        "http://purl.org/dc/terms/modified",
        "http://purl.org/dc/terms/created",
        "http://purl.org/dc/terms/date",
        CKG_NS + "issuedNotBefore",
    }
)
_ISSUED = "http://purl.org/dc/terms/issued"
_DATE_TYPES = frozenset({str(XSD.date), str(XSD.dateTime), str(XSD.dateTimeStamp)})


def _iri(term: Any) -> str | None:
    """The IRI of an rdflib URIRef or a pyoxigraph NamedNode; None for anything else."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, URIRef):
        return str(term)
    return None


def _show(term: Any) -> str:
    iri = _iri(term)
    if iri is not None:
        return shorten(iri)
    if isinstance(term, BNode) or type(term).__name__ == "BlankNode":
        return "[]"
    value = term.value if hasattr(term, "value") and not isinstance(term, Literal) else str(term)
    value = str(value)
    return repr(value if len(value) <= 40 else value[:39] + "…")


def why_schema(s: Any, p: Any, o: Any) -> str | None:
    """Why the triple (s, p, o) changes the ontology, or None when it is plain data."""
    ps = _iri(p)
    if ps is None:
        return None
    subject = _iri(s)
    if ps not in _SCHEMA_ANY and not (subject and subject.startswith(_ONTOLOGY_PREFIXES)):
        return None  # the common case, decided with one set lookup and one prefix test
    if ps in SCHEMA_PREDICATES:
        return "schema axiom"
    if ps == _TYPE and _iri(o) in SCHEMA_TYPES:
        return "declares a class or property"
    if subject is not None and (subject.startswith(CKG_NS) or subject == ONTOLOGY_IRI):
        return "about an ontology term"
    if ps == _SAME_AS:
        obj = _iri(o)
        if subject and obj and subject.startswith(str(ID)) and obj.startswith(str(ID)):
            return "merges two nodes of the graph"
    return None


@dataclass(frozen=True)
class Axiom:
    """One triple of a source that would change the ontology, and where it comes from."""

    subject: str
    predicate: str
    object: str
    where: str
    why: str

    def text(self) -> str:
        """The triple as a person reads it: ``ckg:Attack rdfs:subClassOf ckg:Protest``."""
        return f"{self.subject} {self.predicate} {self.object}"


@dataclass
class OntologyGuard:
    """Collects the ontology-changing triples of the sources being read.

    Call :meth:`see` on every triple, then :meth:`refuse` before writing. With ``allow``
    the triples are kept (as :attr:`graph`) for :func:`consistency_problems` instead.
    """

    allow: bool = False
    axioms: list[Axiom] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)

    def see(self, s: Any, p: Any, o: Any, where: str) -> None:
        """Look at one triple of ``where`` (a file name, or file and graph)."""
        why = why_schema(s, p, o)
        if why is None:
            return
        self.axioms.append(Axiom(_show(s), _show(p), _show(o), where, why))
        if self.allow:
            self.graph.add((_rdflib(s), _rdflib(p), _rdflib(o)))

    def see_all(self, triples: Iterable[tuple[Any, Any, Any]], where: str) -> None:
        """:meth:`see` every triple of ``triples``."""
        for s, p, o in triples:
            self.see(s, p, o, where)

    def refuse(self) -> None:
        """Raise :class:`GateError` naming the axioms seen, unless ``allow`` or none were."""
        if self.allow or not self.axioms:
            return
        raise GateError(refusal(self.axioms))


def refusal(axioms: list[Axiom]) -> str:
    """The message refusing ``axioms``: each named (up to :data:`SHOWN`), and what to do."""
    wheres = list(dict.fromkeys(a.where for a in axioms))
    shown = "; ".join(f"{a.text()} ({a.why})" for a in axioms[:SHOWN])
    more = f"; … and {len(axioms) - SHOWN} more" if len(axioms) > SHOWN else ""
    return (
        f"{', '.join(wheres)}: refused, {len(axioms)} triple(s) would change the ontology: "
        f"{shown}{more}. Data may not redefine classes or properties; put ontology changes "
        "in ontology/conflict.ttl, or give --allow-ontology-change if you mean it (the "
        "result is then checked for consistency). Nothing was written"
    )


def _rdflib(term: Any) -> Node:
    if isinstance(term, (URIRef, BNode, Literal)):
        return term
    from kg.embedded import to_rdflib

    converted = to_rdflib(term)
    assert converted is not None
    return converted


# --------------------------------------------------------------------------------------
# Consistency of an allowed change
# --------------------------------------------------------------------------------------


def unsatisfiable_classes(tbox: Graph) -> list[str]:
    """Classes that can have no member under ``tbox``: below two disjoint classes."""
    from kg.reasoning import compile_rules

    rules = compile_rules(tbox, "owlrl")
    found = []
    classes = set(rules.super_classes) | set(rules.disjoint)
    for c in sorted(classes, key=str):
        if isinstance(c, BNode):
            continue
        ups = {c} | set(rules.super_classes.get(c, ()))
        for a in sorted(ups, key=str):
            clash = rules.disjoint.get(a, set()) & ups
            if clash:
                b = min(clash, key=str)
                found.append(
                    f"{shorten(str(c))} is below both {shorten(str(a))} and "
                    f"{shorten(str(b))}, declared disjoint: it can have no member"
                )
                break
    return found


def consistency_problems(store: Store, change: Graph, data: Graph | None = None) -> list[str]:
    """What is inconsistent once ``change`` (axioms) and ``data`` join the store.

    The store's ontology plus the change must leave every class satisfiable, and the
    store's asserted data plus ``data`` must put no individual in two disjoint classes
    (kg's OWL RL rules, as ``ckg reason`` applies them). Reads the whole asserted store:
    meant for the rare, deliberate ontology change, not for every batch.
    """
    from kg.reasoning import asserted_graph, infer_graph, store_tbox

    tbox = store_tbox(store) + change
    problems = unsatisfiable_classes(tbox)
    facts = asserted_graph(store)
    if data is not None:
        facts += data
    facts += change
    result = infer_graph(facts, tbox)
    problems.extend(result.clash_messages())
    return problems


def check_change(store: Store, guard: OntologyGuard, data: Graph | None = None) -> list[str]:
    """With ``--allow-ontology-change``: refuse an inconsistent result, else say what changes."""
    if not guard.axioms:
        return []
    problems = consistency_problems(store, guard.graph, data)
    if problems:
        shown = "; ".join(problems[:SHOWN])
        more = f"; … and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
        raise GateError(
            f"refused: the ontology change ({len(guard.axioms)} triple(s)) makes the graph "
            f"inconsistent: {shown}{more}. Nothing was written; fix the axioms or the data"
        )
    return [f"ontology change allowed: {a.text()} ({a.where})" for a in guard.axioms]


# --------------------------------------------------------------------------------------
# Future dates
# --------------------------------------------------------------------------------------


def _as_date(term: Any) -> date | None:
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        lexical = str(term)
    elif type(term).__name__ == "Literal":
        datatype = term.datatype.value
        lexical = term.value
    else:
        return None
    if datatype not in _DATE_TYPES:
        return None
    try:
        return date.fromisoformat(lexical[:10])
    except ValueError:
        return None


def future_dates(
    triples: Iterable[tuple[Any, Any, Any]], today: date | None = None, shown: int = SHOWN
) -> list[str]:
    """Warnings for dates later than the source's ``dcterms:issued`` (or ``today``).

    ``triples`` are one source's (one graph's) triples. A date about the source itself
    (issued, modified) is not checked.
    """
    items = list(triples)
    bound = today or datetime.now(UTC).date()
    issued = [d for s, p, o in items if _iri(p) == _ISSUED and (d := _as_date(o)) is not None]
    what = "today"
    if issued:
        bound = max(issued)
        what = f"the source's issue date {bound.isoformat()}"
    out: list[str] = []
    count = 0
    for s, p, o in items:
        if _iri(p) in _ABOUT_SOURCE:
            continue
        d = _as_date(o)
        if d is not None and d > bound:
            count += 1
            if len(out) < shown:
                out.append(
                    f"{_show(s)} {_show(p)} {d.isoformat()} is after {what}: "
                    "check the date (a report cannot describe what has not happened yet)"
                )
    if count > shown:
        out.append(f"… and {count - shown} more date(s) after {what}")
    return out


def guard_batch(batch: Any, allow: bool = False) -> OntologyGuard:
    """Run the guard over a parsed :class:`kg.validation.Batch`; refuse unless ``allow``.

    The triples are seen in the order the files state them, so the refusal names them as
    the analyst wrote them (and the same way on every run), as ``ckg load`` does.
    """
    from kg.validation.batch import DEFAULT_GRAPH_MARK

    guard = OntologyGuard(allow=allow)
    wheres: dict[Any, str] = {DEFAULT_GRAPH_MARK: ", ".join(batch.files)}
    for key, (s, p, o) in batch.in_file_order():
        where = wheres.get(key)
        if where is None:
            where = wheres[key] = ", ".join(batch.origin.get(key, [])) or shorten(str(key))
        guard.see(s, p, o, where)
    guard.refuse()
    return guard


def batch_future_dates(batch: Any, today: date | None = None) -> list[str]:
    """:func:`future_dates` for each graph of a batch, each warning naming its graph."""
    out: list[str] = []
    for iri, graph in batch.graphs.items():
        out.extend(f"{shorten(str(iri))}: {w}" for w in future_dates(graph, today))
    return out
