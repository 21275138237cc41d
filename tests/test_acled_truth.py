"""The flagship on imported ACLED files agrees with pandas computing the rule from the CSV.

Issue 14: "attacked" means what analysts and ACLED's political-violence category mean.
The oracle (tests/acled_oracle.py) applies the README's definitions to the raw CSV.

Fixtures (tests/fixtures/import/, written for these tests): the three dyadic layouts of
test_import_acled.py, ``acled-actor-based.csv`` (the current fixture as ACLED's actor-based
export writes it: one row per actor, no actor2 columns) and ``acled-places.csv`` (one
village coded under two communes 250 m apart, one name at two places 60 km apart, a stray
leading space, a compound attribution, protests and strategic developments).
"""

from __future__ import annotations

import csv
from importlib.resources import files
from pathlib import Path

import pytest
from acled_oracle import ATTACK_TYPES, flagship_rows, km, pandas_flagship, read_acled
from click.testing import CliRunner
from kg.cli.main import cli
from rdflib import Literal, URIRef

from kg.embedded import open_store
from kg.importers.acled import import_acled
from kg.terms import ID

FIXTURES = Path(__file__).parent / "fixtures" / "import"
LAYOUTS = {
    "current": (FIXTURES / "acled-current.csv", "JNIM: Group for Support of Islam and Muslims"),
    "hdx": (FIXTURES / "acled-hdx.csv", "Islamic State (Greater Sahara)"),
    "legacy": (FIXTURES / "acled-legacy.csv", "MUJAO: Movement for Unity and Jihad in West Africa"),
    "actor-based": (
        FIXTURES / "acled-actor-based.csv",
        "JNIM: Group for Support of Islam and Muslims",
    ),
    "places": (FIXTURES / "acled-places.csv", "JNIM: Group for Support of Islam and Muslims"),
}
PREFIX = """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


# ---- ckg ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory):
    """One store per layout holding that file alone (no bundled data: imported data only)."""
    opened = {}
    for name, (path, _) in LAYOUTS.items():
        store = open_store(tmp_path_factory.mktemp(name) / "store")
        summaries = import_acled(store, [path], report=True)
        opened[name] = (store, summaries[0])
    yield opened
    for store, _ in opened.values():
        store.close()


def actor_node(store, name: str) -> URIRef:
    """The one node that carries ACLED's name ``name`` as a label or alternative label."""
    rows = store.query(
        PREFIX + "SELECT DISTINCT ?a WHERE { { ?a rdfs:label ?n } UNION { ?a skos:altLabel ?n } "
        "FILTER(STR(?n) = STR(?name)) }",
        {"name": Literal(name)},
    ).rows
    assert len(rows) == 1, f"{name!r} names {len(rows)} nodes"
    return URIRef(str(rows[0][0]))


@pytest.mark.parametrize("window", [0, 30, 365])
@pytest.mark.parametrize("one_group", [False, True], ids=["any", "group"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_flagship_equals_pandas_on_every_layout(stores, layout, one_group, window) -> None:
    store, summary = stores[layout]
    path, group = LAYOUTS[layout]
    assert not summary.rejected
    perpetrator = actor_node(store, group) if one_group else None
    expected = pandas_flagship(path, window, group if one_group else None)
    if window == 365:
        assert expected, "the fixture must have qualifying pairs"
    assert flagship_rows(store, window, perpetrator) == expected


def test_every_attack_row_is_an_attack_and_no_other_row_is(stores) -> None:
    for layout, (path, _) in LAYOUTS.items():
        store, summary = stores[layout]
        df = read_acled(path).drop_duplicates("event_id_cnty")
        expected = set(df.loc[df["event_type"].isin(ATTACK_TYPES), "event_id_cnty"])
        rows = store.query(PREFIX + "SELECT ?id WHERE { ?e a ckg:Attack ; ckg:acledId ?id }").rows
        assert {str(r[0]) for r in rows} == expected, layout
        assert summary.attacks == len(expected)


def test_an_actor_based_export_keeps_every_actor_of_an_event(stores) -> None:
    store, summary = stores["actor-based"]
    df = read_acled(LAYOUTS["actor-based"][0])
    assert summary.records == df["event_id_cnty"].nunique()
    assert summary.merged_rows == len(df) - df["event_id_cnty"].nunique() > 0
    rows = store.query(
        PREFIX + "SELECT ?id ?n WHERE { ?e ckg:acledId ?id ; ckg:perpetrator|ckg:targetActor ?a . "
        "?a rdfs:label|skos:altLabel ?n }"
    ).rows
    got: dict[str, set[str]] = {}
    for event_id, name in rows:
        got.setdefault(str(event_id), set()).add(str(name))
    for event_id, actors in df.groupby("event_id_cnty")["actor1"]:
        assert set(actors) <= got[event_id], event_id


def test_the_actor_based_cli_import_exits_0(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["--store", str(tmp_path / "s"), "import", "acled", str(LAYOUTS["actor-based"][0])],
    )
    assert result.exit_code == 0, result.output
    assert "layout: actor-based" in result.stderr
    assert "row(s) added an actor to an event of an earlier row" in result.stderr


def test_places_merge_near_and_split_far(stores) -> None:
    store, summary = stores["places"]
    towns = store.query(
        PREFIX + "SELECT ?id ?t WHERE { ?e ckg:acledId ?id ; ckg:place ?t }"
    ).dicts()
    place = {str(r["id"]): str(r["t"]) for r in towns}
    assert place["MLI40001"] == place["MLI40002"]  # Dioura under two communes, 250 m apart
    assert place["MLI40003"] != place["MLI40004"]  # Kouakourou, 60 km apart
    assert place["MLI40005"] == place["MLI40006"]  # "Boni" and " Boni"
    assert [(m.name, round(m.km, 2)) for m in summary.place_merges] == [
        ("Dioura", round(km(14.7500, -5.2500, 14.7522, -5.2510), 2))
    ]
    assert any("merged place: 'Dioura'" in line for line in summary.report_lines())


def test_a_compound_attribution_is_its_own_actor_linked_to_both(stores) -> None:
    store, _ = stores["places"]
    compound = actor_node(
        store, "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Greater Sahara)"
    )
    jnim = actor_node(store, "JNIM: Group for Support of Islam and Muslims")
    isgs = actor_node(store, "Islamic State (Greater Sahara)")
    linked = store.query(
        PREFIX + "SELECT ?p WHERE { ?c ckg:possibleActor ?p }", {"c": compound}
    ).rows
    assert {URIRef(str(r[0])) for r in linked} == {jnim, isgs}
    assert jnim == URIRef(str(ID["group/jnim"]))


def test_actors_are_named_in_a_store_of_imported_data_alone(stores) -> None:
    store, _ = stores["current"]
    # every actor an event names has a label: no answer shows a bare id
    unnamed = store.query(
        PREFIX
        + "SELECT DISTINCT ?a WHERE { ?e ckg:perpetrator|ckg:targetActor|ckg:associatedActor ?a"
        " FILTER NOT EXISTS { ?a rdfs:label ?l } }"
    ).rows
    assert unnamed == []
    lookup = files("kg.queries").joinpath("lookup_name.rq").read_text("utf-8")
    hits = store.query(lookup, {"_name_string": Literal("JNIM")}).dicts()
    assert str(ID["group/jnim"]) in {str(r["resource"]) for r in hits}


def test_a_file_with_no_attack_says_so_even_when_quiet(tmp_path: Path) -> None:
    source = read_acled(LAYOUTS["places"][0])
    calm = source[source["event_type"].isin(["Protests", "Strategic developments"])]
    path = tmp_path / "calm.csv"
    calm.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "s"), "-q", "import", "acled", str(path)]
    )
    assert result.exit_code == 0
    assert "WARNING: none of the 3 events is an attack" in result.stderr
    assert "Protests (2)" in result.stderr
