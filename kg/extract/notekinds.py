"""The ACLED event type of a short note (battles, violence against civilians, explosions/remote
violence, protests, riots, strategic developments), from cue words.

ACLED's conventions decide the close calls: explosives found or defused are a strategic
development; an IED that opens an exchange of fire is a battle; a protest about a killing
stays a protest, one that clashes is a riot; soldiers killed or wounded make a battle.
"""

from __future__ import annotations

import re

from kg.extract.patterns import ci

_PROTEST = ci(
    r"\b(protest\w*|demonstrat\w*|sit-in|(?-i:march(?:ed|es)?)\b|rall(?:y|ies|ied)|strike|"
    r"took to the streets?|took the streets?|(?:went|walk(?:ed)?) (?:down |out )?(?:to|into) the "
    r"streets?|work stoppage|stoppage|boycott\w*|gathered)"
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
    if protest is None and not _ARMED_GROUP.search(text):
        protest = _BLOCKADE.search(text)
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


#: Blocking a road or a building to press a demand: a protest when no armed group does it.
_BLOCKADE = ci(
    r"\b(?:blocked (?:the |a )?(?:\w+ ){0,2}?(?:road|roads|street|junction|route|access|entrance)|"
    r"closed down the (?:town hall|office|high commissioner)\w*)"
)
_ARMED_GROUP = ci(r"\b(?:militants?|jihadists?|gunmen|terrorists?|armed|assailants|rebels?)\b")
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
