"""ckg:inGroup and ckg:superClass of the derived graph, against pandas.

Each oracle is computed from the raw triples the test wrote, with pandas merges repeated
to a fixed point (a method of its own, not kg.derive's walk): the groups of every actor
through ``ckg:factionOf`` (zero or more steps), the superclasses of every class through
``rdfs:subClassOf`` (one or more steps), and from them the most specific ckg classes of
every typed resource that lookup_name reports. The random data has
factions of factions four deep, a faction of two groups, a factionOf cycle, classes with
two superclasses, a subclass cycle, classes outside the ckg namespace, literals where
IRIs are expected, and facts split over two graphs. Then the three questions that read
these facts (events_timeline, group_structure, lookup_name) are checked on the same data.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.catalogue import run_question
from kg.embedded import EmbeddedStore, open_store
from kg.terms import CKG_NS, GRAPH, ID

pd = pytest.importorskip("pandas")

CKG = lambda name: URIRef(CKG_NS + name)
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
OTHER = "http://example.org/other#"
TYPE, SUB = str(RDF.type), str(RDFS.subClassOf)


def random_triples(seed: int) -> dict[URIRef, list[tuple]]:
    """Two graphs of random actors, factions, events, memberships and typed resources."""
    rng = random.Random(seed)
    classes = [CKG(f"C{i}") for i in range(10)] + [URIRef(OTHER + f"X{i}") for i in range(3)]
    onto: list[tuple] = [
        (CKG("ArmedGroup"), RDFS.subClassOf, CKG("Actor")),
        (CKG("Faction"), RDFS.subClassOf, CKG("ArmedGroup")),
        (CKG("UnitCommand"), RDFS.subClassOf, CKG("Faction")),
        (CKG("Person"), RDFS.subClassOf, CKG("Actor")),
        (CKG("C8"), RDFS.subClassOf, CKG("C9")),  # a cycle
        (CKG("C9"), RDFS.subClassOf, CKG("C8")),
        (URIRef(OTHER + "X0"), RDFS.subClassOf, CKG("C0")),  # a foreign class under a ckg one
    ]
    for i, cls in enumerate(classes[1:8], start=1):  # a random DAG, some with two parents
        for parent in rng.sample(classes[:i], rng.choice([1, 1, 2])):
            onto.append((cls, RDFS.subClassOf, parent))
    data: list[tuple] = []
    groups = [ID[f"group/g{i}"] for i in range(4)]
    data += [(g, RDF.type, CKG("ArmedGroup")) for g in groups[:3]]  # g3: untyped
    actors = list(groups)
    for depth in range(4):  # factions of factions
        for n in range(4):
            child = ID[f"group/f{depth}-{n}"]
            data.append((child, CKG("factionOf"), rng.choice(actors)))
            if rng.random() < 0.5:
                data.append((child, RDF.type, CKG(rng.choice(["Faction", "UnitCommand"]))))
            actors.append(child)
    data.append((ID["group/f3-0"], CKG("factionOf"), groups[3]))  # a faction of two groups
    data += [
        (ID["group/loop-a"], CKG("factionOf"), ID["group/loop-b"]),
        (ID["group/loop-b"], CKG("factionOf"), ID["group/loop-a"]),
    ]
    data.append((ID["group/typed-only"], RDF.type, CKG("UnitCommand")))  # an actor by its type
    data.append((ID["person/p"], RDF.type, CKG("Person")))
    data.append((ID["group/mentioned"], RDFS.label, Literal("only named", lang="en")))
    for e in range(40):
        event = ID[f"event/e{e}"]
        data += [
            (event, CKG("eventType"), ID["concept/attack"]),
            (event, CKG("startDate"), Literal(f"2024-01-{e % 28 + 1:02d}", datatype=XSD_DATE)),
        ]
        who = rng.choice(actors + [ID["person/outsider"], Literal("a name")])
        data.append((event, CKG(rng.choice(["perpetrator", "actor"])), who))
    for m in range(5):
        membership = ID[f"membership/m{m}"]
        data += [
            (membership, CKG("organization"), ID[f"group/org{m}"]),
            (membership, CKG("member"), ID["person/p"]),
            (membership, CKG("role"), CKG("Leader")),
        ]
    for r in range(30):  # typed resources with random classes, some named
        resource = ID[f"thing/t{r}"]
        for cls in rng.sample(classes, rng.choice([1, 2, 3])):
            data.append((resource, RDF.type, cls))
        data.append((resource, SKOS.altLabel, Literal(f"Thing {r % 7}")))
    data += [(ID["thing/t0"], RDF.type, CKG("C8")), (ID["thing/t0"], RDF.type, CKG("C9"))]
    half = len(data) // 2
    return {GRAPH["test/onto"]: onto, GRAPH["test/a"]: data[:half], GRAPH["test/b"]: data[half:]}


def edges(triples: list[tuple], predicate: str) -> Any:
    """The (s, o) IRI pairs of one predicate, as a frame."""
    return pd.DataFrame(
        [(str(s), str(o)) for s, p, o in triples if str(p) == predicate and isinstance(o, URIRef)],
        columns=["s", "o"],
    ).drop_duplicates()


def reach(pairs: Any) -> Any:
    """Pairs (s, o) with o reached from s in one or more steps: merges to a fixed point."""
    known = pairs.copy()
    while True:
        longer = known.merge(pairs, left_on="o", right_on="s", suffixes=("", "_next"))
        longer = longer[["s", "o_next"]].rename(columns={"o_next": "o"})
        grown = pd.concat([known, longer]).drop_duplicates()
        if len(grown) == len(known):
            return known
        known = grown


def oracle_groups(triples: list[tuple]) -> set[tuple[str, str]]:
    """(actor, group) for every actor and each group it is in, zero or more steps."""
    faction = edges(triples, CKG_NS + "factionOf")
    values = pd.concat(
        [edges(triples, CKG_NS + p) for p in ("perpetrator", "actor", "organization")]
    )
    types = edges(triples, TYPE)
    under_actor = reach(edges(triples, SUB))
    actor_classes = {CKG_NS + "Actor"} | set(under_actor[under_actor["o"] == CKG_NS + "Actor"]["s"])
    actors = (
        set(faction["s"])
        | set(faction["o"])
        | set(values["o"])
        | set(types[types["o"].isin(actor_classes)]["s"])
    )
    up = reach(faction)
    return {(a, a) for a in actors} | {
        (s, o) for s, o in up[up["s"].isin(actors)].itertuples(index=False)
    }


def oracle_classes(triples: list[tuple]) -> set[tuple[str, str]]:
    """(resource, class): its ckg classes that none of its other classes is under."""
    types = edges(triples, TYPE)
    above = reach(edges(triples, SUB))
    both = types.merge(types, on="s", suffixes=("", "_other"))  # (resource, C, N)
    both = both[both["o"] != both["o_other"]]
    ruled = both.merge(above, left_on=["o_other", "o"], right_on=["s", "o"], suffixes=("", "_a"))
    out = {(s, o) for s, o in types.itertuples(index=False) if o.startswith(CKG_NS)}
    return out - {(r.s, r.o) for r in ruled.itertuples(index=False)}


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "store")
    yield s
    s.close()


def fill(store: EmbeddedStore, graphs: dict[URIRef, list[tuple]]) -> list[tuple]:
    for name, triples in graphs.items():
        store.replace_graph(name, triples, source="test")
    return [t for triples in graphs.values() for t in triples]


def derived_pairs(store: EmbeddedStore, term: str) -> set[tuple[str, str]]:
    rows = store.query(f"SELECT ?s ?o WHERE {{ ?s <{CKG_NS}{term}> ?o }}").rows
    return {(str(s), str(o)) for s, o in rows}


@pytest.mark.parametrize("seed", range(3))
def test_in_group_is_factionof_zero_or_more_steps(store: EmbeddedStore, seed: int) -> None:
    """ckg:inGroup: each actor and every group it is in through ckg:factionOf*."""
    triples = fill(store, random_triples(seed))
    want = oracle_groups(triples)
    assert (str(ID["group/f3-0"]), str(ID["group/g3"])) in want  # the data has the corners
    assert (str(ID["group/loop-a"]), str(ID["group/loop-a"])) in want
    assert (str(ID["group/typed-only"]), str(ID["group/typed-only"])) in want
    assert (str(ID["person/outsider"]), str(ID["person/outsider"])) in want or seed != 0
    assert not any(s == str(ID["group/mentioned"]) for s, _ in want)
    assert derived_pairs(store, "inGroup") == want


@pytest.mark.parametrize("seed", range(3))
def test_super_class_is_subclassof_one_or_more_steps(store: EmbeddedStore, seed: int) -> None:
    """ckg:superClass: every class a class is under through rdfs:subClassOf+."""
    triples = fill(store, random_triples(seed))
    want = {(s, o) for s, o in reach(edges(triples, SUB)).itertuples(index=False)}
    assert (CKG_NS + "C8", CKG_NS + "C8") in want  # through the cycle
    assert (CKG_NS + "UnitCommand", CKG_NS + "Actor") in want
    assert derived_pairs(store, "superClass") == want


def test_added_actors_and_types_keep_the_graph_in_step(store: EmbeddedStore) -> None:
    """A ckg add of new perpetrators, members and typed actors: incremental, and exact."""
    graphs = random_triples(4)
    fill(store, graphs)
    batch = Graph()
    batch.add((ID["event/new"], CKG("perpetrator"), ID["group/f2-1"]))
    batch.add((ID["event/new"], CKG("actor"), ID["group/brand-new"]))
    batch.add((ID["membership/new"], CKG("organization"), ID["group/org-new"]))
    batch.add((ID["group/typed-new"], RDF.type, CKG("Faction")))
    store.add_to_graphs({GRAPH["test/b"]: batch}, source="batch")
    assert store.derived_is_fresh()
    triples = [t for ts in graphs.values() for t in ts] + list(batch)
    assert derived_pairs(store, "inGroup") == oracle_groups(triples)
    kept = {q[:3] for q in store.quads(GRAPH["derived"])}
    store.refresh_derived()
    assert {q[:3] for q in store.quads(GRAPH["derived"])} == kept


# ---- the questions that read them


def test_group_structure_lists_the_group_and_its_factions(store: EmbeddedStore) -> None:
    triples = fill(store, random_triples(1))
    groups = oracle_groups(triples)
    for group in (ID["group/g0"], ID["group/g3"], ID["group/typed-only"], ID["group/mentioned"]):
        got = {
            str(d["unit"])
            for d in run_question(store, "group_structure", {"group": f"<{group}>"}).dicts()
        }
        assert got == {a for a, g in groups if g == str(group)}, group


def test_events_timeline_for_an_actor_takes_its_factions(store: EmbeddedStore) -> None:
    triples = fill(store, random_triples(2))
    groups = oracle_groups(triples)
    by = {
        (str(s), str(o))
        for s, p, o in triples
        if str(p) in (CKG_NS + "perpetrator", CKG_NS + "actor") and isinstance(o, URIRef)
    }
    for actor in (ID["group/g0"], ID["group/g1"], ID["group/f1-2"]):
        want = {e for e, a in by if (a, str(actor)) in groups}
        got = {
            str(d["event"])
            for d in run_question(store, "events_timeline", {"actor": f"<{actor}>"}).dicts()
        }
        assert got == want, actor


@pytest.mark.parametrize("seed", range(2))
def test_lookup_name_gives_the_most_specific_classes(store: EmbeddedStore, seed: int) -> None:
    """A resource's ckg classes that none of its other classes (any namespace) is under."""
    triples = fill(store, random_triples(seed))
    classes = oracle_classes(triples)
    t0 = {c for r, c in classes if r == str(ID["thing/t0"])}
    assert CKG_NS + "C8" not in t0 and CKG_NS + "C9" not in t0  # the cycle rules both out
    for name in ("thing 0", "THING 3", "Thing 5"):
        named = {
            str(s) for s, p, o in triples if p == SKOS.altLabel and str(o).lower() == name.lower()
        }
        got = {
            (str(d["resource"]), str(d["class"]))
            for d in run_question(store, "lookup_name", {"name": name}).dicts()
            if d["class"] is not None
        }
        assert got == {(r, c) for r, c in classes if r in named}, name


def test_lookup_name_region_is_located_in_one_or_more_steps(store: EmbeddedStore) -> None:
    """lookup_name's region: ckg:locatedIn+ (ckg:inRegion without the resource itself)."""
    region, inner, town = ID["place/region"], ID["place/inner-region"], ID["place/town"]
    triples = [
        (region, RDF.type, CKG("AdminRegion")),
        (inner, RDF.type, CKG("AdminRegion")),
        (inner, CKG("locatedIn"), region),
        (town, RDF.type, CKG("Town")),
        (town, CKG("locatedIn"), ID["place/cercle"]),
        (ID["place/cercle"], CKG("locatedIn"), inner),
    ]
    for place in (region, inner, town):
        triples.append((place, RDFS.label, Literal(str(place).rsplit("/", 1)[-1], lang="en")))
    fill(store, {GRAPH["test/places"]: triples})
    regions = {str(s) for s, p, o in triples if o == CKG("AdminRegion")}
    up = reach(edges(triples, CKG_NS + "locatedIn"))
    for place in (region, inner, town):
        want = {o for s, o in up.itertuples(index=False) if s == str(place) and o in regions}
        got = {
            str(d["region"])
            for d in run_question(
                store, "lookup_name", {"name": str(place).rsplit("/", 1)[-1].upper()}
            ).dicts()
            if d["region"] is not None
        }
        assert got == want, place
    assert want == {str(region), str(inner)}  # the town is in both, through a cercle
