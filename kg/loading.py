"""Loading RDF files into a store, each source into its own named graph.

Every file is parsed completely (by pyoxigraph, about five times faster than rdflib)
before anything is written, and all files of one call are committed in one transaction:
a syntax error in the third file leaves the store exactly as it was, and the error names
the file and line. A Turtle, N-Triples or RDF/XML file goes into the graph
``graph/file/<stem>`` (or the graph the caller names); a TriG, N-Quads or JSON-LD file
keeps its own named graphs, and its default-graph triples go into the file's graph.
Loading a source again replaces its graphs; graphs it no longer contains are dropped.
Loading marks the inferred graph stale, because its consequences may no longer hold.

Files bigger than :data:`BULK_BYTES` in total go through pyoxigraph's bulk loader after a
full syntax check: much less memory and time. The new content is written beside the old
and switched to in one transaction (:meth:`kg.embedded.EmbeddedStore.bulk_replace`), after
the whole store as it will be is validated when the policy asks (``LoadPolicy.judge``):
killed at any moment, every graph is its old or its new version.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from kg.axioms import OntologyGuard
from kg.embedded import EmbeddedStore
from kg.errors import InputError, UsageError
from kg.parsing import MAX_LITERAL, check_literal
from kg.rdfio import FORMATS, read_quads
from kg.rdfio.terms import rdflib_triple
from kg.store import Store
from kg.terms import GRAPH, INFERRED_GRAPH, META_GRAPH, ONTOLOGY_GRAPH

#: Above this many bytes in one call, the embedded store loads with the bulk loader.
BULK_BYTES = 64 * 1024 * 1024


@dataclass
class Source:
    """One thing to load: a file or bytes, its format, and where its triples go."""

    name: str
    format: ox.RdfFormat
    graph: str
    path: Path | None = None
    data: bytes | None = None
    title: str | None = None
    #: How messages name the source (the path as the user typed it); defaults to ``name``.
    shown: str | None = None

    def where(self) -> str:
        """The source's name for messages."""
        return self.shown or self.name

    def size(self) -> int:
        """Size in bytes, to choose between the transactional and the bulk loader."""
        if self.data is not None:
            return len(self.data)
        return self.path.stat().st_size if self.path is not None else 0


@dataclass
class LoadReport:
    """What loading one source did: triples per graph, graphs dropped, notes for the user."""

    source: str
    graphs: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    bulk: bool = False
    #: A bulk load checked against the shapes before its switch (``LoadPolicy.judge``).
    validated: bool = False


#: Graphs ckg maintains itself: a file may replace them only when the user names them
#: (``ckg load --replace-graph IRI``), and only bundled files fill them otherwise.
PROTECTED_GRAPHS: dict[str, str] = {
    str(ONTOLOGY_GRAPH): "the ontology",
    str(GRAPH["shapes"]): "the shapes",
    str(GRAPH["derived"]): "the derived facts",
    str(INFERRED_GRAPH): "the inferred graph",
    str(META_GRAPH): "the meta graph",
}


@dataclass
class LoadPolicy:
    """What a load refuses unless told otherwise.

    ``replace`` names graphs the caller may replace although they are protected or hold
    another source; ``allow_empty`` lets an empty source empty a populated graph;
    ``guard`` (an :class:`kg.axioms.OntologyGuard`) refuses ontology changes.
    """

    replace: frozenset[str] = frozenset()
    allow_empty: bool = False
    guard: OntologyGuard | None = None
    #: Called with the parsed content (graph -> triples) and each graph's files before
    #: anything is written; raises to refuse (``ckg load`` validates against the shapes).
    check: Callable[[Mapping[str, list[ox.Triple]], Mapping[str, list[str]]], None] | None = None
    #: Bulk loads, whose content is not held in memory: called before the switch with the
    #: whole-store validation report (:func:`validate_bulk`) of the store as it will be;
    #: raises to refuse, and the store stays as it was. None: the load is not validated.
    judge: Callable[[Any], None] | None = None
    #: Progress lines of that validation (stderr in the CLI).
    progress: Callable[[str], None] | None = None


def file_graph(path: str | Path) -> URIRef:
    """The default named graph of a file: ``graph/file/<stem>``."""
    return GRAPH["file/" + quote(Path(path).stem, safe="-._~")]


def source_for_file(path: str | Path, graph: str | None = None) -> Source:
    """Describe a file to load, checking that it exists and its extension is known."""
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if not p.exists():
        raise InputError("no such file; check the path", path=str(p))
    if p.is_dir():
        raise InputError("is a folder; give the RDF files in it instead", path=str(p))
    if fmt is None:
        known = " ".join(sorted(FORMATS))
        raise InputError(
            f"unknown RDF format {p.suffix or '(no extension)'!r}; use one of {known}",
            path=str(p),
        )
    try:
        with p.open("rb"):
            pass
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=str(p)) from exc
    target = graph if graph is not None else str(file_graph(p))
    # The absolute path, so a reload from another folder is still the same source.
    return Source(name=str(p.resolve()), format=fmt, graph=target, path=p, shown=str(p))


def load_files(
    store: Store,
    paths: Sequence[str | Path],
    graph: str | None = None,
    *,
    bulk: bool | None = None,
    policy: LoadPolicy | None = None,
) -> list[LoadReport]:
    """Load files into ``store``, all or nothing; see the module docstring for the rules."""
    if graph is not None:
        check_graph_target(graph)
    sources = [source_for_file(p, graph) for p in paths]
    if graph is None:
        check_distinct_graphs(sources)
    return load_sources(store, sources, bulk=bulk, policy=policy)


def check_distinct_graphs(sources: Sequence[Source]) -> None:
    """Refuse two different sources whose triples would land in the same graph."""
    seen: dict[str, str] = {}
    for s in sources:
        if s.graph in seen and seen[s.graph] != s.where():
            raise InputError(
                f"{seen[s.graph]} and {s.where()} would both go into graph {s.graph}; "
                "load them one at a time or give --graph"
            )
        seen[s.graph] = s.where()


def load_sources(
    store: Store,
    sources: Sequence[Source],
    *,
    bulk: bool | None = None,
    policy: LoadPolicy | None = None,
) -> list[LoadReport]:
    """Parse every source, check it against ``policy``, then commit them together.

    Refused before anything is written (:class:`~kg.errors.UsageError`, exit 2): a
    protected graph (ontology, shapes, derived) or a graph another source filled, unless
    ``policy.replace`` names it. Refused as bad input (exit 3): an empty source that would
    empty a populated graph, unless ``policy.allow_empty``. The inferred graph is marked
    stale before the data is written (never after), so no interruption leaves new data
    beside an inferred graph that looks fresh.
    """
    if not sources:
        return []
    policy = policy if policy is not None else LoadPolicy()
    embedded = isinstance(store, EmbeddedStore)
    if bulk is None:
        bulk = embedded and sum(s.size() for s in sources) > BULK_BYTES
    if bulk and not embedded:
        raise UsageError("bulk loading needs the embedded store")
    existing = {str(info.iri): info for info in store.graphs()}
    if bulk:
        reports = _bulk(store, sources, policy)  # type: ignore[arg-type]
    else:
        reports = _transactional(store, sources, existing, policy)
    for report in reports:
        for g in report.graphs:
            old = existing.get(g)
            if (
                old is not None
                and old.source
                and old.source != report.source
                and report.source not in old.source
            ):
                report.notes.append(
                    f"graph {g} came from {old.source}; it now holds {report.source}"
                )
    if str(INFERRED_GRAPH) in existing and all(
        g != str(INFERRED_GRAPH) for r in reports for g in r.graphs
    ):
        reports[-1].notes.append(
            "the inferred graph is now stale: run 'ckg reason' to recompute it"
        )
    return reports


def _is_bundled(source: Source) -> bool:
    return source.path is None and source.name.startswith("kg.ontology")


def check_targets(
    existing: Mapping[str, Any], source: Source, graphs: Iterable[str], policy: LoadPolicy
) -> None:
    """Refuse writing ``source`` into a protected graph or another source's graph."""
    for g in graphs:
        if g in policy.replace:
            continue
        if g in PROTECTED_GRAPHS and not _is_bundled(source):
            raise UsageError(
                f"{source.where()}: writes into <{g}>, {PROTECTED_GRAPHS[g]}, which ckg "
                f"maintains itself; loading would replace it. Nothing was written; give "
                f"--replace-graph {g} if you mean to replace it"
            )
        old = existing.get(g)
        owner = getattr(old, "source", None)
        if (
            old is not None
            and owner
            and owner != source.name
            and source.name not in [part.strip() for part in owner.split(",")]
        ):
            raise UsageError(
                f"{source.where()}: graph <{g}> holds another source ({owner}, "
                f"{getattr(old, 'triples', 0):,} triples); loading would replace it. Nothing "
                f"was written; load into another --graph, or give --replace-graph {g}"
            )


def _check_empty(existing: Mapping[str, Any], source: Source, policy: LoadPolicy) -> None:
    old = existing.get(source.graph)
    if policy.allow_empty or old is None or not getattr(old, "triples", 0):
        return
    raise InputError(
        f"holds no triples, but graph <{source.graph}> holds {old.triples:,}: refusing to "
        f"empty it. Nothing was written; check the file, give --allow-empty to empty the "
        f"graph, or 'ckg drop {source.graph}'",
        path=source.where(),
    )


def _stale_targets(existing: Mapping[str, Any], graphs: Iterable[str]) -> list[str]:
    # The inferred graph, when it exists, is not being written, and is not stale yet.
    inferred = existing.get(str(INFERRED_GRAPH))
    if inferred is None or str(INFERRED_GRAPH) in graphs or getattr(inferred, "stale", False):
        return []
    return [str(INFERRED_GRAPH)]


def _pre_mark_stale(store: Store, existing: Mapping[str, Any], graphs: Iterable[str]) -> bool:
    # Before the data, not after: a crash in between leaves a stale mark on unchanged data
    # (harmless: reason again), never new data beside an inferred graph that looks fresh.
    inferred = existing.get(str(INFERRED_GRAPH))
    if inferred is None or str(INFERRED_GRAPH) in graphs or getattr(inferred, "stale", False):
        return False
    store.set_meta(INFERRED_GRAPH, "stale", Literal(True))
    return True


def mark_inferred_stale(store: Store) -> bool:
    """Mark the inferred graph stale if it exists (after a load or a drop); say if it did."""
    if any(info.iri == INFERRED_GRAPH for info in store.graphs()):
        store.set_meta(INFERRED_GRAPH, "stale", Literal(True))
        return True
    return False


def parse_source(source: Source) -> dict[str, list[ox.Triple]]:
    """Parse a source completely into triples per graph; raise InputError with the line."""
    out: dict[str, list[ox.Triple]] = {}
    for graph, triple in _iter_source(source):
        out.setdefault(graph, []).append(triple)
    return out


def _iter_source(source: Source) -> Iterator[tuple[str, ox.Triple]]:
    default = source.graph
    try:
        for q in _parse(source):
            g = q.graph_name
            if isinstance(g, ox.DefaultGraph):
                name = default
            elif isinstance(g, ox.NamedNode):
                name = g.value
                if name in (str(META_GRAPH), str(INFERRED_GRAPH)):
                    raise InputError(
                        f"the file writes into the reserved graph {name}; rename that graph",
                        path=source.where(),
                    )
            else:
                raise InputError(
                    "a named graph with a blank-node name; give the graph an IRI",
                    path=source.where(),
                )
            obj = q.object
            if isinstance(obj, ox.Literal) and len(obj.value) > MAX_LITERAL:
                check_literal(obj.value, source.where())
            yield name, q.triple
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc}", path=source.where()) from exc


def _parse(source: Source) -> Iterator[ox.Quad]:
    # RDF/XML entities and JSON-LD contexts are looked at before the parser sees them
    # (kg.rdfio): a file may neither expand itself into gigabytes nor name a document to
    # fetch. Oxigraph streams Turtle's nesting without recursion: no bound needed here.
    body = source.data if source.data is not None else source.path
    if body is None:
        raise InputError("nothing to read", path=source.where())
    return read_quads(body, source.format, source.where())


def check_graph_target(graph: str) -> None:
    """Refuse a --graph that is reserved or not an IRI."""
    if graph in (str(META_GRAPH), str(INFERRED_GRAPH)):
        raise UsageError(f"{graph} is reserved; choose another --graph")
    if ":" not in graph or any(c in graph for c in '<>"{}|^`\\ \n\t'):
        raise UsageError(f"--graph {graph!r} is not an IRI (e.g. https://example.org/graph/x)")


def _stale_graphs(existing: Mapping[str, object], source: Source, new: Sequence[str]) -> list[str]:
    # Graphs this same source filled last time but no longer contains.
    return [
        g
        for g, info in existing.items()
        if getattr(info, "source", None) == source.name and g not in new
    ]


def _transactional(
    store: Store, sources: Sequence[Source], existing: Mapping[str, Any], policy: LoadPolicy
) -> list[LoadReport]:
    parsed = [(s, parse_source(s)) for s in sources]
    for source, graphs in parsed:
        if not graphs:
            _check_empty(existing, source, policy)
        check_targets(existing, source, graphs or [source.graph], policy)
        if policy.guard is not None:
            for g, triples in graphs.items():
                where = source.where() if g == source.graph else f"{source.where()} <{g}>"
                policy.guard.see_all(((t.subject, t.predicate, t.object) for t in triples), where)
    changes = _check_allowed_change(store, policy, parsed)
    content: dict[str, list[ox.Triple]] = {}
    names: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    drops: list[str] = []
    reports = []
    for source, graphs in parsed:
        if not graphs:
            # An empty file still replaces (empties) its graph.
            graphs = {source.graph: []}
        for g, triples in graphs.items():
            content.setdefault(g, []).extend(triples)
            names.setdefault(g, []).append(source.name)
            if source.title:
                titles[g] = source.title
        dropped = _stale_graphs(existing, source, list(graphs))
        drops.extend(dropped)
        reports.append(
            LoadReport(source=source.name, graphs=dict.fromkeys(graphs, 0), dropped=dropped)
        )
    meta = {
        g: {"source": ", ".join(dict.fromkeys(names[g])), "title": titles.get(g)} for g in content
    }
    drops = [g for g in dict.fromkeys(drops) if g not in content]
    if policy.check is not None:
        shown = {s.name: s.where() for s in sources}
        policy.check(content, {g: [shown.get(n, n) for n in ns] for g, ns in names.items()})
    if isinstance(store, EmbeddedStore):
        # The inferred graph's stale mark goes in the same transaction as the data.
        counts = store.replace_native(
            content, meta=meta, drop=drops, stale=_stale_targets(existing, content)
        )
    else:
        _pre_mark_stale(store, existing, content)
        counts = {}
        for g, triples in content.items():
            counts[g] = store.replace_graph(
                URIRef(g),
                (rdflib_triple(t) for t in triples),
                source=meta[g]["source"],
                title=meta[g]["title"],
            )
        for g in drops:
            store.drop_graph(URIRef(g))
    for report in reports:
        report.graphs = {g: counts[g] for g in report.graphs}
    reports[-1].notes.extend(changes)
    return reports


def _check_allowed_change(
    store: Store, policy: LoadPolicy, parsed: Sequence[tuple[Source, Mapping[str, list[ox.Triple]]]]
) -> list[str]:
    # Refuse the axioms, or (when allowed) refuse an inconsistent result; notes otherwise.
    guard = policy.guard
    if guard is None:
        return []
    guard.refuse()
    if not guard.axioms:
        return []
    from kg.axioms import check_change

    data = Graph()
    for _source, graphs in parsed:
        for triples in graphs.values():
            for t in triples:
                data.add(rdflib_triple(t))
    return check_change(store, guard, data)


def _bulk(store: EmbeddedStore, sources: Sequence[Source], policy: LoadPolicy) -> list[LoadReport]:
    existing = {str(info.iri): info for info in store.graphs()}
    # Check every file's syntax (streaming, nothing kept) before touching the store.
    checked = []
    names: dict[str, list[str]] = {}
    guard = policy.guard
    for source in sources:
        graphs: dict[str, None] = {}
        for g, t in _iter_source(source):
            graphs.setdefault(g)
            if guard is not None:
                guard.see(t.subject, t.predicate, t.object, source.where())
        if not graphs:
            _check_empty(existing, source, policy)
        found = list(graphs) or [source.graph]
        check_targets(existing, source, found, policy)
        for g in found:
            names.setdefault(g, []).append(source.name)
        checked.append((source, found))

    def quads() -> Iterator[ox.Quad]:
        for src in sources:
            for g, t in _iter_source(src):
                yield ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))

    meta = {
        g: {
            "source": ", ".join(dict.fromkeys(n)),
            "title": next((s.title for s in sources if s.title), None),
        }
        for g, n in names.items()
    }
    notes: list[str] = []
    if guard is not None:
        guard.refuse()
        if guard.axioms:
            from kg.axioms import check_change

            notes = check_change(store, guard)
    judge = policy.judge

    def check(where: Mapping[str, str]) -> None:
        if judge is not None:
            judge(validate_bulk(store, where, progress=policy.progress))

    # The inferred graph is marked stale in the transaction that switches to the new data.
    counts = store.bulk_replace(
        list(names),
        quads,
        meta=meta,
        stale=_stale_targets(existing, names),
        check=check if judge is not None else None,
        progress=policy.progress,
    )
    reports = []
    for source, found in checked:
        dropped = [g for g in _stale_graphs(existing, source, found) if g not in names]
        for g in dropped:
            store.drop_graph(URIRef(g))
        reports.append(
            LoadReport(
                source=source.name,
                graphs={g: counts[g] for g in found},
                dropped=dropped,
                bulk=True,
                validated=judge is not None,
            )
        )
    if reports:
        reports[-1].notes.extend(notes)
    return reports


def validate_bulk(
    store: EmbeddedStore,
    where: Mapping[str, str],
    *,
    progress: Callable[[str], None] | None = None,
) -> Any:
    """Validate a bulk load before its switch: the whole store as it will be, fast engine.

    ``where`` maps each loaded graph to the graph holding its new content (see
    :meth:`kg.embedded.EmbeddedStore.bulk_replace`). Results about nodes the loaded graphs
    do not describe were there before: they are marked ``preexisting`` and do not make the
    report fail, as :func:`kg.validation.validate_batch` does for a batch.
    """
    from kg.validation import set_conforms, validate_store_fast

    report = validate_store_fast(store, progress=progress, replaced=where)
    loaded = {_short_graph(g) for g in where} | set(where)
    for r in report.results:
        if not loaded.intersection(r.graphs):
            r.preexisting = True
    report.checked = f"the bulk load in the context of the store at {store.location}"
    set_conforms(report)
    return report


def _short_graph(graph: str) -> str:
    from kg.validation import short_name

    return str(short_name(URIRef(graph)))


#: Meta-graph flag of a graph loaded without checking it against the shapes.
UNVALIDATED = "https://w3id.org/conflict-kg/ontology#unvalidated"


def validate_content(
    store: Store,
    content: Mapping[str, list[ox.Triple]],
    origins: Mapping[str, list[str]],
    inference: str = "none",
) -> Any:
    """Validate parsed load content against the shapes in the context of the store.

    The content is checked as :func:`kg.validation.validate_batch` checks a ``ckg add``
    batch, against the store as it will be: the graphs the content replaces are hidden
    from the context, so a corrected reload is not judged together with its old version.
    Returns the :class:`kg.validation.Report`.
    """
    from kg.validation import Batch, validate_batch

    batch = Batch()
    for g, triples in content.items():
        graph = Graph()
        for t in triples:
            graph.add(rdflib_triple(t))
        batch.graphs[URIRef(g)] = graph
        batch.origin[URIRef(g)] = list(origins.get(g, []))
    batch.files = sorted({f for fs in origins.values() for f in fs})
    with _hiding(store, set(content)):
        return validate_batch(store, batch, inference)


@contextlib.contextmanager
def _hiding(store: Store, graphs: set[str]) -> Iterator[None]:
    # For the length of the check, the graphs about to be replaced are left out of the
    # embedded store's queries (other stores are not asked: they are sent graph lists).
    hiding = getattr(store, "hiding", None)
    if hiding is None or not graphs:
        yield
        return
    with hiding(graphs):
        yield


def mark_unvalidated(store: Store, graphs: Iterable[str]) -> None:
    """Flag ``graphs`` in the meta graph as loaded unchecked (cleared by their next write).

    Only the embedded store keeps the flag; every write of a graph rewrites its description
    in the meta graph, so a later validated load clears it.
    """
    update = getattr(store, "_update", None)
    if update is None:
        return
    flags = " ".join(
        f"<{g}> <{UNVALIDATED}> true ." for g in graphs if "<" not in g and ">" not in g
    )
    if flags:
        update(f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {flags} }} }}")


def unvalidated_graphs(store: Store) -> set[str]:
    """The graphs the meta graph flags as loaded without validation (embedded store)."""
    db = getattr(store, "db", None)
    if db is None:
        return set()
    return {
        q.subject.value
        for q in db.quads_for_pattern(
            None, ox.NamedNode(UNVALIDATED), None, ox.NamedNode(str(META_GRAPH))
        )
    }
