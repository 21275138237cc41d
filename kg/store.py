"""The store interface that every backend implements (embedded Oxigraph, remote SPARQL).

Services in :mod:`kg` talk only to :class:`Store`; they never import pyoxigraph or
SPARQLWrapper themselves. Terms crossing this interface are rdflib terms, so results can
go straight to pyshacl, owlready2 (through N-Triples) or a table.

Conventions every backend keeps:

* Each source lives in its own named graph. ``replace_graph`` swaps a graph's content in
  one transaction: readers see the old graph or the new one, never a mix.
* The graph :data:`kg.terms.META_GRAPH` holds one description per graph (source,
  loaded-at, triple count), about the graphs' IRIs. The embedded store answers over
  Oxigraph's union of all its graphs, so these few triples are in its default graph
  (no data pattern matches them); a server is sent the data graphs by name and leaves
  them out. ``GRAPH ?g`` never reaches them on either.
* A query's default graph is the union of the data graphs; the inferred graph
  (:data:`kg.terms.INFERRED_GRAPH`) is included unless ``include_inferred=False``, and
  the derived graph (:data:`kg.derive.DERIVED_GRAPH`) always is.
* Parameters are bound, never pasted: ``bindings`` maps variable names (without ``?``) to
  rdflib terms, and the backend injects them as ``VALUES`` blocks built from escaped
  terms (see :func:`kg.sparql.bind_values`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from rdflib import Graph
from rdflib.term import Identifier, Node, URIRef

QueryKind = Literal["select", "ask", "graph"]


@dataclass
class QueryResult:
    """The answer to one query, whatever the backend.

    ``kind`` is ``select`` (``variables`` and ``rows``), ``ask`` (``boolean``) or
    ``graph`` for CONSTRUCT/DESCRIBE (``graph``).
    """

    kind: QueryKind
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    #: A note on how the answer was made, shown by the CLI (None: the text as written).
    via: str | None = None

    def dicts(self) -> list[dict[str, Node | None]]:
        """Rows as dictionaries keyed by variable name (unbound values are ``None``)."""
        return [dict(zip(self.variables, row)) for row in self.rows]


@dataclass
class GraphInfo:
    """What the meta graph says of one named graph."""

    iri: URIRef
    triples: int
    source: str | None = None
    loaded_at: datetime | None = None
    title: str | None = None
    stale: bool = False


Quad = tuple[Identifier, Identifier, Identifier, Identifier]


@runtime_checkable
class Store(Protocol):
    """A quad store with named graphs, SPARQL 1.1 query, and per-graph replacement."""

    #: Human-readable location (a folder or an endpoint URL) for messages.
    location: str

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        include_inferred: bool = True,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query, as written, over the union of data graphs.

        Parameters are bound as VALUES blocks. The union includes the derived graph
        (:mod:`kg.derive`), which the backend keeps in step with the data.
        """
        ...

    def graphs(self) -> list[GraphInfo]:
        """Every named graph except the meta graph, with what the meta graph says of it."""
        ...

    def replace_graph(
        self,
        graph: URIRef,
        triples: Iterable[tuple[Identifier, Identifier, Identifier]],
        *,
        source: str | None = None,
        title: str | None = None,
    ) -> int:
        """Replace ``graph`` with ``triples`` and its metadata in one transaction.

        Returns the number of triples now in the graph.
        """
        ...

    def replace_graphs(self, graphs: Mapping[URIRef, Graph], *, source: str | None = None) -> int:
        """Replace several graphs in one transaction (a TriG file, a validated batch)."""
        ...

    def drop_graph(self, graph: URIRef) -> None:
        """Remove a graph and its metadata; raises StoreError if it does not exist."""
        ...

    def quads(self, graph: URIRef | None = None) -> Iterator[Quad]:
        """Every quad (or every triple of one graph, as quads), for export and tests."""
        ...

    def export_graph(self, graph: URIRef) -> Graph:
        """One named graph as an in-memory rdflib Graph."""
        ...

    def set_meta(self, graph: URIRef, key: str, value: Node | None) -> None:
        """Set (or with None remove) one metadata value of a graph, e.g. ``stale``."""
        ...

    def close(self) -> None:
        """Release the store (and its lock)."""
        ...


def default_graphs(all_graphs: Sequence[str], include_inferred: bool) -> list[str]:
    """The graphs that make up a query's default graph, in a stable order."""
    from kg.terms import INFERRED_GRAPH, RESERVED_GRAPHS, STAGING_PREFIX

    # Staging graphs hold unreviewed candidates (ckg extract): never part of an answer.
    chosen = [
        g for g in all_graphs if g not in RESERVED_GRAPHS and not g.startswith(STAGING_PREFIX)
    ]
    if not include_inferred:
        chosen = [g for g in chosen if g != str(INFERRED_GRAPH)]
    return sorted(chosen)
