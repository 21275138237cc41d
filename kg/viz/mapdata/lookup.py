"""What a map, a timeline or an export draws: events and places looked up from an answer.

A saved question's answer is a table; what can be drawn are the IRIs in it. Each IRI is
classified (an event, a coordinated operation, a claim, a place), then the events' dates,
types, perpetrators, targets, places, coordinates and source passages are fetched with a
few queries that bind the IRIs through ``VALUES`` blocks built from rdflib's escaped
``n3()`` terms — never from pasted text. With no answer, a built-in query takes every
attack: an instance of ckg:Attack or of any subclass, as the flagship question counts.

Nothing here draws; :mod:`kg.viz.mapview`, :mod:`kg.viz.timeline` and
:mod:`kg.viz.export` turn a :class:`MapData` into pictures and files.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import RDF, RDFS, SKOS
from rdflib.namespace import DCTERMS
from rdflib.term import Literal, Node, URIRef

from kg.errors import QueryError
from kg.namespace import CKG
from kg.store import QueryResult, Store
from kg.terms import GEO, META_GRAPH
from kg.viz.colours import ActorColours

#: IRIs bound per query: big enough to need few queries, small enough to parse quickly.
CHUNK = 2000

#: Whether scans read Oxigraph's union of all graphs when that is the query's default
#: graph. ``benchmarks/bench_briefing.py`` turns it off to time the former read, which
#: listed the data graphs (one pass per graph).
UNION_SCANS = True

#: From this many places on, a fact of places is fetched by one scan, not by VALUES.
WHOLE_SCAN_FROM = 20000

#: Above this many events the default map does not look up every event's passages (an
#: ACLED import has one claim per row: 100k of them); callers fetch the few they show
#: with :func:`fetch_passages`.
PASSAGES_UP_TO = 5000

#: Above this many events the default map reads only what every picture needs (place,
#: dates, type, perpetrator, parts); labels, event-type concepts, targets and fatalities
#: are looked up for the few events whose details are shown (:meth:`MapData.fill_details`).
#: Below it the 5,000 details a briefing shows are a good share of all events, and four
#: scans cost less than looking them up (measured at 10k: 9.3 s against 7.5 s).
DETAILS_UP_TO = 20000

#: The class whose instances (asserted, or through any subclass, or in the inferred graph)
#: are what the default map, the timeline and the briefing count as attacks — the same
#: test the flagship question applies. Never a hand-kept list of its subclasses.
ATTACK_CLASS = CKG.Attack

#: Kinds of place that are a site *in* a settlement: drawn at the settlement when they
#: have no coordinates of their own, and counted under the settlement in timelines.
SITE_CLASSES = frozenset(
    str(c)
    for c in (
        CKG.Site,
        CKG.MilitaryInstallation,
        CKG.MilitaryPost,
        CKG.MilitaryBase,
        CKG.AdministrativeSite,
        CKG.Cemetery,
        CKG.Factory,
    )
)
SETTLEMENT_CLASSES = frozenset(str(c) for c in (CKG.Settlement, CKG.Town, CKG.Village))
AREA_CLASSES = frozenset(str(c) for c in (CKG.Country, CKG.AdminRegion, CKG.Cercle))

PREFIXES = f"""PREFIX ckg: <{CKG._NS}>
PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX geo: <{GEO}>
"""


@dataclass
class Passage:
    """A claim's source passage: the exact words, the modality and the document."""

    text: str
    modality: str | None = None
    document: str | None = None
    document_iri: str | None = None
    passage_iri: str | None = None
    claim_iri: str | None = None
    via: str | None = None  # set when the claim is about the event's operation


@dataclass
class Place:
    """A place with the coordinates it is drawn at (``None`` when unknown)."""

    iri: str
    label: str
    lon: float | None = None
    lat: float | None = None
    types: list[str] = field(default_factory=list)
    parent: str | None = None  # one hop of ckg:locatedIn
    #: Where the coordinates came from when the place has none of its own.
    approx_from: str | None = None
    #: The settlement an analyst would name (the town of a military post).
    town: str | None = None

    @property
    def located(self) -> bool:
        """Whether the place can be drawn."""
        return self.lon is not None and self.lat is not None


@dataclass
class Event:
    """One event as the map and the timeline show it."""

    iri: str
    label: str
    start: str | None = None
    end: str | None = None
    types: list[str] = field(default_factory=list)
    perpetrators: list[tuple[str, str]] = field(default_factory=list)  # (iri, label)
    targets: list[tuple[str, str]] = field(default_factory=list)
    place: str | None = None
    fatalities: int | None = None
    operations: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)

    @property
    def perpetrator_key(self) -> str:
        """The perpetrator the event is coloured by (the first by label, or ``""``)."""
        return self.perpetrators[0][0] if self.perpetrators else ""


@dataclass
class Operation:
    """A coordinated operation (or any event with parts among the drawn events)."""

    iri: str
    label: str
    parts: list[str] = field(default_factory=list)


@dataclass
class Missing:
    """Something the answer names that cannot be drawn, and why."""

    iri: str
    label: str
    reason: str


@dataclass
class MapData:
    """Everything drawn, looked up once from the store."""

    title: str
    events: dict[str, Event] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    operations: dict[str, Operation] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    #: Places the answer names, drawn as places when it names no event.
    answer_places: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    type_labels: dict[str, str] = field(default_factory=dict)
    #: A line of text per town (IRI) that its label on the map adds: the flagship's dates
    #: and gap, say.
    place_notes: dict[str, str] = field(default_factory=dict)
    #: Whether passages were left out (too many events); see :data:`PASSAGES_UP_TO`.
    passages_skipped: bool = False
    #: What the drawn events are called: "attack" for the default map, else "event".
    noun: str = "attack"
    #: Each actor's colour, decided store-wide (see :mod:`kg.viz.colours`).
    colours: ActorColours = field(default_factory=ActorColours)
    #: Whether labels, event types, targets and fatalities were left out (too many
    #: events); :meth:`fill_details` looks them up for the events a picture shows.
    details_skipped: bool = False
    _details_from: Store | None = field(default=None, repr=False, compare=False)
    _located: tuple[tuple[int, int, int], list[Event]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _detailed: set[str] = field(default_factory=set, init=False, repr=False, compare=False)

    def located_events(self) -> list[Event]:
        """Events whose place has coordinates, in date order.

        The map, the timeline and the briefing's summary each ask; at 100k events the
        sort took a second a time, so the list is kept until events or places change
        in number (they are filled once, by :func:`collect`).
        """
        key = (
            len(self.events),
            len(self.places),
            sum(1 for p in self.places.values() if p.located),
        )
        if self._located is not None and self._located[0] == key:
            return list(self._located[1])
        out = [
            e
            for e in self.events.values()
            if e.place and self.places.get(e.place, _NOWHERE).located
        ]
        out.sort(key=lambda e: (e.start or "", e.label))
        self._located = (key, out)
        return list(out)

    def fill_details(self, iris: Iterable[str]) -> None:
        """Look up the labels, types, targets and fatalities of ``iris`` if left out.

        Only needed after :func:`collect` of a big default map (see
        :data:`DETAILS_UP_TO`); a closed store leaves the events as they are (a label
        made of their kind and date), never fails the picture.
        """
        if not self.details_skipped or self._details_from is None:
            return
        todo = [i for i in dict.fromkeys(iris) if i in self.events and i not in self._detailed]
        if not todo:
            return
        try:
            _fetch_details(_Fetcher(self._details_from), self, todo)
        except Exception:  # noqa: BLE001 - the store may be closed; details are extras
            return
        self._detailed.update(todo)

    def perpetrator_counts(self, *, located_only: bool = False) -> list[tuple[str, str, int]]:
        """(iri, label, events) per perpetrator key, most events first; ``""`` is unknown."""
        events = self.located_events() if located_only else list(self.events.values())
        counts = Counter(e.perpetrator_key for e in events)
        out = []
        for key, n in counts.items():
            label = self.labels.get(key, short(key)) if key else "unknown perpetrator"
            out.append((key, label, n))
        return sorted(out, key=lambda t: (-t[2], t[1]))

    def place_label(self, iri: str | None) -> str:
        """A place's label, or ``"?"``."""
        if not iri:
            return "?"
        p = self.places.get(iri)
        return p.label if p else self.labels.get(iri, short(iri))

    def town_of(self, event: Event) -> str | None:
        """The IRI of the settlement an event happened in (or its own place)."""
        if not event.place:
            return None
        p = self.places.get(event.place)
        return (p.town or p.iri) if p else event.place

    def is_empty(self) -> bool:
        """Whether there is nothing at all to draw."""
        return not self.located_events() and not any(
            self.places[p].located for p in self.answer_places if p in self.places
        )

    def summary(self) -> str:
        """One line saying what was found, for stderr."""
        located = len(self.located_events())
        msg = f"{located} of {len(self.events)} events drawn"
        if self.answer_places:
            n = sum(1 for p in self.answer_places if self.places.get(p, _NOWHERE).located)
            msg += f", {n} of {len(self.answer_places)} places"
        if self.missing:
            msg += f"; {len(self.missing)} without coordinates: " + ", ".join(
                m.label for m in self.missing[:8]
            )
            if len(self.missing) > 8:
                msg += f", … ({len(self.missing) - 8} more)"
        return msg


_NOWHERE = Place(iri="", label="")


def short(iri: str) -> str:
    """The last segment of an IRI, for things without a label."""
    tail = iri.rstrip("/#")
    for sep in ("#", "/"):
        if sep in tail:
            tail = tail.rsplit(sep, 1)[1]
    return tail or iri


def values_block(var: str, iris: Sequence[str]) -> str:
    """A one-variable ``VALUES`` block of many IRIs, each written by rdflib's ``n3()``.

    The IRIs come from the store's own answers, but are still checked: a character that
    SPARQL forbids inside ``<…>`` would otherwise end the IRI early.
    """
    terms = []
    for iri in iris:
        if any(c in iri for c in '<>"{}|^`\\ \n\t'):
            raise QueryError(f"cannot bind {iri!r}: not a valid IRI")
        terms.append(URIRef(iri).n3())
    return f"VALUES ?{var} {{ {' '.join(terms)} }}"


def _chunks(items: Sequence[str], size: int = CHUNK) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _text(term: Node | None) -> str | None:
    return None if term is None else str(term)


class _Text(str):
    """A value read straight from the store: its text, and its language tag if a label."""

    language: str | None = None


def _lang_rank(term: Node | None) -> int:
    # English first, then untagged, then French, then anything: the briefings are English.
    if isinstance(term, (Literal, _Text)):
        return {"en": 0, None: 1, "fr": 2}.get(term.language, 3)
    return 9


def _number(term: Node | None) -> float | None:
    if term is None:
        return None
    try:
        return float(Decimal(str(term)))
    except (InvalidOperation, ValueError):
        return None


def _wkt_point(term: Node | None) -> tuple[float, float] | None:
    """(lon, lat) from a ``POINT(lon lat)`` WKT literal, CRS prefix allowed."""
    if term is None:
        return None
    text = str(term)
    start, end = text.upper().find("POINT"), text.rfind(")")
    if start < 0 or end < 0:
        return None
    inner = text[text.find("(", start) + 1 : end].split()
    try:
        return float(inner[0]), float(inner[1])
    except (ValueError, IndexError):
        return None


class _Fetcher:
    """Runs the look-up queries over one scope: bound IRIs, or the built-in default set."""

    def __init__(self, store: Store, *, include_inferred: bool = True):
        self.store = store
        self.include_inferred = include_inferred
        self.labels: dict[str, tuple[int, str]] = {}
        self._scans: dict[str, list] = {}
        #: True for the default map, whose events are (nearly) all the store's events.
        self.scan_events = False
        #: The default map's scan of attack classes (``?e rdf:type ?v`` with the classes).
        self.attack_pattern = ""

    def run(self, template: str, var: str, iris: Sequence[str] | None, scope: str = "") -> list:
        """Rows of ``template`` with ``{scope}`` replaced by VALUES chunks (or ``scope``)."""
        rows: list = []
        if iris is None:
            res = self._query(template.replace("{scope}", scope))
            rows.extend(res.rows)
            return rows
        for chunk in _chunks(list(iris)):
            res = self._query(template.replace("{scope}", values_block(var, chunk)))
            rows.extend(res.rows)
        return rows

    def scan(self, pattern: str, *, text: bool = False) -> list[tuple[Node, Node]]:
        """Every (?e, ?v) of a pattern in the store, read once and cached."""
        key = f"{text}|{pattern}"
        rows = self._scans.get(key)
        if rows is None:
            rows = self._direct_scan(pattern)
            if rows is None:
                select = "(STR(?v) AS ?s)" if text else "?v"
                rows = self._query(f"SELECT ?e {select} WHERE {{ {pattern} }}").rows
            self._scans[key] = rows
        return rows

    def prefetch(self, patterns: Sequence[tuple[str, bool]]) -> None:
        """Run the scans ``(pattern, text)`` two at a time and cache them.

        pyoxigraph lets go of the interpreter while it evaluates and writes an answer,
        so two scans share the machine's two cores (at 10k events four scans took 0.8 s
        on threads against 1.3 s one after the other, on a loaded machine).
        """
        todo = [(p, t) for p, t in dict.fromkeys(patterns) if f"{t}|{p}" not in self._scans]
        if len(todo) < 2 or getattr(self.store, "db", None) is None:
            for pattern, text in todo:
                self.scan(pattern, text=text)
            return
        refresh = getattr(self.store, "refresh_derived", None)
        if refresh is not None:
            refresh(only_if_stale=True)  # a write, if any: before the readers start
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            got = list(pool.map(lambda pt: self._direct_scan(pt[0], refresh=False), todo))
        for (pattern, text), rows in zip(todo, got):
            if rows is not None:
                self._scans[f"{text}|{pattern}"] = rows

    def _direct_scan(self, pattern: str, *, refresh: bool = True) -> list | None:
        """A pattern's (?e, ?v) read from an embedded store as CSV text, or None.

        The default map of a 100k-event store scans a dozen predicates of every event;
        through :meth:`Store.query` each cell becomes an rdflib term (most of the 44 s
        look-up at 100k events). Here pyoxigraph writes the answer as CSV (in Rust) and
        the values stay strings (``_Text`` keeps a label's language; other values are
        plain ``str``). Same graphs as a query's default graph: when those are every graph
        but the meta graph, Oxigraph's own union of all graphs is read — one pass over
        its index instead of one per graph (a scan of 100k start dates: 1.2 s against
        about 4 s over three graphs listed).
        """
        return self._direct(pattern, refresh=refresh)

    def _direct(self, pattern: str, scope: str = "", *, refresh: bool = True) -> list | None:
        """(?e, ?v) of ``pattern`` (after ``scope``, a VALUES block) as strings, or None.

        None when the store is not an embedded one; see :meth:`_direct_scan`.
        """
        db = getattr(self.store, "db", None)
        graphs_of = getattr(self.store, "data_graphs", None)
        if db is None or graphs_of is None:
            return None
        try:
            import pyoxigraph as ox
        except ImportError:  # pragma: no cover - the embedded store needs it
            return None
        import csv
        import io

        rebuild = getattr(self.store, "refresh_derived", None)
        if refresh and rebuild is not None:
            rebuild(only_if_stale=True)
        wanted = graphs_of(self.include_inferred)
        every = {g.value for g in db.named_graphs() if isinstance(g, ox.NamedNode)}
        if UNION_SCANS and not (every - set(wanted) - {str(META_GRAPH)}):
            # The meta graph's few triples describe graphs (their IRIs as subjects):
            # callers keep only the subjects they asked for, so they never show.
            graph_args: dict = {"use_default_graph_as_union": True}
        else:
            graph_args = {"default_graph": [ox.NamedNode(g) for g in wanted]}
        labels = "LABEL" in pattern.upper()
        lang = " (LANG(?v) AS ?l)" if labels else ""
        text = f"{PREFIXES}SELECT ?e ?v{lang} WHERE {{ {scope} {pattern} FILTER(isIRI(?e)) }}"
        answer = db.query(text, **graph_args)
        raw = answer.serialize(format=ox.QueryResultsFormat.CSV)
        reader = csv.reader(io.StringIO(raw.decode("utf-8")))
        next(reader, None)  # the header
        if not labels:
            return [(e, v) for e, v in reader]
        rows: list = []
        for e, v, code in reader:
            t = _Text(v)
            t.language = code or None
            rows.append((e, t))
        return rows

    def facts(
        self, pattern: str, iris: Sequence[str], *, whole: bool | None = None, text: bool = False
    ) -> list[tuple[Node, Node]]:
        """(?e, ?v) pairs of a pattern for the subjects ``iris``.

        Few subjects are bound through VALUES; for the default map (every attack: about
        everything there is) each pattern is one scan over the store, filtered here —
        one pass is far cheaper than thousands of bound lookups. A question's answer is
        always bound: its events may be a sliver of a big store. ``text`` fetches values
        as plain strings (dates, numbers), which the store converts much faster.
        """
        if not iris:
            return []
        if whole is None:
            whole = self.scan_events
        if whole:
            keep = set(iris)
            return [
                (e, v) for e, v in self.scan(pattern, text=text) if e is not None and str(e) in keep
            ]
        rows: list = []
        for chunk in _chunks(list(iris)):
            got = self._direct(pattern, values_block("e", chunk))
            if got is None:  # not an embedded store: through Store.query, as rdflib terms
                select = "(STR(?v) AS ?s)" if text else "?v"
                return list(
                    self.run(f"SELECT ?e {select} WHERE {{ {{scope}} {pattern} }}", "e", iris)
                )
            rows.extend(got)
        return rows

    def _query(self, body: str) -> QueryResult:
        return self.store.query(PREFIXES + body, include_inferred=self.include_inferred)

    def note_label(self, iri: Node | None, label: Node | None) -> None:
        """Remember the best label seen for ``iri``."""
        if iri is None or label is None:
            return
        rank = _lang_rank(label)
        old = self.labels.get(str(iri))
        if old is None or rank < old[0]:
            self.labels[str(iri)] = (rank, str(label))

    def label(self, iri: str) -> str:
        """The best label of ``iri`` seen so far, or its last segment."""
        got = self.labels.get(iri)
        return got[1] if got else short(iri)

    def fetch_labels(self, iris: Iterable[str]) -> None:
        """Look up skos:prefLabel / rdfs:label of IRIs not labelled yet."""
        todo = sorted({i for i in iris if i and i not in self.labels})
        if not todo:
            return
        q = """SELECT ?x ?l WHERE { {scope}
          { ?x skos:prefLabel ?l } UNION { ?x rdfs:label ?l } }"""
        for x, lab in self.run(q, "x", todo):
            self.note_label(x, lab)


def attack_classes(f: _Fetcher) -> set[str]:
    """ckg:Attack and every class the store says is a subclass of it (at any depth)."""
    rows = f.run(
        f"SELECT DISTINCT ?c WHERE {{ ?c rdfs:subClassOf* {URIRef(ATTACK_CLASS).n3()} }}",
        "c",
        None,
    )
    return {str(ATTACK_CLASS)} | {str(r[0]) for r in rows}


def attack_counts(store: Store) -> dict[str, int]:
    """Attacks per perpetrator in the whole store (one grouped query)."""
    q = f"""{PREFIXES}SELECT ?a (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  ?c rdfs:subClassOf* {URIRef(ATTACK_CLASS).n3()} . ?e rdf:type ?c . ?e ckg:perpetrator ?a
}} GROUP BY ?a"""
    out: dict[str, int] = {}
    for a, n in store.query(q, include_inferred=True).rows:
        if a is not None and n is not None:
            out[str(a)] = int(n)
    return out


def actor_colours(store: Store) -> ActorColours:
    """The store's actor colours: the same for every map and timeline drawn from it."""
    return ActorColours.from_counts(attack_counts(store))


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Hundreds of thousands of small rdflib terms trigger repeated full collections that
    # find nothing to free; pausing the collector took a quarter off the 100k look-up.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collect(
    store: Store,
    result: QueryResult | None = None,
    *,
    title: str | None = None,
    all_events: bool = False,
    include_inferred: bool = True,
) -> MapData:
    """Look up everything drawable in ``result`` (or the default event set when ``None``).

    Events come with place, dates, types, perpetrators, targets, parts and passages;
    places with coordinates (their own, a WKT point, or — for a site such as a military
    post — those of the settlement it is located in). Whatever cannot be placed is listed
    in :attr:`MapData.missing`, never dropped silently.
    """
    f = _Fetcher(store, include_inferred=include_inferred)
    data = MapData(title=title or ("All events" if all_events else "All attacks"))
    if all_events or result is not None:
        data.noun = "event"
    if result is not None:
        if result.kind != "select":
            raise QueryError(
                "only a SELECT question can be drawn (this one is "
                f"{result.kind.upper()}); write it as SELECT ?event …"
            )
        event_iris, place_iris = _classify(f, result, data)
        if not event_iris and not place_iris:
            data.notes.append("the answer names no event and no place")
        scope_iris: list[str] | None = event_iris
    else:
        event_iris, place_iris, scope_iris = [], [], None

    with _gc_paused():
        place_candidates = _fetch_events(f, data, scope_iris, all_events)
        if data.details_skipped:
            data._details_from = store
        event_places = {p for ps in place_candidates.values() for p in ps}
        # Places are drawn on their own only when the answer names no event: beside
        # events they are context columns (the town, the region) already on the map.
        data.answer_places = [] if data.events else list(place_iris)
        _fetch_places(f, data, sorted(event_places | set(place_iris)), place_candidates)
        if len(data.events) <= PASSAGES_UP_TO:
            _fetch_passages(f, data)
        else:
            data.passages_skipped = True

    if scope_iris is None and not all_events and include_inferred:
        # The default map holds every attack of the store: its counts are the store's
        # (one grouped query less: 3.5 s at 100k events).
        counts: Counter[str] = Counter()
        for e in data.events.values():
            counts.update({k for k, _ in e.perpetrators if k})
        data.colours = ActorColours.from_counts(dict(counts))
    else:
        data.colours = actor_colours(store)
    needed = set()
    for e in data.events.values():
        needed.update(k for k, _ in e.perpetrators)
    f.fetch_labels(needed)
    data.labels = {k: v[1] for k, v in f.labels.items()}
    for e in data.events.values():
        e.perpetrators = sorted(((k, f.label(k)) for k, _ in e.perpetrators), key=lambda t: t[1])
    for e in data.events.values():
        if not e.place:
            data.missing.append(Missing(e.iri, e.label, "event has no ckg:place"))
        elif not data.places[e.place].located:
            data.missing.append(
                Missing(
                    e.place, data.places[e.place].label, f"place of {e.label} has no coordinates"
                )
            )
    for p in data.answer_places:
        if not data.places[p].located:
            data.missing.append(Missing(p, data.places[p].label, "place has no coordinates"))
    # One line per place, not one per event at it.
    seen: set[tuple[str, str]] = set()
    data.missing = [
        m for m in data.missing if not ((m.iri, m.label) in seen or seen.add((m.iri, m.label)))
    ]
    return data


def _classify(f: _Fetcher, result: QueryResult, data: MapData) -> tuple[list[str], list[str]]:
    """Split the answer's IRIs into events (operations and claims expanded) and places."""
    iris: list[str] = []
    seen: set[str] = set()
    for row in result.rows:
        for term in row:
            if isinstance(term, URIRef) and str(term) not in seen:
                seen.add(str(term))
                iris.append(str(term))
    if not iris:
        return [], []
    classes = " ".join(URIRef(c).n3() for c in (CKG.Event, CKG.Place))
    q = f"""SELECT DISTINCT ?x ?kind ?y WHERE {{ {{scope}}
      {{ ?x ckg:place ?p . BIND("event" AS ?kind) }}
      UNION {{ ?x ckg:perpetrator ?a . BIND("event" AS ?kind) }}
      UNION {{ ?y ckg:partOf ?x . BIND("operation" AS ?kind) }}
      UNION {{ ?x ckg:about ?y . ?y ckg:place ?p2 . BIND("claim" AS ?kind) }}
      UNION {{ ?x ckg:latitude ?lat . BIND("place" AS ?kind) }}
      UNION {{ ?x geo:hasGeometry ?g . BIND("place" AS ?kind) }}
      UNION {{ VALUES ?top {{ {classes} }} ?x rdf:type ?c . ?c rdfs:subClassOf* ?top .
               BIND(IF(?top = ckg:Place, "place", "event") AS ?kind) }}
      UNION {{ ?e2 ckg:place ?x . BIND("place" AS ?kind) }}
    }}"""
    kinds: dict[str, set[str]] = defaultdict(set)
    expand: dict[str, set[str]] = defaultdict(set)
    for x, kind, y in f.run(q, "x", iris):
        kinds[str(x)].add(str(kind))
        if y is not None:
            expand[str(x)].add(str(y))
    events: list[str] = []
    places: list[str] = []
    for iri in iris:
        k = kinds.get(iri, set())
        if "operation" in k:
            # An operation is drawn as its parts, linked.
            events.extend(sorted(expand[iri]))
            if "event" in k:
                events.append(iri)
        elif "claim" in k:
            events.extend(sorted(expand[iri]))
        elif "event" in k:
            events.append(iri)
        elif "place" in k:
            places.append(iri)
    # An operation in the answer has no place of its own: keep only what has one or is a
    # plain event (so that an undated, unplaced event is reported, not lost).
    return list(dict.fromkeys(events)), list(dict.fromkeys(places))


def _fetch_events(
    f: _Fetcher, data: MapData, iris: list[str] | None, all_events: bool
) -> dict[str, set[str]]:
    """Fill ``data.events`` with the core facts of each event; returns each one's places.

    Each fact is fetched by its own one-pattern query: joining a dozen OPTIONALs per
    event was 20× slower on Oxigraph at 100k events.
    """
    if iris is None:
        # The default map: every attack (or, when all are asked for, every placed event).
        # asked for. Both scans are cached and serve again for places and types below.
        f.scan_events = True
        common = [
            ("?e ckg:startDate ?v", True),
            ("?e ckg:endDate ?v", True),
            ("?e ckg:place ?v", False),
            ("?e ckg:perpetrator ?v", False),
            ("?e ckg:partOf ?v", False),
        ]
        if all_events:
            f.prefetch([*common, ("?e rdf:type ?v", False)])
            chosen = {str(e) for e, _ in f.scan("?e ckg:place ?v")}
        else:
            # Every attack, placed or not: one without a place is listed as not drawn.
            # Only the attack classes are read (an ACLED import types as many claims
            # and passages as events).
            attack = attack_classes(f)
            typed = f"?e rdf:type ?v . VALUES ?v {{ {' '.join(URIRef(c).n3() for c in sorted(attack))} }}"
            f.attack_pattern = typed
            f.prefetch([(typed, False), *common])
            chosen = {str(e) for e, t in f.scan(typed) if str(t) in attack}
        iris = sorted(chosen)
    for iri in iris:
        data.events.setdefault(iri, Event(iri=iri, label=""))
    todo = list(data.events)
    # A big default map reads what every picture needs; the details of the few events
    # shown come later (MapData.fill_details): four scans of 100k events fewer.
    details = not (f.scan_events and len(todo) > DETAILS_UP_TO)
    data.details_skipped = not details
    if details and f.scan_events:
        f.prefetch([*DETAIL_SCANS, ("?e rdf:type ?v", False)])

    if details:
        for e, v in f.facts(LABEL_PATTERN, todo):
            f.note_label(e, v)
    for e, v in f.facts("?e ckg:startDate ?v", todo, text=True):
        ev = data.events[str(e)]
        ev.start = min(ev.start, str(v)) if ev.start else str(v)
    for e, v in f.facts("?e ckg:endDate ?v", todo, text=True):
        ev = data.events[str(e)]
        ev.end = max(ev.end, str(v)) if ev.end else str(v)
    if details:
        _fetch_fatalities(f, data, todo)
    places_of: dict[str, set[str]] = defaultdict(set)
    for e, v in f.facts("?e ckg:place ?v", todo):
        places_of[str(e)].add(str(v))
    # Several places (inferred super-places, say): _fetch_places keeps the innermost.
    for key, ev in data.events.items():
        cands = places_of.get(key)
        ev.place = min(cands) if cands else None

    types: dict[str, dict[str, None]] = defaultdict(dict)
    generic = {str(CKG.Event), str(CKG.ViolentEvent)}
    # A big default map knows its attacks' attack classes; their other types come
    # with the details of the few it shows.
    type_rows = (
        f.scan(f.attack_pattern)
        if not details and f.attack_pattern
        else f.facts("?e rdf:type ?v", todo)
    )
    for e, v in type_rows:
        if str(v) not in generic:
            types[str(e)][str(v)] = None
    if details:
        for e, v in f.facts("?e ckg:eventType ?v", todo):
            types[str(e)][str(v)] = None
    perps: dict[str, dict[str, None]] = defaultdict(dict)
    for e, v in f.facts("?e ckg:perpetrator ?v", todo):
        perps[str(e)][str(v)] = None
    targets: dict[str, dict[str, None]] = defaultdict(dict)
    if details:
        for e, v in f.facts("?e ckg:target ?v", todo):
            targets[str(e)][str(v)] = None
    ops: dict[str, dict[str, None]] = defaultdict(dict)
    for e, v in f.facts("?e ckg:partOf ?v", todo):
        ops[str(e)][str(v)] = None
    op_iris = sorted({o for d in ops.values() for o in d})
    coordinated = {
        str(o)
        for o, t in f.facts("?e rdf:type ?v", op_iris, whole=False)
        if str(t) == str(CKG.CoordinatedOperation)
    }
    f.fetch_labels(
        {t for d in types.values() for t in d}
        | {t for d in targets.values() for t in d}
        | set(op_iris)
    )

    for key, ev in data.events.items():
        ev.label = f.label(key) if key in f.labels else ""
        ev.types = list(types.get(key, {}))
        ev.perpetrators = [(a, "") for a in perps.get(key, {})]
        ev.targets = [(t, f.label(t)) for t in targets.get(key, {})]
        ev.operations = list(ops.get(key, {}))
        if not ev.label:
            ev.label = _fallback_label(ev, f)
    # Operations: the coordinated ones, or any whole with at least two drawn parts.
    parts: dict[str, list[str]] = defaultdict(list)
    for key, ev in data.events.items():
        for o in ev.operations:
            parts[o].append(key)
    for o, members in parts.items():
        if o in coordinated or len(members) >= 2:
            members.sort(key=lambda k: data.events[k].start or "")
            data.operations[o] = Operation(o, f.label(o), members)
    data.type_labels = {t: f.label(t) for ts in types.values() for t in ts}
    return places_of


LABEL_PATTERN = "{ ?e skos:prefLabel ?v } UNION { ?e rdfs:label ?v }"
#: The scans of what only an event's details show (``(pattern, as text)``).
DETAIL_SCANS = [
    (LABEL_PATTERN, False),
    ("?e ckg:fatalities ?v", True),
    ("?e ckg:eventType ?v", False),
    ("?e ckg:target ?v", False),
]


def _fetch_fatalities(f: _Fetcher, data: MapData, todo: Sequence[str]) -> None:
    for e, v in f.facts("?e ckg:fatalities ?v", todo, text=True):
        ev = data.events[str(e)]
        try:
            ev.fatalities = int(v) if ev.fatalities is None else ev.fatalities
        except ValueError:
            pass


def _fetch_details(f: _Fetcher, data: MapData, todo: list[str]) -> None:
    """Labels, event-type concepts, targets and fatalities of ``todo``.

    Bound by VALUES when they are few next to the store's events; else one scan per fact
    (a bound look-up costs about seven times a scanned row: measured at 10k and 100k).
    """
    f.scan_events = whole = len(todo) * 7 > len(data.events)
    if whole:
        f.prefetch(DETAIL_SCANS)
    for e, v in f.facts(LABEL_PATTERN, todo, whole=whole):
        f.note_label(e, v)
    _fetch_fatalities(f, data, todo)
    extra: dict[str, list[str]] = defaultdict(list)
    generic = {str(CKG.Event), str(CKG.ViolentEvent)}
    for e, v in f.facts("?e rdf:type ?v", todo, whole=whole):
        if str(v) not in generic:
            extra[str(e)].append(str(v))
    for e, v in f.facts("?e ckg:eventType ?v", todo, whole=whole):
        extra[str(e)].append(str(v))
    targets: dict[str, list[str]] = defaultdict(list)
    for e, v in f.facts("?e ckg:target ?v", todo, whole=whole):
        targets[str(e)].append(str(v))
    f.fetch_labels(
        {t for ts in extra.values() for t in ts}
        | {t for ts in targets.values() for t in ts}
        | {t for i in todo for t in data.events[i].types}
    )
    for key in todo:
        ev = data.events[key]
        for t in extra.get(key, ()):
            if t not in ev.types:
                ev.types.append(t)
        for t in ev.types:
            data.type_labels.setdefault(t, f.label(t))
        ev.targets = [(t, f.label(t)) for t in dict.fromkeys(targets.get(key, ()))]
        if key in f.labels:
            ev.label = f.label(key)


def _fallback_label(ev: Event, f: _Fetcher) -> str:
    kind = f.label(ev.types[0]) if ev.types else "event"
    return f"{kind} {ev.start or ''}".strip()


def _fetch_places(
    f: _Fetcher, data: MapData, iris: list[str], place_candidates: dict[str, set[str]]
) -> None:
    """Fill ``data.places`` with labels, coordinates, kinds and the enclosing place."""
    if not iris:
        return
    parents = _fetch_place_rows(f, data, iris)
    # Enclosing places, one level up (and what encloses them, to tell which is nearest).
    up_iris = sorted({u for s in parents.values() for u in s} - set(data.places))
    if up_iris:
        parents.update(_fetch_place_rows(f, data, up_iris))

    def depth(iri: str) -> int:
        # With the inferred graph loaded, locatedIn is transitive: a post is "in" its
        # town, cercle, region and country. The nearest is the one with most ancestors.
        return len(parents.get(iri, ()))

    for key in iris:
        ups = [u for u in parents.get(key, ()) if u in data.places and u != key]
        if ups:
            data.places[key].parent = max(sorted(ups), key=depth)

    for place in data.places.values():
        place.label = f.label(place.iri)
    for key in iris:
        place = data.places[key]
        parent = data.places.get(place.parent) if place.parent else None
        if parent is None:
            continue
        is_site = bool(set(place.types) & SITE_CLASSES)
        parent_is_settlement = bool(set(parent.types) & SETTLEMENT_CLASSES) or not parent.types
        if is_site and parent_is_settlement:
            place.town = parent.iri
        if (
            not place.located
            and parent.located
            and (is_site or not place.types)
            and not (set(parent.types) & AREA_CLASSES)
        ):
            # A post or site without coordinates is drawn at its town, and says so; a
            # town is never drawn at the centre of its region.
            place.lon, place.lat = parent.lon, parent.lat
            place.approx_from = parent.label
    # An event with several places (inferred super-places): keep the innermost.
    for ev in data.events.values():
        cands = sorted(place_candidates.get(ev.iri, ()))
        if len(cands) > 1:
            ev.place = max(cands, key=depth)


def _fetch_place_rows(f: _Fetcher, data: MapData, iris: list[str]) -> dict[str, set[str]]:
    """Label, coordinates and kinds of ``iris`` into ``data.places``; returns their parents."""
    for key in iris:
        data.places.setdefault(key, Place(iri=key, label=""))
    # The default map has scanned labels and types of the whole store already (cached):
    # reading places from those scans beats binding thousands of them through VALUES.
    many = len(iris) > WHOLE_SCAN_FROM or (f.scan_events and len(iris) > CHUNK)
    label_scanned = f"False|{LABEL_PATTERN}" in f._scans
    for p, v in f.facts(LABEL_PATTERN, iris, whole=len(iris) > WHOLE_SCAN_FROM or label_scanned):
        f.note_label(p, v)
    lat: dict[str, float | None] = {}
    lon: dict[str, float | None] = {}
    for p, v in f.facts("?e ckg:latitude ?v", iris, whole=many):
        lat[str(p)] = _number(v)
    for p, v in f.facts("?e ckg:longitude ?v", iris, whole=many):
        lon[str(p)] = _number(v)
    wkt = dict(f.facts("?e geo:hasGeometry/geo:asWKT ?v", iris, whole=many))
    for key in iris:
        place = data.places[key]
        if place.located:
            continue
        if lat.get(key) is not None and lon.get(key) is not None:
            place.lat, place.lon = lat[key], lon[key]
        else:
            pt = _wkt_point(wkt.get(URIRef(key)))
            if pt:
                place.lon, place.lat = pt
    typed = "False|?e rdf:type ?v" in f._scans
    for p, v in f.facts("?e rdf:type ?v", iris, whole=len(iris) > WHOLE_SCAN_FROM or typed):
        place = data.places[str(p)]
        if str(v) not in place.types:
            place.types.append(str(v))
    parents: dict[str, set[str]] = defaultdict(set)
    for p, v in f.facts("?e ckg:locatedIn ?v", iris, whole=many):
        parents[str(p)].add(str(v))
    return parents


def _fetch_passages(f: _Fetcher, data: MapData) -> None:
    """Attach each claim's passage to the event it is about (or to its operation's parts)."""
    targets = sorted(set(data.events) | set(data.operations))
    if not targets:
        return
    # No nested OPTIONALs: Oxigraph evaluated the labels' and titles' OPTIONALs once per
    # claim (12 s for 1,400 ACLED claims under load); the few modalities and documents
    # are labelled afterwards in one small query each.
    query = """SELECT ?x ?c ?p ?text ?m ?d WHERE { {scope}
          ?c ckg:about ?x ; ckg:passage ?p . ?p ckg:text ?text .
          OPTIONAL { ?c ckg:modality ?m }
          OPTIONAL { ?p ckg:inDocument ?d }
        }"""
    if f.scan_events:
        # Claims are few next to events: read them all once rather than bind 100k IRIs.
        keep = set(targets)
        rows = [r for r in f.run(query, "x", None) if str(r[0]) in keep]
    else:
        rows = f.run(query, "x", targets)
    docs = sorted({str(r[5]) for r in rows if r[5] is not None})
    if docs:
        for d, dt in f.run("SELECT ?d ?t WHERE { {scope} ?d dcterms:title ?t }", "d", docs):
            f.note_label(d, dt)
    f.fetch_labels({str(r[4]) for r in rows if r[4] is not None})
    by_target: dict[str, dict[str, Passage]] = defaultdict(dict)
    for x, c, p, text, m, d in rows:
        key = f"{c}|{p}"
        if key not in by_target[str(x)]:
            by_target[str(x)][key] = Passage(
                text=str(text),
                modality=_text(m),
                document=None,
                document_iri=_text(d),
                passage_iri=str(p),
                claim_iri=str(c),
            )
    for items in by_target.values():
        for pas in items.values():
            if pas.modality:
                pas.modality = f.label(pas.modality)
            if pas.document_iri:
                pas.document = f.label(pas.document_iri)
    for key, ev in data.events.items():
        ev.passages = list(by_target.get(key, {}).values())
        if not ev.passages:
            for o in ev.operations:
                for pas in by_target.get(o, {}).values():
                    ev.passages.append(
                        Passage(
                            pas.text,
                            pas.modality,
                            pas.document,
                            pas.document_iri,
                            pas.passage_iri,
                            pas.claim_iri,
                            via=f.label(o),
                        )
                    )


def fetch_passages(store: Store, data: MapData, iris: Iterable[str]) -> None:
    """Attach their passages to the events ``iris`` of ``data`` (bound, a few at a time)."""
    f = _Fetcher(store)
    keep = {i for i in iris if i in data.events}
    if not keep:
        return
    sub = MapData(title=data.title)
    for i in keep:
        ev = data.events[i]
        sub.events[i] = ev
        for o in ev.operations:
            if o in data.operations:
                sub.operations[o] = data.operations[o]
    _fetch_passages(f, sub)


def labels_for(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """The best label of each IRI (skos:prefLabel or rdfs:label, English first)."""
    f = _Fetcher(store)
    f.fetch_labels(iris)
    return {k: v[1] for k, v in f.labels.items()}


def type_label(data: MapData, iri: str) -> str:
    """A readable label for an event type IRI."""
    return data.type_labels.get(iri) or data.labels.get(iri) or short(iri)
