"""Rule-based finders: events, group relations, distances, populations and modality.

Each finder reads one sentence (its names already found by :mod:`kg.extract.names` and
its dates by :mod:`kg.extract.dates`) and returns :class:`Found` candidates that name the
rule that produced them and a confidence. The rules are the ones event coders use
(PLOVER/CAMEO-style verb and noun cues, the actor before the verb, the place after "at",
"in" or "against", the nearest date before the cue), plus a discourse memory across the
document: "the attack at Kayes" without a date is the Kayes attack already found, and an
attack whose sentence names no actor is attributed to the last perpetrator, with less
confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from kg.extract.dates import DateMention
from kg.extract.names import Mention


def ci(pattern: str) -> re.Pattern[str]:
    """A compiled, case-insensitive pattern (most cue patterns of the rules are)."""
    return re.compile(pattern, re.IGNORECASE)


#: Numbers reports write as words, for counts of the dead and of hostages.
NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"


# ---- modality -----------------------------------------------------------------------------

_CLAIMED = ci(r"\b(claimed|claims|announced|announces|declared|vowed|threatened)\b")
_REPORTED = ci(
    r"\b(reportedly|according to|reports? of|allegedly|were said|was said|sources said)\b"
)
_FORECAST = ci(
    r"\b(will|would|may|might|could|possible|prospect|likely to|going to|where does|"
    r"lead\?|shrink)\b"
)
_ASSESS = ci(
    r"\b(I think|I believe|I (?:still )?(?:do not|don[’']t) believe|in my view|I wonder|I don[’']t know|it seems|"
    r"seems?|appears?|suggests?|points? to|perhaps|probably|certainly|undoubtedly|"
    r"significant(?:ly)?|important|underscores?|reinforces?|clear|complex|should|"
    r"worth|represents?|represented|likely|question|highlights?|shattered|mosaic|in flux|grim|"
    r"blow|embattled|symbolic|hard to|plenty of|sophistication|opportunities)\b"
)


#: Sentence adverbials that frame a fact without changing whether it is reported.
_FRAME = ci(
    r"^\s*(?:even more important|more important(?:ly)?|most important(?:ly)?|significantly|indeed|"
    r"meanwhile|in any case|for its part|with all that said|yet)\s*,\s*"
)


def unframed(text: str) -> str:
    """``text`` without a leading framing adverbial ("Even more important, …")."""
    return _FRAME.sub(lambda m: " " * len(m.group(0)), text, count=1)


def modality(text: str, actors: list[Mention]) -> tuple[str, str | None, str]:
    """The sentence's modality, the claimant's IRI for a party's claim, and the cue word.

    Party claims first ("JNIM claimed", "announced"), then reporting cues ("reportedly",
    "according to"), then the author's forecast ("will", "may") and assessment ("I
    think", "likely", "appears"); a plain statement of fact is ``Reported``.
    """
    m = _CLAIMED.search(text)
    if m:
        before = [a for a in actors if a.end <= m.start() and a.iri]
        if before:
            return "ClaimedByParty", before[-1].iri, m.group(0)
    m = _REPORTED.search(text)
    if m:
        return "Reported", None, m.group(0)
    m = _FORECAST.search(text)
    if m:
        return "AuthorForecast", None, m.group(0)
    m = _ASSESS.search(text) or (re.search(r"\?$", text.strip()))
    if m:
        return "AuthorAssessment", None, m.group(0)
    return "Reported", None, ""


# ---- what finders return -------------------------------------------------------------------


@dataclass
class Found:
    """One candidate from one sentence, before it becomes RDF."""

    kind: str  # event, relation, distance, population, statement
    cls: str  # ckg class local name (Attack, Membership, UnitCommand, Distance, ...)
    rule: str
    confidence: float
    places: list[Mention] = field(default_factory=list)
    actors: list[Mention] = field(default_factory=list)  # perpetrators / members / actors
    targets: list[Mention] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    precision: str = ""
    values: dict[str, object] = field(default_factory=dict)
    #: Index (in the document's list) of the event this one is part of or refers to.
    part_of: int | None = None
    refers_to: int | None = None
    caused_by: list[int] = field(default_factory=list)
    key: str = ""  # a readable slug part for the minted IRI


_ATTACK = ci(
    r"\b(attack(?:s|ed|ing)?|assault(?:s|ed)?|raid(?:s|ed)?|ambush(?:es|ed)?|stormed|"
    r"overran|struck|clash(?:es|ed)?|shelled|bombed|killed|abducted|kidnapped)\b"
)
_HOSTAGE = ci(r"\b(?:(\w+)\s+)?hostages?\b")
_VANDAL = ci(r"\bvandali[sz](?:m|ed)\b")
_BLOCKADE = ci(r"\b(blockade|siege)\b")
_WITHDRAW = ci(r"\b(withdr(?:aw|ew|awn)|pull(?:ed)? out|retreat(?:ed)?)\b")
_NEGATED = ci(r"\b(not|never|no longer)\s+(?:\(\w+\)\s+)?\w*$")
_ANY_CUE = ci("|".join(p.pattern for p in (_ATTACK, _VANDAL, _BLOCKADE, _WITHDRAW)))
_CLAUSE_END = re.compile(r"[;(]|\s[–—-]\s|,\s+(?:which|who|where|but)\b")
_NUMBERS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
_SITES = [
    (
        ci(r"\bmilitary (?:posts?|positions?|camps?)\b|\barmy posts?\b"),
        "MilitaryPost",
        "military post",
    ),
    (ci(r"\bmilitary bases?\b|\bbases?\b"), "MilitaryBase", "military base"),
    (
        ci(r"\bmilitary installations?\b"),
        "MilitaryInstallation",
        "military installations",
    ),
    (
        ci(r"\badministrative sites?\b"),
        "AdministrativeSite",
        "administrative sites",
    ),
]


def number(text: str) -> int | None:
    """An integer written in digits ("100,000") or as a word up to twelve."""
    t = text.lower().replace(",", "")
    if t.isdigit():
        return int(t)
    return _NUMBERS.get(t)


def window(text: str, cue_end: int) -> int:
    """Where the clause that follows a cue ends: the next cue, clause mark or sentence end."""
    stop = len(text)
    nxt = _ANY_CUE.search(text, cue_end)
    if nxt:
        stop = nxt.start()
    end = _CLAUSE_END.search(text, cue_end)
    if end and end.start() < stop:
        stop = end.start()
    return stop


def finest(places: list[Mention]) -> list[Mention]:
    """The places of the finest level among ``places`` (towns over regions over countries)."""
    for levels in (
        ("settlement", "site", "other", ""),
        ("admin3", "admin2", "admin1"),
        ("country",),
    ):
        chosen = [p for p in places if p.level in levels]
        if chosen:
            return chosen
    return []


def places_after(text: str, mentions: list[Mention], a: int, b: int) -> list[Mention]:
    """Places (resolved, or unknown names after at/in/near/of) between offsets a and b."""
    out = []
    seen = set()
    for m in mentions:
        if not (a <= m.start < b):
            continue
        key = m.iri or m.text
        if key in seen:
            continue
        if m.kind == "place":
            out.append(m)
            seen.add(key)
        elif m.kind == "name" and re.search(
            r"\b(?:at|in|near|of|against|around|village of|town of|locality of)\s+(?:the\s+)?$",
            text[max(0, m.start - 20) : m.start],
            re.IGNORECASE,
        ):
            out.append(Mention(m.start, m.end, m.text, "place", None, "", "unresolved"))
            seen.add(key)
    return out


def date_before(dates: list[DateMention], pos: int, floor: int = 0) -> DateMention | None:
    """The date expression nearest before ``pos`` (and after ``floor``)."""
    before = [d for d in dates if floor <= d.start and d.end <= pos]
    return before[-1] if before else None


def actor_before(mentions: list[Mention], pos: int, floor: int = 0) -> Mention | None:
    """The actor named nearest before ``pos``."""
    before = [m for m in mentions if m.kind == "actor" and floor <= m.start and m.end <= pos]
    return before[-1] if before else None


def hostage_count(text: str) -> tuple[int | None, int, int] | None:
    """The number of hostages a sentence states, with the cue's span."""
    m = _HOSTAGE.search(text)
    if not m:
        return None
    return (number(m.group(1)) if m.group(1) else None, m.start(), m.end())


# ---- distances and populations -----------------------------------------------------------

_DISTANCE = ci(
    r"(?P<bound>more than|over|nearly|almost|about|around|approximately|roughly|only|some)?\s*"
    r"(?P<num>\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?:kilometers|kilometres|km)\b"
)
_BOUNDS = {
    "more than": "MoreThan",
    "over": "MoreThan",
    "nearly": "Nearly",
    "almost": "Nearly",
    "about": "Approximately",
    "around": "Approximately",
    "approximately": "Approximately",
    "roughly": "Approximately",
    "only": "Approximately",
    "some": "Approximately",
}
_POPULATION = ci(
    r"population of (?P<bound>well over|over|more than|about|around|some|nearly|almost)?\s*"
    r"(?P<num>\d[\d,]*)"
)


def distances(text: str, mentions: list[Mention]) -> list[Found]:
    """Stated distances between two named places ("X is 700 km east of Y by road")."""
    out = []
    places = [m for m in mentions if m.kind == "place" and m.iri]
    for m in _DISTANCE.finditer(text):
        km = number(m.group("num"))
        if km is None:
            continue
        stop = window(text, m.end())
        after = [p for p in places if m.end() <= p.start < stop]
        before = [p for p in places if p.end <= m.start()]
        if after and before:
            a, b = before[0], after[0]
        elif len(before) >= 2:
            a, b = before[-2], before[-1]
        else:
            continue
        if a.iri == b.iri:
            continue
        bound = _BOUNDS.get((m.group("bound") or "").lower(), "Exactly")
        road = bool(re.search(r"\bby road\b", text[m.start() : len(text)], re.IGNORECASE))
        out.append(
            Found(
                "distance",
                "Distance",
                "distance: NUMBER km between two places",
                0.8,
                places=[a, b],
                values={"km": float(km), "bound": bound, "road": road},
                key=f"{a.text}-{b.text}",
            )
        )
    return out


def populations(text: str, mentions: list[Mention]) -> list[Found]:
    """ "X has a population of (well over) N"."""
    out = []
    for m in _POPULATION.finditer(text):
        places = [p for p in mentions if p.kind == "place" and p.iri and p.end <= m.start()]
        n = number(m.group("num"))
        if not places or n is None:
            continue
        at_least = bool(m.group("bound")) and m.group("bound").lower() not in (
            "about",
            "around",
            "some",
            "nearly",
            "almost",
        )
        out.append(
            Found(
                "population",
                "Place",
                "population: 'population of N'",
                0.75,
                places=[places[0]],
                values={"population": n, "at_least": at_least},
                key=places[0].text,
            )
        )
    return out


# ---- group relations ---------------------------------------------------------------------

_LEADER = ci(r"(?P<role>top |overall |supreme )?(?:leader|chief|emir|head|commander)\b")
_UNITS = ci(r"\bunit commanders?\b|\b(?-i:units?|katibas?|branch(?:es)?)\s+(?:in|of|for)\b")
_DIRECTION = ci(
    r"\b(?:the\s+)?(?P<dir>south-?west|south-?east|north-?west|north-?east|north|south|east|west|centre|center|central)"
    r"(?P<ern>ern)?\b(?:\s+(?P<place>[A-Z][\w ]*?))?(?=[\s,.;]|$)"
)
_ALLEGIANCE = ci(r"\b(?:pledged|swore|sworn|declared|renewed)\s+allegiance\s+to\b")
_FACTION = ci(r"\b(?:a|the)\s+(?:faction|unit|branch|wing|katiba|brigade)\s+of\b")
_MERGER = ci(
    r"\b(?:(?:formed|founded|created|established|born)\b[^.;]*?\b(?:merger|union|fusion|alliance)\s+of"
    r"|merged\s+(?:with|into)|merg(?:ed|ing)\b)"
)
_PREDECESSOR = ci(r"\bpredecessor(?:s| organi[sz]ations?| groups?)?\s+(?:of|to)\b")
_PREDECESSOR_OF = ci(r"['’]s\s+predecessor(?:s| organi[sz]ations?| groups?)?\b")
_KILLED = ci(
    rf"\bkill(?:ing|ed)\s+(?:at least\s+|some\s+|about\s+)?(\d+|{NUMBER_WORDS})\b"
    rf"|\b(\d+|{NUMBER_WORDS})\s+(?:\w+\s+){{0,2}}(?:(?:were|was)\s+)?killed\b"
)


def fatalities(text: str) -> int | None:
    """The number of people a sentence says were killed, if it says one."""
    m = _KILLED.search(text)
    return number(m.group(1) or m.group(2)) if m else None


def _is_person(m: Mention) -> bool:
    return bool(m.iri and "/person/" in m.iri) or (m.iri is None and m.kind in ("name", "actor"))


def _is_group(m: Mention) -> bool:
    return m.kind == "actor" and bool(m.iri) and "/person/" not in (m.iri or "")


def relations(text: str, mentions: list[Mention], country: str | None) -> list[Found]:
    """Leader of, unit or faction of, allegiance to and merger, between named actors."""
    out: list[Found] = []
    actors = [m for m in mentions if m.kind in ("actor", "name")]
    for m in _LEADER.finditer(text):
        # "Iyad ag Ghali, JNIM's top leader" / "JNIM's leader Iyad ag Ghali" / "leader of JNIM"
        group = next(
            (
                a
                for a in reversed(actors)
                if _is_group(a) and a.end <= m.start() and m.start() - a.end <= 12
            ),
            None,
        )
        if group is None:
            group = next((a for a in actors if _is_group(a) and 0 <= a.start - m.end() <= 8), None)
        if group is None:
            continue
        person = next(
            (
                a
                for a in reversed(actors)
                if a.end <= group.start and _is_person(a) and group.start - a.end <= 4
            ),
            None,
        ) or next((a for a in actors if _is_person(a) and 0 <= a.start - m.end() <= 3), None)
        if person is None:
            continue
        top = bool(m.group("role"))
        out.append(
            Found(
                "relation",
                "Membership",
                "leader: 'PERSON, GROUP's leader'",
                0.85 if person.iri else 0.6,
                actors=[person, group],
                values={"central": top},
                key=f"{person.text}-{group.text}-leader",
            )
        )
    unit = _UNITS.search(text)
    if unit:
        group = next((a for a in reversed(actors) if _is_group(a) and a.end <= unit.start()), None)
        if group is not None:
            seen: set[str] = set()
            for area in areas_after(text, mentions, unit.end(), country):
                if area.text in seen:
                    continue
                seen.add(area.text)
                out.append(
                    Found(
                        "relation",
                        "UnitCommand",
                        "unit: 'unit commanders in AREA'",
                        0.75 if area.iri else 0.6,
                        actors=[group],
                        places=[area],
                        key=f"{group.text}-{area.text}",
                    )
                )
    for pattern, cls, rule in (
        (_ALLEGIANCE, "Allegiance", "allegiance: 'X pledged allegiance to Y'"),
        (_FACTION, "Faction", "faction: 'X, a faction of Y'"),
    ):
        m2 = pattern.search(text)
        if m2:
            a = actor_before([x for x in mentions if _is_group(x)], m2.start())
            b = next((x for x in mentions if _is_group(x) and x.start >= m2.end()), None)
            if a and b and a.iri != b.iri:
                out.append(
                    Found("relation", cls, rule, 0.7, actors=[a, b], key=f"{a.text}-{b.text}")
                )
    m3 = _MERGER.search(text)
    if m3:
        groups = [x for x in mentions if _is_group(x)]
        before = [g for g in groups if g.end <= m3.start()]
        after = [g for g in groups if g.start >= m3.end()]
        if "into" in m3.group(0).lower() and before and after:
            output, inputs = after[0], before + after[1:]
        elif before and after:
            output, inputs = before[-1], after
        else:
            output, inputs = None, []
        inputs = [g for g in inputs if g.iri != (output.iri if output else None)]
        if output is not None and inputs:
            out.append(
                Found(
                    "relation",
                    "Merger",
                    "merger: 'Y was formed from the merger of A, B …'",
                    0.65,
                    actors=[output, *inputs],
                    key=f"{output.text}-merger",
                )
            )
    m4 = _PREDECESSOR.search(text)
    m5 = _PREDECESSOR_OF.search(text)
    pairs = []
    if m4:
        a = actor_before([x for x in mentions if _is_group(x)], m4.start())
        b = next((x for x in mentions if _is_group(x) and x.start >= m4.end()), None)
        pairs.append((a, b))
    if m5:
        b = actor_before([x for x in mentions if _is_group(x)], m5.start() + 1)
        a = next((x for x in mentions if _is_group(x) and x.start >= m5.end()), None)
        pairs.append((a, b))
    for a, b in pairs:
        if a and b and a.iri != b.iri:
            out.append(
                Found(
                    "relation",
                    "Predecessor",
                    "predecessor: 'X, the predecessor of Y'",
                    0.65,
                    actors=[a, b],
                    key=f"{a.text}-{b.text}",
                )
            )
    return out


def areas_after(text: str, mentions: list[Mention], pos: int, country: str | None) -> list[Mention]:
    """Areas named after ``pos``: places, and directions ("the southwest", "central Mali")."""
    found: list[Mention] = []
    for m in _DIRECTION.finditer(text, pos):
        word = m.group("dir").lower().replace("-", "")
        if word in ("centre", "center"):
            word = "central"
        place = m.group("place")
        base = place.strip() if place and place.strip() else (country or "")
        label = (word if word == "central" else word + "ern") + (" " + base if base else "")
        found.append(Mention(m.start(), m.end(), label, "place", None, "other", "direction"))
    direction_spans = [(f.start, f.end) for f in found]
    for mention in mentions:
        if (
            mention.start >= pos
            and mention.kind == "place"
            and mention.iri
            and mention.level in ("country", "admin1", "admin2")
            and not any(a <= mention.start < b for a, b in direction_spans)
        ):
            found.append(mention)
    return sorted(found, key=lambda x: x.start)
