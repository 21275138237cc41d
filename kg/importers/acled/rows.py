"""Mapping the rows of an ACLED file to triples: the event, its dates, actors and claim.

:class:`AcledImporter` reads one file (:meth:`~AcledImporter.convert`) and writes each
accepted row's triples as N-Triples lines; actors and places are resolved or minted by
:mod:`kg.importers.acled.actors` and :mod:`kg.importers.acled.places`.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from kg.errors import InputError
from kg.importers import ImportSummary, Progress, ProgressCallback, Rejection
from kg.importers.acled.actors import actor_iri
from kg.importers.acled.layout import (
    REQUIRED_COLUMNS,
    CountingReader,
    Layout,
    dataset_slug_for,
    date_interval,
    detect_layout,
    graph_for,
    parse_date,
    swallowed_lines,
)
from kg.importers.acled.places import place_iri_for
from kg.importers.acled.state import FileState
from kg.importers.acled.terms import (
    ACLED_CREATOR,
    ACLED_RIGHTS,
    EVENT_TYPE_CLASSES,
    LEGACY_CLASSES,
    PRECISION,
    SPELLINGS,
    SUB_EVENT_CLASSES,
    TRUE,
    C,
    P,
)
from kg.importers.ntriples import NTriplesFile
from kg.importers.vocab import vocabulary
from kg.rdfio.ntriples import DCT, RDF_TYPE, RDFS_LABEL, XSD, lang_lit, lit
from kg.resolve import Resolver, normalise
from kg.terms import ID

_EVENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


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
            key = self._type_keys[text] = SPELLINGS.get(key, key)
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
                parts.append(f"{P['eventType']} <{self.vocab.concept_of(name)}>")
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
        counter = CountingReader(raw)
        text = io.TextIOWrapper(
            io.BufferedReader(counter, 1 << 20), encoding=encoding, errors="strict", newline=""
        )
        started = time.perf_counter()
        state = FileState(summary, [], set(), {}, {}, {}, {}, set())
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
        counter: CountingReader,
        total: int,
        out: NTriplesFile,
        state: FileState,
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
            swallowed = swallowed_lines(row, header, width, line, reader.line_num)
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
        state: FileState,
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
        if precision not in PRECISION:
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
            place_iri = place_iri_for(
                self.resolver, place_key, lat, lon, state, candidates=self.candidates
            )
            state.places[coded] = place_iri
        # --report's "(N row(s))": every row of this coding, whether it minted the place,
        # was merged into it or met it again (place_iri_for only lists the coding).
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
                add(f"{ev} {P['acledEventType']} <{concept}> .\n")
        add(f"{ev} {RDFS_LABEL} {lang_lit(label, 'en')} .\n")
        add(f"{ev} {P['acledId']} {lit(event_id)} .\n")
        add(f'{ev} {P["startDate"]} "{start.isoformat()}"^^<{XSD}date> .\n')
        add(f'{ev} {P["endDate"]} "{end.isoformat()}"^^<{XSD}date> .\n')
        add(f"{ev} {P['datePrecision']} {PRECISION[precision]} .\n")
        add(f"{ev} {P['place']} <{place_iri}> .\n")
        if fatalities:
            add(f'{ev} {P["fatalities"]} "{int(fatalities)}"^^<{XSD}integer> .\n')
        if geo_precision:
            add(f'{ev} {P["geoPrecision"]} "{geo_precision}"^^<{XSD}integer> .\n')
        disorder = get(row, "disorder_type")
        if disorder:
            add(f"{ev} {P['disorderType']} {lit(disorder)} .\n")
        if get(row, "civilian_targeting"):
            add(f"{ev} {P['civilianTargeting']} {TRUE} .\n")
        tags = get(row, "tags")
        if tags:
            for tag in tags.split(";"):
                if tag.strip():
                    add(f"{ev} {P['tag']} {lit(tag.strip())} .\n")

        # -- actors
        actor1 = get(row, "actor1")
        if actor1:
            iri = self.actor(actor1, get(row, "inter1"), state)
            add(f"{ev} {P['perpetrator']} <{iri}> .\n")
            if layout.actor_based:
                state.events[event_id][2].add(iri)
        else:
            add(f"{ev} {P['unattributed']} {TRUE} .\n")
        actor2 = get(row, "actor2")
        if actor2:
            add(f"{ev} {P['targetActor']} <{self.actor(actor2, get(row, 'inter2'), state)}> .\n")
        for column in ("assoc_actor_1", "assoc_actor_2"):
            value = get(row, column)
            if value:
                for name in value.split(";"):
                    if name.strip():
                        iri = self.actor(name.strip(), "", state)
                        add(f"{ev} {P['associatedActor']} <{iri}> .\n")

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
        add(f"{claim} {P['about']} {ev} .\n")
        add(f"{claim} {P['passage']} {passage} .\n")
        add(f"{claim} {P['modality']} <{C}Reported> .\n")
        source = get(row, "source")
        if source:
            for name in source.split(";"):
                if name.strip():
                    add(f"{claim} {P['sourceName']} {lit(name.strip())} .\n")
        add(f"{passage} {RDF_TYPE} <{C}Passage> .\n")
        add(f"{passage} {P['text']} {lit(notes)} .\n")
        add(f"{passage} {P['inDocument']} {dataset} .\n")
        add(f'{passage} {P["paragraph"]} "{line}"^^<{XSD}integer> .\n')
        return None

    def _another_actor(
        self,
        row: list[str],
        get: Callable[[list[str], str], str],
        event_id: str,
        state: FileState,
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
            iri = self.actor(actor, get(row, "inter1"), state)
            if iri not in actors:
                actors.add(iri)
                add(f"{ev} {P['targetActor']} <{iri}> .\n")
        for column in ("assoc_actor_1", "assoc_actor_2"):
            for name in get(row, column).split(";"):
                if name.strip():
                    iri = self.actor(name.strip(), "", state)
                    add(f"{ev} {P['associatedActor']} <{iri}> .\n")
        return _MERGED

    def actor(self, name: str, inter: str, state: FileState) -> str:
        """The IRI of actor ``name``, named by a row of this file (see
        :func:`~kg.importers.acled.actors.actor_iri`); the row counts for ``--report``."""
        iri = actor_iri(self.resolver, name, inter, state, candidates=self.candidates)
        item = state.unresolved.get(("actor", name))
        if item is not None:
            item.rows += 1
        return iri


#: What :meth:`AcledImporter._row` returns for a row that joined an earlier row's event.
_MERGED = "merged into an earlier row's event"


def _agreeing(row: list[str], get: Callable[[list[str], str], str]) -> tuple[str, ...]:
    # What every row of one event in an actor-based file repeats.
    return tuple(
        get(row, name)
        for name in ("event_date", "event_type", "sub_event_type", "country", "admin1", "location")
    )
