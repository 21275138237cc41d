"""The gate: a batch judged in the context of the store, then committed whole.

:func:`validate_batch` validates a batch together with the part of the store it touches
(:func:`kg.validation.context.neighbourhood`); results the store already had are marked
pre-existing and do not block. :func:`commit_batch` writes the batch's graphs in one
store transaction; ``ckg add`` runs the two in turn and commits only when the report
does not fail.
"""

from __future__ import annotations

import time

from rdflib import Graph, Literal, URIRef

from kg.errors import UsageError
from kg.store import Store
from kg.terms import INFERRED_GRAPH
from kg.validation.batch import DEFAULT_GRAPH_MARK, Batch
from kg.validation.context import neighbourhood
from kg.validation.names import CKGSH
from kg.validation.pyshacl_engine import run_shapes
from kg.validation.report import Report, remove_from_graph, set_conforms
from kg.validation.shapes import data_graph, ontology_graph
from kg.validation.sources import attach_sources
from kg.validation.wording import build_report


def validate_batch(store: Store, batch: Batch, inference: str = "none") -> Report:
    """Validate ``batch`` together with the part of the store it touches.

    Results on the store's own nodes that the batch merely touches, and that the store
    already had, are marked ``preexisting`` and do not make the report fail.
    """
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    context, _impacted = neighbourhood(store, batch)
    timings["context"] = time.perf_counter() - t0
    markers = Graph()
    for s in set(batch.default.subjects()):
        markers.add((s, CKGSH.assertedIn, DEFAULT_GRAPH_MARK))
    work = data_graph(context, batch.union(), markers)
    checked_triples = len(work) - len(ontology_graph())
    t1 = time.perf_counter()
    timings["graph"] = t1 - t0 - timings["context"]
    report_graph = run_shapes(work, inference)
    timings["shapes"] = time.perf_counter() - t1
    # Results on impacted store nodes are kept but flagged: "broken by this batch".
    results, graph = build_report(
        report_graph,
        work,
        checked="",
        triples=checked_triples,
        seconds=0.0,
        batch_nodes=batch.nodes(),
    )
    # Nodes at the edge of the context (referenced, never described) are not judged: with
    # --inference a range axiom can type them, but their triples were not fetched.
    known = set(context.subjects())
    judged = batch.nodes() | known
    outside = [r for r in results if r.focus not in judged]
    if outside:
        remove_from_graph(graph, outside)
        results = [r for r in results if r.focus in judged]
    # A result may be the store's own, older than the batch: find out by validating the
    # context alone, only when some result concerns a node the store already describes.
    if any(r.focus in known for r in results):
        t2 = time.perf_counter()
        base = data_graph(context)
        base_results, _ = build_report(
            run_shapes(base, inference), base, checked="", triples=0, seconds=0.0
        )
        before = {r.key() for r in base_results}
        for r in results:
            r.preexisting = r.key() in before
        # The Turtle report lists what the batch causes; pre-existing results stay in the
        # text and JSON renderings, marked as such.
        remove_from_graph(graph, [r for r in results if r.preexisting])
        timings["baseline"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    attach_sources(results, store, batch)
    timings["sources"] = time.perf_counter() - t3
    files_text = ", ".join(batch.files)
    report = Report(
        results,
        graph,
        f"batch {files_text} with the store at {store.location}",
        checked_triples,
        time.perf_counter() - t0,
        context_triples=len(context),
        timings=timings,
    )
    set_conforms(report)
    return report


def commit_batch(store: Store, batch: Batch, *, source: str | None = None) -> dict[URIRef, int]:
    """Add the batch's graphs to the store in one transaction; return triples per graph.

    Triples outside any named graph cannot be committed: validate first (the provenance
    shape rejects them), or give ``--graph``. The inferred graph is marked stale.
    """
    if len(batch.default):
        raise UsageError(
            f"{len(batch.default)} triples are in no named graph: write TriG with GRAPH blocks "
            "or pass --graph IRI"
        )
    adder = getattr(store, "add_to_graphs", None)
    if callable(adder):
        # EmbeddedStore.add_to_graphs: one transaction that also marks graph/inferred stale.
        return dict(adder(batch.graphs, source=source))
    else:
        # Additive commit over replace_graphs: each touched graph's old content plus the
        # batch, swapped in one transaction.
        merged: dict[URIRef, Graph] = {}
        existing = {str(info.iri) for info in store.graphs()}
        for iri, g in batch.graphs.items():
            new = Graph()
            if str(iri) in existing:
                new += store.export_graph(iri)
            new += g
            merged[iri] = new
        store.replace_graphs(merged, source=source)
        counts = {iri: len(g) for iri, g in merged.items()}
    if any(str(info.iri) == str(INFERRED_GRAPH) for info in store.graphs()):
        store.set_meta(INFERRED_GRAPH, "stale", Literal(True))
    return dict(counts)
