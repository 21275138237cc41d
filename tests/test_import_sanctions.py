"""UN sanctions list import: matching by reference, aliases, and relations read from comments.

The fixture tests/fixtures/import/un-sanctions-sample.xml is hand-written in the layout of
the UN consolidated list: Iyad ag Ghali, Amadou Koufa, Ansar Eddine, JNIM, the two groups
that merged into Al Mourabitoun, two invented entries (QDi.901, QDe.902) and two malformed
ones (an individual without reference number, an entity whose LISTED_ON is not a date).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from kg.cli.main import cli
from rdflib import Literal, URIRef

from kg.bundled import load_bundled
from kg.embedded import open_store
from kg.importers.sanctions import import_sanctions
from kg.terms import GRAPH, ID

SAMPLE = Path(__file__).parent / "fixtures" / "import" / "un-sanctions-sample.xml"
CKG = "https://w3id.org/conflict-kg/ontology#"
GRAPH_IRI = URIRef(GRAPH["import/un-sanctions/un-sanctions-sample"])
PREFIX = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def _rows(store, sparql: str, **bindings):
    return store.query(PREFIX + sparql, bindings or None).rows


def _line_of(text: str) -> int:
    return next(
        i for i, line in enumerate(SAMPLE.read_text("utf-8").splitlines(), 1) if text in line
    )


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    store = open_store(tmp_path_factory.mktemp("un") / "store")
    load_bundled(store)
    summary = import_sanctions(store, SAMPLE, report=True)
    yield store, summary
    store.close()


def test_entries_are_read_and_malformed_ones_rejected_with_their_line(imported) -> None:
    _, summary = imported
    assert summary.rows_read == 11 and summary.records == 9 and summary.written
    reasons = {r.line: r.reason for r in summary.rejected}
    assert reasons == {
        _line_of("<DATAID>4</DATAID>")
        - 1: "reference number '' is not of the form QDe.123 or QDi.123",
        _line_of("<DATAID>15</DATAID>") - 1: "QDe.901: LISTED_ON 'not a date' is not a date",
    }


def test_known_groups_and_people_resolve_by_reference_to_the_seed_nodes(imported) -> None:
    store, summary = imported
    refs = {
        str(r[1]): str(r[0])
        for r in _rows(
            store, "SELECT ?a ?r WHERE { GRAPH ?g { ?a ckg:sanctionsReference ?r } }", g=GRAPH_IRI
        )
    }
    assert refs["QDe.159"] == str(ID["group/jnim"])
    assert refs["QDe.135"] == str(ID["group/ansar-dine"])
    assert refs["QDe.141"] == str(ID["group/al-mourabitoun"])
    assert refs["QDi.316"] == str(ID["person/iyad-ag-ghali"])
    assert refs["QDi.425"] == str(ID["person/amadou-koufa"])
    # Unknown entries become new nodes, listed as unresolved.
    assert refs["QDe.902"] == str(ID["group/un/qde-902"])
    assert refs["QDi.901"] == str(ID["person/un/qdi-901"])
    assert {u.context for u in summary.unresolved} == {"QDe.902", "QDi.901"}


def test_names_and_aliases_become_labels(imported) -> None:
    store, _ = imported
    jnim_alts = {
        r[0]
        for r in _rows(
            store,
            "SELECT ?l WHERE { GRAPH ?g { ?a skos:altLabel ?l } }",
            a=URIRef(ID["group/jnim"]),
            g=GRAPH_IRI,
        )
    }
    # A known node keeps its labels; the list's name is an alternate one.
    assert jnim_alts == {Literal("JAMA'A NUSRAT UL-ISLAM WA AL-MUSLIMIN (JNIM)", lang="en")}
    new = _rows(
        store,
        "SELECT ?t ?l WHERE { ?a a ?t ; skos:prefLabel ?l }",
        a=URIRef(ID["group/un/qde-902"]),
    )
    assert [(str(t), str(label)) for t, label in new] == [
        (CKG + "Organization", "TEST FRONT FOR THE SAMPLE")
    ]
    iyad = {
        r[0]
        for r in _rows(
            store,
            "SELECT ?l WHERE { GRAPH ?g { ?a skos:altLabel ?l } }",
            a=URIRef(ID["person/iyad-ag-ghali"]),
            g=GRAPH_IRI,
        )
    }
    assert Literal("اياد اغ غالي", lang="ar") in iyad and Literal("Sidi Mohamed Arhali") in iyad
    mujao = _rows(
        store,
        "SELECT ?l WHERE { GRAPH ?g { ?a skos:altLabel ?l } }",
        a=URIRef(ID["group/mujao"]),
        g=GRAPH_IRI,
    )
    # Whitespace inside the XML element is collapsed.
    assert (
        Literal(
            "MOUVEMENT POUR L’UNIFICATION ET LE JIHAD EN AFRIQUE DE L’OUEST (MUJAO)", lang="en"
        ),
    ) in mujao


def test_roles_stated_in_comments_become_the_bundled_memberships(imported) -> None:
    store, _ = imported
    rows = {
        (str(m), str(p), str(o), str(r))
        for m, p, o, r in _rows(
            store,
            """
        SELECT ?m ?p ?o ?r WHERE { GRAPH ?g { ?m a ckg:Membership ; ckg:member ?p ;
            ckg:organization ?o ; ckg:role ?r } }""",
            g=GRAPH_IRI,
        )
    }
    iyad, ansar = str(ID["person/iyad-ag-ghali"]), str(ID["group/ansar-dine"])
    assert rows == {
        (str(ID["membership/iyad-ag-ghali-ansar-dine-founder"]), iyad, ansar, CKG + "Founder"),
        (str(ID["membership/iyad-ag-ghali-ansar-dine-leader"]), iyad, ansar, CKG + "Leader"),
        (
            str(ID["membership/un-qdi-901-un-qde-902-leader"]),
            str(ID["person/un/qdi-901"]),
            str(ID["group/un/qde-902"]),
            CKG + "Leader",
        ),
    }
    # "Founder of the Katiba Macina of ... (JNIM) (QDe.159)" does not say Koufa founded JNIM.
    assert not _rows(
        store,
        "SELECT ?m WHERE { GRAPH ?g { ?m ckg:member ?p } }",
        p=URIRef(ID["person/amadou-koufa"]),
        g=GRAPH_IRI,
    )
    # "founded in December 2011 by" dates the founder's membership to the month.
    start = _rows(
        store,
        "SELECT ?s ?p WHERE { GRAPH ?g { ?m ckg:startDate ?s ; ckg:datePrecision ?p } }",
        m=URIRef(ID["membership/iyad-ag-ghali-ansar-dine-founder"]),
        g=GRAPH_IRI,
    )
    assert [(str(s), str(p)) for s, p in start] == [("2011-12-01", CKG + "MonthPrecision")]


def test_a_merger_sentence_gives_founding_date_and_predecessors(imported) -> None:
    store, _ = imported
    mourabitoun = URIRef(ID["group/al-mourabitoun"])
    preds = {
        str(r[0])
        for r in _rows(
            store,
            "SELECT ?p WHERE { GRAPH ?g { ?p ckg:predecessorOf ?x } }",
            x=mourabitoun,
            g=GRAPH_IRI,
        )
    }
    assert preds == {str(ID["group/mujao"]), str(ID["group/al-moulathamoun"])}
    founded = _rows(
        store, "SELECT ?d WHERE { GRAPH ?g { ?x ckg:foundingDate ?d } }", x=mourabitoun, g=GRAPH_IRI
    )
    assert [str(d[0]) for d in founded] == ["2013-08-20"]


def test_each_entry_has_a_claim_quoting_its_comment_at_its_line(imported) -> None:
    store, _ = imported
    row = _rows(
        store,
        """SELECT ?text ?n WHERE { GRAPH ?g { ?c ckg:about ?a ; ckg:passage ?p .
        ?p ckg:text ?text ; ckg:paragraph ?n } } ORDER BY ?n LIMIT 1""",
        a=URIRef(ID["group/ansar-dine"]),
        g=GRAPH_IRI,
    )[0]
    assert (
        str(row[0]) == "Was founded in December 2011 by Iyad ag Ghali (QDi.316). Test sample entry."
    )
    assert int(row[1]) == _line_of("Was founded in December 2011")


def test_cli_strict_refuses_and_report_lists_unresolved_entries(tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "store")
    strict = runner.invoke(
        cli, ["--store", store, "import", "un-sanctions", "--strict", str(SAMPLE)]
    )
    assert strict.exit_code == 3 and "REFUSED" in strict.stderr
    result = runner.invoke(
        cli, ["--store", store, "import", "un-sanctions", "--report", str(SAMPLE)]
    )
    assert result.exit_code == 1
    assert "unresolved actor: 'TEST FRONT FOR THE SAMPLE' [QDe.902]" in result.stdout


def test_a_file_that_is_not_the_list_is_bad_input(tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text("<?xml version='1.0'?>\n<rss><channel/></rss>\n", "utf-8")
    broken = tmp_path / "broken.xml"
    broken.write_text("<?xml version='1.0'?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n", "utf-8")
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--store", str(tmp_path / "s"), "import", "un-sanctions", str(other)]
    )
    assert (
        result.exit_code == 3
        and "not a UN consolidated list: the root element is rss" in result.stderr
    )
    result = runner.invoke(
        cli, ["--store", str(tmp_path / "s"), "import", "un-sanctions", str(broken)]
    )
    assert result.exit_code == 3 and f"{broken}:4: not well-formed XML" in result.stderr


def test_importing_the_list_again_keeps_its_new_nodes_whole(tmp_path: Path) -> None:
    # Regression: the second import found the first import's nodes by reference and
    # wrote them as known nodes, so replacing the graph dropped their type and name.
    store = open_store(tmp_path / "store")
    try:
        first = import_sanctions(store, SAMPLE)
        before = sorted(map(tuple, store.quads(GRAPH_IRI)))
        again = import_sanctions(store, SAMPLE)
        assert {u.context for u in again.unresolved} == {u.context for u in first.unresolved}
        assert sorted(map(tuple, store.quads(GRAPH_IRI))) == before
    finally:
        store.close()
