"""Asking the store for nodes: checked ``VALUES`` blocks, in chunks, answers as graphs.

The gate and the sources of results ask about hundreds of nodes at a time; every IRI
goes through :mod:`kg.sparql`'s escaping rules before it enters a query, and no query
text carries more than :data:`VALUES_CHUNK` of them.

>>> from rdflib import URIRef
>>> values("n", [URIRef("https://w3id.org/conflict-kg/id/group/jnim")])
'VALUES ?n { <https://w3id.org/conflict-kg/id/group/jnim> }'
>>> [len(c) for c in chunks([URIRef(f"urn:x:{i}") for i in range(5)], size=2)]
[2, 2, 1]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from rdflib import Graph
from rdflib.term import Node

from kg.sparql import values_block
from kg.store import Store
from kg.terms import sparql_prefixes

#: How many IRIs go into one ``VALUES`` block (keeps each query text modest).
VALUES_CHUNK = 400

#: The prefixes every lookup query starts with.
PREFIXES = sparql_prefixes("ckg", "rdf", "rdfs")


def chunks(items: Sequence[Node], size: int = VALUES_CHUNK) -> Iterator[Sequence[Node]]:
    """``items`` in slices of at most ``size``."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def values(var: str, nodes: Iterable[Node]) -> str:
    """A one-column ``VALUES`` block of IRIs, each checked by kg.sparql's escaping rules."""
    terms = []
    for n in nodes:
        values_block({var: n})  # raises UsageError on anything not a safe IRI
        terms.append(n.n3())
    return f"VALUES ?{var} {{ {' '.join(terms)} }}"


def construct(store: Store, sparql: str, bindings: Mapping[str, Node] | None = None) -> Graph:
    """The graph a CONSTRUCT over the asserted data answers (an empty graph for none)."""
    result = store.query(sparql, bindings=bindings, include_inferred=False)
    return result.graph if result.graph is not None else Graph()
