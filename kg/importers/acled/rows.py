"""ACLED exports → events with dates, actors, places and the row's notes as a passage.

Four layouts are accepted, told apart by the header (column names are matched without
regard to case; ``ally_actor_*`` is read as ``assoc_actor_*``):

* **current** – ACLED's export tool since 2023: ``disorder_type``, ``civilian_targeting``,
  ``tags``; dates such as ``01 March 2023``;
* **hdx** – the layout published on HDX: ISO dates, and a second line of HXL hashtags
  (``#event+code``, …) that is skipped;
* **legacy** – older exports with no ``sub_event_type`` and legacy event types such as
  ``Battle-No change of territory`` or ``Remote violence``;
* **actor-based** – one row per actor of an event (no ``actor2`` columns; ``actor``,
  ``assoc_actor`` and ``inter`` are read as ``actor1``, ``assoc_actor_1``, ``inter1``): the
  rows of one ``event_id_cnty`` become one event. ACLED writes the event's actor1 on its
  first row, so that row's actor is the perpetrator and the others are target actors.

Dates may be ISO (``2020-08-01``), ``01 March 2023``, ``01-March-2023``, ``1 Mar 2023`` or
``01/03/2023`` (day first, as ACLED's codebook writes dates) in any layout.

**What an attack is.** Battles, explosions/remote violence and violence against civilians
(and their legacy names) are political violence at a place: the event is typed
``ckg:Attack`` as well as its finer class (:data:`SUB_EVENT_CLASSES`). Protests, riots and
strategic developments are not attacks. A file whose events include no attack says so in
a warning.

**Mapping of a row** (IRIs under ``https://w3id.org/conflict-kg/id/``):

* the event ``event/acled/<event_id_cnty>``, typed by :data:`SUB_EVENT_CLASSES` (the
  sub-event type; the event type when there is none; the legacy type in legacy files),
  with ``ckg:eventType`` each class's concept, and ``ckg:acledEventType`` the ACLED
  concepts of its event type and sub-event type (or its legacy type);
* ``ckg:startDate``/``ckg:endDate`` from ``event_date`` and ``time_precision``: 1 → that
  day (``ckg:DayPrecision``); 2 → the seven days centred on the date, since ACLED codes the
  middle of a reported week (``ckg:WeekPrecision``); 3 → the calendar month of the date,
  since ACLED uses 3 when only the month is known (``ckg:MonthPrecision``);
* ``ckg:perpetrator`` actor1, ``ckg:targetActor`` actor2, ``ckg:associatedActor`` each
  actor of ``assoc_actor_1``/``assoc_actor_2`` (``;``-separated), resolved to known actors
  or new nodes ``actor/acled/<slug>`` typed from their inter code, with ``ckg:interCode``;
  a row without actor1 is ``ckg:unattributed true``. A new node is labelled with ACLED's
  name; a resolved one gets it as ``skos:altLabel`` (and the alias table's name as its
  label when no graph of the store names it). A compound ``"A and/or B"`` is its own node,
  ``ckg:possibleActor`` of A and of B: its events are attributed to neither alone;
* ``ckg:place`` the location resolved to a known place (same name within 25 km, or inside
  the resolved admin area when there are no coordinates) or a new ``ckg:Town``
  ``place/acled/<country>/<admin1>/<admin2>/<admin3>/<location>`` located in new or known
  admin units (``place/acled/admin/…``: admin1 ``ckg:AdminRegion``, admin2 ``ckg:Cercle``,
  admin3 ``ckg:Place``) and countries (``place/country/<slug>``), with coordinates. Names
  are trimmed; the same name (case and accents aside) in the same admin1 within
  :data:`MERGE_KM` of a place already met is that place, whatever admin2/admin3 the row
  codes it under (``--report`` lists these merges); farther away it is another place;
* ``ckg:fatalities``, ``ckg:geoPrecision``, ``ckg:acledId``, ``ckg:disorderType``,
  ``ckg:civilianTargeting``, ``ckg:tag``; and a ``ckg:Claim`` (``ckg:Reported``, one
  ``ckg:sourceName`` per source) whose ``ckg:Passage`` is the row's notes, in the dataset
  ``doc/acled-<file-stem>``, with the line number as ``ckg:paragraph``.

A row is rejected (with its line number and the reason) when its ID, date, precision,
event type, coordinates, fatalities or geo precision are malformed, when it has no place,
or when its ID repeats an earlier row of the file (in an actor-based file: with another
date, type or place).
"""

from __future__ import annotations

import calendar
import csv
import io
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from kg.errors import InputError, UsageError
from kg.importers import (
    ImportSummary,
    PlaceMerge,
    Progress,
    ProgressCallback,
    Rejection,
    Unresolved,
)
from kg.importers.ntriples import (
    DCT,
    GEO,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS_PREF,
    XSD,
    NTriplesFile,
    decimal,
    lang_lit,
    lit,
    wkt_point,
)
from kg.importers.vocab import vocabulary
from kg.resolve import Candidate, Resolver, haversine_km, normalise, slug
from kg.terms import CKG_NS, GRAPH, ID

#: ACLED sub-event types (and event types, for rows without one) → ckg event classes.
#: Battles, explosions/remote violence and violence against civilians are attacks on their
#: place (ckg:Attack is written beside the finer class, so that a store holding only
#: imported data, without the ontology, still knows them); protests, riots and strategic
#: developments are not.
SUB_EVENT_CLASSES: dict[str, tuple[str, ...]] = {
    "armed clash": ("Attack", "Battle"),
    "government regains territory": ("Attack", "Battle", "TerritorialControl"),
    "non state actor overtakes territory": ("Attack", "Battle", "TerritorialControl"),
    "chemical weapon": ("Attack", "RemoteViolence"),
    "air drone strike": ("Attack", "RemoteViolence"),
    "suicide bomb": ("Attack", "RemoteViolence"),
    "shelling artillery missile attack": ("Attack", "RemoteViolence"),
    "remote explosive landmine ied": ("Attack", "RemoteViolence"),
    "grenade": ("Attack", "RemoteViolence"),
    "sexual violence": ("Attack", "ViolenceAgainstCivilians"),
    "attack": ("Attack", "ViolenceAgainstCivilians"),
    "abduction forced disappearance": ("Attack", "ViolenceAgainstCivilians", "HostageTaking"),
    "peaceful protest": ("Protest",),
    "protest with intervention": ("Protest",),
    "excessive force against protesters": ("Protest",),
    "violent demonstration": ("Riot",),
    "mob violence": ("Riot",),
    "agreement": ("StrategicDevelopment",),
    "arrests": ("StrategicDevelopment",),
    "change to group activity": ("StrategicDevelopment",),
    "disrupted weapons use": ("StrategicDevelopment",),
    "headquarters or base established": ("StrategicDevelopment", "MilitaryPresence"),
    "looting property destruction": ("StrategicDevelopment", "Vandalism"),
    "non violent transfer of territory": ("StrategicDevelopment", "TerritorialControl"),
    "other": ("StrategicDevelopment",),
}
EVENT_TYPE_CLASSES: dict[str, tuple[str, ...]] = {
    "battles": ("Attack", "Battle"),
    "explosions remote violence": ("Attack", "RemoteViolence"),
    "violence against civilians": ("Attack", "ViolenceAgainstCivilians"),
    "protests": ("Protest",),
    "riots": ("Riot",),
    "strategic developments": ("StrategicDevelopment",),
}
#: Legacy event types (no sub-event type); "Riots/Protests" cannot be split and is a protest.
LEGACY_CLASSES: dict[str, tuple[str, ...]] = {
    "battle no change of territory": ("Attack", "Battle"),
    "battle government regains territory": ("Attack", "Battle", "TerritorialControl"),
    "battle non state actor overtakes territory": ("Attack", "Battle", "TerritorialControl"),
    "remote violence": ("Attack", "RemoteViolence"),
    "violence against civilians": ("Attack", "ViolenceAgainstCivilians"),
    "riots protests": ("Protest",),
    "strategic development": ("StrategicDevelopment",),
    "headquarters or base established": ("StrategicDevelopment", "MilitaryPresence"),
    "non violent transfer of territory": ("StrategicDevelopment", "TerritorialControl"),
}
_SPELLINGS = {
    "excessive force against protestors": "excessive force against protesters",
    "strategic development": "strategic developments",
}

#: ACLED inter codes → the ckg class of a new actor node.
INTER_CLASSES = {
    "1": "StateArmedForce",
    "2": "ArmedGroup",
    "3": "ArmedGroup",
    "4": "SelfDefenceGroup",
    "5": "Actor",
    "6": "Actor",
    "7": "Actor",
    "8": "ForeignForce",
}

_COLUMN_SYNONYMS = {
    "ally_actor_1": "assoc_actor_1",
    "ally_actor_2": "assoc_actor_2",
    # actor-based (monadic) exports name their one actor column without a number
    "actor": "actor1",
    "assoc_actor": "assoc_actor_1",
    "inter": "inter1",
}
#: The same location name in the same admin1 within this distance is one place, even where
#: ACLED codes it under different admin2/admin3 units.
MERGE_KM = 5.0
REQUIRED_COLUMNS = ("event_id_cnty", "event_date", "event_type", "actor1", "country", "location")
_EVENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WORD_DATE = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4})$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

C = CKG_NS
_P = {
    name: f"<{C}{name}>"
    for name in (
        "eventType",
        "acledEventType",
        "acledId",
        "startDate",
        "endDate",
        "datePrecision",
        "place",
        "perpetrator",
        "targetActor",
        "associatedActor",
        "fatalities",
        "geoPrecision",
        "disorderType",
        "civilianTargeting",
        "tag",
        "unattributed",
        "interCode",
        "about",
        "passage",
        "modality",
        "sourceName",
        "text",
        "inDocument",
        "paragraph",
        "locatedIn",
        "latitude",
        "longitude",
    )
}
_PRECISION = {"1": f"<{C}DayPrecision>", "2": f"<{C}WeekPrecision>", "3": f"<{C}MonthPrecision>"}
_SKOS_ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
_POSSIBLE = f"<{C}possibleActor>"
_TRUE = f'"true"^^<{XSD}boolean>'
_HAS_GEOMETRY = f"<{GEO}hasGeometry>"
_AS_WKT = f"<{GEO}asWKT>"
_GEOMETRY = f"<{GEO}Geometry>"

ACLED_CREATOR = "Armed Conflict Location & Event Data Project (ACLED)"
ACLED_RIGHTS = "ACLED Terms of Use and attribution policy: cite ACLED"


@dataclass(frozen=True)
class Layout:
    """The columns of one ACLED file and which layout they are."""

    name: str
    columns: dict[str, int]
    hxl_row: bool
    legacy: bool = False  # legacy event types, no sub_event_type
    actor_based: bool = False  # one row per actor of an event, no actor2 columns


def detect_layout(header: Sequence[str], second: Sequence[str] | None) -> Layout:
    """Tell the layout from the header and the second line (HXL hashtags or data)."""
    columns: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff").lower()
        name = _COLUMN_SYNONYMS.get(name, name)
        columns.setdefault(name, i)
    hxl = (
        bool(second)
        and all(cell.strip() == "" or cell.strip().startswith("#") for cell in second or ())
        and any(cell.strip().startswith("#") for cell in second or ())
    )
    legacy = "sub_event_type" not in columns
    actor_based = "actor2" not in columns
    if legacy:
        name = "legacy"
    elif {"disorder_type", "civilian_targeting", "tags"} & columns.keys():
        name = "current"
    elif hxl:
        name = "hdx"
    else:
        name = "standard"
    if actor_based:
        name = "actor-based" + (" (legacy types)" if legacy else f" ({name})")
    return Layout(name, columns, hxl, legacy, actor_based)


def parse_date(text: str, cache: dict[str, date | None]) -> date | None:
    """ACLED's event date in any of the accepted spellings; None when it is not a date."""
    found = cache.get(text, False)
    if found is not False:
        return found  # type: ignore[return-value]
    value: date | None = None
    stripped = text.strip()
    try:
        if len(stripped) == 10 and stripped[4] == "-" and stripped[7] == "-":
            value = date.fromisoformat(stripped)
        elif (m := _WORD_DATE.match(stripped)) is not None:
            month = _MONTHS.get(m.group(2).lower())
            value = date(int(m.group(3)), month, int(m.group(1))) if month else None
        elif (m := _SLASH_DATE.match(stripped)) is not None:
            value = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        value = None
    cache[text] = value
    return value


def date_interval(day: date, precision: str) -> tuple[date, date]:
    """The inclusive interval a date of ACLED ``time_precision`` 1, 2 or 3 stands for."""
    if precision == "2":
        return day - timedelta(days=3), day + timedelta(days=3)
    if precision == "3":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    return day, day


class _CountingReader(io.RawIOBase):
    """A binary reader that counts the bytes read, for progress and ETA."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self.raw = raw
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = self.raw.readinto(buffer)
        self.done += n or 0
        return n or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


def dataset_slug_for(path: Path) -> str:
    """The slug of a file's dataset node, ``acled-<file-stem>`` (``acled`` not repeated)."""
    stem = slug(path.stem)
    return stem if stem.startswith("acled") else "acled-" + stem


def graph_for(path: Path) -> str:
    """The named graph an ACLED file goes into: ``graph/import/acled/<file-stem>``."""
    return str(GRAPH[f"import/acled/{slug(path.stem)}"])


#: Prefixes of the nodes this importer mints; they are found again by key, not by name.
MINTED = (f"{ID}actor/acled/", f"{ID}place/acled/", f"{ID}place/country/")
_ADMIN_CLASSES = {
    "country": "Country",
    "admin1": "AdminRegion",
    "admin2": "Cercle",
    "admin3": "Place",
}


@dataclass
class _FileState:
    """What one file has resolved and written so far (each file is its own graph)."""

    summary: ImportSummary
    lines: list[str]
    emitted: set[str]
    actors: dict[str, str]
    places: dict[tuple[str, ...], str]
    admins: dict[tuple[str, ...], str]
    unresolved: dict[tuple[str, str], Unresolved]
    with_inter: set[str]
    #: minted places by (country, admin1, name key): [(iri, lat, lon)], for merging
    siblings: dict[tuple[str, str, str], list[tuple[str, float | None, float | None]]] = field(
        default_factory=dict
    )
    #: actor-based files: event ID → (first line, what must agree, actors written)
    events: dict[str, tuple[int, tuple[str, ...], set[str]]] = field(default_factory=dict)
    #: event types of the file's rows, to say loudly when none of them is an attack
    types: Counter[str] = field(default_factory=Counter)
    #: lines whose time_precision is empty (read as day precision unless strict)
    empty_precision: list[int] = field(default_factory=list)


class AcledImporter:
    """Maps the rows of ACLED files to triples, sharing one resolver across files."""

    def __init__(
        self, resolver: Resolver, *, candidates: bool = False, strict: bool = False
    ) -> None:
        self.resolver = resolver
        self.candidates = candidates
        #: with strict, a row is rejected where a default would stand in for a value
        self.strict = strict
        self.vocab = vocabulary()
        self._dates: dict[str, date | None] = {}
        self._type_keys: dict[str, str] = {}
        self._class_terms = self._build_class_terms()

    def _type_key(self, text: str) -> str:
        # A handful of distinct type names recur on every row: normalise each once.
        key = self._type_keys.get(text)
        if key is None:
            key = normalise(text)
            key = self._type_keys[text] = _SPELLINGS.get(key, key)
        return key

    def _build_class_terms(self) -> dict[tuple[str, ...], list[str]]:
        # The type and eventType of each class combination, built once.
        out: dict[tuple[str, ...], list[str]] = {}
        for combo in {
            *SUB_EVENT_CLASSES.values(),
            *EVENT_TYPE_CLASSES.values(),
            *LEGACY_CLASSES.values(),
        }:
            parts = []
            for name in combo:
                parts.append(f"{RDF_TYPE} <{C}{name}>")
                parts.append(f"{_P['eventType']} <{self.vocab.concept_of(name)}>")
            out[combo] = parts
        return out

    # ---- one file ------------------------------------------------------------------------

    def convert(
        self,
        path: Path,
        out: NTriplesFile,
        *,
        progress: ProgressCallback | None = None,
        progress_every: float = 1.0,
        encoding: str = "utf-8-sig",
    ) -> ImportSummary:
        """Read ``path`` and write its triples to ``out``; return the summary (not yet written).

        ``encoding`` is the file's text encoding (ACLED's own exports are UTF-8, with or
        without a byte-order mark); a file that does not decode is refused with the line,
        byte offset and the bytes at fault.
        """
        summary = ImportSummary(kind="acled", path=str(path), graph=graph_for(path))
        try:
            total = path.stat().st_size
            raw = open(path, "rb")  # noqa: SIM115 - closed by the wrapper below
        except OSError as exc:
            raise InputError(
                f"cannot read the file: {exc.strerror or exc}", path=str(path)
            ) from exc
        counter = _CountingReader(raw)
        text = io.TextIOWrapper(
            io.BufferedReader(counter, 1 << 20), encoding=encoding, errors="strict", newline=""
        )
        started = time.perf_counter()
        state = _FileState(summary, [], set(), {}, {}, {}, {}, set())
        try:
            self._convert_rows(
                path, text, counter, total, out, state, progress, progress_every, started
            )
        except UnicodeDecodeError as exc:
            from kg.errors import undecodable_text

            raise undecodable_text(path, encoding) from exc
        except csv.Error as exc:
            raise InputError(f"not a readable CSV file ({exc})", path=str(path)) from exc
        finally:
            text.close()
        summary.unresolved = list(state.unresolved.values())
        summary.seconds_reading = time.perf_counter() - started
        return summary

    def _convert_rows(
        self,
        path: Path,
        text: io.TextIOWrapper,
        counter: _CountingReader,
        total: int,
        out: NTriplesFile,
        state: _FileState,
        progress: ProgressCallback | None,
        progress_every: float,
        started: float,
    ) -> None:
        summary = state.summary
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            raise InputError(
                "the file is empty; expected an ACLED export with a header row", path=str(path)
            )
        first_data: list[str] | None = next(reader, None)
        layout = detect_layout(header, first_data)
        missing = [c for c in REQUIRED_COLUMNS if c not in layout.columns]
        if missing:
            raise InputError(
                f"not an ACLED export: missing column(s) {', '.join(missing)} in the header "
                f"(found {', '.join(h.strip() for h in header[:8])}…)",
                path=str(path),
                line=1,
            )
        summary.layout = layout.name + (" (HXL hashtag row skipped)" if layout.hxl_row else "")
        dataset_slug = dataset_slug_for(path)
        dataset = f"<{ID}doc/{dataset_slug}>"
        bases = (dataset, f"{ID}passage/{dataset_slug}/", f"{ID}claim/{dataset_slug}/")
        title = lang_lit(f"ACLED export {path.name}", "en")
        out.add(dataset, RDF_TYPE, f"<{C}Dataset>")
        out.add(dataset, f"<{DCT}title>", title)
        out.add(dataset, RDFS_LABEL, title)
        out.add(dataset, f"<{DCT}creator>", lit(ACLED_CREATOR))
        out.add(dataset, f"<{DCT}source>", lit(path.name))
        out.add(dataset, f"<{DCT}rights>", lit(ACLED_RIGHTS))

        col = layout.columns
        width = len(header)
        seen_ids: dict[str, int] = {}
        # The first data line was read to tell the layout; it is processed first unless
        # it is the HXL hashtag line.
        pending = [first_data] if (first_data is not None and not layout.hxl_row) else []
        line_before = reader.line_num - 1 if pending else reader.line_num
        last_report = started

        def get(row: list[str], name: str) -> str:
            i = col.get(name)
            if i is None:
                return ""
            value = row[i].strip()
            # "Djibo", " Djibo" and "Djibo  " are one name (a stray space once made two places)
            return " ".join(value.split()) if "  " in value or "\t" in value else value

        while True:
            try:
                row = pending.pop() if pending else next(reader, None)
            except csv.Error as exc:
                # The CSV itself is broken (an unclosed quote, a huge field): no row after
                # this point can be trusted, so the file is refused as a whole.
                raise InputError(
                    f"not readable as CSV from here on ({exc}); nothing of this file was "
                    "imported. Check the quotes from this line on: a quote left open makes "
                    "one field of the lines after it",
                    path=str(path),
                    line=line_before + 1,
                ) from exc
            if row is None:
                break
            line = line_before + 1
            line_before = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # a blank line
            summary.rows_read += 1
            if progress is not None and summary.rows_read % 1000 == 0:
                now = time.perf_counter()
                if now - last_report >= progress_every:
                    last_report = now
                    progress(
                        Progress(str(path), summary.rows_read, counter.done, total, now - started)
                    )
            swallowed = _swallowed_lines(row, header, width, line, reader.line_num)
            if swallowed:
                summary.rejected.append(Rejection(line, swallowed))
                continue
            if len(row) != width:
                summary.rejected.append(
                    Rejection(
                        line,
                        f"{len(row)} fields where the header has {width} (a stray comma or quote?)",
                    )
                )
                continue
            reason = self._row(row, get, line, layout, seen_ids, bases, state)
            if reason is _MERGED:
                summary.merged_rows += 1
                continue
            if reason is not None:
                summary.rejected.append(Rejection(line, reason))
                continue
            summary.records += 1
            if len(state.lines) >= 20_000:
                out.extend(state.lines)
                state.lines = []
        out.extend(state.lines)
        state.lines = []
        if state.empty_precision:
            lines = state.empty_precision
            shown = ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")
            summary.notes.append(
                f"{len(lines)} row(s) with an empty time_precision read as day precision "
                f"(line(s) {shown}); --strict refuses them"
            )
        if summary.records and not summary.attacks:
            seen = ", ".join(f"{name} ({n:,})" for name, n in state.types.most_common(6))
            summary.warnings.append(
                f"none of the {summary.records:,} events is an attack (battles, explosions/remote"
                f" violence, violence against civilians); event types in the file: {seen}"
            )
        if progress is not None:
            progress(
                Progress(
                    str(path),
                    summary.rows_read,
                    total,
                    total,
                    time.perf_counter() - started,
                    "read",
                )
            )

    # ---- one row -------------------------------------------------------------------------

    def _row(
        self,
        row: list[str],
        get: Callable[[list[str], str], str],
        line: int,
        layout: Layout,
        seen_ids: dict[str, int],
        bases: tuple[str, str, str],
        state: _FileState,
    ) -> str | None:
        """Append the row's triples to ``state.lines``; return why it is rejected, or None.

        In an actor-based file, a row of an event already read adds its actor to that event
        and returns :data:`_MERGED`.
        """
        legacy = layout.legacy
        event_id = get(row, "event_id_cnty")
        if not event_id or not _EVENT_ID.match(event_id):
            return f"event_id_cnty {event_id!r} is not an ACLED event ID"
        first = seen_ids.get(event_id)
        if first is not None:
            if layout.actor_based:
                return self._another_actor(row, get, event_id, state)
            return f"duplicate event_id_cnty {event_id} (first on line {first})"
        raw_date = get(row, "event_date")
        day = parse_date(raw_date, self._dates)
        if day is None:
            return f"event_date {raw_date!r} is not a date (expected 2023-03-01 or 01 March 2023)"
        year = get(row, "year")
        if year and year != str(day.year):
            return f"year {year} disagrees with event_date {raw_date}"
        precision = get(row, "time_precision")
        if not precision:
            if self.strict and "time_precision" in layout.columns:
                return (
                    "time_precision is empty (--strict takes no default: give 1 for a day, "
                    "2 for a week, 3 for a month)"
                )
            state.empty_precision.append(line)
            precision = "1"
        if precision not in _PRECISION:
            return f"time_precision {precision!r} is not 1, 2 or 3"
        event_type = get(row, "event_type")
        type_key = self._type_key(event_type)
        vocab = self.vocab
        if legacy:
            legacy_key = normalise(event_type)
            classes = LEGACY_CLASSES.get(legacy_key) or EVENT_TYPE_CLASSES.get(type_key)
            concepts = [vocab.acled_legacy.get(legacy_key) or vocab.acled.get(type_key)]
            sub_type = ""
        else:
            if type_key not in EVENT_TYPE_CLASSES:
                return f"event_type {event_type!r} is not an ACLED event type"
            sub_type = get(row, "sub_event_type")
            sub_key = self._type_key(sub_type)
            classes = SUB_EVENT_CLASSES.get(sub_key) if sub_key else EVENT_TYPE_CLASSES[type_key]
            concepts = [vocab.acled.get(type_key), vocab.acled.get(sub_key) if sub_key else None]
            if sub_key and classes is None:
                return f"sub_event_type {sub_type!r} is not an ACLED sub-event type"
        if not classes or not concepts[0]:
            return f"event_type {event_type!r} is not an ACLED event type this importer knows"
        lat_text, lon_text = get(row, "latitude"), get(row, "longitude")
        lat = lon = None
        if lat_text or lon_text:
            try:
                lat, lon = float(lat_text), float(lon_text)
            except ValueError:
                return f"latitude/longitude {lat_text!r}, {lon_text!r} are not numbers"
            if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                return f"latitude/longitude {lat_text}, {lon_text} are outside -90..90, -180..180"
        fatalities = get(row, "fatalities")
        if fatalities and not fatalities.isdigit():
            return f"fatalities {fatalities!r} is not a non-negative whole number"
        geo_precision = get(row, "geo_precision")
        if geo_precision and geo_precision not in ("1", "2", "3"):
            return f"geo_precision {geo_precision!r} is not 1, 2 or 3"
        country = get(row, "country")
        location = get(row, "location")
        if not location and not country:
            return "no location and no country: the event has no place"

        # -- the place (resolved once per distinct coding of a place in the file)
        place_key = (country, get(row, "admin1"), get(row, "admin2"), get(row, "admin3"), location)
        coded = (*place_key, lat_text, lon_text)
        place_iri = state.places.get(coded)
        if place_iri is None:
            place_iri = self._place(place_key, lat, lon, state)
            state.places[coded] = place_iri
        else:
            item = state.unresolved.get(("place", "|".join(place_key)))
            if item is not None:
                item.rows += 1

        seen_ids[event_id] = line
        if layout.actor_based:
            state.events[event_id] = (line, _agreeing(row, get), set())
        state.types[event_type] += 1
        if "Attack" in classes:
            state.summary.attacks += 1
        ev = f"<{ID}event/acled/{event_id}>"
        start, end = date_interval(day, precision)
        label = f"{sub_type or event_type} at {location or country}, {raw_date}"
        add = state.lines.append
        for pair in self._class_terms[classes]:
            add(f"{ev} {pair} .\n")
        for concept in concepts:
            if concept:
                add(f"{ev} {_P['acledEventType']} <{concept}> .\n")
        add(f"{ev} {RDFS_LABEL} {lang_lit(label, 'en')} .\n")
        add(f"{ev} {_P['acledId']} {lit(event_id)} .\n")
        add(f'{ev} {_P["startDate"]} "{start.isoformat()}"^^<{XSD}date> .\n')
        add(f'{ev} {_P["endDate"]} "{end.isoformat()}"^^<{XSD}date> .\n')
        add(f"{ev} {_P['datePrecision']} {_PRECISION[precision]} .\n")
        add(f"{ev} {_P['place']} <{place_iri}> .\n")
        if fatalities:
            add(f'{ev} {_P["fatalities"]} "{int(fatalities)}"^^<{XSD}integer> .\n')
        if geo_precision:
            add(f'{ev} {_P["geoPrecision"]} "{geo_precision}"^^<{XSD}integer> .\n')
        disorder = get(row, "disorder_type")
        if disorder:
            add(f"{ev} {_P['disorderType']} {lit(disorder)} .\n")
        if get(row, "civilian_targeting"):
            add(f"{ev} {_P['civilianTargeting']} {_TRUE} .\n")
        tags = get(row, "tags")
        if tags:
            for tag in tags.split(";"):
                if tag.strip():
                    add(f"{ev} {_P['tag']} {lit(tag.strip())} .\n")

        # -- actors
        actor1 = get(row, "actor1")
        if actor1:
            iri = self._actor(actor1, get(row, "inter1"), state)
            add(f"{ev} {_P['perpetrator']} <{iri}> .\n")
            if layout.actor_based:
                state.events[event_id][2].add(iri)
        else:
            add(f"{ev} {_P['unattributed']} {_TRUE} .\n")
        actor2 = get(row, "actor2")
        if actor2:
            add(f"{ev} {_P['targetActor']} <{self._actor(actor2, get(row, 'inter2'), state)}> .\n")
        for column in ("assoc_actor_1", "assoc_actor_2"):
            value = get(row, column)
            if value:
                for name in value.split(";"):
                    if name.strip():
                        iri = self._actor(name.strip(), "", state)
                        add(f"{ev} {_P['associatedActor']} <{iri}> .\n")

        # -- the claim and its passage
        dataset, passage_base, claim_base = bases
        claim = f"<{claim_base}{line}>"
        passage = f"<{passage_base}{line}>"
        notes = get(row, "notes")
        if not notes:
            # A claim needs a passage with text: without notes, the row itself is quoted.
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="").writerow(row)
            notes = buffer.getvalue()
        add(f"{claim} {RDF_TYPE} <{C}Claim> .\n")
        add(f"{claim} {_P['about']} {ev} .\n")
        add(f"{claim} {_P['passage']} {passage} .\n")
        add(f"{claim} {_P['modality']} <{C}Reported> .\n")
        source = get(row, "source")
        if source:
            for name in source.split(";"):
                if name.strip():
                    add(f"{claim} {_P['sourceName']} {lit(name.strip())} .\n")
        add(f"{passage} {RDF_TYPE} <{C}Passage> .\n")
        add(f"{passage} {_P['text']} {lit(notes)} .\n")
        add(f"{passage} {_P['inDocument']} {dataset} .\n")
        add(f'{passage} {_P["paragraph"]} "{line}"^^<{XSD}integer> .\n')
        return None

    def _another_actor(
        self,
        row: list[str],
        get: Callable[[list[str], str], str],
        event_id: str,
        state: _FileState,
    ) -> str:
        """A later row of an actor-based file's event: its actor joins the event.

        ACLED writes an event's actor1 on its first row, so the first row's actor is the
        perpetrator and each other row's actor is a target actor (actor2 in the dyadic
        layouts); their associated actors stay associated actors.
        """
        first_line, agreeing, actors = state.events[event_id]
        if _agreeing(row, get) != agreeing:
            return (
                f"event_id_cnty {event_id} repeats line {first_line} with another date, event"
                " type or place (an actor-based export repeats an event only for its actors)"
            )
        ev = f"<{ID}event/acled/{event_id}>"
        add = state.lines.append
        actor = get(row, "actor1")
        if actor:
            iri = self._actor(actor, get(row, "inter1"), state)
            if iri not in actors:
                actors.add(iri)
                add(f"{ev} {_P['targetActor']} <{iri}> .\n")
        for column in ("assoc_actor_1", "assoc_actor_2"):
            for name in get(row, column).split(";"):
                if name.strip():
                    iri = self._actor(name.strip(), "", state)
                    add(f"{ev} {_P['associatedActor']} <{iri}> .\n")
        return _MERGED

    # ---- actors and places ---------------------------------------------------------------

    def _actor(self, name: str, inter: str, state: _FileState) -> str:
        """The IRI of actor ``name``: a known node, or a new one (written once per file)."""
        summary = state.summary
        iri = state.actors.get(name)
        if iri is None:
            resolution = self.resolver.resolve_actor(name, exclude_prefix=MINTED)
            if resolution.iri:
                iri = resolution.iri
                summary.resolved_actors += 1
                self._name_known(iri, name, state)
            else:
                iri = f"{ID}actor/acled/{slug(name, max_length=120)}"
                if iri not in state.emitted:
                    summary.new_actors += 1
                    state.emitted.add(iri)
                    node = f"<{iri}>"
                    cls = INTER_CLASSES.get(inter, "Actor")
                    state.lines.append(f"{node} {RDF_TYPE} <{C}{cls}> .\n")
                    state.lines.append(f"{node} {RDFS_LABEL} {lang_lit(name, 'en')} .\n")
                    state.lines.append(f"{node} {SKOS_PREF} {lang_lit(name, 'en')} .\n")
                    for part in self._compound_parts(name, state):
                        state.lines.append(f"{node} {_POSSIBLE} <{part}> .\n")
                candidates = (
                    _others(self.resolver.actor_candidates(name, limit=4), iri)
                    if self.candidates
                    else ()
                )
                state.unresolved[("actor", name)] = Unresolved("actor", name, iri, 0, candidates)
            state.actors[name] = iri
        item = state.unresolved.get(("actor", name))
        if item is not None:
            item.rows += 1
        if inter and inter.isdigit() and iri not in state.with_inter:
            state.with_inter.add(iri)
            state.lines.append(f'<{iri}> {_P["interCode"]} "{int(inter)}"^^<{XSD}integer> .\n')
        return iri

    def _name_known(self, iri: str, name: str, state: _FileState) -> None:
        """ACLED's name of a resolved actor becomes its alternative label in this graph.

        An actor the store knows only through the alias table (no label in any graph: a
        store holding imported data alone) also gets the table's name as its label, so
        answers never show a bare id.
        """
        if iri in state.emitted:
            return
        state.emitted.add(iri)
        node = f"<{iri}>"
        add = state.lines.append
        if self.resolver.stored_label(iri) is None:
            label = self.resolver.aliases.labels.get(iri, name)
            add(f"{node} {RDFS_LABEL} {lang_lit(label, 'en')} .\n")
            add(f"{node} {SKOS_PREF} {lang_lit(label, 'en')} .\n")
        add(f"{node} {_SKOS_ALT} {lang_lit(name, 'en')} .\n")

    def _compound_parts(self, name: str, state: _FileState) -> list[str]:
        """The actors a compound name ("A and/or B") may stand for, each resolved or new."""
        parts = [p.strip() for p in _COMPOUND.split(name) if p.strip()]
        if len(parts) < 2:
            return []
        return [self._actor(part, "", state) for part in parts]

    def _place(
        self, key: tuple[str, ...], lat: float | None, lon: float | None, state: _FileState
    ) -> str:
        """The IRI of an ACLED place: a known place, or a new town in known or new units."""
        country, admin1, admin2, admin3, location = key
        summary = state.summary
        resolver = self.resolver
        path = [slug(country) if country else "-"]
        within: list[str] = []
        parent: str | None = None
        for level, name in (
            ("country", country),
            ("admin1", admin1),
            ("admin2", admin2),
            ("admin3", admin3),
        ):
            if level != "country":
                path.append(slug(name) if name else "-")
            if not name:
                continue
            unit_key = (level, *[p for p in path])
            iri = state.admins.get(unit_key)
            if iri is None:
                hit = resolver.resolve_admin(name, level, parent, exclude_prefix=MINTED)  # type: ignore[arg-type]
                iri = hit.iri
                if iri is None:
                    if level == "country":
                        iri = f"{ID}place/country/{slug(name)}"
                    else:
                        iri = f"{ID}place/acled/admin/" + "/".join(p for p in path if p != "-")
                    self._mint(iri, _ADMIN_CLASSES[level], name, parent, None, None, state)
                state.admins[unit_key] = iri
            parent = iri
            within.insert(0, iri)
        if not location:
            return parent or f"{ID}place/country/unknown"
        country_iri = state.admins.get(("country", path[0])) if country else None
        resolution = resolver.resolve_place(
            location, lat=lat, lon=lon, within=within, country=country_iri, exclude_prefix=MINTED
        )
        if resolution.iri:
            summary.resolved_places += 1
            return resolution.iri
        # The same name in the same admin1 within MERGE_KM is the place already minted,
        # whatever admin2/admin3 this row codes it under.
        siblings = state.siblings.setdefault((path[0], path[1], normalise(location)), [])
        if lat is not None and lon is not None:
            for other, other_lat, other_lon in siblings:
                if other_lat is None or other_lon is None:
                    continue
                km = haversine_km(lat, lon, other_lat, other_lon)
                if km <= MERGE_KM:
                    context = ", ".join(x for x in (admin3, admin2, admin1, country) if x)
                    summary.place_merges.append(PlaceMerge(location, context, other, km))
                    return other
        iri = f"{ID}place/acled/" + "/".join(path) + "/" + slug(location)
        if lat is not None and iri in state.emitted:
            # the same name and units again, but farther than MERGE_KM: another place
            iri += f"/{sum(1 for other, _, _ in siblings if other.startswith(iri)) + 1}"
        if iri not in state.emitted:
            summary.new_places += 1
            siblings.append((iri, lat, lon))
            self._mint(iri, "Town", location, parent, lat, lon, state)
        ukey = ("place", "|".join(key))
        if ukey not in state.unresolved:
            candidates = (
                _others(
                    resolver.place_candidates(location, lat=lat, lon=lon, within=within, limit=4),
                    iri,
                )
                if self.candidates
                else ()
            )
            context = ", ".join(x for x in (admin3, admin2, admin1, country) if x)
            state.unresolved[ukey] = Unresolved("place", location, iri, 0, candidates, context)
        state.unresolved[ukey].rows += 1
        return iri

    def _mint(
        self,
        iri: str,
        cls: str,
        name: str,
        parent: str | None,
        lat: float | None,
        lon: float | None,
        state: _FileState,
    ) -> None:
        """Write a new place node (type, labels, parent, coordinates) once per file."""
        if iri in state.emitted:
            return
        state.emitted.add(iri)
        node = f"<{iri}>"
        add = state.lines.append
        add(f"{node} {RDF_TYPE} <{C}{cls}> .\n")
        add(f"{node} {RDFS_LABEL} {lang_lit(name, 'en')} .\n")
        add(f"{node} {SKOS_PREF} {lang_lit(name, 'en')} .\n")
        if parent:
            add(f"{node} {_P['locatedIn']} <{parent}> .\n")
        if lat is not None and lon is not None:
            geometry = f"<{iri}/geometry>"
            add(f"{node} {_P['latitude']} {decimal(lat)} .\n")
            add(f"{node} {_P['longitude']} {decimal(lon)} .\n")
            add(f"{node} {_HAS_GEOMETRY} {geometry} .\n")
            add(f"{geometry} {RDF_TYPE} {_GEOMETRY} .\n")
            add(f"{geometry} {_AS_WKT} {wkt_point(lat, lon)} .\n")


#: What :meth:`AcledImporter._row` returns for a row that joined an earlier row's event.
_MERGED = "merged into an earlier row's event"
_COMPOUND = re.compile(r"\s+and/or\s+", re.IGNORECASE)


def _swallowed_lines(
    row: list[str], header: list[str], width: int, line: int, last_line: int
) -> str | None:
    """Why a record that spans lines is a quote left open, or None when it is not one.

    A quoted field may hold line breaks (ACLED notes sometimes do), but when the record
    then has the wrong number of fields, or a line inside the field looks like a row of
    its own, a quote was opened and not closed: the lines after it were read into one
    field. The message names the line where the quote opened and the lines it swallowed.
    """
    at = next((i for i, value in enumerate(row) if "\n" in value or "\r" in value), None)
    if at is None:
        return None
    inside = row[at].splitlines()[1:]
    looks_like_rows = any(part.count(",") >= width // 2 for part in inside)
    if len(row) == width and not looks_like_rows:
        return None
    column = header[at].strip() if at < len(header) else f"field {at + 1}"
    if last_line <= line:
        return (
            f"a quote opened on this line (in {column}) is not closed before the end of the "
            "file: the rest of the line was read into that one field; close the quote"
        )
    return (
        f"a quote opened on this line (in {column}) is not closed until line {last_line}: "
        f"lines {line + 1}-{last_line} were read into that one field and not imported; "
        'close the quote (a quote inside a quoted field is written "")'
    )


def _agreeing(row: list[str], get: Callable[[list[str], str], str]) -> tuple[str, ...]:
    # What every row of one event in an actor-based file repeats.
    return tuple(
        get(row, name)
        for name in ("event_date", "event_type", "sub_event_type", "country", "admin1", "location")
    )


def _others(candidates: tuple[Candidate, ...], iri: str) -> tuple[Candidate, ...]:
    # The node itself, minted by an earlier import of the same file, is no candidate.
    return tuple(c for c in candidates if c.iri != iri)[:3]


def import_acled(
    store: object,
    paths: Sequence[Path],
    *,
    strict: bool = False,
    report: bool = False,
    resolver: Resolver | None = None,
    progress: ProgressCallback | None = None,
    workdir: Path | None = None,
    encoding: str = "utf-8-sig",
) -> list[ImportSummary]:
    """Import ACLED files into ``store``, each into its own graph (one transaction per file).

    With ``strict`` a file with any rejected row is refused and the store is left as it
    was; otherwise rejected rows are left out and listed. ``report`` computes the closest
    candidates of unresolved names. ``encoding`` is the files' text encoding (a name Python
    knows: ``utf-8``, ``cp1252``, ``latin-1``…). Raises :class:`kg.errors.InputError` for a file that is
    not an ACLED export at all.
    """
    from kg.importers.writing import write_graph
    from kg.resolve import resolver_from_store

    graphs: dict[str, Path] = {}
    for path in map(Path, paths):
        other = graphs.setdefault(graph_for(path), path)
        if other != path:
            raise UsageError(
                f"{other} and {path} would both go into the graph <{graph_for(path)}> "
                "(a file's graph is named after its file name); rename one of them"
            )
    import codecs

    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(
            f"unknown encoding {encoding!r}: give one such as utf-8, cp1252 or latin-1"
        ) from None
    resolver = resolver if resolver is not None else resolver_from_store(store)
    importer = AcledImporter(resolver, candidates=report, strict=strict)
    summaries: list[ImportSummary] = []
    with tempfile.TemporaryDirectory(prefix="ckg-acled-", dir=workdir) as tmp:
        for path in paths:
            path = Path(path)
            nt = NTriplesFile(Path(tmp) / (slug(path.stem) + ".nt"))
            try:
                summary = importer.convert(path, nt, progress=progress, encoding=encoding)
            finally:
                summary_triples = nt.close()
            summary.triples = summary_triples
            if strict and summary.rejected:
                summary.refused = True
            elif summary.records == 0 and summary.rejected:
                summary.notes.append("every row was rejected; the graph was not replaced")
            else:
                started = time.perf_counter()
                if progress is not None:
                    progress(
                        Progress(
                            str(path), summary.rows_read, 1, 1, summary.seconds_reading, "writing"
                        )
                    )
                summary.triples = write_graph(
                    store,
                    summary.graph,
                    nt.path,
                    source=str(path),
                    title=f"ACLED export {path.name}",
                )
                summary.seconds_writing = time.perf_counter() - started
                summary.written = True
            nt.path.unlink(missing_ok=True)
            summaries.append(summary)
    return summaries
