"""Answers for the parts of saved questions that SPARQL engines plan badly.

A saved question may mark one group of its WHERE clause as a *core* between two comment
lines, ``# ckg:core NAME begin`` and ``# ckg:core NAME end``. The SPARQL inside is the
reference: every backend can run it, and the tests compare the two. :func:`accelerated`
computes that group's solutions itself and sends the rest of the question to the store
with the group replaced by a ``VALUES`` block of those solutions (escaped RDF terms, never
text from the user). Labels, regions, perpetrators and sources are therefore still found
by the question's own SPARQL. Where the facts come from depends on the store:

- the embedded store: its event index (:mod:`kg.event_index`) and a few small queries;
  the rest of the question goes to Oxigraph in one piece, its OPTIONALs made LATERAL;
- a SPARQL server (:mod:`kg.remote`): plain queries that any engine answers by index
  scans (:func:`queried_table`, through the store's ``construct_triples``); the rest goes
  to the server in batches of :data:`REMOTE_BATCH` rows when each row's answer stands
  alone (Virtuoso cannot compile a long VALUES block), else in one piece.

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
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib.term import Literal, Node, URIRef

from kg.event_index import day_lexical, day_of
from kg.sparql import bind_values, code_mask, values_list
from kg.store import QueryResult, Store
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
_GROUP_BY = re.compile(r"\bGROUP\s+BY\b(?P<keys>.*?)(?=\bHAVING\b|$)", re.IGNORECASE | re.DOTALL)
_ORDER_OR_SLICE = re.compile(r"\b(ORDER\s+BY|LIMIT|OFFSET)\b", re.IGNORECASE)
_TOWN_CLASSES = ("Town", "Village", "Settlement")


def accelerated(
    store: Store,
    sparql: str,
    bindings: Mapping[str, Node] | None,
    *,
    include_inferred: bool = True,
) -> QueryResult | None:
    """The answer to ``sparql`` with its marked core computed here; None to run it plainly.

    ``store`` is the embedded store (facts from its event index) or any other store
    whose ``query`` takes ``accelerate=False`` (facts fetched by a few plain queries, see
    :func:`queried_table`; the remote backend uses this).
    """
    match = _CORE.search(sparql)
    if match is None or match.group("name") not in _CORES:
        return None
    solutions = _CORES[match.group("name")](store, dict(bindings or {}), include_inferred)
    if solutions is None:
        return None
    variables, rows, via = solutions
    skeleton = sparql[: match.start()] + _ROWS_HERE + sparql[match.end() :]
    embedded = _is_embedded(store)
    if embedded:
        # The rows go in after the rewrite: scanning thousands of rows for braces is wasted.
        skeleton = lateral_optionals(skeleton)
        batches = [rows]
    elif len(rows) > REMOTE_BATCH and _per_row_answer(skeleton, variables[0]):
        batches = [rows[i : i + REMOTE_BATCH] for i in range(0, len(rows), REMOTE_BATCH)]
    else:
        batches = [rows]
    head = " ".join("?" + v for v in variables)
    answer: QueryResult | None = None
    for batch in batches:
        body = "\n".join("(" + " ".join(str(term) for term in row) + ")" for row in batch)
        values = f"  {{ VALUES ({head}) {{\n{body}\n  }} }}\n"
        part = store.query(
            skeleton.replace(_ROWS_HERE, values, 1),
            bindings,
            include_inferred=include_inferred,
            accelerate=False,
        )
        if answer is None:
            answer = part
        else:
            answer.rows.extend(part.rows)
    assert answer is not None
    answer.via = f"{match.group('name')} {via}"
    return answer


#: Rows of a core's VALUES block per query sent to a server. Virtuoso 7.2 compiles a
#: VALUES block into a code vector of at most 32,767 bytes (error SQ199), about 90 bytes a
#: row for towns_attacked_twice; 200 rows leave room for the rest of the question.
REMOTE_BATCH = 200
#: Solutions per CONSTRUCT page when facts are fetched from a server (at most three
#: triples each): 100,000 attacks came back whole from Virtuoso 7.2, a million did not.
PAGE_SOLUTIONS = 100_000


def _per_row_answer(skeleton: str, key: str) -> bool:
    """Whether the rest of the question answers each core row on its own.

    True when its solution modifiers group by the core's first variable (one group never
    spans two rows of the core) and it has no ORDER BY, LIMIT or OFFSET: then the answer to
    all rows is the union of the answers to batches of them.
    """
    mask = code_mask(skeleton)
    depth, end = 0, None
    for token in re.finditer(r"[{}]", mask):
        depth += 1 if token.group(0) == "{" else -1
        if depth == 0:
            end = token.end()
    if end is None:
        return False
    modifiers = mask[end:]
    group = _GROUP_BY.search(modifiers)
    if group is None or _ORDER_OR_SLICE.search(modifiers):
        return False
    return re.search(r"[?$]" + re.escape(key) + r"\b", group.group("keys")) is not None


def _is_embedded(store: object) -> bool:
    from kg.embedded import EmbeddedStore

    return isinstance(store, EmbeddedStore)


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
    store: Store, bindings: dict[str, Node], include_inferred: bool
) -> tuple[list[str], list[tuple[ox.NamedNode, ox.Literal]], str] | None:
    """The ``attack-pairs`` core of towns_attacked_twice: (?town, ?best) per town.

    Follows the question's EXACT RULE: per town, its distinct (attack, start, end) rows
    sorted by the key "start|end|attack IRI"; each row with the next one; a pair qualifies
    when next start - end <= window (days); ?best is the smallest qualifying pair key
    "keyA>keyB>gap" (the same string the SPARQL builds, so the same MIN). The third
    item says where the attacks came from (for the CLI's note).
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
    from kg.embedded import EmbeddedStore

    variables = ["town", "best"]
    embedded = isinstance(store, EmbeddedStore)
    via = "from the event index" if embedded else "from facts fetched from the server"
    if window < 0:
        return variables, [], via
    if isinstance(store, EmbeddedStore):
        graphs = store.data_graphs(include_inferred)
        table = attack_table(store, graphs)
        actors = None
        if perpetrator is not None:
            actors = _factions(store, [ox.NamedNode(g) for g in graphs], str(perpetrator))
    else:
        found = queried_table(store, include_inferred, perpetrator)
        table, actors = found if found is not None else (None, None)
    if table is None:
        return None
    return variables, table.pairs(window, actors, since, until), via


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

    return _table_from_facts(starts, ends, towns, perps)


def _table_from_facts(
    starts: Mapping[str, Iterable[int]],
    ends: Mapping[str, Iterable[int]],
    towns: Mapping[str, Iterable[str]],
    perps: Mapping[str, Iterable[str]],
) -> AttackTable:
    """The table of the attacks that have a town and a start: every (town, start, end) row.

    ``starts``, ``ends``, ``towns`` and ``perps`` map each attack's IRI to its start and
    end day numbers, its towns and its perpetrators' IRIs; an attack without an end
    counts as ending on its start day, as in the question's COALESCE.
    """
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


def queried_table(
    store: Store, include_inferred: bool, perpetrator: URIRef | None
) -> tuple[AttackTable, set[str] | None] | None:
    """The attack table and the perpetrator's actors, from plain queries on ``store``.

    For a SPARQL server, where there is no event index: the facts are fetched with
    queries every engine evaluates by index scans -- single triple patterns and one
    type join, no property paths, no date arithmetic, no self-join; the bulk of them
    (dates and places) as a CONSTRUCT read as N-Triples -- and the closures
    the question's paths express (subclasses of ckg:Attack, ``ckg:locatedIn*`` up to a
    town, ``ckg:factionOf*``) are worked out here. Virtuoso 7.2 cannot plan the pairing
    self-join (no answer within 600 s at 100k attacks) but scans these in seconds.
    With a perpetrator, only the attacks by it or its factions are asked for.

    None (the plain SPARQL answers) when a fact is outside what this reproduces exactly:
    a blank node where the VALUES block would need an IRI, a date that is not a plain
    xsd:date, or an answer the server cut at its row cap.
    """
    from kg.errors import TruncatedAnswer

    construct_triples = getattr(store, "construct_triples", None)
    if construct_triples is None:
        return _declined(f"{type(store).__name__} cannot return triples in bulk")

    def select(text: str) -> list[tuple[Node | None, ...]]:
        return store.query(text, None, include_inferred=include_inferred, accelerate=False).rows

    def construct(template: str, where: str) -> list[ox.Triple]:
        # In pages of at most PAGE_SOLUTIONS solutions of ``where``, split by the MD5 of
        # ?a: Virtuoso builds a CONSTRUCT answer in one vector, and refuses ("The result
        # vector is too large") 3 million triples. Every ?a falls in exactly one page.
        (count,) = select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]
        solutions = int(str(count)) if isinstance(count, Literal) else 0
        pages = max(1, min(256, -(-solutions // PAGE_SOLUTIONS)))
        bounds = [f"{round(256 * i / pages):02x}" for i in range(pages + 1)]
        out: list[ox.Triple] = []
        for i in range(pages):
            page = ""
            if pages > 1:
                page = 'BIND(SUBSTR(LCASE(MD5(STR(?a))), 1, 2) AS ?ckgPage) FILTER(?ckgPage >= "'
                page += bounds[i] + (
                    '")' if i == pages - 1 else f'" && ?ckgPage < "{bounds[i + 1]}")'
                )
            text = f"CONSTRUCT {{ {template} }} WHERE {{ {where} {page} }}"
            out += construct_triples(text, include_inferred=include_inferred)
        return out

    ckg, rdfs = f"<{CKG_NS}", "<http://www.w3.org/2000/01/rdf-schema#"
    try:
        subclass = select(f"SELECT ?sub ?sup WHERE {{ ?sub {rdfs}subClassOf> ?sup }}")
        classes = _closure(subclass, URIRef(CKG_NS + "Attack"))
        town_rows = select(
            f"SELECT ?town WHERE {{ VALUES ?class {{ {ckg}Town> {ckg}Village> "
            f"{ckg}Settlement> }} ?town a ?class }}"
        )
        located = select(f"SELECT ?place ?in WHERE {{ ?place {ckg}locatedIn> ?in }}")
        if not all(isinstance(term, URIRef) for term in classes):
            return _declined("a subclass of ckg:Attack is a blank node")
        attack_triples = construct(
            f"?a {ckg}startDate> ?start ; {ckg}place> ?place ; {ckg}endDate> ?end",
            f"{values_list('class', classes)} ?a a ?class ; {ckg}startDate> ?start ; "
            f"{ckg}place> ?place . OPTIONAL {{ ?a {ckg}endDate> ?end }}",
        )
        actors: set[str] | None = None
        by_perpetrator: set[str] = set()
        if perpetrator is not None:
            factions = _closure(
                select(f"SELECT ?faction ?of WHERE {{ ?faction {ckg}factionOf> ?of }}"),
                perpetrator,
            )
            if not all(isinstance(term, URIRef) for term in factions):
                return _declined("a faction is a blank node")
            by_perpetrator = {
                t.subject.value
                for t in construct(
                    f"?a {ckg}perpetrator> ?faction",
                    f"{values_list('faction', factions)} ?a {ckg}perpetrator> ?faction",
                )
                if isinstance(t.subject, ox.NamedNode)
            }
            actors = {str(perpetrator)}
    except TruncatedAnswer as exc:
        return _declined(f"the server cut an answer ({exc})")

    towns = {t for (t,) in town_rows}
    if not all(isinstance(t, URIRef) for t in towns):
        return _declined("a town is a blank node")
    inside: dict[Node, set[Node]] = {}
    for place, container in located:
        if place is not None and container is not None:
            inside.setdefault(container, set()).add(place)
    # Each town and everything ckg:locatedIn* it, walking the edges backwards.
    towns_of: dict[str, set[str]] = {}
    for town in towns:
        for place in _reach(inside, town):
            towns_of.setdefault(str(place), set()).add(str(town))

    # Every attack here has a start and a place (the pattern asks for both); the CONSTRUCT
    # gives each distinct fact once.
    starts: dict[str, set[int]] = {}
    ends: dict[str, set[int]] = {}
    attack_towns: dict[str, set[str]] = {}
    start_p, end_p = CKG_NS + "startDate", CKG_NS + "endDate"
    for t in attack_triples:
        a, p, o = t.subject, t.predicate.value, t.object
        if not isinstance(a, ox.NamedNode):
            return _declined("an attack is a blank node")
        if p in (start_p, end_p):
            day = day_of(o)
            if day is None:
                return _declined(f"{a} has a date that is not a plain xsd:date: {o}")
            (starts if p == start_p else ends).setdefault(a.value, set()).add(day)
        elif not isinstance(o, ox.NamedNode):
            return _declined(f"{a} has a place that is not an IRI: {o}")
        else:
            attack_towns.setdefault(a.value, set()).update(towns_of.get(o.value, ()))
    if actors is not None:
        perps = {a: actors for a in by_perpetrator}
    else:
        perps = {}
    return _table_from_facts(starts, ends, attack_towns, perps), actors


def _declined(why: str) -> None:
    log.info("attack-pairs: plain SPARQL, because %s", why)


def _closure(edges: Iterable[tuple[Node | None, ...]], top: Node) -> set[Node]:
    """``top`` and every node with a path of ``edges`` (child, parent) up to it."""
    below: dict[Node, set[Node]] = {}
    for child, parent in edges:
        if child is not None and parent is not None:
            below.setdefault(parent, set()).add(child)
    return _reach(below, top)


def _reach(below: Mapping[Node, set[Node]], top: Node) -> set[Node]:
    seen, todo = {top}, [top]
    while todo:
        for child in below.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def _factions(store: EmbeddedStore, data: list[ox.NamedNode], actor: str) -> set[str]:
    """``actor`` and everything ckg:factionOf* it, as the question's path would find them."""
    text = bind_values(
        f"SELECT DISTINCT ?x WHERE {{ ?x <{CKG_NS}factionOf>* ?p }}", {"p": URIRef(actor)}
    )
    answer = store.db.query(text, default_graph=data)
    return {row[0].value for row in answer if isinstance(row[0], ox.NamedNode)}


def _towns_of_places(store: EmbeddedStore, data: list[ox.NamedNode]) -> dict[str, set[str]] | None:
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
