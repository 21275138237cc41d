"""The reference engine: the shapes run by pySHACL over an rdflib graph.

Fine for a batch with its neighbourhood, curated graphs and tens of thousands of events;
a 100k-event store takes many minutes (the SPARQL engine, :mod:`kg.validation.sparql`,
gives the same report in seconds and is held equal to this one by
``tests/test_validate_scale.py``). ``--inference rdfs|owlrl`` needs this engine.
"""

from __future__ import annotations

import time
from typing import Literal as TypingLiteral

from rdflib import Graph

from kg.errors import UsageError
from kg.store import Store
from kg.terms import INFERRED_GRAPH, META_GRAPH, STAGING_PREFIX
from kg.validation.report import Report, set_conforms
from kg.validation.shapes import add_country_bounds, data_graph, shapes_graph
from kg.validation.sources import attach_sources
from kg.validation.wording import build_report

Inference = TypingLiteral["none", "rdfs", "owlrl"]
INFERENCE_CHOICES: tuple[str, ...] = ("none", "rdfs", "owlrl")


def run_shapes(data: Graph, inference: str) -> Graph:
    """Run pyshacl over ``data`` (modified in place); return the report graph."""
    from pyshacl import validate

    if inference not in INFERENCE_CHOICES:
        raise UsageError(
            f"--inference must be one of {', '.join(INFERENCE_CHOICES)}, not {inference!r}"
        )
    _conforms, report_graph, _text = validate(
        data,
        shacl_graph=shapes_graph(),
        inference=None if inference == "none" else inference,
        advanced=True,
        inplace=True,
        allow_warnings=True,
        allow_infos=True,
    )
    return report_graph


def validate_graph(data: Graph, inference: str = "none", *, checked: str = "a graph") -> Report:
    """Validate an in-memory graph (ontology and country bounds are added to a copy)."""
    t0 = time.perf_counter()
    work = data_graph(data)
    report_graph = run_shapes(work, inference)
    results, graph = build_report(
        report_graph, work, checked=checked, triples=len(data), seconds=0.0
    )
    report = Report(results, graph, checked, len(data), time.perf_counter() - t0)
    set_conforms(report)
    return report


def validate_store_pyshacl(store: Store, inference: str = "none") -> Report:
    """Validate everything the store asserts with pySHACL over an in-memory copy.

    The reference implementation: reads the whole store into memory, fine for curated
    graphs and tens of thousands of events (a 100k-event store takes many minutes).
    """
    t0 = time.perf_counter()
    work = data_graph()
    skip = {str(META_GRAPH), str(INFERRED_GRAPH)}
    # Staging graphs (ckg extract) hold unreviewed candidates: they are checked on accept.
    names = [
        info.iri
        for info in store.graphs()
        if str(info.iri) not in skip and not str(info.iri).startswith(STAGING_PREFIX)
    ]
    n = 0
    for name in names:
        quads = list(store.quads(name))
        n += len(quads)
        work.addN((s, p, o, work) for s, p, o, _g in quads)
    # ckg writes only named graphs (the provenance rule for stored data); the default
    # graph, where a batch's graph-less triples would go, is checked by validate_batch.
    add_country_bounds(work)
    report_graph = run_shapes(work, inference)
    results, graph = build_report(report_graph, work, checked="the store", triples=n, seconds=0.0)
    attach_sources(results, store, None)
    report = Report(results, graph, f"the store at {store.location}", n, time.perf_counter() - t0)
    set_conforms(report)
    return report
