"""Reasoning: one test per ontology axiom the rules engine applies, in the OWL-RL test style.

Each axiom test is named after the axiom, quotes it in its docstring, checks that the
bundled ontology really states it, and checks what the ``rules`` engine derives from a
few triples. Later tests cover the profiles, the store round trip (only new triples, in
the inferred graph, replacing the previous run, clearing "stale"), the CLI, and a
comparison with the owlrl library's closure.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from kg.cli.main import cli
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from kg.namespace import CKG
from kg.reasoning import (
    RuleSet,
    bundled_ontology,
    compile_rules,
    infer_graph,
    inferred_state,
    owlrl_closure,
    reason,
)
from kg.terms import ID, INFERRED_GRAPH

PREFIXES = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix ckgid: <https://w3id.org/conflict-kg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
"""

ONTOLOGY = bundled_ontology()
GEO_SF_WITHIN = URIRef("http://www.opengis.net/ont/geosparql#sfWithin")
ORG = "http://www.w3.org/ns/org#"


_CKGID = re.compile(r"\bckgid:([A-Za-z0-9_/.-]*[A-Za-z0-9_-])")


def _i(local: str) -> URIRef:
    return ID[local]


def _data(ttl: str) -> Graph:
    # Instance IRIs have slashes, which Turtle's prefixed names do not allow unescaped:
    # ckgid:group/jnim is written out in full before parsing.
    text = _CKGID.sub(lambda m: f"<{ID}{m.group(1)}>", ttl)
    return Graph().parse(data=PREFIXES + text, format="turtle")


def _infer(ttl: str, profile: str = "owlrl", scope: str = "all") -> set[tuple]:
    # Axiom tests look at every consequence, aligned vocabularies included.
    return set(infer_graph(_data(ttl), ONTOLOGY, profile, scope).triples)


def _stated(*triple: object) -> None:
    assert tuple(triple) in ONTOLOGY, f"the ontology no longer states {triple}"


def _chain(prop: URIRef) -> list:
    head = ONTOLOGY.value(prop, OWL.propertyChainAxiom)
    assert head is not None, f"{prop} has no property chain"
    return list(Collection(ONTOLOGY, head))


def _all_disjoint_with(*members: URIRef) -> bool:
    for group in ONTOLOGY.subjects(RDF.type, OWL.AllDisjointClasses):
        listed = set(Collection(ONTOLOGY, ONTOLOGY.value(group, OWL.members)))
        if set(members) <= listed:
            return True
    return False


# --------------------------------------------------------------------------------------
# Property axioms
# --------------------------------------------------------------------------------------


def test_predecessorOf_inverseOf_successorOf() -> None:
    """ckg:predecessorOf owl:inverseOf ckg:successorOf ."""
    _stated(CKG.predecessorOf, OWL.inverseOf, CKG.successorOf)
    new = _infer("ckgid:group/ansar-dine ckg:predecessorOf ckgid:group/jnim .")
    assert (_i("group/jnim"), CKG.successorOf, _i("group/ansar-dine")) in new
    back = _infer("ckgid:group/jnim ckg:successorOf ckgid:group/mujao .")
    assert (_i("group/mujao"), CKG.predecessorOf, _i("group/jnim")) in back


def test_predecessorOf_TransitiveProperty() -> None:
    """ckg:predecessorOf a owl:TransitiveProperty ."""
    _stated(CKG.predecessorOf, RDF.type, OWL.TransitiveProperty)
    new = _infer(
        """ckgid:group/mujao ckg:predecessorOf ckgid:group/al-mourabitoun .
           ckgid:group/al-mourabitoun ckg:predecessorOf ckgid:group/jnim ."""
    )
    assert (_i("group/mujao"), CKG.predecessorOf, _i("group/jnim")) in new
    assert (_i("group/jnim"), CKG.successorOf, _i("group/mujao")) in new


def test_successorOf_TransitiveProperty() -> None:
    """ckg:successorOf a owl:TransitiveProperty ."""
    _stated(CKG.successorOf, RDF.type, OWL.TransitiveProperty)
    new = _infer(
        """ckgid:group/c ckg:successorOf ckgid:group/b . ckgid:group/b ckg:successorOf ckgid:group/a ."""
    )
    assert (_i("group/c"), CKG.successorOf, _i("group/a")) in new


def test_locatedIn_TransitiveProperty() -> None:
    """ckg:locatedIn a owl:TransitiveProperty ."""
    _stated(CKG.locatedIn, RDF.type, OWL.TransitiveProperty)
    new = _infer(
        """ckgid:place/site/kayes-military-post ckg:locatedIn ckgid:place/kayes .
           ckgid:place/kayes ckg:locatedIn ckgid:place/kayes-region .
           ckgid:place/kayes-region ckg:locatedIn ckgid:place/mali ."""
    )
    post = _i("place/site/kayes-military-post")
    assert (post, CKG.locatedIn, _i("place/kayes-region")) in new
    assert (post, CKG.locatedIn, _i("place/mali")) in new
    assert (_i("place/kayes"), CKG.locatedIn, _i("place/mali")) in new


def test_locatedIn_inverseOf_contains() -> None:
    """ckg:locatedIn owl:inverseOf ckg:contains ."""
    _stated(CKG.locatedIn, OWL.inverseOf, CKG.contains)
    new = _infer("ckgid:place/kayes ckg:locatedIn ckgid:place/kayes-region .")
    assert (_i("place/kayes-region"), CKG.contains, _i("place/kayes")) in new


def test_contains_TransitiveProperty() -> None:
    """ckg:contains a owl:TransitiveProperty ."""
    _stated(CKG.contains, RDF.type, OWL.TransitiveProperty)
    new = _infer(
        """ckgid:place/mali ckg:contains ckgid:place/kayes-region .
           ckgid:place/kayes-region ckg:contains ckgid:place/kayes ."""
    )
    assert (_i("place/mali"), CKG.contains, _i("place/kayes")) in new


def test_locatedIn_subPropertyOf_geo_sfWithin() -> None:
    """ckg:locatedIn rdfs:subPropertyOf geo:sfWithin ."""
    _stated(CKG.locatedIn, RDFS.subPropertyOf, GEO_SF_WITHIN)
    new = _infer("ckgid:place/kayes ckg:locatedIn ckgid:place/kayes-region .")
    assert (_i("place/kayes"), GEO_SF_WITHIN, _i("place/kayes-region")) in new


def test_partOf_inverseOf_hasPart() -> None:
    """ckg:partOf owl:inverseOf ckg:hasPart ."""
    _stated(CKG.partOf, OWL.inverseOf, CKG.hasPart)
    new = _infer(
        "ckgid:event/2025-07-01-kayes-attack ckg:partOf ckgid:event/2025-07-01-jnim-operation ."
    )
    assert (
        _i("event/2025-07-01-jnim-operation"),
        CKG.hasPart,
        _i("event/2025-07-01-kayes-attack"),
    ) in new


def test_partOf_TransitiveProperty() -> None:
    """ckg:partOf a owl:TransitiveProperty ."""
    _stated(CKG.partOf, RDF.type, OWL.TransitiveProperty)
    new = _infer(
        """ckgid:event/hostages ckg:partOf ckgid:event/kayes-attack .
           ckgid:event/kayes-attack ckg:partOf ckgid:event/operation ."""
    )
    assert (_i("event/hostages"), CKG.partOf, _i("event/operation")) in new
    assert (_i("event/operation"), CKG.hasPart, _i("event/hostages")) in new


def test_occurredIn_propertyChainAxiom_place_locatedIn() -> None:
    """ckg:occurredIn owl:propertyChainAxiom ( ckg:place ckg:locatedIn ) .

    An attack on a post located in a town occurred in that town, its region and country.
    """
    assert _chain(CKG.occurredIn) == [CKG.place, CKG.locatedIn]
    new = _infer(
        """ckgid:event/e1 ckg:place ckgid:place/site/kayes-military-post .
           ckgid:place/site/kayes-military-post ckg:locatedIn ckgid:place/kayes .
           ckgid:place/kayes ckg:locatedIn ckgid:place/kayes-region .
           ckgid:place/kayes-region ckg:locatedIn ckgid:place/mali ."""
    )
    for where in ("place/kayes", "place/kayes-region", "place/mali"):
        assert (_i("event/e1"), CKG.occurredIn, _i(where)) in new


def test_place_subPropertyOf_occurredIn() -> None:
    """ckg:place rdfs:subPropertyOf ckg:occurredIn ."""
    _stated(CKG.place, RDFS.subPropertyOf, CKG.occurredIn)
    new = _infer("ckgid:event/e1 ckg:place ckgid:place/kayes .")
    assert (_i("event/e1"), CKG.occurredIn, _i("place/kayes")) in new


def test_withdrawalFrom_subPropertyOf_place() -> None:
    """ckg:withdrawalFrom rdfs:subPropertyOf ckg:place ."""
    _stated(CKG.withdrawalFrom, RDFS.subPropertyOf, CKG.place)
    new = _infer(
        """ckgid:event/w ckg:withdrawalFrom ckgid:place/site/boulkessi-base .
           ckgid:place/site/boulkessi-base ckg:locatedIn ckgid:place/boulkessi ."""
    )
    assert (_i("event/w"), CKG.place, _i("place/site/boulkessi-base")) in new
    assert (_i("event/w"), CKG.occurredIn, _i("place/boulkessi")) in new


def test_memberOf_propertyChainAxiom_holdsMembership_organization() -> None:
    """ckg:memberOf owl:propertyChainAxiom ( ckg:holdsMembership ckg:organization ) ."""
    assert _chain(CKG.memberOf) == [CKG.holdsMembership, CKG.organization]
    new = _infer(
        """ckgid:membership/m1 ckg:member ckgid:person/iyad-ag-ghali ;
               ckg:organization ckgid:group/jnim ."""
    )
    assert (_i("person/iyad-ag-ghali"), CKG.memberOf, _i("group/jnim")) in new


def test_holdsMembership_inverseOf_member() -> None:
    """ckg:holdsMembership owl:inverseOf ckg:member ."""
    _stated(CKG.holdsMembership, OWL.inverseOf, CKG.member)
    new = _infer("ckgid:membership/m1 ckg:member ckgid:person/amadou-koufa .")
    assert (_i("person/amadou-koufa"), CKG.holdsMembership, _i("membership/m1")) in new


def test_factionOf_inverseOf_hasFaction() -> None:
    """ckg:factionOf owl:inverseOf ckg:hasFaction ."""
    _stated(CKG.factionOf, OWL.inverseOf, CKG.hasFaction)
    new = _infer("ckgid:group/jnim ckg:hasFaction ckgid:group/jnim/unit/benin .")
    assert (_i("group/jnim/unit/benin"), CKG.factionOf, _i("group/jnim")) in new


def test_factionOf_subPropertyOf_org_subOrganizationOf() -> None:
    """ckg:factionOf rdfs:subPropertyOf org:subOrganizationOf ."""
    _stated(CKG.factionOf, RDFS.subPropertyOf, URIRef(ORG + "subOrganizationOf"))
    new = _infer("ckgid:group/jnim/unit/benin ckg:factionOf ckgid:group/jnim .")
    assert (_i("group/jnim/unit/benin"), URIRef(ORG + "subOrganizationOf"), _i("group/jnim")) in new


def test_perpetrator_subPropertyOf_actor() -> None:
    """ckg:perpetrator rdfs:subPropertyOf ckg:actor ."""
    _stated(CKG.perpetrator, RDFS.subPropertyOf, CKG.actor)
    new = _infer("ckgid:event/e1 ckg:perpetrator ckgid:group/jnim .")
    assert (_i("event/e1"), CKG.actor, _i("group/jnim")) in new


def test_targetActor_subPropertyOf_target_and_actor() -> None:
    """ckg:targetActor rdfs:subPropertyOf ckg:target, ckg:actor ."""
    _stated(CKG.targetActor, RDFS.subPropertyOf, CKG.target)
    _stated(CKG.targetActor, RDFS.subPropertyOf, CKG.actor)
    new = _infer("ckgid:event/e1 ckg:targetActor ckgid:group/fama .")
    assert (_i("event/e1"), CKG.target, _i("group/fama")) in new
    assert (_i("event/e1"), CKG.actor, _i("group/fama")) in new


def test_borders_SymmetricProperty() -> None:
    """ckg:borders a owl:SymmetricProperty ."""
    _stated(CKG.borders, RDF.type, OWL.SymmetricProperty)
    new = _infer("ckgid:place/mali ckg:borders ckgid:place/senegal .")
    assert (_i("place/senegal"), CKG.borders, _i("place/mali")) in new


def test_factionOf_domain_Faction_range_Organization() -> None:
    """ckg:factionOf rdfs:domain ckg:Faction ; rdfs:range ckg:Organization ."""
    _stated(CKG.factionOf, RDFS.domain, CKG.Faction)
    _stated(CKG.factionOf, RDFS.range, CKG.Organization)
    new = _infer("ckgid:group/jnim/unit/benin ckg:factionOf ckgid:group/jnim .")
    assert (_i("group/jnim/unit/benin"), RDF.type, CKG.Faction) in new
    assert (_i("group/jnim"), RDF.type, CKG.Organization) in new


def test_perpetrator_range_Actor() -> None:
    """ckg:perpetrator rdfs:range ckg:Actor ."""
    _stated(CKG.perpetrator, RDFS.range, CKG.Actor)
    new = _infer("ckgid:event/e1 ckg:perpetrator ckgid:group/jnim .")
    assert (_i("group/jnim"), RDF.type, CKG.Actor) in new


def test_startDate_range_xsd_date_types_no_literal() -> None:
    """ckg:startDate rdfs:range xsd:date . (a datatype range says nothing about resources)"""
    _stated(CKG.startDate, RDFS.range, URIRef("http://www.w3.org/2001/XMLSchema#date"))
    new = _infer('ckgid:event/e1 ckg:startDate "2025-07-01"^^xsd:date .')
    assert not [t for t in new if isinstance(t[0], Literal)]
    assert (
        _i("event/e1"),
        URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/hasBeginTimeStamp"),
        Literal("2025-07-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
    ) in new


# --------------------------------------------------------------------------------------
# Class axioms
# --------------------------------------------------------------------------------------


def test_JihadistGroup_subClassOf_ArmedGroup_subClassOf_Organization() -> None:
    """ckg:JihadistGroup rdfs:subClassOf ckg:ArmedGroup . ckg:ArmedGroup rdfs:subClassOf
    ckg:Organization . ckg:Organization rdfs:subClassOf ckg:Actor ."""
    _stated(CKG.JihadistGroup, RDFS.subClassOf, CKG.ArmedGroup)
    _stated(CKG.ArmedGroup, RDFS.subClassOf, CKG.Organization)
    _stated(CKG.Organization, RDFS.subClassOf, CKG.Actor)
    new = _infer("ckgid:group/jnim a ckg:JihadistGroup .")
    for cls in (CKG.ArmedGroup, CKG.Organization, CKG.Actor, URIRef(ORG + "Organization")):
        assert (_i("group/jnim"), RDF.type, cls) in new


def test_UnitCommand_subClassOf_Faction() -> None:
    """ckg:UnitCommand rdfs:subClassOf ckg:Faction . ckg:CentralLeadership rdfs:subClassOf
    ckg:Faction ."""
    _stated(CKG.UnitCommand, RDFS.subClassOf, CKG.Faction)
    _stated(CKG.CentralLeadership, RDFS.subClassOf, CKG.Faction)
    new = _infer(
        """ckgid:group/jnim/unit/benin a ckg:UnitCommand .
           ckgid:group/jnim/leadership a ckg:CentralLeadership ."""
    )
    assert (_i("group/jnim/unit/benin"), RDF.type, CKG.Faction) in new
    assert (_i("group/jnim/leadership"), RDF.type, CKG.Faction) in new


def test_Town_subClassOf_Settlement_subClassOf_Place() -> None:
    """ckg:Town rdfs:subClassOf ckg:Settlement . ckg:Settlement rdfs:subClassOf ckg:Place ."""
    _stated(CKG.Town, RDFS.subClassOf, CKG.Settlement)
    _stated(CKG.Settlement, RDFS.subClassOf, CKG.Place)
    new = _infer("ckgid:place/kayes a ckg:Town .")
    assert (_i("place/kayes"), RDF.type, CKG.Settlement) in new
    assert (_i("place/kayes"), RDF.type, CKG.Place) in new


def test_AttackOnMilitaryPost_equivalentClass_Attack_and_target_some_MilitaryInstallation() -> None:
    """ckg:AttackOnMilitaryPost owl:equivalentClass
    [ owl:intersectionOf ( ckg:Attack [ owl:onProperty ckg:target ;
                                        owl:someValuesFrom ckg:MilitaryInstallation ] ) ] ."""
    assert ONTOLOGY.value(CKG.AttackOnMilitaryPost, OWL.equivalentClass) is not None
    new = _infer(
        """ckgid:event/e1 a ckg:Attack ; ckg:target ckgid:place/site/kayes-military-post .
           ckgid:place/site/kayes-military-post a ckg:MilitaryPost .
           ckgid:event/e2 a ckg:Attack ; ckg:target ckgid:place/kayes ."""
    )
    assert (_i("event/e1"), RDF.type, CKG.AttackOnMilitaryPost) in new
    assert (_i("event/e2"), RDF.type, CKG.AttackOnMilitaryPost) not in new


def test_AttackOnMilitaryPost_is_an_Attack_aimed_at_a_military_installation() -> None:
    """ckg:AttackOnMilitaryPost owl:equivalentClass [ owl:intersectionOf ( ckg:Attack … ) ]
    (the other direction: an asserted member is an attack)."""
    new = _infer("ckgid:event/e3 a ckg:AttackOnMilitaryPost .")
    assert (_i("event/e3"), RDF.type, CKG.Attack) in new
    assert (_i("event/e3"), RDF.type, CKG.Event) in new


def test_AttackOnAdministrativeSite_equivalentClass_Attack_and_target_some_AdministrativeSite() -> (
    None
):
    """ckg:AttackOnAdministrativeSite owl:equivalentClass
    [ owl:intersectionOf ( ckg:Attack [ owl:onProperty ckg:target ;
                                        owl:someValuesFrom ckg:AdministrativeSite ] ) ] ."""
    assert ONTOLOGY.value(CKG.AttackOnAdministrativeSite, OWL.equivalentClass) is not None
    new = _infer(
        """ckgid:event/e1 a ckg:Attack ; ckg:target ckgid:place/site/kayes-governorate .
           ckgid:place/site/kayes-governorate a ckg:AdministrativeSite ."""
    )
    assert (_i("event/e1"), RDF.type, CKG.AttackOnAdministrativeSite) in new


def test_AttackOnCapital_equivalentClass_Attack_and_occurredIn_some_placeRole_NationalCapital() -> (
    None
):
    """ckg:AttackOnCapital owl:equivalentClass [ owl:intersectionOf ( ckg:Attack
    [ owl:onProperty ckg:occurredIn ; owl:someValuesFrom
      [ owl:onProperty ckg:placeRole ; owl:hasValue ckg:NationalCapital ] ] ) ] .

    Needs the chain too: the attack's place is a base located in Bamako.
    """
    assert ONTOLOGY.value(CKG.AttackOnCapital, OWL.equivalentClass) is not None
    new = _infer(
        """ckgid:event/2024-09-17-bamako-attack a ckg:Attack ;
               ckg:place ckgid:place/site/bamako-base .
           ckgid:place/site/bamako-base ckg:locatedIn ckgid:place/bamako .
           ckgid:place/bamako ckg:placeRole ckg:NationalCapital .
           ckgid:event/kayes a ckg:Attack ; ckg:place ckgid:place/kayes .
           ckgid:place/kayes ckg:placeRole ckg:RegionalCapital ."""
    )
    assert (_i("event/2024-09-17-bamako-attack"), RDF.type, CKG.AttackOnCapital) in new
    assert (_i("event/kayes"), RDF.type, CKG.AttackOnCapital) not in new


def test_DatePrecision_oneOf_Day_Week_Month_Year() -> None:
    """ckg:DatePrecision owl:oneOf ( ckg:DayPrecision ckg:WeekPrecision ckg:MonthPrecision
    ckg:YearPrecision ) ."""
    head = ONTOLOGY.value(CKG.DatePrecision, OWL.oneOf)
    assert list(Collection(ONTOLOGY, head)) == [
        CKG.DayPrecision,
        CKG.WeekPrecision,
        CKG.MonthPrecision,
        CKG.YearPrecision,
    ]
    # The oneOf list types its members; with the ontology as data the type is asserted
    # already, so only its superclass follows.
    new = _infer("ckgid:event/e1 ckg:datePrecision ckg:DayPrecision .")
    assert (
        CKG.DayPrecision,
        RDF.type,
        URIRef("http://www.w3.org/2004/02/skos/core#Concept"),
    ) in new


# --------------------------------------------------------------------------------------
# Disjointness: clashes are reported, not materialised
# --------------------------------------------------------------------------------------


def test_Person_disjointWith_Organization() -> None:
    """ckg:Person owl:disjointWith ckg:Organization ."""
    _stated(CKG.Person, OWL.disjointWith, CKG.Organization)
    result = infer_graph(
        _data('ckgid:person/x a ckg:Person, ckg:ArmedGroup ; rdfs:label "X"@en .'), ONTOLOGY
    )
    assert [(c.individual, c.first, c.second) for c in result.clashes] == [
        (_i("person/x"), CKG.Organization, CKG.Person)
    ]
    message = result.clash_messages()[0]
    assert "ckgid:person/x ('X')" in message
    assert "a person (ckg:Person)" in message
    assert "an armed group (ckg:ArmedGroup, a kind of ckg:Organization)" in message
    assert "disjoint" in message


def test_Person_disjointWith_Faction() -> None:
    """ckg:Person owl:disjointWith ckg:Faction ."""
    _stated(CKG.Person, OWL.disjointWith, CKG.Faction)
    # The Faction type comes from the domain of ckg:factionOf.
    result = infer_graph(
        _data("ckgid:person/y a ckg:Person ; ckg:factionOf ckgid:group/jnim ."), ONTOLOGY
    )
    assert {(c.first, c.second) for c in result.clashes} == {(CKG.Faction, CKG.Person)}


def test_AllDisjointClasses_Actor_Place_Event() -> None:
    """[] a owl:AllDisjointClasses ; owl:members ( ckg:Actor ckg:Place ckg:Event
    ckg:Membership ckg:Claim ckg:Passage ckg:Document ) ."""
    assert _all_disjoint_with(CKG.Actor, CKG.Place, CKG.Event, CKG.Membership, CKG.Claim)
    result = infer_graph(_data("ckgid:event/e1 a ckg:Attack, ckg:Town ."), ONTOLOGY)
    assert {(c.first, c.second) for c in result.clashes} == {(CKG.Event, CKG.Place)}


def test_AllDisjointClasses_Country_AdminRegion_Cercle_Settlement_Site() -> None:
    """[] a owl:AllDisjointClasses ; owl:members ( ckg:Country ckg:AdminRegion ckg:Cercle
    ckg:Settlement ckg:Site ) .  (a town is not a region)"""
    assert _all_disjoint_with(CKG.Country, CKG.AdminRegion, CKG.Cercle, CKG.Settlement, CKG.Site)
    clash = infer_graph(_data("ckgid:place/kayes a ckg:Town, ckg:AdminRegion ."), ONTOLOGY)
    assert {(c.first, c.second) for c in clash.clashes} == {(CKG.AdminRegion, CKG.Settlement)}
    fine = infer_graph(_data("ckgid:place/kayes a ckg:Town, ckg:Settlement ."), ONTOLOGY)
    assert fine.clashes == []


# --------------------------------------------------------------------------------------
# Profiles and rule compilation
# --------------------------------------------------------------------------------------


def test_rdfs_profile_has_no_owl_rules() -> None:
    """--profile rdfs applies rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain, rdfs:range only."""
    ttl = """ckgid:group/a ckg:predecessorOf ckgid:group/b . ckgid:group/b ckg:predecessorOf ckgid:group/c .
             ckgid:group/b a ckg:JihadistGroup ."""
    rdfs = _infer(ttl, "rdfs")
    assert (_i("group/b"), RDF.type, CKG.Organization) in rdfs
    assert (_i("group/a"), RDF.type, CKG.Organization) in rdfs  # domain
    assert (_i("group/a"), CKG.predecessorOf, _i("group/c")) not in rdfs
    assert (_i("group/b"), CKG.successorOf, _i("group/a")) not in rdfs
    owl = _infer(ttl, "owlrl")
    assert (_i("group/a"), CKG.predecessorOf, _i("group/c")) in owl


def test_unknown_profile_is_a_usage_error() -> None:
    from kg.errors import UsageError

    with pytest.raises(UsageError, match="--profile 'owl2dl' is unknown"):
        compile_rules(ONTOLOGY, "owl2dl")


def test_long_property_chains_are_split() -> None:
    """A chain of three links p o q o r becomes two two-link rules (helper never written)."""
    tbox = Graph().parse(
        data="""@prefix ex: <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        ex:pqr owl:propertyChainAxiom ( ex:p ex:q ex:r ) .""",
        format="turtle",
    )
    rules: RuleSet = compile_rules(tbox)
    assert len(rules.chains) == 2
    data = Graph().parse(
        data="""@prefix ex: <http://example.org/> . ex:a ex:p ex:b . ex:b ex:q ex:c . ex:c ex:r ex:d .""",
        format="turtle",
    )
    result = infer_graph(data, tbox, scope="all")
    ex = "http://example.org/"
    assert result.triples == [(URIRef(ex + "a"), URIRef(ex + "pqr"), URIRef(ex + "d"))]


def test_only_new_triples_are_returned() -> None:
    """Asserted triples never come back as inferred, even when a rule would derive them."""
    data = _data(
        """ckgid:group/a ckg:predecessorOf ckgid:group/b .
           ckgid:group/b ckg:successorOf ckgid:group/a .
           ckgid:group/b a ckg:JihadistGroup, ckg:Organization ."""
    )
    triples = infer_graph(data, ONTOLOGY).triples
    assert not [t for t in triples if t in data]
    assert len(triples) == len(set(triples))


def test_scope_ckg_writes_only_the_ckg_vocabulary() -> None:
    """--scope ckg (the default) keeps ckg consequences, drops sem:/prov:/org:/geo: ones,
    but still derives through them when a ckg consequence depends on it."""
    ttl = """ckgid:event/e1 a ckg:Attack ; ckg:place ckgid:place/site/p ;
                 ckg:perpetrator ckgid:group/jnim ; ckg:startDate "2025-07-01"^^xsd:date .
             ckgid:place/site/p ckg:locatedIn ckgid:place/kayes ."""
    ckg_only = _infer(ttl, scope="ckg")
    everything = _infer(ttl, scope="all")
    assert ckg_only < everything
    assert (_i("event/e1"), CKG.occurredIn, _i("place/kayes")) in ckg_only
    assert (_i("event/e1"), RDF.type, CKG.Event) in ckg_only
    assert all(str(o if p == RDF.type else p).startswith(str(CKG)) for _, p, o in ckg_only)
    sem_event = URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/Event")
    assert (_i("event/e1"), RDF.type, sem_event) in everything - ckg_only


def test_scope_keeps_rules_that_feed_ckg_consequences() -> None:
    """Pruning to ckg keeps a rule whose premise is outside ckg when its conclusion is in."""
    tbox = Graph().parse(
        data="""@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix ex: <http://example.org/> .
        ex:Warband rdfs:subClassOf ex:Band . ex:Band rdfs:subClassOf ckg:ArmedGroup .
        ex:leads rdfs:subPropertyOf ckg:actor .""",
        format="turtle",
    )
    data = Graph().parse(
        data="""@prefix ex: <http://example.org/> . ex:w a ex:Warband . ex:e ex:leads ex:w .""",
        format="turtle",
    )
    new = set(infer_graph(data, tbox, scope="ckg").triples)
    ex = "http://example.org/"
    assert (URIRef(ex + "w"), RDF.type, CKG.ArmedGroup) in new
    assert (URIRef(ex + "e"), CKG.actor, URIRef(ex + "w")) in new
    assert (URIRef(ex + "w"), RDF.type, URIRef(ex + "Band")) not in new


def test_blank_node_classes_are_not_written() -> None:
    """Restriction classes drive rules but are blank nodes: no rdf:type to a blank node."""
    new = _infer(
        """ckgid:event/e1 a ckg:Attack ; ckg:target ckgid:place/site/p .
           ckgid:place/site/p a ckg:MilitaryPost ."""
    )
    assert not [t for t in new if t[1] == RDF.type and isinstance(t[2], BNode)]


# --------------------------------------------------------------------------------------
# The rules engine against the owlrl library, on the seed graph
# --------------------------------------------------------------------------------------


def _seed_graph() -> Graph:
    """Every triple of the bundled TriG files (the seed report and its reference data)."""
    from importlib.resources import files

    from rdflib import Dataset

    ds = Dataset()
    for entry in sorted(files("kg.ontology.data").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".trig"):
            ds.parse(data=entry.read_text("utf-8"), format="trig")
    graph = Graph()
    for s, p, o, _g in ds.quads():
        graph.add((s, p, o))
    return graph


# What owlrl adds that the rules engine leaves out on purpose: owl:Thing on everything,
# declarations of datatypes and annotation properties, owl:sameAs (functional properties),
# and the closure of the ontology itself.
_NOT_COVERED_OBJECTS = {OWL.Thing, RDFS.Datatype, OWL.AnnotationProperty, OWL.Class}


# owlrl over the whole seed takes ~9 CPU s; the rules engine itself is checked by the fast
# tests above, this cross-check with another engine runs in `make test`.
@pytest.mark.slow
def test_rules_engine_matches_owlrl_on_the_seed_graph() -> None:
    """For every predicate the rules engine writes, it derives exactly what owlrl derives."""
    seed = _seed_graph()
    ours = set(infer_graph(seed, ONTOLOGY, scope="all").triples)
    assert len(ours) > 1000
    theirs_all = owlrl_closure(seed + ONTOLOGY)
    covered = {p for _, p, _ in ours}
    theirs = {
        t
        for t in theirs_all
        if t[1] in covered
        and not isinstance(t[0], (BNode, Literal))
        and not isinstance(t[2], BNode)
        and t[2] not in _NOT_COVERED_OBJECTS
    }
    missing = sorted(theirs - ours)
    extra = sorted(ours - theirs)
    assert missing == [] and extra == [], (missing[:10], extra[:10])
    # The default scope writes exactly owlrl's consequences in the ckg vocabulary.
    ckg_only = set(infer_graph(seed, ONTOLOGY).triples)
    expected = {t for t in theirs if str(t[2] if t[1] == RDF.type else t[1]).startswith(str(CKG))}
    assert ckg_only == expected
    assert len(ckg_only) < len(ours)
    # The questions' key consequences are among them.
    kayes_post_attack = _i("event/2025-07-01-kayes-attack")
    kayes_region = _i("place/geonames/2455517")
    assert (kayes_post_attack, CKG.occurredIn, kayes_region) in ours
    assert (_i("group/mujao"), CKG.predecessorOf, _i("group/jnim")) in ours


# --------------------------------------------------------------------------------------
# Against the store: only new triples, in the inferred graph, replacing the last run
# --------------------------------------------------------------------------------------


FIXTURE = Path(__file__).parent / "fixtures" / "reasoning" / "lineage-and-factions.ttl"


def _ckg(runner: CliRunner, store_dir: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, ["--store", str(store_dir), *args], catch_exceptions=False)


def test_reason_writes_only_new_triples_into_the_inferred_graph(bundled_store) -> None:  # type: ignore[no-untyped-def]
    result = reason(bundled_store)
    assert result.written
    inferred = {i.iri: i.triples for i in bundled_store.graphs()}[INFERRED_GRAPH]
    assert inferred == len(result.triples) == len(set(result.triples)) > 400
    duplicated = bundled_store.query(
        "ASK WHERE { GRAPH ?inferred { ?s ?p ?o } GRAPH ?g { ?s ?p ?o } FILTER(?g != ?inferred) }",
        {"inferred": INFERRED_GRAPH},
    )
    assert duplicated.boolean is False
    # What the questions rely on is there: the chain through a military post to the region.
    assert bundled_store.query(
        "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> ASK WHERE { GRAPH ?inferred "
        "{ <https://w3id.org/conflict-kg/id/event/2025-07-01-kayes-attack> ckg:occurredIn "
        "<https://w3id.org/conflict-kg/id/place/geonames/2455517> } }",
        {"inferred": INFERRED_GRAPH},
    ).boolean


def test_reason_replaces_the_previous_run(bundled_store) -> None:  # type: ignore[no-untyped-def]
    from kg.loading import load_sources, source_for_file

    first = len(reason(bundled_store).triples)
    assert len(reason(bundled_store).triples) == first  # recomputed, not accumulated
    load_sources(bundled_store, [source_for_file(FIXTURE, None)])
    more = len(reason(bundled_store).triples)
    assert more > first
    bundled_store.drop_graph(URIRef("https://w3id.org/conflict-kg/graph/file/lineage-and-factions"))
    assert len(reason(bundled_store).triples) == first
    assert {i.iri: i.triples for i in bundled_store.graphs()}[INFERRED_GRAPH] == first


def test_reasoning_ignores_the_previous_inferred_graph(bundled_store) -> None:  # type: ignore[no-untyped-def]
    """A consequence whose premise is gone disappears: inferred triples are never premises."""
    bundled_store.replace_graph(
        INFERRED_GRAPH, [(_i("group/x"), CKG.predecessorOf, _i("group/jnim"))], source="test"
    )
    result = reason(bundled_store)
    assert (_i("group/jnim"), CKG.successorOf, _i("group/x")) not in result.triples
    assert (_i("group/x"), CKG.predecessorOf, _i("group/jnim")) not in result.triples


def test_load_marks_stale_query_warns_reason_clears(
    runner: CliRunner, bundled_store_dir: Path
) -> None:
    assert _ckg(runner, bundled_store_dir, "reason").exit_code == 0
    loaded = _ckg(runner, bundled_store_dir, "load", "--no-validate", str(FIXTURE))
    assert loaded.exit_code == 0
    graphs = _ckg(runner, bundled_store_dir, "graphs", "-f", "csv")
    inferred_row = next(r for r in graphs.stdout.splitlines() if "/graph/inferred" in r)
    assert inferred_row.endswith("stale")
    asked = _ckg(runner, bundled_store_dir, "query", "run", "events_by_faction_of_group")
    assert "stale" in asked.stderr
    # The fixture's faction event needs ckg:factionOf from ckg:hasFaction: not there yet.
    assert "test-unit-attack" not in asked.stdout
    assert _ckg(runner, bundled_store_dir, "reason").exit_code == 0
    asked = _ckg(runner, bundled_store_dir, "query", "run", "events_by_faction_of_group")
    assert "stale" not in asked.stderr
    assert "test-unit-attack" in asked.stdout


def test_load_with_reason_recomputes(runner: CliRunner, bundled_store_dir: Path) -> None:
    done = _ckg(runner, bundled_store_dir, "load", "--no-validate", "--reason", str(FIXTURE))
    assert done.exit_code == 0, done.stderr
    assert "reasoned:" in done.stderr
    from kg.embedded import open_store

    store = open_store(bundled_store_dir)
    try:
        assert inferred_state(store) == "fresh"
    finally:
        store.close()


def test_reason_cli_reports_counts_by_predicate_and_time(
    runner: CliRunner, bundled_store_dir: Path
) -> None:
    done = _ckg(runner, bundled_store_dir, "reason")
    assert done.exit_code == 0
    assert done.stdout == ""  # counts are messages: stderr
    assert re.search(
        r"reason: \d+ new triples into the inferred graph .* in \d+\.\d+ s", done.stderr
    )
    assert re.search(r"^\s+ckg:occurredIn\s+\d+$", done.stderr, re.MULTILINE)
    assert re.search(r"^\s+rdf:type\s+\d+$", done.stderr, re.MULTILINE)
    quiet = runner.invoke(cli, ["--store", str(bundled_store_dir), "-q", "reason"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_reason_cli_rdfs_profile(runner: CliRunner, bundled_store_dir: Path) -> None:
    done = _ckg(runner, bundled_store_dir, "reason", "--profile", "rdfs")
    assert done.exit_code == 0
    assert "profile rdfs" in done.stderr
    assert "ckg:successorOf" not in done.stderr  # inverses are OWL, not RDFS
    assert re.search(r"^\s+rdf:type\s+\d+$", done.stderr, re.MULTILINE)


def test_reason_cli_unknown_profile_is_usage(runner: CliRunner, bundled_store_dir: Path) -> None:
    done = runner.invoke(cli, ["--store", str(bundled_store_dir), "reason", "--profile", "dl"])
    assert done.exit_code == 2


def test_reason_cli_on_a_missing_store_exits_3(runner: CliRunner, tmp_path: Path) -> None:
    done = runner.invoke(cli, ["--store", str(tmp_path / "nothing"), "reason"])
    assert done.exit_code == 3
    assert "no ckg store" in done.stderr
    assert not (tmp_path / "nothing").exists()


def test_reason_cli_warns_about_clashes(
    runner: CliRunner, bundled_store_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .\n"
        "<https://w3id.org/conflict-kg/id/person/x> a ckg:Person, ckg:ArmedGroup .\n",
        encoding="utf-8",
    )
    assert _ckg(runner, bundled_store_dir, "load", "--no-validate", str(bad)).exit_code == 0
    done = _ckg(runner, bundled_store_dir, "reason")
    assert done.exit_code == 1  # materialised anyway, but the graph is inconsistent (issue 19)
    assert "INCONSISTENT" in done.stderr
    assert "warning: 1 clash(es)" in done.stderr
    assert "ckgid:person/x is a person (ckg:Person) and an armed group" in done.stderr


def test_owlrl_engine_on_a_small_store(store) -> None:  # type: ignore[no-untyped-def]
    """--engine owlrl runs the owlrl library (ontology added when the store lacks it)."""
    store.replace_graph(
        URIRef("https://w3id.org/conflict-kg/graph/file/t"),
        _data(
            """ckgid:group/mujao ckg:predecessorOf ckgid:group/al-mourabitoun .
               ckgid:group/al-mourabitoun ckg:predecessorOf ckgid:group/jnim ."""
        ),
    )
    result = reason(store, engine="owlrl")
    assert result.engine == "owlrl"
    assert (_i("group/mujao"), CKG.predecessorOf, _i("group/jnim")) in result.triples
    assert (_i("group/jnim"), CKG.successorOf, _i("group/mujao")) in result.triples


# --------------------------------------------------------------------------------------
# The inference questions
# --------------------------------------------------------------------------------------

# Golden answers of the four inference questions (tests/golden/, "reason": true) are
# checked by tests/test_questions.py; here: that they need inference, and the branches
# the seed graph does not exercise (predecessors, "as of", factions), on a fixture.


def test_inference_questions_need_the_inferred_graph(bundled_store) -> None:  # type: ignore[no-untyped-def]
    from kg.catalogue import run_question

    reason(bundled_store)
    with_inference = run_question(bundled_store, "events_in_region", {})
    without = run_question(bundled_store, "events_in_region", {}, include_inferred=False)
    assert len(with_inference.rows) == 12 and without.rows == []


def _fixture_store(bundled_store):  # type: ignore[no-untyped-def]
    from kg.loading import load_sources, source_for_file

    load_sources(bundled_store, [source_for_file(FIXTURE, None)])
    reason(bundled_store)
    return bundled_store


def _events(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(row[0]).rsplit("/", 1)[-1] for row in result.rows]


def test_attacks_by_group_and_predecessors_follows_transitive_lineage(bundled_store) -> None:  # type: ignore[no-untyped-def]
    from kg.catalogue import run_question

    store = _fixture_store(bundled_store)
    result = run_question(store, "attacks_by_group_and_predecessors", {"group": "group/jnim"})
    by_event = {str(r[0]).rsplit("/", 1)[-1]: str(r[6]) for r in result.rows}
    # MUJAO -> al-Mourabitoun -> JNIM: a predecessor of a predecessor counts.
    assert by_event["test-mujao-attack"] == "predecessor"
    assert by_event["test-ansar-dine-attack"] == "predecessor"
    # Asserted only as ckg:AttackOnMilitaryPost: an attack through the class axiom.
    assert by_event["test-al-mourabitoun-attack"] == "predecessor"
    assert by_event["2025-07-01-kayes-attack"] == "group"
    assert "test-unit-attack" not in by_event  # a faction's attack is another question
    assert len(by_event) == 15


def test_attacks_by_group_and_predecessors_as_of_a_date(bundled_store) -> None:  # type: ignore[no-untyped-def]
    from kg.catalogue import run_question

    store = _fixture_store(bundled_store)

    def asked(group: str, asof: str) -> list[str]:
        return _events(
            run_question(store, "attacks_by_group_and_predecessors", {"group": group, "asof": asof})
        )

    # In 2016 MUJAO had merged into al-Mourabitoun (2013) but JNIM did not exist (2017).
    assert asked("group/al-mourabitoun", "2016-01-01") == [
        "test-mujao-attack",
        "test-al-mourabitoun-attack",
    ]
    assert asked("group/jnim", "2016-01-01") == []
    assert asked("group/al-mourabitoun", "2013-01-01") == []
    assert asked("group/jnim", "2017-03-02") == [
        "test-mujao-attack",
        "test-ansar-dine-attack",
        "test-al-mourabitoun-attack",
    ]


def test_events_by_faction_of_group_through_hasFaction(bundled_store) -> None:  # type: ignore[no-untyped-def]
    from kg.catalogue import run_question

    store = _fixture_store(bundled_store)
    result = run_question(store, "events_by_faction_of_group", {"group": "group/jnim"})
    assert _events(result) == ["test-unit-attack"]
    assert str(result.dicts()[0]["kind"]) == "unit command"


def test_group_leaders_on_date_includes_unit_commanders_in_office(bundled_store) -> None:  # type: ignore[no-untyped-def]
    from kg.catalogue import run_question

    store = _fixture_store(bundled_store)

    def people(date: str) -> set[tuple[str, str]]:
        result = run_question(store, "group_leaders_on_date", {"group": "group/jnim", "date": date})
        return {(str(d["person"]).rsplit("/", 1)[-1], str(d["kind"])) for d in result.dicts()}

    assert ("test-commander", "unit command") in people("2024-07-01")
    assert ("test-commander", "unit command") not in people("2025-07-01")  # ended 2024-12-31
    assert ("iyad-ag-ghali", "group") in people("2025-07-01")
    assert people("2016-01-01") == set()  # before JNIM's founding


class _ProtocolOnly:
    """The embedded store seen only through the Store protocol (as a remote store is)."""

    def __init__(self, inner):  # type: ignore[no-untyped-def]
        self._inner = inner
        self.location = inner.location

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        if name in ("db", "bulk_replace", "replace_native"):
            raise AttributeError(name)
        return getattr(self._inner, name)


@pytest.mark.parametrize("scope", ["ckg", "all"])
def test_native_and_protocol_paths_agree(bundled_store, scope: str) -> None:  # type: ignore[no-untyped-def]
    """The embedded store's pyoxigraph fast path derives what the SPARQL path derives."""
    from kg.loading import load_sources, source_for_file
    from kg.reasoning import infer_store

    load_sources(bundled_store, [source_for_file(FIXTURE, None)])
    native = infer_store(bundled_store, scope=scope)
    assert native.native is not None
    portable = infer_store(_ProtocolOnly(bundled_store), scope=scope)  # type: ignore[arg-type]
    assert portable.native is None
    assert set(native.triples) == set(portable.triples)
    assert native.count == len(portable.triples) > 400
    assert native.counts() == portable.counts()


def test_bulk_write_into_an_empty_inferred_graph(bundled_store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A big first result goes in with the bulk loader; the graph ends complete and fresh."""
    monkeypatch.setattr("kg.reasoning.store.BULK_WRITE", 10)
    calls: list[str] = []
    original = bundled_store.bulk_replace

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("bulk")
        return original(*args, **kwargs)

    monkeypatch.setattr(bundled_store, "bulk_replace", spy)
    first = reason(bundled_store)
    assert calls == ["bulk"]
    assert {i.iri: i.triples for i in bundled_store.graphs()}[INFERRED_GRAPH] == first.count
    assert inferred_state(bundled_store) == "fresh"
    # Over an existing graph only the difference is written, in one transaction.
    again = reason(bundled_store)
    assert calls == ["bulk"]
    assert set(again.triples) == set(first.triples)


def test_reason_cli_scope_all_adds_aligned_vocabularies(
    runner: CliRunner, bundled_store_dir: Path
) -> None:
    narrow = _ckg(runner, bundled_store_dir, "reason")
    wide = _ckg(runner, bundled_store_dir, "reason", "--scope", "all")
    assert "sem:hasActor" not in narrow.stderr
    assert re.search(r"^\s+sem:hasActor\s+\d+$", wide.stderr, re.MULTILINE)
    count = re.compile(r"reason: (\d+) new triples")
    assert int(count.search(wide.stderr).group(1)) > int(count.search(narrow.stderr).group(1))
