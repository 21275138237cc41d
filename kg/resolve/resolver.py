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

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from kg.resolve.aliases import AliasTable
from kg.resolve.geo import CANDIDATE_RADIUS_KM, MAX_PLACE_KM, grid_cell, haversine_km
from kg.resolve.names import actor_keys, admin_key, normalise

PlaceLevel = Literal["country", "admin1", "admin2", "admin3", "settlement", "site", "other"]

_COMPOUND = re.compile(r"\band/or\b", re.IGNORECASE)
#: Place levels, finest first: a place typed at two levels keeps the finer one.
LEVEL_ORDER: dict[str, int] = {
    "settlement": 0,
    "site": 1,
    "other": 2,
    "admin3": 3,
    "admin2": 4,
    "admin1": 5,
    "country": 6,
}


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
                self._grid[grid_cell(lat, lon)].append(iri)
        else:
            if LEVEL_ORDER[level] < LEVEL_ORDER[entry.level] and level != "other":
                entry.level = level
            if entry.lat is None and lat is not None and lon is not None:
                entry.lat, entry.lon = lat, lon
                self._grid[grid_cell(lat, lon)].append(iri)
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
                    accepted.append(((LEVEL_ORDER[entry.level], distance), iri, "name+distance"))
            elif within and self._inside(entry, within):
                accepted.append(((LEVEL_ORDER[entry.level], 0.0), iri, "name+admin"))
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
        clat, clon = grid_cell(lat, lon)
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
