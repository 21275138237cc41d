"""GeoNames import: feature codes to classes, admin hierarchy, alternate names, the seed's places.

The fixture tests/fixtures/import/geonames-sample.txt is hand-written in the GeoNames dump
layout: Mali, the Kayes Region (ADM1), Kayes Cercle (ADM2), an ADM3, Kayes (PPLA), Nioro
(PPLA2), a village, a well, a military base, Bamako (PPLC), and two malformed rows (line 11
has 18 columns, line 12 a latitude that is not a number).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from kg.cli.main import cli
from rdflib import Literal, URIRef

from kg.bundled import load_bundled
from kg.embedded import open_store
from kg.importers.geonames import import_geonames, place_class
from kg.terms import GRAPH, ID

SAMPLE = Path(__file__).parent / "fixtures" / "import" / "geonames-sample.txt"
CKG = "https://w3id.org/conflict-kg/ontology#"
GRAPH_IRI = URIRef(GRAPH["import/geonames/geonames-sample"])
PREFIX = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def _place(geonameid: str) -> URIRef:
    return URIRef(ID[f"place/geonames/{geonameid}"])


def _rows(store, sparql: str, **bindings):
    return store.query(PREFIX + sparql, bindings or None).rows


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory):
    """The sample imported into an empty store."""
    store = open_store(tmp_path_factory.mktemp("gn") / "store")
    summary = import_geonames(store, SAMPLE)
    yield store, summary
    store.close()


@pytest.mark.parametrize(
    "fclass, fcode, expected",
    [
        ("A", "PCLI", "Country"),
        ("A", "ADM1", "AdminRegion"),
        ("A", "ADM2", "Cercle"),
        ("A", "ADM3", "Place"),
        ("P", "PPLC", "Town"),
        ("P", "PPLA2", "Town"),
        ("P", "PPL", "Village"),
        ("S", "MILB", "MilitaryBase"),
        ("S", "ADMF", "AdministrativeSite"),
        ("S", "CMP", "Site"),
        ("H", "WLL", "Place"),
    ],
)
def test_feature_codes_map_to_classes(fclass: str, fcode: str, expected: str) -> None:
    assert place_class(fclass, fcode) == expected


def test_valid_rows_are_imported_and_malformed_ones_rejected_with_their_line(alone) -> None:
    _, summary = alone
    assert summary.records == 10 and summary.written
    assert [(r.line, r.reason) for r in summary.rejected] == [
        (11, "18 tab-separated columns, not 19"),
        (12, "latitude/longitude 'north', '-10.2' are not numbers"),
    ]


def test_places_are_typed_and_located_in_the_most_precise_admin_division(alone) -> None:
    store, _ = alone
    expected = {
        "2455517": ("AdminRegion", "2453866"),
        "7701481": ("Cercle", "2455517"),
        "11002410": ("Place", "7701481"),
        "2455518": ("Town", "7701481"),
        "2452651": ("Town", "2455517"),  # no ADM2 code: the region
        "9990001": ("Village", "11002410"),  # in its ADM3
        "9990003": ("MilitaryBase", "7701481"),
        "2460596": ("Town", "2453866"),  # its ADM1 is not in the file: the country
    }
    for geonameid, (cls, parent) in expected.items():
        rows = _rows(
            store, "SELECT ?t ?p WHERE { ?x a ?t ; ckg:locatedIn ?p }", x=_place(geonameid)
        )
        assert [(str(t), str(p)) for t, p in rows] == [(CKG + cls, str(_place(parent)))], geonameid
    assert not _rows(store, "SELECT ?p WHERE { ?x ckg:locatedIn ?p }", x=_place("2453866"))


def test_labels_and_latin_alternate_names(alone) -> None:
    store, _ = alone
    labels = _rows(store, "SELECT ?l WHERE { ?x skos:prefLabel ?l }", x=_place("2455518"))
    assert labels == [(Literal("Kayes", lang="en"),)]
    alts = {
        str(r[0])
        for r in _rows(store, "SELECT ?l WHERE { ?x skos:altLabel ?l }", x=_place("2455518"))
    }
    # Codes (KYS), the name itself, spellings equal after normalisation (Káyì) and other
    # scripts are left out.
    assert alts == {"Kaes", "Kayi"}


def test_reference_facts_and_capitals(alone) -> None:
    store, _ = alone
    row = _rows(
        store,
        """SELECT ?id ?code ?cc ?lat ?lon ?pop ?wkt WHERE { ?x ckg:geonamesId ?id ;
        ckg:featureCode ?code ; ckg:countryCode ?cc ; ckg:latitude ?lat ; ckg:longitude ?lon ;
        ckg:population ?pop ; <http://www.opengis.net/ont/geosparql#hasGeometry>/
        <http://www.opengis.net/ont/geosparql#asWKT> ?wkt }""",
        x=_place("2455518"),
    )[0]
    assert [str(v) for v in row] == [
        "2455518",
        "P.PPLA",
        "ML",
        "14.44693",
        "-11.44448",
        "78406",
        "POINT(-11.44448 14.44693)",
    ]
    roles = {
        (str(r[0]), str(r[1]))
        for r in _rows(store, "SELECT ?x ?of WHERE { ?x ckg:placeRole ?role ; ckg:capitalOf ?of }")
    }
    assert roles == {
        (str(_place("2455518")), str(_place("2455517"))),
        (str(_place("2460596")), str(_place("2453866"))),
    }


def test_each_place_has_a_claim_quoting_its_row(alone) -> None:
    store, _ = alone
    row = _rows(
        store,
        """SELECT ?text ?n ?m WHERE { ?c ckg:about ?x ; ckg:modality ?m ;
        ckg:passage ?p . ?p ckg:text ?text ; ckg:paragraph ?n }""",
        x=_place("9990002"),
    )[0]
    assert str(row[0]) == SAMPLE.read_text("utf-8").splitlines()[7]
    assert int(row[1]) == 8 and str(row[2]) == CKG + "ReferenceData"


def test_places_the_seed_already_describes_keep_its_type_and_label(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    try:
        load_bundled(store)
        import_geonames(store, SAMPLE)
        nioro = _place("2452651")
        types = _rows(store, "SELECT ?t WHERE { ?x a ?t }", x=nioro)
        assert [str(t[0]) for t in types] == [CKG + "Town"]
        prefs = _rows(store, "SELECT ?l WHERE { ?x skos:prefLabel ?l }", x=nioro)
        assert prefs == [
            (Literal("Nioro du Sahel", lang="en"),)
        ]  # the seed's, not GeoNames' "Nioro"
        alts = {
            str(r[0])
            for r in _rows(
                store, "SELECT ?l WHERE { GRAPH ?g { ?x skos:altLabel ?l } }", x=nioro, g=GRAPH_IRI
            )
        }
        assert "Nioro" in alts
        # The import's own graph adds the cercle level under the seed's region.
        parents = {
            str(r[0])
            for r in _rows(store, "SELECT ?p WHERE { ?x ckg:locatedIn ?p }", x=_place("2455518"))
        }
        assert parents == {str(_place("2455517")), str(_place("7701481"))}
    finally:
        store.close()


def test_cli_strict_refuses_and_default_exits_1(tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "store")
    strict = runner.invoke(cli, ["--store", store, "import", "geonames", "--strict", str(SAMPLE)])
    assert strict.exit_code == 3 and "REFUSED" in strict.stderr
    result = runner.invoke(cli, ["--store", store, "import", "geonames", "--report", str(SAMPLE)])
    assert result.exit_code == 1, result.output
    assert "rejected line 11: 18 tab-separated columns" in result.stdout
    assert "places: 10" in result.stderr


def test_a_file_that_is_not_a_geonames_dump_is_bad_input(tmp_path: Path) -> None:
    bogus = tmp_path / "places.csv"
    bogus.write_text("name,lat,lon\nKayes,14.4,-11.4\n", "utf-8")
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "s"), "import", "geonames", str(bogus)]
    )
    assert result.exit_code == 3
    assert f"{bogus}:1: not a GeoNames dump" in result.stderr
