"""The rules of the derived graph, as plain Python over the facts they read.

Saved questions read these facts instead of computing them with date arithmetic and
property paths at query time; this module is where each rule is written exactly, and
``tests/test_derive.py`` checks it against an independent pandas computation.

**Events.** Every event (an IRI subject) with at least one ``ckg:startDate`` has an
interval: it starts on its earliest start date and ends on its latest ``ckg:endDate``
(on its start date when it has none). Dates are ``xsd:date`` (or the day of an
``xsd:dateTime``); other values are not dates and are ignored. The derived graph gives
``ckg:intervalStart`` and ``ckg:intervalEnd`` (those days as ``xsd:date``). Day numbers
(``ckg:startDay``, ``ckg:endDay``) are no longer written: no question read them, and they
were two triples per event (the gaps, which are day counts, are on the steps).

**Places.** A *town* is anything asserted (or inferred) to be a ``ckg:Town``,
``ckg:Village`` or ``ckg:Settlement``; a *region* a ``ckg:AdminRegion``. Each place gets
``ckg:inTown`` for every town and ``ckg:inRegion`` for every region it is in through
``ckg:locatedIn``, zero or more steps (a town is in itself).

**Attacks and their kinds.** The *kinds* are ``ckg:Attack`` and every class under it
through ``rdfs:subClassOf`` (as the graphs say, whatever they say: no list is kept here).
An event is an attack of kind K when one of its types is K or under K: it gets
``ckg:attackKind K`` for each. It takes part in the sequences below when it also has a
start date; it counts for a town when one of its ``ckg:place`` values is in that town.

**Parts.** Each event gets ``ckg:withinEvent`` for every event it is part of through
``ckg:partOf``, one or more steps (an operation's parts, their parts, ...).

**Groups.** An *actor* is every IRI that is an end of a ``ckg:factionOf`` triple, a
``ckg:perpetrator``, ``ckg:actor`` or ``ckg:organization`` value, or an instance of
``ckg:Actor`` or of a class under it through ``rdfs:subClassOf``. Each actor gets
``ckg:inGroup`` for every group it belongs to through ``ckg:factionOf``, zero or more steps
(an actor is in itself: "actor A or one of its factions" is ``?x ckg:inGroup A``). An
attack is by group G when one of its ``ckg:perpetrator`` values (IRIs) is in G.

**Classes.** Each class (an IRI subject of ``rdfs:subClassOf``) gets ``ckg:superClass``
for every class it is under through ``rdfs:subClassOf``, one or more steps (itself only
through a cycle). A resource's *most specific* classes are then its classes that none of
its other classes has as a ``ckg:superClass``: a question can say so without a path, and
the graph holds one triple per pair of classes, not one per resource.

**Documents.** Every resource a ``ckg:Claim`` is ``ckg:about`` gets ``ckg:describedIn``
for each document that holds one of the claim's passages (``ckg:passage``, then
``ckg:inDocument``): the sources of an event (or a place, a group) one triple away, where
a question would otherwise follow claim, passage and document for every row it shows.

**Next attack.** For each town, each kind K and each *scope* (all attacks, or those by
one group G): the town's distinct attacks of kind K in scope, sorted by (start day, end
day, event IRI as a string). Each attack A and the one just after it, B, make a *step*
whose gap is start(B) - end(A) in days (negative when they overlap). The steps are
numbered from 1 in that order (``ckg:position``). Sequences with the same town and the
same attacks are written once, with one ``ckg:scope`` per (kind, group) they serve. The
first step of a sequence, and each step whose gap is shorter than the gap of every step
before it, also gets ``ckg:shortestSoFarIn`` the sequence: the first step within any
window is always one of these (every earlier gap is longer than the window), so a question
looking for it reads those few steps instead of all of them.

Because the order starts with the start day, the attacks of a sequence that start between
two dates are consecutive in it: the steps of the attacks filtered by start date are the
steps whose first attack starts on or after the first date and whose second starts on or
before the last. That is why a question can filter by date after the fact.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files

from kg.terms import CKG_NS, ID

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

# What the rules read.
START = CKG_NS + "startDate"
END = CKG_NS + "endDate"
PLACE = CKG_NS + "place"
PERPETRATOR = CKG_NS + "perpetrator"
LOCATED_IN = CKG_NS + "locatedIn"
FACTION_OF = CKG_NS + "factionOf"
PART_OF = CKG_NS + "partOf"
ACTOR_OF_EVENT = CKG_NS + "actor"
ORGANIZATION = CKG_NS + "organization"
ABOUT = CKG_NS + "about"
PASSAGE = CKG_NS + "passage"
IN_DOCUMENT = CKG_NS + "inDocument"
ATTACK = CKG_NS + "Attack"
ACTOR_CLASS = CKG_NS + "Actor"
TOWN_CLASSES = frozenset(CKG_NS + c for c in ("Town", "Village", "Settlement"))
REGION_CLASS = CKG_NS + "AdminRegion"
#: Predicates whose triples the rules read (with rdf:type and rdfs:subClassOf).
READ = (
    START,
    END,
    PLACE,
    PERPETRATOR,
    ACTOR_OF_EVENT,
    ORGANIZATION,
    LOCATED_IN,
    FACTION_OF,
    PART_OF,
    ABOUT,
    PASSAGE,
    IN_DOCUMENT,
    RDF_TYPE,
    SUBCLASS,
)

# What the rules write.
#: Written by earlier versions (day numbers); kept so that an update removes them.
START_DAY = CKG_NS + "startDay"
END_DAY = CKG_NS + "endDay"
INTERVAL_START = CKG_NS + "intervalStart"
INTERVAL_END = CKG_NS + "intervalEnd"
ATTACK_KIND = CKG_NS + "attackKind"
WITHIN_EVENT = CKG_NS + "withinEvent"
IN_TOWN = CKG_NS + "inTown"
IN_REGION = CKG_NS + "inRegion"
IN_GROUP = CKG_NS + "inGroup"
SUPER_CLASS = CKG_NS + "superClass"
DESCRIBED_IN = CKG_NS + "describedIn"
SEQUENCE_TOWN = CKG_NS + "sequenceTown"
SCOPE = CKG_NS + "scope"
SCOPE_KIND = CKG_NS + "scopeKind"
SCOPE_GROUP = CKG_NS + "scopeGroup"
IN_SEQUENCE = CKG_NS + "inSequence"
POSITION = CKG_NS + "position"
FROM_ATTACK = CKG_NS + "fromAttack"
TO_ATTACK = CKG_NS + "toAttack"
GAP_DAYS = CKG_NS + "gapDays"
SHORTEST_SO_FAR_IN = CKG_NS + "shortestSoFarIn"

_DERIVED = str(ID) + "derived/"


@cache
def rules_version() -> str:
    """A digest of this module's source: a derived graph written by other rules is stale.

    A store keeps it with its derived graph; when ckg's rules change (a new term, a fixed
    rule), the next question rebuilds the graph instead of reading facts the old rules wrote.
    Read once per process: every question asks whether the graph is fresh.
    """
    source = files("kg.derive").joinpath("rules.py").read_bytes()
    return hashlib.sha256(source).hexdigest()[:16]


@dataclass
class Facts:
    """The input of the rules: IRIs as strings, dates as :class:`datetime.date`."""

    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    starts: dict[str, list[date]] = field(default_factory=lambda: defaultdict(list))
    ends: dict[str, list[date]] = field(default_factory=lambda: defaultdict(list))
    places: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    perpetrators: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    located_in: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    faction_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    subclass_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    part_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: claim -> what it is about; claim -> its passages; passage -> its documents.
    about: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    passages: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    in_document: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: ckg:actor and ckg:organization values (the perpetrators are in ``perpetrators``).
    actors: set[str] = field(default_factory=set)

    def add(self, s: str, p: str, o: str, datatype: str | None = None) -> None:
        """Take one triple (``o`` an IRI, or a literal's lexical form with ``datatype``)."""
        if p == RDF_TYPE:
            if datatype is None:
                self.types[s].add(o)
        elif p == START or p == END:
            day = parse_day(o, datatype)
            if day is not None:
                (self.starts if p == START else self.ends)[s].append(day)
        elif datatype is not None:
            return  # the other predicates are read for their IRI values only
        elif p == PLACE:
            self.places[s].add(o)
        elif p == PERPETRATOR:
            self.perpetrators[s].add(o)
        elif p == LOCATED_IN:
            self.located_in[s].add(o)
        elif p == FACTION_OF:
            self.faction_of[s].add(o)
        elif p == SUBCLASS:
            self.subclass_of[s].add(o)
        elif p == PART_OF:
            self.part_of[s].add(o)
        elif p == ABOUT:
            self.about[s].add(o)
        elif p == PASSAGE:
            self.passages[s].add(o)
        elif p == IN_DOCUMENT:
            self.in_document[s].add(o)
        elif p == ACTOR_OF_EVENT or p == ORGANIZATION:
            self.actors.add(o)


def parse_day(lexical: str, datatype: str | None) -> date | None:
    """The day of an ``xsd:date`` or ``xsd:dateTime`` literal; None for anything else."""
    if datatype not in (XSD + "date", XSD + "dateTime"):
        return None
    try:
        return date.fromisoformat(lexical[:10])
    except ValueError:
        return None


def classes_under(root: str, subclass_of: Mapping[str, set[str]]) -> set[str]:
    """``root`` and every class under it through rdfs:subClassOf."""
    below: dict[str, set[str]] = defaultdict(set)
    for sub, supers in subclass_of.items():
        for sup in supers:
            below[sup].add(sub)
    return _closure(root, below)


def kinds_of_classes(subclass_of: Mapping[str, set[str]]) -> dict[str, frozenset[str]]:
    """Each class under ckg:Attack (itself included) -> the kinds it is an attack of."""
    kinds = classes_under(ATTACK, subclass_of)
    return {c: frozenset(_closure(c, subclass_of) & kinds) for c in kinds}


def every_actor(facts: Facts, subclass_of: Mapping[str, set[str]] | None = None) -> set[str]:
    """The actors of the rule above (IRIs and blank nodes alike; the caller drops the latter)."""
    found = set(facts.actors)
    for values in facts.perpetrators.values():
        found |= values
    for sub, groups in facts.faction_of.items():
        found.add(sub)
        found |= groups
    actor_classes = classes_under(
        ACTOR_CLASS, facts.subclass_of if subclass_of is None else subclass_of
    )
    found |= {s for s, t in facts.types.items() if t & actor_classes}
    return found


def _closure(node: str, up: Mapping[str, set[str]], *, strict: bool = False) -> set[str]:
    """``node`` and everything reached from it along ``up`` (cycles are fine).

    With ``strict``, what is reached in one or more steps (``node`` only through a cycle).
    """
    if strict:
        seen = set(up.get(node, ()))
        todo = list(seen)
    else:
        seen = {node}
        todo = [node]
    while todo:
        for parent in up.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def interval(facts: Facts, event: str) -> tuple[date, date] | None:
    """An event's (start, end) by the rule above; None when it has no start date."""
    starts = facts.starts.get(event)
    if not starts:
        return None
    start = min(starts)
    ends = facts.ends.get(event)
    return start, (max(ends) if ends else start)


def place_containers(facts: Facts, places: Iterable[str]) -> dict[str, tuple[set[str], set[str]]]:
    """Each place -> (its towns, its regions), through ckg:locatedIn zero or more steps."""
    out: dict[str, tuple[set[str], set[str]]] = {}
    for place in places:
        above = _closure(place, facts.located_in)
        towns = {p for p in above if facts.types.get(p, set()) & TOWN_CLASSES}
        regions = {p for p in above if REGION_CLASS in facts.types.get(p, ())}
        out[place] = (towns, regions)
    return out


def documents_of(facts: Facts, resources: Iterable[str] | None = None) -> dict[str, set[str]]:
    """Each resource a claim is about (or each of ``resources``) -> its documents."""
    wanted = None if resources is None else set(resources)
    found: dict[str, set[str]] = defaultdict(set)
    for claim, subjects in facts.about.items():
        if wanted is not None and not subjects & wanted:
            continue
        documents = {
            doc
            for passage in facts.passages.get(claim, ())
            for doc in facts.in_document.get(passage, ())
        }
        if not documents:
            continue
        for subject in subjects if wanted is None else subjects & wanted:
            found[subject] |= documents
    return found


def every_place(facts: Facts) -> set[str]:
    """The places the rules give towns and regions to."""
    found = set(facts.located_in)
    for values in facts.located_in.values():
        found |= values
    for values in facts.places.values():
        found |= values
    found |= {s for s, t in facts.types.items() if t & TOWN_CLASSES or REGION_CLASS in t}
    return found


@dataclass(frozen=True)
class Sequence:
    """One town's attacks of one kind and scope, in order, and the scopes it serves."""

    town: str
    attacks: tuple[str, ...]
    gaps: tuple[int, ...]
    scopes: frozenset[tuple[str, str | None]]

    @property
    def iri(self) -> str:
        """A name made from the town and the first of its scopes (kind, then group; every
        attack first): a town has one sequence per scope, so the name is unique, and it
        stays when an attack joins the sequence. A ``ckg add`` then rewrites only the steps
        that changed, not every step of the towns it touches (its steps are the sequence's
        IRI, a slash and their position)."""
        kind, group = min(self.scopes, key=lambda scope: (scope[0], scope[1] or ""))
        key = "\n".join((self.town, kind, group or ""))
        return f"{_DERIVED}sequence/{hashlib.md5(key.encode('utf-8')).hexdigest()}"


def scope_iri(kind: str, group: str | None) -> str:
    """The node that stands for (kind, group); group None is every attack of the kind."""
    key = f"{kind}\n{group or ''}"
    return f"{_DERIVED}scope/{hashlib.md5(key.encode('utf-8')).hexdigest()}"


def sequences(facts: Facts, towns: set[str] | None = None) -> list[Sequence]:
    """The next-attack sequences of every town (or only of ``towns``)."""
    kinds_of = kinds_of_classes(facts.subclass_of)
    containers = place_containers(facts, {p for ps in facts.places.values() for p in ps})
    groups_of: dict[str, set[str]] = {}
    # (town, kind, group) -> [(start, end, event)]
    lists: dict[tuple[str, str, str | None], list[tuple[int, int, str]]] = defaultdict(list)
    for event, types in facts.types.items():
        kinds: set[str] = set()
        for t in types:
            kinds |= kinds_of.get(t, frozenset())
        if not kinds or event not in facts.places:
            continue
        span = interval(facts, event)
        if span is None:
            continue
        event_towns: set[str] = set()
        for place in facts.places[event]:
            event_towns |= containers[place][0]
        if towns is not None:
            event_towns &= towns
        if not event_towns:
            continue
        groups: set[str | None] = {None}
        for actor in facts.perpetrators.get(event, ()):
            if actor not in groups_of:
                groups_of[actor] = _closure(actor, facts.faction_of)
            groups |= groups_of[actor]
        key = (span[0].toordinal(), span[1].toordinal(), event)
        for town in event_towns:
            for kind in kinds:
                for group in groups:
                    lists[(town, kind, group)].append(key)
    merged: dict[tuple[str, tuple[str, ...]], tuple[tuple[int, ...], set]] = {}
    for (town, kind, group), items in lists.items():
        if len(items) < 2:
            continue
        items.sort()
        attacks = tuple(e for _s, _e, e in items)
        found = merged.get((town, attacks))
        if found is None:
            gaps = tuple(items[i + 1][0] - items[i][1] for i in range(len(items) - 1))
            found = merged[(town, attacks)] = (gaps, set())
        found[1].add((kind, group))
    return [
        Sequence(town, attacks, gaps, frozenset(scopes))
        for (town, attacks), (gaps, scopes) in merged.items()
    ]


# ---- the derived graph as N-Triples lines


def _iri(value: str) -> str:
    return f"<{value}>"


def _integer(n: int) -> str:
    return f'"{n}"^^<{XSD}integer>'


def _date(d: date) -> str:
    return f'"{d.isoformat()}"^^<{XSD}date>'


def event_lines(facts: Facts, events: Iterable[str] | None = None) -> Iterator[str]:
    """Kinds, parts and interval of each event (or of ``events``)."""
    kinds_of = kinds_of_classes(facts.subclass_of)
    chosen = set(facts.starts) | set(facts.types) | set(facts.part_of) if events is None else events
    for event in sorted(chosen):
        if event.startswith("_:"):
            continue
        s = _iri(event)
        kinds: set[str] = set()
        for t in facts.types.get(event, ()):
            kinds |= kinds_of.get(t, frozenset())
        for kind in sorted(kinds):
            yield f"{s} <{ATTACK_KIND}> {_iri(kind)} .\n"
        if event in facts.part_of:
            for whole in sorted(_closure(event, facts.part_of) - {event}):
                if not whole.startswith("_:"):
                    yield f"{s} <{WITHIN_EVENT}> {_iri(whole)} .\n"
        span = interval(facts, event)
        if span is None:
            continue
        yield f"{s} <{INTERVAL_START}> {_date(span[0])} .\n"
        yield f"{s} <{INTERVAL_END}> {_date(span[1])} .\n"


def place_lines(facts: Facts, places: Iterable[str] | None = None) -> Iterator[str]:
    """``ckg:inTown`` and ``ckg:inRegion`` of each place (or of ``places``)."""
    chosen = every_place(facts) if places is None else places
    for place, (towns, regions) in place_containers(facts, chosen).items():
        s = _iri(place)
        for town in sorted(towns):
            yield f"{s} <{IN_TOWN}> {_iri(town)} .\n"
        for region in sorted(regions):
            yield f"{s} <{IN_REGION}> {_iri(region)} .\n"


def actor_lines(facts: Facts, actors: Iterable[str] | None = None) -> Iterator[str]:
    """``ckg:inGroup`` of each actor (or of ``actors``, which the caller knows are actors)."""
    chosen = every_actor(facts) if actors is None else actors
    for actor in sorted(chosen):
        if actor.startswith("_:"):
            continue
        s = _iri(actor)
        for group in sorted(_closure(actor, facts.faction_of)):
            if not group.startswith("_:"):
                yield f"{s} <{IN_GROUP}> {_iri(group)} .\n"


def document_lines(facts: Facts, resources: Iterable[str] | None = None) -> Iterator[str]:
    """``ckg:describedIn`` of each resource claims are about (or of ``resources``)."""
    found = documents_of(facts, resources)
    for resource in sorted(found):
        if resource.startswith("_:"):
            continue
        s = _iri(resource)
        for doc in sorted(found[resource]):
            if not doc.startswith("_:"):
                yield f"{s} <{DESCRIBED_IN}> {_iri(doc)} .\n"


def class_lines(facts: Facts) -> Iterator[str]:
    """``ckg:superClass`` of each class: rdfs:subClassOf, one or more steps."""
    for cls in sorted(facts.subclass_of):
        if cls.startswith("_:"):
            continue
        s = _iri(cls)
        for sup in sorted(_closure(cls, facts.subclass_of, strict=True)):
            if not sup.startswith("_:"):
                yield f"{s} <{SUPER_CLASS}> {_iri(sup)} .\n"


def scope_lines(scopes: Iterable[tuple[str, str | None]]) -> Iterator[str]:
    """The nodes that stand for (kind, group)."""
    for kind, group in sorted(set(scopes), key=lambda s: (s[0], s[1] or "")):
        s = _iri(scope_iri(kind, group))
        yield f"{s} <{SCOPE_KIND}> {_iri(kind)} .\n"
        if group is not None:
            yield f"{s} <{SCOPE_GROUP}> {_iri(group)} .\n"


def sequence_lines(found: Iterable[Sequence]) -> Iterator[str]:
    """Each sequence with its town, scopes and numbered steps."""
    for seq in found:
        s = seq.iri
        node = _iri(s)
        yield f"{node} <{SEQUENCE_TOWN}> {_iri(seq.town)} .\n"
        for kind, group in seq.scopes:
            yield f"{node} <{SCOPE}> {_iri(scope_iri(kind, group))} .\n"
        shortest: int | None = None
        for i, gap in enumerate(seq.gaps):
            step = f"<{s}/{i + 1}>"
            if shortest is None or gap < shortest:
                shortest = gap
                yield f"{step} <{SHORTEST_SO_FAR_IN}> {node} .\n"
            # One line per triple: the store compares these lines with what it holds.
            yield f"{step} <{IN_SEQUENCE}> {node} .\n"
            yield f"{step} <{POSITION}> {_integer(i + 1)} .\n"
            yield f"{step} <{FROM_ATTACK}> {_iri(seq.attacks[i])} .\n"
            yield f"{step} <{TO_ATTACK}> {_iri(seq.attacks[i + 1])} .\n"
            yield f"{step} <{GAP_DAYS}> {_integer(gap)} .\n"


def derived_lines(facts: Facts) -> Iterator[str]:
    """The whole derived graph for ``facts``, as N-Triples lines."""
    yield from event_lines(facts)
    yield from place_lines(facts)
    yield from actor_lines(facts)
    yield from class_lines(facts)
    yield from document_lines(facts)
    found = sequences(facts)
    yield from scope_lines(scope for seq in found for scope in seq.scopes)
    yield from sequence_lines(found)
