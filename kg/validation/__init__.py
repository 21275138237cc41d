"""Validating the store, and batches of new assertions in the context of the store.

Two entry points:

* :func:`validate_store` checks everything the store asserts against ``shapes.ttl``.
* :func:`validate_batch` checks a parsed batch (:func:`parse_batch`) **together with the
  part of the store it touches**, and :func:`commit_batch` then writes the batch's graphs
  in one store transaction; the CLI's ``ckg add`` runs the two in turn and commits only
  when the report does not fail.

Where things live, in the order a reader needs them:

=====================  ================================================================
``shapes.py``          the shapes, the ontology and the country boxes they judge with
``batch.py``           a batch of new assertions (:class:`Batch`, :func:`parse_batch`),
                       its files read by ``ckg load``'s parser (:mod:`kg.rdfio`)
``context.py``         the part of the store a batch touches (its neighbourhood)
``gate.py``            :func:`validate_batch` and :func:`commit_batch`
``engines.py``         :func:`validate_store`: which engine validates the whole store
``pyshacl_engine.py``  the reference engine: pySHACL over an rdflib graph
``sparql/``            the fast engine: the shapes as SPARQL on an Oxigraph checkpoint
``report.py``          :class:`Report` and :class:`ValidationResult`, text/table/JSON
``wording.py``         a ``sh:ValidationReport`` graph into results in words
``sources.py``         each result's source graphs and the passage a claim quotes
``names.py``           how a node is written for a reader (``ckg:…``, labels)
``lookups.py``         queries about many nodes: checked ``VALUES`` blocks, in chunks
``progress.py``        progress lines and timings
=====================  ================================================================

Imports run one way, from the entry points down to ``names.py``; nothing below imports
what is above it.

Example::

    from kg.embedded import open_store
    from kg.validation import parse_batch, validate_batch

    store = open_store(".ckg")
    batch = parse_batch(["new-report.trig"])
    report = validate_batch(store, batch)
    print(report.render("text"))
"""

from __future__ import annotations

from kg.validation.batch import DEFAULT_GRAPH_MARK, Batch, parse_batch
from kg.validation.context import neighbourhood
from kg.validation.engines import ENGINES, validate_store
from kg.validation.gate import commit_batch, validate_batch
from kg.validation.names import CKGSH, short_name
from kg.validation.progress import Progress
from kg.validation.pyshacl_engine import (
    INFERENCE_CHOICES,
    Inference,
    validate_graph,
    validate_store_pyshacl,
)
from kg.validation.report import (
    FORMATS,
    SEVERITIES,
    Report,
    ValidationResult,
    render_json,
    render_table,
    render_text,
    set_conforms,
)
from kg.validation.shapes import (
    CountryBounds,
    add_country_bounds,
    bundled_shapes,
    country_bounds,
    ontology_graph,
    shapes_graph,
)
from kg.validation.sources import passages_query
from kg.validation.sparql import Unsupported, validate_store_fast

__all__ = [
    "CKGSH",
    "DEFAULT_GRAPH_MARK",
    "ENGINES",
    "FORMATS",
    "INFERENCE_CHOICES",
    "SEVERITIES",
    "Batch",
    "CountryBounds",
    "Inference",
    "Progress",
    "Report",
    "Unsupported",
    "ValidationResult",
    "add_country_bounds",
    "bundled_shapes",
    "commit_batch",
    "country_bounds",
    "neighbourhood",
    "ontology_graph",
    "parse_batch",
    "passages_query",
    "render_json",
    "render_table",
    "render_text",
    "set_conforms",
    "shapes_graph",
    "short_name",
    "validate_batch",
    "validate_graph",
    "validate_store",
    "validate_store_fast",
    "validate_store_pyshacl",
]
