"""The meta graph: one description per graph, and the SPARQL Update text that writes it.

Every graph the store holds is described in :data:`kg.terms.META_GRAPH` by triples whose
subject is the graph's IRI (its source, title, load time, triple count, revision, and a
stale flag); the vocabulary is :data:`kg.terms.META_PREDICATES`, shared with
:mod:`kg.remote`. The writes of :mod:`kg.embedded.writing`, :mod:`kg.embedded.bulk` and
:mod:`kg.embedded.derived` rewrite a graph's description in the same transaction as its
content, with the pieces of request built here from escaped pyoxigraph terms.

>>> print(meta_delete("urn:g"))
DELETE WHERE { GRAPH <https://w3id.org/conflict-kg/graph/meta> { <urn:g> ?p ?o } }
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

import pyoxigraph as ox
from rdflib.namespace import XSD
from rdflib.term import URIRef

from kg.derive import DERIVED_GRAPH
from kg.errors import UsageError
from kg.store import GraphInfo
from kg.terms import CKG_NS, META_GRAPH, META_PREDICATES

#: The meta graph's keys (``triples``, ``source``, ...) by predicate IRI.
KEY_OF = {iri: key for key, iri in META_PREDICATES.items()}

META = ox.NamedNode(str(META_GRAPH))
DERIVED = str(DERIVED_GRAPH)
#: The derived graph is marked stale in the same transaction as any data write that can
#: change it, and the mark is cleared with its new content: a crash in between leaves it
#: marked, and the next query rebuilds it.
DERIVED_STALE = f"GRAPH <{META.value}> {{ <{DERIVED}> <{CKG_NS}stale> true . }}"


def description(db: ox.Store, name: str) -> dict[str, str]:
    """What the meta graph says of graph ``name``: each predicate IRI with its lexical value."""
    return {
        q.predicate.value: q.object.value
        for q in db.quads_for_pattern(ox.NamedNode(name), None, None, META)
        if not isinstance(q.object, ox.Triple)
    }


def graph_info(name: str, props: Mapping[str, str], count: Callable[[], int]) -> GraphInfo:
    """A :class:`GraphInfo` from a graph's description keyed by :data:`KEY_OF` keys.

    ``count`` is called only when the description gives no triple count.
    """
    triples = props.get("triples")
    loaded = props.get("loaded_at")
    loaded_at = None
    if loaded:
        try:
            loaded_at = datetime.fromisoformat(loaded)
        except ValueError:
            loaded_at = None
    return GraphInfo(
        iri=URIRef(name),
        triples=int(triples) if triples is not None and triples.isdigit() else count(),
        source=props.get("source"),
        loaded_at=loaded_at,
        title=props.get("title"),
        stale=props.get("stale") in ("true", "1"),
    )


def check_graph_name(name: str) -> None:
    """Refuse to write a graph that is ckg's own (meta, derived) or not an IRI."""
    if name == str(META_GRAPH):
        raise UsageError("the meta graph is written only with the graphs it describes")
    if name == DERIVED:
        raise UsageError(
            f"{name} is the derived graph: ckg computes it from the others; "
            "load the data into another graph"
        )
    if any(c in name for c in '<>"{}|^`\\ \n\t') or ":" not in name:
        raise UsageError(f"{name!r} is not a valid graph IRI")


def has_blank(t: ox.Triple) -> bool:
    """Whether a triple names a blank node (which ``DELETE DATA`` cannot)."""
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def nt(triples: Iterable[ox.Triple]) -> str:
    """Triples as N-Triples text, the form SPARQL Update's data blocks take."""
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def lines_digest(lines: Iterable[str]) -> str:
    """A digest of a set of N-Triples lines, whatever their order."""
    h = hashlib.sha256()
    for line in sorted(lines):
        h.update(line.encode("utf-8"))
    return h.hexdigest()


def meta_delete(name: str) -> str:
    """The request that removes graph ``name``'s whole description."""
    return f"DELETE WHERE {{ GRAPH <{META.value}> {{ <{name}> ?p ?o }} }}"


def meta_insert(
    name: str,
    triples: int,
    when: datetime,
    source: str | None,
    title: str | None,
    revision: str,
) -> str:
    """A graph's new description, as a block of an ``INSERT DATA`` request."""
    desc = meta_triples(name, triples, when, source, title, revision)
    return f"GRAPH <{META.value}> {{ {nt(desc)} }}"


def meta_triples(
    name: str,
    triples: int,
    when: datetime,
    source: str | None,
    title: str | None,
    revision: str,
) -> list[ox.Triple]:
    """A graph's description: revision, triple count, load time, and source and title if given."""
    node = ox.NamedNode(name)
    desc = [
        ox.Triple(node, ox.NamedNode(META_PREDICATES["revision"]), ox.Literal(revision)),
        ox.Triple(
            node,
            ox.NamedNode(META_PREDICATES["triples"]),
            ox.Literal(str(triples), datatype=ox.NamedNode(str(XSD.integer))),
        ),
        ox.Triple(
            node,
            ox.NamedNode(META_PREDICATES["loaded_at"]),
            ox.Literal(when.isoformat(), datatype=ox.NamedNode(str(XSD.dateTime))),
        ),
    ]
    if source:
        desc.append(ox.Triple(node, ox.NamedNode(META_PREDICATES["source"]), ox.Literal(source)))
    if title:
        desc.append(ox.Triple(node, ox.NamedNode(META_PREDICATES["title"]), ox.Literal(title)))
    return desc


def new_revision() -> str:
    """A fresh revision token: each write of a graph gives it a new one."""
    return uuid.uuid4().hex


def stale_quad() -> ox.Quad:
    """The meta-graph quad that marks the derived graph stale."""
    return ox.Quad(ox.NamedNode(DERIVED), ox.NamedNode(CKG_NS + "stale"), ox.Literal(True), META)


def stale_marks(names: Sequence[str]) -> list[ox.Triple]:
    """The meta-graph triples that mark ``names`` stale (checked to be graph IRIs)."""
    for name in names:
        check_graph_name(name)
    pred = ox.NamedNode(META_PREDICATES["stale"])
    return [ox.Triple(ox.NamedNode(n), pred, ox.Literal(True)) for n in names]


def as_meta_quads(triples: Iterable[ox.Triple]) -> list[ox.Quad]:
    """Triples placed in the meta graph."""
    return [ox.Quad(t.subject, t.predicate, t.object, META) for t in triples]
