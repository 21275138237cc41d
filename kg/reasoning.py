"""Reasoning: OWL RL consequences into the inferred graph, and OWL DL consistency checks.

Two jobs live here.

* :func:`reason` materialises what the ontology's axioms entail from the asserted graphs
  and writes **only the new triples** into :data:`kg.terms.INFERRED_GRAPH`, replacing the
  previous content. The default engine (``rules``) is a targeted forward-chainer over the
  OWL 2 RL rules the ontology actually uses (subclass, subproperty, domain, range,
  inverse, symmetric, transitive, property chains, intersection / union / someValuesFrom /
  allValuesFrom / hasValue / oneOf class expressions, disjointness as clashes). It reads
  from the store only the triples those rules can touch (on the embedded store straight
  from pyoxigraph, elsewhere through SPARQL), so it grows linearly with the data. Scope
  ``ckg`` (the default) writes only consequences in the ckg vocabulary and prunes the
  rules that cannot lead to one; scope ``all`` writes the alignments (sem:, prov:, org:,
  geo: …) too. The ``owlrl`` engine runs the owlrl library's full closure instead:
  complete for OWL 2 RL, but tens of seconds at 10k events (see PITFALLS), so it is for
  small stores and for checking the ``rules`` engine (a test compares the two on the seed
  graph).
* :func:`check_consistency` runs HermiT (through owlready2, needs Java) on the ontology
  plus a bounded slice of the data in a fresh owlready2 ``World`` and reports in words
  whether it is consistent and which classes are unsatisfiable.

What the ``rules`` engine leaves out, on purpose: owl:sameAs reasoning (functional and
inverse-functional properties, keys), datatype reasoning, and consequences about the
ontology itself (subclass closure of the class hierarchy). Saved questions that need the
class hierarchy walk ``rdfs:subClassOf*``.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Literal as TypingLiteral

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.errors import CkgError, UsageError
from kg.store import Store
from kg.terms import (
    CKG_NS,
    DERIVED_GRAPH,
    INFERRED_GRAPH,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    STAGING_PREFIX,
)

#: Reasoning profiles: ``rdfs`` (subclass, subproperty, domain, range) or ``owlrl``.
PROFILES: tuple[str, ...] = ("owlrl", "rdfs")
#: Engines: kg's targeted rule engine, or the owlrl library's full closure.
ENGINES: tuple[str, ...] = ("rules", "owlrl")

#: Meta key the store sets on the inferred graph when asserted data changed since.
STALE_KEY = "stale"

#: Default number of individuals HermiT sees: the 495 of the seed graph took ~10 s here
#: (PITFALLS: ~3,200 took three minutes), so a whole import is never sent.
DEFAULT_CHECK_LIMIT = 500

# Prefix of the helper properties that split property chains longer than two links.
_AUX = "urn:x-kg:chain-link:"

_SCHEMA_PREDICATES = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.inverseOf,
    OWL.disjointWith,
)
_PROPERTY_KINDS = (OWL.TransitiveProperty, OWL.SymmetricProperty)


class ReasoningError(CkgError):
    """Reasoning could not run: an unknown profile, a reasoner that failed (exit 3)."""


class JavaMissingError(ReasoningError):
    """HermiT needs a Java runtime and none was found (exit 3)."""


# --------------------------------------------------------------------------------------
# Rules compiled from the ontology
# --------------------------------------------------------------------------------------


@dataclass
class RuleSet:
    """The ABox rules an ontology's axioms give rise to, indexed for forward chaining.

    Class expressions (restrictions, intersections) are kept as the blank nodes that
    stand for them; consequences typed with a blank node are used but never written.
    """

    profile: str
    #: class -> every strict superclass (transitive, through equivalences and intersections)
    super_classes: dict[Node, frozenset[Node]] = field(default_factory=dict)
    #: property -> every strict superproperty (transitive, through equivalences)
    super_properties: dict[Node, frozenset[Node]] = field(default_factory=dict)
    domains: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    #: p -> q with (x p y) => (y q x)
    inverses: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    transitive: set[Node] = field(default_factory=set)
    symmetric: set[Node] = field(default_factory=set)
    #: (result, first, second): (x first y), (y second z) => (x result z)
    chains: list[tuple[Node, Node, Node]] = field(default_factory=list)
    #: (class, property, filler): (x p y), y a filler => x a class   (filler None: any y)
    some_values: list[tuple[Node, Node, Node | None]] = field(default_factory=list)
    #: (class, property, filler): x a class, (x p y) => y a filler
    all_values: list[tuple[Node, Node, Node]] = field(default_factory=list)
    #: (class, property, value): x a class <=> (x p value)
    has_value: list[tuple[Node, Node, Node]] = field(default_factory=list)
    #: (class, members): x a every member => x a class
    intersections: list[tuple[Node, tuple[Node, ...]]] = field(default_factory=list)
    #: (class, individuals): each individual a class
    one_of: list[tuple[Node, tuple[Node, ...]]] = field(default_factory=list)
    #: unordered pairs of disjoint classes, as (a, b) and (b, a)
    disjoint: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    #: helper properties that split long chains (used, never written)
    aux: set[Node] = field(default_factory=set)

    def scoped(self, keep: Callable[[Node], bool]) -> RuleSet:
        """Only the rules whose conclusions matter when only terms ``keep`` accepts are written.

        A class or property matters when ``keep`` accepts it, when it is a disjoint class
        (clashes are always looked for), or when some rule draws a conclusion that matters
        from it (a subproperty of a kept property, a chain link of a kept chain, the filler
        of a kept restriction …). Rules concluding nothing that matters are dropped, and so
        is the reading of their premises.
        """
        # Class expressions (blank nodes) are never kept by name, only for what they feed.
        classes = {c for c in self.classes() if keep(c)} | set(self.disjoint)
        props = {p for p in self.properties() if keep(p)}
        changed = True
        while changed:
            size = len(classes) + len(props)
            for c, sups in self.super_classes.items():
                if sups & classes:
                    classes.add(c)
            for c, p, v in self.has_value:
                if p in props:
                    classes.add(c)
                if c in classes:
                    props.add(p)
            for c, members in self.intersections:
                if c in classes:
                    classes.update(members)
            for c, p, f in self.some_values:
                if c in classes:
                    props.add(p)
                    if f is not None:
                        classes.add(f)
            for c, p, f in self.all_values:
                if f in classes:
                    classes.add(c)
                    props.add(p)
            for p, sups in self.super_properties.items():
                if sups & props:
                    props.add(p)
            for table in (self.domains, self.ranges):
                for p, cs in table.items():
                    if cs & classes:
                        props.add(p)
            for p, qs in self.inverses.items():
                if qs & props:
                    props.add(p)
            for result, first, second in self.chains:
                if result in props:
                    props.update((first, second))
            changed = len(classes) + len(props) != size
        out = RuleSet(profile=self.profile)
        out.super_classes = {
            c: frozenset(d for d in sups if d in classes)
            for c, sups in self.super_classes.items()
            if c in classes
        }
        out.super_properties = {
            p: frozenset(q for q in sups if q in props)
            for p, sups in self.super_properties.items()
            if p in props
        }
        for name in ("domains", "ranges"):
            for p, cs in getattr(self, name).items():
                kept = {c for c in cs if c in classes}
                if p in props and kept:
                    getattr(out, name)[p] = kept
        for p, qs in self.inverses.items():
            kept = {q for q in qs if q in props}
            if p in props and kept:
                out.inverses[p] = kept
        out.transitive = self.transitive & props
        out.symmetric = self.symmetric & props
        out.chains = [ch for ch in self.chains if ch[0] in props]
        out.some_values = [r for r in self.some_values if r[0] in classes]
        out.all_values = [r for r in self.all_values if r[2] in classes]
        out.has_value = [r for r in self.has_value if r[0] in classes or r[1] in props]
        out.intersections = [r for r in self.intersections if r[0] in classes]
        out.one_of = [r for r in self.one_of if r[0] in classes]
        out.disjoint = self.disjoint
        out.aux = self.aux
        return out

    def rule_count(self) -> int:
        """How many axioms became rules (for messages)."""
        return (
            sum(len(v) for v in self.super_classes.values())
            + sum(len(v) for v in self.super_properties.values())
            + sum(len(v) for v in self.domains.values())
            + sum(len(v) for v in self.ranges.values())
            + sum(len(v) for v in self.inverses.values())
            + len(self.transitive)
            + len(self.symmetric)
            + len(self.chains)
            + len(self.some_values)
            + len(self.all_values)
            + len(self.has_value)
            + len(self.intersections)
            + len(self.one_of)
        )

    def mapped(self, fn: Callable[[Node], object]) -> RuleSet:
        """The same rules over other term objects (pyoxigraph's), converted by ``fn``."""
        memo: dict[Node, object] = {}

        def f(term: Node | None) -> object:
            if term is None:
                return None
            if term not in memo:
                memo[term] = fn(term)
            return memo[term]

        out = RuleSet(profile=self.profile)
        out.super_classes = {
            f(k): frozenset(f(v) for v in vs) for k, vs in self.super_classes.items()
        }  # type: ignore[misc]
        out.super_properties = {
            f(k): frozenset(f(v) for v in vs) for k, vs in self.super_properties.items()
        }  # type: ignore[misc]
        for name in ("domains", "ranges", "inverses", "disjoint"):
            target = getattr(out, name)
            for k, vs in getattr(self, name).items():
                target[f(k)] = {f(v) for v in vs}
        out.transitive = {f(p) for p in self.transitive}  # type: ignore[misc]
        out.symmetric = {f(p) for p in self.symmetric}  # type: ignore[misc]
        out.chains = [(f(a), f(b), f(c)) for a, b, c in self.chains]  # type: ignore[misc]
        out.some_values = [(f(a), f(b), f(c)) for a, b, c in self.some_values]  # type: ignore[misc]
        out.all_values = [(f(a), f(b), f(c)) for a, b, c in self.all_values]  # type: ignore[misc]
        out.has_value = [(f(a), f(b), f(c)) for a, b, c in self.has_value]  # type: ignore[misc]
        out.intersections = [(f(c), tuple(f(m) for m in ms)) for c, ms in self.intersections]  # type: ignore[misc]
        out.one_of = [(f(c), tuple(f(m) for m in ms)) for c, ms in self.one_of]  # type: ignore[misc]
        out.aux = {f(p) for p in self.aux}  # type: ignore[misc]
        return out

    def properties(self) -> set[Node]:
        """Every property some rule reads or writes."""
        props: set[Node] = set(self.super_properties)
        for sups in self.super_properties.values():
            props |= sups
        props |= set(self.domains) | set(self.ranges) | set(self.inverses)
        for qs in self.inverses.values():
            props |= qs
        props |= self.transitive | self.symmetric
        for result, first, second in self.chains:
            props |= {result, first, second}
        props |= {p for _, p, _ in self.some_values}
        props |= {p for _, p, _ in self.all_values}
        props |= {p for _, p, _ in self.has_value}
        return props - self.aux

    def classes(self) -> set[Node]:
        """Every named class some rule reads or writes."""
        found: set[Node] = set(self.super_classes)
        for sups in self.super_classes.values():
            found |= sups
        for values in (self.domains, self.ranges):
            for cs in values.values():
                found |= cs
        for c, _, f in self.some_values:
            found |= {c} | ({f} if f is not None else set())
        for c, _, f in self.all_values:
            found |= {c, f}
        found |= {c for c, _, _ in self.has_value}
        for c, members in self.intersections:
            found |= {c, *members}
        found |= {c for c, _ in self.one_of}
        found |= set(self.disjoint)
        return {c for c in found if isinstance(c, URIRef)}

    def full_properties(self) -> set[Node]:
        """Properties whose triples the engine needs in full (not only their subjects)."""
        full: set[Node] = set()
        for p, sups in self.super_properties.items():
            if sups:
                full |= {p} | sups
        for p, qs in self.inverses.items():
            full |= {p} | qs
        full |= self.transitive | self.symmetric
        for result, first, second in self.chains:
            full |= {result, first, second}
        full |= {p for _, p, _ in self.some_values}
        full |= {p for _, p, _ in self.all_values}
        full |= {p for _, p, _ in self.has_value}
        return full - self.aux


#: Scopes of what ``ckg reason`` writes: the ckg vocabulary only, or every consequence.
SCOPES: tuple[str, ...] = ("ckg", "all")


def in_scope(scope: str) -> Callable[[Node], bool]:
    """Whether a class or property's consequences are written under ``scope``."""
    if scope == "all":
        return lambda term: True
    if scope == "ckg":
        return lambda term: isinstance(term, URIRef) and str(term).startswith(CKG_NS)
    raise UsageError(f"--scope {scope!r} is unknown: use one of {', '.join(SCOPES)}")


def scoped_rules(tbox: Graph, profile: str, scope: str) -> tuple[RuleSet, set[Node] | None]:
    """The rules for ``profile`` pruned to ``scope``, and the terms whose consequences are
    written (None: all)."""
    rules = compile_rules(tbox, profile)
    if scope == "all":
        return rules, None
    keep = in_scope(scope)
    rules = rules.scoped(keep)
    return rules, {t for t in rules.classes() | rules.properties() if keep(t)}


def bundled_ontology() -> Graph:
    """The ontology shipped with the package (``kg.ontology/conflict.ttl``) as a graph."""
    text = files("kg.ontology").joinpath("conflict.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def compile_rules(tbox: Graph, profile: str = "owlrl") -> RuleSet:
    """Turn the axioms of ``tbox`` into indexed rules for the ``profile`` asked for."""
    if profile not in PROFILES:
        raise UsageError(f"--profile {profile!r} is unknown: use one of {', '.join(PROFILES)}")
    owl = profile == "owlrl"
    rules = RuleSet(profile=profile)
    sub_class: dict[Node, set[Node]] = defaultdict(set)
    sub_prop: dict[Node, set[Node]] = defaultdict(set)

    for c, d in tbox.subject_objects(RDFS.subClassOf):
        sub_class[c].add(d)
    for p, q in tbox.subject_objects(RDFS.subPropertyOf):
        sub_prop[p].add(q)
    for p, c in tbox.subject_objects(RDFS.domain):
        rules.domains[p].add(c)
    for p, c in tbox.subject_objects(RDFS.range):
        # A datatype range (xsd:date) says nothing about resources.
        if not _is_datatype(c):
            rules.ranges[p].add(c)

    if owl:
        for c, d in tbox.subject_objects(OWL.equivalentClass):
            sub_class[c].add(d)
            sub_class[d].add(c)
        for p, q in tbox.subject_objects(OWL.equivalentProperty):
            sub_prop[p].add(q)
            sub_prop[q].add(p)
        for p, q in tbox.subject_objects(OWL.inverseOf):
            rules.inverses[p].add(q)
            rules.inverses[q].add(p)
        rules.transitive = set(tbox.subjects(RDF.type, OWL.TransitiveProperty))
        rules.symmetric = set(tbox.subjects(RDF.type, OWL.SymmetricProperty))
        for result, head in tbox.subject_objects(OWL.propertyChainAxiom):
            links = list(Collection(tbox, head))
            _add_chain(rules, result, links)
        for c, head in tbox.subject_objects(OWL.intersectionOf):
            members = tuple(Collection(tbox, head))
            rules.intersections.append((c, members))
            for m in members:
                sub_class[c].add(m)
        for c, head in tbox.subject_objects(OWL.unionOf):
            for m in Collection(tbox, head):
                sub_class[m].add(c)
        for c, head in tbox.subject_objects(OWL.oneOf):
            rules.one_of.append((c, tuple(Collection(tbox, head))))
        for r, p in tbox.subject_objects(OWL.onProperty):
            svf = tbox.value(r, OWL.someValuesFrom)
            if svf is not None:
                rules.some_values.append((r, p, None if svf == OWL.Thing else svf))
            avf = tbox.value(r, OWL.allValuesFrom)
            if avf is not None:
                rules.all_values.append((r, p, avf))
            hv = tbox.value(r, OWL.hasValue)
            if hv is not None:
                rules.has_value.append((r, p, hv))
        for a, b in tbox.subject_objects(OWL.disjointWith):
            rules.disjoint[a].add(b)
            rules.disjoint[b].add(a)
        for group in tbox.subjects(RDF.type, OWL.AllDisjointClasses):
            head = tbox.value(group, OWL.members)
            members = list(Collection(tbox, head)) if head is not None else []
            for a in members:
                for b in members:
                    if a != b:
                        rules.disjoint[a].add(b)

    rules.super_classes = _transitive_closure(sub_class)
    rules.super_properties = _transitive_closure(sub_prop)
    return rules


def _is_datatype(node: Node) -> bool:
    return str(node).startswith(("http://www.w3.org/2001/XMLSchema#", str(RDFS.Literal))) or str(
        node
    ) in {
        str(RDF.PlainLiteral),
        str(RDF.langString),
        "http://www.opengis.net/ont/geosparql#wktLiteral",
    }


def _add_chain(rules: RuleSet, result: Node, links: list[Node]) -> None:
    # A chain p1 o p2 o ... o pn is split into two-link rules through helper properties.
    if len(links) < 2:
        return  # a one-link "chain" is a subproperty axiom; OWL 2 forbids it anyway
    first = links[0]
    for i, link in enumerate(links[1:], start=1):
        target = result if i == len(links) - 1 else URIRef(f"{_AUX}{result}/{i}")
        if target != result:
            rules.aux.add(target)
        rules.chains.append((target, first, link))
        first = target


def _transitive_closure(edges: dict[Node, set[Node]]) -> dict[Node, frozenset[Node]]:
    closed: dict[Node, frozenset[Node]] = {}
    for start in list(edges):
        seen: set[Node] = set()
        stack = list(edges[start])
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            stack.extend(edges.get(n, ()))
        seen.discard(start)
        closed[start] = frozenset(seen)
    return closed


# --------------------------------------------------------------------------------------
# Forward chaining
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clash:
    """An individual that belongs to two classes the ontology declares disjoint.

    ``first_via`` / ``second_via`` name the type the individual was given (asserted, or
    reached through a domain or range) that led to each disjoint class, when it differs.
    """

    individual: Node
    first: Node
    second: Node
    first_via: Node | None = None
    second_via: Node | None = None

    def describe(self, labels: dict[Node, str] | None = None) -> str:
        """The clash in one sentence, with labels where known."""
        labels = labels or {}
        who = _name(self.individual, labels)

        def side(cls: Node, via: Node | None) -> str:
            if via is None or via == cls:
                return _class_name(cls, labels)
            return _class_name(via, labels, kind_of=cls)

        sides = sorted(
            [(self.first, self.first_via), (self.second, self.second_via)],
            key=lambda cv: cv[1] not in (None, cv[0]),
        )
        return (
            f"{who} is {side(*sides[0])} and {side(*sides[1])}, but "
            f"{short_name(sides[0][0])} and {short_name(sides[1][0])} are disjoint"
        )


def _name(node: Node, labels: dict[Node, str]) -> str:
    label = labels.get(node)
    short = short_name(node)
    return f"{short} ({label!r})" if label else short


def _class_name(node: Node, labels: dict[Node, str], kind_of: Node | None = None) -> str:
    label = labels.get(node)
    short = short_name(node)
    if kind_of is not None:
        short += f", a kind of {short_name(kind_of)}"
    if label:
        article = "an" if label[:1].lower() in "aeiou" else "a"
        return f"{article} {label} ({short})"
    return short


def short_name(node: Node) -> str:
    """A compact name for messages: ckg:Term, ckgid:group/jnim, or the N-Triples form."""
    text = str(node)
    if isinstance(node, URIRef):
        for prefix, base in _PREFIXES:
            local = text[len(base) :]
            # Only instance IRIs keep slashes; elsewhere a slash means another namespace.
            if text.startswith(base) and local and (prefix == "ckgid" or "/" not in local):
                return f"{prefix}:{local}"
    return node.n3() if isinstance(node, (URIRef, BNode, Literal)) else text


_PREFIXES = (
    ("ckg", CKG_NS),
    ("ckgid", "https://w3id.org/conflict-kg/id/"),
    ("rdf", str(RDF)),
    ("rdfs", str(RDFS)),
    ("owl", str(OWL)),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("org", "http://www.w3.org/ns/org#"),
    ("sem", "http://semanticweb.cs.vu.nl/2009/11/sem/"),
    ("geo", "http://www.opengis.net/ont/geosparql#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("time", "http://www.w3.org/2006/time#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
)


class _Closure:
    """Semi-naive forward chaining over types and property facts held in memory.

    Terms are interned: every input term is replaced by the one equal object the rules
    already hold, so dictionary lookups succeed on identity instead of calling rdflib's
    (slow, Python-level) ``__eq__``.
    """

    #: Clashes explained in words (the rest are only counted).
    EXPLAIN = 200

    def __init__(
        self,
        rules: RuleSet,
        *,
        literal: type | tuple[type, ...] = Literal,
        iri: type | tuple[type, ...] = URIRef,
        rdf_type: object = RDF.type,
        write: set[object] | None = None,
    ):
        # The engine works on rdflib terms, or on pyoxigraph terms for the embedded store
        # (rules converted with RuleSet.mapped): only these three things differ.
        self._literal = literal
        self._iri = iri
        self._rdf_type = rdf_type
        # Classes and properties whose consequences are written (None: all of them).
        self._write = write
        self.rules = rules
        self.types: dict[Node, set[Node]] = defaultdict(set)
        self.facts: dict[Node, set[tuple[Node, Node]]] = defaultdict(set)
        self.new_types: list[tuple[Node, Node]] = []
        self.new_facts: list[tuple[Node, Node, Node]] = []
        self.clash_keys: set[tuple[Node, Node, Node]] = set()
        self.clashes: list[Clash] = []
        self._type_queue: list[tuple[Node, Node]] = []
        self._fact_queue: list[tuple[Node, Node, Node]] = []
        self._deriving = False
        # Types that follow from a domain or range alone, derived when run() starts.
        self._pending: list[tuple[Node, Node]] = []
        self._terms: dict[Node, Node] = {}

        r = rules
        self._intern_rules()
        # Indexes keyed by what triggers a rule.
        self._hv_by_class: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self._hv_by_prop: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        for c, p, v in r.has_value:
            self._hv_by_class[c].append((p, v))
            self._hv_by_prop[p].append((c, v))
        self._int_by_member: dict[Node, list[tuple[Node, tuple[Node, ...]]]] = defaultdict(list)
        for c, members in r.intersections:
            for m in set(members):
                self._int_by_member[m].append((c, members))
        self._svf_by_filler: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self._svf_by_prop: dict[Node, list[tuple[Node, Node | None]]] = defaultdict(list)
        for c, p, f in r.some_values:
            self._svf_by_prop[p].append((c, f))
            if f is not None:
                self._svf_by_filler[f].append((c, p))
        self._avf_by_class: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self._avf_by_prop: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        for c, p, f in r.all_values:
            self._avf_by_class[c].append((p, f))
            self._avf_by_prop[p].append((c, f))
        self._chain_first: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self._chain_second: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        for result, first, second in r.chains:
            self._chain_first[first].append((result, second))
            self._chain_second[second].append((result, first))
        # Forward (s -> o) and reverse (o -> s) indexes only where a rule joins on them.
        fwd_props = set(r.transitive) | {s for _, _, s in r.chains} | set(self._avf_by_prop)
        rev_props = set(r.transitive) | {f for _, f, _ in r.chains} | set(self._svf_by_prop)
        self._fwd: dict[Node, dict[Node, set[Node]]] = {p: defaultdict(set) for p in fwd_props}
        self._rev: dict[Node, dict[Node, set[Node]]] = {p: defaultdict(set) for p in rev_props}
        self._sup_cls = r.super_classes
        self._sup_prop = r.super_properties
        # Per-class and per-property "anything to do?" flags keep the hot loops short.
        self._type_rules = (
            set(self._hv_by_class)
            | set(self._int_by_member)
            | set(self._svf_by_filler)
            | set(self._avf_by_class)
        )
        self._obj_rules = (
            set(r.ranges) | set(r.inverses) | set(r.symmetric) | set(self._avf_by_prop)
        )
        self._join_rules = (
            set(r.transitive)
            | set(self._chain_first)
            | set(self._chain_second)
            | set(self._svf_by_prop)
            | set(self._hv_by_prop)
        )

    def _intern_rules(self) -> None:
        r = self.rules
        t = self._terms

        def walk(value: object) -> None:
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(k)
                    walk(v)
            elif isinstance(value, (list, tuple, set, frozenset)):
                for v in value:
                    walk(v)
            elif value is not None:
                t.setdefault(value, value)  # type: ignore[arg-type]

        for name in (
            "super_classes",
            "super_properties",
            "domains",
            "ranges",
            "inverses",
            "transitive",
            "symmetric",
            "chains",
            "some_values",
            "all_values",
            "has_value",
            "intersections",
            "one_of",
            "disjoint",
        ):
            walk(getattr(r, name))

    def _i(self, term: Node) -> Node:
        return self._terms.setdefault(term, term)

    # -- input -------------------------------------------------------------------------

    def add_type(self, x: Node, c: Node) -> None:
        """Record an asserted ``x rdf:type c``."""
        self._type(self._i(x), self._i(c))

    def add_fact(self, s: Node, p: Node, o: Node) -> None:
        """Record an asserted ``s p o``."""
        self._fact(self._i(s), self._i(p), self._i(o))

    def add_entailed_type(self, x: Node, c: Node) -> None:
        """Queue ``x rdf:type c`` as a consequence (of a domain or range seen in the store)."""
        self._pending.append((self._i(x), self._i(c)))

    # -- recording ---------------------------------------------------------------------

    def _type(self, x: Node, c: Node) -> None:
        ts = self.types[x]
        if c in ts:
            return
        ts.add(c)
        if self._deriving:
            self.new_types.append((x, c))
        self._type_queue.append((x, c))

    def _fact(self, s: Node, p: Node, o: Node) -> None:
        bucket = self.facts[p]
        key = (s, o)
        if key in bucket:
            return
        bucket.add(key)
        fwd = self._fwd.get(p)
        if fwd is not None:
            fwd[s].add(o)
        rev = self._rev.get(p)
        if rev is not None:
            rev[o].add(s)
        if self._deriving:
            self.new_facts.append((s, p, o))
        self._fact_queue.append((s, p, o))

    # -- running -----------------------------------------------------------------------

    def run(self) -> None:
        """Apply every rule until nothing new follows."""
        self._deriving = True
        for x, c in self._pending:
            self._type(x, c)
        self._pending = []
        for c, individuals in self.rules.one_of:
            for i in individuals:
                self._type(i, c)
        tq, fq = self._type_queue, self._fact_queue
        fire_fact, fire_type = self._fire_fact, self._fire_type
        while tq or fq:
            while fq:
                fire_fact(*fq.pop())
            while tq:
                fire_type(*tq.pop())
        self._deriving = False
        self._explain_clashes()

    def _explain_clashes(self) -> None:
        # Name, for each side of a clash, the given type that implies it: the given types
        # are those of the individual that no rule derived. Only the first EXPLAIN clashes
        # (in IRI order) are explained; the rest are counted.
        keys = sorted(self.clash_keys, key=lambda k: (str(k[0]), str(k[1]), str(k[2])))
        chosen = keys[: self.EXPLAIN]
        who = {k[0] for k in chosen}
        derived: dict[Node, set[Node]] = defaultdict(set)
        if who:
            for x, c in self.new_types:
                if x in who:
                    derived[x].add(c)
        self.clashes = []
        for x, a, b in chosen:
            given = self.types[x] - derived[x]
            vias = []
            for cls in (a, b):
                candidates = sorted(
                    (t for t in given if t == cls or cls in self._sup_cls.get(t, ())),
                    key=lambda t: (-len(self._sup_cls.get(t, ())), str(t)),
                )
                vias.append(candidates[0] if candidates else None)
            self.clashes.append(Clash(x, a, b, vias[0], vias[1]))

    def _fire_type(self, x: Node, c: Node) -> None:
        add = self._type
        for d in self._sup_cls.get(c, ()):
            add(x, d)
        if c in self._type_rules:
            for p, v in self._hv_by_class.get(c, ()):
                self._fact(x, p, v)
            for ic, members in self._int_by_member.get(c, ()):
                ts = self.types[x]
                if all(m in ts for m in members):
                    add(x, ic)
            for sc, p in self._svf_by_filler.get(c, ()):
                for s in list(self._rev[p].get(x, ())):
                    add(s, sc)
            for p, f in self._avf_by_class.get(c, ()):
                for y in list(self._fwd[p].get(x, ())):
                    if not isinstance(y, self._literal):
                        add(y, f)
        others = self.rules.disjoint.get(c)
        if others:
            for d in others & self.types[x]:
                key = (x, c, d) if str(c) < str(d) else (x, d, c)
                self.clash_keys.add(key)

    def _fire_fact(self, s: Node, p: Node, o: Node) -> None:
        r = self.rules
        fact = self._fact
        for q in self._sup_prop.get(p, ()):
            fact(s, q, o)
        for c in r.domains.get(p, ()):
            self._type(s, c)
        literal = isinstance(o, self._literal)
        if not literal and p in self._obj_rules:
            for c in r.ranges.get(p, ()):
                self._type(o, c)
            for q in r.inverses.get(p, ()):
                fact(o, q, s)
            if p in r.symmetric:
                fact(o, p, s)
            for ac, f in self._avf_by_prop.get(p, ()):
                if ac in self.types.get(s, ()):
                    self._type(o, f)
        if p not in self._join_rules:
            return
        if p in r.transitive:
            for z in list(self._fwd[p].get(o, ())):
                fact(s, p, z)
            for w in list(self._rev[p].get(s, ())):
                fact(w, p, o)
        for result, second in self._chain_first.get(p, ()):
            for z in list(self._fwd[second].get(o, ())):
                fact(s, result, z)
        for result, first in self._chain_second.get(p, ()):
            for w in list(self._rev[first].get(s, ())):
                fact(w, result, o)
        for sc, f in self._svf_by_prop.get(p, ()):
            if f is None or f in self.types.get(o, ()):
                self._type(s, sc)
        for hc, v in self._hv_by_prop.get(p, ()):
            if o == v:
                self._type(s, hc)

    # -- results -----------------------------------------------------------------------

    def inferred(self) -> Iterator[tuple[Node, Node, Node]]:
        """The new triples worth writing: no helper properties, no blank-node classes."""
        rdf_type, iri, aux, write = self._rdf_type, self._iri, self.rules.aux, self._write
        for x, c in self.new_types:
            if isinstance(c, iri) and (write is None or c in write):
                yield x, rdf_type, c  # type: ignore[misc]
        for s, p, o in self.new_facts:
            if p not in aux and (write is None or p in write):
                yield s, p, o


class _ConvertedTriples(Sequence[tuple[Node, Node, Node]]):
    """pyoxigraph triples seen as rdflib triples, converted once, when first read."""

    def __init__(self, native: list[tuple[object, object, object]]):
        self._native = native
        self._converted: list[tuple[Node, Node, Node]] | None = None
        self._set: set[tuple[Node, Node, Node]] | None = None

    def _all(self) -> list[tuple[Node, Node, Node]]:
        if self._converted is None:
            from kg.embedded import to_rdflib

            self._converted = [
                (to_rdflib(s), to_rdflib(p), to_rdflib(o))  # type: ignore[misc]
                for s, p, o in self._native
            ]
        return self._converted

    def __len__(self) -> int:
        return len(self._native)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        return self._all()[index]

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        return iter(self._all())

    def __contains__(self, item: object) -> bool:
        if self._set is None:
            self._set = set(self._all())
        return item in self._set


class InferenceResult:
    """What a reasoning run produced and how long it took.

    ``triples`` are rdflib terms; a run on the embedded store keeps pyoxigraph terms
    (``native``) and converts them only when ``triples`` is first asked for.
    """

    def __init__(
        self,
        *,
        profile: str,
        engine: str,
        asserted: int,
        clashes: list[Clash],
        seconds: float,
        triples: list[tuple[Node, Node, Node]] | None = None,
        native: list[tuple[object, object, object]] | None = None,
        rules: int = 0,
        clash_count: int = 0,
        labels: dict[Node, str] | None = None,
        timings: dict[str, float] | None = None,
        scope: str = "ckg",
    ):
        self.profile = profile
        self.scope = scope
        self.engine = engine
        self.asserted = asserted
        self.clashes = clashes
        self.seconds = seconds
        self.rules = rules
        #: All clashes found; ``clashes`` explains only the first ones.
        self.clash_count = clash_count
        self.labels = labels or {}
        self.timings = timings or {}
        self.written = False
        self._triples = triples
        self.native = native

    @property
    def triples(self) -> Sequence[tuple[Node, Node, Node]]:
        """The new triples as rdflib terms (converted on first use; ``len`` is free)."""
        if self._triples is None:
            return _ConvertedTriples(self.native or [])
        return self._triples

    @property
    def count(self) -> int:
        """How many new triples."""
        return len(self.native) if self.native is not None else len(self.triples)

    def counts(self) -> Counter[Node]:
        """Number of new triples per predicate."""
        if self.native is not None:
            native = Counter(p for _, p, _ in self.native)
            return Counter({URIRef(p.value): n for p, n in native.items()})  # type: ignore[attr-defined]
        return Counter(p for _, p, _ in self.triples)

    def clash_messages(self) -> list[str]:
        """Each clash in one sentence."""
        return [c.describe(self.labels) for c in self.clashes]


def infer_graph(
    data: Graph, tbox: Graph | None = None, profile: str = "owlrl", scope: str = "ckg"
) -> InferenceResult:
    """The new triples ``tbox`` (default: the bundled ontology) entails from ``data``.

    Pure and in memory: for tests and for small graphs. ``data`` may contain the tbox too.
    ``scope`` ``ckg`` keeps consequences in the ckg vocabulary; ``all`` keeps every one.
    """
    t0 = time.perf_counter()
    tbox = tbox if tbox is not None else bundled_ontology()
    # The ontology's own individuals (ckg:Leader a ckg:Role) are asserted data too, as
    # they are when the ontology is loaded into the store's ontology graph.
    source = tbox + data
    rules, write = scoped_rules(source, profile, scope)
    closure = _Closure(rules, write=write)  # type: ignore[arg-type]
    asserted = 0
    classes = rules.classes()
    for s, c in source.subject_objects(RDF.type):
        if c in classes:
            closure.add_type(s, c)
            asserted += 1
    full = rules.full_properties()
    for p in rules.properties():
        for s, o in source.subject_objects(p):
            if p in full:
                closure.add_fact(s, p, o)
            else:
                for c in rules.domains.get(p, ()):
                    closure.add_entailed_type(s, c)
                if not isinstance(o, Literal):
                    for c in rules.ranges.get(p, ()):
                        closure.add_entailed_type(o, c)
            asserted += 1
    closure.run()
    triples = list(closure.inferred())
    return InferenceResult(
        profile=profile,
        engine="rules",
        triples=triples,
        asserted=asserted,
        clashes=closure.clashes,
        clash_count=len(closure.clash_keys),
        seconds=time.perf_counter() - t0,
        rules=rules.rule_count(),
        labels=_labels(source),
        scope=scope,
    )


def owlrl_closure(graph: Graph, profile: str = "owlrl") -> set[tuple[Node, Node, Node]]:
    """The triples the owlrl library adds to ``graph`` (a copy is expanded, not ``graph``)."""
    import owlrl

    if profile not in PROFILES:
        raise UsageError(f"--profile {profile!r} is unknown: use one of {', '.join(PROFILES)}")
    semantics = owlrl.OWLRL_Semantics if profile == "owlrl" else owlrl.RDFS_Semantics
    expanded = Graph()
    for t in graph:
        expanded.add(t)
    owlrl.DeductiveClosure(
        semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(expanded)
    return {t for t in expanded if t not in graph}


def _labels(graph: Graph) -> dict[Node, str]:
    from rdflib.namespace import SKOS

    labels: dict[Node, str] = {}
    for prop in (SKOS.prefLabel, RDFS.label):
        for s, o in graph.subject_objects(prop):
            if isinstance(o, Literal) and (o.language in (None, "en")) and s not in labels:
                labels[s] = str(o)
    return labels


# --------------------------------------------------------------------------------------
# Against a store
# --------------------------------------------------------------------------------------


def store_tbox(store: Store) -> Graph:
    """The ontology the store holds (its ontology graph, else the bundled one) plus simple
    schema axioms found in data graphs (a curator's ``rdfs:subPropertyOf``, say)."""
    names = {str(g.iri) for g in store.graphs()}
    tbox = (
        store.export_graph(ONTOLOGY_GRAPH) if str(ONTOLOGY_GRAPH) in names else bundled_ontology()
    )
    for pred in _SCHEMA_PREDICATES:
        result = store.query(
            "SELECT ?s ?o WHERE { ?s ?p ?o . FILTER(isIRI(?s) && isIRI(?o)) }",
            {"p": pred},
            include_inferred=False,
        )
        for s, o in result.rows:
            if s is not None and o is not None:
                tbox.add((s, pred, o))
    for kind in _PROPERTY_KINDS:
        result = store.query(
            "SELECT ?s WHERE { ?s a ?k . FILTER(isIRI(?s)) }", {"k": kind}, include_inferred=False
        )
        for (s,) in result.rows:
            if s is not None:
                tbox.add((s, RDF.type, kind))
    return tbox


def infer_store(
    store: Store, profile: str = "owlrl", engine: str = "rules", scope: str = "ckg"
) -> InferenceResult:
    """Compute (without writing) what the store's ontology entails from its asserted graphs."""
    keep = in_scope(scope)
    if engine not in ENGINES:
        raise UsageError(f"--engine {engine!r} is unknown: use one of {', '.join(ENGINES)}")
    if profile not in PROFILES:
        raise UsageError(f"--profile {profile!r} is unknown: use one of {', '.join(PROFILES)}")
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    tbox = store_tbox(store)
    if engine == "owlrl":
        graph = asserted_graph(store)
        if (URIRef(CKG_NS + "Event"), RDF.type, OWL.Class) not in graph:
            graph += tbox
        timings["read"] = time.perf_counter() - t0
        added = owlrl_closure(graph, profile)
        # owlrl also writes bookkeeping (error messages as blank nodes, literal typing);
        # only statements about the graph's own resources are kept.
        triples = sorted(
            t
            for t in added
            if not isinstance(t[0], Literal)
            and not str(t[1]).startswith("http://www.daml.org/")
            and (keep(t[2]) if t[1] == RDF.type else keep(t[1]))
        )
        timings["closure"] = time.perf_counter() - t0 - timings["read"]
        rules = compile_rules(tbox, profile)
        return InferenceResult(
            profile=profile,
            engine=engine,
            triples=triples,
            asserted=len(graph),
            clashes=[],
            seconds=time.perf_counter() - t0,
            rules=rules.rule_count(),
            labels=_labels(tbox),
            timings=timings,
            scope=scope,
        )

    rules, write = scoped_rules(tbox, profile, scope)
    db = _native_db(store)
    if db is not None:
        closure, asserted = _feed_native(rules, db, write)
    else:
        closure, asserted = _feed_protocol(rules, store, write)
    timings["read"] = time.perf_counter() - t0
    closure.run()
    inferred = list(closure.inferred())
    timings["closure"] = time.perf_counter() - t0 - timings["read"]
    clashes = closure.clashes
    if db is not None:
        from kg.embedded import to_rdflib

        def back(term: object) -> Node | None:
            return to_rdflib(term) if term is not None else None

        clashes = [
            Clash(
                back(c.individual),
                back(c.first),
                back(c.second),  # type: ignore[arg-type]
                back(c.first_via),
                back(c.second_via),
            )
            for c in clashes
        ]
    labels = _labels(tbox)
    if clashes:
        labels.update(_store_labels(store, {c.individual for c in clashes}))
    return InferenceResult(
        profile=profile,
        engine=engine,
        triples=None if db is not None else inferred,
        native=inferred if db is not None else None,  # type: ignore[arg-type]
        asserted=asserted,
        clashes=clashes,
        clash_count=len(closure.clash_keys),
        seconds=time.perf_counter() - t0,
        rules=rules.rule_count(),
        labels=labels,
        timings=timings,
        scope=scope,
    )


def _native_db(store: Store) -> object | None:
    # The embedded store exposes its pyoxigraph database and native writers; reading and
    # writing pyoxigraph terms directly skips two conversions per term (10x at 100k events).
    db = getattr(store, "db", None)
    try:
        import pyoxigraph as ox
    except ImportError:  # pragma: no cover - pyoxigraph is a dependency
        return None
    if (
        isinstance(db, ox.Store)
        and hasattr(store, "bulk_replace")
        and hasattr(store, "replace_native")
    ):
        return db
    return None


def _feed_protocol(rules: RuleSet, store: Store, write: set[Node] | None) -> tuple[_Closure, int]:
    """Read what the rules need through the Store protocol (SPARQL, rdflib terms)."""
    closure = _Closure(rules, write=write)  # type: ignore[arg-type]
    classes = rules.classes()
    asserted = 0
    for s, c in store.query("SELECT ?s ?c WHERE { ?s a ?c }", include_inferred=False).rows:
        if c in classes and s is not None and not isinstance(s, Literal):
            closure.add_type(s, c)
            asserted += 1
    full = rules.full_properties()
    for p in sorted(full, key=str):
        for s, o in store.query(
            "SELECT ?s ?o WHERE { ?s ?p ?o }", {"p": p}, include_inferred=False
        ).rows:
            if s is not None and o is not None:
                closure.add_fact(s, p, o)
                asserted += 1
    # Properties that only have a domain or a range need only their subjects or objects.
    for p in sorted(set(rules.domains) - full, key=str):
        for (s,) in store.query(
            "SELECT DISTINCT ?s WHERE { ?s ?p ?o }", {"p": p}, include_inferred=False
        ).rows:
            for c in rules.domains[p]:
                closure.add_entailed_type(s, c)
            asserted += 1
    for p in sorted(set(rules.ranges) - full, key=str):
        for (o,) in store.query(
            "SELECT DISTINCT ?o WHERE { ?s ?p ?o . FILTER(!isLiteral(?o)) }",
            {"p": p},
            include_inferred=False,
        ).rows:
            for c in rules.ranges[p]:
                closure.add_entailed_type(o, c)
            asserted += 1
    return closure, asserted


def _feed_native(rules: RuleSet, db: object, write: set[Node] | None) -> tuple[_Closure, int]:
    """Read what the rules need straight from the pyoxigraph database, graph by graph."""
    import pyoxigraph as ox

    from kg.embedded import to_ox

    native = rules.mapped(to_ox)
    closure = _Closure(
        native,
        literal=ox.Literal,
        iri=ox.NamedNode,
        rdf_type=to_ox(RDF.type),
        write=None if write is None else {to_ox(t) for t in write},
    )
    # The derived graph is ckg's own computation from the sources, not an assertion.
    skip = {str(INFERRED_GRAPH), str(META_GRAPH), str(DERIVED_GRAPH)}
    # Staging graphs (ckg extract) hold unreviewed candidates, not data to reason from.
    graphs = [
        g
        for g in db.named_graphs()  # type: ignore[attr-defined]
        if g.value not in skip and not g.value.startswith(STAGING_PREFIX)
    ]
    quads = db.quads_for_pattern  # type: ignore[attr-defined]
    classes = {to_ox(c) for c in rules.classes()}
    full = [to_ox(p) for p in sorted(rules.full_properties(), key=str)]
    domain_only = [to_ox(p) for p in sorted(set(rules.domains) - rules.full_properties(), key=str)]
    range_only = [to_ox(p) for p in sorted(set(rules.ranges) - rules.full_properties(), key=str)]
    rdf_type = to_ox(RDF.type)
    asserted = 0
    add_type, add_fact, entail = closure.add_type, closure.add_fact, closure.add_entailed_type
    for g in graphs:
        for q in quads(None, rdf_type, None, g):
            if q.object in classes:
                add_type(q.subject, q.object)
                asserted += 1
        for p in full:
            for q in quads(None, p, None, g):
                add_fact(q.subject, p, q.object)
                asserted += 1
        for p in domain_only:
            targets = native.domains[p]
            seen: set[object] = set()
            for q in quads(None, p, None, g):
                if q.subject not in seen:
                    seen.add(q.subject)
                    for c in targets:
                        entail(q.subject, c)
            asserted += len(seen)
        for p in range_only:
            targets = native.ranges[p]
            for q in quads(None, p, None, g):
                if not isinstance(q.object, ox.Literal):
                    for c in targets:
                        entail(q.object, c)
                    asserted += 1
    return closure, asserted


def _store_labels(store: Store, nodes: Iterable[Node], limit: int = 50) -> dict[Node, str]:
    labels: dict[Node, str] = {}
    for node in list(nodes)[:limit]:
        if not isinstance(node, URIRef):
            continue
        rows = store.query(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "SELECT ?l WHERE { { ?x skos:prefLabel ?l } UNION { ?x rdfs:label ?l } "
            "FILTER(lang(?l) = '' || langMatches(lang(?l), 'en')) } LIMIT 1",
            {"x": node},
            include_inferred=False,
        ).rows
        if rows and rows[0][0] is not None:
            labels[node] = str(rows[0][0])
    return labels


def asserted_graph(store: Store) -> Graph:
    """Every asserted triple of the store (all graphs but the inferred and meta graphs)."""
    graph = Graph()
    # The derived graph is ckg's own computation from the sources, not an assertion.
    skip = {str(INFERRED_GRAPH), str(META_GRAPH), str(DERIVED_GRAPH)}
    for info in store.graphs():
        if str(info.iri) in skip or str(info.iri).startswith(STAGING_PREFIX):
            continue  # staging graphs (ckg extract) hold unreviewed candidates, not data
        for s, p, o, _g in store.quads(info.iri):
            graph.add((s, p, o))
    return graph


#: Above this many new triples the embedded store is written with its bulk loader.
BULK_WRITE = 20_000


def reason(
    store: Store, profile: str = "owlrl", engine: str = "rules", scope: str = "ckg"
) -> InferenceResult:
    """Recompute the inferred graph: write only the new triples, replacing what was there.

    Clears the store's "stale" mark on the inferred graph. Clashes with disjointness axioms
    are reported in the result, not raised: the triples are still written. On the embedded
    store a large result goes in through the bulk loader: not one transaction, but the
    graph is marked stale until the write has finished, so an interruption shows.
    """
    result = infer_store(store, profile, engine, scope)
    t0 = time.perf_counter()
    source = f"ckg reason --profile {profile} --engine {engine} --scope {scope}"
    title = f"Consequences of the ontology ({profile} profile, {engine} engine, {scope} terms)"
    name = str(INFERRED_GRAPH)
    if result.native is not None:
        import pyoxigraph as ox

        graph = ox.NamedNode(name)
        meta = {name: {"source": source, "title": title}}
        existing = {str(i.iri): i.triples for i in store.graphs()}.get(name, 0)
        # Into an empty graph the bulk loader is fastest. Over an existing graph, deleting
        # it all costs more than everything else (RocksDB deletes quad by quad), so the
        # store's own writer puts in only the difference, in one transaction.
        if existing == 0 and len(result.native) > BULK_WRITE:
            native = result.native
            store.bulk_replace(  # type: ignore[attr-defined]
                [name], lambda: (ox.Quad(s, p, o, graph) for s, p, o in native), meta=meta
            )
        else:
            store.replace_native(  # type: ignore[attr-defined]
                {name: [ox.Triple(s, p, o) for s, p, o in result.native]}, meta=meta
            )
    else:
        store.replace_graph(INFERRED_GRAPH, result.triples, source=source, title=title)
    store.set_meta(INFERRED_GRAPH, STALE_KEY, None)
    result.timings["write"] = time.perf_counter() - t0
    result.seconds += result.timings["write"]
    result.written = True
    return result


def inferred_state(store: Store) -> TypingLiteral["missing", "stale", "fresh"]:
    """Whether the inferred graph is missing, stale (data changed since), or fresh."""
    for info in store.graphs():
        if str(info.iri) == str(INFERRED_GRAPH):
            return "stale" if info.stale else "fresh"
    return "missing"


def stale_warning(store: Store) -> str | None:
    """A one-line warning for ``query run`` when the inferred graph is out of date."""
    if inferred_state(store) == "stale":
        return (
            "warning: the inferred graph is stale (data changed since `ckg reason`); "
            "run `ckg reason` for answers that depend on inference"
        )
    return None


# --------------------------------------------------------------------------------------
# OWL DL consistency with HermiT
# --------------------------------------------------------------------------------------


@dataclass
class ConsistencyReport:
    """What HermiT said of the ontology plus a slice of the data."""

    consistent: bool
    unsatisfiable: list[str]
    explanations: list[str]
    individuals: int
    triples: int
    seconds: float
    truncated: bool = False

    @property
    def ok(self) -> bool:
        """True when consistent and every class can have members."""
        return self.consistent and not self.unsatisfiable

    def lines(self) -> list[str]:
        """The report in words, one finding per line."""
        scope = f"ontology + {self.individuals} individuals ({self.triples} triples)"
        if self.truncated:
            scope += ", a bounded slice of the data"
        out = []
        if self.consistent:
            out.append(f"consistent: HermiT found no contradiction in {scope}")
        else:
            out.append(f"INCONSISTENT: HermiT found a contradiction in {scope}")
            out.extend(f"  - {e}" for e in self.explanations)
            if not self.explanations:
                out.append(
                    "  - no disjointness clash explains it; look for functional properties with "
                    "two values, or an individual outside a closed list (owl:oneOf)"
                )
        for c in self.unsatisfiable:
            out.append(f"UNSATISFIABLE: {c} can have no members")
        return out


def java_executable() -> str | None:
    """The Java runtime HermiT would use, or None."""
    try:
        import owlready2

        configured = getattr(owlready2, "JAVA_EXE", "java")
    except ImportError:  # pragma: no cover - owlready2 is a dependency
        configured = "java"
    return shutil.which(configured) or shutil.which("java")


def check_graph_consistency(
    data: Graph,
    tbox: Graph | None = None,
    *,
    individuals: int | None = None,
    truncated: bool = False,
) -> ConsistencyReport:
    """Run HermiT on ``tbox`` (default: the bundled ontology) plus ``data`` in a fresh World.

    Raises :class:`JavaMissingError` when no Java runtime is installed.
    """
    java = java_executable()
    if java is None:
        raise JavaMissingError(
            "the consistency check needs Java for HermiT and none was found on PATH: "
            "install a Java runtime (e.g. apt-get install default-jre-headless)"
        )
    import owlready2

    t0 = time.perf_counter()
    tbox = tbox if tbox is not None else bundled_ontology()
    merged = Graph()
    for t in tbox:
        merged.add(t)
    for t in data:
        merged.add(t)
    labels = _labels(merged)
    with tempfile.TemporaryDirectory(prefix="ckg-hermit-") as tmp:
        path = Path(tmp) / "check.nt"
        merged.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        owlready2.JAVA_EXE = java
        consistent = True
        unsatisfiable: list[str] = []
        explanations: list[str] = []
        try:
            with onto:
                # xsd:date and geo:wktLiteral are outside HermiT's datatype map.
                owlready2.sync_reasoner_hermit(
                    world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
                )
        except owlready2.OwlReadyInconsistentOntologyError:
            consistent = False
        except owlready2.OwlReadyJavaError as exc:
            first = str(exc).strip().splitlines()
            detail = next(
                (ln for ln in first if "Exception" in ln or "Error" in ln),
                first[-1] if first else "",
            )
            raise ReasoningError(f"HermiT failed: {detail.strip()[:300]}") from exc
        if consistent:
            for cls in world.inconsistent_classes():
                iri = URIRef(cls.iri)
                if iri == OWL.Nothing:
                    continue
                unsatisfiable.append(_class_name(iri, labels))
        else:
            rl = infer_graph(data, tbox)
            explanations = [c.describe({**labels, **rl.labels}) for c in rl.clashes]
        world.close()
    n_individuals = (
        individuals
        if individuals is not None
        else len({s for s in data.subjects() if not isinstance(s, BNode)})
    )
    return ConsistencyReport(
        consistent=consistent,
        unsatisfiable=sorted(unsatisfiable),
        explanations=explanations,
        individuals=n_individuals,
        triples=len(data),
        seconds=time.perf_counter() - t0,
        truncated=truncated,
    )


def consistency_slice(store: Store, limit: int = DEFAULT_CHECK_LIMIT) -> tuple[Graph, int, bool]:
    """A bounded slice of the asserted data for HermiT: at most ``limit`` individuals.

    Actors, memberships and documents come first, then places, then events (the bulk),
    each in IRI order, so the slice is the same from run to run. Each chosen individual
    brings all its asserted triples. Returns (graph, individuals, truncated).
    """
    if limit < 1:
        raise UsageError(f"--limit must be at least 1, not {limit}")
    ckg = CKG_NS
    tiers = [
        [
            ckg + "Actor",
            ckg + "Organization",
            ckg + "ArmedGroup",
            ckg + "Person",
            ckg + "Faction",
            ckg + "Membership",
        ],
        [ckg + "Place"],
        [ckg + "Event"],
    ]
    chosen: list[Node] = []
    seen: set[Node] = set()
    truncated = False
    # Individuals are found through their asserted types, widened by the class hierarchy.
    tbox = store_tbox(store)
    rules = compile_rules(tbox, "rdfs")
    typed: dict[Node, set[Node]] = defaultdict(set)
    for s, c in store.query("SELECT ?s ?c WHERE { ?s a ?c }", include_inferred=False).rows:
        if isinstance(s, URIRef) and not str(s).startswith(CKG_NS):
            typed[s].add(c)
            typed[s] |= rules.super_classes.get(c, frozenset())
    ranked: list[tuple[int, str, Node]] = []
    for s, cs in typed.items():
        names = {str(c) for c in cs}
        tier = next((i for i, tier in enumerate(tiers) if names & set(tier)), len(tiers))
        ranked.append((tier, str(s), s))
    ranked.sort()
    for _, _, s in ranked:
        if s in seen:
            continue
        if len(chosen) >= limit:
            truncated = True
            break
        chosen.append(s)
        seen.add(s)
    graph = Graph()
    for s in chosen:
        for p, o in store.query(
            "SELECT ?p ?o WHERE { ?s ?p ?o }", {"s": s}, include_inferred=False
        ).rows:
            if p is not None and o is not None:
                graph.add((s, p, o))
    return graph, len(chosen), truncated


def check_consistency(store: Store, limit: int = DEFAULT_CHECK_LIMIT) -> ConsistencyReport:
    """HermiT's verdict on the store's ontology plus a slice of at most ``limit`` individuals."""
    if java_executable() is None:
        raise JavaMissingError(
            "the consistency check needs Java for HermiT and none was found on PATH: "
            "install a Java runtime (e.g. apt-get install default-jre-headless)"
        )
    data, n, truncated = consistency_slice(store, limit)
    return check_graph_consistency(data, store_tbox(store), individuals=n, truncated=truncated)


# --------------------------------------------------------------------------------------
# Disjointness as SHACL: the same clash found without Java
# --------------------------------------------------------------------------------------

#: Namespace of the validation shapes (see ontology/shapes.ttl).
SHAPES_NS = "https://w3id.org/conflict-kg/shapes#"


def disjointness_shapes(tbox: Graph | None = None) -> Graph:
    """SHACL shapes generated from the ontology's disjointness axioms, one per pair.

    Each shape targets the instances of one class and forbids them to be instances of the
    other (``sh:not [ sh:class … ]``), following the conventions of ontology/shapes.ttl
    (IRI, rdfs:label, sh:severity, sh:message, ckgsh:fix), so a validator can add them to
    its shapes graph. The data graph must hold the ontology's subclass axioms.
    """
    from rdflib.namespace import SH

    tbox = tbox if tbox is not None else bundled_ontology()
    rules = compile_rules(tbox, "owlrl")
    labels = _labels(tbox)
    shapes = Graph()
    shapes.bind("sh", SH)
    shapes.bind("ckgsh", SHAPES_NS)
    fix = URIRef(SHAPES_NS + "fix")
    done: set[tuple[str, str]] = set()
    for a, others in sorted(rules.disjoint.items(), key=lambda kv: str(kv[0])):
        for b in sorted(others, key=str):
            pair = tuple(sorted((str(a), str(b))))
            if pair in done or not isinstance(a, URIRef) or not isinstance(b, URIRef):
                continue
            done.add(pair)  # type: ignore[arg-type]
            first, second = URIRef(pair[0]), URIRef(pair[1])
            name_a = short_name(first).replace("ckg:", "")
            name_b = short_name(second).replace("ckg:", "")
            shape = URIRef(f"{SHAPES_NS}Disjoint-{name_a}-{name_b}")
            inner = BNode()
            shapes.add((shape, RDF.type, SH.NodeShape))
            shapes.add(
                (shape, RDFS.label, Literal(f"Disjoint classes {name_a} / {name_b}", lang="en"))
            )
            shapes.add((shape, SH.targetClass, first))
            shapes.add((shape, SH["not"], inner))
            shapes.add((inner, SH["class"], second))
            shapes.add((shape, SH.severity, SH.Violation))
            la, lb = labels.get(first, name_a), labels.get(second, name_b)
            shapes.add(
                (
                    shape,
                    SH.message,
                    Literal(
                        f"{{$this}} is both {_article(la)} {la} ({short_name(first)}) and "
                        f"{_article(lb)} {lb} ({short_name(second)}), which the ontology "
                        "declares disjoint.",
                        lang="en",
                    ),
                )
            )
            shapes.add(
                (
                    shape,
                    fix,
                    Literal(
                        f"Give the node one kind only: drop one rdf:type, or split it into two "
                        f"resources (one {la}, one {lb}).",
                        lang="en",
                    ),
                )
            )
    return shapes


def _article(label: str) -> str:
    return "an" if label[:1].lower() in "aeiou" else "a"


def shacl_disjointness(data: Graph, tbox: Graph | None = None) -> list[str]:
    """Disjointness violations in ``data`` found by pySHACL (no Java), one message each."""
    import pyshacl
    from rdflib.namespace import SH

    tbox = tbox if tbox is not None else bundled_ontology()
    shapes = disjointness_shapes(tbox)
    # The ontology goes into the data graph (sh:class follows rdfs:subClassOf there).
    combined = Graph()
    for t in data:
        combined.add(t)
    for t in tbox.triples((None, RDFS.subClassOf, None)):
        combined.add(t)
    conforms, report, _ = pyshacl.validate(combined, shacl_graph=shapes, inference="none")
    if conforms:
        return []
    labels = _labels(combined)
    messages = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        text = str(report.value(result, SH.resultMessage) or "")
        messages.append(
            text.replace("{$this}", _name(focus, labels))
            if "{$this}" in text
            else f"{_name(focus, labels)}: {text}"
        )
    return sorted(messages)
