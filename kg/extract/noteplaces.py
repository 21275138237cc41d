"""Where a short note's event happened, the way ACLED codes it.

Strongest evidence first: what the note says it was coded to ("coded as X", "Y [X]"), the
known town a village is near, the name before its admin areas in brackets ("Djibo (Djibo,
Soum)"), then the first place after a cue ("in", "at", "near", "attacked", "the village of").
A note naming no place, or only a country, is coded to the capital (national-level events).
"""

from __future__ import annotations

import re

from kg.extract.names import DEMONYMS, Mention
from kg.extract.patterns import ci, finest

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
    rf"{_WHERE}|mayor|chief|hometown|residents|citizens|people|inhabitants|villagers|youths?)"
    r"\s+of\s+(?:the\s+)?"
    r"|(?:the\s+)?axis\s+)$"
)
_ADMIN_AFTER = re.compile(r"^\s*\(([^)]*)\)")
#: A building of a place, in lower case ("the police station of Sanaba", "the military camp
#: of Fada-N'Gourma"; not "the National School of Public Health").
_BUILDING_OF = re.compile(
    r"\b(?:station|post|camp|base|brigade|school|prison|hospital|church|town hall)\s+of\s+"
    r"(?:the\s+)?$"
)
#: Where the people of an event come from is seldom where it happened: "merchants coming
#: from Dori were stopped near Boukouma", "residents from Matiakoali protested in Fada".
_FROM = ci(r"(?<!far )\bfrom\s+(?:the\s+)?(?:(?:village|town|city|locality)\s+of\s+)?$")
#: A name before one of these is a body or community, not a place: "the Guimbi Ouattara
#: school in Bobo-Dioulasso", "a mosque of the Tijaniyyah order", "the Fulani community".
_BODY_AFTER = ci(
    r"^\s+(?:(?:primary |secondary |high |private )?school|college|lycee|order|community|"
    r"communities|family|clan|ethnic|brotherhood|tribe|guards?)\b"
)
#: Words that start a capitalised run without naming a place: "Three people were killed".
_NOT_PLACE_START = re.compile(
    r"^(?:One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Eleven|Twelve|Twenty|Thirty|Dozens|"
    r"Hundreds|Thousands|Several|Sector|Zone|Republican|General|Colonel|Captain|Lieutenant|"
    r"Sergeant|Commander|Imam|Mr|Mrs|Dr|January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\b"
)

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


#: A place name as ACLED writes it: "Mare de Soum", "Fada N'Gourma", "Bidi 1".
_NAME = (
    r"([A-Z][\w'’-]*(?: (?:(?:de|du|des|la|le|el|al|ag|ould) )?[A-Z][\w'’-]*)*"
    r"(?: [1-9]\d?(?!\w|[.,]\d))?)"
)
#: Where ACLED's notes say which place the event was coded to, strongest first. ACLED codes
#: a village its gazetteer lacks to the known town it is near: "Barakana, near Pobe-Mengao",
#: "Bossieye in the Yatakala area", "Dogona [Boborgou Saba]", "11km from Baraboule".
_CODED = [
    re.compile(rf"\bcoded (?:at [\w ]{{0,30}}?)?(?:as|to|at) (?:the )?{_NAME}"),
    re.compile(rf"[A-Z][\w'’-]* \[{_NAME}\]"),
    # "near Belehede, between Djibo and Arbinda": the place it was near, not the road's ends.
    re.compile(
        rf"\bnear (?:the (?:village|town|locality) of )?{_NAME},? (?:\w+ ){{0,6}}?between [A-Z]"
    ),
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
    # "the Bogodogo area of Ouagadougou", "Sector 29 of Ouagadougou": the town.
    re.compile(
        r"(?:[A-Z][\w'’-]* (?:quarter|neighbou?rhood|district|area|sector|suburb)|"
        rf"[Ss]ector \d+) of (?:the )?{_NAME}(?![\w'’-]| [Pp]rovince| [Rr]egion)"
    ),
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


def _not_a_place(text: str, m: Mention) -> bool:
    """A capitalised run that names people, a body or a number, not a place."""
    first = m.text.split()[0].lower()
    return bool(
        _NOT_PLACE_START.match(m.text)
        or (first in DEMONYMS and " " in m.text)  # "Nigerien Tuareg", "Malian border"
        or _BODY_AFTER.match(text[m.end :])
    )


_NUMBER_AFTER = re.compile(r"^ ([1-9]\d?)(?=[,.;)]|\s*\(|$)")


def _numbered(text: str, m: Mention) -> str:
    """The name with the number ACLED writes after some villages: "Bidi 1", "Darbiti 2"."""
    number = _NUMBER_AFTER.match(text[m.end :])
    return f"{m.text} {number.group(1)}" if number else m.text


def note_places(text: str, mentions: list[Mention]) -> list[Mention]:
    """The place ACLED coded a note's event to, as far as the note says (strongest first)."""
    for pattern in _CODED:
        said = pattern.search(text)
        if (
            said
            and not _NOT_PLACES.search(said.group(1))
            and not _NOT_CODED.search(said.group(1))
            and not _NOT_PLACE_START.match(said.group(1))
        ):
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
    weak: list[Mention] = []
    for m in _split_of(mentions):
        if (
            m.kind == "actor"
            or (not m.iri and _country_word(m.text))
            or _NOT_PLACES.search(m.text)
            or _NOT_CODED.search(m.text)
            or _ACRONYM_AFTER.match(text[m.end :])
            or (not m.iri and _not_a_place(text, m))
        ):
            continue
        before = text[max(0, m.start - 40) : m.start]
        if m.kind != "place" and _FROM.search(before):
            weak.append(_as_place(text, mentions, m.start, _numbered(text, m)))
            continue
        cue = (
            m.method == _OF_TAIL
            or _PLACE_CUE.search(before)
            or _PLACE_VERB.search(before)
            or _BUILDING_OF.search(before)
        )
        admin = _ADMIN_AFTER.match(text[m.end :])
        noun = _PLACE_NOUN.match(text[m.end :])
        if m.kind == "place" or cue or admin or noun:
            if m.kind != "place":
                m = _as_place(text, mentions, m.start, _numbered(text, m))
            if cue or admin or noun or m.level not in ("country", "admin1"):
                out.append(m)
    if all(p.level == "country" for p in out):
        out = weak + out
    return (
        finest(out)
        if any(p.iri for p in out) and not any(_ADMIN_AFTER.match(text[p.end :]) for p in out)
        else out
    )
