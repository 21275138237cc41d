"""The ACLED importer's vocabulary: event types to ckg classes, and the terms it writes.

Terms are N-Triples text (``<iri>``), because the importer writes triples as text
(:mod:`kg.rdfio.ntriples`).
"""

from __future__ import annotations

from kg.rdfio.ntriples import GEO, XSD
from kg.terms import CKG_NS, ID

#: ACLED sub-event types (and event types, for rows without one) → ckg event classes.
#: Battles, explosions/remote violence and violence against civilians are attacks on their
#: place (ckg:Attack is written beside the finer class, so that a store holding only
#: imported data, without the ontology, still knows them); protests, riots and strategic
#: developments are not.
SUB_EVENT_CLASSES: dict[str, tuple[str, ...]] = {
    "armed clash": ("Attack", "Battle"),
    "government regains territory": ("Attack", "Battle", "TerritorialControl"),
    "non state actor overtakes territory": ("Attack", "Battle", "TerritorialControl"),
    "chemical weapon": ("Attack", "RemoteViolence"),
    "air drone strike": ("Attack", "RemoteViolence"),
    "suicide bomb": ("Attack", "RemoteViolence"),
    "shelling artillery missile attack": ("Attack", "RemoteViolence"),
    "remote explosive landmine ied": ("Attack", "RemoteViolence"),
    "grenade": ("Attack", "RemoteViolence"),
    "sexual violence": ("Attack", "ViolenceAgainstCivilians"),
    "attack": ("Attack", "ViolenceAgainstCivilians"),
    "abduction forced disappearance": ("Attack", "ViolenceAgainstCivilians", "HostageTaking"),
    "peaceful protest": ("Protest",),
    "protest with intervention": ("Protest",),
    "excessive force against protesters": ("Protest",),
    "violent demonstration": ("Riot",),
    "mob violence": ("Riot",),
    "agreement": ("StrategicDevelopment",),
    "arrests": ("StrategicDevelopment",),
    "change to group activity": ("StrategicDevelopment",),
    "disrupted weapons use": ("StrategicDevelopment",),
    "headquarters or base established": ("StrategicDevelopment", "MilitaryPresence"),
    "looting property destruction": ("StrategicDevelopment", "Vandalism"),
    "non violent transfer of territory": ("StrategicDevelopment", "TerritorialControl"),
    "other": ("StrategicDevelopment",),
}
EVENT_TYPE_CLASSES: dict[str, tuple[str, ...]] = {
    "battles": ("Attack", "Battle"),
    "explosions remote violence": ("Attack", "RemoteViolence"),
    "violence against civilians": ("Attack", "ViolenceAgainstCivilians"),
    "protests": ("Protest",),
    "riots": ("Riot",),
    "strategic developments": ("StrategicDevelopment",),
}
#: Legacy event types (no sub-event type); "Riots/Protests" cannot be split and is a protest.
LEGACY_CLASSES: dict[str, tuple[str, ...]] = {
    "battle no change of territory": ("Attack", "Battle"),
    "battle government regains territory": ("Attack", "Battle", "TerritorialControl"),
    "battle non state actor overtakes territory": ("Attack", "Battle", "TerritorialControl"),
    "remote violence": ("Attack", "RemoteViolence"),
    "violence against civilians": ("Attack", "ViolenceAgainstCivilians"),
    "riots protests": ("Protest",),
    "strategic development": ("StrategicDevelopment",),
    "headquarters or base established": ("StrategicDevelopment", "MilitaryPresence"),
    "non violent transfer of territory": ("StrategicDevelopment", "TerritorialControl"),
}
SPELLINGS = {
    "excessive force against protestors": "excessive force against protesters",
    "strategic development": "strategic developments",
}

#: ACLED inter codes → the ckg class of a new actor node.
INTER_CLASSES = {
    "1": "StateArmedForce",
    "2": "ArmedGroup",
    "3": "ArmedGroup",
    "4": "SelfDefenceGroup",
    "5": "Actor",
    "6": "Actor",
    "7": "Actor",
    "8": "ForeignForce",
}

C = CKG_NS
P = {
    name: f"<{C}{name}>"
    for name in (
        "eventType",
        "acledEventType",
        "acledId",
        "startDate",
        "endDate",
        "datePrecision",
        "place",
        "perpetrator",
        "targetActor",
        "associatedActor",
        "fatalities",
        "geoPrecision",
        "disorderType",
        "civilianTargeting",
        "tag",
        "unattributed",
        "interCode",
        "about",
        "passage",
        "modality",
        "sourceName",
        "text",
        "inDocument",
        "paragraph",
        "locatedIn",
        "latitude",
        "longitude",
    )
}
PRECISION = {"1": f"<{C}DayPrecision>", "2": f"<{C}WeekPrecision>", "3": f"<{C}MonthPrecision>"}
SKOS_ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
POSSIBLE = f"<{C}possibleActor>"
TRUE = f'"true"^^<{XSD}boolean>'
HAS_GEOMETRY = f"<{GEO}hasGeometry>"
AS_WKT = f"<{GEO}asWKT>"
GEOMETRY = f"<{GEO}Geometry>"

ACLED_CREATOR = "Armed Conflict Location & Event Data Project (ACLED)"
ACLED_RIGHTS = "ACLED Terms of Use and attribution policy: cite ACLED"

#: Prefixes of the nodes this importer mints; they are found again by key, not by name.
MINTED = (f"{ID}actor/acled/", f"{ID}place/acled/", f"{ID}place/country/")
ADMIN_CLASSES = {
    "country": "Country",
    "admin1": "AdminRegion",
    "admin2": "Cercle",
    "admin3": "Place",
}
