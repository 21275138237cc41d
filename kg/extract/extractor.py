"""From a document to candidate claims: the sentence loop and its discourse memory.

:func:`extract_document` walks the paragraphs and sentences of a
:class:`~kg.extract.text.Document`, finds names (:mod:`kg.extract.names`), dates
(:mod:`kg.extract.dates`) and the patterns of :mod:`kg.extract.patterns`, and returns an
:class:`Extraction`: the passages, the new events and relations, and one candidate claim
per finding, each tied to its sentence with its modality, confidence and rule.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from kg.extract.dates import Reference, document_reference, find_dates
from kg.extract.names import Mention, NameFinder
from kg.extract.patterns import (
    _ATTACK,
    _BLOCKADE,
    _HOSTAGE,
    _NEGATED,
    _SITES,
    _VANDAL,
    _WITHDRAW,
    Found,
    actor_before,
    date_before,
    distances,
    fatalities,
    finest,
    modality,
    places_after,
    populations,
    relations,
    unframed,
    window,
)
from kg.extract.text import Document, split_sentences


@dataclass
class Passage:
    """One sentence of the document, as ``ckg:Passage`` will hold it."""

    number: int  # 1-based position among the document's passages
    paragraph: int
    text: str


@dataclass
class Candidate:
    """One candidate claim: what it is about, its sentence, modality, confidence and rule."""

    number: int
    passage: Passage
    modality: str
    cue: str
    confidence: float
    rule: str
    #: Index into :attr:`Extraction.found` of the finding the claim asserts.
    found: int | None = None
    claimant: str | None = None
    about: list[str] = field(default_factory=list)  # IRIs of known nodes the claim is about
    statement: str = ""


@dataclass
class Extraction:
    """What one document yielded."""

    document: Document
    reference: Reference | None
    reference_source: str
    passages: list[Passage] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)


_EVENT_CLASSES = ("Attack", "Campaign", "CoordinatedOperation", "HostageTaking", "Vandalism")


def extract_document(
    doc: Document,
    finder: NameFinder,
    reference: Reference | None = None,
    *,
    statements: bool = True,
) -> Extraction:
    """Candidates of ``doc``; ``reference`` is its date (else found in the text)."""
    source = "given"
    if reference is None:
        reference = document_reference(doc.text)
        source = "found in the text" if reference else "none"
    ex = Extraction(doc, reference, source)
    state = _Memory()
    for paragraph in doc.paragraphs:
        for sentence in split_sentences(paragraph.text):
            passage = Passage(len(ex.passages) + 1, paragraph.number, sentence.text)
            ex.passages.append(passage)
            _sentence(ex, state, passage, finder, statements)
    return ex


@dataclass
class _Memory:
    last_perpetrator: Mention | None = None
    last_event: int | None = None


def _sentence(
    ex: Extraction, mem: _Memory, passage: Passage, finder: NameFinder, statements: bool
) -> None:
    text = passage.text
    mentions = finder.find(text)
    dates = find_dates(text, ex.reference)
    before = len(ex.candidates)
    country = _country_label(finder, mentions)
    referred: list[int] = []
    floor = 0
    for cue in _ATTACK.finditer(text):
        if _NEGATED.search(text[: cue.start()]):
            continue
        stop = window(text, cue.end())
        mod, claimant, word = modality(unframed(text[:stop]), mentions)
        places = finest(places_after(text, mentions, cue.end(), stop))
        dm = date_before(dates, cue.start(), floor) or next(
            (d for d in dates if cue.end() <= d.start < stop), None
        )
        perp = actor_before(mentions, cue.start(), floor) or _by_actor(
            text, mentions, cue.end(), stop
        )
        floor = cue.end()
        plural = cue.group(0).lower().endswith("s") and cue.group(0).lower() != "was"
        if places and dm:
            if dm.precision == "year" and plural and len(dm.spans) == 1:
                b, e = dm.spans[0]
                idx = _new_event(
                    ex,
                    mem,
                    "Campaign",
                    "campaign: 'attacks from YEAR-YEAR'",
                    places,
                    perp,
                    b,
                    e,
                    "year",
                    dm.basis,
                )
                _claim(ex, passage, idx, mod, claimant, word)
                continue
            sites = _site_kind(text[cue.end() : stop])
            new_parts = []
            for b, e in dm.spans:
                for place in places:
                    known = _event_at(ex, place, b)
                    if known is not None:
                        referred.append(known)
                        _claim(
                            ex,
                            passage,
                            known,
                            mod,
                            claimant,
                            word,
                            rule="coreference: same place and date",
                        )
                        continue
                    idx = _new_event(
                        ex,
                        mem,
                        "Attack",
                        "attack: 'ACTOR attacked PLACE' with its date",
                        [place],
                        perp,
                        b,
                        e,
                        dm.precision,
                        dm.basis,
                    )
                    if sites:
                        ex.found[idx].values["site"] = sites
                    # "attacked seven Malian military posts": the force attacked.
                    ex.found[idx].targets = [
                        m
                        for m in mentions
                        if m.kind == "actor"
                        and m.iri
                        and cue.end() <= m.start < stop
                        and m is not perp
                    ]
                    killed = fatalities(text[cue.start() :])
                    if killed is not None and len(places) == 1 and len(dm.spans) == 1:
                        ex.found[idx].values["fatalities"] = killed
                    new_parts.append(idx)
                    referred.append(idx)
                    _claim(ex, passage, idx, mod, claimant, word)
            if len(new_parts) > 1 and len(places) > 1:
                b, e = dm.spans[0]
                op = _new_event(
                    ex,
                    mem,
                    "CoordinatedOperation",
                    "operation: one attack cue, several places",
                    places,
                    perp,
                    b,
                    e,
                    dm.precision,
                    dm.basis,
                )
                for idx in new_parts:
                    ex.found[idx].part_of = op
                _claim(ex, passage, op, mod, claimant, word)
        elif places:
            for place in places:
                at_place = _events_at(ex, place)
                for k in at_place if plural else at_place[-1:]:
                    referred.append(k)
                    _claim(ex, passage, k, mod, claimant, word, rule="coreference: same place")
        elif dm:
            b = dm.spans[0][0]
            ops = [
                i
                for i, f in enumerate(ex.found)
                if f.start == b and f.cls == "CoordinatedOperation"
            ]
            same = ops or [i for i, f in enumerate(ex.found) if f.start == b and f.cls == "Attack"]
            if same:
                referred.append(same[-1])
                _claim(ex, passage, same[-1], mod, claimant, word, rule="coreference: same date")
        elif (
            re.search(r"\bthe\s+$", text[: cue.start()], re.IGNORECASE)
            and mem.last_event is not None
        ):
            referred.append(mem.last_event)
            _claim(
                ex, passage, mem.last_event, mod, claimant, word, rule="coreference: 'the attack'"
            )
        if referred:
            mem.last_event = referred[-1]
    _parts(ex, mem, passage, mentions, dates, referred)
    _blockade(ex, mem, passage, mentions, dates)
    _withdrawal(ex, mem, passage, mentions, referred)
    mod, claimant, word = modality(unframed(text), mentions)
    for f in (
        relations(text, mentions, country) + distances(text, mentions) + populations(text, mentions)
    ):
        if f.cls == "Merger":
            dm = dates[0] if dates else None
            if dm is None:
                continue  # a merger without a date cannot be an event of the graph
            f.start, f.end, f.precision = dm.spans[0][0], dm.spans[0][1], dm.precision
            f.places = [m for m in mentions if m.kind == "place" and m.level == "country"][:1]
        ex.found.append(f)
        _claim(ex, passage, len(ex.found) - 1, mod, claimant, word)
    whole = modality(text, mentions)
    framed = {c.modality for c in ex.candidates[before:]}
    # A sentence with findings whose own modality (an assessment, a forecast) differs from
    # its findings' gets a statement claim of its own: "the attack at Diboli … will reinforce".
    if statements and (
        len(ex.candidates) == before or (whole[0] not in framed and whole[0] != "Reported")
    ):
        mod, claimant, word = whole
        named = [m.iri for m in mentions if m.iri]
        if named:
            c = Candidate(
                len(ex.candidates) + 1,
                passage,
                mod,
                word,
                0.3,
                "statement: a sentence naming known nodes",
                None,
                claimant,
            )
            c.about = list(dict.fromkeys(named))
            c.statement = text
            ex.candidates.append(c)


def _country_label(finder: NameFinder, mentions: list[Mention]) -> str | None:
    for m in mentions:
        if m.kind == "place" and m.level == "country":
            return m.text
    if finder.countries:
        entry = finder.resolver.place(finder.countries[0])
        return entry.label if entry else None
    return None


def _by_actor(text: str, mentions: list[Mention], a: int, b: int) -> Mention | None:
    by = re.search(r"\bby\s+", text[a:b])
    if not by:
        return None
    return next(
        (m for m in mentions if m.kind == "actor" and m.start >= a + by.end() and m.start < b), None
    )


def _site_kind(text: str) -> tuple[str, str] | None:
    for pattern, cls, label in _SITES:
        if pattern.search(text):
            return (cls, label)
    return None


def _key(place: Mention) -> str:
    return place.iri or place.text.lower()


def _event_at(ex: Extraction, place: Mention, start: date) -> int | None:
    for i, f in enumerate(ex.found):
        if f.cls == "Attack" and f.start == start and any(_key(p) == _key(place) for p in f.places):
            return i
    return None


def _events_at(ex: Extraction, place: Mention) -> list[int]:
    return [
        i
        for i, f in enumerate(ex.found)
        if f.cls == "Attack" and any(_key(p) == _key(place) for p in f.places)
    ]


def _new_event(
    ex: Extraction,
    mem: _Memory,
    cls: str,
    rule: str,
    places: list[Mention],
    perp: Mention | None,
    b: date,
    e: date,
    precision: str,
    basis: str,
) -> int:
    confidence = 0.55
    confidence += 0.15 if perp is not None else 0.0
    confidence += 0.1 if all(p.iri for p in places) else 0.0
    confidence += 0.1 if basis == "explicit" else 0.05
    if perp is None and mem.last_perpetrator is not None and cls != "Campaign":
        perp = mem.last_perpetrator
        rule += "; perpetrator carried over from an earlier sentence"
    elif perp is not None:
        mem.last_perpetrator = perp
    f = Found(
        "event",
        cls,
        rule,
        round(min(confidence, 0.95), 2),
        places=list(places),
        actors=[perp] if perp else [],
        start=b,
        end=e,
        precision=precision,
        key=f"{b.isoformat()}-{cls.lower()}-{places[0].text}",
    )
    ex.found.append(f)
    mem.last_event = len(ex.found) - 1
    return len(ex.found) - 1


def _claim(
    ex: Extraction,
    passage: Passage,
    found: int,
    mod: str,
    claimant: str | None,
    cue: str,
    *,
    rule: str | None = None,
) -> None:
    f = ex.found[found]
    ex.candidates.append(
        Candidate(
            len(ex.candidates) + 1,
            passage,
            mod,
            cue,
            f.confidence if rule is None else round(f.confidence * 0.8, 2),
            rule or f.rule,
            found,
            claimant,
        )
    )


def _parts(
    ex: Extraction,
    mem: _Memory,
    passage: Passage,
    mentions: list[Mention],
    dates,
    referred: list[int],
) -> None:
    """Hostage takings and vandalism that are part of the attack the sentence speaks of."""
    text = passage.text
    parent = referred[-1] if referred else mem.last_event
    if parent is None or ex.found[parent].start is None:
        return
    p = ex.found[parent]
    mod, claimant, word = modality(text, mentions)
    parts: list[tuple[str, str, float, dict[str, object]]] = []
    h = _HOSTAGE.search(text)
    if h and re.search(
        r"\b(seiz\w*|took|taking|taken|held|abduct\w*|kidnap\w*)\b", text, re.IGNORECASE
    ):
        from kg.extract.patterns import number

        count = number(h.group(1)) if h.group(1) else None
        values: dict[str, object] = {"hostages": count} if count is not None else {}
        parts.append(("HostageTaking", "hostages: 'seizure of N hostages'", 0.7, values))
    if _VANDAL.search(text):
        parts.append(("Vandalism", "vandalism: 'the vandalism of …'", 0.65, {}))
    for cls, rule, confidence, values in parts:
        # A part of the parent attack: its place, perpetrators and dates.
        kind = re.sub(r"(?<!^)(?=[A-Z])", "-", cls).lower()
        ex.found.append(
            Found(
                "event",
                cls,
                rule,
                confidence,
                places=p.places[:1],
                actors=p.actors,
                start=p.start,
                end=p.end,
                precision=p.precision,
                values=values,
                part_of=parent,
                key=f"{p.start}-{kind}-{p.places[0].text if p.places else ''}",
            )
        )
        _claim(ex, passage, len(ex.found) - 1, mod, claimant, word)


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _blockade(
    ex: Extraction, mem: _Memory, passage: Passage, mentions: list[Mention], dates
) -> None:
    text = passage.text
    cue = _BLOCKADE.search(text)
    if not cue:
        return
    # "a blockade (one of its core tactics) against Kayes": the aside does not end the clause.
    blanked = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text)
    stop = window(blanked, cue.end())
    places = finest(places_after(text, mentions, cue.end(), stop))
    perp = actor_before(mentions, cue.start())
    dm = date_before(dates, cue.start())
    if not places or dm is None:
        return
    b = dm.spans[0][0]
    if re.search(r"\bafter\b", text[max(0, dm.start - 25) : dm.start], re.IGNORECASE):
        start, end, precision = date(b.year, b.month, 1), _month_end(b), "month"
    else:
        start, end, precision = b, dm.spans[0][1], dm.precision
    mod, claimant, word = modality(text[:stop], mentions)
    f = Found(
        "event",
        "Blockade",
        "blockade: 'ACTOR announced a blockade against PLACES'",
        0.7,
        places=places,
        actors=[perp] if perp else [],
        targets=places,
        start=start,
        end=end,
        precision=precision,
        key=f"{start}-blockade-{places[0].text}",
    )
    if re.search(r"\bannounc", text, re.IGNORECASE):
        f.values["announced"] = start
    ex.found.append(f)
    _claim(ex, passage, len(ex.found) - 1, mod, claimant, word)


def _withdrawal(
    ex: Extraction, mem: _Memory, passage: Passage, mentions: list[Mention], referred: list[int]
) -> None:
    text = passage.text
    cue = _WITHDRAW.search(text)
    if not cue or _NEGATED.search(text[: cue.start()]):
        return
    actor = actor_before(mentions, cue.start())
    if actor is None or actor.name == "" and actor.iri is None:
        return
    stop = window(text, cue.end())
    places = finest(places_after(text, mentions, cue.end(), stop))
    causes = [i for i in referred if ex.found[i].cls == "Attack"]
    if not places and re.search(r"\bthere\b", text[cue.end() : stop]) and causes:
        places = ex.found[causes[-1]].places
    if not places:
        return
    starts = [d for i in causes if (d := ex.found[i].start) is not None]
    latest = max(starts, default=None)
    if latest is None:
        return
    mod, claimant, word = modality(text, mentions)
    f = Found(
        "event",
        "MilitaryWithdrawal",
        "withdrawal: 'ACTOR withdrew from PLACE'",
        0.65,
        places=places,
        actors=[actor],
        start=latest,
        end=_month_end(latest),
        precision="month",
        caused_by=causes,
        key=f"{latest}-withdrawal-{places[0].text}",
    )
    ex.found.append(f)
    _claim(ex, passage, len(ex.found) - 1, mod, claimant, word)
