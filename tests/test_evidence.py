"""``ckg query run --evidence`` (issue 16, point 1): the passages behind every row.

Checked three ways: on a small fixture of our own whose claims we wrote (each row gets
exactly the claims about its resources, in table, CSV and JSON); on the bundled report,
against the report's own text (every quote is on the line its paragraph number names, and
the flagship's Nioro row carries the sentence about the January attack); and for every
saved question's golden case, that each row's evidence is about that row's resources.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from kg.cli.main import cli
from rdflib import Dataset, URIRef

from kg.catalogue import run_question
from kg.evidence import evidence_for
from kg.terms import GRAPH, ID

# The report as shipped beside its graph (the same text as ../shared/seeds).
SEED_TEXT = (
    Path(__file__).resolve().parents[1] / "ontology" / "data" / "mali-jnim-july-1-attacks.txt"
)
GOLDEN = Path(__file__).parent / "golden"
REPORT = ID["doc/mali-jnim-july-1-attacks"]

FIXTURE = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@base <https://w3id.org/conflict-kg/id/> .

<https://w3id.org/conflict-kg/graph/test/a> {
  <doc/a> a ckg:Document ; dcterms:title "Report A" .
  <event/test/one> a ckg:Attack ; rdfs:label "one" ; ckg:place <place/test/alpha> .
  <event/test/two> a ckg:Attack ; rdfs:label "two" ; ckg:place <place/test/beta> .
  <passage/a/1> a ckg:Passage ; ckg:text "Gunmen attacked Alpha." ;
      ckg:paragraph 4 ; ckg:inDocument <doc/a> .
  <passage/a/2> a ckg:Passage ; ckg:text "The group says it attacked Beta, with \\"many\\" dead." ;
      ckg:paragraph 7 ; ckg:inDocument <doc/a> .
  <claim/a/1> a ckg:Claim ; ckg:about <event/test/one> ; ckg:passage <passage/a/1> ;
      ckg:modality ckg:Reported .
  <claim/a/2> a ckg:Claim ; ckg:about <event/test/two> ; ckg:passage <passage/a/2> ;
      ckg:modality ckg:ClaimedByParty ; ckg:claimant <group/test/g> .
  <claim/a/3> a ckg:Claim ; ckg:about <place/test/gamma> ; ckg:passage <passage/a/1> ;
      ckg:modality ckg:Reported .
  <claim/a/4> a ckg:Claim ; ckg:about <event/test/three>, <place/test/alpha> ;
      ckg:passage <passage/a/1> ; ckg:modality ckg:Reported .
  <claim/a/5> a ckg:Claim ; ckg:about <event/test/one>, <event/test/three> ;
      ckg:passage <passage/a/1> ; ckg:modality ckg:Reported .
  <group/test/g> rdfs:label "The Group"@en .
  <event/test/one> ckg:perpetrator <group/test/g> .
  <claim/a/6> a ckg:Claim ; ckg:about <group/test/g> ; ckg:passage <passage/a/2> ;
      ckg:modality ckg:Reported .
  ckg:ClaimedByParty rdfs:label "claimed by a party"@en .
}
<https://w3id.org/conflict-kg/graph/test/b> {
  <doc/b> a ckg:Dataset ; dcterms:title "Dataset B" .
  <passage/b/9> a ckg:Passage ; ckg:text "9,Beta,attack" ; ckg:paragraph 9 ;
      ckg:inDocument <doc/b> .
  <claim/b/9> a ckg:Claim ; ckg:about <event/test/two>, <place/test/beta> ;
      ckg:passage <passage/b/9> ; ckg:modality ckg:ReferenceData .
}
"""

QUESTION = """#+ summary: test attacks
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?event ?label ?place WHERE { ?event a ckg:Attack ; rdfs:label ?label ; ckg:place ?place }
ORDER BY ?label
"""


@pytest.fixture
def fixture_store(tmp_path: Path):  # type: ignore[no-untyped-def]
    from kg.embedded import open_store

    path = tmp_path / "store"
    ds = Dataset()
    ds.parse(data=FIXTURE, format="trig")
    store = open_store(path)
    store.replace_graphs(
        {URIRef(str(g.identifier)): g for g in ds.graphs() if len(g)}, source="test fixture"
    )
    store.close()
    question = tmp_path / "attacks.rq"
    question.write_text(QUESTION, encoding="utf-8")
    return path, question


def _run(runner, store: Path, *args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["--store", str(store), "query", "run", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_each_row_gets_exactly_the_claims_about_its_resources(runner, fixture_store):
    store, question = fixture_store
    doc = json.loads(_run(runner, store, "--file", str(question), "--evidence", "-f", "json"))
    events = [b["event"]["value"] for b in doc["results"]["bindings"]]
    assert events == [str(ID["event/test/one"]), str(ID["event/test/two"])]
    claims = [sorted(e["claim"] for e in row) for row in doc["evidence"]]
    # claim/a/3 quotes the same passage as claim/a/1 but is about gamma, in no row;
    # claim/a/4 reaches row one only through its place, and is about another attack;
    # claim/a/5 names row one's attack (and another): it stays.
    assert claims == [
        [str(ID["claim/a/1"]), str(ID["claim/a/5"])],
        [str(ID["claim/a/2"]), str(ID["claim/b/9"])],
    ]
    two = {e["claim"]: e for e in doc["evidence"][1]}
    party = two[str(ID["claim/a/2"])]
    assert party["quote"] == 'The group says it attacked Beta, with "many" dead.'
    assert party["paragraph"] == 7
    assert party["title"] == "Report A"
    assert party["claimant"] == str(ID["group/test/g"])
    assert party["graph"] == str(GRAPH["test/a"])
    # The dataset's claim is about both the event and the place of the row: it comes first.
    assert doc["evidence"][1][0]["claim"] == str(ID["claim/b/9"])
    assert sorted(doc["evidence"][1][0]["about"]) == [
        str(ID["event/test/two"]),
        str(ID["place/test/beta"]),
    ]


def test_csv_has_one_line_per_row_and_claim(runner, fixture_store):
    store, question = fixture_store
    text = _run(runner, store, "--file", str(question), "--evidence", "-f", "csv")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert [(line["row"], line["evidence_claim"]) for line in lines] == [
        ("1", str(ID["claim/a/1"])),
        ("1", str(ID["claim/a/5"])),
        ("2", str(ID["claim/b/9"])),
        ("2", str(ID["claim/a/2"])),
    ]
    assert lines[0]["evidence_quote"] == "Gunmen attacked Alpha."
    assert lines[0]["evidence_paragraph"] == "4"
    assert lines[0]["evidence_document"] == str(ID["doc/a"])
    assert lines[3]["evidence_modality"].endswith("#ClaimedByParty")


def test_table_names_each_passage_once_with_its_modality(runner, fixture_store):
    store, question = fixture_store
    text = _run(runner, store, "--file", str(question), "--evidence")
    table, _, legend = text.partition("\nevidence:\n")
    assert table.splitlines()[0].split()[-1] == "evidence"
    assert table.splitlines()[2].split()[-1] == "E1"
    assert table.splitlines()[3].split()[-2:] == ["E2", "E3"]
    # ckg:Reported has no label in the fixture: its short IRI stands in.
    assert "Report A, paragraph 4 — ckg:Reported" in legend
    assert "claimed by a party (The Group)" in legend
    assert "“Gunmen attacked Alpha.”" in legend


def test_a_row_without_iris_keeps_its_line_with_no_evidence(runner, fixture_store, tmp_path):
    store, _question = fixture_store
    count = tmp_path / "count.rq"
    count.write_text(
        "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?e a ckg:Attack }\n",
        encoding="utf-8",
    )
    text = _run(runner, store, "--file", str(count), "--evidence", "-f", "csv")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert [(line["row"], line["n"], line["evidence_claim"]) for line in lines] == [("1", "2", "")]


def test_construct_answer_gains_the_claims_and_passages(runner, fixture_store, tmp_path):
    from rdflib import Graph

    store, _question = fixture_store
    q = tmp_path / "graph.rq"
    q.write_text(
        "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\n"
        "CONSTRUCT { ?e ckg:place ?p } WHERE { ?e ckg:place ?p }\n",
        encoding="utf-8",
    )
    g = Graph().parse(data=_run(runner, store, "--file", str(q), "--evidence"), format="turtle")
    ckg = "https://w3id.org/conflict-kg/ontology#"
    claims = set(g.subjects(URIRef(ckg + "passage"), None))
    # A graph answer has no rows: every claim about its nodes (a/4 is about alpha).
    assert claims == {
        ID["claim/a/1"],
        ID["claim/a/2"],
        ID["claim/a/4"],
        ID["claim/a/5"],
        ID["claim/b/9"],
    }
    assert (ID["passage/a/1"], URIRef(ckg + "paragraph"), None) in g


def test_ask_with_evidence_is_a_usage_error(runner, fixture_store, tmp_path):
    store, _question = fixture_store
    q = tmp_path / "ask.rq"
    q.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["--store", str(store), "query", "run", "--file", str(q), "--evidence"]
    )
    assert result.exit_code == 2
    assert "ASK" in result.output


# ---- on the bundled report, against its text


def test_flagship_evidence_quotes_the_report_on_the_lines_it_names(bundled_store):
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    result = run_question(bundled_store, "towns_attacked_twice")
    evidence = evidence_for(bundled_store, result)
    assert len(evidence) == len(result.rows) >= 2
    checked = 0
    for items in evidence:
        for ev in items:
            if ev.document == REPORT:
                # ckg:paragraph is the line number in the report's text file (from 1).
                assert ev.quote in lines[ev.paragraph - 1], (ev.claim, ev.paragraph)
                checked += 1
    assert checked >= 5
    nioro = next(
        items
        for row, items in zip(result.dicts(), evidence)
        if str(row["townLabel"]) == "Nioro du Sahel"
    )
    # The sentence of the report that names the first attack of the pair (line 10).
    sentence = "The January 6-7 attack at Nioro du Sahel, which I wrote about here."
    assert sentence in lines[9]
    assert any(ev.quote == sentence for ev in nioro)


def _golden_cases() -> list[Path]:
    return [
        p
        for p in sorted(GOLDEN.glob("*.json"))
        if not json.loads(p.read_text("utf-8")).get("reason")
        and not p.stem.startswith("competing_claims")
    ]


@pytest.mark.parametrize("path", _golden_cases(), ids=lambda p: p.stem)
def test_every_saved_question_gives_each_row_evidence_about_that_row(
    path: Path, runner, bundled_store_dir: Path
) -> None:
    golden = json.loads(path.read_text("utf-8"))
    args = [a for k, v in golden.get("params", {}).items() for a in ("-p", k, str(v))]
    name = path.stem.split("--", 1)[0]
    result = runner.invoke(
        cli,
        [
            "--store",
            str(bundled_store_dir),
            "query",
            "run",
            name,
            *args,
            "--evidence",
            "-f",
            "json",
        ],
    )
    assert result.exit_code in (0, 1), result.output
    if result.stdout.lstrip().startswith("@") or '"boolean"' in result.stdout:
        return
    doc = json.loads(result.stdout)
    if "results" not in doc:  # a CONSTRUCT answer (JSON-LD)
        return
    bindings = doc["results"]["bindings"]
    assert len(doc["evidence"]) == len(bindings)
    for binding, items in zip(bindings, doc["evidence"]):
        iris = {v["value"] for v in binding.values() if v["type"] == "uri"}
        for ev in items:
            assert ev["about"] and set(ev["about"]) <= iris, (binding, ev)


def test_claims_about_the_rows_actor_alone_are_context_not_evidence(fixture_store, tmp_path):
    from kg.embedded import open_store

    path, _question = fixture_store
    store = open_store(path)
    try:
        text = (
            "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\n"
            "SELECT ?event ?group WHERE { ?event ckg:perpetrator ?group }"
        )
        result = store.query(text)
        [items] = evidence_for(store, result)
        # claim/a/6 is about the group only; the row is about event one.
        assert sorted(str(e.claim) for e in items) == [str(ID["claim/a/1"]), str(ID["claim/a/5"])]
        # Asked about the group alone, its claims are the evidence.
        result = store.query(
            "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\n"
            "SELECT DISTINCT ?group WHERE { ?event ckg:perpetrator ?group }"
        )
        [items] = evidence_for(store, result)
        assert str(ID["claim/a/6"]) in {str(e.claim) for e in items}
    finally:
        store.close()
