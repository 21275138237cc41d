"""The event index and the accelerated core of towns_attacked_twice (kg/accelerate.py).

The accelerated answer must equal the plain SPARQL answer of the same saved question, on
data built to hit the corners: several graphs, nested places, events with several start
dates or none, no end dates, subclasses of ckg:Attack, factions, the same fact in two
graphs, event IRIs that are prefixes of one another. And the index must follow every kind
of write: replace, add, drop, a damaged file.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.accelerate import accelerated, attack_pairs
from kg.catalogue import bind_params, get_question
from kg.embedded import EmbeddedStore, open_store
from kg.terms import CKG_NS, GRAPH, ID

CKG = lambda name: URIRef(CKG_NS + name)  # noqa: E731
QUESTION = get_question("towns_attacked_twice")
PARAMS = [
    {},
    {"window": "0"},
    {"window": "7"},
    {"window": "40"},
    {"window": "-1"},
    {"perpetrator": "group/g1"},
    {"perpetrator": "group/g2", "window": "60"},
    {"since": "2024-03-01"},
    {"until": "2024-06-30", "window": "20"},
    {"since": "2024-02-01", "until": "2024-09-30", "perpetrator": "group/g1"},
]


def _random_graphs(seed: int) -> dict[URIRef, list[tuple]]:
    """Three data graphs and an ontology graph of random, regular attacks."""
    rng = random.Random(seed)
    onto = [
        (CKG("Ambush"), RDFS.subClassOf, CKG("Attack")),
        (CKG("Raid"), RDFS.subClassOf, CKG("Ambush")),
    ]
    places = []
    for t in range(6):
        town = ID[f"place/t{t}"]
        kind = rng.choice(["Town", "Village", "Settlement"])
        onto_place = [(town, RDF.type, CKG(kind))]
        post = ID[f"place/t{t}/post"]
        site = ID[f"place/t{t}/post/site"]
        onto_place += [(post, CKG("locatedIn"), town), (site, CKG("locatedIn"), post)]
        places += [town, post, site]
        onto += onto_place
    # A place inside two towns (overlapping areas): its attacks count for both.
    shared = ID["place/shared"]
    onto += [(shared, CKG("locatedIn"), ID["place/t0"]), (shared, CKG("locatedIn"), ID["place/t1"])]
    places.append(shared)
    groups = [ID["group/g1"], ID["group/g2"], ID["group/g1/unit"], ID["group/g1/unit/cell"]]
    onto += [
        (groups[2], CKG("factionOf"), groups[0]),
        (groups[3], CKG("factionOf"), groups[2]),
    ]
    data: dict[URIRef, list[tuple]] = {GRAPH["test/places"]: onto}
    start = date(2024, 1, 1)
    for g in range(3):
        triples: list[tuple] = []
        for n in range(40):
            # e1, e10, e11 ... : IRIs that are prefixes of others, to test the key order.
            event = ID[f"event/e{rng.randint(1, 30)}"]
            kind = rng.choice(["Attack", "Ambush", "Raid", "Battle", "Attack"])
            triples.append((event, RDF.type, CKG(kind)))
            if rng.random() < 0.9:
                day = start + timedelta(days=rng.randint(0, 300))
                triples.append((event, CKG("startDate"), Literal(day.isoformat(), datatype=XSD.date)))
                if rng.random() < 0.6:
                    end = day + timedelta(days=rng.choice([0, 0, 1, 6, 30]))
                    triples.append((event, CKG("endDate"), Literal(end.isoformat(), datatype=XSD.date)))
            if rng.random() < 0.95:
                triples.append((event, CKG("place"), rng.choice(places)))
            if rng.random() < 0.8:
                triples.append((event, CKG("perpetrator"), rng.choice(groups)))
            if n % 9 == 0:
                triples.append((event, CKG("perpetrator"), Literal("a name, not a group")))
        data[GRAPH[f"test/data{g}"]] = triples
    # The same fact in two graphs.
    dup = next(iter(data[GRAPH["test/data0"]]))
    data[GRAPH["test/data1"]].append(dup)
    return data


def _fill(store: EmbeddedStore, graphs: dict[URIRef, list[tuple]]) -> None:
    for name, triples in graphs.items():
        store.replace_graph(name, triples, source="test")


def _both(store: EmbeddedStore, params: dict[str, str], inferred: bool = True):
    bindings = bind_params(QUESTION, params)
    fast = store.query(QUESTION.text, bindings, include_inferred=inferred)
    plain = store.query(QUESTION.text, bindings, include_inferred=inferred, accelerate=False)
    # The question has no ORDER BY: compare the rows as sets.
    fast.rows.sort(key=repr)
    plain.rows.sort(key=repr)
    return fast, plain


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "store")
    yield s
    s.close()


@pytest.mark.parametrize("seed", range(6))
def test_accelerated_answer_equals_the_plain_sparql(store: EmbeddedStore, seed: int) -> None:
    _fill(store, _random_graphs(seed))
    rows_seen = 0
    for params in PARAMS:
        bindings = bind_params(QUESTION, params)
        # The fast path really runs (else the comparison below would prove nothing).
        assert attack_pairs(store, dict(bindings), True) is not None
        fast, plain = _both(store, params)
        assert fast.variables == plain.variables
        assert fast.rows == plain.rows, params
        rows_seen += len(plain.rows)
    assert rows_seen > 10  # the data does produce pairs


def test_index_follows_adds_drops_and_damage(store: EmbeddedStore) -> None:
    graphs = _random_graphs(42)
    _fill(store, graphs)
    name = str(GRAPH["test/data0"])
    revision = store.revisions()[name]
    assert store.event_index.get(name, revision) is not None  # written with the data

    # An add: the entry moves to the new revision and includes the new attack.
    from rdflib import Graph

    batch = Graph()
    extra = ID["event/added"]
    batch.add((extra, RDF.type, CKG("Attack")))
    batch.add((extra, CKG("startDate"), Literal("2024-01-02", datatype=XSD.date)))
    batch.add((extra, CKG("place"), ID["place/t3"]))
    store.add_to_graphs({URIRef(name): batch})
    new_revision = store.revisions()[name]
    assert new_revision != revision
    entry = store.event_index.get(name, new_revision)
    assert entry is not None and str(extra) in entry.subjects
    assert store.event_index.get(name, revision) is None
    fast, plain = _both(store, {"window": "400"})
    assert fast.rows == plain.rows and any(str(extra) in repr(r) for r in plain.rows)

    # A damaged entry and a damaged attack table are rebuilt, not trusted.
    store.event_index._path(name).write_bytes(b"not marshal data")
    tables = list(store.event_index.folder.parent.glob("attacks-*.marshal"))
    assert tables
    for table in tables:
        table.write_bytes(b"\x00garbage")
    fast, plain = _both(store, {})
    assert fast.rows == plain.rows
    assert store.event_index.get(name, new_revision) is not None

    # A drop removes the entry; the answers still agree.
    store.drop_graph(URIRef(name))
    assert not store.event_index._path(name).exists()
    fast, plain = _both(store, {})
    assert fast.rows == plain.rows


def test_a_missing_index_is_rebuilt_from_the_store(store: EmbeddedStore) -> None:
    _fill(store, _random_graphs(7))
    import shutil

    shutil.rmtree(store.event_index.folder)
    fast, plain = _both(store, {"window": "30"})
    assert fast.rows == plain.rows and plain.rows
    assert any(store.event_index.folder.iterdir())


def test_irregular_dates_fall_back_to_plain_sparql(store: EmbeddedStore) -> None:
    graphs = _random_graphs(3)
    odd = ID["event/odd"]
    graphs[GRAPH["test/data2"]] += [
        (odd, RDF.type, CKG("Attack")),
        (odd, CKG("startDate"), Literal("2024-05-01T10:00:00", datatype=XSD.dateTime)),
        (odd, CKG("place"), ID["place/t2"]),
    ]
    _fill(store, graphs)
    bindings = bind_params(QUESTION, {})
    assert attack_pairs(store, dict(bindings), True) is None
    assert accelerated(store, QUESTION.text, bindings) is None
    fast, plain = _both(store, {})
    assert fast.rows == plain.rows


def test_attacks_that_end_before_they_start(store: EmbeddedStore) -> None:
    graphs = _random_graphs(5)
    odd = ID["event/backwards"]
    backwards = [
        (odd, RDF.type, CKG("Attack")),
        (odd, CKG("startDate"), Literal("2024-05-10", datatype=XSD.date)),
        (odd, CKG("endDate"), Literal("2024-05-01", datatype=XSD.date)),
        (odd, CKG("place"), ID["place/t2"]),
    ]
    graphs[GRAPH["test/data1"]] += backwards
    _fill(store, graphs)
    # Among ordinary attacks, one backwards attack changes nothing: both answers agree.
    assert attack_pairs(store, dict(bind_params(QUESTION, {})), True) is not None
    fast, plain = _both(store, {"window": "5"})
    assert fast.rows == plain.rows
    # Only backwards attacks (the SPARQL's bucket size then rests on its floor of 0 for
    # the longest attack): still the same answer.
    for name in graphs:
        store.drop_graph(name)
    later = ID["event/backwards-too"]
    store.replace_graph(
        GRAPH["test/odd"],
        [
            *backwards,
            (later, RDF.type, CKG("Attack")),
            (later, CKG("startDate"), Literal("2024-05-20", datatype=XSD.date)),
            (later, CKG("endDate"), Literal("2024-05-12", datatype=XSD.date)),
            (later, CKG("place"), ID["place/t2"]),
            (ID["place/t2"], RDF.type, CKG("Town")),
        ],
    )
    for window in ("0", "10", "19", "20"):
        assert attack_pairs(store, dict(bind_params(QUESTION, {"window": window})), True)
        fast, plain = _both(store, {"window": window})
        assert fast.rows == plain.rows, window


def test_unknown_parameters_fall_back(store: EmbeddedStore) -> None:
    _fill(store, _random_graphs(1))
    bindings = dict(bind_params(QUESTION, {}))
    bindings["__other_string"] = Literal("x")
    assert attack_pairs(store, bindings, True) is None


def test_new_attack_subclasses_rebuild_the_entries(store: EmbeddedStore) -> None:
    graphs = _random_graphs(9)
    _fill(store, graphs)
    # Battle becomes a kind of attack: every entry built before must be widened.
    places = GRAPH["test/places"]
    store.replace_graph(places, [*graphs[places], (CKG("Battle"), RDFS.subClassOf, CKG("Attack"))])
    fast, plain = _both(store, {"window": "10"})
    assert fast.rows == plain.rows
    name = str(GRAPH["test/data0"])
    entry = store.event_index.get(name, store.revisions()[name])
    assert entry is not None and CKG_NS + "Battle" in entry.classes


def _fact_sets(entry) -> dict[str, set]:
    subjects = entry.subjects
    return {
        "types": {(subjects[i], c) for c, idxs in entry.types.items() for i in idxs},
        "start": {(subjects[s], d) for s, d in zip(entry.start_s, entry.start_d)},
        "end": {(subjects[s], d) for s, d in zip(entry.end_s, entry.end_d)},
        "place": {(subjects[s], entry.places[p]) for s, p in zip(entry.place_s, entry.place_o)},
        "perp": {(subjects[s], entry.actors[a]) for s, a in zip(entry.perp_s, entry.perp_o)},
    }


def test_a_bulk_import_indexes_what_it_wrote(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk path indexes from the importer's copy of the lines; it must match the graph."""
    from kg import loading
    from kg.event_index import facts_from_store
    from kg.importers.acled import import_acled

    monkeypatch.setattr(loading, "BULK_BYTES", 0)  # force the bulk loader on a small file
    fixture = Path(__file__).parent / "fixtures" / "import" / "acled-current.csv"
    (summary,) = import_acled(store, [fixture])
    name = summary.graph
    revision = store.revisions()[name]
    entry = store.event_index.get(name, revision)
    assert entry is not None and not entry.irregular
    rebuilt = facts_from_store(store.db, name, revision, entry.classes)
    assert _fact_sets(entry) == _fact_sets(rebuilt)
    assert _fact_sets(entry)["start"]  # the fixture has dated events
    for params in ({}, {"window": "30"}, {"perpetrator": "group/jnim"}):
        fast, plain = _both(store, params)
        assert fast.rows == plain.rows


def test_the_cli_says_when_the_event_index_answered(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli.main import cli

    folder = tmp_path / "store"
    store = open_store(folder)
    _fill(store, _random_graphs(2))
    store.close()
    args = ["--store", str(folder), "query", "run", "towns_attacked_twice", "-f", "csv"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "(attack-pairs from the event index)" in result.stderr
    assert result.stdout.startswith("town,townLabel,region")
    other = CliRunner().invoke(cli, ["--store", str(folder), "query", "run", "attacks_by_region"])
    assert other.exit_code == 0, other.output
    assert "event index" not in other.stderr
    whole = CliRunner().invoke(cli, [*args, "--whole"])
    assert whole.exit_code == 0, whole.output
    assert "event index" not in whole.stderr
    assert sorted(whole.stdout.splitlines()) == sorted(result.stdout.splitlines())


def test_the_first_bulk_import_into_an_empty_store_is_indexed_for_use(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry made during the import must already cover the classes a question asks for."""
    from kg import loading
    from kg.importers.acled import import_acled

    monkeypatch.setattr(loading, "BULK_BYTES", 0)
    fixture = Path(__file__).parent / "fixtures" / "import" / "acled-current.csv"
    (summary,) = import_acled(store, [fixture])
    entry = store.event_index.get(summary.graph, store.revisions()[summary.graph])
    assert entry is not None
    assert store.attack_classes() <= entry.classes


def test_lateral_rewrite_reads_only_code() -> None:
    """Braces and OPTIONAL inside IRIs, strings and comments are not syntax."""
    from kg.accelerate import lateral_optionals
    from kg.sparql import code_mask

    text = (
        'SELECT * WHERE { ?a <urn:x#y> ?b . # a { comment OPTIONAL {\n'
        '  OPTIONAL { ?a <urn:p> "} OPTIONAL {" OPTIONAL { ?x ?y ?z } }\n'
        "  FILTER(?a < 3)\n"
        "  optional{?q ?w '''{'''}\n"
        "  { SELECT ?z WHERE { OPTIONAL { ?z ?z ?z } } }\n"
        "} GROUP BY ?a"
    )
    mask = code_mask(text)
    assert len(mask) == len(text) and mask.count("\n") == text.count("\n")
    assert "urn:" not in mask and "comment" not in mask and '"}' not in mask
    assert lateral_optionals(text) == (
        'SELECT * WHERE { ?a <urn:x#y> ?b . # a { comment OPTIONAL {\n'
        '  LATERAL { OPTIONAL { ?a <urn:p> "} OPTIONAL {" OPTIONAL { ?x ?y ?z } } }\n'
        "  FILTER(?a < 3)\n"
        "  LATERAL { optional{?q ?w '''{'''} }\n"
        "  { SELECT ?z WHERE { OPTIONAL { ?z ?z ?z } } }\n"
        "} GROUP BY ?a"
    )


def test_a_question_is_sent_in_batches_only_when_each_row_stands_alone() -> None:
    """Batches of core rows are merged by concatenation: only right when the rest of the
    question groups by the core's key and neither orders nor slices the answer."""
    from kg.accelerate import _ROWS_HERE, _per_row_answer

    core = QUESTION.text.index("  # ckg:core attack-pairs begin")
    end = QUESTION.text.index("# ckg:core attack-pairs end")
    skeleton = QUESTION.text[:core] + _ROWS_HERE + QUESTION.text[end:]
    assert _per_row_answer(skeleton, "town")
    assert not _per_row_answer(skeleton, "best")  # not a grouping key
    assert not _per_row_answer(skeleton + " ORDER BY ?gapDays", "town")
    assert not _per_row_answer(skeleton + " LIMIT 10", "town")
    ungrouped = skeleton[: skeleton.rindex("GROUP BY")]
    assert not _per_row_answer(ungrouped, "town")
