"""Finding the actors and places a sentence names, resolved against the store.

Names are runs of capitalised words (with the particles of West African and Arabic names:
"Nioro du Sahel", "Iyad ag Ghali", "Jama‘at Nusrat al-Islam wa-l-Muslimin"), looked up
longest first through :class:`kg.resolve.Resolver` — the store's labels and alternative
labels, the alias table, GeoNames and UN-list names already imported. Common descriptions
of state forces ("the Malian military", "soldiers" with a default country) become ACLED's
actor names ("Military Forces of Mali") and are resolved the same way. What does not
resolve is returned unresolved with the resolver's closest candidates; nothing is merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.dates import MONTHS
from kg.resolve import Candidate, Resolver, normalise

_CAP = r"(?:al-|el-|ad-|ash-)?[A-ZÀ-Þ][\w‘’'\-]*"
_CONN = r"(?:du|de|des|la|le|al|el|ag|ould|ben|bin|wa|of|d['’])"
_SPAN = re.compile(rf"{_CAP}(?:\s+(?:{_CONN}\s+)*{_CAP}|-{_CAP})*")
_POSSESSIVE = re.compile(r"[’']s$")
_MAX_WORDS = 7

#: Capitalised words that never start a name (sentence starts, months, titles).
_NOT_NAMES = frozenset(
    normalise(w)
    for w in [
        "The",
        "A",
        "An",
        "On",
        "In",
        "At",
        "And",
        "But",
        "Or",
        "If",
        "As",
        "Is",
        "It",
        "Its",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Then",
        "Yet",
        "I",
        "We",
        "You",
        "He",
        "She",
        "They",
        "One",
        "Two",
        "Some",
        "Many",
        "Most",
        "Each",
        "Every",
        "Even",
        "More",
        "Less",
        "With",
        "From",
        "For",
        "To",
        "Of",
        "By",
        "Did",
        "Do",
        "Does",
        "What",
        "Who",
        "Why",
        "How",
        "When",
        "Where",
        "Whatever",
        "Indeed",
        "Perhaps",
        "Significantly",
        "Meanwhile",
        "Nevertheless",
        "However",
        "Also",
        "Both",
        "Neither",
        "Not",
        "Was",
        "Were",
        "Has",
        "Have",
        "Had",
        "Will",
        "Would",
        "May",
        "Might",
        "Could",
        "Should",
        "Can",
        "Around",
        "Near",
        "After",
        "Before",
        "During",
        "Since",
        "Until",
        "While",
        "Although",
        "Though",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        *MONTHS,  # months and their abbreviations: "Feb.28" names no place
    ]
)

#: Demonyms → country names, for "Malian military" → "Military Forces of Mali".
DEMONYMS = {
    "malian": "Mali",
    "burkinabe": "Burkina Faso",
    "burkinabè": "Burkina Faso",
    "nigerien": "Niger",
    "nigerian": "Nigeria",
    "mauritanian": "Mauritania",
    "senegalese": "Senegal",
    "beninese": "Benin",
    "togolese": "Togo",
    "ghanaian": "Ghana",
    "ivorian": "Ivory Coast",
    "chadian": "Chad",
    "algerian": "Algeria",
    "french": "France",
    "russian": "Russia",
}
_DEMONYM = "|".join(sorted(DEMONYMS, key=len, reverse=True))

#: Descriptions of actors → ACLED-style names; ``{country}`` is the demonym's or default country.
DESCRIPTORS: list[tuple[re.Pattern[str], str]] = [
    (
        # ACLED codes mutinous soldiers as a mutiny of the country's military.
        re.compile(
            rf"\b(?:(?:(?P<dem>{_DEMONYM})\s+)?(?:mutin\w+|mutineers?)(?:\s+(?:soldiers|troops))?"
            r"|(?:soldiers|troops)\s+(?:\w+\s+){0,3}?mutin\w+)\b",
            re.IGNORECASE,
        ),
        "Mutiny of Military Forces of {country}",
    ),
    (
        re.compile(
            r"\b(?P<people>Fulani|Peul|Kanuri|Arab|Tuareg|Dogon|Mossi|Foulse|Zarma|Djerma|Hausa|"
            r"Toubou|Bella|Daoussahak|Dawsahak|Lobi|Gourmantche|Bwaba|Marka|Fula)s?\s+(?:ethnic\s+)?(?:herders?|"
            r"herdsmen|tribesmen|militia(?:men)?|gunmen|armed men|pastoralists|assailants)\b"
        ),
        "{people} Ethnic Militia ({country})",
    ),
    (
        re.compile(
            rf"\b(?:(?P<dem>{_DEMONYM})\s+)?(?:military|army|armed forces|soldiers|troops|"
            r"defen[cs]e and security forces|security forces|FDS|FAMa)\b",
            re.IGNORECASE,
        ),
        "Military Forces of {country}",
    ),
    (
        re.compile(rf"\b(?P<dem>{_DEMONYM})\s+(?:forces|contingents?|units?)\b", re.IGNORECASE),
        "Military Forces of {country}",
    ),
    (
        re.compile(rf"\b(?:(?P<dem>{_DEMONYM})\s+)?(?:gendarmes?|gendarmerie)\b", re.IGNORECASE),
        "Police Forces of {country} Gendarmerie",
    ),
    (
        re.compile(
            rf"\b(?:(?P<dem>{_DEMONYM})\s+)?(?:police(?:men)?|police officers)\b", re.IGNORECASE
        ),
        "Police Forces of {country}",
    ),
    (
        re.compile(
            r"\b(?:the\s+)?(?:government|governor|authorities|minist(?:er|ry)|prime minister)\b",
            re.IGNORECASE,
        ),
        "Government of {country}",
    ),
    (
        re.compile(
            rf"\b(?:(?P<dem>{_DEMONYM})\s+)?(?:unknown|unidentified)\s+(?:gunmen|armed men|assailants|attackers|"
            r"individuals|men|armed individuals|militants|group|armed group)\b|\bgunmen\b|\barmed men\b|"
            rf"\b(?:(?P<dem2>{_DEMONYM})\s+)?(?:armed )?bandits\b",
            re.IGNORECASE,
        ),
        "Unidentified Armed Group ({country})",
    ),
    (re.compile(r"\b(?:protesters|demonstrators)\b", re.IGNORECASE), "Protesters ({country})"),
    (re.compile(r"\brioters\b", re.IGNORECASE), "Rioters ({country})"),
]


#: Armed groups of the Sahel under the names notes use → ACLED's actor names. Used when
#: the store's labels and the alias table do not already resolve the name.
GROUP_NAMES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\b(?:IS[Gg][Ss]|EIGS|ISWAP-GS|Islamic State (?:in|of) the Greater Sahara|IS Sahel|ISSP|"
            r"Islamic State Sahel)\b"
        ),
        "Islamic State (Greater Sahara)",
    ),
    (re.compile(r"\bAnsar(?:oul|ul|ool) Islam\b", re.IGNORECASE), "Ansaroul Islam"),
    (re.compile(r"\bKoglweogos?\b", re.IGNORECASE), "Koglweogo Militia"),
    (
        re.compile(
            r"\b(?:VDPs?|volunteer fighters|Volunteers? for (?:the )?Defen[cs]e of (?:the )?Homeland)\b"
        ),
        "VDP: Volunteer for Defense of Homeland",
    ),
    (re.compile(r"\bDozos?\b"), "Dozo Communal Militia ({country})"),
    (
        # ACLED codes the Katiba Macina as JNIM, the coalition it joined in 2017.
        re.compile(r"\b(?:JNIM|GSIM|Katiba Macina|Katiba Massina)\b"),
        "JNIM: Group for Support of Islam and Muslims",
    ),
    (
        re.compile(r"\bBoko Haram\b|\bJAS\b|\bBH\b"),
        "Boko Haram - Jamatu Ahli is-Sunnah lid-Dawatai wal-Jihad",
    ),
    (
        re.compile(r"\bISWAP?\b|\bIslamic State (?:in )?West Africa(?: Province)?\b"),
        "Islamic State (West Africa)",
    ),
    # Other armed groups and forces of the region, under ACLED's names.
    (
        re.compile(r"\bMNJ\b|\bNigerien Movement for Justice\b"),
        "MNJ: Nigerien Movement for Justice",
    ),
    (
        re.compile(r"\bMSA\b|\bMovement for (?:the )?Salvation of Azawad\b"),
        "MSA: Movement for Azawad Salvation",
    ),
    (re.compile(r"\bGATIA\b"), "GATIA: Imghad Tuareg and Allies Self-Defense Group"),
    (re.compile(r"\bFLAA\b"), "FLAA: The Air and Azawagh Liberation Front"),
    (
        re.compile(r"\bMNJTF\b|\bMultinational Joint Task Force\b"),
        "MNJTF: Multinational Joint Task Force",
    ),
    (re.compile(r"\bG5[ -]Sahel(?: Force| Joint Force)?\b|\bFC-G5S\b"), "G5S: G5 Sahel Force"),
    (re.compile(r"\bMUJAO\b|\bMUJWA\b"), "MUJAO: Movement for Unity and Jihad in West Africa"),
    (
        re.compile(r"\bAQIM\b|\bAl[- ]Qaeda in the Islamic Maghreb\b"),
        "AQIM: Al Qaeda in the Islamic Maghreb",
    ),
    (re.compile(r"\bAnsar Dine\b"), "Ansar Dine"),
    (re.compile(r"\b(?:Al[- ])?Mourabitoune\b"), "Al Mourabitoune Battalion"),
]


@dataclass(frozen=True)
class Mention:
    """A name in a sentence: its span, kind, and the node it resolved to (or None)."""

    start: int
    end: int
    text: str
    kind: str  # actor, place or name (capitalised, not known)
    iri: str | None = None
    level: str = ""
    method: str = ""
    candidates: tuple[Candidate, ...] = ()
    #: For descriptions: the ACLED-style name they stand for ("Military Forces of Mali").
    name: str = ""


@dataclass
class NameFinder:
    """Finds and resolves names in sentences; one per extraction run (it caches lookups)."""

    resolver: Resolver
    countries: list[str] = field(default_factory=list)
    default_country: str | None = None
    _cache: dict[str, Mention | None] = field(default_factory=dict)
    _closest: dict[str, tuple[Candidate, ...]] = field(default_factory=dict)

    def find(self, text: str) -> list[Mention]:
        """The actors and places ``text`` names (resolved or not), in order of position."""
        mentions: list[Mention] = []
        for span in _SPAN.finditer(text):
            mentions.extend(self._in_span(text, span.start(), span.end()))
        taken = [(m.start, m.end) for m in mentions if m.kind != "name"]
        for pattern, template in GROUP_NAMES:
            for m in pattern.finditer(text):
                if "{country}" in template and not self.default_country:
                    continue
                name = template.format(country=self.default_country or "")
                known = next(
                    (x for x in mentions if x.start == m.start() and x.kind == "actor"), None
                )
                if known is not None:
                    # Found by its label already: keep the node, add ACLED's name for it.
                    i = mentions.index(known)
                    mentions[i] = Mention(
                        known.start,
                        known.end,
                        known.text,
                        "actor",
                        known.iri,
                        known.level,
                        known.method,
                        known.candidates,
                        name,
                    )
                    continue
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                mentions.append(self._named(m, name, "group name"))
                taken.append((m.start(), m.end()))
        for pattern, template in DESCRIPTORS:
            for m in pattern.finditer(text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                dem = m.groupdict().get("dem") or m.groupdict().get("dem2")
                country = DEMONYMS.get(dem.lower()) if dem else self.default_country
                if "{country}" in template and not country:
                    continue
                people = m.groupdict().get("people") or ""
                name = template.format(country=country or "", people=people.capitalize())
                mentions.append(self._named(m, name, "description"))
                taken.append((m.start(), m.end()))
        mentions = [
            m
            for m in mentions
            if m.kind != "name" or not any(a < m.end and m.start < b for a, b in taken)
        ]
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _named(self, m: re.Match[str], name: str, method: str) -> Mention:
        """The actor a matched group name or description stands for (ACLED's ``name``)."""
        found = self.resolver.resolve_actor(name)
        return Mention(
            m.start(), m.end(), m.group(0), "actor", found.iri, "", found.method or method, (), name
        )

    def _in_span(self, text: str, start: int, end: int) -> list[Mention]:
        words = [(w.start() + start, w.end() + start) for w in re.finditer(r"\S+", text[start:end])]
        out: list[Mention] = []
        i = 0
        while i < len(words):
            hit = None
            for j in range(min(len(words), i + _MAX_WORDS), i, -1):
                a, b = words[i][0], words[j - 1][1]
                phrase = _POSSESSIVE.sub("", text[a:b]).rstrip("-")
                found = self.lookup(phrase)
                if found is not None:
                    hit = Mention(
                        a,
                        a + len(phrase),
                        phrase,
                        found.kind,
                        found.iri,
                        found.level,
                        found.method,
                        found.candidates,
                        found.name,
                    )
                    i = j
                    break
            if hit is None:
                word = _POSSESSIVE.sub("", text[words[i][0] : words[i][1]])
                # "Feb.28", "Mar.28": a word is judged by its letters before a dot or digit.
                head = re.split(r"[.\d]", word, maxsplit=1)[0]
                if normalise(head) not in _NOT_NAMES and word[:1].isupper():
                    hit = Mention(words[i][0], words[i][0] + len(word), word, "name")
                i += 1
            if hit is not None:
                out.append(hit)
        return _merge_unknown(out, text)

    def clear_cache(self) -> None:
        """Forget earlier lookups (after the countries changed)."""
        self._cache.clear()

    def candidates_for(self, name: str, kind: str) -> tuple[Candidate, ...]:
        """The known actors or places closest to an unresolved ``name`` (at most three)."""
        key = f"{kind}\x00{name}\x00{self.countries[:1]}"
        if key not in self._closest:
            if kind == "actor":
                self._closest[key] = self.resolver.actor_candidates(name)
            else:
                self._closest[key] = self.resolver.place_candidates(name, within=self.countries[:1])
        return self._closest[key]

    def lookup(self, phrase: str) -> Mention | None:
        """The actor or place ``phrase`` names, or None when the store knows no such name."""
        key = normalise(phrase)
        if not key or key in _NOT_NAMES:
            return None
        if key in self._cache:
            return self._cache[key]
        found = self._lookup(phrase)
        self._cache[key] = found
        return found

    def _lookup(self, phrase: str) -> Mention | None:
        actor = self.resolver.resolve_actor(phrase)
        if actor.iri:
            return Mention(0, 0, phrase, "actor", actor.iri, "", actor.method)
        place = self._place(phrase)
        if place is not None:
            return place
        if actor.method == "ambiguous":
            return Mention(
                0, 0, phrase, "actor", None, "", "ambiguous", self.resolver.actor_candidates(phrase)
            )
        return None

    def _place(self, phrase: str) -> Mention | None:
        r = self.resolver
        same = [c for c in r.place_candidates(phrase, limit=20) if c.score >= 1.0]
        entries = [(c, r.place(c.iri)) for c in same]
        local = [
            (c, e)
            for c, e in entries
            if e is not None and e.level in ("settlement", "site", "other")
        ]
        if self.countries and len(local) > 1:
            inside = [(c, e) for c, e in local if e.ancestors & set(self.countries)]
            local = inside or local
        if len(local) == 1 and not re.search(r"\bregion\b", phrase, re.IGNORECASE):
            c, e = local[0]
            return Mention(0, 0, phrase, "place", c.iri, e.level, "unique name")  # type: ignore[union-attr]
        for level in ("admin1", "admin2", "country"):
            res = r.resolve_admin(phrase, level)  # type: ignore[arg-type]
            if res.iri:
                return Mention(0, 0, phrase, "place", res.iri, level, res.method)
        if len(local) > 1:
            return Mention(
                0, 0, phrase, "place", None, "", "ambiguous", tuple(c for c, _e in local[:3])
            )
        return None


def _merge_unknown(mentions: list[Mention], text: str) -> list[Mention]:
    # Adjacent unknown capitalised words are one unknown name ("Ougarou", "Tin Akoff").
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "name"
            and m.kind == "name"
            and re.fullmatch(rf"\s+(?:{_CONN}\s+)?", text[prev.end : m.start])
        ):
            out[-1] = Mention(prev.start, m.end, text[prev.start : m.end], "name")
        else:
            out.append(m)
    return out
