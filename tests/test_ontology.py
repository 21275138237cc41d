"""The ontology parses, documents every term, matches kg.namespace, and is DL-consistent."""

from __future__ import annotations

import shutil
from importlib.resources import files

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.namespace import CKG, ontology_terms
from kg.terms import CKG_NS, ONTOLOGY_IRI


@pytest.fixture(scope="module")
def ontology() -> Graph:
    text = files("kg.ontology").joinpath("conflict.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def test_ontology_is_versioned_owl(ontology: Graph) -> None:
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(onto, OWL.versionIRI) is not None
    assert ontology.value(onto, OWL.versionInfo) is not None


def test_every_term_has_label_and_comment(ontology: Graph) -> None:
    undocumented = [
        t
        for t in ontology_terms()
        if ontology.value(URIRef(CKG_NS + t), RDFS.label) is None
        or ontology.value(URIRef(CKG_NS + t), RDFS.comment) is None
    ]
    assert undocumented == []


def test_every_class_and_property_is_declared(ontology: Graph) -> None:
    kinds = {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.NamedIndividual,
        RDF.Property,
    }
    undeclared = []
    for t in ontology_terms():
        types = set(ontology.objects(URIRef(CKG_NS + t), RDF.type))
        if not types:
            undeclared.append(t)
    assert undeclared == []
    assert kinds  # the set documents what counts as a declaration


def test_namespace_matches_ontology() -> None:
    """kg.namespace.CKG lists exactly the ontology's terms, so code and ontology cannot drift."""
    declared = sorted(
        CKG._annotations_names()
        if hasattr(CKG, "_annotations_names")
        else [n for n in CKG.__annotations__]
    )
    assert sorted(declared) == ontology_terms()


def test_namespace_rejects_typos() -> None:
    assert str(CKG.Attack) == CKG_NS + "Attack"
    with pytest.raises(AttributeError):
        CKG.Atack  # noqa: B018


def test_standard_alignments(ontology: Graph) -> None:
    org = "http://www.w3.org/ns/org#"
    prov = "http://www.w3.org/ns/prov#"
    sem = "http://semanticweb.cs.vu.nl/2009/11/sem/"
    geo = "http://www.opengis.net/ont/geosparql#"
    assert (CKG.Organization, RDFS.subClassOf, URIRef(org + "Organization")) in ontology
    assert (CKG.Membership, RDFS.subClassOf, URIRef(org + "Membership")) in ontology
    assert (CKG.Claim, RDFS.subClassOf, URIRef(prov + "Entity")) in ontology
    assert (CKG.Event, RDFS.subClassOf, URIRef(sem + "Event")) in ontology
    assert (CKG.Place, RDFS.subClassOf, URIRef(geo + "Feature")) in ontology
    assert (CKG.predecessorOf, OWL.inverseOf, CKG.successorOf) in ontology
    assert (CKG.predecessorOf, RDF.type, OWL.TransitiveProperty) in ontology
    assert (CKG.locatedIn, RDF.type, OWL.TransitiveProperty) in ontology


def test_event_types_map_to_acled(ontology: Graph) -> None:
    rows = ontology.query(
        """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
        SELECT ?label ?acled WHERE {
          ckg:Attack ckg:eventTypeConcept ?c .
          ?c skos:closeMatch ?m . ?m skos:prefLabel ?acled .
          ?c skos:prefLabel ?label .
        }"""
    )
    acled = {str(r.acled) for r in rows}
    # an attack is ACLED's political violence: its three event types, and their legacy names
    assert {"Battles", "Explosions/Remote violence", "Violence against civilians"} <= acled
    assert not {"Protests", "Riots", "Strategic developments"} & acled
    narrower = ontology.query(
        """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
        SELECT ?class WHERE {
          ?class ckg:eventTypeConcept ?c . ?c skos:broader ?attack .
          ckg:Attack ckg:eventTypeConcept ?attack .
        }"""
    )
    assert {str(r[0]) for r in narrower} == {
        str(CKG.Battle),
        str(CKG.RemoteViolence),
        str(CKG.ViolenceAgainstCivilians),
    }


def _owlready_world(ontology: Graph, tmp_path):  # type: ignore[no-untyped-def]
    owlready2 = pytest.importorskip("owlready2")
    path = tmp_path / "conflict.nt"
    ontology.serialize(path, format="nt")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load(format="ntriples")
    return owlready2, world, onto


def test_loads_in_owlready2(ontology: Graph, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, _, onto = _owlready_world(ontology, tmp_path)
    names = {c.name for c in onto.classes()}
    assert {"ArmedGroup", "UnitCommand", "MilitaryPost", "Blockade", "Claim"} <= names


@pytest.mark.java
@pytest.mark.skipif(
    shutil.which("java") is None, reason="HermiT needs a Java runtime; none on PATH"
)
def test_consistent_under_hermit(ontology: Graph, tmp_path) -> None:  # type: ignore[no-untyped-def]
    owlready2, world, onto = _owlready_world(ontology, tmp_path)
    # xsd:date (our date ranges) is outside the OWL 2 datatype map HermiT implements.
    with onto:
        owlready2.sync_reasoner_hermit(
            world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
        )
    unsatisfiable = list(world.inconsistent_classes())
    assert unsatisfiable == []
