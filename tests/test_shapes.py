"""One test per SHACL shape: a violating and a conforming example, and the message.

Every case adds a few triples to the conforming context of
``tests/fixtures/validation/context.ttl`` and validates it in memory
(:func:`kg.validation.validate_graph`: ontology and country bounds added). A test also
checks that no shape of ``shapes.ttl`` lacks a case, that the shapes conform to the
SHACL-SHACL shapes graph, and that the bundled seed graph conforms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.namespace import SH

from kg.validation import CKGSH, ValidationResult, bundled_shapes, shapes_graph, validate_graph

CONTEXT = (Path(__file__).parent / "fixtures" / "validation" / "context.ttl").read_text("utf-8")

PREFIXES = """
@prefix ckg:     <https://w3id.org/conflict-kg/ontology#> .
@prefix ckgid:   <https://w3id.org/conflict-kg/id/> .
@prefix ckgt:    <https://w3id.org/conflict-kg/id/event-type/> .
@prefix ckgsh:   <https://w3id.org/conflict-kg/shapes#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""

EVENT_DEFAULTS: dict[str, object] = {
    "a": "ckg:Attack",
    "rdfs:label": '"Test attack on the Kayes post"@en',
    "ckg:eventType": "ckgt:attack",
    "ckg:startDate": '"2025-07-01"^^xsd:date',
    "ckg:endDate": '"2025-07-01"^^xsd:date',
    "ckg:datePrecision": "ckg:DayPrecision",
    "ckg:place": "ckgid:place/site/kayes-military-post",
    "ckg:perpetrator": "ckgid:group/jnim",
}


def node(iri: str, defaults: dict[str, object] | None = None, **changes: object) -> str:
    """Turtle for one node: ``defaults`` with ``changes`` (None drops, a list repeats).

    Keyword names use ``__`` for ``:`` (``ckg__place``) and ``a`` for rdf:type.
    """
    props = dict(defaults or {})
    for key, value in changes.items():
        props[key.replace("__", ":")] = value
    parts = []
    for prop, value in props.items():
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        parts.append(f"{prop} {', '.join(str(v) for v in values)}")
    return f"{iri} " + " ;\n    ".join(parts) + " .\n"


def event(**changes: object) -> str:
    """A conforming attack at the Kayes military post, changed as asked."""
    return node("ckgid:event/test-attack", EVENT_DEFAULTS, **changes)


MEMBERSHIP = {
    "a": "ckg:Membership",
    "rdfs:label": '"Iyad ag Ghali, leader of JNIM"@en',
    "ckg:member": "ckgid:person/iyad-ag-ghali",
    "ckg:organization": "ckgid:group/jnim",
    "ckg:role": "ckg:Leader",
    "ckg:startDate": '"2017-03-02"^^xsd:date',
}

WITHDRAWAL = {
    "a": "ckg:MilitaryWithdrawal",
    "rdfs:label": '"Withdrawal from the Kayes post"@en',
    "ckg:eventType": "ckgt:military-withdrawal",
    "ckg:startDate": '"2025-07-05"^^xsd:date',
    "ckg:endDate": '"2025-07-05"^^xsd:date',
    "ckg:datePrecision": "ckg:DayPrecision",
    "ckg:place": "ckgid:place/site/kayes-military-post",
    "ckg:withdrawalFrom": "ckgid:place/site/kayes-military-post",
    "ckg:actor": "ckgid:group/fama",
}

MERGER = {
    "a": "ckg:Merger",
    "rdfs:label": '"Formation of JNIM by merger"@en',
    "ckg:eventType": "ckgt:merger",
    "ckg:startDate": '"2017-03-02"^^xsd:date',
    "ckg:endDate": '"2017-03-02"^^xsd:date',
    "ckg:datePrecision": "ckg:DayPrecision",
    "ckg:place": "ckgid:place/geonames/2453866",
    "ckg:changeInput": ["ckgid:group/ansar-dine", "ckgid:group/al-mourabitoun"],
    "ckg:changeOutput": "ckgid:group/jnim",
}

CLAIM = {
    "a": "ckg:Claim",
    "ckg:about": "ckgid:group/jnim",
    "ckg:passage": "ckgid:passage/test-report/1",
    "ckg:modality": "ckg:Reported",
}

PASSAGE = {
    "a": "ckg:Passage",
    "ckg:text": '"Kayes is a regional capital."',
    "ckg:inDocument": "ckgid:doc/test-report",
}

PLACE = {
    "a": "ckg:Village",
    "rdfs:label": '"Test village"@en',
    "ckg:locatedIn": "ckgid:place/geonames/2455517",
    "ckg:latitude": "14.2",
    "ckg:longitude": "-10.9",
}

GROUP = {"a": "ckg:ArmedGroup", "rdfs:label": '"Test group"@en'}


@dataclass
class Case:
    """A shape, data that breaks it, data that satisfies it, and words of its message."""

    shape: str
    bad: str
    good: str
    message: str
    severity: str = "violation"


CASES = [
    # ---- required facts of events
    Case("Event-eventType", event(ckg__eventType=None), event(), "has no event type"),
    Case(
        "Event-eventTypeKnown",
        event(ckg__eventType="ckgid:concept/raid"),
        event(),
        "is not a concept of any scheme",
        "warning",
    ),
    Case("Event-place", event(ckg__place=None), event(), "has no place"),
    Case(
        "Event-placeKnown",
        event(ckg__place="ckgid:place/atlantis"),
        event(),
        "is not a known place (dangling reference)",
    ),
    Case(
        "Event-startDate",
        event(ckg__startDate=None),
        event(),
        "must have exactly one start date",
    ),
    Case(
        "Event-endDate",
        event(ckg__endDate=['"2025-07-01"^^xsd:date', '"2025-07-02"^^xsd:date']),
        event(),
        "has more than one end date",
    ),
    Case(
        "Event-datePrecision",
        event(ckg__datePrecision="ckgid:precision/week"),
        event(ckg__datePrecision="ckg:WeekPrecision"),
        "is not ckg:DayPrecision, ckg:WeekPrecision, ckg:MonthPrecision or ckg:YearPrecision",
    ),
    Case(
        "Event-perpetratorKnown",
        event(ckg__perpetrator="ckgid:group/jnlm"),
        event(),
        "The perpetrator ckgid:group/jnlm of Test attack on the Kayes post is not a known actor",
    ),
    Case(
        "Event-actorKnown",
        event(ckg__actor="ckgid:group/ghost"),
        event(ckg__actor="ckgid:group/fama"),
        "is not a known actor",
    ),
    Case(
        "Event-partOf",
        event(ckg__partOf="ckgid:event/no-such-operation"),
        event(),
        "which is not a known event",
    ),
    Case(
        "Event-fatalities",
        event(ckg__fatalities='"about twelve"'),
        event(ckg__fatalities="12"),
        "are not one xsd:integer",
    ),
    Case(
        "Event-fatalitiesNonNegative",
        event(ckg__fatalities="-3"),
        event(ckg__fatalities="0"),
        'has a negative number of fatalities ("-3"^^xsd:integer)',
    ),
    Case(
        "Event-unattributed",
        event(ckg__perpetrator=None, ckg__unattributed="false"),
        event(ckg__perpetrator=None, ckg__unattributed="true"),
        'has ckg:unattributed "false"^^xsd:boolean: only the boolean true is meaningful',
    ),
    Case(
        "EventLabelShape",
        event(rdfs__label=None),
        event(rdfs__label=None, skos__prefLabel='"Attack on Kayes"@en'),
        "has no label",
        "warning",
    ),
    Case(
        "AttackAttributionShape",
        event(ckg__perpetrator=None),
        event(ckg__perpetrator=None, ckg__unattributed="true"),
        "has no perpetrator and is not marked unattributed",
    ),
    # ---- datatypes and ranges
    Case(
        "Date-startDate",
        event(ckg__startDate='"2025-02-30"^^xsd:date', ckg__endDate=None),
        event(ckg__endDate=None),
        'The start date "2025-02-30"^^xsd:date of Test attack on the Kayes post is not a valid xsd:date',
    ),
    Case(
        "Date-endDate",
        event(ckg__endDate='"July 2025"'),
        event(),
        "is not a valid xsd:date",
    ),
    Case(
        "Date-foundingDate",
        node("ckgid:group/test", GROUP, ckg__foundingDate='"2017"'),
        node("ckgid:group/test", GROUP, ckg__foundingDate='"2017-01-01"^^xsd:date'),
        'The founding date "2017" of Test group is not a valid xsd:date',
    ),
    Case(
        "Date-oneFoundingDate",
        'ckgid:group/jnim ckg:foundingDate "2017-03-01"^^xsd:date .',
        'ckgid:group/jnim ckg:foundingDate "2017-03-02"^^xsd:date .',
        "JNIM has more than one founding date",
    ),
    Case(
        "Date-dissolutionDate",
        node("ckgid:group/test", GROUP, ckg__dissolutionDate='"2020-01-01"^^xsd:dateTime'),
        node("ckgid:group/test", GROUP, ckg__dissolutionDate='"2020-01-01"^^xsd:date'),
        "is not a valid xsd:date",
    ),
    Case(
        "Date-oneDissolutionDate",
        'ckgid:group/ansar-dine ckg:dissolutionDate "2017-03-03"^^xsd:date .',
        'ckgid:group/ansar-dine ckg:dissolutionDate "2017-03-02"^^xsd:date .',
        "Ansar Dine has more than one dissolution date",
    ),
    Case(
        "Date-announcedDate",
        event(ckg__announcedDate='"2025-07-01T10:00:00"^^xsd:dateTime'),
        event(ckg__announcedDate='"2025-07-01"^^xsd:date'),
        "The announced date",
    ),
    Case(
        "Coordinate-latitude",
        node("ckgid:place/test-village", PLACE, ckg__latitude='"14.2"'),
        node("ckgid:place/test-village", PLACE),
        "needs exactly one latitude, written as an xsd:decimal",
    ),
    Case(
        "Coordinate-longitude",
        node("ckgid:place/test-village", PLACE, ckg__longitude=None),
        node("ckgid:place/test-village", PLACE),
        "needs exactly one longitude",
    ),
    Case(
        "Coordinate-latitudeRange",
        node("ckgid:place/test-village", PLACE, ckg__latitude="114.2"),
        node("ckgid:place/test-village", PLACE),
        "is outside -90..90",
    ),
    Case(
        "Coordinate-longitudeRange",
        node("ckgid:place/test-village", PLACE, ckg__longitude="-190.9"),
        node("ckgid:place/test-village", PLACE),
        "is outside -180..180",
    ),
    Case(
        "Count-population",
        node("ckgid:place/test-village", PLACE, ckg__population="-5"),
        node("ckgid:place/test-village", PLACE, ckg__population="1200"),
        "is not a non-negative xsd:integer",
    ),
    Case(
        "Count-hostageCount",
        event(a="ckg:HostageTaking", ckg__hostageCount='"four"'),
        event(a="ckg:HostageTaking", ckg__hostageCount="4"),
        'The hostage count "four" of Test attack on the Kayes post',
    ),
    # ---- time
    Case(
        "IntervalShape",
        event(ckg__startDate='"2025-01-07"^^xsd:date', ckg__endDate='"2025-01-06"^^xsd:date'),
        event(ckg__startDate='"2025-01-06"^^xsd:date', ckg__endDate='"2025-01-07"^^xsd:date'),
        "ends before it starts",
    ),
    Case(
        "LifespanShape",
        node(
            "ckgid:group/test",
            GROUP,
            ckg__foundingDate='"2015-01-01"^^xsd:date',
            ckg__dissolutionDate='"2014-01-01"^^xsd:date',
        ),
        node(
            "ckgid:group/test",
            GROUP,
            ckg__foundingDate='"2014-01-01"^^xsd:date',
            ckg__dissolutionDate='"2015-01-01"^^xsd:date',
        ),
        "is dissolved before it was founded",
    ),
    Case(
        "BeforeFoundingShape",
        event(ckg__startDate='"2012-06-01"^^xsd:date', ckg__endDate='"2012-06-01"^^xsd:date'),
        event(
            ckg__startDate='"2012-06-01"^^xsd:date',
            ckg__endDate='"2012-06-01"^^xsd:date',
            ckg__perpetrator="ckgid:group/ansar-dine",
        ),
        "is dated 2012-06-01, before JNIM was founded on 2017-03-02; at that date its "
        "predecessors were: Ansar Dine, MUJAO.",
    ),
    Case(
        "Membership-member",
        node("ckgid:membership/test", MEMBERSHIP, ckg__member=None),
        node("ckgid:membership/test", MEMBERSHIP),
        "must name exactly one known person",
    ),
    Case(
        "Membership-organization",
        node("ckgid:membership/test", MEMBERSHIP, ckg__organization="ckgid:group/nobody"),
        node("ckgid:membership/test", MEMBERSHIP),
        "must name exactly one known organisation or faction",
    ),
    Case(
        "Membership-role",
        node("ckgid:membership/test", MEMBERSHIP, ckg__role="ckgid:role/emir"),
        node("ckgid:membership/test", MEMBERSHIP),
        "is not a ckg:Role",
    ),
    Case(
        "Membership-afterFounding",
        node("ckgid:membership/test", MEMBERSHIP, ckg__startDate='"2012-01-01"^^xsd:date'),
        node("ckgid:membership/test", MEMBERSHIP),
        "starts before its organisation was founded",
    ),
    Case(
        "MembershipBeforeDissolutionShape",
        node(
            "ckgid:membership/test",
            MEMBERSHIP,
            ckg__organization="ckgid:group/ansar-dine",
            ckg__startDate='"2012-01-01"^^xsd:date',
            ckg__endDate='"2018-01-01"^^xsd:date',
        ),
        node(
            "ckgid:membership/test",
            MEMBERSHIP,
            ckg__organization="ckgid:group/ansar-dine",
            ckg__startDate='"2012-01-01"^^xsd:date',
            ckg__endDate='"2017-03-02"^^xsd:date',
        ),
        "ends on 2018-01-01, after its organisation Ansar Dine was dissolved on 2017-03-02",
    ),
    # ---- space
    Case(
        "Place-locatedInKnown",
        node("ckgid:place/test-village", PLACE, ckg__locatedIn="ckgid:place/geonames/1"),
        node("ckgid:place/test-village", PLACE),
        "which is not a known place (dangling reference)",
    ),
    Case(
        "Place-geonamesId",
        node("ckgid:place/test-village", PLACE, ckg__geonamesId="2455518"),
        node("ckgid:place/test-village", PLACE, ckg__geonamesId='"2455518"'),
        "is not a plain string of digits",
    ),
    Case(
        "PlaceLabelShape",
        node("ckgid:place/test-village", PLACE, rdfs__label=None),
        node("ckgid:place/test-village", PLACE, rdfs__label=None, skos__prefLabel='"V"@en'),
        "has no label",
        "warning",
    ),
    Case(
        "InCountryShape",
        node("ckgid:place/test-village", PLACE, ckg__longitude="-20.9"),
        node("ckgid:place/test-village", PLACE),
        "Test village at (14.2, -20.9) lies outside Mali",
    ),
    Case(
        "LocatedInCycleShape",
        "ckgid:place/geonames/2453866 ckg:locatedIn ckgid:place/geonames/2455518 .",
        "ckgid:place/test-village ckg:locatedIn ckgid:place/geonames/2455518 .",
        "Mali is located in itself: its ckg:locatedIn link to Kayes leads back to it",
    ),
    Case(
        "WithdrawalShape",
        node(
            "ckgid:event/test-withdrawal",
            WITHDRAWAL,
            ckg__actor="ckgid:group/jnim",
            ckg__startDate='"2025-07-05"^^xsd:date',
        ),
        node("ckgid:event/test-withdrawal", WITHDRAWAL),
        "JNIM withdraws from Kayes military post, but the graph records no presence of that "
        "force there before 2025-07-05",
    ),
    # ---- lineage
    Case(
        "Organization-predecessorKnown",
        node("ckgid:group/test", GROUP, ckg__predecessorOf="ckgid:group/jnlm"),
        node("ckgid:group/test", GROUP, ckg__predecessorOf="ckgid:group/jnim"),
        "which is not a known organisation",
    ),
    Case(
        "FactionShape",
        node("ckgid:group/jnim/unit/test", {"a": "ckg:UnitCommand"}),
        node(
            "ckgid:group/jnim/unit/test",
            {"a": "ckg:UnitCommand"},
            ckg__factionOf="ckgid:group/jnim",
        ),
        "must be the faction of exactly one known organisation",
    ),
    Case(
        "SelfPredecessorShape",
        "ckgid:group/jnim ckg:predecessorOf ckgid:group/mujao .",
        "ckgid:group/mujao ckg:predecessorOf ckgid:group/jnim .",
        "JNIM is its own predecessor: the lineage through MUJAO leads back to it",
    ),
    Case(
        "MergerShape",
        node("ckgid:event/test-merger", MERGER, ckg__changeInput="ckgid:group/ansar-dine"),
        node("ckgid:event/test-merger", MERGER),
        "has fewer than two input organisations",
    ),
    Case(
        "Change-input",
        node(
            "ckgid:event/test-merger",
            MERGER,
            ckg__changeInput=["ckgid:group/ansar-dine", "ckgid:group/ansar-deen"],
        ),
        node("ckgid:event/test-merger", MERGER),
        "The input ckgid:group/ansar-deen of Formation of JNIM by merger is not a known organisation",
    ),
    Case(
        "Change-output",
        node("ckgid:event/test-merger", MERGER, ckg__changeOutput="ckgid:group/jnim-2"),
        node("ckgid:event/test-merger", MERGER),
        "is not a known organisation",
    ),
    Case(
        "FormationOutputShape",
        node("ckgid:event/test-merger", MERGER, ckg__changeOutput=None),
        node("ckgid:event/test-merger", MERGER),
        "names no resulting organisation",
    ),
    # ---- sources and provenance
    Case(
        "Claim-about",
        node("ckgid:claim/test/1", CLAIM, ckg__about=None),
        node("ckgid:claim/test/1", CLAIM),
        "is about nothing",
    ),
    Case(
        "Claim-passage",
        node("ckgid:claim/test/1", CLAIM, ckg__passage=None),
        node("ckgid:claim/test/1", CLAIM),
        "has no source",
    ),
    Case(
        "Claim-modality",
        node("ckgid:claim/test/1", CLAIM, ckg__modality="ckgid:modality/rumour"),
        node("ckgid:claim/test/1", CLAIM, ckg__modality="ckg:ClaimedByParty"),
        "needs exactly one modality",
    ),
    Case(
        "Passage-text",
        node("ckgid:passage/test/2", PASSAGE, ckg__text=None),
        node("ckgid:passage/test/2", PASSAGE),
        "has no text",
    ),
    Case(
        "Passage-inDocument",
        node("ckgid:passage/test/2", PASSAGE, ckg__inDocument="ckgid:doc/lost"),
        node("ckgid:passage/test/2", PASSAGE),
        "is in no known document or dataset",
    ),
    Case(
        "DocumentShape",
        node("ckgid:doc/test-2", {"a": "ckg:Document"}),
        node("ckgid:doc/test-2", {"a": "ckg:Document", "dcterms:title": '"Report"@en'}),
        "has no dcterms:title",
        "warning",
    ),
    Case(
        "ProvenanceShape",
        event() + "ckgid:event/test-attack ckgsh:assertedIn ckgsh:DefaultGraph .",
        event()
        + "ckgid:event/test-attack ckgsh:assertedIn <https://w3id.org/conflict-kg/graph/doc/x> .",
        "Triples about Test attack on the Kayes post are outside any named graph",
    ),
]


def expand_ids(turtle: str) -> str:
    """Write ``ckgid:place/x`` (not valid Turtle: a ``/`` in a prefixed name) as a full IRI."""
    return re.sub(
        r"\bckgid:([A-Za-z0-9_\-/]+(?:\.[A-Za-z0-9_\-/]+)*)",
        r"<https://w3id.org/conflict-kg/id/\1>",
        turtle,
    )


def _results(extra: str) -> list[ValidationResult]:
    data = Graph().parse(data=PREFIXES + CONTEXT + "\n" + expand_ids(extra), format="turtle")
    return validate_graph(data).results


def _of(results: list[ValidationResult], shape: str) -> list[ValidationResult]:
    return [r for r in results if r.shape == str(CKGSH[shape])]


@pytest.mark.parametrize("case", CASES, ids=[c.shape for c in CASES])
def test_shape(case: Case) -> None:
    bad = _of(_results(case.bad), case.shape)
    assert bad, f"{case.shape} did not fire on its violating example"
    assert any(case.message in r.message for r in bad), [r.message for r in bad]
    assert {r.severity for r in bad} == {case.severity}
    assert all(r.fix for r in bad)
    assert _of(_results(case.good), case.shape) == []


def test_context_conforms_without_any_result() -> None:
    assert [(r.shape, r.message) for r in _results("")] == []


def _shapes_with_constraints() -> set[str]:
    shapes = bundled_shapes()
    named = {s for s in shapes.subjects(RDF.type, SH.NodeShape)} | {
        s for s in shapes.subjects(RDF.type, SH.PropertyShape)
    }
    # Grouping node shapes hold property shapes only; each property shape has its case.
    grouping = {s for s in named if (s, SH.property, None) in shapes}
    return {str(s)[len(str(CKGSH)) :] for s in named - grouping if isinstance(s, URIRef)}


def test_every_shape_has_a_case() -> None:
    assert _shapes_with_constraints() - {c.shape for c in CASES} == set()
    assert {c.shape for c in CASES} - _shapes_with_constraints() == set()


def test_disjointness_axioms_are_enforced_as_shapes() -> None:
    shapes = shapes_graph()
    assert (CKGSH["Disjoint-Organization-Person"], RDF.type, SH.NodeShape) in shapes
    assert len(shapes) > len(bundled_shapes())


def test_every_shape_has_label_severity_message_and_fix() -> None:
    shapes = shapes_graph()
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    assert len(named) > 40
    missing = [
        str(s)
        for s in named
        if not isinstance(s, URIRef)
        or shapes.value(s, SH.severity) is None
        or shapes.value(s, SH.message) is None
        or shapes.value(s, CKGSH.fix) is None
        or shapes.value(s, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) is None
    ]
    assert missing == []


def test_shapes_conform_to_shacl_shacl() -> None:
    from pyshacl.entrypoints import meta_validate

    conforms, _graph, text = meta_validate(shapes_graph(), inference=None)
    assert conforms, text


def test_shacl_shacl_catches_a_broken_shape() -> None:
    """The meta check can fail: a shape with two paths does not conform."""
    from pyshacl.entrypoints import meta_validate

    broken = Graph()
    broken += shapes_graph()
    broken.add(
        (CKGSH["Event-place"], SH.path, URIRef("https://w3id.org/conflict-kg/ontology#target"))
    )
    conforms, _graph, _text = meta_validate(broken, inference=None)
    assert not conforms


def test_bundled_seed_graph_conforms() -> None:
    data = files("kg.ontology.data")
    ds = Dataset()
    trig = [f for f in data.iterdir() if f.name.endswith(".trig")]
    assert trig, "no bundled TriG files"
    for f in trig:
        ds.parse(data=f.read_text("utf-8"), format="trig")
    union = Graph()
    for s, p, o, _g in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    report = validate_graph(union)
    assert [(r.shape, r.focus_label, r.message) for r in report.results] == []
    assert report.conforms
