"""The ontology's terms as a closed rdflib namespace: a typo raises instead of minting an IRI.

The term list mirrors ``ontology/conflict.ttl``; ``tests/test_ontology.py`` fails when the
two drift. After changing the ontology, regenerate the list with
``python -m kg.namespace`` and paste its output here.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from rdflib import Graph
from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

from kg.terms import CKG_NS


class CKG(DefinedNamespace):
    """Classes, properties and named individuals of the conflict-kg ontology."""

    _NS = Namespace(CKG_NS)
    _fail = True

    Accepted: URIRef  # accepted
    AcledTypeScheme: URIRef  # ACLED event and sub-event types
    Actor: URIRef  # actor
    AdminRegion: URIRef  # administrative region
    AdministrativeSite: URIRef  # administrative site
    Approximately: URIRef  # approximately
    ArmedGroup: URIRef  # armed group
    Attack: URIRef  # attack
    AttackOnAdministrativeSite: URIRef  # attack on an administrative site
    AttackOnCapital: URIRef  # attack on a capital
    AttackOnMilitaryPost: URIRef  # attack on a military post
    AuthorAssessment: URIRef  # author's assessment
    AuthorForecast: URIRef  # author's forecast
    Battle: URIRef  # battle
    Blockade: URIRef  # blockade
    BorderTown: URIRef  # border town
    ByRoad: URIRef  # by road
    Campaign: URIRef  # campaign
    CandidateStatus: URIRef  # candidate status
    Cemetery: URIRef  # cemetery
    CentralLeadership: URIRef  # central leadership
    Cercle: URIRef  # cercle
    Claim: URIRef  # claim
    ClaimedByParty: URIRef  # claimed by a party
    Confirmed: URIRef  # confirmed
    CoordinatedOperation: URIRef  # coordinated operation
    Country: URIRef  # country
    Coup: URIRef  # coup
    Dataset: URIRef  # dataset
    DatePrecision: URIRef  # date precision
    DayPrecision: URIRef  # day
    Dissolution: URIRef  # dissolution
    Distance: URIRef  # distance
    Document: URIRef  # document
    Event: URIRef  # event
    EventTypeScheme: URIRef  # conflict-kg event types
    Exactly: URIRef  # exactly
    Faction: URIRef  # faction
    Factory: URIRef  # factory
    ForeignForce: URIRef  # foreign force
    Formation: URIRef  # formation
    Founder: URIRef  # founder
    Government: URIRef  # government
    HeadOfState: URIRef  # head of state
    HostageTaking: URIRef  # hostage taking
    JihadistGroup: URIRef  # jihadist group
    Leader: URIRef  # leader
    MemberRole: URIRef  # member
    Membership: URIRef  # membership
    Merger: URIRef  # merger
    MilitaryBase: URIRef  # military base
    MilitaryInstallation: URIRef  # military installation
    MilitaryIntervention: URIRef  # military intervention
    MilitaryJunta: URIRef  # military junta
    MilitaryPost: URIRef  # military post
    MilitaryPresence: URIRef  # military presence
    MilitaryWithdrawal: URIRef  # military withdrawal
    Modality: URIRef  # modality
    MonthPrecision: URIRef  # month
    MoreThan: URIRef  # more than
    NationalCapital: URIRef  # national capital
    Nearly: URIRef  # nearly
    Organization: URIRef  # organisation
    OrganizationalChange: URIRef  # organisational change
    Passage: URIRef  # passage
    Pending: URIRef  # pending
    Person: URIRef  # person
    Place: URIRef  # place
    PlaceRole: URIRef  # place role
    Protest: URIRef  # protest
    Recruitment: URIRef  # recruitment
    ReferenceData: URIRef  # reference data
    Refused: URIRef  # refused
    RegionalCapital: URIRef  # regional capital
    Rejected: URIRef  # rejected
    ReligiousCentre: URIRef  # religious centre
    RemoteViolence: URIRef  # explosion or remote violence
    Rename: URIRef  # rename
    Reported: URIRef  # reported
    Riot: URIRef  # riot
    Role: URIRef  # role
    SecurityMeasure: URIRef  # security measure
    SelfDefenceGroup: URIRef  # self-defence group
    Settlement: URIRef  # settlement
    Site: URIRef  # site
    Split: URIRef  # split
    Spokesperson: URIRef  # spokesperson
    StateArmedForce: URIRef  # state armed force
    StraightLine: URIRef  # straight line
    StrategicDevelopment: URIRef  # strategic development
    TerritorialControl: URIRef  # territorial control
    Town: URIRef  # town
    UnitCommand: URIRef  # unit command
    UnitCommander: URIRef  # unit commander
    Vandalism: URIRef  # vandalism
    Village: URIRef  # village
    ViolenceAgainstCivilians: URIRef  # violence against civilians
    ViolentEvent: URIRef  # violent event
    WeekPrecision: URIRef  # week
    YearPrecision: URIRef  # year
    about: URIRef  # about
    acledEventType: URIRef  # ACLED event type
    acledId: URIRef  # ACLED event ID
    actor: URIRef  # actor
    allegianceTo: URIRef  # allegiance to
    announcedDate: URIRef  # announced date
    areaOfOperation: URIRef  # area of operation
    assertedProperty: URIRef  # asserted property
    associatedActor: URIRef  # associated actor
    attackKind: URIRef  # attack kind
    borders: URIRef  # borders
    candidateStatus: URIRef  # candidate status
    capitalOf: URIRef  # capital of
    causedBy: URIRef  # caused by
    changeInput: URIRef  # change input
    changeOutput: URIRef  # change output
    civilianTargeting: URIRef  # civilian targeting
    claimant: URIRef  # claimant
    confidence: URIRef  # confidence
    contains: URIRef  # contains
    countryCode: URIRef  # country code
    countryOf: URIRef  # country of
    datePrecision: URIRef  # date precision
    describedIn: URIRef  # described in
    disorderType: URIRef  # disorder type
    dissolutionDate: URIRef  # dissolution date
    distanceBound: URIRef  # distance bound
    distanceFrom: URIRef  # distance from
    distanceMeasure: URIRef  # distance measure
    distanceTo: URIRef  # distance to
    endDate: URIRef  # end date
    endDay: URIRef  # end day
    eventType: URIRef  # event type
    eventTypeConcept: URIRef  # event type concept
    extractionRule: URIRef  # extraction rule
    factionOf: URIRef  # faction of
    fatalities: URIRef  # fatalities
    featureCode: URIRef  # feature code
    followed: URIRef  # followed
    foundingDate: URIRef  # founding date
    fromAttack: URIRef  # from attack
    gapDays: URIRef  # gap in days
    geoPrecision: URIRef  # geographic precision
    geonamesId: URIRef  # GeoNames ID
    governs: URIRef  # governs
    hasFaction: URIRef  # has faction
    hasPart: URIRef  # has part
    holdsMembership: URIRef  # holds membership
    hostageCount: URIRef  # hostage count
    inDocument: URIRef  # in document
    inGroup: URIRef  # in group
    inRegion: URIRef  # in region
    inSequence: URIRef  # in sequence
    inTown: URIRef  # in town
    interCode: URIRef  # ACLED inter code
    intervalEnd: URIRef  # interval end
    intervalStart: URIRef  # interval start
    issuedNotBefore: URIRef  # issued not before
    kilometres: URIRef  # kilometres
    latitude: URIRef  # latitude
    listedOn: URIRef  # listed on
    locatedIn: URIRef  # located in
    longitude: URIRef  # longitude
    member: URIRef  # member
    memberOf: URIRef  # member of
    modality: URIRef  # modality
    occurredIn: URIRef  # occurred in
    organization: URIRef  # organisation
    paragraph: URIRef  # paragraph
    partOf: URIRef  # part of
    passage: URIRef  # passage
    perpetrator: URIRef  # perpetrator
    place: URIRef  # place
    placeRole: URIRef  # place role
    population: URIRef  # population
    populationAtLeast: URIRef  # population at least
    position: URIRef  # position
    possibleActor: URIRef  # possible actor
    predecessorOf: URIRef  # predecessor of
    resolutionCandidate: URIRef  # resolution candidate
    reviewNote: URIRef  # review note
    role: URIRef  # role
    sanctionsReference: URIRef  # sanctions reference
    scope: URIRef  # scope
    scopeGroup: URIRef  # scope group
    scopeKind: URIRef  # scope kind
    sequenceTown: URIRef  # sequence town
    shortestSoFarIn: URIRef  # shortest so far in
    sourceName: URIRef  # source name
    startDate: URIRef  # start date
    startDay: URIRef  # start day
    statement: URIRef  # statement
    successorOf: URIRef  # successor of
    superClass: URIRef  # super class
    tag: URIRef  # tag
    target: URIRef  # target
    targetActor: URIRef  # target actor
    text: URIRef  # text
    toAttack: URIRef  # to attack
    unattributed: URIRef  # unattributed
    unresolvedName: URIRef  # unresolved name
    wikidataId: URIRef  # Wikidata ID
    withdrawalFrom: URIRef  # withdrawal from
    withinEvent: URIRef  # within event


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The bundled ``conflict.ttl`` as an rdflib graph, parsed once per process.

    Shared by every reader: do not add to it (copy it first, ``Graph() + ontology_graph()``).
    """
    text = files("kg.ontology").joinpath("conflict.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def ontology_terms() -> list[str]:
    """Local names of every term the ontology defines, read from the bundled conflict.ttl."""
    return sorted(
        {str(s)[len(CKG_NS) :] for s in ontology_graph().subjects() if str(s).startswith(CKG_NS)}
    )


if __name__ == "__main__":
    for name in ontology_terms():
        print(f"    {name}: URIRef")
