"""The bundled seed report and reference data: every fact with its passage and modality.

The bundled TriG files (kg.ontology.data) are parsed once into an rdflib Dataset together
with the ontology. Each fact group of issue 2 (points 3 and 4) has a test that finds the
fact by SPARQL over the union of graphs AND a claim in the right named graph tying it to
an exact passage of its source.
"""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
from rdflib import RDF, Dataset, Literal, URIRef
from rdflib.namespace import SKOS, XSD

from kg.namespace import CKG
from kg.terms import GRAPH, ID, ONTOLOGY_GRAPH

REPORT_GRAPH = GRAPH["doc/mali-jnim-july-1-attacks"]
REPORT_DOC = ID["doc/mali-jnim-july-1-attacks"]
REF_GRAPHS = {
    GRAPH["ref/geonames-ml"],
    GRAPH["ref/geonames-countries"],
    GRAPH["ref/un-sanctions"],
    GRAPH["ref/acled"],
    GRAPH["ref/curated"],
}
JNIM = ID["group/jnim"]
FAMA = ID["group/fama"]
MALI = ID["place/geonames/2453866"]
#: The only event the report states as ongoing (no end date).
ONGOING = {ID["event/russian-forces-presence-mali"]}

PREFIXES = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX ckgid: <https://w3id.org/conflict-kg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
"""


def _trig_names() -> list[str]:
    return sorted(p.name for p in files("kg.ontology.data").iterdir() if p.name.endswith(".trig"))


@pytest.fixture(scope="module")
def ds() -> Dataset:
    """All bundled data graphs plus the ontology in its own graph, queried as a union."""
    dataset = Dataset(default_union=True)
    data = files("kg.ontology.data")
    for name in _trig_names():
        dataset.parse(data=data.joinpath(name).read_text("utf-8"), format="trig")
    dataset.graph(ONTOLOGY_GRAPH).parse(
        data=files("kg.ontology").joinpath("conflict.ttl").read_text("utf-8"), format="turtle"
    )
    return dataset


@pytest.fixture(scope="module")
def report_text() -> str:
    return files("kg.ontology.data").joinpath("mali-jnim-july-1-attacks.txt").read_text("utf-8")


def rows(ds: Dataset, sparql: str, **bindings: object) -> list[tuple]:
    """Answer rows of a SELECT over the union of graphs, parameters bound as initBindings."""
    return [tuple(r) for r in ds.query(PREFIXES + sparql, initBindings=bindings)]


def report_claims(ds: Dataset, about: URIRef, modality: URIRef | None = None) -> list[tuple]:
    """(claim, passage text, modality, statement) of report-graph claims about a resource."""
    return rows(
        ds,
        """
        SELECT ?claim ?text ?modality ?statement WHERE {
          GRAPH ?g { ?claim a ckg:Claim ; ckg:about ?about ; ckg:passage ?p ;
                            ckg:modality ?modality ; ckg:statement ?statement . }
          GRAPH ?g { ?p ckg:text ?text ; ckg:inDocument ?doc . }
        }""",
        about=about,
        g=REPORT_GRAPH,
        doc=REPORT_DOC,
        **({"modality": modality} if modality is not None else {}),
    )


def assert_sourced(
    ds: Dataset, about: URIRef, *words: str, modality: URIRef = CKG.Reported
) -> None:
    """A report-graph claim of that modality about ``about`` quotes a passage with ``words``."""
    found = report_claims(ds, about, modality)
    assert any(all(w in str(text) for w in words) for _, text, _, _ in found), (
        f"no {modality} claim about {about} quoting {words!r}; have {[str(t) for _, t, _, _ in found]}"
    )


def report_events(ds: Dataset) -> set[URIRef]:
    return {
        r[0]
        for r in rows(
            ds,
            """SELECT DISTINCT ?e WHERE {
                 GRAPH ?g { ?e a ?c } ?c rdfs:subClassOf* ckg:Event }""",
            g=REPORT_GRAPH,
        )
    }


# ---------------------------------------------------------------- files and graphs


def test_bundled_files_parse_into_their_named_graphs(ds: Dataset) -> None:
    # Other engineers may bundle more TriG files; these five are the seed and its references.
    assert {
        "reference-acled.trig",
        "reference-curated.trig",
        "reference-geonames.trig",
        "reference-un-sanctions.trig",
        "seed-report.trig",
    } <= set(_trig_names())
    graphs = {g.identifier for g in ds.graphs() if len(g)}
    assert {REPORT_GRAPH, ONTOLOGY_GRAPH} | REF_GRAPHS <= graphs
    # Nothing in the default graph: every fact has a source graph.
    assert len(ds.default_graph) == 0


def test_no_triple_is_in_two_graphs(ds: Dataset) -> None:
    """Oxigraph's union default graph returns a triple once per graph holding it."""
    seen: dict[tuple, URIRef] = {}
    twice = []
    for s, p, o, g in ds.quads((None, None, None, None)):
        if g is None or g == ONTOLOGY_GRAPH:
            continue
        if (s, p, o) in seen and seen[(s, p, o)] != g:
            twice.append((s, p, o))
        seen[(s, p, o)] = g
    assert twice == []


def test_each_resource_has_at_most_one_english_label(ds: Dataset) -> None:
    """Saved questions print rdfs:label@en; two labels would duplicate their rows."""
    dup = rows(
        ds,
        """SELECT ?s (COUNT(DISTINCT ?l) AS ?n) WHERE {
             GRAPH ?g { ?s rdfs:label ?l } FILTER(?g != <https://w3id.org/conflict-kg/graph/ontology>)
             FILTER(LANGMATCHES(LANG(?l), "en")) }
           GROUP BY ?s HAVING (COUNT(DISTINCT ?l) > 1)""",
    )
    assert dup == []


def test_reference_graphs_describe_their_source(ds: Dataset) -> None:
    for graph in REF_GRAPHS:
        found = rows(
            ds,
            """SELECT ?d ?title ?source WHERE { GRAPH ?g {
                 ?d a ckg:Dataset ; dcterms:title ?title ; dcterms:source ?source } }""",
            g=graph,
        )
        assert found, f"{graph} has no ckg:Dataset with a title and a source"
    licences = rows(
        ds,
        """SELECT ?l WHERE { GRAPH ?g { ?d a ckg:Dataset ; dcterms:license ?l } }""",
        g=GRAPH["ref/geonames-ml"],
    )
    assert licences == [(URIRef("https://creativecommons.org/licenses/by/4.0/"),)]


def test_report_document_metadata_does_not_invent_author_or_date(ds: Dataset) -> None:
    doc = ds.get_context(REPORT_GRAPH)
    assert str(doc.value(REPORT_DOC, URIRef("http://purl.org/dc/terms/title"))) == (
        "Mali: Some Implications of JNIM's July 1 Attacks"
    )
    assert doc.value(REPORT_DOC, URIRef("http://purl.org/dc/terms/creator")) is None
    assert doc.value(REPORT_DOC, URIRef("http://purl.org/dc/terms/issued")) is None
    assert doc.value(REPORT_DOC, CKG.issuedNotBefore) == Literal("2025-07-01", datatype=XSD.date)


# ---------------------------------------------------------------- passages and claims


def test_every_report_passage_is_an_exact_substring_of_its_line(
    ds: Dataset, report_text: str
) -> None:
    lines = report_text.split("\n")
    passages = rows(
        ds,
        """SELECT ?p ?text ?n WHERE { GRAPH ?g {
             ?p a ckg:Passage ; ckg:text ?text ; ckg:inDocument ?doc ; ckg:paragraph ?n } }""",
        g=REPORT_GRAPH,
        doc=REPORT_DOC,
    )
    assert len(passages) >= 50
    wrong = [str(p) for p, text, n in passages if str(text) not in lines[int(n) - 1]]
    assert wrong == []


def test_every_sentence_of_the_report_is_covered_by_passages(ds: Dataset, report_text: str) -> None:
    """Every factual claim and assessment: each sentence after the title is quoted."""
    texts = [
        str(r[0])
        for r in rows(ds, "SELECT ?t WHERE { GRAPH ?g { ?p ckg:text ?t } }", g=REPORT_GRAPH)
    ]
    uncovered = []
    for line in report_text.split("\n")[1:]:
        covered = [False] * len(line)
        for t in texts:
            start = line.find(t)
            while start >= 0:
                covered[start : start + len(t)] = [True] * len(t)
                start = line.find(t, start + 1)
        for sentence in re.split(r"(?<=[.?!:])\s+(?=[A-Z“])", line):
            if not sentence:
                continue
            at = line.find(sentence)
            share = sum(covered[at : at + len(sentence)]) / len(sentence)
            if share < 0.95:
                uncovered.append(sentence)
    assert uncovered == []


def test_every_report_claim_has_passage_modality_and_statement(ds: Dataset) -> None:
    allowed = {
        CKG.Reported,
        CKG.ClaimedByParty,
        CKG.Confirmed,
        CKG.AuthorAssessment,
        CKG.AuthorForecast,
    }
    report = ds.get_context(REPORT_GRAPH)
    claims = set(report.subjects(RDF.type, CKG.Claim))
    assert len(claims) >= 90
    for claim in claims:
        modalities = set(report.objects(claim, CKG.modality))
        assert len(modalities) == 1 and modalities <= allowed, claim
        passage = report.value(claim, CKG.passage)
        assert passage is not None and report.value(passage, CKG.inDocument) == REPORT_DOC, claim
        assert report.value(claim, CKG.statement) is not None, claim
        assert list(report.objects(claim, CKG.about)), claim
        if CKG.ClaimedByParty in modalities:
            assert report.value(claim, CKG.claimant) is not None, claim


def test_all_claims_everywhere_quote_a_passage(ds: Dataset) -> None:
    missing = rows(
        ds,
        """SELECT ?c WHERE { ?c a ckg:Claim .
             FILTER NOT EXISTS { ?c ckg:passage ?p . ?p ckg:text ?t ; ckg:inDocument ?d } }""",
    )
    assert missing == []


# ---------------------------------------------------------------- events


def test_every_report_event_is_complete_and_sourced(ds: Dataset) -> None:
    events = report_events(ds)
    assert len(events) >= 20
    report = ds.get_context(REPORT_GRAPH)
    for e in events:
        assert report.value(e, CKG.eventType) is not None, e
        label = report.value(e, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        assert label is not None and label.language == "en", e
        assert list(report.objects(e, CKG.place)), e
        assert len(list(ds.objects(e, CKG.startDate))) == 1, e
        if e not in ONGOING:
            assert len(list(report.objects(e, CKG.endDate))) == 1, e
            assert (
                report.value(e, CKG.endDate).toPython() >= ds.value(e, CKG.startDate).toPython()
            ), e
        assert ds.value(e, CKG.datePrecision) in {
            CKG.DayPrecision,
            CKG.MonthPrecision,
            CKG.YearPrecision,
        }, e
        assert report_claims(ds, e), f"{e} has no claim with a passage in the report graph"


def test_facts_about_report_events_are_in_the_report_graph(ds: Dataset) -> None:
    """Only the curated start of the Russian presence lives outside the report graph."""
    outside = []
    for e in report_events(ds):
        for s, p, o, g in ds.quads((e, None, None, None)):
            if g != REPORT_GRAPH:
                outside.append((e, p, g))
    assert sorted(outside) == sorted(
        [
            (ID["event/russian-forces-presence-mali"], CKG.startDate, GRAPH["ref/curated"]),
            (ID["event/russian-forces-presence-mali"], CKG.datePrecision, GRAPH["ref/curated"]),
        ]
    )


def test_no_event_is_attributed_to_jnim_before_its_founding(ds: Dataset) -> None:
    founded = ds.value(JNIM, CKG.foundingDate)
    assert founded == Literal("2017-03-02", datatype=XSD.date)
    early = rows(
        ds,
        """SELECT ?e ?start WHERE {
             ?e ckg:actor|ckg:perpetrator|ckg:targetActor ?who ; ckg:startDate ?start .
             ?who ckg:factionOf* ?jnim .
             FILTER(?start < ?founded) }""",
        jnim=JNIM,
        founded=founded,
    )
    assert early == []


# ---------------------------------------------------------------- fact groups of the report


def test_seven_posts_attacked_on_1_july_2025_as_one_jnim_operation(ds: Dataset) -> None:
    op = ID["event/2025-07-01-jnim-operation"]
    found = rows(
        ds,
        """SELECT ?attack ?townLabel WHERE {
             ?op a ckg:CoordinatedOperation ; ckg:perpetrator ?jnim .
             ?attack a ckg:Attack ; ckg:partOf ?op ; ckg:perpetrator ?jnim ;
                     ckg:startDate "2025-07-01"^^xsd:date ; ckg:endDate "2025-07-01"^^xsd:date ;
                     ckg:place ?post ; ckg:target ?post .
             ?post a ckg:MilitaryPost ; ckg:locatedIn ?town .
             ?town a ckg:Town ; rdfs:label ?townLabel . }""",
        op=op,
        jnim=JNIM,
    )
    assert sorted(str(t) for _, t in found) == sorted(
        ["Diboli", "Kayes", "Sandaré", "Nioro du Sahel", "Gogui", "Molodo", "Niono"]
    )
    assert_sourced(ds, op, "attacked seven Malian military posts")
    for attack, town in found:
        assert_sourced(ds, attack, str(town))


def test_kayes_extra_targets_hostages_and_vandalism(ds: Dataset) -> None:
    kayes_attack = ID["event/2025-07-01-kayes-attack"]
    admin = rows(
        ds,
        """SELECT ?site WHERE { ?a ckg:target ?site . ?site a ckg:AdministrativeSite ;
             ckg:locatedIn <https://w3id.org/conflict-kg/id/place/geonames/2455518> }""",
        a=kayes_attack,
    )
    assert len(admin) == 1
    assert_sourced(ds, kayes_attack, "administrative sites")
    hostages = rows(
        ds,
        """SELECT ?h ?n WHERE { ?h a ckg:HostageTaking ; ckg:partOf ?a ; ckg:hostageCount ?n ;
             ckg:perpetrator ?jnim }""",
        a=kayes_attack,
        jnim=JNIM,
    )
    assert [int(n) for _, n in hostages] == [4]
    assert_sourced(ds, hostages[0][0], "reportedly", "four hostages", modality=CKG.Reported)
    vandal = rows(
        ds,
        """SELECT ?v ?cls WHERE { ?v a ckg:Vandalism ; ckg:partOf ?a ; ckg:target ?site .
             ?site a ?cls ; ckg:locatedIn+ <https://w3id.org/conflict-kg/id/place/geonames/2455517> .
             VALUES ?cls { ckg:Cemetery ckg:Factory } }""",
        a=kayes_attack,
    )
    assert {c for _, c in vandal} == {CKG.Cemetery, CKG.Factory}
    assert_sourced(ds, vandal[0][0], "vandalism of a cemetery and a factory", modality=CKG.Reported)


def test_blockade_of_kayes_and_nioro_announced_by_jnim(ds: Dataset) -> None:
    found = rows(
        ds,
        """SELECT ?b ?announced WHERE {
             ?b a ckg:Blockade ; ckg:perpetrator ?jnim ; ckg:announcedDate ?announced ;
                ckg:datePrecision ckg:MonthPrecision ; ckg:startDate "2025-07-01"^^xsd:date ;
                ckg:target <https://w3id.org/conflict-kg/id/place/geonames/2455518>,
                           <https://w3id.org/conflict-kg/id/place/geonames/2452651> ;
                ckg:followed <https://w3id.org/conflict-kg/id/event/2025-07-01-jnim-operation> . }""",
        jnim=JNIM,
    )
    assert len(found) == 1
    blockade = found[0][0]
    assert str(found[0][1]).startswith("2025-07")
    claimed = rows(
        ds,
        """SELECT ?c WHERE { GRAPH ?g { ?c ckg:about ?b ; ckg:modality ckg:ClaimedByParty ;
             ckg:claimant ?jnim ; ckg:passage/ckg:text ?t } FILTER(CONTAINS(?t, "announced a blockade")) }""",
        b=blockade,
        jnim=JNIM,
        g=REPORT_GRAPH,
    )
    assert len(claimed) == 1


def test_boulkessi_attacks_withdrawal_and_prior_presence(ds: Dataset) -> None:
    base = ID["place/site/boulkessi-military-base"]
    attacks = rows(
        ds,
        """SELECT ?a ?d WHERE { ?a a ckg:Attack ; ckg:perpetrator ?jnim ; ckg:target ?base ;
             ckg:place ?base ; ckg:startDate ?d .
             ?base a ckg:MilitaryBase ; ckg:locatedIn <https://w3id.org/conflict-kg/id/place/boulkessi> . }
           ORDER BY ?d""",
        jnim=JNIM,
        base=base,
    )
    assert [str(d) for _, d in attacks] == ["2025-06-01", "2025-06-05"]
    for a, _ in attacks:
        assert_sourced(ds, a, "June 1 and 5 attacks at Boulkessi")
    withdrawal = rows(
        ds,
        """SELECT ?w ?start ?end WHERE { ?w a ckg:MilitaryWithdrawal ; ckg:actor ?fama ;
             ckg:withdrawalFrom ?base ; ckg:causedBy ?a1, ?a2 ; ckg:datePrecision ckg:MonthPrecision ;
             ckg:startDate ?start ; ckg:endDate ?end }""",
        fama=FAMA,
        base=base,
        a1=attacks[0][0],
        a2=attacks[1][0],
    )
    assert len(withdrawal) == 1
    w, start, end = withdrawal[0]
    assert str(start) >= "2025-06-05" and str(end) == "2025-06-30"
    assert_sourced(ds, w, "prompted the Malian military to withdraw")
    presence = rows(
        ds,
        """SELECT ?p ?end WHERE { ?p a ckg:MilitaryPresence ; ckg:actor ?fama ; ckg:place ?base ;
             ckg:endDate ?end }""",
        fama=FAMA,
        base=base,
    )
    assert len(presence) == 1 and str(presence[0][1]) <= str(end)
    assert_sourced(ds, presence[0][0], "withdraw from their base there")


def test_timbuktu_nioro_january_and_bamako_attacks(ds: Dataset) -> None:
    expected = {
        "event/2025-06-02-timbuktu-attack": (
            "2025-06-02",
            "2025-06-02",
            "June 2 attack at Timbuktu",
        ),
        "event/2025-01-06-nioro-attack": (
            "2025-01-06",
            "2025-01-07",
            "January 6-7 attack at Nioro du Sahel",
        ),
        "event/2024-09-17-bamako-attack": (
            "2024-09-17",
            "2024-09-17",
            "September 17, 2024 JNIM attack",
        ),
    }
    for slug, (start, end, words) in expected.items():
        e = ID[slug]
        assert (e, RDF.type, CKG.Attack) in ds
        assert (e, CKG.perpetrator, JNIM) in ds
        assert str(ds.value(e, CKG.startDate)) == start and str(ds.value(e, CKG.endDate)) == end
        assert ds.value(e, CKG.datePrecision) == CKG.DayPrecision
        assert_sourced(ds, e, words)
    bamako = rows(
        ds,
        """SELECT ?site WHERE { <https://w3id.org/conflict-kg/id/event/2024-09-17-bamako-attack> ckg:place ?site .
             ?site a ckg:MilitaryInstallation ; ckg:locatedIn ?town .
             ?town ckg:placeRole ckg:NationalCapital ; ckg:capitalOf ?mali }""",
        mali=MALI,
    )
    assert len(bamako) == 1
    assert_sourced(ds, ID["place/geonames/2460596"], "Mali’s capital Bamako")


def test_junta_in_power_since_2020(ds: Dataset) -> None:
    found = rows(
        ds,
        """SELECT ?coup ?junta WHERE { ?coup a ckg:Coup ; ckg:perpetrator ?junta ; ckg:place ?mali ;
             ckg:startDate "2020-01-01"^^xsd:date ; ckg:endDate "2020-12-31"^^xsd:date ;
             ckg:datePrecision ckg:YearPrecision .
             ?junta a ckg:MilitaryJunta ; ckg:governs ?mali }""",
        mali=MALI,
    )
    assert len(found) == 1
    assert_sourced(ds, found[0][0], "in power since 2020")
    assert_sourced(ds, found[0][1], "in power since 2020")


def test_russian_forces_present_and_ongoing(ds: Dataset) -> None:
    found = rows(
        ds,
        """SELECT ?p WHERE { ?p a ckg:MilitaryPresence ; ckg:actor ?rus ; ckg:place ?mali .
             ?rus a ckg:ForeignForce . FILTER NOT EXISTS { ?p ckg:endDate ?end } }""",
        rus=ID["group/russian-forces"],
        mali=MALI,
    )
    assert len(found) == 1
    assert_sourced(ds, found[0][0], "Russian forces have nevertheless not completely left")


def test_senegal_and_mauritania(ds: Dataset) -> None:
    senegal, mauritania = ID["place/geonames/2245662"], ID["place/geonames/2378080"]
    campaign = rows(
        ds,
        """SELECT ?c WHERE { ?c a ckg:Campaign ; ckg:place ?mr ;
             ckg:startDate "2005-01-01"^^xsd:date ; ckg:endDate "2011-12-31"^^xsd:date ;
             ckg:datePrecision ckg:YearPrecision }""",
        mr=mauritania,
    )
    assert len(campaign) == 1
    assert_sourced(ds, campaign[0][0], "jihadist attacks from 2005-2011")
    measure = rows(
        ds,
        """SELECT ?m WHERE { ?m a ckg:SecurityMeasure ; ckg:place ?sn ; ckg:actor ?gov .
             ?gov a ckg:Government ; ckg:governs ?sn }""",
        sn=senegal,
    )
    assert len(measure) == 1
    assert_sourced(ds, measure[0][0], "stepped up border security")
    assert_sourced(ds, senegal, "free of attacks")
    assert_sourced(ds, senegal, "reports of jihadist recruitment inside Senegal")
    assert_sourced(
        ds, senegal, "caused alarm in Senegal and Mauritania", modality=CKG.AuthorAssessment
    )
    assert (senegal, RDF.type, CKG.Country) in ds and (mauritania, RDF.type, CKG.Country) in ds


def test_2012_2013_territorial_control_by_predecessors_and_french_intervention(ds: Dataset) -> None:
    control = ID["event/2012-northern-mali-territorial-control"]
    actors = {r[0] for r in rows(ds, "SELECT ?a WHERE { ?c ckg:actor ?a }", c=control)}
    assert JNIM not in actors and actors
    for actor in actors:
        ask = ds.query(
            PREFIXES + "ASK { ?a ckg:predecessorOf+ ?jnim }",
            initBindings={"a": actor, "jnim": JNIM},
        )
        assert ask.askAnswer, f"{actor} is not a predecessor of JNIM"
    assert str(ds.value(control, CKG.startDate)) == "2012-01-01"
    assert str(ds.value(control, CKG.endDate)) == "2013-12-31"
    assert_sourced(ds, control, "overtly controlling territory in northern Mali in 2012-2013")
    intervention = rows(
        ds,
        """SELECT ?i WHERE { ?i a ckg:MilitaryIntervention ; ckg:perpetrator ?fr ;
             ckg:startDate ?s FILTER(YEAR(?s) = 2013) . ?fr a ckg:ForeignForce }""",
        fr=ID["group/french-forces"],
    )
    assert len(intervention) == 1
    assert_sourced(ds, intervention[0][0], "defeat at French hands in 2013")


def test_predecessors_are_queryable_transitively(ds: Dataset) -> None:
    preds = {r[0] for r in rows(ds, "SELECT ?p WHERE { ?p ckg:predecessorOf+ ?jnim }", jnim=JNIM)}
    assert preds == {
        ID["group/ansar-dine"],
        ID["group/aqim-sahara"],
        ID["group/al-mourabitoun"],
        ID["group/katiba-macina"],
        ID["group/mujao"],
        ID["group/al-moulathamoun"],
    }


def test_jnim_founding_leader_and_unit_commands(ds: Dataset) -> None:
    merger = rows(
        ds,
        """SELECT ?m (COUNT(DISTINCT ?in) AS ?n) WHERE { ?m a ckg:Merger ; ckg:changeOutput ?jnim ;
             ckg:changeInput ?in ; ckg:startDate "2017-03-02"^^xsd:date } GROUP BY ?m""",
        jnim=JNIM,
    )
    assert [int(n) for _, n in merger] == [4]
    assert_sourced(ds, JNIM, "JNIM did not exist until 2017")
    leader = rows(
        ds,
        """SELECT ?org WHERE { ?m a ckg:Membership ; ckg:member <https://w3id.org/conflict-kg/id/person/iyad-ag-ghali> ;
             ckg:role ckg:Leader ; ckg:organization ?org }""",
    )
    orgs = {r[0] for r in leader}
    assert {JNIM, ID["group/jnim/leadership"]} <= orgs
    assert (ID["group/jnim/leadership"], RDF.type, CKG.CentralLeadership) in ds
    assert_sourced(ds, ID["person/iyad-ag-ghali"], "JNIM’s top leader")
    units = rows(
        ds,
        """SELECT ?u ?area WHERE { ?u a ckg:UnitCommand ; ckg:factionOf ?jnim ; ckg:areaOfOperation ?area }""",
        jnim=JNIM,
    )
    assert {str(u).rsplit("/", 1)[1] for u, _ in units} == {
        "south-west",
        "central-mali",
        "burkina-faso",
        "benin",
    }
    for u, _ in units:
        assert_sourced(ds, u, "unit commanders")
    # The report names no commander: no person is invented for a unit command.
    assert rows(ds, "SELECT ?m WHERE { ?m ckg:organization ?u . ?u a ckg:UnitCommand }") == []


def test_distances_between_places(ds: Dataset) -> None:
    found = rows(
        ds,
        """SELECT ?fromLabel ?toLabel ?km ?bound ?measure WHERE {
             ?d a ckg:Distance ; ckg:distanceFrom ?from ; ckg:distanceTo ?to ; ckg:kilometres ?km ;
                ckg:distanceBound ?bound . OPTIONAL { ?d ckg:distanceMeasure ?measure }
             ?from rdfs:label ?fromLabel . ?to rdfs:label ?toLabel }""",
    )
    got = {(str(f), str(t), float(k), b, m) for f, t, k, b, m in found}
    assert got == {
        ("Molodo", "Niono", 4.0, CKG.Approximately, None),
        ("Niono", "Boulkessi", 700.0, CKG.MoreThan, CKG.ByRoad),
        ("Kayes", "Boulkessi", 1400.0, CKG.MoreThan, CKG.ByRoad),
        ("Niono", "Timbuktu", 900.0, CKG.Nearly, CKG.ByRoad),
    }
    for d in ds.subjects(RDF.type, CKG.Distance):
        assert report_claims(ds, d), d


def test_place_roles_population_and_regions(ds: Dataset) -> None:
    kayes, kayes_region = ID["place/geonames/2455518"], ID["place/geonames/2455517"]
    assert (kayes, CKG.placeRole, CKG.RegionalCapital) in ds
    assert (kayes, CKG.capitalOf, kayes_region) in ds
    assert int(ds.value(kayes, CKG.populationAtLeast)) == 100000
    assert_sourced(ds, kayes, "population of well over 100,000")
    assert_sourced(ds, kayes_region, "ten (or nineteen")
    nioro = ID["place/geonames/2452651"]
    assert (nioro, CKG.placeRole, CKG.ReligiousCentre) in ds
    assert_sourced(ds, nioro, "important religious center")
    timbuktu = ID["place/geonames/2449067"]
    assert (timbuktu, CKG.placeRole, CKG.RegionalCapital) in ds
    assert (timbuktu, CKG.capitalOf, ID["place/geonames/2449066"]) in ds
    assert_sourced(ds, timbuktu, "another regional capital")


@pytest.mark.parametrize(
    ("about", "words", "modality"),
    [
        ("group/jnim", "calling them a “military.”", CKG.AuthorAssessment),
        ("group/mali-junta", "control shrink down to just Bamako", CKG.AuthorForecast),
        ("group/jnim", "the simple force of momentum", CKG.AuthorAssessment),
        ("place/geonames/2453866", "already skeletal", CKG.AuthorAssessment),
        (
            "event/2025-07-01-jnim-operation",
            "trend towards more urban-focused violence",
            CKG.AuthorForecast,
        ),
        ("group/jnim", "close to marching on Bamako", CKG.AuthorAssessment),
        (
            "event/2025-07-01-diboli-attack",
            "reinforce the Senegalese authorities’ worries",
            CKG.AuthorForecast,
        ),
    ],
)
def test_author_assessments_and_forecasts(
    ds: Dataset, about: str, words: str, modality: URIRef
) -> None:
    assert_sourced(ds, ID[about], words, modality=modality)


# ---------------------------------------------------------------- reference data


def test_places_have_geonames_ids_coordinates_and_regions(ds: Dataset) -> None:
    found = rows(
        ds,
        """SELECT ?town ?label ?id ?lat ?lon ?wkt ?region WHERE {
             ?post a ckg:MilitaryPost ; ckg:locatedIn ?town .
             GRAPH ?g { ?town rdfs:label ?label ; ckg:geonamesId ?id ; ckg:latitude ?lat ;
                        ckg:longitude ?lon ; geo:hasGeometry/geo:asWKT ?wkt ; ckg:locatedIn ?region .
                        ?region a ckg:AdminRegion ; ckg:locatedIn ?mali .
                        ?claim ckg:about ?town ; ckg:modality ckg:ReferenceData ; ckg:passage/ckg:text ?row . }
             FILTER(STRSTARTS(?row, ?id)) }""",
        g=GRAPH["ref/geonames-ml"],
        mali=MALI,
    )
    by_label = {str(r[1]): r for r in found}
    assert set(by_label) == {
        "Diboli",
        "Kayes",
        "Sandaré",
        "Nioro du Sahel",
        "Gogui",
        "Molodo",
        "Niono",
    }
    kayes = by_label["Kayes"]
    assert str(kayes[2]) == "2455518" and kayes[6] == ID["place/geonames/2455517"]
    assert kayes[3].datatype == XSD.decimal and float(kayes[3]) == pytest.approx(14.44693)
    assert str(kayes[5]) == "POINT(-11.44448 14.44693)"
    assert by_label["Niono"][6] == ID["place/geonames/2451477"]  # Ségou Region
    regions = rows(
        ds,
        "SELECT ?r WHERE { GRAPH ?g { ?r a ckg:AdminRegion ; ckg:locatedIn ?mali } }",
        g=GRAPH["ref/geonames-ml"],
        mali=MALI,
    )
    assert len(regions) == 11  # every ADM1 entry of the Mali extract


def test_boulkessi_from_acled_with_its_source(ds: Dataset) -> None:
    boulkessi = ID["place/boulkessi"]
    acled = ds.get_context(GRAPH["ref/acled"])
    assert (boulkessi, RDF.type, CKG.Village) in acled
    assert float(acled.value(boulkessi, CKG.latitude)) == 14.7983
    assert float(acled.value(boulkessi, CKG.longitude)) == -1.3025
    assert (boulkessi, CKG.locatedIn, ID["place/geonames/2453347"]) in acled  # Mopti Region
    cited = rows(
        ds,
        """SELECT ?t WHERE { GRAPH ?g { ?c ckg:about ?b ; ckg:modality ckg:ReferenceData ;
             ckg:passage/ckg:text ?t } FILTER(CONTAINS(?t, "14.7983, -1.3025")) }""",
        g=GRAPH["ref/acled"],
        b=boulkessi,
    )
    assert len(cited) == 1
    assert rows(ds, "SELECT ?id WHERE { ?b ckg:geonamesId ?id }", b=boulkessi) == []


def test_un_sanctions_references_listing_dates_and_quotes(ds: Dataset) -> None:
    un = ds.get_context(GRAPH["ref/un-sanctions"])
    expected = {
        "group/jnim": ("QDe.159", "2018-10-04"),
        "group/ansar-dine": ("QDe.135", "2013-03-20"),
        "group/aqim": ("QDe.014", "2001-10-06"),
        "group/al-mourabitoun": ("QDe.141", "2014-06-02"),
        "group/mujao": ("QDe.134", "2012-12-05"),
        "person/iyad-ag-ghali": ("QDi.316", "2013-02-25"),
        "person/amadou-koufa": ("QDi.425", "2020-02-04"),
    }
    for slug, (ref, listed) in expected.items():
        assert str(un.value(ID[slug], CKG.sanctionsReference)) == ref, slug
        assert str(un.value(ID[slug], CKG.listedOn)) == listed, slug
    assert str(un.value(ID["group/al-mourabitoun"], CKG.foundingDate)) == "2013-08-20"
    quoted = rows(
        ds,
        """SELECT ?t WHERE { GRAPH ?g { ?c ckg:about ?a ; ckg:modality ckg:ReferenceData ;
             ckg:passage/ckg:text ?t } }""",
        g=GRAPH["ref/un-sanctions"],
        a=ID["group/ansar-dine"],
    )
    assert any(
        "Was founded in December 2011 by Iyad ag Ghali (QDi.316)." in str(t) for (t,) in quoted
    )


@pytest.mark.parametrize(
    ("slug", "alias"),
    [
        ("group/jnim", "Jama'at Nusrat al-Islam wal-Muslimin"),
        ("group/jnim", "Group for Support of Islam and Muslims"),
        ("group/jnim", "JNIM: Group for Support of Islam and Muslims"),
        ("group/jnim", "Groupe de soutien à l'islam et aux musulmans"),
        ("group/jnim", "GSIM"),
        ("group/ansar-dine", "Ansar Eddine"),
        ("place/geonames/2449067", "Tombouctou"),
        ("place/boulkessi", "Boulikessi"),
        ("place/geonames/2451711", "Sandare"),
    ],
)
def test_aliases_analysts_need(ds: Dataset, slug: str, alias: str) -> None:
    labels = {str(o) for o in ds.objects(ID[slug], SKOS.altLabel)}
    assert alias in labels
    tagged = [o for o in ds.objects(ID[slug], SKOS.altLabel) if str(o) == alias]
    assert all(o.language for o in tagged), f"{alias} has no language tag"
