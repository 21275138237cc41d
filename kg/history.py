"""The history of a store's sources: earlier versions of dated graphs, kept for ``--as-of``.

Reloading a source replaces its graph. Before an embedded store replaces a dated graph
with different content, :func:`archive` keeps the version about to go (its triples, issue
date and load time) in ``<store>/ckg-history/``: one gzipped N-Quads file per version and
an ``index.json`` listing them, which :func:`read_index` reads back. Undated graphs are not
kept (no date could choose them), nor are graphs of a remote store.

A graph's **issue date** (:func:`issue_dates`) is the latest ``dcterms:issued`` stated in
it, or only a lower bound ``ckg:issuedNotBefore`` (the seed report, undated, tells of
events up to 1 July 2025, so it was issued then or later), which counts as the date.

The store's writes call :func:`archive`; :mod:`kg.asof` reads the history to answer as of
a date. Neither imports the other: this module is what they share.

>>> from rdflib import Literal
>>> _day(Literal("2025-07"))
datetime.date(2025, 7, 31)
"""

from __future__ import annotations

import calendar
import gzip
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Literal, Node

from kg.errors import StoreError
from kg.store import GraphInfo, QueryResult, Store
from kg.terms import DERIVED_GRAPH, GRAPH, INFERRED_GRAPH, META_GRAPH, sparql_prefixes

#: Graphs computed from every source: never part of an as-of answer as stored.
COMPUTED = frozenset({str(INFERRED_GRAPH), str(DERIVED_GRAPH), str(META_GRAPH)})

HISTORY_FOLDER = "ckg-history"

_DATES = (
    sparql_prefixes("ckg", "dcterms")
    + """SELECT DISTINCT ?graph ?issued ?notBefore WHERE {
  GRAPH ?graph {
    { ?doc dcterms:issued ?issued } UNION { ?doc ckg:issuedNotBefore ?notBefore }
  }
}
"""
)


class Archivable(Protocol):
    """What :func:`archive` needs of a store: its folder, its database, its graphs' dates.

    :class:`kg.embedded.EmbeddedStore` is one; so is each of its writing parts, which
    call :func:`archive` with themselves before they replace a graph.
    """

    location: str

    @property
    def db(self) -> ox.Store: ...

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        include_inferred: bool = True,
    ) -> QueryResult: ...

    def graphs(self) -> list[GraphInfo]: ...


@dataclass(frozen=True)
class IssueDate:
    """When a source was issued: the date, and whether it is only a lower bound."""

    day: date
    bounded: bool = False

    def describe(self) -> str:
        """``issued 2024-06-07`` or ``issued not before 2025-07-01``."""
        return f"issued {'not before ' if self.bounded else ''}{self.day.isoformat()}"


def issue_dates(store: Store | Archivable) -> dict[str, IssueDate]:
    """Each graph's issue date (see the module docstring), for graphs that state one."""
    found: dict[str, IssueDate] = {}
    for graph, issued, not_before in store.query(_DATES, include_inferred=False).rows:
        term = issued if issued is not None else not_before
        day = _day(term)
        if graph is None or day is None:
            continue
        candidate = IssueDate(day, bounded=issued is None)
        old = found.get(str(graph))
        if old is None or candidate.day > old.day:
            found[str(graph)] = candidate
    return found


def history_folder(store: Store | Archivable) -> Path | None:
    """Where an embedded store keeps earlier versions of its sources (None for a server)."""
    if getattr(store, "db", None) is None or "://" in store.location:
        return None
    return Path(store.location) / HISTORY_FOLDER


def archive(store: Archivable, graphs: Iterable[URIRef | str]) -> list[str]:
    """Keep the current version of each dated graph of ``graphs`` before it is replaced.

    The embedded store calls it in ``replace_native`` and ``bulk_replace``, just before
    it writes. Only graphs with an issue date are kept: :func:`kg.asof.select` places
    versions in time by their issue date, so an undated version (an ACLED export, a
    gazetteer) could never be chosen over the current one, and keeping it would only cost
    disk. Returns the history files written (none on a store without a folder).
    """
    wanted = [str(g) for g in graphs if str(g) not in COMPUTED]
    folder = history_folder(store)
    if folder is None or not wanted:
        return []
    dates = issue_dates(store)
    wanted = [name for name in wanted if name in dates]
    if not wanted:
        return []
    db = store.db  # the quads are read from the database itself, blank nodes and all
    infos = {str(i.iri): i for i in store.graphs()}
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot keep the history of {store.location}: {exc}") from exc
    index = read_index(folder)
    written = []
    for name in wanted:
        if name not in infos:
            continue
        quads = list(db.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        if not quads:
            continue
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        file = f"{len(index) + 1:05d}-{_slug(name)}-{stamp}.nq.gz"
        try:
            with gzip.open(folder / file, "wb") as fh:
                fh.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
        except OSError as exc:
            raise StoreError(
                f"cannot keep the earlier version of {name} in {folder}: {exc}; "
                "nothing was replaced"
            ) from exc
        issued = dates.get(name)
        loaded = infos[name].loaded_at
        index.append(
            {
                "graph": name,
                "file": file,
                "issued": issued.day.isoformat() if issued else None,
                "bounded": bool(issued and issued.bounded),
                "loaded_at": loaded.isoformat() if loaded else None,
                "archived_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "triples": len(quads),
            }
        )
        written.append(file)
    _write_index(folder, index)
    return written


def read_index(folder: Path) -> list[dict[str, Any]]:
    """The versions kept in a history folder, oldest first (none when it has no index)."""
    path = folder / "index.json"
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")))


def _write_index(folder: Path, index: list[dict[str, Any]]) -> None:
    tmp = folder / "index.json.tmp"
    tmp.write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    tmp.replace(folder / "index.json")


def _day(term: Any) -> date | None:
    """The last day a date-like literal can mean: 2025-07-01, 2025-07 → 07-31, 2025 → 12-31."""
    if not isinstance(term, Literal):
        return None
    text = str(term).strip()
    m = re.match(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else 12
    if m.group(3):
        day = int(m.group(3))
    else:
        day = calendar.monthrange(year, month)[1]
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _slug(iri: str) -> str:
    tail = iri.removeprefix(str(GRAPH))
    return re.sub(r"[^A-Za-z0-9]+", "-", tail).strip("-")[:60] or "graph"
