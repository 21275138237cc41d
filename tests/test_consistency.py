"""Consistency: a deliberately contradictory assertion is found by HermiT and by SHACL.

The contradiction is an individual that is both a ckg:Person and a ckg:ArmedGroup, which
the ontology forbids (ckg:Person owl:disjointWith ckg:Organization). HermiT (through
owlready2, in a fresh World) needs Java and is skipped with a reason without it; the
SHACL shapes generated from the same disjointness axioms need no Java.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from kg.cli.main import cli
from rdflib import Graph

from kg.reasoning import (
    JavaMissingError,
    bundled_ontology,
    check_graph_consistency,
    disjointness_shapes,
    shacl_disjointness,
)

needs_java = pytest.mark.skipif(
    shutil.which("java") is None, reason="HermiT needs a Java runtime; none on PATH"
)

BAD = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/conflict-kg/id/person/x> a ckg:Person, ckg:ArmedGroup ;
    rdfs:label "Mister X"@en ;
    ckg:foundingDate "2017-03-02"^^xsd:date .
"""

GOOD = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/conflict-kg/id/person/x> a ckg:Person ; rdfs:label "Mister X"@en .
<https://w3id.org/conflict-kg/id/group/g> a ckg:ArmedGroup ;
    ckg:foundingDate "2017-03-02"^^xsd:date .
<https://w3id.org/conflict-kg/id/event/e> a ckg:Attack ;
    ckg:perpetrator <https://w3id.org/conflict-kg/id/group/g> ;
    ckg:startDate "2025-07-01"^^xsd:date .
"""


def _graph(ttl: str) -> Graph:
    return Graph().parse(data=ttl, format="turtle")


@pytest.mark.java
@needs_java
def test_person_and_armed_group_is_inconsistent_under_hermit() -> None:
    report = check_graph_consistency(_graph(BAD))
    assert report.consistent is False
    assert not report.ok
    text = "\n".join(report.lines())
    assert text.startswith("INCONSISTENT: HermiT found a contradiction")
    # The explanation names the individual and both classes in words.
    assert "ckgid:person/x ('Mister X') is a person (ckg:Person)" in text
    assert "an armed group (ckg:ArmedGroup, a kind of ckg:Organization)" in text


@pytest.mark.java
@needs_java
def test_consistent_data_passes_hermit() -> None:
    report = check_graph_consistency(_graph(GOOD))
    assert report.ok, report.lines()
    assert report.lines()[0].startswith("consistent: HermiT found no contradiction")


@pytest.mark.java
@needs_java
def test_unsatisfiable_class_is_named() -> None:
    """A class below two disjoint classes can have no members; HermiT says which."""
    tbox = bundled_ontology()
    tbox.parse(
        data="""@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <http://example.org/Warlord> rdfs:subClassOf ckg:Person, ckg:ArmedGroup ;
            rdfs:label "warlord"@en .""",
        format="turtle",
    )
    report = check_graph_consistency(Graph(), tbox)
    assert report.consistent  # no individual of the class, so no contradiction
    assert report.unsatisfiable == ["a warlord (<http://example.org/Warlord>)"]
    assert (
        "UNSATISFIABLE: a warlord (<http://example.org/Warlord>) can have no members"
        in report.lines()
    )


def test_hermit_without_java_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.reasoning.consistency.java_executable", lambda: None)
    with pytest.raises(JavaMissingError, match="needs Java for HermiT") as info:
        check_graph_consistency(_graph(BAD))
    assert info.value.exit_code == 3


def test_person_and_armed_group_found_by_shacl_without_java() -> None:
    messages = shacl_disjointness(_graph(BAD))
    assert messages == [
        (
            "ckgid:person/x ('Mister X') is both an organisation (ckg:Organization) and a "
            "person (ckg:Person), which the ontology declares disjoint."
        )
    ]


def test_shacl_disjointness_passes_consistent_data() -> None:
    assert shacl_disjointness(_graph(GOOD)) == []


def test_disjointness_shapes_follow_the_shapes_conventions() -> None:
    """One shape per disjoint pair, each with a label, a severity, a message and a fix."""
    from rdflib import RDF, RDFS, URIRef
    from rdflib.namespace import SH

    shapes = disjointness_shapes()
    nodes = set(shapes.subjects(SH.targetClass, None))
    assert URIRef("https://w3id.org/conflict-kg/shapes#Disjoint-Organization-Person") in nodes
    assert URIRef("https://w3id.org/conflict-kg/shapes#Disjoint-AdminRegion-Settlement") in nodes
    # 7 top-level kinds (21 pairs) + 5 place levels (10 pairs) + Person/Organization, Person/Faction
    assert len(nodes) == 33
    fix = URIRef("https://w3id.org/conflict-kg/shapes#fix")
    for node in nodes:
        assert (node, RDF.type, SH.NodeShape) in shapes
        for prop in (RDFS.label, SH.severity, SH.message, fix):
            assert shapes.value(node, prop) is not None, (node, prop)


# --------------------------------------------------------------------------------------
# `ckg reason --check` on a store
# --------------------------------------------------------------------------------------


def _load_bad(runner: CliRunner, store_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD, encoding="utf-8")
    loaded = runner.invoke(cli, ["--store", str(store_dir), "load", "--no-validate", str(bad)])
    assert loaded.exit_code == 0, loaded.stderr


@pytest.mark.java
@needs_java
def test_check_cli_finds_the_person_who_is_an_armed_group(
    runner: CliRunner, bundled_store_dir: Path, tmp_path: Path
) -> None:
    _load_bad(runner, bundled_store_dir, tmp_path)
    # Actors come first in the slice, so a small limit still includes the culprit.
    done = runner.invoke(
        cli, ["--store", str(bundled_store_dir), "reason", "--check", "--limit", "60"]
    )
    assert done.exit_code == 1, done.output
    assert done.stdout.startswith("INCONSISTENT: HermiT found a contradiction in ontology + 60")
    assert "a bounded slice of the data" in done.stdout
    assert "ckgid:person/x ('Mister X') is a person (ckg:Person) and an armed group" in done.stdout
    assert "HermiT took" in done.stderr


@pytest.mark.java
@needs_java
def test_check_cli_seed_graph_is_consistent(runner: CliRunner, bundled_store_dir: Path) -> None:
    done = runner.invoke(
        cli, ["--store", str(bundled_store_dir), "reason", "--check", "--limit", "60"]
    )
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("consistent: HermiT found no contradiction in ontology + 60")


def test_check_cli_without_java_exits_3(
    runner: CliRunner, bundled_store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kg.reasoning.consistency.java_executable", lambda: None)
    done = runner.invoke(cli, ["--store", str(bundled_store_dir), "reason", "--check"])
    assert done.exit_code == 3
    assert "needs Java for HermiT" in done.stderr
    assert done.stdout == ""


def test_check_cli_limit_must_be_positive(runner: CliRunner, bundled_store_dir: Path) -> None:
    done = runner.invoke(
        cli, ["--store", str(bundled_store_dir), "reason", "--check", "--limit", "0"]
    )
    assert done.exit_code == 2
