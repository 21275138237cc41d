"""The OWL 2 RL rules an ontology gives rise to, compiled for the forward chainer.

:func:`compile_rules` reads the ontology's axioms (subclass, subproperty, domain, range,
inverse, symmetric, transitive, property chains, class expressions, disjointness) into a
:class:`RuleSet`; scope ``ckg`` prunes it to the rules that can lead to a consequence in
the ckg vocabulary (:func:`scoped_rules`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.errors import CkgError, UsageError
from kg.terms import CKG_NS

#: Reasoning profiles: ``rdfs`` (subclass, subproperty, domain, range) or ``owlrl``.
PROFILES: tuple[str, ...] = ("owlrl", "rdfs")
#: Engines: kg's targeted rule engine, or the owlrl library's full closure.
ENGINES: tuple[str, ...] = ("rules", "owlrl")

# Prefix of the helper properties that split property chains longer than two links.
_AUX = "urn:x-kg:chain-link:"

SCHEMA_PREDICATES = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.inverseOf,
    OWL.disjointWith,
)
PROPERTY_KINDS = (OWL.TransitiveProperty, OWL.SymmetricProperty)


class ReasoningError(CkgError):
    """Reasoning could not run: an unknown profile, a reasoner that failed (exit 3)."""


class JavaMissingError(ReasoningError):
    """HermiT needs a Java runtime and none was found (exit 3)."""


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
        memo: dict[Node, Any] = {}

        # The mapped rules hold pyoxigraph terms where the type says rdflib's: Any.
        def f(term: Node | None) -> Any:
            if term is None:
                return None
            if term not in memo:
                memo[term] = fn(term)
            return memo[term]

        out = RuleSet(profile=self.profile)
        out.super_classes = {
            f(k): frozenset(f(v) for v in vs) for k, vs in self.super_classes.items()
        }
        out.super_properties = {
            f(k): frozenset(f(v) for v in vs) for k, vs in self.super_properties.items()
        }
        for name in ("domains", "ranges", "inverses", "disjoint"):
            target = getattr(out, name)
            for k, vs in getattr(self, name).items():
                target[f(k)] = {f(v) for v in vs}
        out.transitive = {f(p) for p in self.transitive}
        out.symmetric = {f(p) for p in self.symmetric}
        out.chains = [(f(a), f(b), f(c)) for a, b, c in self.chains]
        out.some_values = [(f(a), f(b), f(c)) for a, b, c in self.some_values]
        out.all_values = [(f(a), f(b), f(c)) for a, b, c in self.all_values]
        out.has_value = [(f(a), f(b), f(c)) for a, b, c in self.has_value]
        out.intersections = [(f(c), tuple(f(m) for m in ms)) for c, ms in self.intersections]
        out.one_of = [(f(c), tuple(f(m) for m in ms)) for c, ms in self.one_of]
        out.aux = {f(p) for p in self.aux}
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
            first = tbox.value(group, OWL.members)
            disjoint = list(Collection(tbox, first)) if first is not None else []
            for a in disjoint:
                for b in disjoint:
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
