"""Batch mode: one short document per CSV row (ACLED notes, news items).

Each row's text is one paragraph; its reference date comes from a column (a year such as
ACLED's ``year``, or a date). A note describes one event: the first date, the place named
after "in", "at", "near" or "village of" (or before a parenthesised admin area, ACLED's
"Ougarou (Matiacoali, Gourma)"), the actor before the first event verb, and the event's
ACLED kind from cue words (battles, violence against civilians, explosions/remote violence,
protests, riots, strategic developments). All rows go to one staging graph,
``graph/staging/<csv-stem>``, one document per row.
"""

from __future__ import annotations

import csv
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import InputError, UsageError
from kg.extract.dates import Reference, find_dates
from kg.extract.extractor import Candidate, Extraction, Passage
from kg.extract.names import Mention, NameFinder
from kg.extract.patterns import Found, finest, modality
from kg.extract.staging import candidate_graph, document_graph, staging_graph
from kg.extract.text import Document, Paragraph, decode
from kg.resolve import slug
from kg.store import Store

#: Cue words → ckg class (ACLED event type), tried in this order.
KINDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(protest\w*|demonstrat\w*|sit-in|march(?:ed)? (?:in|against)|rall(?:y|ied))\b", re.I), "Protest"),
    (re.compile(r"\b(riot\w*|mob)\b", re.I), "Riot"),
    (re.compile(r"\b(IEDs?|improvised explosive|explosive device|landmines?|mines? (?:exploded|detonated)|"
                r"shell(?:ed|ing|s)|mortars?|air ?strikes?|drone strikes?|bomb(?:ed|ing|s)?|"
                r"rockets?|suicide|exploded|detonated|blew up|airstrike)\b", re.I), "RemoteViolence"),
    (re.compile(r"\b(clash\w*|fought|fighting|exchange of fire|battle|ambush\w*|repelled|repulsed|"
                r"(?:attacked|assaulted|raided) (?:a |an |the )?(?:\w+ )?(?:military|army|gendarmerie|police|"
                r"FDS|FAMa|VDP|soldiers|troops|checkpoint|post|base|camp|patrol|convoy|position)|"
                r"neutrali[sz]ed|killed (?:\w+ )*(?:militants|jihadists|terrorists|assailants))\b", re.I),
     "Battle"),
    (re.compile(r"\b(killed|kill|shot|abduct\w*|kidnap\w*|execut\w*|beat|wounded|injured|tortur\w*|"
                r"raped|attacked|assaulted|burn(?:ed|t)|murder\w*|slaughter\w*|massacre\w*)\b", re.I),
     "ViolenceAgainstCivilians"),
]
_DEFAULT_KIND = "StrategicDevelopment"
_PLACE_CUE = re.compile(
    r"\b(?:in|at|near|around|outside|of|from|between)\s+(?:the\s+)?(?:(?:village|town|city|commune|"
    r"locality|hamlet|area|localities|villages|towns|outskirts|department|gold mine|market|site)\s+"
    r"(?:of\s+)?)?$",
    re.I,
)
_ADMIN_AFTER = re.compile(r"^\s*\(([^)]*)\)")
_FATALITIES = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
                         r"(?:\w+\s+){0,2}(?:people|civilians|persons|soldiers|militants|men|women|"
                         r"children|villagers|members|assailants|gendarmes|policemen|others)?\s*"
                         r"(?:were\s+)?killed", re.I)


@dataclass
class BatchResult:
    """What one batch run did."""

    rows: int
    events: int
    claims: int
    seconds: float
    target: str
    notes: list["NoteEvent"] = field(default_factory=list)


@dataclass
class NoteEvent:
    """The one event read from a note (also what the benchmark scores)."""

    row_id: str
    cls: str | None
    start: str | None
    place: str | None
    place_iri: str | None
    actor: str | None
    actor_iri: str | None


def note_event(text: str, finder: NameFinder, ref: Reference | None) -> tuple[Found | None, list[Mention]]:
    """The event a short note describes (dated to the reference's year when it names no date)."""
    mentions = finder.find(text)
    dates = find_dates(text, ref)
    day = next((d for d in dates if d.precision == "day"), None) or (dates[0] if dates else None)
    cls = _DEFAULT_KIND
    cue = None
    for pattern, kind in KINDS:
        cue = pattern.search(text)
        if cue:
            cls = kind
            break
    places = _note_places(text, mentions)
    pos = cue.start() if cue else len(text)
    actors = [m for m in mentions if m.kind == "actor" and m.end <= pos]
    actor = actors[0] if actors else next((m for m in mentions if m.kind == "actor"), None)
    if day is None:
        if ref is None:
            return None, mentions
        # The note gives no date: the event is dated to its reference (the row's year).
        day = next(iter(find_dates(str(ref.year), None)), None)
        if day is None:
            return None, mentions
    b, e = day.spans[0]
    f = Found("event", cls, f"note: one event per note, kind by cue '{cue.group(0) if cue else 'none'}'",
              0.6 + (0.1 if actor else 0) + (0.1 if places and places[0].iri else 0),
              places=places[:1], actors=[actor] if actor else [], start=b, end=e,
              precision=day.precision, key=f"{b.isoformat()}-{cls.lower()}")
    fat = _FATALITIES.search(text)
    if fat:
        from kg.extract.patterns import number

        n = number(fat.group(1))
        if n is not None:
            f.values["fatalities"] = n
    return f, mentions


def _note_places(text: str, mentions: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in mentions:
        if m.kind == "actor":
            continue
        cue = _PLACE_CUE.search(text[max(0, m.start - 40) : m.start])
        admin = _ADMIN_AFTER.match(text[m.end :])
        if m.kind == "place" or cue or admin:
            if m.kind != "place":
                m = Mention(m.start, m.end, m.text, "place", None, "", "unresolved")
            if cue or admin or m.level not in ("country", "admin1"):
                out.append(m)
    return finest(out) if any(p.iri for p in out) and not any(
        _ADMIN_AFTER.match(text[p.end :]) for p in out) else out


def _reference(value: str, name: str, line: int) -> Reference | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return Reference.parse(value[:10])
    except ValueError:
        raise InputError(f"the date column holds {value!r}, not a year or date", path=name, line=line) from None


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
) -> BatchResult:
    """Extract every row of ``path`` into the staging graph ``graph/staging/<stem>``."""
    from kg.extract.review import make_finder

    t0 = time.perf_counter()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from None
    if not raw.strip():
        raise InputError("the file is empty; nothing to extract", path=str(path))
    text = decode(raw, str(path))
    reader = csv.DictReader(text.splitlines())
    for column in [text_column, id_column, date_column]:
        if column and column not in (reader.fieldnames or []):
            raise UsageError(f"{path}: no column {column!r}; columns: {', '.join(reader.fieldnames or [])}")
    finder = make_finder(store, country)
    csv_slug = slug(path.stem)
    graph = Graph()
    result = BatchResult(0, 0, 0, 0.0, "")
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
        doc = Document(f"{path.name}#{row_id}", f"{path.name}, row {row_id}", [Paragraph(line, note)])
        ex = Extraction(doc, ref, "column" if date_column else "given")
        passage = Passage(1, line, note)
        ex.passages.append(passage)
        if found is not None:
            mod, claimant, word = modality(note, mentions)
            ex.found.append(found)
            ex.candidates.append(Candidate(1, passage, mod, word, round(found.confidence, 2), found.rule, 0, claimant))
            result.events += 1
            result.claims += 1
            result.notes.append(NoteEvent(
                row.get(id_column, str(line)) if id_column else str(line), found.cls,
                found.start.isoformat() if found.start else None,
                found.places[0].text if found.places else None,
                found.places[0].iri if found.places else None,
                (found.actors[0].name or found.actors[0].text) if found.actors else None,
                found.actors[0].iri if found.actors else None,
            ))
        else:
            result.notes.append(NoteEvent(row.get(id_column, str(line)) if id_column else str(line),
                                          None, None, None, None, None, None))
        if write or output is not None:
            graph += candidate_graph(ex, f"{csv_slug}/{row_id}", finder=finder, with_status=output is None)
    if output is not None:
        ds = Dataset()
        g = ds.graph(document_graph(csv_slug))
        for t in graph:
            g.add(t)
        ds.serialize(destination=str(output), format="trig")
        result.target = str(output)
    elif write:
        target = staging_graph(csv_slug)
        store.replace_graph(target, graph, source=f"ckg extract --csv {path}",
                            title=f"candidates from {path.name}")
        result.target = f"<{target}>"
    result.seconds = time.perf_counter() - t0
    return result
