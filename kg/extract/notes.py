"""The one event a short note describes (an ACLED note, a news item): its kind, date, place
and actor1, named the way ACLED codes them.

A note describes one event: the first date that names a day, the place of
:mod:`kg.extract.noteplaces`, the kind of :mod:`kg.extract.notekinds`, and the actor before
the first event cue (or after "attacked by"), with ACLED's conventions for actors the note
only describes: unnamed perpetrators are an unidentified armed group of the country,
demonstrators are "Protesters (Country)", Boko Haram is named as it was at the event's date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date

from kg.extract.dates import DateMention, Reference, find_dates
from kg.extract.names import Mention, NameFinder
from kg.extract.notekinds import classify
from kg.extract.noteplaces import CAPITALS, note_places
from kg.extract.patterns import Found, ci, fatalities


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
    #: ``day``, ``month`` or ``year``: how precisely ``start`` is known.
    precision: str | None = None


#: Words before the date a note was published or said on, not the event's: "Reported on 2
#: December 2019, that militants … since November 26 had killed …".
_SAID_ON = ci(r"\b(?:reported|announced|published|said|stated|declared)\s+(?:on\s+)?$")


def event_date(text: str, dates: list[DateMention], ref: Reference | None) -> DateMention | None:
    """The date of a note's event: its first day, not one it was reported on, in the
    reference's year when the reference is a year (ACLED's ``year`` column is the event's);
    else its first date of any precision. A day after the reference's end takes the
    reference's year: a note of 2019 saying "On 29 October 2020" slipped a year."""
    days = [d for d in dates if d.precision == "day"]
    days = [d for d in days if not _SAID_ON.search(text[max(0, d.start - 20) : d.start])] or days
    if ref is not None and ref.precision == "year":
        days = [d for d in days if d.spans[0][0].year == ref.year] or days
    day = days[0] if days else (dates[0] if dates else None)
    if day is None or ref is None or day.precision != "day" or day.basis != "explicit":
        return day
    last = _reference_end(ref)
    if day.spans[0][0] <= last:
        return day
    try:
        spans = tuple((_in_year(a, ref.year), _in_year(b, ref.year)) for a, b in day.spans)
    except ValueError:  # 29 February in a year without one
        return day
    if spans[0][0] > last:
        spans = tuple((_in_year(a, ref.year - 1), _in_year(b, ref.year - 1)) for a, b in spans)
    return replace(day, spans=spans, basis="relative")


def _in_year(d: date, year: int) -> date:
    return d.replace(year=year)


def _reference_end(ref: Reference) -> date:
    if ref.month is None:
        return date(ref.year, 12, 31)
    if ref.day is None:
        return date(ref.year, ref.month, calendar.monthrange(ref.year, ref.month)[1])
    return date(ref.year, ref.month, ref.day)


def note_event(
    text: str, finder: NameFinder, ref: Reference | None
) -> tuple[Found | None, list[Mention]]:
    """The event a short note describes (dated to the reference's year when it names no date)."""
    mentions = finder.find(text)
    dates = find_dates(text, ref)
    day = event_date(text, dates, ref)
    cls, word = classify(text)
    cue = re.search(re.escape(word), text) if word else None
    places = note_places(text, mentions)
    capital = CAPITALS.get(finder.default_country or "")
    if places and all(p.level == "country" for p in places):
        places = []  # only a country named: a national-level event
    if not places and capital:
        # No place named: ACLED codes national-level events to the capital.
        found_capital = finder.lookup(capital)
        places = [
            found_capital
            if found_capital is not None and found_capital.kind == "place"
            else Mention(0, 0, capital, "place", None, "", "capital by convention")
        ]
        places = [
            Mention(0, 0, capital, "place", places[0].iri, places[0].level, "capital by convention")
        ]
    pos = cue.start() if cue else len(text)
    actors = [m for m in mentions if m.kind == "actor" and m.end <= pos]
    actor = actors[0] if actors else next((m for m in mentions if m.kind == "actor"), None)
    crowd = list(_CIVIL.finditer(text[:pos]))
    if (
        not actors
        and crowd
        and pos - crowd[-1].end() < 40
        and not re.search(r"\b(?:was|were|been)\b", text[crowd[-1].end() : pos])
    ):
        # "An angry mob attacked a priest and handed him to the police": the people before
        # the cue did it, not the police named after it.
        actor = None
    if cue is not None:
        # "… was attacked by unknown gunmen": the actor after "by" is actor1.
        by = re.match(r"\s+(?:\w+\s+){0,2}?by\s+", text[cue.end() :])
        if by:
            after = next(
                (
                    m
                    for m in mentions
                    if m.kind == "actor"
                    and m.start >= cue.end() + by.end() - 1
                    and m.start <= cue.end() + by.end() + 25
                ),
                None,
            )
            actor = after or actor
    if actor is not None:
        actor = _named_after(text, mentions, actor) or actor
        actor = None if actor is _NOBODY else _compound(text, mentions, actor)
    if actor is None and cls in _VIOLENT_KINDS and finder.default_country:
        if _CIVIL.search(text) and not _COMMUNAL_MILITIA.search(text):
            # Violence by people no armed group leads (students, residents, activists,
            # villagers, a mob): ACLED's mob violence, a riot by rioters.
            cls, word = "Riot", _CIVIL.search(text).group(0)  # type: ignore[union-attr]
        else:
            # Violence whose perpetrator the note does not name: ACLED's unidentified armed
            # group, or its unidentified communal militia when communities' militias fight.
            kind = "Communal Militia" if _COMMUNAL_MILITIA.search(text) else "Armed Group"
            name = f"Unidentified {kind} ({finder.default_country})"
            actor = Mention(
                0,
                0,
                name,
                "actor",
                finder.resolver.resolve_actor(name).iri,
                "",
                "convention",
                (),
                name,
            )
    if cls in ("Protest", "Riot") and finder.default_country:
        # ACLED's convention: demonstrators are "Protesters (Country)" or "Rioters (Country)".
        name = f"{'Protesters' if cls == 'Protest' else 'Rioters'} ({finder.default_country})"
        actor = Mention(
            0, 0, name, "actor", finder.resolver.resolve_actor(name).iri, "", "convention", (), name
        )
    if day is None:
        if ref is None:
            return None, mentions
        # The note gives no date: the event is dated to its reference (the row's year).
        day = next(iter(find_dates(str(ref.year), None)), None)
        if day is None:
            return None, mentions
    b, e = day.spans[0]
    middle = b + (e - b) / 2  # a note dated to its year only: the middle of the year
    if (
        actor is not None
        and actor.name == _BOKO_HARAM
        and _ISWAP_YEARS[0] <= middle < _ISWAP_YEARS[1]
    ):
        # From its pledge to the Islamic State (7 March 2015) to its split (August 2016),
        # Boko Haram was the Islamic State's West Africa Province: ACLED codes it so.
        iswap = "Islamic State (West Africa)"
        actor = Mention(
            actor.start,
            actor.end,
            actor.text,
            "actor",
            finder.resolver.resolve_actor(iswap).iri,
            "",
            "name at the time",
            (),
            iswap,
        )
    f = Found(
        "event",
        cls,
        f"note: one event per note, kind by cue '{word or 'none'}'",
        0.6 + (0.1 if actor else 0) + (0.1 if places and places[0].iri else 0),
        places=places[:1],
        actors=[actor] if actor else [],
        start=b,
        end=e,
        precision=day.precision,
        key=f"{b.isoformat()}-{cls.lower()}",
    )
    n = fatalities(text)
    if n is not None:
        f.values["fatalities"] = n
    return f, mentions


#: "presumed Katiba Macina (JNIM) militants", "unknown gunmen (assumed JNIM/ISGS)": the
#: brackets name the actor ACLED codes. "Two soldiers were killed by …": the first actor
#: named is the victim; actor1 is the one after "by".
_BRACKETS = re.compile(
    r"^\s*\((?:(?:assumed|believed to be|presumably|presumed|likely|probably)\s+)?"
)
_VICTIM = ci(
    r"^\s*(?:\w+\s+){0,3}?(?:was|were|had been|have been|has been)\s+(?:\w+\s+)?"
    r"(?:killed|wounded|injured|attacked|ambushed|abducted|kidnapped|targeted|shot|executed|"
    r"assassinated|beaten|hit)\b(?P<by>\s+(?:\w+\s+){0,8}?by\s+)?"
)


def _named_after(text: str, mentions: list[Mention], actor: Mention) -> Mention | None:
    """The actor the brackets after ``actor`` name, or the doer when ``actor`` is a victim."""
    bracket = _BRACKETS.match(text[actor.end :])
    if bracket:
        close = text.find(")", actor.end)
        inside = [
            m for m in mentions if m.kind == "actor" and actor.end < m.start and m.end <= close
        ]
        if inside:
            return inside[0]
    victim = _VICTIM.match(text[actor.end :])
    if not victim:
        return None
    if victim.group("by"):
        after = actor.end + victim.end()
        doer = next(
            (m for m in mentions if m.kind == "actor" and after - 1 <= m.start <= after + 40), None
        )
        if doer is not None:
            return doer
    # "Five soldiers were killed by the explosion of an IED, the device was likely planted by
    # JNIM militants": the doer named later; none named, an unidentified one.
    for said in _DOER.finditer(text, actor.end + victim.end()):
        doer = next(
            (
                m
                for m in mentions
                if m.kind == "actor" and said.end() - 1 <= m.start <= said.end() + 30
            ),
            None,
        )
        if doer is not None:
            return doer
    # Militants killed while planting a mine stay actor1; soldiers killed by one do not.
    return _NOBODY if _STATE.match(actor.name or actor.text) else None


#: Words before the doer named after its victims: "planted by", "claimed by", "believed to be".
_DOER = ci(
    r"\b(?:planted|claimed|carried out|perpetrated|committed|laid|set|detonated|fired|"
    r"attributed|blamed)\s+(?:\w+\s+)?(?:by|to|on)\s+|\b(?:believed to be|suspected to be|"
    r"presumably|presumed|suspected|likely)\s+"
)
#: The first actor named is a victim and no doer is named.
_NOBODY = Mention(0, 0, "", "actor", None, "", "victim, no doer named")


#: Communities' militias: "clashes between pastoralist and farmer militias".
_COMMUNAL_MILITIA = ci(
    r"\b(?:militias?|militiamen|inter-?communal|communal|inter-?ethnic|farmers? and "
    r"(?:herders|herdsmen|pastoralists)|(?:herders|herdsmen|pastoralists?) and farmers?|"
    r"land dispute|chieftaincy)\b"
)
#: People who are no armed group: their violence is mob violence.
_CIVIL = ci(
    r"\b(?:mob|crowds?|youths?|residents|students|villagers|inhabitants|activists|supporters|"
    r"political (?:groups|opponents)|opponents|parents|traders|workers|women|men from|"
    r"vigilantes?|citizens|locals|mourners|partisans)\b"
)
_BOKO_HARAM = "Boko Haram - Jamatu Ahli is-Sunnah lid-Dawatai wal-Jihad"
_ISWAP_YEARS = (date(2015, 3, 7), date(2016, 8, 3))
_VIOLENT_KINDS = ("Battle", "ViolenceAgainstCivilians", "RemoteViolence")


def _compound(text: str, mentions: list[Mention], actor: Mention) -> Mention:
    """ "JNIM and/or ISGS militants": ACLED's compound actor "A and/or B"."""
    nxt = next((m for m in mentions if m.kind == "actor" and m.start >= actor.end), None)
    if nxt is None or not re.fullmatch(r"\s*(?:and\s*/\s*or|or|/)\s*", text[actor.end : nxt.start]):
        return actor
    if _STATE.match(actor.name or actor.text) or _STATE.match(nxt.name or nxt.text):
        # ACLED has joint names for armed groups ("JNIM … and/or Islamic State (Greater
        # Sahara)"), not for state forces: "soldiers and/or gendarmes" is coded as the first.
        return actor
    a = actor.name or (finder_label(actor))
    b = nxt.name or (finder_label(nxt))
    if a == b:  # "Katiba Macina or JNIM": one group under ACLED's name
        return actor
    name = f"{a} and/or {b}"
    return Mention(
        actor.start, nxt.end, text[actor.start : nxt.end], "actor", None, "", "compound", (), name
    )


_STATE = re.compile(r"(?:Military|Police) Forces of|Government of")


def finder_label(m: Mention) -> str:
    """ACLED-style name of a resolved mention: the name written in the note."""
    return m.text
