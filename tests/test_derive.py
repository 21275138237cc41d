"""The derived graph (kg/derive): its rules against pandas, and its upkeep on every write.

The oracle is computed in pandas from the random generator's own records (which towns a
place is in, which groups an actor belongs to, which kinds a class is), never from what
ckg wrote. The data hits the corners: several start and end dates per event, places
nested three deep and a place inside two towns, factions of factions, subclasses of
subclasses, non-attacks, undated events, the same fact in two graphs, event IRIs that are
prefixes of one another.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.catalogue import get_question, run_question
from kg.derive import DERIVED_GRAPH
from kg.embedded import EmbeddedStore, open_store
from kg.terms import CKG_NS, GRAPH, ID

pd = pytest.importorskip("pandas")

CKG = lambda name: URIRef(CKG_NS + name)
DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
FLAGSHIP = get_question("towns_attacked_twice")

# The class tree: kind -> the kinds (ckg:Attack and below) each class is an attack of.
CLASSES = {
    "Attack": {"Attack"},
    "Battle": {"Attack", "Battle"},
    "Ambush": {"Attack", "Battle", "Ambush"},
    "ViolenceAgainstCivilians": {"Attack", "ViolenceAgainstCivilians"},
    "HostageTaking": set(),
    "ViolentEvent": set(),
}
GROUPS = {  # actor -> itself and the groups it is a faction of
    "g1": {"g1"},
    "g1/unit": {"g1/unit", "g1"},
    "g1/unit/cell": {"g1/unit/cell", "g1/unit", "g1"},
    "g2": {"g2"},
}


def random_data(seed: int, events: int = 160) -> tuple[dict[URIRef, list[tuple]], Any]:
    """Graphs of random events, and one pandas row per (event, town, kind, group)."""
    rng = random.Random(seed)
    onto = [
        (CKG("Attack"), RDFS.subClassOf, CKG("ViolentEvent")),
        (CKG("Battle"), RDFS.subClassOf, CKG("Attack")),
        (CKG("Ambush"), RDFS.subClassOf, CKG("Battle")),
        (CKG("ViolenceAgainstCivilians"), RDFS.subClassOf, CKG("Attack")),
        (CKG("HostageTaking"), RDFS.subClassOf, CKG("ViolentEvent")),
    ]
    places: dict[str, set[str]] = {}  # place -> the towns it is in
    for r in range(2):
        region = ID[f"place/r{r}"]
        onto.append((region, RDF.type, CKG("AdminRegion")))
        for t in range(3):
            town = ID[f"place/r{r}/t{t}"]
            onto += [
                (town, RDF.type, CKG(rng.choice(["Town", "Village", "Settlement"]))),
                (town, CKG("locatedIn"), region),
            ]
            post, site = ID[f"place/r{r}/t{t}/post"], ID[f"place/r{r}/t{t}/post/site"]
            onto += [(post, CKG("locatedIn"), town), (site, CKG("locatedIn"), post)]
            for p in (town, post, site):
                places[str(p)] = {str(town)}
    shared = ID["place/shared"]
    onto += [
        (shared, CKG("locatedIn"), ID["place/r0/t0"]),
        (shared, CKG("locatedIn"), ID["place/r1/t2"]),
    ]
    places[str(shared)] = {str(ID["place/r0/t0"]), str(ID["place/r1/t2"])}
    places[str(ID["place/nowhere"])] = set()
    onto += [
        (ID["group/g1/unit"], CKG("factionOf"), ID["group/g1"]),
        (ID["group/g1/unit/cell"], CKG("factionOf"), ID["group/g1/unit"]),
    ]
    graphs: dict[URIRef, list[tuple]] = {GRAPH["test/places"]: onto}
    rows = []
    for g in range(3):
        triples: list[tuple] = []
        graphs[GRAPH[f"test/data{g}"]] = triples
        for _ in range(events // 3):
            # e1, e10, e11 ...: IRIs that are prefixes of others, to test the order.
            event = ID[f"event/e{rng.randint(1, events // 2)}"]
            kinds = rng.sample(sorted(CLASSES), rng.choice([1, 1, 2]))
            triples += [(event, RDF.type, CKG(k)) for k in kinds]
            base = date(2024, 1, 1) + timedelta(days=rng.randint(0, 400))
            for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
                day = base + timedelta(days=rng.randint(0, 5))
                triples.append((event, CKG("startDate"), Literal(day, datatype=DATE)))
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                day = base + timedelta(days=rng.choice([0, 1, 6, 40]))
                triples.append((event, CKG("endDate"), Literal(day, datatype=DATE)))
            for place in rng.sample(sorted(places), rng.choice([1, 1, 1, 2])):
                triples.append((event, CKG("place"), URIRef(place)))
            for actor in rng.sample(sorted(GROUPS), rng.choice([0, 1, 1, 2])):
                triples.append((event, CKG("perpetrator"), ID[f"group/{actor}"]))
            if rng.random() < 0.1:
                triples.append((event, CKG("perpetrator"), Literal("a name, not a group")))
    graphs[GRAPH["test/data1"]].append(graphs[GRAPH["test/data0"]][0])  # in two graphs
    add_claims(graphs, seed, events)
    # The oracle's table, from the triples as written (the union of the graphs).
    union = {t for triples in graphs.values() for t in triples}
    by_event: dict[URIRef, dict[str, set]] = {}
    for s, p, o in union:
        if str(s).startswith(str(ID["event/"])):
            by_event.setdefault(s, {}).setdefault(str(p), set()).add(o)
    for event, facts in by_event.items():
        starts = [o.toPython() for o in facts.get(CKG_NS + "startDate", ())]
        ends = [o.toPython() for o in facts.get(CKG_NS + "endDate", ())]
        if not starts:
            continue
        start, end = min(starts), (max(ends) if ends else min(starts))
        kinds = set().union(*(CLASSES[str(t)[len(CKG_NS) :]] for t in facts[str(RDF.type)]))
        towns = set().union(*(places[str(p)] for p in facts.get(CKG_NS + "place", ())))
        groups = {None} | set().union(
            *(
                GROUPS[str(a)[len(str(ID["group/"])) :]]
                for a in facts.get(CKG_NS + "perpetrator", ())
                if isinstance(a, URIRef)
            )
        )
        for town in towns:
            for kind in kinds:
                for group in groups:
                    rows.append(
                        {
                            "event": str(event),
                            "town": town,
                            "kind": CKG_NS + kind,
                            "group": str(ID[f"group/{group}"]) if group else None,
                            "start": pd.Timestamp(start),
                            "end": pd.Timestamp(end),
                        }
                    )
    return graphs, pd.DataFrame(rows)


def add_claims(graphs: dict[URIRef, list[tuple]], seed: int, events: int) -> None:
    """Claims about events and places, their passages and documents, in random graphs.

    Claims and passages are IRIs or blank nodes; a claim's passage (an IRI) may sit in
    another graph than the claim; some claims have no passage, some passages no document, a
    passage may be in two documents, and a document may be a blank node (not written).
    """
    from rdflib import BNode

    rng = random.Random(seed + 1000)
    names = sorted(graphs)
    docs = [ID[f"doc/d{i}"] for i in range(3)] + [BNode()]
    subjects = [ID[f"event/e{i}"] for i in range(1, events // 2 + 1)] + [ID["place/r0/t1"]]
    for n in range(events // 2):
        claim = ID[f"claim/c{n}"] if rng.random() < 0.7 else BNode()
        passage = ID[f"passage/p{n}"] if rng.random() < 0.7 else BNode()
        here, there = rng.choice(names), rng.choice(names)
        if isinstance(passage, BNode):
            there = here  # a blank node is one file's: it cannot join two loads
        graphs[here] += [(claim, CKG("about"), s) for s in rng.sample(subjects, rng.choice([1, 2]))]
        if rng.random() < 0.9:
            graphs[here].append((claim, CKG("passage"), passage))
        for doc in rng.sample(docs, rng.choice([0, 1, 1, 1, 2])):
            graphs[there].append((passage, CKG("inDocument"), doc))


def pandas_documents(graphs: dict[URIRef, list[tuple]]) -> set[tuple[str, str]]:
    """(resource, document) for every claim about the resource with a passage in it."""
    union = {t for triples in graphs.values() for t in triples}

    def frame(predicate: str, a: str, b: str) -> Any:
        rows = [(s, o) for s, p, o in union if str(p) == CKG_NS + predicate]
        return pd.DataFrame(rows, columns=[a, b])

    joined = frame("about", "claim", "resource").merge(frame("passage", "claim", "passage"))
    joined = joined.merge(frame("inDocument", "passage", "document"))
    return {
        (str(r.resource), str(r.document))
        for r in joined.itertuples(index=False)
        if isinstance(r.resource, URIRef) and isinstance(r.document, URIRef)
    }


def pandas_steps(table: Any) -> set[tuple]:
    """Every (town, kind, group, position, from, to, gap) by sort-and-diff."""
    df = table.assign(group=table["group"].fillna("")).sort_values(
        ["town", "kind", "group", "start", "end", "event"]
    )
    seq = df.groupby(["town", "kind", "group"], sort=False)
    df = df.assign(
        position=seq.cumcount() + 1,
        to=seq["event"].shift(-1),
        gap=(seq["start"].shift(-1) - df["end"]).dt.days,
    ).dropna(subset=["to"])
    return {
        (r.town, r.kind, r.group or None, r.position, r.event, r.to, int(r.gap))
        for r in df.itertuples(index=False)
    }


def pandas_flagship(
    table: Any,
    window: int,
    kind: str = CKG_NS + "Attack",
    group: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, tuple[str, str, int]]:
    """The flagship's rule: attacks filtered first, then each with the next, first hit."""
    df = table[(table["kind"] == kind)]
    df = df[df["group"].isna()] if group is None else df[df["group"] == group]
    if since:
        df = df[df["start"] >= pd.Timestamp(since)]
    if until:
        df = df[df["start"] <= pd.Timestamp(until)]
    df = df.sort_values(["town", "start", "end", "event"])
    by_town = df.groupby("town", sort=False)
    df = df.assign(
        to=by_town["event"].shift(-1), gap=(by_town["start"].shift(-1) - df["end"]).dt.days
    )
    if window < 0:
        return {}
    hits = df[df["gap"] <= window].groupby("town", sort=False).head(1)
    return {r.town: (r.event, r.to, int(r.gap)) for r in hits.itertuples(index=False)}


STEPS = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
SELECT ?town ?kind ?group ?position ?from ?to ?gap WHERE {
  ?sequence ckg:sequenceTown ?town ; ckg:scope ?scope .
  ?scope ckg:scopeKind ?kind .
  OPTIONAL { ?scope ckg:scopeGroup ?group }
  ?step ckg:inSequence ?sequence ; ckg:position ?position ; ckg:fromAttack ?from ;
        ckg:toAttack ?to ; ckg:gapDays ?gap .
}"""


def store_steps(store: EmbeddedStore) -> set[tuple]:
    return {
        (str(t), str(k), str(g) if g is not None else None, int(p), str(a), str(b), int(gap))
        for t, k, g, p, a, b, gap in store.query(STEPS).rows
    }


def derived_quads(store: EmbeddedStore) -> set[tuple]:
    return {q[:3] for q in store.quads(DERIVED_GRAPH)}


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "store")
    yield s
    s.close()


def fill(store: EmbeddedStore, graphs: dict[URIRef, list[tuple]]) -> None:
    for name, triples in graphs.items():
        store.replace_graph(name, triples, source="test")


@pytest.mark.parametrize("seed", range(4))
def test_next_attack_steps_agree_with_pandas(store: EmbeddedStore, seed: int) -> None:
    graphs, table = random_data(seed)
    fill(store, graphs)
    want = pandas_steps(table)
    assert len(want) > 100  # the data makes real sequences
    assert store_steps(store) == want


SHORTEST = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
SELECT ?town ?kind ?group ?position WHERE {
  ?sequence ckg:sequenceTown ?town ; ckg:scope ?scope .
  ?scope ckg:scopeKind ?kind .
  OPTIONAL { ?scope ckg:scopeGroup ?group }
  ?step ckg:shortestSoFarIn ?sequence ; ckg:position ?position .
}"""


@pytest.mark.parametrize("seed", range(2))
def test_steps_shorter_than_all_before_them_agree_with_pandas(
    store: EmbeddedStore, seed: int
) -> None:
    graphs, table = random_data(seed)
    fill(store, graphs)
    steps = pd.DataFrame(
        sorted(pandas_steps(table), key=lambda t: (t[0], t[1], t[2] or "", t[3])),
        columns=["town", "kind", "group", "position", "from", "to", "gap"],
    )
    steps["group"] = steps["group"].fillna("")
    earlier = steps.groupby(["town", "kind", "group"])["gap"].transform(
        lambda gaps: gaps.cummin().shift()
    )
    shortest = steps[earlier.isna() | (steps["gap"] < earlier)]
    want = {(r.town, r.kind, r.group or None, r.position) for r in shortest.itertuples()}
    assert len(shortest) < len(steps)  # the data has steps that are not the shortest so far
    got = {
        (str(t), str(k), str(g) if g is not None else None, int(p))
        for t, k, g, p in store.query(SHORTEST).rows
    }
    assert got == want


@pytest.mark.parametrize("seed", range(3))
def test_flagship_agrees_with_pandas_for_every_filter(store: EmbeddedStore, seed: int) -> None:
    graphs, table = random_data(seed)
    fill(store, graphs)
    g1, g1_unit = str(ID["group/g1"]), str(ID["group/g1/unit"])
    cases = [
        {"window": 365},
        {"window": 0},
        {"window": 3},
        {"window": -1},
        {"window": 30},
        {"window": 30, "kind": CKG_NS + "Battle"},
        {"window": 100, "kind": CKG_NS + "ViolenceAgainstCivilians"},
        {"window": 30, "group": g1},
        {"window": 60, "group": g1_unit, "kind": CKG_NS + "Battle"},
        {"window": 20, "since": "2024-03-01"},
        {"window": 20, "until": "2024-09-30"},
        {"window": 40, "since": "2024-02-01", "until": "2024-12-31", "group": g1},
    ]
    for case in cases:
        params = {"window": str(case["window"])}
        for key, name in (("kind", "kind"), ("group", "perpetrator")):
            if key in case:
                params[name] = f"<{case[key]}>"
        params.update({k: case[k] for k in ("since", "until") if k in case})
        got = {
            str(d["town"]): (str(d["first"]), str(d["second"]), int(d["gapDays"]))
            for d in run_question(store, FLAGSHIP.name, params).dicts()
        }
        assert got == pandas_flagship(table, **case), case


def test_intervals(store: EmbeddedStore) -> None:
    graphs, table = random_data(7)
    fill(store, graphs)
    rows = store.query(
        "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> SELECT ?e ?s ?end "
        "WHERE { ?e ckg:intervalStart ?s ; ckg:intervalEnd ?end }"
    ).rows
    got = {str(e): (str(s), str(en)) for e, s, en in rows}
    want = {
        r.event: (r.start.date().isoformat(), r.end.date().isoformat())
        for r in table.itertuples(index=False)
    }
    # Every dated event has its interval (attacks or not); the attacks' are the oracle's.
    assert {e: got[e] for e in want} == want
    # Day numbers are no longer derived: no question reads them (two triples per event).
    assert not store.query(
        "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> "
        "ASK { { ?e ckg:startDay ?d } UNION { ?e ckg:endDay ?d } }"
    ).boolean


def test_places_get_their_towns_and_regions(store: EmbeddedStore) -> None:
    graphs, _ = random_data(1)
    fill(store, graphs)
    rows = store.query(
        "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> "
        "SELECT ?p ?t WHERE { ?p ckg:inTown ?t }"
    ).rows
    towns = {(str(p), str(t)) for p, t in rows}
    site = str(ID["place/r1/t2/post/site"])
    assert (site, str(ID["place/r1/t2"])) in towns
    shared = {t for p, t in towns if p == str(ID["place/shared"])}
    assert shared == {str(ID["place/r0/t0"]), str(ID["place/r1/t2"])}
    regions = store.query(
        "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> "
        "SELECT ?r WHERE { ?p ckg:inRegion ?r }",
        {"p": URIRef(site)},
    ).rows
    assert [str(r) for (r,) in regions] == [str(ID["place/r1"])]


@pytest.mark.parametrize("seed", range(3))
def test_documents_of_each_resource_agree_with_pandas(store: EmbeddedStore, seed: int) -> None:
    graphs, _ = random_data(seed)
    fill(store, graphs)
    rows = store.query(
        "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> "
        "SELECT ?r ?d WHERE { ?r ckg:describedIn ?d }"
    ).rows
    want = pandas_documents(graphs)
    assert len(want) > 20  # the data has claims with documents at all
    assert {(str(r), str(d)) for r, d in rows} == want


def test_documents_on_plain_rdflib_agree_with_pandas() -> None:
    from kg.derive import derived_graph

    graphs, _ = random_data(7)
    data = Graph()
    for triples in graphs.values():
        for t in triples:
            data.add(t)
    got = {(str(r), str(d)) for r, d in derived_graph(data).subject_objects(CKG("describedIn"))}
    assert got == pandas_documents(graphs)


# ---- upkeep: every write leaves the derived graph equal to a rebuild from scratch


def assert_in_step(store: EmbeddedStore) -> None:
    assert store.derived_is_fresh()
    kept = derived_quads(store)
    store.refresh_derived()
    assert derived_quads(store) == kept


def test_added_batches_update_only_their_towns_and_stay_exact(store: EmbeddedStore) -> None:
    graphs, _ = random_data(3)
    fill(store, graphs)
    more, _ = random_data(4, events=60)
    for n, (name, triples) in enumerate(more.items()):
        if name == GRAPH["test/places"]:
            continue
        batch = Graph()
        for t in triples:
            batch.add(t)
        store.add_to_graphs({GRAPH[f"test/data{n % 2}"]: batch}, source="batch")
        assert_in_step(store)


def test_an_added_place_tree_rebuilds_and_stays_exact(store: EmbeddedStore) -> None:
    graphs, _ = random_data(5)
    fill(store, graphs)
    batch = Graph()
    batch.add((ID["place/nowhere"], CKG("locatedIn"), ID["place/r0/t1"]))
    store.add_to_graphs({GRAPH["test/data0"]: batch}, source="batch")
    assert_in_step(store)
    towns = store.query(
        "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> SELECT ?t WHERE { ?p ckg:inTown ?t }",
        {"p": ID["place/nowhere"]},
    ).rows
    assert towns == [(ID["place/r0/t1"],)]


def test_an_added_passage_or_document_updates_the_documents_of_earlier_claims(
    store: EmbeddedStore,
) -> None:
    """Claim, passage and document arrive in three batches: each batch updates in step."""
    graphs, _ = random_data(8, events=30)
    fill(store, graphs)
    event, claim, passage = ID["event/e1"], ID["claim/late"], ID["passage/late"]
    for triple in [
        (claim, CKG("about"), event),
        (claim, CKG("passage"), passage),
        (passage, CKG("inDocument"), ID["doc/late"]),
    ]:
        batch = Graph()
        batch.add(triple)
        store.add_to_graphs({GRAPH["test/data0"]: batch}, source="batch")
        assert_in_step(store)
    docs = store.query(
        "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> "
        "SELECT ?d WHERE { ?e ckg:describedIn ?d }",
        {"e": event},
    ).rows
    assert (ID["doc/late"],) in docs


def test_replace_and_drop_keep_it_in_step(store: EmbeddedStore) -> None:
    graphs, _ = random_data(6)
    fill(store, graphs)
    store.replace_graph(GRAPH["test/data2"], graphs[GRAPH["test/data2"]][:20], source="test")
    assert_in_step(store)
    store.drop_graph(GRAPH["test/data1"])
    assert_in_step(store)


def test_an_interrupted_rebuild_is_never_read(store: EmbeddedStore) -> None:
    """A write that died after the data: the mark stays, and the next query rebuilds."""
    import pyoxigraph as ox

    graphs, _ = random_data(2)
    fill(store, graphs)
    want = store_steps(store)
    store.db.remove_graph(ox.NamedNode(str(DERIVED_GRAPH)))
    store.db.update(
        f"INSERT DATA {{ GRAPH <{GRAPH['meta']}> {{ <{DERIVED_GRAPH}> <{CKG_NS}stale> true }} }}"
    )
    assert not store.derived_is_fresh()
    assert store_steps(store) == want
    assert store.derived_is_fresh()


def test_a_graph_derived_by_other_rules_is_rebuilt_before_it_is_read(
    store: EmbeddedStore,
) -> None:
    """A store written by an older ckg (other rules, or none recorded) is not read as is."""
    graphs, _ = random_data(9)
    fill(store, graphs)
    want = derived_quads(store)
    note = f"<{DERIVED_GRAPH}> <{CKG_NS}derivedRules>"
    store.db.update(
        f"DELETE WHERE {{ GRAPH <{GRAPH['meta']}> {{ {note} ?v }} }} ; "
        f'INSERT DATA {{ GRAPH <{GRAPH["meta"]}> {{ {note} "older rules" }} }}'
    )
    store.db.update(f"DELETE WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?s <{CKG_NS}describedIn> ?o }} }}")
    assert not store.derived_is_fresh()
    assert store_steps(store)  # a question: rebuilds first
    assert store.derived_is_fresh()
    assert derived_quads(store) == want


def test_the_derived_graph_cannot_be_written_or_dropped(store: EmbeddedStore) -> None:
    from kg.errors import UsageError

    with pytest.raises(UsageError, match="derived graph"):
        store.replace_graph(DERIVED_GRAPH, [], source="x")
    fill(store, random_data(1, events=30)[0])
    with pytest.raises(UsageError, match="derived graph"):
        store.drop_graph(DERIVED_GRAPH)
