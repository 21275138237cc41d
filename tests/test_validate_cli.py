"""``ckg validate`` and ``ckg add`` through click's CliRunner, on a store with the seed graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from kg.cli.main import cli
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.embedded import open_store
from kg.terms import GRAPH, ID, INFERRED_GRAPH
from kg.validation import CKGSH, parse_batch, validate_batch

FIXTURES = Path(__file__).parent / "fixtures" / "validation"
GOOD = FIXTURES / "good-batch.trig"
BAD = Path(__file__).parent / "bad_batches"

PREFIXES = """@base <https://w3id.org/conflict-kg/id/> .
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix ckgt: <https://w3id.org/conflict-kg/id/event-type/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.fixture
def store_dir(bundled_store_dir: Path) -> Path:
    """A fresh, closed copy of a store holding the bundled graphs (conftest.py)."""
    return bundled_store_dir


def run(store_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--store", str(store_dir), *args])


def quads(store_dir: Path) -> set[tuple[object, ...]]:
    store = open_store(store_dir, create=False)
    try:
        return set(store.quads())
    finally:
        store.close()


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path


# ---- ckg validate


def test_validate_store_conforms(store_dir: Path) -> None:
    result = run(store_dir, "validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Validation conforms: 0 results")
    assert "validate: the store conforms" in result.stderr


def test_validate_file_reports_in_words_and_writes_nothing(store_dir: Path) -> None:
    before = quads(store_dir)
    result = run(store_dir, "validate", str(BAD / "11-jnim-attack-2012.trig"))
    assert result.exit_code == 1
    text = result.stdout
    assert "VIOLATION  Event before its perpetrator existed  [ckgsh:BeforeFoundingShape]" in text
    assert (
        "- JNIM attack on Kayes in 2012  <https://w3id.org/conflict-kg/id/event/2012-06-01-kayes-attack>"
        in text
    )
    assert (
        "predecessors were: AQIM Sahara branch, Al Moulathamoun, Ansar Dine, Katiba Macina, MUJAO."
        in text
    )
    assert "source: ckggraph:doc/curator-batch" in text
    assert "fix: Attribute the event to the predecessor" in text
    assert "validate: the batch does not conform (1 violation" in result.stderr
    assert quads(store_dir) == before


def test_validate_json_report(store_dir: Path) -> None:
    result = run(store_dir, "validate", "-f", "json", str(BAD / "14-kayes-in-burkina-faso.trig"))
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["conforms"] is False
    assert doc["counts"]["violation"] == 1
    [r] = doc["results"]
    assert r["shape"] == str(CKGSH.InCountryShape)
    assert r["focusLabel"] == "Kayes"
    assert r["value"] == str(ID["place/geonames/2361809"])
    assert "lies outside Burkina Faso" in r["message"]
    # Kayes' coordinates come from GeoNames: its claim's passage is the gazetteer row.
    assert r["passage"].startswith("2455518\tKayes")
    assert "ckggraph:ref/geonames-ml" in r["graphs"]
    assert r["fix"]


def test_validate_turtle_report_is_a_shacl_report(store_dir: Path) -> None:
    result = run(store_dir, "validate", "-f", "turtle", str(BAD / "16-locatedin-cycle.trig"))
    assert result.exit_code == 1
    report = Graph().parse(data=result.stdout, format="turtle")
    [node] = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(False)
    messages = {str(m) for m in report.objects(None, SH.resultMessage)}
    assert (
        "Mali is located in itself: its ckg:locatedIn link to Kayes leads back to it." in messages
    )


def test_validate_table_has_one_row_per_result(store_dir: Path) -> None:
    result = run(store_dir, "validate", "-f", "table", str(BAD / "25-end-before-start.trig"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["severity", "shape", "focus", "path", "value", "message"]
    assert lines[1].startswith("violation  ckgsh:IntervalShape")


def test_fail_on_warning(store_dir: Path, tmp_path: Path) -> None:
    # An event without a label is only a warning: it passes by default, not with --fail-on warning.
    batch = write(
        tmp_path,
        "unlabelled.trig",
        """
<https://w3id.org/conflict-kg/graph/doc/t> {
  <event/2025-08-09-kayes-attack> a ckg:Attack ; ckg:eventType ckgt:attack ;
      ckg:startDate "2025-08-09"^^xsd:date ; ckg:endDate "2025-08-09"^^xsd:date ;
      ckg:datePrecision ckg:DayPrecision ;
      ckg:place <place/site/kayes-military-post> ; ckg:perpetrator <group/jnim> .
}""",
    )
    lenient = run(store_dir, "validate", str(batch))
    assert lenient.exit_code == 0, lenient.output
    assert "WARNING  Event has a label" in lenient.stdout
    strict = run(store_dir, "validate", "--fail-on", "warning", str(batch))
    assert strict.exit_code == 1


def test_inference_option_changes_what_is_checked(store_dir: Path, tmp_path: Path) -> None:
    # Untyped, but ckg:perpetrator's domain makes it a ckg:Event under RDFS inference.
    batch = write(
        tmp_path,
        "untyped.trig",
        """
<https://w3id.org/conflict-kg/graph/doc/t> { <event/untyped> ckg:perpetrator <group/jnim> . }""",
    )
    assert run(store_dir, "validate", str(batch)).exit_code == 0
    inferred = run(store_dir, "validate", "--inference", "rdfs", str(batch))
    assert inferred.exit_code == 1
    assert "has no place" in inferred.stdout


def test_validate_missing_file_is_exit_3(store_dir: Path, tmp_path: Path) -> None:
    result = run(store_dir, "validate", str(tmp_path / "nope.ttl"))
    assert result.exit_code == 3
    assert "nope.ttl: cannot read the file" in result.output


# ---- ckg add


def test_add_commits_a_conforming_batch(store_dir: Path) -> None:
    before = quads(store_dir)
    result = run(store_dir, "add", str(GOOD))
    assert result.exit_code == 0, result.output
    assert "add: committing 24 triples to 1 graph(s)" in result.stderr
    after = quads(store_dir)
    graph = GRAPH["doc/test-follow-up"]
    expected = {(s, p, o, graph) for s, p, o in parse_batch([GOOD]).graphs[graph]}
    added = after - before
    assert expected <= added
    # Besides the batch, only the new graph's description in the meta graph was written,
    # and the derived facts the batch changes (kg.derive: its attacks' days, kinds, steps).
    assert {q[3] for q in added - expected} <= {GRAPH["meta"], GRAPH["derived"]}
    assert GRAPH["meta"] in {q[3] for q in added - expected}
    assert {q for q in before if GRAPH["derived"] not in (q[0], q[3])} <= after
    assert run(store_dir, "validate").exit_code == 0


def test_add_dry_run_writes_nothing(store_dir: Path) -> None:
    before = quads(store_dir)
    result = run(store_dir, "add", "--dry-run", str(GOOD))
    assert result.exit_code == 0
    assert "dry run, the batch conforms" in result.stderr
    assert quads(store_dir) == before


def test_add_turtle_with_graph_shorthand(store_dir: Path, tmp_path: Path) -> None:
    batch = write(tmp_path, "label.ttl", '<group/jnim> rdfs:comment "Formed in March 2017."@en .\n')
    refused = run(store_dir, "add", str(batch))
    assert refused.exit_code == 1
    assert "outside any named graph" in refused.stdout
    result = run(store_dir, "add", str(batch), "--graph", "doc/corrections")
    assert result.exit_code == 0, result.output
    store = open_store(store_dir, create=False)
    try:
        assert store.query(
            "ASK { GRAPH <https://w3id.org/conflict-kg/graph/doc/corrections> "
            "{ <https://w3id.org/conflict-kg/id/group/jnim> ?p ?o } }"
        ).boolean
        info = {str(i.iri): i for i in store.graphs()}[str(GRAPH["doc/corrections"])]
        assert info.triples == 1
        assert info.source and "ckg add" in info.source
    finally:
        store.close()


def test_add_is_additive_and_marks_inferred_stale(store_dir: Path) -> None:
    store = open_store(store_dir)
    try:
        store.replace_graph(
            INFERRED_GRAPH, [(ID["group/jnim"], RDF.type, URIRef("urn:x"))], source="test"
        )
        assert not {str(i.iri): i for i in store.graphs()}[str(INFERRED_GRAPH)].stale
        seed_graph = GRAPH["doc/mali-jnim-july-1-attacks"]
        seed_before = {str(i.iri): i for i in store.graphs()}[str(seed_graph)].triples
    finally:
        store.close()
    # A batch into an existing graph: what was there stays, the count grows by the new triples.
    batch_text = """
<https://w3id.org/conflict-kg/graph/doc/mali-jnim-july-1-attacks> {
  <group/jnim> rdfs:comment "Added by a test."@en .
  <group/jnim> a ckg:JihadistGroup .
}"""
    path = store_dir.parent / "into-seed.trig"
    path.write_text(PREFIXES + batch_text, encoding="utf-8")
    result = run(store_dir, "add", str(path))
    assert result.exit_code == 0, result.output
    assert "the inferred graph is now stale" in result.stderr
    store = open_store(store_dir, create=False)
    try:
        infos = {str(i.iri): i for i in store.graphs()}
        assert infos[str(INFERRED_GRAPH)].stale
        assert infos[str(seed_graph)].triples == seed_before + 1  # the type was already there
        assert "kg.ontology.data/seed-report.trig" in (infos[str(seed_graph)].source or "")
    finally:
        store.close()


def test_add_refuses_and_names_store_data_it_breaks(store_dir: Path) -> None:
    before = quads(store_dir)
    result = run(store_dir, "add", str(BAD / "30-founding-date-breaks-store.trig"))
    assert result.exit_code == 1
    assert (
        "- JNIM attack at Boulkessi on 1 June 2025  "
        "<https://w3id.org/conflict-kg/id/event/2025-06-01-boulkessi-attack>  "
        "(existing data in the store, broken by this batch)"
    ) in result.stdout
    assert "source: ckggraph:doc/mali-jnim-july-1-attacks" in result.stdout
    assert quads(store_dir) == before


def test_preexisting_problems_do_not_block_an_add(store_dir: Path, tmp_path: Path) -> None:
    # A graph loaded without the gate (ckg load) holds an attack that ends before it starts.
    broken = write(
        tmp_path,
        "broken.trig",
        """
<https://w3id.org/conflict-kg/graph/doc/old> {
  <event/old-attack> a ckg:Attack ; rdfs:label "Old attack"@en ; ckg:eventType ckgt:attack ;
      ckg:startDate "2024-05-02"^^xsd:date ; ckg:endDate "2024-05-01"^^xsd:date ;
      ckg:datePrecision ckg:DayPrecision ;
      ckg:place <place/site/kayes-military-post> ; ckg:perpetrator <group/jnim> .
}""",
    )
    assert run(store_dir, "load", "--no-validate", str(broken)).exit_code == 0
    assert run(store_dir, "validate").exit_code == 1
    # A new batch touching that event (a claim about it) is not blamed for the old error.
    touching = write(
        tmp_path,
        "touching.trig",
        """
<https://w3id.org/conflict-kg/graph/doc/t> {
  <event/old-attack> rdfs:comment "Seen again in a new report."@en .
}""",
    )
    result = run(store_dir, "add", str(touching))
    assert result.exit_code == 0, result.output
    assert "(pre-existing in the store, not blocking)" in result.stdout
    assert "ends before it starts" in result.stdout


def test_add_bad_graph_option_is_usage_error(store_dir: Path) -> None:
    result = run(
        store_dir, "add", str(GOOD), "--graph", "https://w3id.org/conflict-kg/graph/inferred"
    )
    assert result.exit_code == 2
    assert "maintained by ckg itself" in result.output


def test_validate_batch_context_is_small(store_dir: Path) -> None:
    """The batch is validated with a neighbourhood, not the whole store."""
    store = open_store(store_dir, create=False)
    try:
        report = validate_batch(store, parse_batch([GOOD]))
        total = sum(i.triples for i in store.graphs())
    finally:
        store.close()
    assert report.conforms
    assert 0 < report.context_triples < total / 10


def test_validate_needs_an_existing_store_and_creates_none(tmp_path: Path) -> None:
    missing = tmp_path / "no-store"
    result = run(missing, "validate")
    assert result.exit_code == 3
    assert "there is no ckg store" in result.output
    assert not missing.exists()


def test_add_with_reason_recomputes_the_inferred_graph(store_dir: Path) -> None:
    result = run(store_dir, "add", "--reason", str(GOOD))
    assert result.exit_code == 0, result.output
    assert "add: reasoned" in result.stderr
    store = open_store(store_dir, create=False)
    try:
        info = {str(i.iri): i for i in store.graphs()}[str(INFERRED_GRAPH)]
        assert not info.stale
        # The new attack's place is a post in Diboli: it occurred in Diboli (a chain axiom).
        assert store.query(
            "ASK { <https://w3id.org/conflict-kg/id/event/2025-08-04-diboli-attack> "
            "<https://w3id.org/conflict-kg/ontology#occurredIn> "
            "<https://w3id.org/conflict-kg/id/place/geonames/2458925> }"
        ).boolean
    finally:
        store.close()
