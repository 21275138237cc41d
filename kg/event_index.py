"""The event index: a per-graph, columnar copy of the few facts that date and place events.

Why it exists. ``towns_attacked_twice`` pairs every attack with the next one in its town.
In SPARQL that is a self-join, and at a million ACLED rows Oxigraph spends about a minute on
it where pandas' sort-and-diff takes a fraction of a second. Sorting is the right plan, and
a SPARQL engine cannot choose it; so the embedded store keeps the facts that question needs
in a form that sorts fast, and :mod:`kg.accelerate` answers the question's core from it.

What it holds. For each named graph, the quads of that graph with the predicates
``ckg:startDate``, ``ckg:endDate``, ``ckg:place`` and ``ckg:perpetrator``, and its
``rdf:type`` quads whose class was a subclass of ``ckg:Attack`` when the entry was built
(the entry records which classes those were). Subjects, places and actors are stored
once per graph, everything else as integer columns; dates as day numbers. Nothing is
resolved across graphs here: joins, class closure, place hierarchy and factions are
worked out at question time, over the graphs that form the query's default graph.

How it stays in step. Every write of the embedded store gives the graphs it touches a new
``ckg:revision`` in the meta graph, in the same transaction as the data. An entry carries
the revision it was built from; an entry whose revision is not the graph's current one is
never used. So correctness never depends on the index being updated: the store refreshes
entries after its writes (cheaply, from the triples it has just written), and an entry
that is missing, stale or unreadable is rebuilt from the graph on first use.

Where it lives: ``<store>/ckg-index/events/``, one file per graph (``marshal`` data; a
cache that is rebuilt whenever it cannot be read, so it is never a second source of
truth). Deleting the folder is always safe.

Facts the rest of the code cannot reproduce exactly as SPARQL would see them (a blank-node
event, a date that is not a plain ``YYYY-MM-DD`` ``xsd:date``, a non-IRI place) make the
entry *irregular*; :mod:`kg.accelerate` then declines and the plain SPARQL runs.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import marshal
import os
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.terms import CKG_NS

log = logging.getLogger(__name__)

#: Bump when the file layout changes: older files are then rebuilt.
FORMAT = 1

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
START = CKG_NS + "startDate"
END = CKG_NS + "endDate"
PLACE = CKG_NS + "place"
PERPETRATOR = CKG_NS + "perpetrator"
TRACKED = (START, END, PLACE, PERPETRATOR)

_XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
_PLAIN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class GraphFacts:
    """One graph's entry. Columns hold indexes into ``subjects``, ``places``, ``actors``."""

    graph: str
    revision: str | None
    classes: frozenset[str]
    irregular: str = ""
    subjects: list[str] = field(default_factory=list)
    types: dict[str, array] = field(default_factory=dict)
    start_s: array = field(default_factory=lambda: array("i"))
    start_d: array = field(default_factory=lambda: array("i"))
    end_s: array = field(default_factory=lambda: array("i"))
    end_d: array = field(default_factory=lambda: array("i"))
    place_s: array = field(default_factory=lambda: array("i"))
    place_o: array = field(default_factory=lambda: array("i"))
    perp_s: array = field(default_factory=lambda: array("i"))
    perp_o: array = field(default_factory=lambda: array("i"))
    places: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.start_s) + len(self.end_s) + len(self.place_s) + len(self.perp_s)


class _Builder:
    """Accumulates one graph's facts from triples; see :func:`facts_from_triples`."""

    def __init__(self, base: GraphFacts):
        self.facts = base
        self.subject_ids = {s: i for i, s in enumerate(base.subjects)}
        self.place_ids = {p: i for i, p in enumerate(base.places)}
        self.actor_ids = {a: i for i, a in enumerate(base.actors)}

    def _id(self, table: dict[str, int], values: list[str], key: str) -> int:
        found = table.get(key)
        if found is None:
            found = table[key] = len(values)
            values.append(key)
        return found

    def _irregular(self, why: str) -> None:
        if not self.facts.irregular:
            self.facts.irregular = why

    def add(self, s: object, p: str, o: object) -> None:
        f = self.facts
        if p == RDF_TYPE:
            if not isinstance(o, ox.NamedNode) or o.value not in f.classes:
                return
            if not isinstance(s, ox.NamedNode):
                self._irregular(f"an attack that is a blank node in {f.graph}")
                return
            sid = self._id(self.subject_ids, f.subjects, s.value)
            f.types.setdefault(o.value, array("i")).append(sid)
            return
        if not isinstance(s, ox.NamedNode):
            self._irregular(f"an event that is a blank node in {f.graph}")
            return
        sid = self._id(self.subject_ids, f.subjects, s.value)
        if p in (START, END):
            day = day_of(o)
            if day is None:
                self._irregular(f"{s.value} has a date that is not a plain xsd:date: {o}")
                return
            (f.start_s if p == START else f.end_s).append(sid)
            (f.start_d if p == START else f.end_d).append(day)
        elif p == PLACE:
            if not isinstance(o, ox.NamedNode):
                self._irregular(f"{s.value} has a place that is not an IRI: {o}")
                return
            f.place_s.append(sid)
            f.place_o.append(self._id(self.place_ids, f.places, o.value))
        elif p == PERPETRATOR:
            if isinstance(o, ox.BlankNode):
                self._irregular(f"{s.value} has a perpetrator that is a blank node")
                return
            if isinstance(o, ox.NamedNode):  # a literal can never be a group or a faction
                f.perp_s.append(sid)
                f.perp_o.append(self._id(self.actor_ids, f.actors, o.value))


def day_of(term: object) -> int | None:
    """The day number (proleptic Gregorian ordinal) of a plain xsd:date literal, else None."""
    if not isinstance(term, ox.Literal) or term.datatype.value != _XSD_DATE:
        return None
    text = term.value
    if not _PLAIN_DATE.fullmatch(text):
        return None
    try:
        return date(int(text[:4]), int(text[5:7]), int(text[8:])).toordinal()
    except ValueError:
        return None


def day_lexical(day: int) -> str:
    """The xsd:date lexical form of a day number made by this module."""
    return date.fromordinal(day).isoformat()


def facts_from_triples(
    graph: str,
    revision: str | None,
    triples: Iterable[object],
    classes: Iterable[str],
    base: GraphFacts | None = None,
) -> GraphFacts:
    """The entry of ``graph`` from its triples (pyoxigraph Triples or Quads).

    With ``base``, the triples are added to a copy-free continuation of that entry (for a
    store write that only adds triples); the result carries ``revision``.
    """
    if base is None:
        base = GraphFacts(graph=graph, revision=revision, classes=frozenset(classes))
    else:
        base.revision = revision
    builder = _Builder(base)
    add = builder.add
    tracked = {RDF_TYPE, *TRACKED}
    for t in triples:
        p = t.predicate.value  # type: ignore[attr-defined]
        if p in tracked:
            add(t.subject, p, t.object)  # type: ignore[attr-defined]
    return builder.facts


def facts_from_store(
    db: ox.Store, graph: str, revision: str | None, classes: Iterable[str]
) -> GraphFacts:
    """The entry of ``graph`` read from the store, one index range per predicate or class."""
    classes = frozenset(classes)
    node = ox.NamedNode(graph)
    parts: list[Iterable[object]] = [
        db.quads_for_pattern(None, ox.NamedNode(p), None, node) for p in TRACKED
    ]
    type_node = ox.NamedNode(RDF_TYPE)
    parts += [db.quads_for_pattern(None, type_node, ox.NamedNode(c), node) for c in sorted(classes)]
    return facts_from_triples(graph, revision, itertools.chain.from_iterable(parts), classes)


class EventIndex:
    """The entries of one store, in ``<store>/ckg-index/events``."""

    def __init__(self, store_folder: str | Path):
        self.folder = Path(store_folder) / "ckg-index" / "events"

    def _path(self, graph: str) -> Path:
        return self.folder / (hashlib.sha1(graph.encode("utf-8")).hexdigest() + ".marshal")

    def get(self, graph: str, revision: str | None) -> GraphFacts | None:
        """The entry of ``graph`` if it was built from ``revision``; None otherwise."""
        if revision is None:
            return None
        path = self._path(graph)
        try:
            data = marshal.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, EOFError, TypeError) as exc:
            log.warning("event index: cannot read %s (%s); it will be rebuilt", path, exc)
            return None
        try:
            if data["format"] != FORMAT or data["graph"] != graph or data["revision"] != revision:
                return None
            return _decode(data)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("event index: %s is damaged (%s); it will be rebuilt", path, exc)
            return None

    def put(self, facts: GraphFacts) -> None:
        """Save an entry (atomically: a reader sees the old file or the new one)."""
        if facts.revision is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(facts.graph)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(marshal.dumps(_encode(facts)))
        os.replace(tmp, path)

    def remove(self, graph: str) -> None:
        """Forget the entry of ``graph`` (it was dropped or rewritten without one)."""
        try:
            self._path(graph).unlink()
        except FileNotFoundError:
            pass


def _encode(f: GraphFacts) -> dict[str, object]:
    return {
        "format": FORMAT,
        "graph": f.graph,
        "revision": f.revision,
        "classes": sorted(f.classes),
        "irregular": f.irregular,
        "subjects": f.subjects,
        "types": {c: a.tobytes() for c, a in f.types.items()},
        "columns": {
            name: getattr(f, name).tobytes()
            for name in ("start_s", "start_d", "end_s", "end_d", "place_s", "place_o", "perp_s", "perp_o")
        },
        "places": f.places,
        "actors": f.actors,
    }


def _ints(raw: bytes) -> array:
    out = array("i")
    out.frombytes(raw)
    return out


def _decode(data: dict) -> GraphFacts:  # type: ignore[type-arg]
    facts = GraphFacts(
        graph=data["graph"],
        revision=data["revision"],
        classes=frozenset(data["classes"]),
        irregular=data["irregular"],
        subjects=data["subjects"],
        types={c: _ints(raw) for c, raw in data["types"].items()},
        places=data["places"],
        actors=data["actors"],
    )
    for name, raw in data["columns"].items():
        setattr(facts, name, _ints(raw))
    return facts
