"""The staging store: candidates awaiting review, kept beside the main store, never in it.

``ckg extract`` writes each document's candidates (see :mod:`kg.extract.candidates`) to
the graph ``graph/staging/<doc>`` of a **separate** Oxigraph store: ``<store>/ckg-staging``
for a store in a folder (as :mod:`kg.asof` keeps ``<store>/ckg-history``), an in-memory
store for an in-memory one. The main store then holds only data, so its queries can use
Oxigraph's union default graph, and no question, ``ckg reason``, ``ckg validate`` or the
derived graph can ever see a candidate.

:func:`open_staging` opens it, first moving the staging graphs an earlier version left in
the main store (:func:`migrate`). :func:`read_candidates` reads a document's candidates
back; :func:`payload` is what accepting one asserts; :mod:`kg.extract.review` commits
payloads into ``graph/doc/<doc>`` of the main store through the gate of ``ckg add`` and
only then marks them accepted here.

Every write is one Oxigraph transaction: a new document's graph is written with one
``extend``; a replaced graph, or a change of review statuses, with one SPARQL update whose
data is serialised by pyoxigraph from terms (no text of the user is pasted).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self, cast

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from kg.errors import StoreError, UsageError
from kg.namespace import CKG
from kg.store import Store
from kg.terms import GRAPH, ID, STAGING_PREFIX

#: The folder of the staging store inside a store's folder.
STAGING_FOLDER = "ckg-staging"
_REVIEW_PROPS = (CKG.candidateStatus, CKG.reviewNote)
#: Links a claim's payload does not follow: the event they point to is its own candidate.
_NOT_FOLLOWED = frozenset(
    {CKG.partOf, CKG.causedBy, CKG.followed, CKG.resolutionCandidate, CKG.about}
)
_STATUS = {
    "pending": CKG.Pending,
    "accepted": CKG.Accepted,
    "rejected": CKG.Rejected,
    "refused": CKG.Refused,
}
_STATUS_NAME = {v: k for k, v in _STATUS.items()}
_DCT = "http://purl.org/dc/terms/"
_SOURCE, _TITLE = ox.NamedNode(_DCT + "source"), ox.NamedNode(_DCT + "title")


def staging_graph(doc_slug: str) -> URIRef:
    """The staging graph of a document (a graph of the staging store)."""
    return URIRef(STAGING_PREFIX + doc_slug)


def document_graph(doc_slug: str) -> URIRef:
    """The named graph accepted candidates of a document go to (as for any report)."""
    return GRAPH["doc/" + doc_slug]


# ---- the staging store ---------------------------------------------------------------------

#: The staging stores of in-memory main stores, alive as long as their main store.
_IN_MEMORY: weakref.WeakKeyDictionary[object, ox.Store] = weakref.WeakKeyDictionary()


class StagingStore:
    """An Oxigraph store of staging graphs, one per extracted document."""

    def __init__(self, db: ox.Store | None, location: str, *, folder: Path | None = None):
        self._db = db
        #: The folder, or a note saying it lives in memory (for messages).
        self.location = location
        #: On disk: opened (and created) on first use, closed with this object. A command
        #: that stops before it stages anything leaves no staging store behind.
        self._folder = folder

    @property
    def db(self) -> ox.Store:
        """The pyoxigraph store (opened, and created, on first use)."""
        if self._db is None:
            assert self._folder is not None
            from kg.embedded import open_rocksdb

            try:
                self._folder.mkdir(exist_ok=True)
                self._db = open_rocksdb(self._folder)
            except OSError as exc:
                raise StoreError(
                    f"cannot open the staging store {self._folder}: {exc}; "
                    "is another ckg process reviewing this store?"
                ) from exc
        return self._db

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Flush and release the staging store (an in-memory one stays with its main store)."""
        if self._folder is not None and self._db is not None:
            try:
                self._db.flush()
            finally:
                self._db = None
                # RocksDB releases its LOCK when the last reference goes: make that now.
                from kg.embedded import release_leftovers

                release_leftovers()

    def _exists(self) -> bool:
        return self._db is not None or (self._folder is not None and self._folder.is_dir())

    def documents(self) -> list[str]:
        """The slugs of the staged documents."""
        if not self._exists():
            return []
        return sorted(
            g.value[len(STAGING_PREFIX) :]
            for g in self.db.named_graphs()
            if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX)
        )

    def has(self, doc_slug: str) -> bool:
        """Whether ``doc_slug`` is staged."""
        return self._exists() and self.db.contains_named_graph(_graph(doc_slug))

    def triples(self, doc_slug: str) -> Iterator[ox.Triple]:
        """The staging graph of a document, as pyoxigraph triples."""
        for q in self.db.quads_for_pattern(None, None, None, _graph(doc_slug)):
            yield q.triple

    def export(self, doc_slug: str) -> Graph:
        """The staging graph of a document as an rdflib graph."""
        from kg.embedded import to_rdflib

        g = Graph()
        for t in self.triples(doc_slug):
            g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))  # type: ignore[arg-type]
        return g

    def describe(self, doc_slug: str) -> tuple[str | None, str | None]:
        """Where a staged document came from and its title."""
        node = _graph(doc_slug)
        found = {
            q.predicate: str(getattr(q.object, "value", q.object))
            for q in self.db.quads_for_pattern(node, None, None, ox.DefaultGraph())
        }
        return found.get(_SOURCE), found.get(_TITLE)

    def write(
        self,
        doc_slug: str,
        triples: Iterable[ox.Triple],
        *,
        source: str | None = None,
        title: str | None = None,
    ) -> int:
        """Replace the staging graph of a document in one transaction; returns its size."""
        node = _graph(doc_slug)
        new = list(dict.fromkeys(triples))
        meta = [
            ox.Triple(node, p, ox.Literal(v)) for p, v in ((_SOURCE, source), (_TITLE, title)) if v
        ]
        try:
            if not self.db.contains_named_graph(node) and not self._described(node):
                # Nothing to replace: one extend() is one transaction, and the fastest.
                self.db.extend(
                    [
                        *(ox.Quad(t.subject, t.predicate, t.object, node) for t in new),
                        *(ox.Quad(t.subject, t.predicate, t.object) for t in meta),
                    ]
                )
            else:
                self.db.update(
                    f"DROP SILENT GRAPH {node} ;\n"
                    f"DELETE WHERE {{ {node} ?p ?o }} ;\n"
                    f"INSERT DATA {{ {_nt(meta)} GRAPH {node} {{ {_nt(new)} }} }}"
                )
        except OSError as exc:
            raise StoreError(f"writing the staging store {self.location} failed: {exc}") from exc
        return len(new)

    def change(self, doc_slug: str, remove: Sequence[ox.Triple], add: Sequence[ox.Triple]) -> None:
        """Remove and add triples of a staging graph in one transaction (statuses, edits)."""
        node = _graph(doc_slug)
        parts = []
        if remove:
            parts.append(f"DELETE DATA {{ GRAPH {node} {{ {_nt(remove)} }} }}")
        if add:
            parts.append(f"INSERT DATA {{ GRAPH {node} {{ {_nt(add)} }} }}")
        if not parts:
            return
        try:
            self.db.update(" ;\n".join(parts))
        except OSError as exc:
            raise StoreError(f"writing the staging store {self.location} failed: {exc}") from exc

    def values(self, doc_slug: str, subject: ox.NamedNode, prop: ox.NamedNode) -> list[ox.Triple]:
        """The triples ``subject prop ?o`` of a staging graph."""
        return [q.triple for q in self.db.quads_for_pattern(subject, prop, None, _graph(doc_slug))]

    def drop(self, doc_slug: str) -> None:
        """Remove a staged document (its graph and description) in one transaction."""
        node = _graph(doc_slug)
        self.db.update(f"DROP SILENT GRAPH {node} ; DELETE WHERE {{ {node} ?p ?o }}")

    def _described(self, node: ox.NamedNode) -> bool:
        return any(True for _ in self.db.quads_for_pattern(node, None, None, ox.DefaultGraph()))


def _graph(doc_slug: str) -> ox.NamedNode:
    return ox.NamedNode(STAGING_PREFIX + doc_slug)


def _nt(triples: Iterable[ox.Triple]) -> str:
    # pyoxigraph serialises the terms (escaping included); N-Triples is valid SPARQL data.
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
    return data.decode("utf-8") if data else ""


def staging_folder(store: Store) -> Path | None:
    """Where the staging store of ``store`` lives (None: in memory, beside the store object)."""
    if getattr(store, "db", None) is None or "://" in store.location:
        return None
    folder = Path(store.location)
    return folder / STAGING_FOLDER if folder.is_dir() else None


def open_staging(store: Store, *, migrate_old: bool = True) -> StagingStore:
    """The staging store of ``store`` (created on first use); close it when done.

    With ``migrate_old``, staging graphs an earlier version kept in the main store are
    moved into it first (see :func:`migrate`).
    """
    folder = staging_folder(store)
    if folder is None:
        db = _IN_MEMORY.get(store)
        if db is None:
            db = _IN_MEMORY[store] = ox.Store()
        staging = StagingStore(db, f"{store.location} (staging, in memory)")
    else:
        staging = StagingStore(None, str(folder), folder=folder)
    if migrate_old:
        migrate(store, staging)
    return staging


def migrate(store: Store, staging: StagingStore) -> list[str]:
    """Move the staging graphs an earlier version wrote into the main store; returns their slugs.

    Safe order: each document is first written to the staging store (one transaction),
    then its graph is dropped from the main store. Interrupted in between, the document is
    in both; the next call keeps the staging store's copy (it is the same, or newer when
    reviewed since) and only drops the main store's.
    """
    from kg.embedded import to_ox

    moved = []
    for info in store.graphs():
        name = str(info.iri)
        if not name.startswith(STAGING_PREFIX):
            continue
        doc_slug = name[len(STAGING_PREFIX) :]
        if not staging.has(doc_slug):
            triples = [
                ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o, _g in store.quads(info.iri)
            ]
            staging.write(doc_slug, triples, source=info.source, title=info.title)
        store.drop_graph(info.iri)
        moved.append(doc_slug)
    return moved


# ---- reading candidates back -----------------------------------------------------------------


@dataclass
class StagedCandidate:
    """One candidate claim read back from a staging graph."""

    id: str  # "<doc>/<n>"
    claim: URIRef
    status: str
    confidence: float
    modality: str
    rule: str
    statement: str
    sentence: str
    paragraph: int | None
    note: str = ""
    about: list[str] = field(default_factory=list)
    #: Nodes minted for names the store did not know: (iri, name, closest known nodes).
    unresolved: list[tuple[str, str, list[str]]] = field(default_factory=list)


def read_candidates(staging: StagingStore, doc_slug: str) -> tuple[Graph, list[StagedCandidate]]:
    """The staging graph of a document (as rdflib, for payloads) and its candidates."""
    return staging.export(doc_slug), list_candidates(staging, doc_slug)


def list_candidates(staging: StagingStore, doc_slug: str) -> list[StagedCandidate]:
    """The candidates of a staged document, in extraction order.

    Read from the staging store's triples in one pass into plain dictionaries: a batch of
    2,730 notes (76k triples) lists in a fraction of the time an rdflib graph takes.
    """
    props: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = {}
    for t in staging.triples(doc_slug):
        subject = cast(ox.NamedNode, t.subject)  # the writer makes no blank nodes
        props.setdefault(subject.value, {}).setdefault(t.predicate.value, []).append(t.object)  # type: ignore[arg-type]

    def first(node: str | None, prop: URIRef) -> str | None:
        values = props.get(node or "", {}).get(str(prop))
        return values[0].value if values else None

    def every(node: str, prop: URIRef) -> list[str]:
        return [v.value for v in props.get(node, {}).get(str(prop), [])]

    prefix = str(ID[f"claim/extract/{doc_slug}/"])
    claim_type = str(CKG.Claim)
    out = []
    for claim in props:
        if claim_type not in every(claim, RDF.type):
            continue
        n = claim[len(prefix) :] if claim.startswith(prefix) else claim.rsplit("/", 1)[-1]
        passage = first(claim, CKG.passage)
        status = first(claim, CKG.candidateStatus)
        par = first(passage, CKG.paragraph)
        about = every(claim, CKG.about)
        out.append(
            StagedCandidate(
                f"{doc_slug}/{n}",
                URIRef(claim),
                _STATUS_NAME.get(URIRef(status) if status else CKG.Pending, "pending"),
                float(first(claim, CKG.confidence) or 0),
                (first(claim, CKG.modality) or "").rsplit("#", 1)[-1],
                first(claim, CKG.extractionRule) or "",
                first(claim, CKG.statement) or "",
                first(passage, CKG.text) or "",
                int(par) if par is not None else None,
                first(claim, CKG.reviewNote) or "",
                sorted(about),
                [
                    (a, name, sorted(every(a, CKG.resolutionCandidate)))
                    for a in about
                    for name in every(a, CKG.unresolvedName)
                ],
            )
        )
    out.sort(
        key=lambda c: [int(x) if x.isdigit() else 0 for x in c.id[len(doc_slug) + 1 :].split("/")]
    )
    return out


class StagedGraph:
    """A read-only view of one staging graph with the look-ups :func:`payload` makes.

    Each look-up is an index look-up in the staging store, so the payload of one candidate
    of a 2,730-note batch is read without loading the batch's 76k triples.
    """

    def __init__(self, staging: StagingStore, doc_slug: str):
        # The StagingStore, not its pyoxigraph store: closing it must release the lock.
        self._staging, self._graph = staging, _graph(doc_slug)

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[tuple]:
        """The triples matching ``pattern`` (None matches anything), as rdflib terms."""
        from kg.embedded import to_ox, to_rdflib

        s, p, o = (to_ox(t) if t is not None else None for t in pattern)
        for q in self._staging.db.quads_for_pattern(s, p, o, self._graph):
            yield to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        """The objects of ``subject predicate ?o``."""
        for _s, _p, o in self.triples((subject, predicate, None)):
            yield o

    def __contains__(self, pattern: tuple[Node | None, Node | None, Node | None]) -> bool:
        return any(True for _ in self.triples(pattern))


def payload(g: Graph | StagedGraph, claim: Node) -> Graph:
    """What accepting ``claim`` asserts: the claim, its passage and document, and the nodes
    it is about that the extraction minted or described (not the events it links to by
    ``partOf`` or ``causedBy``: those are candidates of their own)."""
    out = Graph()
    todo: list[Node] = [claim]
    seen: set[Node] = set()
    about = set(g.objects(claim, CKG.about))
    for prop in g.objects(claim, CKG.assertedProperty):
        for a in about:
            for t in g.triples((a, prop, None)):
                out.add(t)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in g.triples((node, None, None)):
            if p in _REVIEW_PROPS:
                continue
            out.add((s, p, o))
            if p == CKG.about and not _minted(o):
                continue
            follow = p not in _NOT_FOLLOWED or (p == CKG.about and o in about)
            if (
                follow
                and isinstance(o, URIRef)
                and (o, None, None) in g
                and o not in seen
                and (o, RDF.type, CKG.Claim) not in g
            ):
                todo.append(o)
    return out


def _minted(node: Node) -> bool:
    return "/extract/" in str(node)


def select(
    cands: Sequence[StagedCandidate],
    ids: Iterable[str],
    *,
    all_: bool = False,
    min_confidence: float | None = None,
    doc_slug: str | None = None,
) -> list[StagedCandidate]:
    """The candidates named by id ("<doc>/<n>" or "<n>"), or all pending ones above a threshold."""
    wanted = [
        i if doc_slug is None or i.startswith(f"{doc_slug}/") else f"{doc_slug}/{i}" for i in ids
    ]
    by_id = {c.id: c for c in cands}
    missing = [i for i in wanted if i not in by_id]
    if missing:
        raise UsageError(f"no candidate {', '.join(missing)}; list them with 'ckg review'")
    chosen = [by_id[i] for i in wanted]
    if all_ or min_confidence is not None:
        chosen += [
            c
            for c in cands
            if c.status == "pending"
            and (min_confidence is None or c.confidence >= min_confidence)
            and c not in chosen
        ]
    return chosen
