"""Where each result comes from: its source graphs and the passage a claim quotes.

Every result of a report names the graphs that assert its focus node (a batch's own
files first) and, where a claim is about the node, the passage and its document. Two
ways to find them, same answers: :func:`attach_sources` by queries (any store, a batch
or a small store), :func:`attach_store_sources` by index lookups on an embedded store
(a whole store's tens of thousands of results).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from kg.embedded import BULK_PENDING_PREFIX, to_ox, to_rdflib
from kg.namespace import CKG
from kg.store import Store
from kg.terms import DERIVED_GRAPH, INFERRED_GRAPH, META_GRAPH
from kg.validation.batch import Batch
from kg.validation.lookups import PREFIXES, chunks, values
from kg.validation.names import short_name
from kg.validation.report import ValidationResult

#: A passage's text and the title (else the IRI) of its document.
Passage = tuple[str, "str | None"]


def passages_query(nodes: Sequence[Node]) -> str:
    """SPARQL for each node's claim passages: ?n ?text ?title ?doc, first passage first."""
    return (
        PREFIXES
        + "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        + f"SELECT ?n ?text ?title ?doc WHERE {{ {values('n', nodes)} "
        "?c ckg:about ?n ; ckg:passage ?p . ?p ckg:text ?text . "
        "OPTIONAL { ?p ckg:inDocument ?doc OPTIONAL { ?doc dcterms:title ?title } } } "
        "ORDER BY ?n ?title ?text"
    )


def _passages(rows: Iterable[object]) -> Iterator[tuple[Node, Passage]]:
    """Each row of :func:`passages_query` as (node, passage), in the rows' order."""
    for row in rows:
        if not isinstance(row, tuple) or len(row) != 4:
            continue
        n, text, title, doc = row
        if n is None:
            continue
        yield n, (str(text), str(title) if title else (str(doc) if doc else None))


def attach_sources(results: list[ValidationResult], store: Store, batch: Batch | None) -> None:
    """Fill in each result's source graphs and, where a claim is about it, its passage."""
    focus = sorted({r.focus for r in results if isinstance(r.focus, URIRef)})
    if not focus:
        return
    graphs: dict[Node, list[str]] = defaultdict(list)
    passages: dict[Node, Passage] = {}
    skip = {str(META_GRAPH), str(INFERRED_GRAPH)}
    for chunk in chunks(focus):
        rows = store.query(
            f"SELECT DISTINCT ?n ?g WHERE {{ {values('n', chunk)} GRAPH ?g {{ ?n ?p ?o }} }}",
            include_inferred=False,
        ).rows
        for n, g in rows:
            if (
                n is not None
                and g is not None
                and str(g) not in skip
                and short_name(g) not in graphs[n]
            ):
                graphs[n].append(short_name(g))
        passage_query = passages_query(chunk)
        answer = store.query(passage_query, include_inferred=False).rows
        for n, passage in _passages(answer):
            passages.setdefault(n, passage)
        if batch is not None:
            # The batch's own claims come first: they are what the curator is adding.
            mine: dict[Node, Passage] = {}
            for n, passage in _passages(batch.union().query(passage_query)):
                mine.setdefault(n, passage)
            passages.update(mine)
    for r in results:
        found = list(batch.graphs_of(r.focus)) if batch is not None else []
        found += [g for g in graphs.get(r.focus, []) if g not in found]
        r.graphs = found
        if r.focus in passages:
            r.passage, r.document = passages[r.focus]


def attach_store_sources(
    results: Sequence[ValidationResult],
    store: Store,
    db: ox.Store,
    *,
    rename: Mapping[str, str] | None = None,
    hidden: set[str] | None = None,
) -> None:
    """:func:`attach_sources` for a whole embedded store, by index lookups.

    ``db`` is the embedded store's Oxigraph database; ``rename`` maps graphs to the names
    results give them, ``hidden`` lists graphs left out (see
    :func:`kg.validation.sparql.validate_store_fast`).

    The same graphs in the same order (sorted by IRI: the original's GRAPH ?g walks the
    store's sorted list of named graphs) and the same passage query, asked only for the nodes some claim
    is about: the original's two queries per 400 results took 170 s at 27k results.
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
        chunk = " ".join(str(to_ox(n)) for n in focus[i : i + 5000])
        answer = db.query(
            f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?s {{ {chunk} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        for row in answer:
            g = row[1].value
            if g in skip or (g not in rename and g.startswith(pending)):
                continue
            node = to_rdflib(row[0])
            if node is not None:
                found[node].add(rename.get(g, g))
    # In the order of the store's sorted graph names, as the original's GRAPH ?g walks.
    graphs = {
        n: list(dict.fromkeys(short_name(URIRef(g)) for g in sorted(names)))
        for n, names in found.items()
    }
    about = ox.NamedNode(str(CKG.about))
    claimed = {to_rdflib(q.object) for q in db.quads_for_pattern(None, about, None, None)}
    asked = [n for n in focus if n in claimed]
    passages: dict[Node, Passage] = {}
    for chunk in chunks(asked):
        answer = store.query(passages_query(chunk), include_inferred=False).rows
        for n, passage in _passages(answer):
            passages.setdefault(n, passage)
    for r in results:
        r.graphs = list(graphs.get(r.focus, []))
        if r.focus in passages:
            r.passage, r.document = passages[r.focus]
