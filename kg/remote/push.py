"""``ckg push``: named graphs and their descriptions copied from a store to a server."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import cast

from rdflib import Graph
from rdflib.term import BNode, Identifier, URIRef

from kg.derive import DERIVED_GRAPH
from kg.errors import RemoteError, UsageError
from kg.remote.chunks import Chunk, Triple, oxigraph_chunks, rdflib_chunks
from kg.remote.store import RemoteStore, UploadProgress
from kg.store import Store
from kg.terms import META_GRAPH


@dataclass
class PushReport:
    """What a push sent: per graph, the triples now on the server."""

    endpoint: str
    graphs: list[tuple[URIRef, int]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        """Triples sent in all."""
        return sum(n for _g, n in self.graphs)


class PushInterrupted(RemoteError):
    """A push stopped midway; says which graphs reached the server."""

    def __init__(self, message: str, *, done: list[URIRef], partial: URIRef | None):
        super().__init__(message)
        self.done = done
        self.partial = partial


def push(
    source: Store,
    target: RemoteStore,
    graphs: Sequence[URIRef] | None = None,
    *,
    batch: int | None = None,
    progress: Callable[[UploadProgress], None] | None = None,
) -> PushReport:
    """Copy named graphs (default: all) and their descriptions from ``source`` to the server.

    Each graph replaces the server's graph of the same name. ``source`` is only read.
    Stopped midway (an error or Ctrl-C), it raises :class:`PushInterrupted` naming the
    graphs that reached the server; the graph being sent is left without a description
    there, so queries do not treat it as data.
    """
    infos = {info.iri: info for info in source.graphs()}
    # The derived graph goes too (brought up to date first), always and last: it is what
    # the saved questions read, and it must match the data the server ends up with.
    derived_info = getattr(source, "derived_info", None)
    derived = derived_info() if callable(derived_info) else None
    if graphs:
        unknown = [g for g in graphs if g not in infos]
        if META_GRAPH in unknown:
            raise UsageError("the meta graph is pushed with the graphs it describes; name those")
        if unknown:
            raise UsageError(
                f"no graph {unknown[0]} in the store at {source.location}; "
                "'ckg graphs' lists the graphs there"
            )
        chosen = list(dict.fromkeys(graphs))
    else:
        chosen = sorted(infos, key=str)
    with_derived = False
    if derived is not None and derived.triples > 0:
        with_derived = True
        infos[DERIVED_GRAPH] = derived
        chosen = [g for g in chosen if g != DERIVED_GRAPH] + [DERIVED_GRAPH]
    meta = source.export_graph(META_GRAPH)
    report = PushReport(target.endpoint)
    started = time.perf_counter()
    current: list[URIRef] = []  # the graph whose copy on the server is changing
    withdrawn = False  # whether the server's old derived graph no longer counts as data

    # Every request to the server is inside the try, the first one included, so whatever
    # fails says what this push did and what to do in the same words.
    try:
        if with_derived:
            # Until the new copy is complete, the server's old one is not part of its data.
            target.delete_meta(DERIVED_GRAPH)
            withdrawn = True
        for graph in chosen:
            n = target.upload_chunks(
                graph,
                _source_chunks(source, graph, batch or target.default_batch),
                progress=progress,
                total=infos[graph].triples,
                touched=lambda g=graph: current.append(g),  # type: ignore[misc]
            )
            target.write_meta(graph, _description_of(meta, graph))
            report.graphs.append((graph, n))
            current.clear()
    except (RemoteError, KeyboardInterrupt) as exc:
        done = [g for g, _n in report.graphs]
        partial = current[0] if current else None
        cause = "interrupted" if isinstance(exc, KeyboardInterrupt) else str(exc)
        left = [str(g) for g in chosen if g not in done and g != partial]
        # Say only what this push knows: what it completed, not what the server holds.
        message = f"push to {target.endpoint} stopped: {cause}"
        message += "" if message.endswith((".", "?", "!")) else "."
        if done:
            message += f" Completed by this push: {', '.join(str(g) for g in done)}."
        elif partial is None and not withdrawn:
            message += " This push wrote nothing to the server."
        if partial is not None:
            message += f" Left incomplete there (not counted as data): {partial}."
        if withdrawn and DERIVED_GRAPH not in done and partial != DERIVED_GRAPH:
            message += f" Withdrawn there (the old copy, not counted as data): {DERIVED_GRAPH}."
        if left:
            shown = ", ".join(left[:3]) + (f" and {len(left) - 3} more" if len(left) > 3 else "")
            message += f" Not sent: {shown}."
        message += " The local store is unchanged; run the push again to finish."
        raise PushInterrupted(message, done=done, partial=partial) from exc
    report.seconds = time.perf_counter() - started
    return report


def _source_chunks(source: Store, graph: URIRef, size: int) -> Iterator[Chunk]:
    db = getattr(source, "db", None)  # the embedded store's pyoxigraph store, if it is one
    if db is not None and hasattr(db, "quads_for_pattern"):
        return oxigraph_chunks(db, graph, size)
    return rdflib_chunks(((s, p, o) for s, p, o, _g in source.quads(graph)), size)


def _description_of(meta: Graph, graph: URIRef) -> list[Triple]:
    """The triples describing ``graph`` in a meta graph, with blank nodes they lead to."""
    out: list[Triple] = []
    todo: list[Identifier] = [graph]
    seen: set[Identifier] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in meta.predicate_objects(node):
            out.append(cast(Triple, (node, p, o)))
            if isinstance(o, BNode):
                todo.append(o)
    return out
