"""Reasoning against a store: read what the rules can touch, write the inferred graph.

:func:`reason` recomputes :data:`kg.terms.INFERRED_GRAPH` with only the new triples; on
the embedded store the facts are read straight from pyoxigraph and written back natively.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Literal as TypingLiteral
from typing import cast

from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from kg.errors import UsageError
from kg.reasoning.clash import Clash, labels_of
from kg.reasoning.closure import Closure, InferenceResult, owlrl_closure
from kg.reasoning.rules import (
    ENGINES,
    PROFILES,
    PROPERTY_KINDS,
    SCHEMA_PREDICATES,
    RuleSet,
    bundled_ontology,
    compile_rules,
    in_scope,
    scoped_rules,
)
from kg.store import Store
from kg.terms import (
    CKG_NS,
    DERIVED_GRAPH,
    INFERRED_GRAPH,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    STAGING_PREFIX,
    sparql_prefixes,
)

#: Meta key the store sets on the inferred graph when asserted data changed since.
STALE_KEY = "stale"


def store_tbox(store: Store) -> Graph:
    """The ontology the store holds (its ontology graph, else the bundled one) plus simple
    schema axioms found in data graphs (a curator's ``rdfs:subPropertyOf``, say)."""
    names = {str(g.iri) for g in store.graphs()}
    tbox = (
        store.export_graph(ONTOLOGY_GRAPH) if str(ONTOLOGY_GRAPH) in names else bundled_ontology()
    )
    for pred in SCHEMA_PREDICATES:
        result = store.query(
            "SELECT ?s ?o WHERE { ?s ?p ?o . FILTER(isIRI(?s) && isIRI(?o)) }",
            {"p": pred},
            include_inferred=False,
        )
        for s, o in result.rows:
            if s is not None and o is not None:
                tbox.add((s, pred, o))
    for kind in PROPERTY_KINDS:
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
            labels=labels_of(tbox),
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

        def node(term: object) -> Node:
            found = to_rdflib(term)
            assert found is not None  # individuals and classes are terms, never a graph
            return found

        clashes = [
            Clash(
                node(c.individual),
                node(c.first),
                node(c.second),
                back(c.first_via),
                back(c.second_via),
            )
            for c in clashes
        ]
    labels = labels_of(tbox)
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


def _feed_protocol(rules: RuleSet, store: Store, write: set[Node] | None) -> tuple[Closure, int]:
    """Read what the rules need through the Store protocol (SPARQL, rdflib terms)."""
    closure = Closure(rules, write=write)  # type: ignore[arg-type]
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
            if s is None:
                continue
            for c in rules.domains[p]:
                closure.add_entailed_type(s, c)
            asserted += 1
    for p in sorted(set(rules.ranges) - full, key=str):
        for (o,) in store.query(
            "SELECT DISTINCT ?o WHERE { ?s ?p ?o . FILTER(!isLiteral(?o)) }",
            {"p": p},
            include_inferred=False,
        ).rows:
            if o is None:
                continue
            for c in rules.ranges[p]:
                closure.add_entailed_type(o, c)
            asserted += 1
    return closure, asserted


def _feed_native(rules: RuleSet, db: object, write: set[Node] | None) -> tuple[Closure, int]:
    """Read what the rules need straight from the pyoxigraph database, graph by graph."""
    import pyoxigraph as ox

    from kg.embedded import to_ox

    native = rules.mapped(to_ox)
    closure = Closure(
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


_LABEL = sparql_prefixes("skos", "rdfs") + (
    "SELECT ?l WHERE { { ?x skos:prefLabel ?l } UNION { ?x rdfs:label ?l } "
    "FILTER(lang(?l) = '' || langMatches(lang(?l), 'en')) } LIMIT 1"
)


def _store_labels(store: Store, nodes: Iterable[Node], limit: int = 50) -> dict[Node, str]:
    labels: dict[Node, str] = {}
    for node in list(nodes)[:limit]:
        if not isinstance(node, URIRef):
            continue
        rows = store.query(_LABEL, {"x": node}, include_inferred=False).rows
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
    store a large result goes in through the bulk loader (:meth:`EmbeddedStore.bulk_replace`:
    loaded beside, switched in one transaction); the graph stays marked stale until the
    write has finished, so an interruption shows.
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
        # rdflib's terms (URIRef, BNode, Literal) are the Identifiers a store takes.
        triples = cast("Sequence[tuple[Identifier, Identifier, Identifier]]", result.triples)
        store.replace_graph(INFERRED_GRAPH, triples, source=source, title=title)
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
