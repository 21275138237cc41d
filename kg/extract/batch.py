"""Batch mode: one short document per CSV row (ACLED notes, news items).

Each row's text is one paragraph; its reference date comes from a column (a year such as
ACLED's ``year``, or a date). Each note gives one event (:func:`kg.extract.notes.note_event`).
All rows go to one staging graph, ``graph/staging/<csv-stem>``, one document per row.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from kg.errors import InputError, UsageError
from kg.extract.candidates import Triples, candidate_graph
from kg.extract.dates import Reference
from kg.extract.extractor import Candidate, Extraction, Passage
from kg.extract.notes import NoteEvent, note_event
from kg.extract.patterns import modality
from kg.extract.staging import StagingStore, document_graph, open_staging, staging_graph
from kg.extract.text import Document, Paragraph, decode
from kg.resolve import slug
from kg.store import Store


@dataclass
class BatchResult:
    """What one batch run did."""

    rows: int
    events: int
    claims: int
    seconds: float
    target: str
    notes: list[NoteEvent] = field(default_factory=list)
    resolver: object = None


def _check_not_reviewed(
    store: Store, staging: StagingStore | None, csv_slug: str, path: Path
) -> None:
    """Refuse to stage a CSV again over candidates already reviewed (without --replace)."""
    from kg.extract.staging import list_candidates

    own = staging is None
    staging = staging or open_staging(store)
    try:
        if not staging.has(csv_slug):
            return
        reviewed = [c for c in list_candidates(staging, csv_slug) if c.status != "pending"]
    finally:
        if own:
            staging.close()
    if reviewed:
        raise UsageError(
            f"{path}: {csv_slug} is staged with {len(reviewed)} reviewed candidates; "
            "extracting it again replaces them: add --replace"
        )


def _reference(value: str, name: str, line: int) -> Reference | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return Reference.parse(value[:10])
    except ValueError:
        raise InputError(
            f"the date column holds {value!r}, not a year or date", path=name, line=line
        ) from None


def extract_csv(
    store: Store,
    path: Path,
    *,
    text_column: str,
    id_column: str | None,
    date_column: str | None,
    skip_rows: int = 0,
    country: str | None = None,
    reference: Reference | None = None,
    output: Path | None = None,
    write: bool = True,
    staging: StagingStore | None = None,
    replace: bool = False,
) -> BatchResult:
    """Extract every row of ``path`` into the staging graph ``graph/staging/<stem>``.

    Names resolve against ``store``; the candidates go to ``staging`` (default: the staging
    store of ``store``), or with ``output`` to a TriG file, or nowhere (``write=False``).
    """
    from kg.extract.review import make_finder

    t0 = time.perf_counter()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from None
    if not raw.strip():
        raise InputError(
            "the file is empty; nothing to extract: check that it is the file you meant",
            path=str(path),
        )
    text = decode(raw, str(path))
    reader = csv.DictReader(text.splitlines())
    for column in [text_column, id_column, date_column]:
        if column and column not in (reader.fieldnames or []):
            raise UsageError(
                f"{path}: no column {column!r}; columns: {', '.join(reader.fieldnames or [])}"
            )
    csv_slug = slug(path.stem)
    if write and output is None and not replace:
        _check_not_reviewed(store, staging, csv_slug, path)
    finder = make_finder(store, country)
    graph = Triples()
    result = BatchResult(0, 0, 0, 0.0, "", resolver=finder.resolver)
    for i, row in enumerate(reader):
        if i < skip_rows:
            continue
        line = reader.line_num
        note = (row.get(text_column) or "").strip()
        if not note:
            continue
        row_id = slug(row[id_column]) if id_column else str(line)
        ref = _reference(row[date_column], str(path), line) if date_column else reference
        found, mentions = note_event(note, finder, ref)
        result.rows += 1
        doc = Document(
            f"{path.name}#{row_id}", f"{path.name}, row {row_id}", [Paragraph(line, note)]
        )
        ex = Extraction(doc, ref, "column" if date_column else "given")
        passage = Passage(1, line, note)
        ex.passages.append(passage)
        if found is not None:
            mod, claimant, word = modality(note, mentions)
            ex.found.append(found)
            ex.candidates.append(
                Candidate(
                    1, passage, mod, word, round(found.confidence, 2), found.rule, 0, claimant
                )
            )
            result.events += 1
            result.claims += 1
            result.notes.append(
                NoteEvent(
                    row.get(id_column, str(line)) if id_column else str(line),
                    found.cls,
                    found.start.isoformat() if found.start else None,
                    found.places[0].text if found.places else None,
                    found.places[0].iri if found.places else None,
                    (found.actors[0].name or found.actors[0].text) if found.actors else None,
                    found.actors[0].iri if found.actors else None,
                    found.precision,
                )
            )
        else:
            result.notes.append(
                NoteEvent(
                    row.get(id_column, str(line)) if id_column else str(line),
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                )
            )
        if write or output is not None:
            candidate_graph(
                ex,
                f"{csv_slug}/{row_id}",
                finder=finder,
                with_status=output is None,
                into=graph,
                scope=csv_slug,
            )
    if output is not None:
        ds = Dataset()
        target_graph = ds.graph(document_graph(csv_slug))
        target_graph += graph.to_rdflib()
        ds.serialize(destination=str(output), format="trig")
        result.target = str(output)
    elif write:
        own = staging is None
        staging = staging or open_staging(store)
        try:
            staging.write(
                csv_slug,
                graph,
                source=f"ckg extract --csv {path}",
                title=f"candidates from {path.name}",
            )
        finally:
            if own:
                staging.close()
        result.target = f"<{staging_graph(csv_slug)}>"
    result.seconds = time.perf_counter() - t0
    return result
