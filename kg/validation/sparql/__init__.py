"""The SPARQL engine: the shapes run as SPARQL on Oxigraph itself (``--engine sparql``).

pySHACL over an rdflib copy of the store does not finish a 100k-event store in five
minutes (PITFALLS.md); this engine gives the same report in seconds. It translates each
shape of :func:`kg.validation.shapes_graph` into SPARQL queries — one generic translation
per constraint component the shapes use, never one hand-written query per shape — and
runs them on a checkpoint of the store:

* :mod:`~kg.validation.sparql.checkpoint`: the data pySHACL sees is the store's asserted
  graphs **plus** the bundled ontology and the country bounding boxes
  (:func:`kg.validation.shapes.data_graph`). The checkpoint (RocksDB hard links,
  milliseconds) receives those extra triples in a graph of its own, so the store itself
  is never written and a concurrent writer is not seen half-way.
* :mod:`~kg.validation.sparql.translate`: each constraint component as SPARQL;
  :mod:`~kg.validation.sparql.rewrite`: the query text in the order Oxigraph joins fast.
* :mod:`~kg.validation.sparql.verdicts`: where SPARQL and pySHACL could disagree on a
  literal (an ill-typed date, a year 0, a time zone, a string compared with a date), the
  query only *selects candidates*: every value SPARQL cannot prove fine comes back to
  Python and is judged by pySHACL's own rules (``_assert_actual_datatype``,
  ``compare_literal``).
* :mod:`~kg.validation.sparql.findings`: the rows become the same
  ``sh:ValidationReport`` graph pySHACL builds, which goes through the same
  :func:`kg.validation.wording.build_report`, so messages, labels and fixes are worded
  identically. ``tests/test_validate_scale.py`` holds both to the same results.
* :mod:`~kg.validation.sparql.sources`: each result's source graphs and passage, by
  index lookups; :mod:`~kg.validation.sparql.terms`: terms between Oxigraph and rdflib.
* :mod:`~kg.validation.sparql.engine`: :func:`validate_store_fast`, the whole run.

A shape using anything else makes :func:`validate_store_fast` raise :class:`Unsupported`;
:func:`kg.validation.validate_store` then falls back to pySHACL. One deliberate difference:
where ``sh:lessThan(OrEquals)`` meets two values Python cannot compare (an ill-typed date
against a date), pySHACL raises ``TypeError`` and reports nothing; here that pair is a
result, as the SHACL specification says.

Example::

    from kg.embedded import open_store
    from kg.validation.sparql import validate_store_fast

    with open_store(".ckg") as store:
        report = validate_store_fast(store, progress=print)
        print(report.render("text"))
"""

from __future__ import annotations

from kg.validation.sparql.checkpoint import SUPPORT_GRAPH, checkpoint, support_triples
from kg.validation.sparql.engine import label_graph, validate_store_fast
from kg.validation.sparql.findings import Finding, Unsupported, report_graph
from kg.validation.sparql.rewrite import join_order
from kg.validation.sparql.translate import Translator, path_sparql

__all__ = [
    "SUPPORT_GRAPH",
    "Finding",
    "Translator",
    "Unsupported",
    "checkpoint",
    "join_order",
    "label_graph",
    "path_sparql",
    "report_graph",
    "support_triples",
    "validate_store_fast",
]
