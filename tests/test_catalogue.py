"""Saved questions: headers, BASIL parameters, binding and its errors, answers and formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from kg import catalogue
from kg.catalogue import (
    LANGUAGES,
    TYPES,
    Param,
    bind_params,
    convert_value,
    get_question,
    load_catalogue,
    parse_question,
    read_question_file,
    run_question,
)
from kg.errors import InputError, QueryError, UsageError
from kg.formats import display, result_text, shorten
from kg.loading import load_files
from kg.sparql import bind_values
from kg.store import QueryResult
from kg.terms import ID

# A plain Namespace: pytest probes module attributes, and rdflib's XSD warns when probed.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
E = "https://w3id.org/conflict-kg/id/event/test/"


@pytest.fixture
def queries(fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture questions stand in for the package's catalogue."""
    folder = fixtures_dir / "store" / "queries"
    monkeypatch.setattr(catalogue, "catalogue_folder", lambda: folder)
    return folder


@pytest.fixture
def events_store(store, fixtures_dir):
    load_files(store, [fixtures_dir / "store" / "events.ttl"])
    return store


def test_header_and_parameters_are_read(queries):
    q = get_question("attacks_since")
    assert q.summary == "Attacks with at least a number of fatalities, optionally since a date"
    assert q.description.startswith("A fixture question")
    assert q.tags == ["test"] and q.kind == "select"
    assert [(p.name, p.var, p.type, p.required, p.default, p.description) for p in q.params] == [
        ("min", "_min_integer", "integer", True, "1", "fewest fatalities an attack must have"),
        ("since", "__since_xsd_date", "xsd_date", False, None, "first day counted"),
    ]


def test_catalogue_lists_every_rq_file_by_stem(queries):
    assert list(load_catalogue()) == [
        "attacks_since",
        "town_attacked",
        "town_graph",
        "towns_by_label",
    ]
    kinds = {n: q.kind for n, q in load_catalogue().items()}
    assert kinds == {
        "attacks_since": "select",
        "town_attacked": "ask",
        "town_graph": "construct",
        "towns_by_label": "select",
    }


@pytest.mark.parametrize(
    ("var", "expected"),
    [
        ("_window_integer", ("window", "integer", True)),
        ("__since_xsd_date", ("since", "xsd_date", False)),
        ("_min_fatalities_integer", ("min_fatalities", "integer", True)),
        ("_name_fr", ("name", "fr", True)),
        ("_group_iri", ("group", "iri", True)),
        ("__note", ("note", "string", False)),
        ("_month_xsd_gMonth", ("month", "xsd_gMonth", True)),
        ("_town_id_iri", ("town_id", "iri", True)),
    ],
)
def test_basil_variable_names(var, expected):
    p = catalogue._param(var)
    assert (p.name, p.type, p.required) == expected


def test_unknown_question_suggests_close_names(queries):
    with pytest.raises(QueryError) as info:
        get_question("attack_since")
    assert str(info.value).startswith(
        "no saved question 'attack_since'; did you mean attacks_since"
    )
    with pytest.raises(QueryError, match="'ckg query list' shows them all"):
        get_question("zzz")


def test_binding_converts_values_and_applies_defaults(queries):
    q = get_question("attacks_since")
    assert bind_params(q, {}) == {"_min_integer": Literal(1, datatype=XSD.integer)}
    bound = bind_params(q, {"min": "5", "since": "2025-01-01"})
    assert bound == {
        "_min_integer": Literal(5, datatype=XSD.integer),
        "__since_xsd_date": Literal("2025-01-01", datatype=XSD.date),
    }


def test_wrong_type_says_which_parameter_and_what_is_expected(queries):
    q = get_question("attacks_since")
    with pytest.raises(UsageError) as info:
        bind_params(q, {"min": "abc"})
    assert str(info.value) == "parameter min: 'abc' is not an integer (expected e.g. 1)"
    with pytest.raises(UsageError, match=r"parameter since: '2025-13-01' is not a date YYYY-MM-DD"):
        bind_params(q, {"since": "2025-13-01"})


def test_unknown_parameter_lists_the_known_ones(queries):
    with pytest.raises(UsageError) as info:
        bind_params(get_question("attacks_since"), {"window": "3"})
    assert str(info.value) == "attacks_since has no parameter 'window'; its parameters: min, since"


def test_missing_required_parameter_without_default(queries):
    with pytest.raises(UsageError) as info:
        bind_params(get_question("town_attacked"), {})
    assert (
        "parameter town of town_attacked is required: add -p town VALUE (IRI, e.g. group/jnim)"
        == str(info.value)
    )


@pytest.mark.parametrize(
    ("type_", "raw", "expected"),
    [
        ("iri", "group/jnim", ID["group/jnim"]),
        ("iri", "ckgid:group/jnim", ID["group/jnim"]),
        ("iri", "https://example.org/x", URIRef("https://example.org/x")),
        ("iri", "<https://example.org/x>", URIRef("https://example.org/x")),
        ("decimal", "-12.5", Literal("-12.5", datatype=XSD.decimal)),
        ("boolean", "Yes", Literal(True)),
        ("string", 'a "quoted" } value', Literal('a "quoted" } value')),
        ("fr", "Tombouctou", Literal("Tombouctou", lang="fr")),
        ("xsd_gYear", "2025", Literal("2025", datatype=XSD.gYear)),
    ],
)
def test_value_conversion(type_, raw, expected):
    assert convert_value(Param("x", "_x", type_, True), raw) == expected


@pytest.mark.parametrize(
    ("type_", "raw", "what"),
    [
        ("iri", "group/with space", "an IRI"),
        ("decimal", "1e5", "a decimal number"),
        ("boolean", "maybe", "true or false"),
        ("integer", "3.5", "an integer"),
    ],
)
def test_value_conversion_errors(type_, raw, what):
    with pytest.raises(UsageError, match=f"is not {what}"):
        convert_value(Param("x", "_x", type_, True), raw)


def test_header_yaml_error_names_file_and_line():
    text = "#+ summary: fine\n#+ tags: [unclosed\n#+ description: x\nSELECT * WHERE { ?s ?p ?o }\n"
    with pytest.raises(QueryError, match=r"^bad.rq:\d+: the '#\+' header is not valid YAML"):
        parse_question(text, "bad", "bad.rq")


def test_header_naming_an_unused_parameter_is_an_error():
    text = "#+ defaults:\n#+   - windw: 30\nSELECT ?s WHERE { ?s ?p ?_window_integer }\n"
    with pytest.raises(QueryError, match="names parameter 'windw', which the query does not use"):
        parse_question(text, "q", "q.rq")


def test_kind_and_variables_ignore_comments_strings_and_iris():
    text = (
        "# SELECT ?_not_a_param\nPREFIX x: <http://example.org/ask#>\n"
        "CONSTRUCT { ?s x:p '?_nor_this' } WHERE { ?s ?p ?_real_iri }\n"
    )
    q = parse_question(text, "q")
    assert q.kind == "construct"
    assert [p.name for p in q.params] == ["real"]


def test_yaml_dates_and_numbers_become_parameter_text():
    text = "#+ defaults:\n#+   - day: 2025-07-01\n#+   - n: 3\nSELECT * WHERE { ?s ?p ?_day_xsd_date ; ?q ?_n_integer }\n"
    q = parse_question(text, "q")
    assert {p.name: p.default for p in q.params} == {"day": "2025-07-01", "n": "3"}


def test_run_question_answers_with_bound_parameters(queries, events_store):
    rows = run_question(events_store, "attacks_since", {}).rows
    assert [str(r[0]) for r in rows] == [E + "e2", E + "e1"]
    rows = run_question(events_store, "attacks_since", {"min": "0", "since": "2025-01-01"}).rows
    assert [str(r[0]) for r in rows] == [E + "e2", E + "e1"]
    rows = run_question(events_store, "attacks_since", {"min": "0"}).rows
    assert [str(r[0]) for r in rows] == [E + "e2", E + "e1", E + "e3"]


def test_ask_and_construct_questions(queries, events_store):
    assert run_question(events_store, "town_attacked", {"town": "place/test/beta"}).boolean is True
    assert run_question(events_store, "town_attacked", {"town": "place/test/zeta"}).boolean is False
    graph = run_question(events_store, "town_graph", {}).graph
    # The five asserted triples and the two derived ones (kg.derive): the town is in
    # itself (ckg:inTown) and in its region (ckg:inRegion).
    assert isinstance(graph, Graph) and len(graph) == 7


def test_language_parameter_and_injection_attempt(queries, events_store):
    assert run_question(events_store, "towns_by_label", {"name": "Alfa"}).rows == [
        (ID["place/test/alpha"],)
    ]
    before = set(events_store.quads())
    evil = 'Alfa"@fr } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    assert run_question(events_store, "towns_by_label", {"name": evil}).rows == []
    assert set(events_store.quads()) == before


def test_ad_hoc_file(tmp_path, events_store):
    f = tmp_path / "mine.rq"
    f.write_text("#+ summary: mine\nSELECT (COUNT(*) AS ?n) WHERE { ?e a ?_class_iri }\n")
    q = read_question_file(f)
    assert q.name == "mine" and q.origin == str(f)
    rows = run_question(events_store, f, {"class": "ckg:Attack"}).rows
    assert int(rows[0][0]) == 3
    with pytest.raises(InputError, match="no such file"):
        read_question_file(tmp_path / "nope.rq")


# ---- every saved question in the package


SAVED = sorted(load_catalogue().values(), key=lambda q: q.name)


def _example(p: Param) -> str:
    return p.example() if p.type != "iri" or p.default else "https://example.org/x"


@pytest.mark.parametrize("question", SAVED, ids=[q.name for q in SAVED])
def test_saved_question_documents_itself_and_parses(question):
    assert question.summary, f"{question.origin}: '#+ summary:' is missing"
    assert question.description, f"{question.origin}: '#+ description:' is missing"
    for p in question.params:
        assert p.type in TYPES or p.type in LANGUAGES or p.type.startswith("xsd_"), p
        convert_value(p, _example(p))  # the example (or default) has the right type
    bindings = {p.var: convert_value(p, _example(p)) for p in question.params}
    # Parses (and runs, on an empty dataset) with every parameter bound.
    ox.Store().query(bind_values(question.text, bindings))


# ---- formats


def _result() -> QueryResult:
    return QueryResult(
        "select",
        variables=["town", "start", "n", "note"],
        rows=[
            (
                ID["place/test/alpha"],
                Literal("2025-07-01", datatype=XSD.date),
                Literal(7),
                Literal("a, b"),
            ),
            (URIRef("urn:x"), None, Literal(12), Literal("tab\there")),
        ],
    )


def test_table_is_aligned_with_short_iris_and_plain_literals():
    text = result_text(_result(), "table")
    # Numbers right-aligned, dates and strings as their plain value, unbound cells empty.
    assert text.splitlines() == [
        "town                    start        n  note",
        "----------------------  ----------  --  --------",
        "ckgid:place/test/alpha  2025-07-01   7  a, b",
        "urn:x                               12  tab here",
    ]


def test_csv_tsv_json_formats():
    rows = list(csv.reader(io.StringIO(result_text(_result(), "csv"))))
    assert rows[0] == ["town", "start", "n", "note"]
    assert rows[1] == [str(ID["place/test/alpha"]), "2025-07-01", "7", "a, b"]
    assert rows[2][1] == ""
    tsv = list(csv.reader(io.StringIO(result_text(_result(), "tsv")), delimiter="\t"))
    assert tsv[2][3] == "tab\there"
    doc = json.loads(result_text(_result(), "json"))
    assert doc["head"]["vars"] == ["town", "start", "n", "note"]
    assert doc["results"]["bindings"][0]["start"] == {
        "type": "literal",
        "value": "2025-07-01",
        "datatype": str(XSD.date),
    }
    assert "start" not in doc["results"]["bindings"][1]


def test_ask_and_graph_formats():
    assert result_text(QueryResult("ask", boolean=True), "table") == "true\n"
    assert json.loads(result_text(QueryResult("ask", boolean=False), "json"))["boolean"] is False
    g = Graph()
    g.add(
        (
            ID["place/test/alpha"],
            URIRef("https://w3id.org/conflict-kg/ontology#population"),
            Literal(5),
        )
    )
    turtle = result_text(QueryResult("graph", graph=g), "table")
    assert "ckg:population 5" in turtle
    assert len(Graph().parse(data=turtle, format="turtle")) == 1
    with pytest.raises(UsageError, match="not -f csv"):
        result_text(QueryResult("graph", graph=g), "csv")


def test_shorten_and_display():
    assert shorten("https://w3id.org/conflict-kg/ontology#Attack") == "ckg:Attack"
    assert shorten("https://w3id.org/conflict-kg/graph/file/x") == "ckggraph:file/x"
    assert shorten("http://other.org/x") == "http://other.org/x"
    assert display(Literal("Tombouctou", lang="fr")) == "Tombouctou"
    assert display(None) == ""
