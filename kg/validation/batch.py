"""A batch of new assertions: the parsed files of ``ckg add`` / ``ckg validate FILE``.

:func:`parse_batch` reads the files with ``ckg load``'s parser (:mod:`kg.rdfio`) into a
:class:`Batch`:
the triples of each named graph, and the triples in no graph (which cannot be
committed). The gate (:mod:`kg.validation.gate`) then judges the batch in the context of
the store and commits it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kg.errors import InputError, UsageError
from kg.rdfio import read_rdflib_quads  # ckg load's parser (kg.rdfio)
from kg.sparql import values_block
from kg.terms import GRAPH, INFERRED_GRAPH, META_GRAPH, ONTOLOGY_GRAPH
from kg.validation.names import CKGSH, short_name

#: The value of ``ckgsh:assertedIn`` for triples outside any named graph.
DEFAULT_GRAPH_MARK = CKGSH.DefaultGraph

#: Graphs a batch may not write to: they are computed or describe the store itself.
PROTECTED_GRAPHS = frozenset({str(META_GRAPH), str(INFERRED_GRAPH), str(ONTOLOGY_GRAPH)})


@dataclass
class Batch:
    """The parsed files of a batch: graphs to commit, and triples in no graph.

    ``graphs`` maps each named graph to its new triples; ``default`` holds the triples of
    the files' default graphs when no ``--graph`` was given (they cannot be committed and
    make the provenance shape fail). ``origin`` says which files fed each graph.
    ``order`` lists each triple parsed from the files once, with its graph (the key of
    ``graphs``, or :data:`DEFAULT_GRAPH_MARK`), in the order the files state them.
    """

    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    default: Graph = field(default_factory=Graph)
    files: list[str] = field(default_factory=list)
    origin: dict[Node, list[str]] = field(default_factory=dict)
    order: list[tuple[URIRef, tuple[Node, Node, Node]]] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(len(g) for g in self.graphs.values()) + len(self.default)

    def union(self) -> Graph:
        """Every triple of the batch in one graph (built once; do not modify it)."""
        cached = self.__dict__.get("_union")
        if cached is None:
            cached = Graph()
            for g in [*self.graphs.values(), self.default]:
                cached += g
            self.__dict__["_union"] = cached
        return cached

    def triples(self) -> Iterator[tuple[Node, Node, Node]]:
        """Every triple of the batch (a triple in two graphs comes twice)."""
        for g in [*self.graphs.values(), self.default]:
            yield from g

    def in_file_order(self) -> Iterator[tuple[URIRef, tuple[Node, Node, Node]]]:
        """Every triple of the batch with its graph key, in the order the files state them.

        Triples taken out since parsing are left out; triples put in without a file (a
        batch built in code) come after the files' ones, so none is ever missed.
        """
        count = 0
        for key, triple in self.order:
            graph = self.default if key == DEFAULT_GRAPH_MARK else self.graphs.get(key)
            if graph is not None and triple in graph:
                count += 1
                yield key, triple
        if count == len(self):
            return
        listed = set(self.order)
        for key, graph in [*self.graphs.items(), (DEFAULT_GRAPH_MARK, self.default)]:
            for triple in graph:
                if (key, triple) not in listed:
                    yield key, triple

    def nodes(self) -> set[Node]:
        """Every subject and non-literal object of the batch."""
        cached = self.__dict__.get("_nodes")
        if cached is None:
            cached = set()
            for s, _p, o in self.triples():
                cached.add(s)
                if not isinstance(o, Literal):
                    cached.add(o)
            self.__dict__["_nodes"] = cached
        return set(cached)

    def subjects(self) -> set[Node]:
        """Every subject of the batch."""
        return {s for s, _p, _o in self.triples()}

    def graphs_of(self, node: Node) -> list[str]:
        """Where the batch asserts triples about ``node``: graph IRIs and file names."""
        found = []
        for iri, g in self.graphs.items():
            if (node, None, None) in g:
                found.append(f"{short_name(iri)} ({', '.join(self.origin.get(iri, []))})")
        if (node, None, None) in self.default:
            found.append(f"no named graph ({', '.join(self.origin.get(DEFAULT_GRAPH_MARK, []))})")
        return found


def parse_batch(paths: Sequence[str | Path], graph: URIRef | str | None = None) -> Batch:
    """Parse the files of a batch; ``graph`` receives the files' default-graph triples.

    Raises :class:`~kg.errors.InputError` naming the file and line of a syntax error, an
    unbound prefix, a relative IRI without ``@base``, a malformed IRI, or a protected
    graph (meta, inferred, ontology); nothing is read into the store either way.
    """
    if not paths:
        raise UsageError("give at least one file to add or validate")
    target = _graph_iri(graph) if graph is not None else None
    batch = Batch()
    for raw in paths:
        path = Path(raw)
        quads = read_rdflib_quads(path)
        batch.files.append(str(path))
        for s, p, o, gid in quads:
            if isinstance(s, Literal) or not isinstance(p, URIRef):
                # rdflib reads generalized RDF; the store cannot hold it (it failed there).
                what = (
                    "a literal as its subject"
                    if isinstance(s, Literal)
                    else "a predicate that is not an IRI"
                )
                raise InputError(
                    f"the statement {s.n3()} {p.n3()} {o.n3()} has {what}, which RDF does "
                    "not allow: fix that statement (nothing was read)",
                    path=str(path),
                )
            if gid == DATASET_DEFAULT_GRAPH_ID:
                key: Node | None = target
            else:
                key = gid
            if key is None:
                into = batch.default
                key = DEFAULT_GRAPH_MARK
            else:
                if not isinstance(key, URIRef):
                    raise InputError(f"graph name {key!r} is not an IRI", path=str(path))
                if str(key) in PROTECTED_GRAPHS:
                    raise InputError(
                        f"writes to the protected graph <{key}>: the meta, inferred and "
                        "ontology graphs are maintained by ckg itself; use a source's graph "
                        f"such as <{GRAPH}doc/…>",
                        path=str(path),
                    )
                into = batch.graphs.setdefault(key, Graph())
            if (s, p, o) not in into:
                into.add((s, p, o))
                batch.order.append((key, (s, p, o)))
            names = batch.origin.setdefault(key, [])
            if str(path) not in names:
                names.append(str(path))
    if len(batch) == 0:
        raise InputError(
            "the batch holds no triples: nothing to add. Check the file (is it in the format "
            "its extension says? N-Triples has no @prefix; a JSON-LD @id must be an IRI)",
            path=", ".join(batch.files) if batch.files else None,
        )
    return batch


def _graph_iri(value: URIRef | str) -> URIRef:
    text = str(value)
    try:
        values_block({"g": URIRef(text)})
    except UsageError:
        raise UsageError(f"--graph {text!r} is not an absolute IRI") from None
    if text in PROTECTED_GRAPHS:
        raise UsageError(f"--graph <{text}> is maintained by ckg itself; choose a source's graph")
    return URIRef(text)
