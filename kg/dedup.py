"""Adding the same blank-node statements twice must not store them twice.

A file's blank nodes are new nodes every time it is parsed, so ``ckg add`` of a batch
that describes something only through blank nodes (a claim ``[ ckg:about …; ckg:statement
"…" ]``) would add a second, identical copy on every run. :func:`drop_present` compares
each group of triples joined by blank nodes (a *component*) with the components the
target graph already holds, up to the renaming of blank nodes (rdflib's canonical form),
and leaves out those already there. Only the target graphs' blank-node triples are read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from kg.store import Store

Triple = tuple[Node, Node, Node]

_BNODE_TRIPLES = """
SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o . FILTER(isBlank(?s) || isBlank(?o)) } }
"""


def components(triples: Iterable[Triple]) -> list[list[Triple]]:
    """The triples that mention blank nodes, grouped by the blank nodes they share."""
    parent: dict[Node, Node] = {}

    def find(x: Node) -> Node:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    chosen = [t for t in triples if isinstance(t[0], BNode) or isinstance(t[2], BNode)]
    for s, _p, o in chosen:
        blanks = [n for n in (s, o) if isinstance(n, BNode)]
        for other in blanks[1:]:
            parent[find(other)] = find(blanks[0])
    groups: dict[Node, list[Triple]] = {}
    for t in chosen:
        key = find(t[0] if isinstance(t[0], BNode) else t[2])
        groups.setdefault(key, []).append(t)
    return list(groups.values())


def fingerprint(component: list[Triple]) -> str:
    """A digest of a component that does not depend on its blank nodes' names."""
    graph = Graph()
    for t in component:
        graph.add(t)
    lines = sorted(" ".join(term.n3() for term in t) for t in to_canonical_graph(graph))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def drop_present(store: Store, graphs: dict[URIRef, Graph]) -> int:
    """Remove from ``graphs`` the blank-node components their store graph already holds.

    Returns how many triples were left out. ``graphs`` is changed in place.
    """
    dropped = 0
    for iri, graph in graphs.items():
        mine = components(graph)
        if not mine:
            continue
        rows = store.query(_BNODE_TRIPLES, {"g": iri}, include_inferred=False).rows
        present = {fingerprint(c) for c in components((s, p, o) for s, p, o in rows)}  # type: ignore[misc]
        if not present:
            continue
        for component in mine:
            if fingerprint(component) in present:
                for t in component:
                    graph.remove(t)
                dropped += len(component)
    return dropped
