"""``competing_claims`` (issue 16, point 2) on imported data, against the raw files.

The golden answer on the bundled graph (tests/golden/competing_claims*.json) holds the
seed's one disagreement: Kayes has "well over 100,000" people in the report and 78,406 in
GeoNames. Here the same question runs on data brought in by the real importers - a
GeoNames extract that gives Kayes another population, and two ACLED exports of which the
second revises an event's fatalities - and its answer is compared with what pandas reads
from those files directly.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kg.catalogue import run_question
from kg.importers.acled import graph_for as acled_graph
from kg.importers.acled import import_acled
from kg.importers.geonames import graph_for as geonames_graph
from kg.importers.geonames import import_geonames
from kg.terms import GRAPH, ID

KAYES = ID["place/geonames/2455518"]


@pytest.fixture
def imported(bundled_store, fixtures_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    gazetteer = tmp_path / "geonames-2026.txt"
    lines = (fixtures_dir / "import" / "geonames-sample.txt").read_text("utf-8").splitlines()
    out = []
    for line in lines:
        fields = line.split("\t")
        if fields[0] == "2455518":
            fields[14] = "86000"  # a later gazetteer with another figure for Kayes
        out.append("\t".join(fields))
    gazetteer.write_text("\n".join(out) + "\n", encoding="utf-8")
    import_geonames(bundled_store, gazetteer)

    first = tmp_path / "acled-june.csv"
    first.write_text((fixtures_dir / "import" / "acled-join-seed.csv").read_text("utf-8"), "utf-8")
    revised = tmp_path / "acled-june-revised.csv"
    frame = pd.read_csv(first, dtype=str, keep_default_na=False)
    frame.loc[frame["event_id_cnty"] == "MLI39001", "fatalities"] = "5"
    frame.to_csv(revised, index=False)
    import_acled(bundled_store, [first, revised])
    return bundled_store, gazetteer, first, revised


def _rows(store, **params):  # type: ignore[no-untyped-def]
    result = run_question(store, "competing_claims", params)
    return result.dicts()


def test_revised_fatalities_compete_value_by_value(imported) -> None:
    store, _gazetteer, first, revised = imported
    # Independently: the events whose fatalities differ between the two exports.
    a = pd.read_csv(first, dtype=str, keep_default_na=False).set_index("event_id_cnty")
    b = pd.read_csv(revised, dtype=str, keep_default_na=False).set_index("event_id_cnty")
    common = a.index.intersection(b.index)
    differ = [e for e in common if a.loc[e, "fatalities"] != b.loc[e, "fatalities"]]
    expected = {
        (str(ID[f"event/acled/{e}"]), int(frame.loc[e, "fatalities"]), graph)
        for e in differ
        for frame, graph in ((a, acled_graph(first)), (b, acled_graph(revised)))
    }
    got = {
        (str(d["subject"]), int(str(d["value"])), str(d["source"]))
        for d in _rows(store)
        if str(d["property"]).endswith("#fatalities")
    }
    assert differ == ["MLI39001"]
    assert got == expected
    # Each value comes with its own export's row: its notes are the passage.
    rows = _rows(store, subject="event/acled/MLI39001")
    assert {str(d["source"]) for d in rows} == {acled_graph(first), acled_graph(revised)}
    for d in rows:
        assert str(d["quote"]) == a.loc["MLI39001", "notes"]
        assert d["modality"] is not None


def test_three_sources_disagree_on_kayes(imported, fixtures_dir: Path) -> None:
    store, gazetteer, _first, _revised = imported
    raw = pd.read_csv(gazetteer, sep="\t", header=None, dtype=str, keep_default_na=False)
    imported_population = int(raw.loc[raw[0] == "2455518", 14].iloc[0])
    got = {
        (str(d["relation"]), int(str(d["value"])), str(d["source"]))
        for d in _rows(store, subject=str(KAYES))
    }
    assert got == {
        ("is", 78406, str(GRAPH["ref/geonames-ml"])),
        ("at least", 100000, str(GRAPH["doc/mali-jnim-july-1-attacks"])),
        ("is", imported_population, geonames_graph(gazetteer)),
    }


def test_a_bound_the_figures_respect_is_no_disagreement(bundled_store) -> None:
    from rdflib import Graph, Literal, URIRef

    from kg.namespace import CKG

    # A source that says Kayes has 120,000 people agrees with "well over 100,000"; it
    # still disagrees with GeoNames' 78,406.
    g = Graph()
    g.add((KAYES, CKG.population, Literal(120000)))
    bundled_store.replace_graph(URIRef(GRAPH["test/census"]), g, source="test")
    rows = {
        (str(d["relation"]), int(str(d["value"])), str(d["source"]))
        for d in _rows(bundled_store, subject=str(KAYES))
    }
    assert ("is", 120000, str(GRAPH["test/census"])) in rows
    # The report's bound competes only with GeoNames' lower figure, which is still there.
    assert ("at least", 100000, str(GRAPH["doc/mali-jnim-july-1-attacks"])) in rows
    bundled_store.drop_graph(URIRef(GRAPH["ref/geonames-ml"]))
    rows = {
        (str(d["relation"]), str(d["source"])) for d in _rows(bundled_store, subject=str(KAYES))
    }
    assert rows == set()


def test_two_parties_claiming_one_attack_compete(bundled_store) -> None:
    """A source that relays two parties' claims of responsibility for the same attack."""
    from rdflib import Dataset, URIRef

    trig = """
    @base <https://w3id.org/conflict-kg/id/> .
    @prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
    <https://w3id.org/conflict-kg/graph/test/bulletin> {
      <passage/test/b/1> a ckg:Passage ; ckg:text "JNIM said it carried out the attack." ;
          ckg:paragraph 1 ; ckg:inDocument <doc/test/b> .
      <passage/test/b/2> a ckg:Passage ; ckg:text "IS Sahel also claimed the attack." ;
          ckg:paragraph 2 ; ckg:inDocument <doc/test/b> .
      <claim/test/b/1> a ckg:Claim ; ckg:about <event/2025-07-01-kayes-attack> ;
          ckg:passage <passage/test/b/1> ; ckg:modality ckg:ClaimedByParty ;
          ckg:claimant <group/jnim> .
      <claim/test/b/2> a ckg:Claim ; ckg:about <event/2025-07-01-kayes-attack> ;
          ckg:passage <passage/test/b/2> ; ckg:modality ckg:ClaimedByParty ;
          ckg:claimant <group/isgs> .
    }
    """
    ds = Dataset()
    ds.parse(data=trig, format="trig")
    bundled_store.replace_graphs(
        {URIRef(str(g.identifier)): g for g in ds.graphs() if len(g)}, source="test"
    )
    rows = {
        (str(d["property"]).rsplit("#", 1)[1], str(d["value"]).rsplit("/", 1)[1], str(d["quote"]))
        for d in _rows(bundled_store, subject="event/2025-07-01-kayes-attack")
    }
    assert rows == {
        ("claimant", "jnim", "JNIM said it carried out the attack."),
        ("claimant", "isgs", "IS Sahel also claimed the attack."),
    }
