"""Entity resolution: which node of the graph a name from an importer means.

Importers meet the same actors and places under many spellings: ACLED's "JNIM: Group for
Support of Islam and Muslims", the UN list's "JAMA'A NUSRAT UL-ISLAM WA AL-MUSLIMIN
(JNIM)", the seed report's "Jama‘at Nusrat al-Islam wa-l-Muslimin"; "Boulikessi" and
"Boulkessi"; "Tombouctou" and "Timbuktu". A :class:`Resolver` maps such names to the IRIs
the graph already uses, from two sources:

* the curated alias table ``aliases.csv`` shipped in :mod:`kg.ontology.data` (names and
  transliterations in English, French and Arabic, and UN sanctions references), and
* the labels the store already holds (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``)
  on actors and places, with each place's level (country, region, cercle, settlement…),
  coordinates and the places it is located in.

Names are compared after :func:`normalise` (case, accents, apostrophes and punctuation do
not count). Actors resolve when exactly one node carries the name; ACLED's
``"ABBR: Full name"`` form is tried whole, then by its parts; a trailing year range such
as ``(2013-)`` is ignored; a compound such as ``"JNIM … and/or Islamic State (Greater
Sahara)"`` never resolves, because it names two actors. Places resolve by name *and*
position: a candidate with the same name must lie within :data:`MAX_PLACE_KM` of the
given coordinates, or, without coordinates, inside the administrative area already
resolved. Whatever does not resolve stays unresolved: the importer keeps it as a new node
and :meth:`Resolver.actor_candidates` / :meth:`Resolver.place_candidates` name the closest
known nodes for the report. Nothing is merged silently.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Literal

from kg.terms import ID

#: A candidate with the same name farther than this from the given point is another place.
MAX_PLACE_KM = 25.0

#: The report's closest candidates for an unresolved place are looked for within this radius.
CANDIDATE_RADIUS_KM = 60.0

PlaceLevel = Literal["country", "admin1", "admin2", "admin3", "settlement", "site", "other"]

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`ʼʻ´ʹ"), None)
_NON_WORD = re.compile(r"[\W_]+")
_YEARS = re.compile(r"\(\s*\d{4}\s*-\s*(\d{4})?\s*\)")
_COMPOUND = re.compile(r"\band/or\b", re.IGNORECASE)
# Words that name the kind of an administrative unit rather than the unit: "Région de
# Kayes", "Kayes Region" and ACLED's "Kayes" are one region.
_ADMIN_WORDS = frozenset(
    [
        "region",
        "de",
        "du",
        "des",
        "d",
        "la",
        "le",
        "les",
        "l",
        "cercle",
        "province",
        "department",
        "departement",
        "commune",
        "prefecture",
        "prefecture",
        "of",
        "the",
        "district",
    ]
)
_LEVEL_ORDER: dict[str, int] = {
    "settlement": 0,
    "site": 1,
    "other": 2,
    "admin3": 3,
    "admin2": 4,
    "admin1": 5,
    "country": 6,
}


def normalise(text: str) -> str:
    """A name reduced for comparison: casefolded, without accents, apostrophes or punctuation.

    >>> normalise("Jama‘at Nusrat al-Islam wa-l-Muslimin")
    'jamaat nusrat al islam wa l muslimin'
    >>> normalise("Sandaré") == normalise("SANDARE")
    True
    """
    if text.isascii():
        folded = text.lower().translate(_APOSTROPHES)
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = stripped.casefold().translate(_APOSTROPHES)
    return " ".join(_NON_WORD.sub(" ", folded).split())


def admin_key(text: str) -> str:
    """A normalised name of an administrative unit without words such as "Region" or "Cercle de"."""
    words = [w for w in normalise(text).split() if w not in _ADMIN_WORDS]
    return " ".join(words) or normalise(text)


def slug(text: str, *, max_length: int = 80) -> str:
    """An ASCII slug for minting readable IRIs (``"Nioro du Sahel"`` → ``nioro-du-sahel``).

    Names with no ASCII letters or digits (Arabic script, for example) get a stable hash.
    """
    ascii_text = normalise(text).encode("ascii", "ignore").decode("ascii")
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:max_length].strip("-")
    if result:
        return result
    import hashlib

    return "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def actor_keys(name: str) -> list[str]:
    """The normalised forms under which an actor name is looked up, most specific first."""
    keys: list[str] = []

    def add(text: str) -> None:
        key = normalise(text)
        if key and key not in keys:
            keys.append(key)

    add(name)
    without_years = _YEARS.sub(" ", name)
    add(without_years)
    if ":" in without_years:
        # ACLED writes "ABBR: Full name"; either part may be what the graph knows.
        head, _, tail = without_years.partition(":")
        add(tail)
        add(head)
    if without_years.lower().startswith("the "):
        add(without_years[4:])
    return keys


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Candidate:
    """A known node offered for an unresolved name, with why it was not taken."""

    iri: str
    label: str
    score: float
    note: str = ""


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one name: the node (or None) and how it was found."""

    iri: str | None
    method: str = ""
    candidates: tuple[Candidate, ...] = ()

    @property
    def resolved(self) -> bool:
        """True when the name resolved to one known node."""
        return self.iri is not None


@dataclass
class PlaceEntry:
    """What the resolver knows of one place: level, label, position, enclosing places."""

    iri: str
    label: str
    level: PlaceLevel = "other"
    lat: float | None = None
    lon: float | None = None
    parents: set[str] = field(default_factory=set)
    ancestors: frozenset[str] = frozenset()


@dataclass
class AliasTable:
    """The curated alias table: ``kind`` (actor or place) → normalised name → IRIs."""

    actor: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    place: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    rows: int = 0
    #: The first alias of each IRI in the table: its name where the store has no label.
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def bundled(cls) -> AliasTable:
        """The table shipped as ``kg.ontology.data/aliases.csv``."""
        text = files("kg.ontology.data").joinpath("aliases.csv").read_text("utf-8")
        return cls.from_csv(text, source="aliases.csv")

    @classmethod
    def from_csv(cls, text: str, *, source: str = "aliases") -> AliasTable:
        """Read a table with columns ``kind,iri,alias,lang,note`` (``iri`` relative to ID)."""
        from kg.errors import InputError

        table = cls()
        reader = csv.DictReader(io.StringIO(text))
        missing = {"kind", "iri", "alias"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(f"alias table lacks column(s) {sorted(missing)}", path=source, line=1)
        for row in reader:
            kind, local, alias = (row.get(k) or "" for k in ("kind", "iri", "alias"))
            line = reader.line_num
            if kind not in ("actor", "place") or not local or not alias:
                raise InputError(
                    "each row needs kind (actor or place), iri and alias", path=source, line=line
                )
            iri = local if local.startswith(("http://", "https://")) else str(ID) + local
            index = table.actor if kind == "actor" else table.place
            key = normalise(alias)
            index[key].add(iri)
            table.labels.setdefault(iri, alias)
            if kind == "place":
                index[admin_key(alias)].add(iri)
            table.rows += 1
        return table


class Resolver:
    """Resolves actor and place names to known IRIs; see the module docstring for the rules."""

    def __init__(self, aliases: AliasTable | None = None) -> None:
        self.aliases = aliases if aliases is not None else AliasTable.bundled()
        self._actor_names: dict[str, set[str]] = defaultdict(set)
        self._actor_labels: dict[str, str] = {}
        self._places: dict[str, PlaceEntry] = {}
        self._place_names: dict[str, set[str]] = defaultdict(set)
        self._admin_names: dict[str, set[str]] = defaultdict(set)
        self._grid: dict[tuple[int, int], list[str]] = defaultdict(list)
        self._ancestors_ready = True

    # ---- building ------------------------------------------------------------------------

    def add_actor(self, iri: str, names: Iterable[str]) -> None:
        """Make ``iri`` known under ``names`` (labels, aliases, sanctions references)."""
        for name in names:
            key = normalise(name)
            if key:
                self._actor_names[key].add(iri)
                self._actor_labels.setdefault(iri, name)

    def add_place(
        self,
        iri: str,
        names: Iterable[str],
        *,
        level: PlaceLevel = "other",
        lat: float | None = None,
        lon: float | None = None,
        parents: Iterable[str] = (),
    ) -> PlaceEntry:
        """Make a place known under ``names``, with its level, position and enclosing places."""
        names = [n for n in names if n]
        entry = self._places.get(iri)
        if entry is None:
            entry = PlaceEntry(iri, names[0] if names else iri.rsplit("/", 1)[-1], level, lat, lon)
            self._places[iri] = entry
            if lat is not None and lon is not None:
                self._grid[_cell(lat, lon)].append(iri)
        else:
            if _LEVEL_ORDER[level] < _LEVEL_ORDER[entry.level] and level != "other":
                entry.level = level
            if entry.lat is None and lat is not None and lon is not None:
                entry.lat, entry.lon = lat, lon
                self._grid[_cell(lat, lon)].append(iri)
        entry.parents.update(parents)
        for name in names:
            key = normalise(name)
            if key:
                self._place_names[key].add(iri)
                self._admin_names[admin_key(name)].add(iri)
        self._ancestors_ready = False
        return entry

    def place(self, iri: str) -> PlaceEntry | None:
        """What the resolver knows of the place ``iri``."""
        self._ensure_ancestors()
        return self._places.get(iri)

    def _ensure_ancestors(self) -> None:
        # ckg:locatedIn is transitive; the closure is computed once after loading.
        if self._ancestors_ready:
            return
        memo: dict[str, frozenset[str]] = {}

        def closure(iri: str, seen: frozenset[str]) -> frozenset[str]:
            if iri in memo:
                return memo[iri]
            entry = self._places.get(iri)
            if entry is None:
                return frozenset()
            result: set[str] = set()
            for parent in entry.parents:
                if parent in seen:
                    continue  # a cycle: the shapes report it; resolution just stops
                result.add(parent)
                result |= closure(parent, seen | {iri})
            memo[iri] = frozenset(result)
            return memo[iri]

        for iri, entry in self._places.items():
            entry.ancestors = closure(iri, frozenset({iri}))
        self._ancestors_ready = True

    # ---- actors --------------------------------------------------------------------------

    def resolve_actor(
        self, name: str, *, exclude_prefix: str | tuple[str, ...] | None = None
    ) -> Resolution:
        """The known actor ``name`` means, by the alias table, then by the store's labels.

        Actors whose IRI starts with ``exclude_prefix`` (nodes an importer minted itself)
        are not matched: the importer finds them again by its own key.
        """
        name = name.strip()
        if not name:
            return Resolution(None, "empty")
        if _COMPOUND.search(name):
            return Resolution(None, "compound")
        keys = actor_keys(name)

        def lookup(index: dict[str, set[str]], key: str) -> set[str]:
            hit = index.get(key, set())
            if exclude_prefix and hit:
                hit = {iri for iri in hit if not iri.startswith(exclude_prefix)}
            return hit

        # The whole name first: when it names exactly one node, its parts are not consulted.
        for index, method in ((self.aliases.actor, "alias"), (self._actor_names, "label")):
            found = lookup(index, keys[0])
            if len(found) == 1:
                return Resolution(next(iter(found)), method)
        found_all: set[str] = set()
        method = ""
        for key in keys:
            for index, how in ((self.aliases.actor, "alias"), (self._actor_names, "label")):
                hit = lookup(index, key)
                if hit:
                    found_all |= hit
                    method = method or how
        if len(found_all) == 1:
            return Resolution(next(iter(found_all)), method)
        return Resolution(None, "ambiguous" if found_all else "unknown")

    def stored_label(self, iri: str) -> str | None:
        """A label of actor ``iri`` that the store holds, or None (known by alias only)."""
        return self._actor_labels.get(iri)

    def actor_candidates(self, name: str, limit: int = 3) -> tuple[Candidate, ...]:
        """The known actors whose names are closest to ``name`` (for ``--report``)."""
        parts = [p for p in _COMPOUND.split(name) if p.strip()] or [name]
        scored: dict[str, Candidate] = {}
        for part in parts:
            exact = self.resolve_actor(part)
            if exact.iri:
                scored[exact.iri] = Candidate(
                    exact.iri,
                    self._actor_labels.get(exact.iri, exact.iri),
                    1.0,
                    "names one of the actors in a compound name" if len(parts) > 1 else "same name",
                )
            keys = actor_keys(part)
            pool = set(self._actor_names) | set(self.aliases.actor)
            for key in keys:
                for close in difflib.get_close_matches(key, pool, n=limit, cutoff=0.7):
                    score = difflib.SequenceMatcher(None, key, close).ratio()
                    iris = self._actor_names.get(close, set()) | self.aliases.actor.get(
                        close, set()
                    )
                    for iri in iris:
                        old = scored.get(iri)
                        if old is None or old.score < score:
                            scored[iri] = Candidate(
                                iri,
                                self._actor_labels.get(iri, close),
                                round(score, 2),
                                f"similar name '{close}'",
                            )
        best = sorted(scored.values(), key=lambda c: (-c.score, c.iri))
        return tuple(best[:limit])

    # ---- places --------------------------------------------------------------------------

    def _alias_places(self, key: str) -> set[str]:
        # An alias counts only for places the store knows: level and position are needed.
        return {iri for iri in self.aliases.place.get(key, ()) if iri in self._places}

    def resolve_admin(
        self,
        name: str,
        level: PlaceLevel,
        within: str | None = None,
        *,
        exclude_prefix: str | tuple[str, ...] | None = None,
    ) -> Resolution:
        """The country or administrative unit ``name`` at ``level``, inside ``within`` if known.

        Units whose IRI starts with ``exclude_prefix`` are not matched (see
        :meth:`resolve_actor`).
        """
        self._ensure_ancestors()
        if not name.strip():
            return Resolution(None, "empty")
        keys = {normalise(name), admin_key(name)}
        found: set[str] = set()
        for key in keys:
            found |= self._admin_names.get(key, set()) | self._alias_places(key)
        found = {
            iri
            for iri in found
            if self._places[iri].level == level
            and not (exclude_prefix and iri.startswith(exclude_prefix))
        }
        if within is not None:
            inside = {iri for iri in found if within in self._places[iri].ancestors}
            # A unit whose parents are unknown is accepted only when no better one exists.
            unknown = {iri for iri in found if not self._places[iri].ancestors}
            found = inside or unknown
        if len(found) == 1:
            return Resolution(next(iter(found)), "name+admin")
        return Resolution(None, "ambiguous" if found else "unknown")

    def resolve_place(
        self,
        name: str,
        *,
        lat: float | None = None,
        lon: float | None = None,
        within: Sequence[str] = (),
        country: str | None = None,
        exclude_prefix: str | tuple[str, ...] | None = None,
    ) -> Resolution:
        """The settlement, site or other place ``name`` near (lat, lon) or inside ``within``.

        ``within`` lists the resolved enclosing units, innermost first; ``country`` is the
        resolved country: a candidate known to lie in another country is never taken, even
        near a border. Places whose IRI starts with ``exclude_prefix`` (nodes an importer
        minted itself) are not matched by name: they are found again by the importer's own
        key.
        """
        self._ensure_ancestors()
        if not name.strip():
            return Resolution(None, "empty")
        key = normalise(name)
        found = self._place_names.get(key, set()) | self._alias_places(key)
        accepted: list[tuple[tuple[float, ...], str, str]] = []
        for iri in found:
            entry = self._places[iri]
            if entry.level not in ("settlement", "site", "other"):
                continue
            if exclude_prefix and iri.startswith(exclude_prefix):
                continue
            if country and not self._same_country(entry, country):
                continue
            if (
                lat is not None
                and lon is not None
                and entry.lat is not None
                and entry.lon is not None
            ):
                distance = haversine_km(lat, lon, entry.lat, entry.lon)
                if distance <= MAX_PLACE_KM:
                    accepted.append(((_LEVEL_ORDER[entry.level], distance), iri, "name+distance"))
            elif within and self._inside(entry, within):
                accepted.append(((_LEVEL_ORDER[entry.level], 0.0), iri, "name+admin"))
        if not accepted:
            return Resolution(None, "unknown" if not found else "too far")
        accepted.sort()
        return Resolution(accepted[0][1], accepted[0][2])

    def _inside(self, entry: PlaceEntry, within: Sequence[str]) -> bool:
        # Inside one of the resolved units finer than a country: a country is too coarse
        # to tell two villages of the same name apart.
        for unit in within:
            known = self._places.get(unit)
            if known is not None and known.level != "country" and unit in entry.ancestors:
                return True
        return False

    def _same_country(self, entry: PlaceEntry, country: str) -> bool:
        # A place with no known country is not ruled out; one in another country is.
        countries = {a for a in entry.ancestors if self._places[a].level == "country"}
        return not countries or country in countries

    def place_candidates(
        self,
        name: str,
        *,
        lat: float | None = None,
        lon: float | None = None,
        within: Sequence[str] = (),
        limit: int = 3,
    ) -> tuple[Candidate, ...]:
        """The known places closest to ``name`` by spelling and position (for ``--report``)."""
        self._ensure_ancestors()
        key = normalise(name)
        scored: dict[str, Candidate] = {}
        same_name = self._place_names.get(key, set()) | self._alias_places(key)
        for iri in same_name:
            entry = self._places[iri]
            note = "same name"
            if (
                lat is not None
                and lon is not None
                and entry.lat is not None
                and entry.lon is not None
            ):
                note = f"same name, {haversine_km(lat, lon, entry.lat, entry.lon):.0f} km away"
            elif within and entry.ancestors and within[0] not in entry.ancestors:
                note = "same name, in another area"
            scored[iri] = Candidate(iri, entry.label, 1.0, note)
        if lat is not None and lon is not None:
            for iri in self._near(lat, lon, CANDIDATE_RADIUS_KM):
                entry = self._places[iri]
                if iri in scored or entry.level not in ("settlement", "site", "other"):
                    continue
                ratio = difflib.SequenceMatcher(None, key, normalise(entry.label)).ratio()
                if ratio >= 0.6:
                    distance = haversine_km(lat, lon, entry.lat or 0.0, entry.lon or 0.0)
                    scored[iri] = Candidate(
                        iri, entry.label, round(ratio, 2), f"similar name, {distance:.0f} km away"
                    )
        elif within:
            pool = [iri for iri, e in self._places.items() if within[0] in e.ancestors]
            for iri in pool:
                entry = self._places[iri]
                ratio = difflib.SequenceMatcher(None, key, normalise(entry.label)).ratio()
                if ratio >= 0.6 and iri not in scored:
                    scored[iri] = Candidate(
                        iri, entry.label, round(ratio, 2), "similar name, same area"
                    )
        best = sorted(scored.values(), key=lambda c: (-c.score, c.note, c.iri))
        return tuple(best[:limit])

    def _near(self, lat: float, lon: float, radius_km: float) -> list[str]:
        # Cells are half a degree (~55 km); the 3x3 block around the point covers the radius.
        clat, clon = _cell(lat, lon)
        result = []
        for dlat in (-1, 0, 1):
            for dlon in (-1, 0, 1):
                for iri in self._grid.get((clat + dlat, clon + dlon), ()):
                    entry = self._places[iri]
                    if (
                        entry.lat is not None
                        and entry.lon is not None
                        and haversine_km(lat, lon, entry.lat, entry.lon) <= radius_km
                    ):
                        result.append(iri)
        return result


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return (math.floor(lat * 2), math.floor(lon * 2))


# ---- reading what the store knows -------------------------------------------------------

_PLACE_LEVELS: dict[str, PlaceLevel] = {
    "Country": "country",
    "AdminRegion": "admin1",
    "Cercle": "admin2",
    "Settlement": "settlement",
    "Town": "settlement",
    "Village": "settlement",
}


def _ontology_classes() -> tuple[dict[str, PlaceLevel], set[str]]:
    """Place classes with their level, and actor classes, from the bundled ontology."""
    from rdflib.namespace import RDFS

    from kg.namespace import ontology_graph
    from kg.terms import CKG_NS

    graph = ontology_graph()

    def subclasses(root: str) -> set[str]:
        from rdflib import URIRef

        found = {root}
        frontier = [URIRef(root)]
        while frontier:
            current = frontier.pop()
            for sub in graph.subjects(RDFS.subClassOf, current):
                if str(sub) not in found and str(sub).startswith(CKG_NS):
                    found.add(str(sub))
                    frontier.append(URIRef(str(sub)))
        return found

    site = subclasses(CKG_NS + "Site")
    places: dict[str, PlaceLevel] = {}
    for iri in subclasses(CKG_NS + "Place"):
        local = iri[len(CKG_NS) :]
        places[iri] = _PLACE_LEVELS.get(local, "site" if iri in site else "other")
    return places, subclasses(CKG_NS + "Actor")


_CLASS_CACHE: tuple[dict[str, PlaceLevel], set[str]] | None = None


def ontology_classes() -> tuple[dict[str, PlaceLevel], set[str]]:
    """Cached :func:`_ontology_classes` (the ontology is parsed once per process)."""
    global _CLASS_CACHE  # a read-only cache of bundled data, not CLI state
    if _CLASS_CACHE is None:
        _CLASS_CACHE = _ontology_classes()
    return _CLASS_CACHE


_LABELS = (
    "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>"
    "|<http://www.w3.org/2004/02/skos/core#altLabel>"
)


def _select(store: object, sparql: str) -> list[tuple[str, ...]]:
    """Rows of a SELECT over the union of the data graphs, as plain strings.

    The resolver reads tens of thousands of labels; on the embedded store it asks
    pyoxigraph directly (the store exposes ``db`` for such readers) instead of building an
    rdflib term per value, which took most of the time. Other stores go through
    :meth:`kg.store.Store.query`.
    """
    db = getattr(store, "db", None)
    if db is not None and hasattr(db, "named_graphs"):
        import pyoxigraph as ox

        from kg.store import default_graphs
        from kg.terms import META_GRAPH

        names = sorted(g.value for g in db.named_graphs() if isinstance(g, ox.NamedNode))
        graphs = [ox.NamedNode(g) for g in default_graphs(names, False) if g != str(META_GRAPH)]
        answer = db.query(sparql, default_graph=graphs)
        width = len(answer.variables)
        return [
            tuple(sol[i].value if sol[i] is not None else "" for i in range(width))
            for sol in answer
        ]
    result = store.query(sparql, include_inferred=False)  # type: ignore[attr-defined]
    return [tuple("" if v is None else str(v) for v in row) for row in result.rows]


def resolver_from_store(
    store: object, aliases: AliasTable | None = None, *, places: bool = True
) -> Resolver:
    """A :class:`Resolver` that knows every actor (and place) in ``store`` (a kg.store.Store).

    Reads types, labels, coordinates, ``ckg:locatedIn`` links, GeoNames feature codes and
    sanctions references with a handful of queries over the union of the data graphs;
    ``places=False`` skips the places for importers that resolve only actors.
    """
    from kg.terms import CKG_NS

    place_classes, actor_classes = ontology_classes()
    resolver = Resolver(aliases)

    def values(classes: Iterable[str]) -> str:
        # Class IRIs come from the bundled ontology, never from user input.
        return " ".join(f"<{c}>" for c in sorted(classes))

    # One pattern per query, joined here: pyoxigraph answers each alone quickly, while
    # joins over a union default graph of many graphs took seconds.
    labels: dict[str, list[str]] = defaultdict(list)
    # Events, passages and claims (millions after big imports) are neither actors nor places.
    skip = " && ".join(
        f'!STRSTARTS(STR(?s), "{ID}{kind}/")' for kind in ("event", "claim", "passage")
    )
    for subject, label in _select(
        store, f"SELECT ?s ?l WHERE {{ ?s {_LABELS} ?l FILTER({skip}) }}"
    ):
        labels[subject].append(label)
    if places:
        levels: dict[str, PlaceLevel] = {}
        for p, c in _select(
            store,
            f"SELECT DISTINCT ?p ?c WHERE {{ VALUES ?c {{ {values(place_classes)} }} ?p a ?c }}",
        ):
            level = place_classes[c]
            old = levels.get(p)
            if old is None or (_LEVEL_ORDER[level] < _LEVEL_ORDER[old] and level != "other"):
                levels[p] = level
        for p, code in _select(
            store, f"SELECT ?p ?code WHERE {{ ?p <{CKG_NS}featureCode> ?code }}"
        ):
            if code == "A.ADM3" and p in levels:
                levels[p] = "admin3"
        lats = {
            r[0]: r[1] for r in _select(store, f"SELECT ?p ?v WHERE {{ ?p <{CKG_NS}latitude> ?v }}")
        }
        lons = {
            r[0]: r[1]
            for r in _select(store, f"SELECT ?p ?v WHERE {{ ?p <{CKG_NS}longitude> ?v }}")
        }
        parents: dict[str, set[str]] = defaultdict(set)
        for p, q in _select(store, f"SELECT ?p ?q WHERE {{ ?p <{CKG_NS}locatedIn> ?q }}"):
            parents[p].add(q)
        for iri, level in levels.items():
            lat: float | None
            lon: float | None
            try:
                lat, lon = float(lats[iri]), float(lons[iri])
            except (KeyError, ValueError):
                lat = lon = None
            resolver.add_place(
                iri,
                labels.get(iri, []),
                level=level,
                lat=lat,
                lon=lon,
                parents=parents.get(iri, ()),
            )
    actors = {
        a
        for (a,) in _select(
            store, f"SELECT DISTINCT ?a WHERE {{ VALUES ?c {{ {values(actor_classes)} }} ?a a ?c }}"
        )
    }
    actor_names: dict[str, list[str]] = defaultdict(list)
    for a in actors:
        actor_names[a].extend(labels.get(a, []))
    for a, ref in _select(store, f"SELECT ?a ?r WHERE {{ ?a <{CKG_NS}sanctionsReference> ?r }}"):
        actor_names[a].append(ref)
    for iri, names in actor_names.items():
        resolver.add_actor(iri, names)
    return resolver
