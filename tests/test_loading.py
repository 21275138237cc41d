"""Loading files: formats, named graphs, replacement, errors with lines, bulk, bundled data."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from kg.bundled import bundled_sources, is_bundled, load_bundled
from kg.errors import InputError, UsageError
from kg.loading import file_graph, load_files
from kg.terms import GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH

ALPHA = URIRef("https://w3id.org/conflict-kg/id/place/test/alpha")


def counts(store) -> dict[str, int]:
    return {str(i.iri): i.triples for i in store.graphs()}


@pytest.fixture
def data(fixtures_dir: Path) -> Path:
    return fixtures_dir / "store"


def test_turtle_goes_into_the_file_graph_with_metadata(store, data):
    (report,) = load_files(store, [data / "events.ttl"])
    graph = str(GRAPH["file/events"])
    assert report.graphs == {graph: 19}
    (info,) = store.graphs()
    assert (str(info.iri), info.triples, info.source) == (graph, 19, str(data / "events.ttl"))
    assert info.loaded_at is not None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("towns.nt", {"file/towns": 2}),
        ("towns.jsonld", {"file/towns": 2}),
        ("towns.rdf", {"file/towns": 2}),
    ],
)
def test_every_triple_format_loads_by_extension(store, data, name, expected):
    load_files(store, [data / name])
    assert counts(store) == {str(GRAPH[k]): v for k, v in expected.items()}
    label = store.query(f"SELECT ?l WHERE {{ ?s <{RDFS.label}> ?l }}").rows
    assert label == [(Literal("Alpha", lang="en"),)]


def test_nquads_keep_their_graph_and_default_triples_go_to_the_file_graph(store, data):
    load_files(store, [data / "towns.nq"])
    assert counts(store) == {"https://example.org/graph/nq": 1, str(GRAPH["file/towns"]): 1}


def test_trig_keeps_its_graphs_and_blank_nodes(store, data):
    (report,) = load_files(store, [data / "graphs.trig"])
    assert report.graphs == {
        str(GRAPH["file/graphs"]): 1,
        "https://example.org/graph/one": 2,
        "https://example.org/graph/two": 2,
    }
    assert store.query(
        f'ASK {{ ?b <{RDFS.label}> "shared blank node"@en FILTER(isBlank(?b)) }}'
    ).boolean


def test_reloading_replaces_never_duplicates(store, data):
    load_files(store, [data / "events.ttl"])
    before = set(store.quads())
    load_files(store, [data / "events.ttl"])
    after = set(store.quads())
    assert counts(store) == {str(GRAPH["file/events"]): 19}
    # The same triples, apart from the blank node (renamed on every parse), loaded-at and
    # the revision token (new on every write).
    plain = lambda qs: {
        q
        for q in qs
        if not str(q[1]).endswith(("modified", "revision"))
        and not any(type(t).__name__ == "BNode" for t in q)
    }
    assert plain(before) == plain(after)
    # Counted in the named graphs: the default graph also holds the derived facts.
    n = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0]
    assert int(n) == 19


def test_reloading_a_changed_file_removes_what_it_no_longer_says(store, tmp_path):
    f = tmp_path / "doc.ttl"
    f.write_text(f"<{ALPHA}> <{RDFS.label}> 'old' , 'kept' .\n")
    load_files(store, [f])
    f.write_text(f"<{ALPHA}> <{RDFS.label}> 'new' , 'kept' .\n")
    load_files(store, [f])
    labels = {str(r[0]) for r in store.query(f"SELECT ?l WHERE {{ <{ALPHA}> ?p ?l }}").rows}
    assert labels == {"new", "kept"}


def test_reloading_a_trig_drops_graphs_it_no_longer_holds(store, tmp_path):
    f = tmp_path / "batch.trig"
    f.write_text(
        f"<urn:g:a> {{ <{ALPHA}> <{RDFS.label}> 'a' }}\n<urn:g:b> {{ <{ALPHA}> <{RDFS.label}> 'b' }}\n"
    )
    load_files(store, [f])
    f.write_text(f"<urn:g:a> {{ <{ALPHA}> <{RDFS.label}> 'a2' }}\n")
    (report,) = load_files(store, [f])
    assert report.dropped == ["urn:g:b"]
    assert counts(store) == {"urn:g:a": 1}


def test_syntax_error_names_file_and_line_and_changes_nothing(store, data):
    load_files(store, [data / "towns.nt"])
    before = set(store.quads())
    with pytest.raises(InputError) as info:
        load_files(store, [data / "events.ttl", data / "broken.ttl"])
    assert str(info.value).startswith(f"{data / 'broken.ttl'}:6: syntax error")
    assert info.value.line == 6
    assert set(store.quads()) == before  # events.ttl, though valid, was not loaded either


def test_rdfxml_syntax_error_has_a_line_too(store, data):
    with pytest.raises(InputError) as info:
        load_files(store, [data / "broken.rdf"])
    assert info.value.line == 6
    assert "syntax error" in str(info.value)
    assert store.graphs() == []


def test_bad_paths_are_input_errors(store, tmp_path):
    with pytest.raises(InputError, match="nope.ttl: no such file"):
        load_files(store, [tmp_path / "nope.ttl"])
    (tmp_path / "table.csv").write_text("a,b\n")
    with pytest.raises(InputError, match=r"table.csv: unknown RDF format '.csv'; use one of"):
        load_files(store, [tmp_path / "table.csv"])
    with pytest.raises(InputError, match="is a folder"):
        load_files(store, [tmp_path])
    assert store.graphs() == []


def test_graph_option_puts_files_together(store, data):
    target = "https://example.org/graph/mine"
    load_files(store, [data / "towns.nt", data / "events.ttl"], graph=target)
    assert counts(store) == {target: 19}  # towns.nt says nothing events.ttl does not
    (info,) = store.graphs()
    assert info.source == f"{data / 'towns.nt'}, {data / 'events.ttl'}"
    with pytest.raises(UsageError, match="reserved"):
        load_files(store, [data / "towns.nt"], graph=str(INFERRED_GRAPH))
    with pytest.raises(UsageError, match="is not an IRI"):
        load_files(store, [data / "towns.nt"], graph="not an iri")


def test_two_files_with_one_stem_need_a_graph(store, data):
    with pytest.raises(InputError, match="would both go into graph"):
        load_files(store, [data / "towns.nt", data / "towns.rdf"])


def test_blank_nodes_of_two_files_stay_apart(store, tmp_path):
    (tmp_path / "a.ttl").write_text(f"_:b1 <{RDFS.label}> 'A' .\n")
    (tmp_path / "b.ttl").write_text(f"_:b1 <{RDFS.label}> 'B' .\n")
    load_files(store, [tmp_path / "a.ttl", tmp_path / "b.ttl"])
    assert store.query(f"ASK {{ ?x <{RDFS.label}> 'A', 'B' }}").boolean is False


def test_a_file_may_not_write_the_reserved_graphs(store, tmp_path):
    f = tmp_path / "sneaky.trig"
    f.write_text(f"<{INFERRED_GRAPH}> {{ <{ALPHA}> <{RDFS.label}> 'x' }}\n")
    with pytest.raises(InputError, match="reserved graph"):
        load_files(store, [f])


def test_loading_marks_the_inferred_graph_stale(store, data):
    load_files(store, [data / "towns.nt"])  # no inferred graph yet: nothing to mark
    assert all(not i.stale for i in store.graphs())
    store.replace_graph(INFERRED_GRAPH, [(ALPHA, RDFS.comment, Literal("inferred"))])
    (report,) = load_files(store, [data / "events.ttl"])
    stale = {str(i.iri): i.stale for i in store.graphs()}
    assert stale[str(INFERRED_GRAPH)] is True
    assert stale[str(GRAPH["file/events"])] is False
    assert any("ckg reason" in n for n in report.notes)


def test_bulk_load_gives_the_same_graphs(store, tmp_path, data):
    load_files(store, [data / "graphs.trig", data / "events.ttl"], bulk=True)
    bulk = {k: v for k, v in counts(store).items()}
    assert bulk == {
        str(GRAPH["file/graphs"]): 1,
        "https://example.org/graph/one": 2,
        "https://example.org/graph/two": 2,
        str(GRAPH["file/events"]): 19,
    }
    assert all(not i.stale for i in store.graphs())
    (report,) = load_files(store, [data / "events.ttl"], bulk=True)  # replaces, no duplicates
    assert report.bulk and counts(store)[str(GRAPH["file/events"])] == 19
    n = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0]
    assert int(n) == 24


def test_bulk_load_checks_syntax_before_writing(store, data):
    load_files(store, [data / "towns.nt"])
    before = set(store.quads())
    with pytest.raises(InputError, match="broken.ttl:6"):
        load_files(store, [data / "events.ttl", data / "broken.ttl"], bulk=True)
    assert set(store.quads()) == before


def test_file_graph_is_a_safe_iri():
    assert str(file_graph("/x/My Report (v2).ttl")) == str(GRAPH["file/My%20Report%20%28v2%29"])


def test_bundled_loader_reads_what_is_there_and_skips_shapes(store, tmp_path):
    onto, data = tmp_path / "onto", tmp_path / "data"
    onto.mkdir()
    data.mkdir()
    (onto / "conflict.ttl").write_text(f"<urn:Class> <{RDFS.label}> 'a class' .\n")
    (onto / "shapes.ttl").write_text(f"<urn:Shape> <{RDFS.label}> 'a shape' .\n")
    (data / "seed.trig").write_text(f"<urn:g:seed> {{ <{ALPHA}> <{RDFS.label}> 'seed' }}\n")
    (data / "ref.ttl").write_text(f"<{ALPHA}> <{RDFS.comment}> 'ref' .\n")
    (data / "bounds.json").write_text("{}")  # not RDF: left alone
    load_bundled(store, {"kg.ontology": onto, "kg.ontology.data": data})
    assert counts(store) == {str(ONTOLOGY_GRAPH): 1, "urn:g:seed": 1, str(GRAPH["file/ref"]): 1}
    assert store.query("ASK { ?s ?p 'a shape' }").boolean is False
    assert all(is_bundled(i.source) for i in store.graphs())


def test_real_bundled_data_loads_into_its_graphs(bundled_store):
    infos = bundled_store.graphs()
    assert ONTOLOGY_GRAPH in {i.iri for i in infos}
    assert all(is_bundled(i.source) and i.triples > 0 for i in infos)
    assert not any(s.name.endswith("shapes.ttl") for s in bundled_sources())
    # Loading it again changes nothing.
    before = {str(i.iri): i.triples for i in infos}
    load_bundled(bundled_store)
    assert {str(i.iri): i.triples for i in bundled_store.graphs()} == before


def test_is_bundled():
    assert is_bundled("kg.ontology/conflict.ttl")
    assert is_bundled("kg.ontology.data/a.trig, kg.ontology.data/b.trig")
    assert not is_bundled("/home/me/report.ttl")
    assert not is_bundled(None)
