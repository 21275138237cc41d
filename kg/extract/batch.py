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
from datetime import date
from pathlib import Path

from rdflib import Dataset

from kg.errors import InputError, UsageError
from kg.extract.candidates import Triples, candidate_graph
from kg.extract.dates import Reference, find_dates
from kg.extract.extractor import Candidate, Extraction, Passage
from kg.extract.names import DEMONYMS, Mention, NameFinder
from kg.extract.patterns import Found, ci, fatalities, finest, modality
from kg.extract.staging import StagingStore, document_graph, open_staging, staging_graph
from kg.extract.text import Document, Paragraph, decode
from kg.resolve import slug
from kg.store import Store

_PROTEST = ci(
    r"\b(protest\w*|demonstrat\w*|sit-in|(?-i:march(?:ed|es)?)\b|rall(?:y|ied)|strike|"
    r"took to the streets|boycott\w*|gathered)"
)
_RIOT = ci(
    r"\b(riot\w*|mob|mutin\w*|barricade\w*|burn(?:ed|t|ing)? (?:\w+ )?tyres|"
    r"burn(?:ed|t|ing)? (?:\w+ )?tires|threw stones|stones?|stone-throwing|set fire|ransack\w*|"
    r"vandali\w*|looted|clashed with (?:the )?(?:police|gendarmes|security forces)|angry|violent)"
)
_REMOTE = ci(
    # "a mine", "by a mine", "mine explosion": not "the gold mine" or "the Arlit uranium mine".
    r"\b(IEDs?|improvised explosive|explosive devices?|explosives?|landmines?|"
    r"(?:(?<=\ba )|(?<=\bby a )|(?<=\bon a ))mines?\b|mines? (?:explo\w+|blast)|"
    r"shell(?:ed|ing|s)|mortars?|artillery|missiles?|grenades?|air ?strikes?|drone|"
    r"bomb(?:ed|ing|s)?|rockets?|"
    r"suicide|exploded|detonated|blew up|explosion)"
)
_CLASH = ci(
    r"\b(clash\w*|fought|fighting|exchange of fire|exchanged fire|battle|ambush\w*|"
    r"repelled|repulsed|gunfight|firefight|engaged)\b"
)
#: Words of harm done to people; with attack words they are violence.
_HARM_WORDS = (
    r"kill\w*|assassinat\w*|shot|abduct\w*|kidnap\w*|execut\w*|beat(?:en)?|wound\w*|injur\w*|"
    r"tortur\w*|rap(?:ed|e)|murder\w*|dead|bodies|body"
)
_VIOLENT = ci(
    rf"\b({_HARM_WORDS}|attack\w*|assault\w*|raid\w*|slaughter\w*|massacre\w*|stormed|"
    r"opened fire)\b"
)
_ARMED = ci(
    r"\b(soldiers?|military|army|armed forces|gendarm\w*|police\w*|FDS|VDP|volunteer fighters|"
    r"Koglweogo|Dozo|checkpoint|patrol|post|base|convoy|position|detachment|brigade|"
    r"militants?|jihadists?|terrorists?|assailants|troops|security forces|defen[cs]e forces|"
    r"barracks|unit|militia\w*|station|customs)\b"
)
_STRATEGIC = ci(
    r"\b(arrest\w*|detain\w*|seized|dismantl\w*|curfew|agreement|talks|displac\w*|fled|"
    r"threat\w*|warn\w*|ordered|ultimatum|recruit\w*|distribut\w*|destroy\w*|"
    r"took control|withdr\w*|announced|surrender\w*|looted|burn(?:ed|t)|"
    r"ban\w*|closed|suspend\w*)\b"
)


_LABELLED_SD = ci(
    r"^\s*(?:Property destruction|Non-violent activity|Looting|Agreement|"
    r"Headquarters|Arrests?|Change to group)\b"
)
_HARM = ci(rf"\b({_HARM_WORDS}|died|casualt(?:y|ies))\b")
_NO_HARM = ci(r"\bno (?:casualties|fatalities|injuries|victims)\b")


#: Explosives found or made safe: ACLED's "disrupted weapons use", a strategic development.
_DISRUPTED = ci(
    r"\b(?:dismantl\w*|defus\w*|disarm\w*|discover\w*|found|seiz\w*|recover\w*|neutrali[sz]\w*)"
    r"\s+(?:\w+\s+){0,3}?(?:IEDs?|improvised explosive|explosives?|explosive devices?|mines?|"
    r"bombs?)\b|\bbefore (?:detonating|exploding|he could detonate|she could detonate)\b"
)
#: What a protest is about is no violence of the protest: "to commemorate the assassination
#: of …", "in memory of three youth who were killed by police in 1990".
_ABOUT = ci(
    r"\b(?:against|over|about|of|for|following|after|denounc\w*|condemn\w*|commemorat\w*|"
    r"memory|solidarity|support|demand\w*|claim\w*|protest\w*)\b"
)


def _protest_about_violence(text: str, protest: re.Match[str]) -> bool:
    """A protest named first, whose violent words all say what it is about."""
    violent = list(_VIOLENT.finditer(text))
    return bool(violent) and all(
        v.start() > protest.end()
        and _ABOUT.search(text[max(protest.end(), v.start() - 60) : v.start()])
        for v in violent
    )


def classify(text: str) -> tuple[str, str]:
    """The ACLED kind of a note (a ckg class) and the cue that decided it."""
    m = _LABELLED_SD.search(text)
    if m:
        return "StrategicDevelopment", m.group(0).strip()
    m = _DISRUPTED.search(text)
    if m and not _HARM.search(text):
        return "StrategicDevelopment", m.group(0)
    m = _REMOTE.search(text)
    if m:
        clash = _CLASH.search(text)
        if clash and not _DISRUPTED.search(text):
            # An IED that opens an ambush, then an exchange of fire: ACLED codes a battle.
            return "Battle", clash.group(0)
        return "RemoteViolence", m.group(0)
    mutiny = _MUTINY_FIGHT.search(text)
    if mutiny:
        # Mutineers who fight or take territory are an armed group in battle; mutineers
        # who fire in the air and loot are rioters (ACLED's two codings of mutinies).
        return "Battle", mutiny.group(0)
    protest, riot = _PROTEST.search(text), _RIOT.search(text)
    if riot and (
        protest
        or (_CROWD.search(text) and not _VIOLENT.search(text))
        or riot.group(0).lower().startswith(("riot", "mob", "mutin"))
    ):
        return "Riot", riot.group(0)
    if protest and _CLASH.search(text):
        return "Riot", protest.group(0)  # a demonstration that clashed is a violent one
    if protest and (not _VIOLENT.search(text) or _protest_about_violence(text, protest)):
        return "Protest", protest.group(0)
    m = _CLASH.search(text) or _ARMED_HARMED.search(text)
    if m:
        return "Battle", m.group(0)
    m = _VIOLENT.search(text)
    armed = _ARMED.search(text[m.end() : m.end() + 60]) if m else None
    victims = _VICTIMS.search(text[m.end() : m.end() + 60]) if m else None
    on_armed = armed is not None and not (victims and victims.start() < armed.start())
    sd = _STRATEGIC.search(text)
    if m and sd and not on_armed and (not _HARM.search(text) or _NO_HARM.search(text)):
        return "StrategicDevelopment", sd.group(0)  # an attack that only looted or burned
    if m:
        return ("Battle" if on_armed else "ViolenceAgainstCivilians"), m.group(0)
    m = _STRATEGIC.search(text)
    if m:
        return "StrategicDevelopment", m.group(0)
    if protest:
        return "Protest", protest.group(0)
    return "StrategicDevelopment", ""


_MUTINY_FIGHT = ci(
    r"\bmutin\w*\b(?=.*\b(?:took over|taking over|seized|occupied|fighting|fought|clash\w*|"
    r"regained|battle)\b)"
)
#: Who riots: a crowd, not an armed group ("militants ransacked a school" is no riot).
_CROWD = ci(
    r"\b(mob|crowds?|youths?|residents|students|villagers|inhabitants|demonstrat\w*|"
    r"supporters|angry|people|women|traders|workers|population)\b"
)
#: Soldiers or police as the ones killed or wounded: "five soldiers were killed", "one
#: gendarme killed and two injured in an attack" — ACLED's armed clash.
_ARMED_HARMED = ci(
    r"\b(?:soldiers?|gendarmes?|policem[ae]n|police officers|troops|guards?(?:men)?|VDPs?|"
    r"volunteer fighters)\s+(?:were\s+|was\s+|have been\s+|had been\s+)?(?:killed|wounded|"
    r"injured)\b(?!\s+(?:a|an|the|\d+|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"several|civilians?|people|villagers)\b)"
)
_VICTIMS = ci(
    r"\b(civilians?|villagers?|people|persons?|residents?|women|children|man|men|"
    r"boy|girl|herders?|traders?|teachers?|imam|chief|youths?|individuals?|family|"
    r"members of|community|farmers?|miners?|workers?|pastoralists?|a person)\b"
)


_DEFAULT_KIND = "StrategicDevelopment"
#: Words of place: "in the village of X", "the streets of X", "the mayor of X".
_WHERE = (
    r"village|villages|villlage|town|towns|city|commune|communes|locality|localities|hamlet|"
    r"area|areas|outskirts|department|departments|region|gold mine|mine|mining site|site|"
    r"market|ranch|valley|forest|mosque|streets|axis"
)
_PLACE_CUE = ci(
    rf"\b(?:(?:in|at|near|around|outside|from|between|along|into)\s+(?:the\s+)?(?:(?:{_WHERE})\s+"
    r"(?:of\s+)?)?"
    # A bare "of" names a place only after a word of place: "north of Diffa", not "the
    # National Office of Water and Sanitation".
    r"|(?:(?:north|south|east|west)(?:-?(?:east|west))?|outskirts|capital|suburbs?|vicinity|"
    rf"{_WHERE}|mayor|chief|hometown|residents|citizens|people|inhabitants)\s+of\s+(?:the\s+)?"
    r"|(?:the\s+)?axis\s+)$"
)
_ADMIN_AFTER = re.compile(r"^\s*\(([^)]*)\)")


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


def note_event(
    text: str, finder: NameFinder, ref: Reference | None
) -> tuple[Found | None, list[Mention]]:
    """The event a short note describes (dated to the reference's year when it names no date)."""
    mentions = finder.find(text)
    dates = find_dates(text, ref)
    day = next((d for d in dates if d.precision == "day"), None) or (dates[0] if dates else None)
    cls, word = classify(text)
    cue = re.search(re.escape(word), text) if word else None
    places = _note_places(text, mentions)
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
        actor = _compound(text, mentions, actor)
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


#: Capitalised words of notes that name communities or bodies, not places.
_NOT_PLACES = re.compile(
    r"^(?:Fulani|Peul\w*|Mossi|Tuareg|Dogon|Bambara|Foulse|Gourmantche|Bella\w*|Rimaibe|Ministry|Union|"
    r"President|Minister|Government|National|Assembly|Coalition|Party|Company|Catholic|Muslim|Islamic|"
    r"Christian|Protestant|CDP|MPP|UPC|Operation|Barkhane|French|University|High|Court|Council|"
    r"Agents?|Officers?|Trade|Students?|Workers?|Eastern|Western|Northern|Southern|Central|Place)\b"
    r"|\b(?:Organi[sz]ation|Union|Party|Exchange|Ministry|Company|Mining|Committee|Association|"
    r"School|University|Hospital|Regiment|Collective|Movement|Federation|Syndicate|Council|Office|"
    r"Agency|Bank|Group|Forces?|Army|Assembly|Front)\b|^[A-Z]{2,}$",
)


#: Capitals, for ACLED's convention of coding national-level events to the capital.
CAPITALS = {
    "Burkina Faso": "Ouagadougou",
    "Niger": "Niamey",
    "Mali": "Bamako",
    "Senegal": "Dakar",
    "Mauritania": "Nouakchott",
    "Chad": "N'Djamena",
    "Nigeria": "Abuja",
    "Ghana": "Accra",
    "Togo": "Lome",
}


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
    if victim and victim.group("by"):
        after = actor.end + victim.end()
        return next(
            (m for m in mentions if m.kind == "actor" and after - 1 <= m.start <= after + 40), None
        )
    return None


#: Communities' militias: "clashes between pastoralist and farmer militias".
_COMMUNAL_MILITIA = ci(
    r"\b(?:militias?|militiamen|inter-?communal|communal|inter-?ethnic|farmers? and "
    r"(?:herders|herdsmen|pastoralists)|(?:herders|herdsmen|pastoralists?) and farmers?|"
    r"land dispute|chieftaincy)\b"
)
#: People who are no armed group: their violence is mob violence.
_CIVIL = ci(
    r"\b(?:mob|crowds?|youths?|residents|students|villagers|inhabitants|activists|supporters|"
    r"political (?:groups|opponents)|opponents|parents|traders|workers|women|men from)\b"
)
_BOKO_HARAM = "Boko Haram - Jamatu Ahli is-Sunnah lid-Dawatai wal-Jihad"
_ISWAP_YEARS = (date(2015, 3, 7), date(2016, 8, 3))
_VIOLENT_KINDS = ("Battle", "ViolenceAgainstCivilians", "RemoteViolence")


def _compound(text: str, mentions: list[Mention], actor: Mention) -> Mention:
    """ "JNIM and/or ISGS militants": ACLED's compound actor "A and/or B"."""
    nxt = next((m for m in mentions if m.kind == "actor" and m.start >= actor.end), None)
    if nxt is None or not re.fullmatch(r"\s*(?:and/or|or|/)\s*", text[actor.end : nxt.start]):
        return actor
    a = actor.name or (finder_label(actor))
    b = nxt.name or (finder_label(nxt))
    name = f"{a} and/or {b}"
    return Mention(
        actor.start, nxt.end, text[actor.start : nxt.end], "actor", None, "", "compound", (), name
    )


def finder_label(m: Mention) -> str:
    """ACLED-style name of a resolved mention: the name written in the note."""
    return m.text


_NAME = r"([A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*)"
#: Where ACLED's notes say which place the event was coded to, strongest first. ACLED codes
#: a village its gazetteer lacks to the known town it is near: "Barakana, near Pobe-Mengao",
#: "Bossieye in the Yatakala area", "Dogona [Boborgou Saba]", "11km from Baraboule".
_CODED = [
    re.compile(rf"\bcoded (?:at [\w ]{{0,30}}?)?(?:as|to|at) (?:the )?{_NAME}"),
    re.compile(rf"[A-Z][\w'’-]* \[{_NAME}\]"),
    # "between Bolsi and Bossey Bangou": ACLED codes the first of the two.
    re.compile(rf"\bbetween (?:the )?(?:(?:villages?|towns?|localities) of )?{_NAME} and [A-Z]"),
    re.compile(
        r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few)\s?"
        r"(?:km|kilomet(?:er|re)s?)\s+(?:\w+\s+){0,2}(?:from|of)\s+"
        rf"(?:the\s+)?(?:(?:town|village|city|commune)\s+of\s+)?{_NAME}"
    ),
    re.compile(
        r"(?:[A-Z][\w'’-]*|area|village|hamlet|quarter),? (?:near|close to|not far from|in the "
        r"vicinity of) "
        rf"(?:the (?:village|town|city|locality) of )?{_NAME}"
    ),
    re.compile(rf"[A-Z][\w'’-]*,? in the {_NAME} area\b"),
    re.compile(rf"[A-Z][\w'’-]* (?:quarter|neighbou?rhood|district) of {_NAME}"),
    # A road named by its two ends: ACLED codes the first ("the axis Solle-Titao").
    re.compile(r"\baxis (?:of )?(?:the )?([A-Z][\w'’]*)\s?[-–]\s?[A-Z]"),
    re.compile(r"\b([A-Z][\w'’]*)\s?[-–]\s?[A-Z][\w'’]* (?:axis|road)\b"),
]
#: Words right before a name that make it the event's place, besides "in", "at", "near":
#: "attacked Toumour", "entered Mansila", "an attack on Gueskerou", "the road to Agadez".
_PLACE_VERB = ci(
    r"\b(?:attack|attacked|entered|raided|stormed|overran|besieged|targeted|hit|struck|invaded|"
    r"(?:attacks?|assaults?|raids?|incursions?) (?:on|against|in)|(?:road|route|way|axis) "
    r"(?:to|from|between)|into|towards?|residents of|inhabitants of|university of|"
    r"(?:marched|went|moved|travell?ed|headed|returned|fled) to|fled|flee)\s+(?:the\s+)?$"
)
#: Words right after a name that make it a place: "Bobo-Dioulasso city hall", "Dosso farmers".
_PLACE_NOUN = ci(
    r"^(?:-[A-Z][\w'’-]*)?\s+(?:city hall|town hall|airport|"
    r"(?:military|army) (?:base|camp|post)|base|bridge|(?:gold )?mine|axis|road|"
    r"residents|farmers|people|youths?|villagers|prison|police station|gendarmerie|prefecture|"
    r"mayor|commune|department|village)\b"
)
#: A name followed by its acronym in brackets names a body: "(ONEA)", "(HALCIA)".
_ACRONYM_AFTER = re.compile(r"^\s*\((?:[A-Z][A-Za-z-]*[A-Z]\)|[A-Z]{2,})")
#: A trailing administrative word: "In-Ates Department" is coded as In-Ates.
_ADMIN_WORD = re.compile(
    r"\s+(?:Department|Commune|Village|Town|Locality|Refugee Camp|Camp|Airport|Forest|Market|Mine)$"
)
_NOT_CODED = re.compile(r"\b(?:Province|Region|Prefecture)$")


def _country_word(text: str) -> bool:
    """A country or its people named ("Nigeria", "Nigers", "Burkinabe"): no event place."""
    word = re.sub(r"['’]?s$", "", text).lower()
    return word in _COUNTRY_NAMES or word in DEMONYMS


_COUNTRY_NAMES = frozenset(
    name.lower()
    for name in (*CAPITALS, *DEMONYMS.values(), "Cote d'Ivoire", "Libya", "Cameroon", "Sudan")
)


def _as_place(text: str, mentions: list[Mention], start: int, name: str) -> Mention:
    """The mention at ``start`` as a place (a new, unresolved one when it is no place)."""
    found = next((x for x in mentions if x.start == start and x.kind == "place"), None)
    if found is not None:
        return found
    name = _ADMIN_WORD.sub("", name)
    return Mention(start, start + len(name), name, "place", None, "", "unresolved")


def _split_of(mentions: list[Mention]) -> list[Mention]:
    """ "University of Dori", "Residents of Douna", "Citizen Movement of Pouytenga": an
    unknown name "A of B" is a body or people of the place B; B becomes a name of its own,
    marked as named after "of"."""
    out = []
    for m in mentions:
        head, sep, tail = m.text.rpartition(" of ")
        if m.kind == "name" and sep and tail[:1].isupper() and _NOT_PLACES.search(head):
            # The tail of a body's name may be a place ("University of Dori") or not
            # ("Ministry of Economy"): it needs a cue of its own, unless the head is the
            # people or a building of a place.
            start = m.start + len(head) + len(sep)
            of_place = _PEOPLE_OR_BUILDING.search(head)
            out.append(Mention(start, m.end, tail, "name", method=_OF_TAIL if of_place else ""))
        elif m.kind == "name" and sep and tail[:1].isupper() and _PEOPLE_OR_BUILDING.search(head):
            start = m.start + len(head) + len(sep)
            out.append(Mention(start, m.end, tail, "name", method=_OF_TAIL))
        else:
            out.append(m)
    return out


_OF_TAIL = "named after 'of'"
#: The head of "A of B" when B is a place: its people or one of its buildings.
_PEOPLE_OR_BUILDING = re.compile(
    r"\b(?:Residents|Citizens|Inhabitants|Students|People|Youths?|Women|Traders|Villages?|Towns?|"
    r"City|University|Hospital|Mosque|Mayor|Chief|Market|Streets|Prefecture|Commune)$"
)


def _note_places(text: str, mentions: list[Mention]) -> list[Mention]:
    for pattern in _CODED:
        said = pattern.search(text)
        if said and not _NOT_PLACES.search(said.group(1)) and not _NOT_CODED.search(said.group(1)):
            place = _as_place(text, mentions, said.start(1), said.group(1))
            if place.level != "country":  # "near the Mali border" says no more than Mali
                return [place]
    # ACLED writes the coded location before its admin areas: "Djibo (Djibo, Soum)", and
    # before one of them alone: "Pama (Kompienga)", "Garin Dogo (Diffa)".
    for m in mentions:
        after = _ADMIN_AFTER.match(text[m.end :])
        if (
            m.kind != "actor"
            and after
            and not _NOT_PLACES.search(m.text)
            and not _ACRONYM_AFTER.match(text[m.end :])
        ):
            return [_as_place(text, mentions, m.start, m.text)]
    out: list[Mention] = []
    for m in _split_of(mentions):
        if (
            m.kind == "actor"
            or (not m.iri and _country_word(m.text))
            or _NOT_PLACES.search(m.text)
            or _NOT_CODED.search(m.text)
            or _ACRONYM_AFTER.match(text[m.end :])
        ):
            continue
        before = text[max(0, m.start - 40) : m.start]
        cue = m.method == _OF_TAIL or _PLACE_CUE.search(before) or _PLACE_VERB.search(before)
        admin = _ADMIN_AFTER.match(text[m.end :])
        noun = _PLACE_NOUN.match(text[m.end :])
        if m.kind == "place" or cue or admin or noun:
            if m.kind != "place":
                m = _as_place(text, mentions, m.start, m.text)
            if cue or admin or noun or m.level not in ("country", "admin1"):
                out.append(m)
    return (
        finest(out)
        if any(p.iri for p in out) and not any(_ADMIN_AFTER.match(text[p.end :]) for p in out)
        else out
    )


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
