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

The package by concept: :mod:`~kg.importers.acled.layout` (headers, dates, lines),
:mod:`~kg.importers.acled.terms` (event types to classes, the terms written),
:mod:`~kg.importers.acled.rows` (a row to triples), :mod:`~kg.importers.acled.actors`,
:mod:`~kg.importers.acled.places` (resolving or minting them) and
:mod:`~kg.importers.acled.state` (what one file has resolved so far).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from kg.errors import UsageError
from kg.importers import ImportSummary, Progress, ProgressCallback
from kg.importers.acled.layout import (
    REQUIRED_COLUMNS,
    Layout,
    dataset_slug_for,
    date_interval,
    detect_layout,
    graph_for,
    parse_date,
)
from kg.importers.acled.places import MERGE_KM
from kg.importers.acled.rows import AcledImporter
from kg.importers.acled.terms import (
    ACLED_CREATOR,
    ACLED_RIGHTS,
    EVENT_TYPE_CLASSES,
    INTER_CLASSES,
    LEGACY_CLASSES,
    MINTED,
    SUB_EVENT_CLASSES,
)
from kg.importers.ntriples import NTriplesFile
from kg.resolve import Resolver, slug

__all__ = [
    "ACLED_CREATOR",
    "ACLED_RIGHTS",
    "EVENT_TYPE_CLASSES",
    "INTER_CLASSES",
    "LEGACY_CLASSES",
    "MERGE_KM",
    "MINTED",
    "REQUIRED_COLUMNS",
    "SUB_EVENT_CLASSES",
    "AcledImporter",
    "Layout",
    "dataset_slug_for",
    "date_interval",
    "detect_layout",
    "graph_for",
    "import_acled",
    "parse_date",
]


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
