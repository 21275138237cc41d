"""Forward chaining: the consequences of a rule set over a graph, held in memory.

:func:`infer_graph` runs kg's semi-naive chainer (``rules`` engine) or the owlrl
library's full closure (``owlrl`` engine, :func:`owlrl_closure`) and returns an
:class:`InferenceResult`: the new triples, counts per predicate, clashes and timings.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import UsageError
from kg.reasoning.clash import Clash, labels_of
from kg.reasoning.rules import PROFILES, RuleSet, bundled_ontology, scoped_rules


class Closure:
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
        for sc, filler in self._svf_by_prop.get(p, ()):
            if filler is None or filler in self.types.get(o, ()):
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

    def __init__(self, native: list[tuple[Any, Any, Any]]):
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
        native: list[tuple[Any, Any, Any]] | None = None,
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
    closure = Closure(rules, write=write)  # type: ignore[arg-type]
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
        labels=labels_of(source),
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
