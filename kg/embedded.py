"""The embedded, persistent store: pyoxigraph (RocksDB) in a folder, behind :class:`kg.store.Store`.

Opening a populated store parses nothing: the folder *is* the database. Every write that
replaces graphs is one SPARQL Update request, which Oxigraph applies in one transaction, so
a reader (or a crash) sees the old graphs or the new ones, never a mix. So does
:meth:`EmbeddedStore.bulk_replace`, used for very large files: it bulk-loads the new
version beside the old one and switches in one transaction; :func:`open_store` drops
what an interrupted bulk load left.

A question reads the union of the store's graphs, as Oxigraph unions them itself: data,
inferred and derived graphs, and the meta graph's description of each graph (its IRI as
subject: ``void:triples``, ``dcterms:source``, ...), which no data pattern matches. Staging
candidates of ``ckg extract`` are never part of it (see :func:`_default_graph`).

>>> from rdflib import Literal, URIRef
>>> import tempfile
>>> store = open_store(tempfile.mkdtemp() + "/s")
>>> g = URIRef("https://w3id.org/conflict-kg/graph/file/demo")
>>> store.replace_graph(g, [(URIRef("urn:a"), URIRef("urn:p"), Literal(1))], source="demo")
1
>>> store.query("SELECT ?o WHERE { ?s <urn:p> ?o }").rows
[(rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')),)]
>>> store.query("SELECT ?n WHERE { ?graph <http://rdfs.org/ns/void#triples> ?n }").rows
[(rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')),)]
>>> store.close()
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import XSD
from rdflib.term import BNode, Identifier, Literal, Node, URIRef

from kg.derive import DERIVED_GRAPH
from kg.derive import upkeep as derive
from kg.errors import QueryError, StoreError, UsageError
from kg.history import archive
from kg.rdfio.terms import to_ox, to_rdflib
from kg.sparql import bind_values
from kg.store import GraphInfo, QueryResult, default_graphs
from kg.terms import CKG_NS, INFERRED_GRAPH, META_GRAPH, META_PREDICATES, STAGING_PREFIX

# The meta graph's vocabulary (kg.terms, shared with kg.remote): one description per graph
# whose subject is the graph's IRI.
_KEY_OF = {iri: key for key, iri in META_PREDICATES.items()}

_META = ox.NamedNode(str(META_GRAPH))
_DERIVED = str(DERIVED_GRAPH)


# Graphs the derivation does not read: the meta graph and its own output.
class _NotDerivedFrom(frozenset[str]):
    """Graphs derived facts are not computed from: meta, derived, and the staging graphs of
    ``ckg extract`` (unreviewed candidates), which a prefix names."""

    def __contains__(self, name: object) -> bool:
        return super().__contains__(name) or str(name).startswith(STAGING_PREFIX)


_NOT_DERIVED_FROM = frozenset({str(META_GRAPH), _DERIVED})
_DERIVE_SKIP = _NotDerivedFrom(_NOT_DERIVED_FROM)
#: The derived graph is marked stale in the same transaction as any data write that can
#: change it, and the mark is cleared with its new content: a crash in between leaves it
#: marked, and the next query rebuilds it.
_DERIVED_STALE = f"GRAPH <{_META.value}> {{ <{_DERIVED}> <{CKG_NS}stale> true . }}"
#: Meta-graph note of the derived graph: a digest of the lines :meth:`EmbeddedStore.refresh_derived`
#: wrote (any other write of the graph rewrites its description without it).
_DERIVED_DIGEST = CKG_NS + "derivedDigest"
#: Where :meth:`EmbeddedStore.bulk_replace` writes a graph's new version until the switch
#: (a staging name: no question, derivation or validation reads it).
BULK_PENDING_PREFIX = STAGING_PREFIX + "bulk-pending/"
#: Meta-graph mark of a graph :meth:`EmbeddedStore.bulk_replace` is filling in place.
_BULK_PENDING = CKG_NS + "bulkPending"

log = logging.getLogger(__name__)


def _default_graph(
    names: Sequence[str], include_inferred: bool, *, hiding: bool = False
) -> dict[str, Any]:
    """How to ask Oxigraph for a query's default graph: the union of the data graphs.

    When that union is every graph of the store but the meta graph, Oxigraph's own union
    of all graphs is used: it reads each pattern once from its indexes, where a list of
    graphs reads it once per graph (the flagship on a store of 10 graphs: 0.45 s against
    3.9 s). The meta graph's few triples describe graphs (their IRIs as subjects, VoID
    and Dublin Core terms); they are then visible to a pattern such as ``?s ?p ?o`` and
    never match a data pattern. A store holding graphs a question must not read (staging
    candidates, or the inferred graph when it is left out) gets the explicit list, and
    so does a store ``hiding`` graphs (:meth:`EmbeddedStore.hiding`): the union would
    still read them.
    """
    wanted = default_graphs(names, include_inferred)
    left_out = set(names) - set(wanted) - {str(META_GRAPH)}
    if not left_out and not hiding:
        return {"use_default_graph_as_union": True}
    return {"default_graph": [ox.NamedNode(g) for g in wanted]}


# Files RocksDB writes into every database folder; a folder with user files but none of
# these is somebody's folder, not a store.
_STORE_MARKERS = ("CURRENT", "IDENTITY")


def open_store(path: str | Path, *, create: bool = True) -> EmbeddedStore:
    """Open (and with ``create`` make) the store in folder ``path``.

    Raises :class:`StoreError` when the folder holds something that is not a store, when
    another process holds the store, or (``create=False``) when there is no store yet.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"{folder} is a file, not a ckg store; choose another --store folder")
    is_store = folder.is_dir() and any((folder / m).exists() for m in _STORE_MARKERS)
    if folder.is_dir() and not is_store and any(folder.iterdir()):
        raise StoreError(
            f"{folder} is not a ckg store (a folder with other files in it); "
            "choose another --store folder"
        )
    if not is_store and not create:
        raise StoreError(
            f"there is no ckg store in {folder}; create one with 'ckg load' or 'ckg demo'"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        db = open_rocksdb(folder)
    except OSError as exc:
        text = str(exc)
        if is_store and ("permission" in text.lower() or "read-only" in text.lower()):
            # A store on read-only media or with read-only files can still be read.
            return _open_read_only(folder, exc)
        if "lock" in text.lower() and "permission" not in text.lower():
            raise StoreError(
                f"the store {folder} is in use: another ckg process holds it (its LOCK file); "
                "wait for that process to finish, or choose another --store folder"
            ) from exc
        raise StoreError(f"cannot open the store {folder}: {text}") from exc
    store = EmbeddedStore(db, str(folder))
    _finish_interrupted_bulk(store)
    return store


def open_rocksdb(folder: Path) -> ox.Store:
    """``ox.Store(folder)``, by its absolute path, waiting for this process's own leftovers.

    RocksDB refuses a folder this process already holds ("lock hold by current process")
    until the last reference to the earlier ``ox.Store`` goes, and a reference kept in a
    garbage cycle (a traceback, a suspended generator) goes only at the next collection.
    One collection and a second try tell a leftover from a store really in use. The
    absolute path makes the same folder one lock, whatever the working directory.
    """
    path = str(folder.resolve())
    try:
        return ox.Store(path)
    except OSError as exc:
        if "current process" not in str(exc):
            raise
    release_leftovers()
    return ox.Store(path)


def release_leftovers() -> None:
    """Drop what keeps a closed ``ox.Store`` (and its RocksDB lock) alive in this process.

    Two holders, both measured here: garbage cycles (a traceback, a suspended generator),
    and pyparsing's packrat cache. Importing matplotlib's mathtext (any map or timeline)
    turns packrat on for the whole process; from then on each rdflib SPARQL parse caches
    the parse exceptions it met, tracebacks and all, and those frames reach back through
    pyshacl into whichever of our functions asked, with their local variables.
    """
    parsing = sys.modules.get("pyparsing")
    if parsing is not None:
        parsing.ParserElement.reset_cache()
    gc.collect()


def _finish_interrupted_bulk(store: EmbeddedStore) -> None:
    # A killed bulk replace leaves its new, incomplete content beside the old version.
    try:
        dropped = store.drop_bulk_leftovers()
    except OSError as exc:
        raise StoreError(f"cannot open the store {store.location}: {exc}") from exc
    if dropped:
        log.warning(
            "%s: dropped the incomplete content of an interrupted bulk load (%d graph(s)); "
            "the graphs it was replacing keep their previous version",
            store.location,
            len(dropped),
        )


def _open_read_only(folder: Path, cause: OSError) -> EmbeddedStore:
    log.warning("%s cannot be written (%s); opened read-only", folder, cause)
    try:
        return _ReadOnlyStore(ox.Store.read_only(str(folder)), str(folder))
    except (OSError, RuntimeError) as exc:
        raise StoreError(
            f"the store {folder} cannot be written ({cause}) nor opened read-only ({exc}); "
            "copy the folder somewhere writable and use that --store"
        ) from exc


class EmbeddedStore:
    """A pyoxigraph store on disk implementing :class:`kg.store.Store`."""

    def __init__(self, db: ox.Store, location: str):
        """Wrap an open pyoxigraph store; use :func:`open_store` rather than this."""
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

    # ---- reading

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

    def data_graphs(self, include_inferred: bool = True) -> list[str]:
        """The graphs a query's default graph is made of (data, and inferred if asked)."""
        return default_graphs(self._graph_names(), include_inferred)

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        include_inferred: bool = True,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query over the union of data graphs, with bound parameters.

        The derived graph is part of the union; if a write left it stale (an interrupted
        rebuild), it is rebuilt first, so an answer never reads stale derived facts.
        """
        self.refresh_derived(only_if_stale=True)
        text = bind_values(sparql, bindings)
        names = self._graph_names()
        # The derived graph is part of the default graph, not a source of its own; staging
        # graphs (ckg extract) are no source either until their candidates are accepted.
        named = [
            ox.NamedNode(g)
            for g in names
            if g not in _NOT_DERIVED_FROM and not g.startswith(STAGING_PREFIX)
        ]
        try:
            dataset = _default_graph(names, include_inferred, hiding=bool(self._hidden))
            answer = self.db.query(text, named_graphs=named, **dataset)
            return _to_result(answer)
        except SyntaxError as exc:
            raise QueryError(f"the query does not parse: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"reading {self.location} failed: {exc}") from exc
        except (RuntimeError, ValueError) as exc:
            raise QueryError(f"the query failed: {exc}") from exc

    def graphs(self) -> list[GraphInfo]:
        """Every named graph except the meta and derived graphs, with what the meta graph says.

        The derived graph is ckg's own bookkeeping, like the meta graph; see
        :meth:`derived_info`.
        """
        described: dict[str, dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
        for q in self.db.quads_for_pattern(None, None, None, _META):
            if isinstance(q.subject, ox.NamedNode) and q.predicate.value in _KEY_OF:
                described.setdefault(q.subject.value, {})[_KEY_OF[q.predicate.value]] = q.object
        infos = []
        for name in sorted(set(self._graph_names()) | set(described)):
            if name in _NOT_DERIVED_FROM or name in self._hidden:
                continue
            props = described.get(name, {})
            infos.append(_graph_info(name, props, lambda n=name: self._count(n)))
        return infos

    def _count(self, graph: str) -> int:
        # The graph is chosen as the only named graph, so no IRI enters the text.
        answer = self.db.query(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            named_graphs=[ox.NamedNode(graph)],
        )
        for row in answer:
            return int(row[0].value)
        return 0

    def has_graph(self, graph: URIRef) -> bool:
        """Whether ``graph`` exists (holds triples or is described in the meta graph)."""
        node = ox.NamedNode(str(graph))
        return self.db.contains_named_graph(node) or any(
            True for _ in self.db.quads_for_pattern(node, None, None, _META)
        )

    def quads(
        self, graph: URIRef | None = None
    ) -> Iterator[tuple[Identifier, Identifier, Identifier, Identifier]]:
        """Every quad of the named graphs, meta graph included (or every triple of one graph)."""
        pattern_graph = ox.NamedNode(str(graph)) if graph is not None else None
        for q in self.db.quads_for_pattern(None, None, None, pattern_graph):
            if isinstance(q.graph_name, ox.DefaultGraph):
                continue  # ckg never writes the default graph; nothing there is data
            yield (
                to_rdflib(q.subject),
                to_rdflib(q.predicate),
                to_rdflib(q.object),
                to_rdflib(q.graph_name),
            )  # type: ignore[misc]

    def export_graph(self, graph: URIRef) -> Graph:
        """One named graph as an in-memory rdflib Graph."""
        out = Graph()
        for s, p, o, _g in self.quads(graph):
            out.add((s, p, o))
        return out

    # ---- writing

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
        content = {str(graph): [ox.Triple(*(to_ox(t) for t in triple)) for triple in triples]}
        meta = {str(graph): {"source": source, "title": title}}
        return self.replace_native(content, meta=meta)[str(graph)]

    def replace_graphs(self, graphs: Mapping[URIRef, Graph], *, source: str | None = None) -> int:
        """Replace several graphs in one transaction (a TriG file, a validated batch)."""
        content = {
            str(g): [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]
            for g, triples in graphs.items()
        }
        meta = {str(g): {"source": source} for g in graphs}
        return sum(self.replace_native(content, meta=meta).values())

    def replace_native(
        self,
        content: Mapping[str, Iterable[ox.Triple]],
        *,
        meta: Mapping[str, Mapping[str, str | None]] | None = None,
        drop: Sequence[str] = (),
        stale: Sequence[str] = (),
    ) -> dict[str, int]:
        """Replace graphs with pyoxigraph triples, and drop ``drop``, in ONE transaction.

        ``stale`` names graphs (the inferred graph, after a load) marked stale in that same
        transaction, so no interruption leaves new data beside a graph that looks fresh.

        ``meta`` gives each graph's ``source`` and ``title``; the graph's description in the
        meta graph is rewritten (so a ``stale`` flag is cleared). Only the difference to
        the current content is written, which makes re-loading an unchanged source cheap.
        Returns the triple count of each replaced graph.
        """
        for name in [*content, *drop]:
            _check_graph_name(name)
        parts: list[str] = []
        deletes: list[str] = []
        inserts: list[str] = []
        counts: dict[str, int] = {}
        now = datetime.now(UTC).replace(microsecond=0)
        revisions = {name: _new_revision() for name in content}
        # Ordered de-duplication: RocksDB takes triples in file order (grouped by subject)
        # much faster than in hash order (10.6 s against 17.8 s for 150k triples).
        news = {name: dict.fromkeys(triples) for name, triples in content.items()}
        olds = {
            name: dict.fromkeys(
                ox.Triple(q.subject, q.predicate, q.object)
                for q in self.db.quads_for_pattern(None, None, None, ox.NamedNode(name))
            )
            for name in content
        }
        for name, new in news.items():
            counts[name] = len(new)
        # The version a reload replaces stays answerable with --as-of (kg.asof).
        changed = [n for n in content if olds[n] and olds[n].keys() != news[n].keys()]
        if changed:
            archive(self, changed)
        touched = any(derive.touches(t) for t in (*news.values(), *olds.values())) or any(
            derive.graph_touches(self.db, name) for name in drop
        )
        # Graphs that hold nothing and are described nowhere are written with one
        # extend(), also a single transaction and about twice as fast as INSERT DATA.
        if (
            not drop
            and not any(olds.values())
            and not any(
                True
                for name in content
                for _ in self.db.quads_for_pattern(ox.NamedNode(name), None, None, _META)
            )
        ):
            quads: list[ox.Quad] = []
            for name, new in news.items():
                node = ox.NamedNode(name)
                quads.extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in new)
                info = dict((meta or {}).get(name, {}))
                desc = _meta_triples(
                    name, len(new), now, info.get("source"), info.get("title"), revisions[name]
                )
                quads.extend(ox.Quad(t.subject, t.predicate, t.object, _META) for t in desc)
            if touched:
                quads.append(_stale_quad())
            quads.extend(_stale_marks(stale))
            try:
                self.db.extend(quads)
            except OSError as exc:
                raise StoreError(f"writing {self.location} failed: {exc}") from exc
            if touched:
                self.refresh_derived()
            return counts
        for name in drop:
            parts.append(f"DROP SILENT GRAPH <{name}>")
            deletes.append(_meta_delete(name))
        for name, new in news.items():
            old = olds[name]
            if any(_has_blank(t) for t in old):
                # DELETE DATA cannot name blank nodes: drop the graph and write it whole.
                parts.append(f"DROP SILENT GRAPH <{name}>")
                removed, added = [], list(new)
            else:
                removed = [t for t in old if t not in new]
                added = [t for t in new if t not in old]
            if removed:
                parts.append(f"DELETE DATA {{ GRAPH <{name}> {{ {_nt(removed)} }} }}")
            if added:
                inserts.append(f"GRAPH <{name}> {{ {_nt(added)} }}")
            info = dict((meta or {}).get(name, {}))
            deletes.append(_meta_delete(name))
            inserts.append(
                _meta_insert(
                    name, len(new), now, info.get("source"), info.get("title"), revisions[name]
                )
            )
        if touched:
            inserts.append(_DERIVED_STALE)
        if stale:
            inserts.append(f"GRAPH <{_META.value}> {{ {_nt(_stale_marks(stale, triples=True))} }}")
        # Meta deletions first, then content changes, then every insertion in ONE
        # INSERT DATA, so blank nodes shared between graphs (TriG) stay one node.
        request = [*deletes, *parts]
        if inserts:
            request.append("INSERT DATA { " + "\n".join(inserts) + " }")
        self._update(" ;\n".join(request))
        if touched:
            self.refresh_derived()
        return counts

    def add_to_graphs(
        self, graphs: Mapping[URIRef, Graph], *, source: str | None = None
    ) -> dict[URIRef, int]:
        """Add triples to several graphs in ONE transaction, keeping what they already hold.

        Written for ``ckg add`` (:func:`kg.validation.commit_batch`, validation engineer):
        unlike :meth:`replace_graphs` it never reads a graph's current content, so its cost
        grows with the batch, not with the graph. Each graph's meta description gets its
        new triple count and ``source`` appended to the old one; the inferred graph, if
        there is one, is marked stale in the same transaction. Returns each graph's count.
        """
        now = datetime.now(UTC).replace(microsecond=0)
        deletes: list[str] = []
        inserts: list[str] = []
        counts: dict[URIRef, int] = {}
        added: list[ox.Triple] = []
        stale_pred = META_PREDICATES["stale"]
        for iri, triples in graphs.items():
            name = str(iri)
            _check_graph_name(name)
            node = ox.NamedNode(name)
            new = {ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples}
            # Blank nodes in INSERT DATA are always fresh nodes, so they always count.
            fresh = [
                t
                for t in new
                if _has_blank(t) or ox.Quad(t.subject, t.predicate, t.object, node) not in self.db
            ]
            described = {
                q.predicate.value: q.object
                for q in self.db.quads_for_pattern(node, None, None, _META)
            }
            before_text = described.get(META_PREDICATES["triples"])
            if before_text is not None and before_text.value.isdigit():
                before = int(before_text.value)
            else:  # a graph the meta graph does not describe (usually a new one)
                before = sum(1 for _ in self.db.quads_for_pattern(None, None, None, node))
            counts[iri] = before + len(fresh)
            old_source = described.get(META_PREDICATES["source"])
            sources = [old_source.value] if old_source is not None else []
            if source and not any(source == part.strip() for s in sources for part in s.split(",")):
                sources.append(source)
            title = described.get(META_PREDICATES["title"])
            revision = _new_revision()
            added.extend(fresh)
            deletes.append(_meta_delete(name))
            if fresh:
                inserts.append(f"GRAPH <{name}> {{ {_nt(fresh)} }}")
            inserts.append(
                _meta_insert(
                    name,
                    counts[iri],
                    now,
                    ", ".join(sources) or None,
                    title.value if title is not None else None,
                    revision,
                )
            )
        inferred = str(INFERRED_GRAPH)
        if inferred not in {str(g) for g in graphs} and self.has_graph(INFERRED_GRAPH):
            deletes.append(
                f"DELETE WHERE {{ GRAPH <{_META.value}> {{ <{inferred}> <{stale_pred}> ?o }} }}"
            )
            inserts.append(f"GRAPH <{_META.value}> {{ <{inferred}> <{stale_pred}> true . }}")
        touched = derive.touches(added)
        was_fresh = self.derived_is_fresh()
        if touched:
            inserts.append(_DERIVED_STALE)
        request = [*deletes]
        if inserts:
            request.append("INSERT DATA { " + "\n".join(inserts) + " }")
        self._update(" ;\n".join(request))
        if touched:
            self._derive_added(added, was_fresh)
        return counts

    def bulk_replace(
        self,
        graphs: Sequence[str],
        quads: Callable[[], Iterable[ox.Quad]],
        *,
        meta: Mapping[str, Mapping[str, str | None]] | None = None,
        stale: Sequence[str] = (),
        flags: Sequence[str] = (),
        check: Callable[[Mapping[str, str]], None] | None = None,
        progress: Callable[[str], None] | None = None,
        files: Mapping[str, str] | None = None,
    ) -> dict[str, int]:
        """Replace ``graphs`` with ``quads()`` using pyoxigraph's bulk loader; old or new.

        For files too big for one transaction. Nothing a reader sees changes until the
        new content is complete: it is bulk-loaded beside the old version, under a
        temporary name (:data:`BULK_PENDING_PREFIX`), or in place for a graph that holds
        no triples yet, marked pending in the meta graph. Then ONE transaction switches:
        the replaced graph loses the triples the new version lacks and gains those it
        adds (so reloading an unchanged file writes almost nothing), its description is
        rewritten, and the derived graph, the graphs in ``stale`` (the inferred graph)
        and each graph's ``flags`` (meta predicates set true, e.g. unvalidated) are marked
        in that same transaction. Killed before the switch, the store keeps the old
        version and :func:`open_store` drops the leftovers; killed after, it holds the new.

        ``check``, if given, is called with each graph's name and where its new content
        lies, before the switch; if it raises, the new content is dropped and the store is
        as it was. ``progress`` receives a line as each step starts. ``files`` maps graphs
        to N-Triples files read by pyoxigraph's own file loader (about a quarter faster
        than quads handed over from Python) in addition to ``quads()``. The caller must
        have checked the syntax already. Returns each graph's triple count.
        """
        say = progress or (lambda _line: None)
        for name in graphs:
            _check_graph_name(name)
        for name in stale:
            _check_graph_name(name)
        archive(self, graphs)  # the version replaced stays answerable with --as-of
        token = _new_revision()
        where: dict[str, str] = {}
        for i, name in enumerate(graphs):
            holds = any(
                True for _ in self.db.quads_for_pattern(None, None, None, ox.NamedNode(name))
            )
            where[name] = f"{BULK_PENDING_PREFIX}{token}/{i}" if holds else name
        in_place = [name for name in graphs if where[name] == name]
        if in_place:
            marks = " ".join(f"<{n}> <{_BULK_PENDING}> {ox.Literal(token)} ." for n in in_place)
            self._update(f"INSERT DATA {{ GRAPH <{_META.value}> {{ {marks} }} }}")
        targets = {name: ox.NamedNode(where[name]) for name in graphs}
        say(
            f"bulk: writing the new version of {len(graphs)} graph(s) beside the old "
            f"({len(graphs) - len(in_place)} replaced, {len(in_place)} new)"
        )

        def renamed() -> Iterator[ox.Quad]:
            for q in quads():
                target = (
                    targets.get(q.graph_name.value)
                    if isinstance(q.graph_name, ox.NamedNode)
                    else None
                )
                yield q if target is None else ox.Quad(q.subject, q.predicate, q.object, target)

        try:
            try:
                # Every graph filled in place: the quads go to the loader untouched.
                self.db.bulk_extend(renamed() if len(in_place) < len(graphs) else quads())
                for name, path in (files or {}).items():
                    self.db.bulk_load(
                        path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=targets[name]
                    )
            except SyntaxError as exc:  # the caller checked, but a file may change under us
                raise StoreError(
                    f"bulk load into {self.location} stopped: {exc}; nothing was replaced"
                ) from exc
            except OSError as exc:
                raise StoreError(
                    f"bulk load into {self.location} failed: {exc}; nothing was replaced"
                ) from exc
            counts = {name: self._count(where[name]) for name in graphs}
            if check is not None:
                say("bulk: checking the new version before switching to it")
                check(dict(where))
        except BaseException:
            self.drop_bulk_leftovers()  # the old versions are untouched: drop the new
            raise
        now = datetime.now(UTC).replace(microsecond=0)
        request: list[str] = []
        for name in graphs:
            tmp = where[name]
            if tmp != name:
                request.append(
                    f"DELETE {{ GRAPH <{name}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{name}> "
                    f"{{ ?s ?p ?o }} MINUS {{ GRAPH <{tmp}> {{ ?s ?p ?o }} }} }}"
                )
                request.append(
                    f"INSERT {{ GRAPH <{name}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{tmp}> "
                    f"{{ ?s ?p ?o }} MINUS {{ GRAPH <{name}> {{ ?s ?p ?o }} }} }}"
                )
            request.append(_meta_delete(name))  # also clears its pending mark
        for name in stale:
            request.append(
                f"DELETE WHERE {{ GRAPH <{_META.value}> {{ <{name}> <{META_PREDICATES['stale']}> ?o }} }}"
            )
        extra = [
            ox.Triple(ox.NamedNode(name), ox.NamedNode(flag), ox.Literal(True))
            for name in graphs
            for flag in flags
        ]
        request.append(
            "INSERT DATA { "
            + "\n".join(
                _meta_insert(
                    name,
                    counts[name],
                    now,
                    (meta or {}).get(name, {}).get("source"),
                    (meta or {}).get(name, {}).get("title"),
                    _new_revision(),
                )
                for name in graphs
            )
            + f"\n{_DERIVED_STALE}"
            + (
                f"\nGRAPH <{_META.value}> {{ {_nt(_stale_marks(stale, triples=True))} }}"
                if stale
                else ""
            )
            + (f"\nGRAPH <{_META.value}> {{ {_nt(extra)} }}" if extra else "")
            + " }"
        )
        say(f"bulk: switching to the new version ({sum(counts.values()):,} triples)")
        self._update(" ;\n".join(request))  # the switch: old or new, never between
        say("bulk: switched; dropping the temporary graphs")
        self.drop_bulk_leftovers()
        say("bulk: updating the derived facts")
        self.refresh_derived()
        return counts

    def drop_bulk_leftovers(self) -> list[str]:
        """Remove what an interrupted :meth:`bulk_replace` wrote; return the graphs concerned.

        The temporary graphs of new versions are removed, and a graph that was being
        filled in place (marked pending) loses its partial content: each keeps its
        previous version. The mark goes last, so a run killed here is finished by the
        next open.
        """
        done: list[str] = []
        for g in list(self.db.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value.startswith(BULK_PENDING_PREFIX):
                self.db.remove_graph(g)
                done.append(g.value)
        pending = ox.NamedNode(_BULK_PENDING)
        for q in list(self.db.quads_for_pattern(None, pending, None, _META)):
            if isinstance(q.subject, ox.NamedNode):
                self.db.remove_graph(q.subject)
                self.db.remove(q)
                done.append(q.subject.value)
        return done

    # ---- the derived graph (kg.derive): kept in step by the writes above

    def derived_info(self) -> GraphInfo:
        """What the meta graph says of the derived graph (brought up to date first)."""
        self.refresh_derived(only_if_stale=True)
        node = ox.NamedNode(_DERIVED)
        props = {
            _KEY_OF[q.predicate.value]: q.object
            for q in self.db.quads_for_pattern(node, None, None, _META)
            if q.predicate.value in _KEY_OF
        }
        return _graph_info(_DERIVED, props, lambda: self._count(_DERIVED))

    def derived_is_fresh(self) -> bool:
        """Whether the derived graph has been computed and no write has changed its input since."""
        node = ox.NamedNode(_DERIVED)
        described = {
            q.predicate.value: q.object for q in self.db.quads_for_pattern(node, None, None, _META)
        }
        return META_PREDICATES["triples"] in described and META_PREDICATES["stale"] not in described

    def refresh_derived(self, *, only_if_stale: bool = False) -> int:
        """Recompute the whole derived graph from the data; returns its triple count.

        With ``only_if_stale``, does nothing when the graph is fresh (or the store holds no
        data at all). Written as: stale mark (already there), old content removed, new
        content bulk-loaded, description written and mark cleared in one transaction.
        """
        if only_if_stale and self.derived_is_fresh():
            return -1
        if only_if_stale and not any(
            g.value not in _DERIVE_SKIP
            for g in self.db.named_graphs()
            if isinstance(g, ox.NamedNode)
        ):
            return 0
        try:
            lines = derive.full_lines(self.db, _DERIVE_SKIP)
        except (ValueError, RecursionError) as exc:
            raise StoreError(
                f"the derived facts of {self.location} could not be computed ({exc}); "
                "the store's data is unchanged, and queries refuse to run until they can be"
            ) from exc
        node = ox.NamedNode(_DERIVED)
        if not lines and not self.has_graph(DERIVED_GRAPH):
            return 0  # nothing to derive, nothing derived before: the store stays as it is
        # The digest of the content this method wrote last is in the meta graph; any other
        # write of the derived graph rewrites its description without it. Equal digests
        # and the graph still holding as many triples: it holds these lines, and reading
        # it back (most of a rebuild that changes nothing, e.g. a re-import of the same
        # file) is skipped; a count is one query, a read-back decodes every triple.
        new = set(lines)
        digest = _lines_digest(new)
        if self._derived_digest() == digest and self._count(_DERIVED) == len(new):
            self._write_derived_meta(len(new), digest)
            return len(new)
        # Only the difference is written: removing and loading triples one by one is what
        # costs (a rebuild after a small change touches few of them).
        old = set(
            self.db.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)
            .decode("utf-8")
            .splitlines(keepends=True)
        )
        removed = old - new
        added = new - old
        if removed or added:
            self._update(f"{_meta_delete(_DERIVED)} ;\nINSERT DATA {{ {_DERIVED_STALE} }}")
        try:
            if removed:
                self._update(f"DELETE DATA {{ GRAPH <{_DERIVED}> {{ {''.join(removed)} }} }}")
            if added:
                data = "".join(added).encode("utf-8")
                self.db.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=node)
        except SyntaxError as exc:
            raise StoreError(f"internal error: derived facts did not parse: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"writing {self.location} failed: {exc}") from exc
        self._write_derived_meta(len(new), digest)
        return len(new)

    def _derived_digest(self) -> str | None:
        """The digest :meth:`refresh_derived` recorded with the derived graph's content."""
        for q in self.db.quads_for_pattern(
            ox.NamedNode(_DERIVED), ox.NamedNode(_DERIVED_DIGEST), None, _META
        ):
            return q.object.value
        return None

    def _write_derived_meta(self, count: int, digest: str | None = None) -> None:
        desc = _meta_triples(
            _DERIVED,
            count,
            datetime.now(UTC).replace(microsecond=0),
            "ckg (derived from the other graphs)",
            "Derived facts",
            _new_revision(),
        )
        if digest is not None:
            desc.append(
                ox.Triple(ox.NamedNode(_DERIVED), ox.NamedNode(_DERIVED_DIGEST), ox.Literal(digest))
            )
        self._update(
            f"{_meta_delete(_DERIVED)} ;\nINSERT DATA {{ GRAPH <{_META.value}> {{ {_nt(desc)} }} }}"
        )

    def _derive_added(self, added: Sequence[ox.Triple], was_fresh: bool) -> None:
        """After an additive write: recompute the towns it touches, or everything."""
        if not was_fresh:
            self.refresh_derived()
            return
        change = derive.incremental(self.db, added, _DERIVE_SKIP, _DERIVED)
        if change is None:
            self.refresh_derived()
            return
        removed, new = change
        node = ox.NamedNode(_DERIVED)
        new = [t for t in new if ox.Quad(t.subject, t.predicate, t.object, node) not in self.db]
        described = {
            q.predicate.value: q.object.value
            for q in self.db.quads_for_pattern(node, None, None, _META)
        }
        count = int(described.get(META_PREDICATES["triples"], "0")) - len(removed) + len(new)
        request = []
        if removed:
            request.append(f"DELETE DATA {{ GRAPH <{_DERIVED}> {{ {_nt(removed)} }} }}")
        if new:
            request.append(f"INSERT DATA {{ GRAPH <{_DERIVED}> {{ {_nt(new)} }} }}")
        desc = _meta_triples(
            _DERIVED,
            count,
            datetime.now(UTC).replace(microsecond=0),
            "ckg (derived from the other graphs)",
            "Derived facts",
            _new_revision(),
        )
        request.append(_meta_delete(_DERIVED))
        request.append(f"INSERT DATA {{ GRAPH <{_META.value}> {{ {_nt(desc)} }} }}")
        self._update(" ;\n".join(request))

    def drop_graph(self, graph: URIRef) -> None:
        """Remove a graph and its metadata; raises StoreError if it does not exist."""
        name = str(graph)
        if name == str(META_GRAPH):
            raise UsageError("the meta graph cannot be dropped; it describes the other graphs")
        if name == _DERIVED:
            raise UsageError("the derived graph is computed from the others; it cannot be dropped")
        if not self.has_graph(graph):
            raise StoreError(f"there is no graph {name} in {self.location}; see 'ckg graphs'")
        touched = derive.graph_touches(self.db, name)
        mark = f" ;\nINSERT DATA {{ {_DERIVED_STALE} }}" if touched else ""
        self._update(f"{_meta_delete(name)} ;\nDROP SILENT GRAPH <{name}>{mark}")
        if touched:
            self.refresh_derived()

    def set_meta(self, graph: URIRef, key: str, value: Node | None) -> None:
        """Set (or with None remove) one metadata value of a graph, e.g. ``stale``."""
        if key not in META_PREDICATES:
            raise UsageError(f"unknown metadata key {key!r}; known: {', '.join(META_PREDICATES)}")
        _check_graph_name(str(graph))
        predicate = META_PREDICATES[key]
        request = [f"DELETE WHERE {{ GRAPH <{_META.value}> {{ <{graph}> <{predicate}> ?o }} }}"]
        if value is not None:
            if isinstance(value, BNode) or not isinstance(value, (URIRef, Literal)):
                raise UsageError(f"metadata {key} must be an IRI or a literal, not {value!r}")
            # str() of a pyoxigraph term is its N-Triples form, escaped as SPARQL needs.
            request.append(
                f"INSERT DATA {{ GRAPH <{_META.value}> {{ <{graph}> <{predicate}> "
                f"{to_ox(value)} }} }}"
            )
        self._update(" ;\n".join(request))

    def _update(self, request: str) -> None:
        try:
            self.db.update(request)
        except SyntaxError as exc:
            # Our own requests are built from escaped terms; this is a bug, not bad input.
            raise StoreError(f"internal error: a generated update did not parse: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"writing {self.location} failed: {exc}") from exc


def _to_result(answer: Any) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        graph = Graph()
        for t in answer:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))  # type: ignore[arg-type]
        return QueryResult("graph", graph=graph)
    variables = [v.value for v in answer.variables]
    width = len(variables)
    rows = [tuple(to_rdflib(sol[i]) for i in range(width)) for sol in answer]
    return QueryResult("select", variables=variables, rows=rows)


def _graph_info(name: str, props: Mapping[str, Any], count: Callable[[], int]) -> GraphInfo:
    def lexical(key: str) -> str | None:
        term = props.get(key)
        return term.value if term is not None else None

    triples = lexical("triples")
    loaded = lexical("loaded_at")
    loaded_at = None
    if loaded:
        try:
            loaded_at = datetime.fromisoformat(loaded)
        except ValueError:
            loaded_at = None
    return GraphInfo(
        iri=URIRef(name),
        triples=int(triples) if triples is not None and triples.isdigit() else count(),
        source=lexical("source"),
        loaded_at=loaded_at,
        title=lexical("title"),
        stale=lexical("stale") in ("true", "1"),
    )


def _check_graph_name(name: str) -> None:
    if name == str(META_GRAPH):
        raise UsageError("the meta graph is written only with the graphs it describes")
    if name == _DERIVED:
        raise UsageError(
            f"{name} is the derived graph: ckg computes it from the others; "
            "load the data into another graph"
        )
    if any(c in name for c in '<>"{}|^`\\ \n\t') or ":" not in name:
        raise UsageError(f"{name!r} is not a valid graph IRI")


def _has_blank(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _nt(triples: Iterable[ox.Triple]) -> str:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _lines_digest(lines: Iterable[str]) -> str:
    """A digest of a set of N-Triples lines, whatever their order."""
    import hashlib

    h = hashlib.sha256()
    for line in sorted(lines):
        h.update(line.encode("utf-8"))
    return h.hexdigest()


def _meta_delete(name: str) -> str:
    return f"DELETE WHERE {{ GRAPH <{_META.value}> {{ <{name}> ?p ?o }} }}"


def _meta_insert(
    name: str,
    triples: int,
    when: datetime,
    source: str | None,
    title: str | None,
    revision: str,
) -> str:
    desc = _meta_triples(name, triples, when, source, title, revision)
    return f"GRAPH <{_META.value}> {{ {_nt(desc)} }}"


def _stale_quad() -> ox.Quad:
    return ox.Quad(ox.NamedNode(_DERIVED), ox.NamedNode(CKG_NS + "stale"), ox.Literal(True), _META)


def _new_revision() -> str:
    return uuid.uuid4().hex


def _meta_triples(
    name: str,
    triples: int,
    when: datetime,
    source: str | None,
    title: str | None,
    revision: str,
) -> list[ox.Triple]:
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


class _ReadOnlyStore(EmbeddedStore):
    """A store opened read-only (:func:`open_store` on files it cannot write)."""

    def close(self) -> None:
        """Release the store; a read-only instance has nothing to flush."""
        self._db = None
        release_leftovers()


def _stale_marks(names: Sequence[str], *, triples: bool = False) -> list[Any]:
    """The meta-graph quads (or triples) that mark ``names`` stale."""
    for name in names:
        _check_graph_name(name)
    pred = ox.NamedNode(META_PREDICATES["stale"])
    marks = [ox.Triple(ox.NamedNode(n), pred, ox.Literal(True)) for n in names]
    if triples:
        return marks
    return [ox.Quad(t.subject, t.predicate, t.object, _META) for t in marks]
