"""Validating a whole embedded store with the shapes run as SPARQL on Oxigraph itself.

:func:`validate_store_fast` makes a checkpoint (:mod:`~kg.validation.sparql.checkpoint`),
runs every shape through the translator (:mod:`~kg.validation.sparql.translate`), reads
the labels pySHACL's data graph would hold, and words the findings with the same code as
pySHACL's report (:func:`kg.validation.wording.build_report`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import pyoxigraph as ox
from rdflib import RDFS, BNode, Graph, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from kg.rdfio import to_ox, to_rdflib
from kg.rdfio.reading import quiet_rdflib
from kg.store import Store
from kg.terms import INFERRED_GRAPH, META_GRAPH, STAGING_PREFIX
from kg.validation.names import short_name
from kg.validation.progress import Laps, Progress, silent
from kg.validation.report import Report, set_conforms
from kg.validation.shapes import ontology_graph, shapes_graph
from kg.validation.sparql.checkpoint import add_support, checkpoint, count_graph, default_graph
from kg.validation.sparql.findings import Finding, Unsupported, report_graph
from kg.validation.sparql.sources import attach_store_sources
from kg.validation.sparql.translate import Translator
from kg.validation.wording import build_report


def validate_store_fast(
    store: Store,
    *,
    progress: Progress | None = None,
    replaced: Mapping[str, str] | None = None,
) -> Report:
    """Validate every asserted graph of an embedded store with the shapes as SPARQL.

    ``replaced`` maps graphs to the graph holding their next version (a bulk load's
    temporary graph, :meth:`kg.embedded.EmbeddedStore.bulk_replace`): the store is
    validated as it will be, and results name the graphs by their own names.

    Same report as :func:`kg.validation.validate_store` with pySHACL (same focus nodes,
    paths, constraint components, severities and messages). Raises :class:`Unsupported`
    when a shape needs SHACL the translator does not cover or the store is not an
    embedded Oxigraph store.
    """
    db = getattr(store, "db", None)
    if not isinstance(db, ox.Store):
        raise Unsupported("the fast path needs an embedded Oxigraph store")
    say = progress or silent
    laps = Laps()
    t0 = laps.start
    shapes = shapes_graph()
    all_infos = store.graphs()
    skip = {str(META_GRAPH), str(INFERRED_GRAPH)}
    # Staging graphs (ckg extract) hold unreviewed candidates: they are checked on accept.
    infos = [
        info
        for info in all_infos
        if str(info.iri) not in skip and not str(info.iri).startswith(STAGING_PREFIX)
    ]
    swap = {k: v for k, v in (replaced or {}).items() if k != v}
    names = [str(info.iri) for info in infos if str(info.iri) not in swap]
    sizes = {str(info.iri): info.triples for info in all_infos}
    for where in swap.values():
        sizes[where] = count_graph(db, where)
    names = sorted({*names, *swap.values()})
    triples = sum(sizes.get(n, 0) for n in names)
    findings: list[Finding] = []
    laps.lap("setup")
    with checkpoint(db, store.location) as copy:
        add_support(copy, names)
        tr = Translator(copy, default_graph(copy, sizes, names), shapes)
        shape_nodes = tr.shape_nodes()
        laps.lap("checkpoint")
        say(f"validate: {len(shape_nodes)} shapes over {triples:,} triples in {len(names)} graphs")
        last = time.perf_counter()
        for i, shape in enumerate(shape_nodes, start=1):
            t1 = time.perf_counter()
            with quiet_rdflib():  # ill-typed literals are results, not log noise
                found = tr.run_shape(shape)
            findings.extend(found)
            now = time.perf_counter()
            # A line a second at most, and one for any shape that took a second itself.
            if now - t1 >= 1.0 or now - last >= 1.0 or i == len(shape_nodes):
                say(
                    f"validate: {i}/{len(shape_nodes)} shapes, {len(findings):,} results so "
                    f"far ({now - t0:.1f} s; {short_name(shape)} {now - t1:.1f} s)"
                )
                last = now
        laps.lap("shapes")
        nodes = {f.focus for f in findings} | {f.value for f in findings if f.value is not None}
        with quiet_rdflib():
            labels = label_graph(copy, names, nodes, ontology_graph())
        laps.lap("labels")
    say(f"validate: wording {len(findings):,} results")
    graph = report_graph(findings, shapes)
    with quiet_rdflib():
        results, graph = build_report(
            graph, labels, checked="the store", triples=triples, seconds=0.0
        )
    laps.lap("report")
    rename = {v: k for k, v in swap.items()}
    attach_store_sources(results, store, db, rename=rename, hidden=set(swap))
    laps.lap("sources")
    report = Report(
        results,
        graph,
        f"the store at {store.location}",
        triples,
        laps.elapsed(),
        timings=laps.timings,
    )
    set_conforms(report)
    return report


def label_graph(db: ox.Store, graphs: Sequence[str], nodes: set[Node], ontology: Graph) -> Graph:
    """The labels of ``nodes`` in the order pySHACL's data graph holds them.

    The reference data graph is the ontology, then each graph in ``graphs`` order with its
    quads in store order; a node with two English labels must be named by the same one
    (:func:`kg.validation.names.label` takes the first).
    """
    out = Graph()
    props = (RDFS.label, SKOS.prefLabel)
    wanted = [n for n in nodes if isinstance(n, (URIRef, BNode))]
    for n in wanted:
        for p in props:
            for o in ontology.objects(n, p):
                out.add((n, p, o))
    ox_props = [(prop, ox.NamedNode(str(prop))) for prop in props]
    rank = {name: i for i, name in enumerate(graphs)}
    for n in wanted:
        subject = to_ox(n)
        for prop, ox_prop in ox_props:
            found = [
                (rank[q.graph_name.value], i, q.object)
                for i, q in enumerate(db.quads_for_pattern(subject, ox_prop, None, None))
                if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in rank
            ]
            # Graph by graph, each in store order: one lookup per node instead of one per graph.
            for _rank, _i, obj in sorted(found, key=lambda t: (t[0], t[1])):
                value = to_rdflib(obj)
                if value is not None:
                    out.add((n, prop, value))
    return out
