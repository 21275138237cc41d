"""What every part of the embedded store stands on: the open database and its life cycle.

:class:`StoreBase` holds the pyoxigraph store and its folder's name, closes it (releasing
the RocksDB lock), knows which graphs a query may see (:meth:`StoreBase.hiding`), and
runs the store's own SPARQL Update requests, turning pyoxigraph's errors into ckg's.
:class:`kg.embedded.EmbeddedStore` is this with the reading, writing, bulk-loading and
derived-graph parts on top.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Self

import pyoxigraph as ox
from rdflib.term import URIRef

from kg.embedded.locks import release_leftovers
from kg.embedded.meta import META
from kg.errors import StoreError


class StoreBase:
    """A pyoxigraph store, its location, and the primitives the other parts share."""

    def __init__(self, db: ox.Store, location: str):
        """Wrap an open pyoxigraph store; use :func:`kg.embedded.open_store` rather than this."""
        self._db: ox.Store | None = db
        self.location = location
        # Graphs left out of every query for a while (see hiding()).
        self._hidden: frozenset[str] = frozenset()

    # ---- life cycle

    @property
    def db(self) -> ox.Store:
        """The underlying pyoxigraph store (for loaders that stay in pyoxigraph terms)."""
        if self._db is None:
            raise StoreError(f"the store {self.location} is closed")
        return self._db

    def close(self) -> None:
        """Flush and release the store and its lock."""
        if self._db is not None:
            try:
                self._db.flush()
            finally:
                self._db = None
                # RocksDB releases its LOCK when the last reference goes; make that now.
                release_leftovers()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- which graphs there are

    def _graph_names(self) -> list[str]:
        return sorted(
            g.value
            for g in self.db.named_graphs()
            if isinstance(g, ox.NamedNode) and g.value not in self._hidden
        )

    @contextlib.contextmanager
    def hiding(self, graphs: Iterable[str]) -> Iterator[None]:
        """Leave ``graphs`` out of every query and listing for the length of the block.

        The gate judges a new version of a graph with the rest of the store but without
        the version it replaces (``ckg load`` of a corrected file).
        """
        before = self._hidden
        self._hidden = before | frozenset(str(g) for g in graphs)
        try:
            yield
        finally:
            self._hidden = before

    def has_graph(self, graph: URIRef) -> bool:
        """Whether ``graph`` exists (holds triples or is described in the meta graph)."""
        node = ox.NamedNode(str(graph))
        return self.db.contains_named_graph(node) or any(
            True for _ in self.db.quads_for_pattern(node, None, None, META)
        )

    def _count(self, graph: str) -> int:
        # The graph is chosen as the only named graph, so no IRI enters the text.
        answer = self.db.query(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            named_graphs=[ox.NamedNode(graph)],
        )
        if isinstance(answer, ox.QuerySolutions):
            for row in answer:
                term = row[0]
                if isinstance(term, ox.Literal):
                    return int(term.value)
        return 0

    # ---- writing requests

    def _update(self, request: str) -> None:
        try:
            self.db.update(request)
        except SyntaxError as exc:
            # Our own requests are built from escaped terms; this is a bug, not bad input.
            raise StoreError(f"internal error: a generated update did not parse: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"writing {self.location} failed: {exc}") from exc
