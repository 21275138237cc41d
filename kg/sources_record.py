"""A small record of what a store holds and where it came from, kept outside RocksDB.

When a store is damaged (a deleted SST file, an empty ``CURRENT``, a truncated
``MANIFEST``) RocksDB cannot be opened, so the meta graph that knows each graph's source
file cannot be read either. This record is a copy of that knowledge in a plain JSON file,
``ckg-sources.json`` in the store folder (RocksDB leaves files it did not name alone), so
that the error can say which files to load again, and with which commands.

The CLI rewrites the record after each command that writes (:func:`refresh_record`): the
new version goes to a temporary file in the same folder, is flushed to disk and then
renamed over the old one, so a reader sees the old record or the new one, never half of
one. Nothing in :mod:`kg.embedded` depends on it; a missing or unreadable record only
means the advice is less specific.

>>> import tempfile
>>> from kg.store import GraphInfo
>>> from rdflib import URIRef
>>> folder = Path(tempfile.mkdtemp())
>>> _ = write_record(folder, [GraphInfo(URIRef(GRAPH_BASE + "import/acled/mali"), 120,
...     source="/data/mali.csv")])
>>> [e.graph for e in read_record(folder).entries]
['https://w3id.org/conflict-kg/graph/import/acled/mali']
>>> rebuild_commands(read_record(folder).entries, "NEW")
['ckg --store NEW import acled /data/mali.csv']
"""

from __future__ import annotations

import json
import os
import shlex
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath

from kg.store import GraphInfo
from kg.terms import GRAPH

#: The record's file name inside the store folder.
RECORD_NAME = "ckg-sources.json"
GRAPH_BASE = str(GRAPH)
_BUNDLED_PREFIX = "kg.ontology"
_QUAD_SUFFIXES = (".trig", ".nq", ".nquads", ".jsonld", ".trix")
_IMPORT_KINDS = ("acled", "geonames", "un-sanctions")
_VERSION = 1


@dataclass(frozen=True)
class SourceEntry:
    """One graph of the store, as the record keeps it."""

    graph: str
    source: str | None
    triples: int
    loaded_at: str | None = None
    title: str | None = None
    #: the source as the meta graph names it (a file name as it was given)
    given: str | None = None


@dataclass(frozen=True)
class SourcesRecord:
    """The graphs a store held when the record was last written."""

    written_at: str
    entries: tuple[SourceEntry, ...]


def record_path(store_dir: str | Path) -> Path:
    """Where the record of the store in ``store_dir`` lives."""
    return Path(store_dir) / RECORD_NAME


def _absolute(
    source: str | None, loaded_at: str | None, old: dict[str, SourceEntry], graph: str
) -> str | None:
    """The source as a path that works from any folder, when it names a file.

    The meta graph keeps a file's name as it was given (``mali.csv``); the record is
    written right after the command, from the folder it ran in, so a relative name that
    exists there is made absolute. A graph not written since the last record keeps the
    path resolved then, not one resolved against today's folder.
    """
    if not source or source.startswith(("ckg ", _BUNDLED_PREFIX)) or Path(source).is_absolute():
        return source
    before = old.get(graph)
    if before is not None and before.given == source and before.loaded_at == loaded_at:
        return before.source
    path = Path(source)
    return str(path.resolve()) if path.exists() else source


def write_record(store_dir: str | Path, graphs: Iterable[GraphInfo]) -> Path:
    """Write the record of ``graphs`` atomically (temporary file, fsync, rename)."""
    previous = read_record(store_dir)
    old = {e.graph: e for e in previous.entries} if previous is not None else {}
    entries = []
    for g in graphs:
        loaded_at = g.loaded_at.isoformat() if g.loaded_at else None
        entries.append(
            {
                "graph": str(g.iri),
                "source": _absolute(g.source, loaded_at, old, str(g.iri)),
                "given": g.source,
                "triples": int(g.triples),
                "loaded_at": loaded_at,
                "title": g.title,
            }
        )
    body = {
        "version": _VERSION,
        "written_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "about": "the graphs of this ckg store and their sources, for rebuilding it if the "
        "store is damaged; rewritten by ckg after each write",
        "graphs": entries,
    }
    target = record_path(store_dir)
    fd, tmp = tempfile.mkstemp(prefix=".ckg-sources-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(body, handle, indent=1, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def read_record(store_dir: str | Path) -> SourcesRecord | None:
    """The record in ``store_dir``, or None when there is none or it cannot be read."""
    try:
        body = json.loads(record_path(store_dir).read_text(encoding="utf-8"))
        entries = tuple(
            SourceEntry(
                graph=str(e["graph"]),
                source=e.get("source"),
                triples=int(e.get("triples") or 0),
                loaded_at=e.get("loaded_at"),
                title=e.get("title"),
                given=e.get("given", e.get("source")),
            )
            for e in body["graphs"]
        )
        return SourcesRecord(str(body.get("written_at", "")), entries)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def refresh_record(store_dir: str | Path) -> bool:
    """Rewrite the record from the store's meta graph; False when that could not be done.

    The store is opened read-only, so this works while nothing else holds it and never
    changes it. It never raises: a record that cannot be written leaves the old one.
    """
    folder = Path(store_dir)
    if not (folder / "CURRENT").is_file():
        return False
    try:
        import pyoxigraph as ox

        from kg.embedded import EmbeddedStore

        # A read-only handle takes no lock, so dropping it needs no garbage collection.
        graphs = EmbeddedStore(ox.Store.read_only(str(folder)), str(folder)).graphs()
        write_record(folder, graphs)
        return True
    except Exception:  # noqa: BLE001 - the record is advice; a failure must not fail a write
        return False


def _kind(entry: SourceEntry) -> str:
    """What wrote the graph: bundled, import <kind>, reason, a ckg command, load, or other."""
    source = entry.source or ""
    if source.startswith(_BUNDLED_PREFIX):
        return "bundled"
    for kind in _IMPORT_KINDS:
        if entry.graph.startswith(f"{GRAPH_BASE}import/{kind}/"):
            return "import " + kind
    if entry.graph == GRAPH_BASE + "inferred":
        return "reason"
    if source.startswith("ckg "):
        return "command"
    if source and PurePath(source).suffix:
        return "load"
    return "other"


def _short_graph(graph: str) -> str:
    return graph.removeprefix(GRAPH_BASE)


def rebuild_commands(entries: Iterable[SourceEntry], new_store: str) -> list[str]:
    """The ckg commands that load the recorded sources again into ``new_store``, in order.

    The bundled data first (one ``load --bundled``), then loaded files, imports, commands
    such as ``ckg add`` as they were recorded, and ``ckg reason`` last.
    """
    from kg.loading import file_graph

    store = f"ckg --store {shlex.quote(new_store)}"
    first: list[str] = []
    middle: list[str] = []
    last: list[str] = []
    seen: set[str] = set()

    def once(bucket: list[str], command: str) -> None:
        if command not in seen:
            seen.add(command)
            bucket.append(command)

    acled: list[str] = []
    for entry in entries:
        kind = _kind(entry)
        source = entry.source or ""
        if kind == "bundled":
            once(first, f"{store} load --bundled")
        elif kind == "import acled":
            if source not in acled:
                acled.append(source)
        elif kind.startswith("import "):
            once(middle, f"{store} {kind} {shlex.quote(source)}")
        elif kind == "load":
            graph = ""
            if not source.lower().endswith(_QUAD_SUFFIXES) and str(file_graph(source)) != (
                entry.graph
            ):
                graph = f" --graph {shlex.quote(_short_graph(entry.graph))}"
            once(middle, f"{store} load{graph} {shlex.quote(source)}")
        elif kind == "command":
            command = source.removeprefix("ckg ")
            if (
                command.startswith("add ")
                and "--graph" not in command
                and not command.lower().endswith(_QUAD_SUFFIXES)
            ):
                command = f"add --graph {shlex.quote(_short_graph(entry.graph))} " + command[4:]
            once(middle, f"{store} {command}")
        elif kind == "reason":
            once(last, f"{store} {source.removeprefix('ckg ')}" if source else f"{store} reason")
    if acled:
        middle.append(f"{store} import acled " + " ".join(shlex.quote(s) for s in acled))
    return first + middle + last


def held_summary(entries: Iterable[SourceEntry]) -> list[str]:
    """What the store held, in a few words per source (the bundled graphs as one item)."""
    items: list[str] = []
    bundled = [e for e in entries if _kind(e) == "bundled"]
    if bundled:
        items.append(
            f"the bundled data ({len(bundled)} graphs, {sum(e.triples for e in bundled):,} triples)"
        )
    for entry in entries:
        if _kind(entry) == "bundled":
            continue
        when = f", {entry.loaded_at[:10]}" if entry.loaded_at else ""
        source = f" from {entry.source}" if entry.source else " (source unknown)"
        items.append(f"graph {_short_graph(entry.graph)}{source} ({entry.triples:,} triples{when})")
    return items


def damage_advice(store_dir: str | Path, cause: str) -> str:
    """The message for a damaged store: what it held and the commands that rebuild it."""
    folder = Path(store_dir)
    record = read_record(folder)
    head = f"the store at {folder} is damaged ({cause})"
    if record is None or not record.entries:
        return (
            f"{head}. Move its folder aside and rebuild it from the source files: "
            "'ckg load --bundled' plus your files ('ckg graphs' on a backup, or the source "
            "column of an earlier 'ckg graphs -f csv', lists them)"
        )
    new = f"{folder}-rebuilt"
    commands = "\n".join("  " + c for c in rebuild_commands(record.entries, new))
    return (
        f"{head}. It held (as recorded {record.written_at}):\n"
        + "".join(f"  - {item}\n" for item in held_summary(record.entries))
        + f"Rebuild it into a new folder with:\n{commands}\nthen move {folder} aside and use "
        f"{new} (the record read is {record_path(folder)})"
    )
