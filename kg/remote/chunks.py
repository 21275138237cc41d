"""Triples cut into requests: ASCII N-Triples, blank-node clusters never split.

A blank node label means one node only within one request, so triples that share blank
nodes travel together. The embedded store's graphs are serialised by pyoxigraph itself
(:func:`oxigraph_chunks`), other triples through rdflib terms (:func:`rdflib_chunks`).
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from rdflib.namespace import XSD
from rdflib.term import BNode, Identifier, Literal, Node, URIRef

from kg.errors import StoreError, UsageError
from kg.rdfio import ntriples
from kg.rdfio.ntriples import ascii_only

Triple = tuple[Identifier, Identifier, Identifier]


def nt_term(term: Node) -> str:
    """One RDF term in N-Triples syntax, ASCII only (non-ASCII as ``\\u`` escapes).

    Written with :mod:`kg.rdfio.ntriples`, ckg's one escaper; rdflib's ``n3()`` is not
    used because it writes multi-line literals in triple quotes.
    """
    if isinstance(term, URIRef):
        try:
            return ascii_only(ntriples.iri(str(term)))
        except ValueError:
            raise StoreError(f"{str(term)!r} cannot be written as an IRI") from None
    if isinstance(term, BNode):
        return "_:" + re.sub(r"[^A-Za-z0-9_]", "_", str(term))
    if isinstance(term, Literal):
        if term.language:
            out = ntriples.lang_lit(str(term), term.language)
        elif term.datatype and term.datatype != XSD.string:
            out = ntriples.typed(str(term), str(term.datatype))
        else:
            out = ntriples.lit(str(term))
        return ascii_only(out)
    raise StoreError(f"{term!r} is not an RDF term that can be stored")


def _nt_lines(triples: Iterable[Triple]) -> str:
    return "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples)


T = TypeVar("T")


def batches(
    triples: Iterable[tuple[T, T, T]],
    size: int,
    *,
    is_blank: Callable[[object], bool] = lambda term: isinstance(term, BNode),
) -> Iterator[list[tuple[T, T, T]]]:
    """Cut ``triples`` into lists of at most ``size``, never splitting a blank-node cluster.

    A blank node label means one node only within one request, so triples that share
    blank nodes (an OWL restriction, an RDF list) travel together: they are held back
    and sent, cluster by cluster, after the triples without blank nodes. A cluster larger
    than ``size`` goes as one oversized batch. ``is_blank`` tells blank nodes of the term
    library in use (rdflib by default, pyoxigraph for the embedded store's fast path).
    """
    if size < 1:
        raise UsageError("the batch size must be at least 1")
    plain: list[tuple[T, T, T]] = []
    parent: dict[T, T] = {}
    held: list[tuple[T, T, T]] = []

    def find(node: T) -> T:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for triple in triples:
        nodes = [t for t in (triple[0], triple[2]) if is_blank(t)]
        if not nodes:
            plain.append(triple)
            if len(plain) >= size:
                yield plain
                plain = []
            continue
        held.append(triple)
        for node in nodes:
            parent.setdefault(node, node)
        if len(nodes) == 2:
            a, b = find(nodes[0]), find(nodes[1])
            if a != b:
                parent[a] = b
    clusters: dict[T, list[tuple[T, T, T]]] = {}
    for triple in held:
        node = triple[0] if is_blank(triple[0]) else triple[2]
        clusters.setdefault(find(node), []).append(triple)
    batch = plain
    for cluster in clusters.values():
        if batch and len(batch) + len(cluster) > size:
            yield batch
            batch = []
        batch.extend(cluster)
    if batch:
        yield batch


@dataclass
class Chunk:
    """One request's worth of triples: N-Triples text (ASCII), how many, any blank node."""

    text: str
    count: int
    blank: bool


def rdflib_chunks(triples: Iterable[Triple], size: int) -> Iterator[Chunk]:
    """Chunks of rdflib triples (see :func:`batches`)."""
    for chunk in batches(triples, size):
        blank = any(isinstance(t, BNode) for s, _p, o in chunk for t in (s, o))
        yield Chunk(_nt_lines(chunk), len(chunk), blank)


def oxigraph_chunks(db: Any, graph: URIRef, size: int) -> Iterator[Chunk]:
    """Chunks of one graph of a pyoxigraph store, serialised by pyoxigraph itself.

    The fast path of ``ckg push``: pyoxigraph writes the graph as N-Triples into a
    temporary file (in Rust, millions of triples a second) and the lines are cut into
    chunks as they are read back; no rdflib term is built (that costs ~10 µs a term).
    """
    import pyoxigraph as ox

    with tempfile.TemporaryFile() as tmp:
        db.dump(tmp, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(graph)))
        tmp.seek(0)
        lines = io.TextIOWrapper(tmp, encoding="utf-8", newline="\n")
        yield from nt_line_chunks(lines, size)


@dataclass(frozen=True)
class _Label:
    """A blank node label seen in an N-Triples line (for :func:`batches`)."""

    text: str


# In an N-Triples line the object is the last term before " ."; a literal ends in '"', a
# language tag or '>', never in a blank node label, so this only matches blank objects.
_BLANK_OBJECT = re.compile(r" (_:[^\s]+) \.\s*$")


def nt_line_chunks(lines: Iterable[str], size: int) -> Iterator[Chunk]:
    """Chunks of N-Triples lines (one triple each), blank-node clusters kept together."""
    if size < 1:
        raise UsageError("the batch size must be at least 1")

    def chunk(batch: list[str], blank: bool) -> Chunk:
        text = "".join(line if line.endswith("\n") else line + "\n" for line in batch)
        if not text.isascii():
            text = _NON_ASCII.sub(_escape_char, text)
        return Chunk(text, len(batch), blank)

    plain: list[str] = []
    held: list[tuple[_Label | None, str, _Label | None]] = []
    for line in lines:
        # Most lines have no blank node: they take the short way.
        if "_:" in line:
            subject = _Label(line.split(" ", 1)[0]) if line.startswith("_:") else None
            match = _BLANK_OBJECT.search(line)
            if subject is not None or match is not None:
                held.append((subject, line, _Label(match.group(1)) if match else None))
                continue
        if not line.strip():
            continue
        plain.append(line)
        if len(plain) >= size:
            yield chunk(plain, False)
            plain = []
    if plain:
        yield chunk(plain, False)
    for batch in batches(held, size, is_blank=lambda term: term is not None):
        yield chunk([line for _s, line, _o in batch if isinstance(line, str)], True)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"
