"""Answers for the parts of saved questions that SPARQL engines plan badly.

A saved question may mark one group of its WHERE clause as a *core* between two comment
lines, ``# ckg:core NAME begin`` and ``# ckg:core NAME end``. The SPARQL inside is the
reference: every backend can run it, and the tests compare the two. On the embedded store,
:func:`accelerated` computes that group's solutions itself, from the event index
(:mod:`kg.event_index`) and a few small SPARQL queries, and sends the rest of the question
to Oxigraph with the group replaced by a ``VALUES`` block of those solutions (escaped RDF
terms, never text from the user). Labels, regions, perpetrators and sources are therefore
still found by the question's own SPARQL.

One core exists: ``attack-pairs``, the pairing of ``towns_attacked_twice`` (see that
file's header for the exact rule). When anything is outside what this module reproduces
exactly -- a parameter it does not know, an irregular index entry, an attack that ends
before it starts -- it returns None and the plain SPARQL runs.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib.term import Literal, Node, URIRef

from kg.event_index import day_lexical, day_of
from kg.sparql import bind_values, code_mask
from kg.store import QueryResult, default_graphs
from kg.terms import CKG_NS

if TYPE_CHECKING:
    from kg.embedded import EmbeddedStore

log = logging.getLogger(__name__)

_CORE = re.compile(
    r"^[ \t]*# ckg:core (?P<name>[\w-]+) begin\b.*?$(?P<body>.*?)^[ \t]*# ckg:core (?P=name) end\b[^\n]*$",
    re.MULTILINE | re.DOTALL,
)
_XSD = "http://www.w3.org/2001/XMLSchema#"
_BRACES = re.compile(r"[{}]|\bOPTIONAL\s*\{", re.IGNORECASE)
_ROWS_HERE = "# ckg:core rows go here\n"
_TOWN_CLASSES = ("Town", "Village", "Settlement")


def accelerated(
    store: EmbeddedStore,
    sparql: str,
    bindings: Mapping[str, Node] | None,
    *,
    include_inferred: bool = True,
) -> QueryResult | None:
    """The answer to ``sparql`` with its marked core computed here; None to run it plainly."""
    match = _CORE.search(sparql)
    if match is None or match.group("name") not in _CORES:
        return None
    solutions = _CORES[match.group("name")](store, dict(bindings or {}), include_inferred)
    if solutions is None:
        return None
    variables, rows = solutions
    head = " ".join("?" + v for v in variables)
    body = "\n".join("(" + " ".join(str(term) for term in row) + ")" for row in rows)
    values = f"  {{ VALUES ({head}) {{\n{body}\n  }} }}\n"
    # The rows go in after the rewrite: scanning thousands of rows for braces is wasted.
    skeleton = lateral_optionals(sparql[: match.start()] + _ROWS_HERE + sparql[match.end() :])
    text = skeleton.replace(_ROWS_HERE, values, 1)
    answer = store.query(text, bindings, include_inferred=include_inferred, accelerate=False)
    answer.via = f"{match.group('name')} from the event index"
    return answer


def lateral_optionals(sparql: str) -> str:
    """Wrap each ``OPTIONAL { ... }`` of the outermost WHERE group in ``LATERAL { ... }``.

    With the core replaced by a few thousand rows, what is left looks up labels, regions,
    perpetrators and sources for those rows. Oxigraph evaluates an OPTIONAL's right side
    in full and then joins (a scan of every claim, 40 s at a million events); inside
    LATERAL it evaluates it once per row with that row's values (an index lookup). For a
    row, ``LATERAL { OPTIONAL { P } }`` gives what ``OPTIONAL { P }`` gives; the tests
    compare the answers with the plain SPARQL. Oxigraph only: other backends never see it.
    """
    mask = code_mask(sparql)
    spans: list[tuple[int, int]] = []
    depth = 0
    opened: int | None = None
    for token in _BRACES.finditer(mask):
        if token.group(0) == "}":
            depth -= 1
            if opened is not None and depth == 1:
                spans.append((opened, token.end()))
                opened = None
        else:  # "{" or "OPTIONAL {"
            if token.group(0) != "{" and depth == 1 and opened is None:
                opened = token.start()
            depth += 1
    pieces, last = [], 0
    for start, end in spans:
        pieces += [sparql[last:start], "LATERAL { ", sparql[start:end], " }"]
        last = end
    pieces.append(sparql[last:])
    return "".join(pieces)


def _date(term: Node | None) -> int | None | bool:
    """A bound xsd:date as a day number; None when unbound; False when not a plain date."""
    if term is None:
        return None
    if not isinstance(term, Literal) or str(term.datatype) != _XSD + "date":
        return False
    day = day_of(ox.Literal(str(term), datatype=ox.NamedNode(_XSD + "date")))
    return False if day is None else day


def attack_pairs(
    store: EmbeddedStore, bindings: dict[str, Node], include_inferred: bool
) -> tuple[list[str], list[tuple[ox.NamedNode, ox.Literal]]] | None:
    """The ``attack-pairs`` core of towns_attacked_twice: (?town, ?best) per town.

    Follows the question's EXACT RULE: per town, its distinct (attack, start, end) rows
    sorted by the key "start|end|attack IRI"; each row with the next one; a pair qualifies
    when next start - end <= window (days); ?best is the smallest qualifying pair key
    "keyA>keyB>gap" (the same string the SPARQL builds, so the same MIN).
    """
    known = {"_window_integer", "__perpetrator_iri", "__since_xsd_date", "__until_xsd_date"}
    if not set(bindings) <= known:
        return None
    window_term = bindings.get("_window_integer")
    if not isinstance(window_term, Literal) or str(window_term.datatype) != _XSD + "integer":
        return None
    try:
        window = int(str(window_term))
    except ValueError:
        return None
    perpetrator = bindings.get("__perpetrator_iri")
    if perpetrator is not None and not isinstance(perpetrator, URIRef):
        return None
    since, until = _date(bindings.get("__since_xsd_date")), _date(bindings.get("__until_xsd_date"))
    if since is False or until is False:
        return None
    variables = ["town", "best"]
    if window < 0:
        return variables, []

    graphs = default_graphs(store._graph_names(), include_inferred)
    data = [ox.NamedNode(g) for g in graphs]
    table = attack_table(store, graphs)
    if table is None:
        return None
    actors = _factions(store, data, str(perpetrator)) if perpetrator is not None else None
    return variables, table.pairs(window, actors, since, until)


class AttackTable:
    """Every (town, start day, end day, attack) row the question pairs, with perpetrators.

    Built from the event index over one set of graphs at given revisions, and saved next
    to it (``<store>/ckg-index/attacks-*.marshal``) until one of those graphs changes.
    Rows are distinct; towns, events and actors are numbered. ``rank`` orders events by
    IRI, ``rank_gt`` by IRI + ">" (the order of the pair keys, see :meth:`pairs`).
    """

    COLUMNS = ("town", "start", "end", "event", "rank", "rank_gt", "perp_event", "perp_actor")

    def __init__(self, towns: list[str], events: list[str], actors: list[str], **columns: object):
        import numpy as np

        self.towns, self.events, self.actors = towns, events, actors
        for name in self.COLUMNS:
            setattr(self, name, np.asarray(columns[name], dtype=np.int32))

    def pairs(
        self, window: int, actors: set[str] | None, since: int | None, until: int | None
    ) -> list[tuple[ox.NamedNode, ox.Literal]]:
        """(?town, ?best) of each town with a qualifying pair, as the SPARQL core gives them."""
        import numpy as np

        keep = np.ones(len(self.town), dtype=bool)
        if actors is not None:
            chosen_actors = np.fromiter((a in actors for a in self.actors), bool, len(self.actors))
            by = np.zeros(len(self.events), dtype=bool)
            by[self.perp_event[chosen_actors[self.perp_actor]]] = True
            keep &= by[self.event]
        if since is not None:
            keep &= self.start >= since
        if until is not None:
            keep &= self.start <= until
        town, start, end, event = (c[keep] for c in (self.town, self.start, self.end, self.event))
        order = np.lexsort((self.rank[event], end, start, town))
        town, start, end, event = town[order], start[order], end[order], event[order]
        # Row i and row i + 1 of the same town: the attack and the one just after it.
        gap = start[1:].astype(np.int64) - end[:-1]
        hit = np.flatnonzero((town[1:] == town[:-1]) & (gap <= window))
        if not len(hit):
            return []
        # Per town the pair whose key "startA|endA|A>..." is smallest: order the hits by
        # (town, startA, endA, A + ">") and keep each town's first.
        first = np.lexsort((self.rank_gt[event[hit]], end[hit], start[hit], town[hit]))
        hit = hit[first]
        _, firsts = np.unique(town[hit], return_index=True)
        out = []
        for i in hit[firsts]:
            a, b = self.events[event[i]], self.events[event[i + 1]]
            best = (
                f"{day_lexical(int(start[i]))}|{day_lexical(int(end[i]))}|{a}>"
                f"{day_lexical(int(start[i + 1]))}|{day_lexical(int(end[i + 1]))}|{b}>{int(gap[i])}"
            )
            out.append((ox.NamedNode(self.towns[town[i]]), ox.Literal(best)))
        out.sort(key=lambda row: row[0].value)
        return out

    def encode(self) -> bytes:
        return marshal.dumps(
            {
                "format": TABLE_FORMAT,
                "towns": self.towns,
                "events": self.events,
                "actors": self.actors,
                **{name: getattr(self, name).tobytes() for name in self.COLUMNS},
            }
        )

    @classmethod
    def decode(cls, raw: bytes) -> AttackTable | None:
        import numpy as np

        data = marshal.loads(raw)
        if data.get("format") != TABLE_FORMAT:
            return None
        columns = {name: np.frombuffer(data[name], dtype=np.int32) for name in cls.COLUMNS}
        return cls(data["towns"], data["events"], data["actors"], **columns)


TABLE_FORMAT = 1


def attack_table(store: EmbeddedStore, graphs: list[str]) -> AttackTable | None:
    """The attack table of ``graphs`` at their current revisions; None if irregular."""
    classes = store.attack_classes(graphs)
    revisions = store.revisions()
    key = hashlib.sha1(
        repr((TABLE_FORMAT, sorted(classes), [(g, revisions.get(g)) for g in graphs])).encode()
    ).hexdigest()
    folder = store.event_index.folder.parent
    path = folder / f"attacks-{key}.marshal"
    cacheable = all(revisions.get(g) is not None for g in graphs)
    if cacheable and path.exists():
        try:
            table = AttackTable.decode(path.read_bytes())
            if table is not None:
                return table
        except (OSError, ValueError, EOFError, KeyError, TypeError) as exc:
            log.warning("attack table %s unreadable (%s); rebuilding it", path, exc)
    table = _build_table(store, graphs, classes, revisions)
    if table is not None and cacheable:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob("attacks-*.marshal"):
                old.unlink()  # one table at a time: it is rebuilt when a graph changes
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(table.encode())
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("attack table not saved (%s)", exc)
    return table


def _build_table(
    store: EmbeddedStore, graphs: list[str], classes: frozenset[str], revisions: dict[str, str]
) -> AttackTable | None:
    entries = [store.event_facts(g, revisions.get(g), classes) for g in graphs]
    revisions.update(store.revisions())  # entries of graphs without a revision got one
    for entry in entries:
        if entry.irregular:
            log.info("attack-pairs: plain SPARQL, because of %s", entry.irregular)
            return None
    data = [ox.NamedNode(g) for g in graphs]

    # The attacks: subjects typed with ckg:Attack or a subclass, in any graph.
    attacks: set[str] = set()
    for entry in entries:
        for cls in classes:
            idxs = entry.types.get(cls)
            if idxs:
                subjects = entry.subjects
                attacks.update(subjects[i] for i in idxs)
    towns_of = _towns_of_places(store, data)
    if towns_of is None:
        log.info("attack-pairs: plain SPARQL, because a town or a place is a blank node")
        return None

    starts: dict[str, set[int]] = {}
    ends: dict[str, set[int]] = {}
    towns: dict[str, set[str]] = {}
    perps: dict[str, set[str]] = {}
    for entry in entries:
        subjects = entry.subjects
        chosen = [s in attacks for s in subjects]
        for s, d in zip(entry.start_s, entry.start_d):
            if chosen[s]:
                starts.setdefault(subjects[s], set()).add(d)
        for s, d in zip(entry.end_s, entry.end_d):
            if chosen[s]:
                ends.setdefault(subjects[s], set()).add(d)
        place_towns = [towns_of.get(p) for p in entry.places]
        for s, p in zip(entry.place_s, entry.place_o):
            if chosen[s] and place_towns[p]:
                towns.setdefault(subjects[s], set()).update(place_towns[p])
        actors = entry.actors
        for s, a in zip(entry.perp_s, entry.perp_o):
            if chosen[s]:
                perps.setdefault(subjects[s], set()).add(actors[a])

    # No bucket logic is needed here: the SPARQL compares each attack only with the
    # attacks of its own and the next bucket of (window + longest + 1) days, where longest
    # is max(0, the largest end - start over every attack and pair of its dates); the next
    # attack within the window always starts in one of those two buckets (gap <= window
    # and end - start <= longest), so both find the same consecutive pairs.

    town_ids: dict[str, int] = {}
    event_ids: dict[str, int] = {}
    columns: dict[str, list[int]] = {name: [] for name in AttackTable.COLUMNS}
    for event, event_towns in towns.items():
        event_starts = starts.get(event)
        if not event_starts:
            continue
        e = event_ids.setdefault(event, len(event_ids))
        for start in event_starts:
            for end in ends.get(event) or (start,):
                for town in event_towns:
                    columns["town"].append(town_ids.setdefault(town, len(town_ids)))
                    columns["start"].append(start)
                    columns["end"].append(end)
                    columns["event"].append(e)
    events = list(event_ids)
    actor_ids: dict[str, int] = {}
    for event, e in event_ids.items():
        for actor in perps.get(event, ()):
            columns["perp_event"].append(e)
            columns["perp_actor"].append(actor_ids.setdefault(actor, len(actor_ids)))
    rank = [0] * len(events)
    for r, e in enumerate(sorted(range(len(events)), key=events.__getitem__)):
        rank[e] = r
    rank_gt = [0] * len(events)
    for r, e in enumerate(sorted(range(len(events)), key=lambda i: events[i] + ">")):
        rank_gt[e] = r
    columns["rank"], columns["rank_gt"] = rank, rank_gt
    return AttackTable(list(town_ids), events, list(actor_ids), **columns)


def _factions(store: EmbeddedStore, data: list[ox.NamedNode], actor: str) -> set[str]:
    """``actor`` and everything ckg:factionOf* it, as the question's path would find them."""
    text = bind_values(
        f"SELECT DISTINCT ?x WHERE {{ ?x <{CKG_NS}factionOf>* ?p }}", {"p": URIRef(actor)}
    )
    answer = store.db.query(text, default_graph=data)
    return {row[0].value for row in answer if isinstance(row[0], ox.NamedNode)}


def _towns_of_places(
    store: EmbeddedStore, data: list[ox.NamedNode]
) -> dict[str, set[str]] | None:
    """Each place's towns: the ckg:Town, Village or Settlement it is ckg:locatedIn*.

    None when a town or a place in that relation is a blank node (a VALUES block cannot
    name it, so the plain SPARQL must answer).
    """
    classes = " ".join(f"<{CKG_NS}{c}>" for c in _TOWN_CLASSES)
    answer = store.db.query(
        "SELECT DISTINCT ?place ?town WHERE { ?town a ?class . VALUES ?class { "
        + classes
        + f" }} ?place <{CKG_NS}locatedIn>* ?town }}",
        default_graph=data,
    )
    out: dict[str, set[str]] = {}
    for place, town in answer:
        if not (isinstance(place, ox.NamedNode) and isinstance(town, ox.NamedNode)):
            return None
        out.setdefault(place.value, set()).add(town.value)
    return out


_CORES = {"attack-pairs": attack_pairs}

__all__ = ["accelerated", "attack_pairs"]
