"""Where each result comes from: its source graphs and the passage a claim quotes.

Every result of a report names the graphs that assert its focus node (a batch's own
files first) and, where a claim is about the node, the passage and its document.
:func:`attach_sources` finds them by queries (any store, a batch or a small store); the
SPARQL engine has a faster way to the same answers for a whole embedded store
(:mod:`kg.validation.sparql.sources`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from rdflib import URIRef
from rdflib.term import Node

from kg.store import Store
from kg.terms import INFERRED_GRAPH, META_GRAPH, sparql_prefixes
from kg.validation.batch import Batch
from kg.validation.lookups import chunks, values
from kg.validation.names import short_name
from kg.validation.report import ValidationResult

#: A passage's text and the title (else the IRI) of its document.
Passage = tuple[str, "str | None"]


def passages_query(nodes: Sequence[Node]) -> str:
    """SPARQL for each node's claim passages: ?n ?text ?title ?doc, first passage first."""
    return (
        sparql_prefixes("ckg", "rdf", "rdfs", "dcterms")
        + f"SELECT ?n ?text ?title ?doc WHERE {{ {values('n', nodes)} "
        "?c ckg:about ?n ; ckg:passage ?p . ?p ckg:text ?text . "
        "OPTIONAL { ?p ckg:inDocument ?doc OPTIONAL { ?doc dcterms:title ?title } } } "
        "ORDER BY ?n ?title ?text"
    )


def passages_of(rows: Iterable[object]) -> Iterator[tuple[Node, Passage]]:
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
        for n, passage in passages_of(answer):
            passages.setdefault(n, passage)
        if batch is not None:
            # The batch's own claims come first: they are what the curator is adding.
            mine: dict[Node, Passage] = {}
            for n, passage in passages_of(batch.union().query(passage_query)):
                mine.setdefault(n, passage)
            passages.update(mine)
    for r in results:
        found = list(batch.graphs_of(r.focus)) if batch is not None else []
        found += [g for g in graphs.get(r.focus, []) if g not in found]
        r.graphs = found
        if r.focus in passages:
            r.passage, r.document = passages[r.focus]
