"""Each result's source graphs and passage for a whole embedded store, by index lookups.

The answers of :func:`kg.validation.sources.attach_sources` — the same graphs in the same
order, the same passages — found through Oxigraph's indexes: its two queries per 400
results took 170 s at 27k results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from kg.embedded import BULK_PENDING_PREFIX
from kg.namespace import CKG
from kg.rdfio import to_ox
from kg.store import Store
from kg.terms import DERIVED_GRAPH, INFERRED_GRAPH, META_GRAPH
from kg.validation.lookups import chunks
from kg.validation.names import short_name
from kg.validation.report import ValidationResult
from kg.validation.sources import Passage, passages_of, passages_query
from kg.validation.sparql.terms import rdflib_term, solutions


def attach_store_sources(
    results: Sequence[ValidationResult],
    store: Store,
    db: ox.Store,
    *,
    rename: Mapping[str, str] | None = None,
    hidden: set[str] | None = None,
) -> None:
    """:func:`kg.validation.sources.attach_sources` for a whole embedded store.

    ``db`` is the embedded store's Oxigraph database; ``rename`` maps graphs to the names
    results give them, ``hidden`` lists graphs left out (see
    :func:`kg.validation.sparql.validate_store_fast`).

    The same graphs in the same order (sorted by IRI: the original's GRAPH ?g walks the
    store's sorted list of named graphs) and the same passage query, asked only for the
    nodes some claim is about.
    """
    pending = BULK_PENDING_PREFIX
    skip = {str(META_GRAPH), str(INFERRED_GRAPH), str(DERIVED_GRAPH), *(hidden or ())}
    rename = rename or {}
    focus = sorted({r.focus for r in results if isinstance(r.focus, URIRef)})
    found: dict[Node, set[str]] = {n: set() for n in focus}
    # The distinct graphs of each focus node, a few thousand nodes per query: Oxigraph
    # walks each node's quads itself (one quads_for_pattern per node, every quad turned
    # into a Python object, took 1.9 s for 5,475 nodes; this, a tenth of that).
    for i in range(0, len(focus), 5000):
        some = " ".join(str(to_ox(n)) for n in focus[i : i + 5000])
        answer = solutions(
            db.query(
                f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?s {{ {some} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            )
        )
        for row in answer:
            g = row[1].value
            if g in skip or (g not in rename and g.startswith(pending)):
                continue
            found[rdflib_term(row[0])].add(rename.get(g, g))
    # In the order of the store's sorted graph names, as the original's GRAPH ?g walks.
    graphs = {
        n: list(dict.fromkeys(short_name(URIRef(g)) for g in sorted(names)))
        for n, names in found.items()
    }
    about = ox.NamedNode(str(CKG.about))
    claimed = {rdflib_term(q.object) for q in db.quads_for_pattern(None, about, None, None)}
    asked = [n for n in focus if n in claimed]
    passages: dict[Node, Passage] = {}
    for chunk in chunks(asked):
        rows = store.query(passages_query(chunk), include_inferred=False).rows
        for n, passage in passages_of(rows):
            passages.setdefault(n, passage)
    for r in results:
        r.graphs = list(graphs.get(r.focus, []))
        if r.focus in passages:
            r.passage, r.document = passages[r.focus]
