"""``--as-of DATE`` (issue 16, point 3): answers from the sources issued by a date.

The bundled report states no date; its graph bounds it (ckg:issuedNotBefore 2025-07-01,
because it tells of the attacks of 1 July 2025). The UN list's own XML says it was
generated on 2024-06-07 (read here from the raw file). A source reloaded with a newer
version keeps its earlier one in the history, so the question can still be asked of the
earlier date.
"""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
import re
from datetime import date
from pathlib import Path

import pytest
from kg.cli.main import cli
from rdflib import Graph, URIRef

from kg.asof import archive, as_of_store, issue_dates, select
from kg.catalogue import run_question
from kg.terms import GRAPH

# The real list lies beside the repository (../shared/data), never in it.
UN_XML = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "un-isil-al-qaida-sanctions-list-2024-06-07.xml"
)
REPORT_GRAPH = str(GRAPH["doc/mali-jnim-july-1-attacks"])
UN_GRAPH = str(GRAPH["ref/un-sanctions"])


def _rows(store, name: str, **params: str):  # type: ignore[no-untyped-def]
    return sorted(
        tuple(t.n3() if t is not None else None for t in row)
        for row in run_question(store, name, params).rows
    )


def test_the_report_counts_from_its_bound_and_the_flagship_follows(bundled_store) -> None:
    dates = issue_dates(bundled_store)
    assert dates[REPORT_GRAPH].day == date(2025, 7, 1) and dates[REPORT_GRAPH].bounded
    everything = _rows(bundled_store, "towns_attacked_twice")
    assert everything  # Nioro du Sahel and Boulkessi
    before, selection = as_of_store(bundled_store, date(2025, 6, 30))
    try:
        assert REPORT_GRAPH in {v.graph for v in selection.left_out}
        assert _rows(before, "towns_attacked_twice") == []
    finally:
        before.close()
    on_the_day, selection = as_of_store(bundled_store, date(2025, 7, 1))
    try:
        assert REPORT_GRAPH in {v.graph for v in selection.chosen}
        assert _rows(on_the_day, "towns_attacked_twice") == everything
    finally:
        on_the_day.close()


def test_the_un_list_is_known_from_the_day_its_xml_was_generated(bundled_store) -> None:
    if not UN_XML.exists():
        pytest.skip(f"the real UN list is not beside the repository ({UN_XML})")
    generated = re.search(r'dateGenerated="(\d{4}-\d{2}-\d{2})', UN_XML.read_text("utf-8")[:500])
    assert generated is not None
    day = date.fromisoformat(generated.group(1))
    assert issue_dates(bundled_store)[UN_GRAPH].day == day
    for when, known in ((date.fromordinal(day.toordinal() - 1), False), (day, True)):
        snapshot, _ = as_of_store(bundled_store, when)
        try:
            rows = _rows(snapshot, "claims_of_source", document="doc/un-sanctions")
            assert bool(rows) is known, when
        finally:
            snapshot.close()


def _version(issued: str, fact: str) -> Graph:
    g = Graph()
    g.parse(
        data=f"""
        @prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://w3id.org/conflict-kg/id/doc/test/bulletin> a ckg:Document ;
            dcterms:title "Bulletin"@en ; dcterms:creator "test" ;
            dcterms:issued "{issued}"^^xsd:date .
        <https://w3id.org/conflict-kg/id/note/test/x> rdfs:label "{fact}"@en .
        """,
        format="turtle",
    )
    return g


def test_a_reloaded_source_is_still_asked_as_it_was(store) -> None:
    graph = URIRef(GRAPH["test/bulletin"])
    store.replace_graph(graph, _version("2025-01-10", "first version"), source="bulletin v1")
    # The store keeps the version a reload replaces.
    store.replace_graph(graph, _version("2025-03-01", "second version"), source="bulletin v2")
    assert len(list((Path(store.location) / "ckg-history").glob("*.nq.gz"))) == 1
    ask = (
        "SELECT ?l WHERE { <https://w3id.org/conflict-kg/id/note/test/x> ?p ?l "
        "FILTER(isLiteral(?l)) }"
    )

    def labels(day: date) -> list[str]:
        snapshot, _ = as_of_store(store, day)
        try:
            return [str(r[0]) for r in snapshot.query(ask).rows]
        finally:
            snapshot.close()

    assert labels(date(2025, 1, 1)) == []
    assert labels(date(2025, 2, 1)) == ["first version"]
    assert labels(date(2025, 3, 1)) == ["second version"]
    assert [str(r[0]) for r in store.query(ask).rows] == ["second version"]
    chosen = select(store, date(2025, 2, 1)).chosen
    assert [v.file is not None for v in chosen if v.graph == str(graph)] == [True]
    # Dropping the source removes it on every date, history or not.
    store.drop_graph(graph)
    assert labels(date(2025, 2, 1)) == []


def test_cli_as_of_with_evidence_quotes_only_sources_known_then(runner, bundled_store_dir):
    late = runner.invoke(
        cli,
        [
            "--store",
            str(bundled_store_dir),
            "query",
            "run",
            "lookup_name",
            "-p",
            "name",
            "Kayes",
            "--evidence",
            "-f",
            "csv",
        ],
    )
    early = runner.invoke(
        cli,
        [
            "--store",
            str(bundled_store_dir),
            "query",
            "run",
            "lookup_name",
            "-p",
            "name",
            "Kayes",
            "--evidence",
            "-f",
            "csv",
            "--as-of",
            "2025-06-30",
        ],
    )
    assert late.exit_code == 0 and early.exit_code == 0, early.output
    assert "graph/doc/mali-jnim-july-1-attacks" in late.stdout
    assert "graph/doc/mali-jnim-july-1-attacks" not in early.stdout
    assert "left out 1: doc/mali-jnim-july-1-attacks (issued not before 2025-07-01)" in early.stderr


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "2025/07/01"])
def test_a_bad_date_is_a_usage_error(runner, bundled_store_dir, bad):
    result = runner.invoke(
        cli, ["--store", str(bundled_store_dir), "query", "run", "lookup_name", "--as-of", bad]
    )
    assert result.exit_code == 2
    assert "is not a date YYYY-MM-DD" in result.stderr


def test_the_inferred_graph_is_left_out(bundled_store) -> None:
    from kg.reasoning import reason

    reason(bundled_store)
    snapshot, selection = as_of_store(bundled_store, date(2030, 1, 1))
    try:
        assert str(GRAPH["inferred"]) not in {v.graph for v in selection.chosen}
        assert not any(
            getattr(g, "value", None) == str(GRAPH["inferred"]) for g in snapshot.db.named_graphs()
        )
    finally:
        snapshot.close()


def test_reloading_a_file_with_ckg_load_keeps_its_earlier_edition(runner, tmp_path) -> None:
    folder = tmp_path / "store"
    bulletin = tmp_path / "bulletin.ttl"
    for issued, fact in (("2025-01-10", "first version"), ("2025-03-01", "second version")):
        bulletin.write_text(_version(issued, fact).serialize(format="turtle"), encoding="utf-8")
        loaded = runner.invoke(cli, ["--store", str(folder), "load", str(bulletin)])
        assert loaded.exit_code == 0, loaded.output
    question = tmp_path / "label.rq"
    question.write_text(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?l WHERE { <https://w3id.org/conflict-kg/id/note/test/x> rdfs:label ?l }\n",
        encoding="utf-8",
    )
    answers = {}
    for day in ("2025-02-01", "2025-03-01"):
        result = runner.invoke(
            cli,
            [
                "--store",
                str(folder),
                "query",
                "run",
                "--file",
                str(question),
                "-f",
                "csv",
                "--as-of",
                day,
            ],
        )
        assert result.exit_code == 0, result.output
        answers[day] = result.stdout.splitlines()[1:]
    assert answers == {"2025-02-01": ["first version"], "2025-03-01": ["second version"]}


def test_an_unchanged_reload_or_an_undated_graph_keeps_no_copy(store) -> None:
    graph = URIRef(GRAPH["test/bulletin"])
    store.replace_graph(graph, _version("2025-01-10", "first version"), source="v1")
    store.replace_graph(graph, _version("2025-01-10", "first version"), source="v1 again")
    undated = Graph()
    undated.add((URIRef("urn:x"), URIRef("urn:p"), URIRef("urn:o")))
    store.replace_graph(URIRef(GRAPH["test/undated"]), undated, source="a")
    undated.add((URIRef("urn:x"), URIRef("urn:p"), URIRef("urn:o2")))
    store.replace_graph(URIRef(GRAPH["test/undated"]), undated, source="b")
    assert not list((Path(store.location) / "ckg-history").glob("*.nq.gz"))
    assert archive(store, [URIRef(GRAPH["test/undated"])]) == []


def test_the_briefing_as_of_a_date_briefs_from_the_sources_known_then(
    runner, bundled_store_dir, tmp_path
):
    """`ckg report --as-of`: before the report's bound, neither of its towns attacked twice
    (Nioro du Sahel, Boulkessi: report paragraphs 3 and 9) is a finding; after it, both are."""
    now, then = tmp_path / "now.html", tmp_path / "then.html"
    late = runner.invoke(cli, ["--store", str(bundled_store_dir), "report", "-o", str(now)])
    early = runner.invoke(
        cli,
        ["--store", str(bundled_store_dir), "report", "-o", str(then), "--as-of", "2025-06-30"],
    )
    assert late.exit_code == 0 and early.exit_code == 0, early.output
    assert "left out 1: doc/mali-jnim-july-1-attacks" in early.stderr
    late_html, early_html = now.read_text("utf-8"), then.read_text("utf-8")
    assert "as of 2025-06-30" in early_html
    for town in ("Nioro du Sahel", "Boulkessi"):
        assert town in late_html
        assert f"{town}</" not in early_html.split("as of 2025-06-30", 1)[1][:20000]


def _imports(module: str) -> set[str]:
    """Every module ``module``'s source imports, at its top or inside a function."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text("utf-8"))
    found = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    found |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    return {name for name in found if name}


def test_history_is_shared_so_the_store_and_as_of_do_not_import_each_other():
    """Issue 20: kg.embedded imported kg.asof (for archive) and kg.asof kg.embedded.

    The archive lives in kg.history, which the store's writes call and kg.asof reads;
    neither the store nor the history imports kg.asof, even lazily inside a function.
    """
    import kg.embedded

    store_modules = ["kg.embedded"] + [
        f"kg.embedded.{m.name}" for m in pkgutil.iter_modules(kg.embedded.__path__)
    ]
    assert "kg.embedded.writing" in store_modules and "kg.embedded.bulk" in store_modules
    for name in store_modules:
        assert "kg.asof" not in _imports(name), name
    history = _imports("kg.history")
    assert "kg.asof" not in history
    assert not any(m == "kg.embedded" or m.startswith("kg.embedded.") for m in history)
    assert "kg.history" in _imports("kg.embedded.writing") & _imports("kg.embedded.bulk")
