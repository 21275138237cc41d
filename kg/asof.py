"""Knowledge time: answers from the sources issued on or before a date (``--as-of``).

Each source lives in its own named graph, and says when it was issued: ``dcterms:issued``
on the document or dataset it describes, or only a lower bound ``ckg:issuedNotBefore``
(the seed report, undated, tells of events up to 1 July 2025, so it was issued then or
later). A graph's **issue date** is the latest such date in it; a bound counts as the
date (the report is known from 2025-07-01 on, never before). A graph that gives no date at
all cannot be placed in time: it is kept, and :class:`Selection` lists it so the caller
can say so (give its dataset a ``dcterms:issued`` to date it).

:func:`as_of_store` answers "what did the sources issued by D say": an in-memory store
holding the ontology graph and, of every source, the version issued on or before D —
the current one, or an earlier one kept by :func:`archive` when the source was reloaded.
The inferred graph is left out (it was computed from every source); the derived graph is
recomputed from the chosen sources by the in-memory store itself, where the backend
derives facts. The same :class:`kg.store.Store` interface answers on it, so any saved
question, ``--evidence`` and the briefing can use it.

History: reloading a source replaces its graph. Before an embedded store replaces a
dated graph with different content, :func:`kg.history.archive` keeps the version about to
go in ``<store>/ckg-history/``, and :func:`versions` reads it back. Undated graphs are not
kept (no date could choose them), nor are graphs of a remote store. The issue dates and
the archive live in :mod:`kg.history`, which the store's writes use too; this module
re-exports them.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox
from rdflib import URIRef

from kg.embedded import EmbeddedStore, to_ox
from kg.errors import UsageError
from kg.history import (
    COMPUTED,
    HISTORY_FOLDER,
    IssueDate,
    archive,
    history_folder,
    issue_dates,
    read_index,
)
from kg.store import Store
from kg.terms import GRAPH, ONTOLOGY_GRAPH

__all__ = [
    "COMPUTED",
    "HISTORY_FOLDER",
    "TIMELESS",
    "IssueDate",
    "Selection",
    "Version",
    "answering_as_of",
    "archive",
    "as_of_store",
    "history_folder",
    "issue_dates",
    "parse_day",
    "select",
    "versions",
]

#: Always kept: the ontology's terms, not knowledge of the conflict.
TIMELESS = frozenset({str(ONTOLOGY_GRAPH)})


@dataclass
class Version:
    """One version of a source graph: the current one, or one kept in the history."""

    graph: str
    issued: IssueDate | None
    loaded_at: str | None = None
    #: The history file holding this version's quads; None for the graph as it is now.
    file: str | None = None


@dataclass
class Selection:
    """Which version of which source an as-of answer reads, and what it leaves out."""

    day: date
    chosen: list[Version] = field(default_factory=list)
    left_out: list[Version] = field(default_factory=list)

    @property
    def undated(self) -> list[str]:
        """Chosen graphs that give no issue date (kept: they cannot be placed in time)."""
        return [v.graph for v in self.chosen if v.issued is None and v.graph not in TIMELESS]

    @property
    def from_history(self) -> list[Version]:
        """Chosen versions that are not the current content of their graph."""
        return [v for v in self.chosen if v.file is not None]

    def summary(self) -> str:
        """One line for stderr: how many sources, which left out, which undated."""
        parts = [f"as of {self.day.isoformat()}: answering from {len(self.chosen)} graph(s)"]
        if self.left_out:
            shown = ", ".join(
                f"{_short(v.graph)} ({v.issued.describe() if v.issued else 'undated'})"
                for v in self.left_out[:4]
            )
            more = " …" if len(self.left_out) > 4 else ""
            parts.append(f"left out {len(self.left_out)}: {shown}{more}")
        if self.from_history:
            parts.append(
                "earlier versions of " + ", ".join(_short(v.graph) for v in self.from_history)
            )
        if self.undated:
            shown = ", ".join(_short(g) for g in self.undated[:4])
            more = " …" if len(self.undated) > 4 else ""
            parts.append(f"kept undated {shown}{more} (a dcterms:issued on a source dates it)")
        return "; ".join(parts)


def parse_day(text: str) -> date:
    """A ``--as-of`` value: ``YYYY-MM-DD``; UsageError otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--as-of {text!r} is not a date YYYY-MM-DD (e.g. 2025-07-01)") from None


def versions(store: Store) -> list[Version]:
    """Every version of every source: the current graphs, then those kept in the history."""
    dates = issue_dates(store)
    out = [
        Version(
            str(info.iri),
            dates.get(str(info.iri)),
            info.loaded_at.isoformat() if info.loaded_at else None,
        )
        for info in store.graphs()
        if str(info.iri) not in COMPUTED
    ]
    folder = history_folder(store)
    if folder is not None:
        for entry in read_index(folder):
            issued = entry.get("issued")
            out.append(
                Version(
                    entry["graph"],
                    IssueDate(date.fromisoformat(issued), bool(entry.get("bounded")))
                    if issued
                    else None,
                    entry.get("loaded_at"),
                    entry["file"],
                )
            )
    return out


def select(store: Store, day: date) -> Selection:
    """For each source graph, the latest version issued on or before ``day``.

    Undated versions and the ontology are kept (the latest loaded one, when the history
    holds several); a graph none of whose versions was issued by ``day`` is left out, and
    so is a dropped graph's history (a source removed is not asked on any date).
    """
    selection = Selection(day)
    by_graph: dict[str, list[Version]] = {}
    for v in versions(store):
        by_graph.setdefault(v.graph, []).append(v)
    for graph, vs in sorted(by_graph.items()):
        current = next((v for v in vs if v.file is None), None)
        if current is None:
            continue  # dropped: a source removed from the store is not asked on any date
        dated = [v for v in vs if v.issued is not None and v.issued.day <= day]
        undated = [v for v in vs if v.issued is None]
        if graph in TIMELESS:
            selection.chosen.append(current)
        elif dated:
            dated.sort(key=_by_issue)
            selection.chosen.append(dated[-1])
        elif undated:
            undated.sort(key=lambda v: (v.file is None, v.loaded_at or ""))
            selection.chosen.append(undated[-1])
        else:
            selection.left_out.append(current)
    return selection


def _by_issue(v: Version) -> tuple[date, bool, str]:
    # The latest issued; between versions of one date, the current one, then the latest load.
    assert v.issued is not None
    return (v.issued.day, v.file is None, v.loaded_at or "")


def as_of_store(store: Store, day: date) -> tuple[EmbeddedStore, Selection]:
    """An in-memory store of the sources issued by ``day``, and what was chosen.

    The caller closes the returned store. Its ``location`` says which store and date it
    stands for, so messages name them.
    """
    selection = select(store, day)
    snapshot = EmbeddedStore(ox.Store(), f"{store.location} as of {day.isoformat()}")
    folder = history_folder(store)
    for v in selection.chosen:
        node = ox.NamedNode(v.graph)
        if v.file is None:
            db = getattr(store, "db", None)
            if db is not None:
                snapshot.db.extend(db.quads_for_pattern(None, None, None, node))
                continue
            snapshot.db.extend(
                ox.Quad(to_ox(s), to_ox(p), to_ox(o), node)
                for s, p, o, _g in store.quads(URIRef(v.graph))
            )
        else:
            assert folder is not None
            with gzip.open(folder / v.file, "rb") as fh:
                snapshot.db.load(fh.read(), ox.RdfFormat.N_QUADS)
    snapshot.refresh_derived()
    return snapshot, selection


@contextmanager
def answering_as_of(store: Store, day: date | None) -> Iterator[tuple[Store, Selection | None]]:
    """``store`` itself (with None), or the sources issued by ``day``, closed afterwards.

    The hook for callers that answer several questions as of one date (the briefing)::

        with answering_as_of(store, date(2025, 6, 30)) as (known, selection):
            result = run_question(known, "towns_attacked_twice")
    """
    if day is None:
        yield store, None
        return
    snapshot, selection = as_of_store(store, day)
    try:
        yield snapshot, selection
    finally:
        snapshot.close()


def _short(iri: str) -> str:
    return iri.removeprefix(str(GRAPH))
