"""Whole-store validation as SPARQL on Oxigraph gives exactly pySHACL's results (issue 18.1).

pySHACL (:func:`kg.validation.validate_store_pyshacl`) is the reference: on the seed store,
on a store holding every bad batch of ``tests/bad_batches``, and on random synthetic
stores with injected violations, :func:`kg.validation.sparql.validate_store_fast` must
report the same (focus node, path, constraint component, source shape, severity, value,
message) set. Speed is measured by ``benchmarks/bench_validate.py``, not here.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from kg.cli.main import cli
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

import kg.validation
import kg.validation.pyshacl_engine
import kg.validation.sparql.engine
import kg.validation.sparql.translate
import kg.validation.wording
from kg.embedded import open_store
from kg.errors import UsageError
from kg.loading import load_files
from kg.validation import parse_batch, validate_store, validate_store_pyshacl
from kg.validation.sparql import Translator, Unsupported, validate_store_fast

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import synthetic

BAD = Path(__file__).parent / "bad_batches"
CKG = "https://w3id.org/conflict-kg/ontology#"
ID = "https://w3id.org/conflict-kg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH_A = "https://w3id.org/conflict-kg/graph/test/random-a"
GRAPH_B = "https://w3id.org/conflict-kg/graph/test/random-b"


def _keys(report: kg.validation.Report) -> set[tuple[object, ...]]:
    """What a result says, in words and in SHACL terms (blank nodes excluded)."""
    words = {
        (
            r.severity,
            r.shape,
            str(r.focus),
            r.path,
            None if r.value is None else str(r.value),
            r.message,
            tuple(r.graphs),
            r.passage,
        )
        for r in report.results
    }
    g = report.graph
    terms = set()
    for node in g.subjects(RDF.type, SH.ValidationResult):

        def one(p: URIRef, node: object = node) -> str | None:
            v = g.value(node, p)  # type: ignore[arg-type]
            return None if v is None or isinstance(v, BNode) else str(v)

        terms.add(
            (
                one(SH.focusNode),
                one(SH.sourceShape),
                one(SH.sourceConstraintComponent),
                one(SH.resultSeverity),
                one(SH.value),
                str(g.value(node, SH.resultMessage)),
            )
        )
    return words | {("terms", *t) for t in terms}


def _compare(store_dir: Path) -> tuple[kg.validation.Report, kg.validation.Report]:
    store = open_store(store_dir, create=False)
    try:
        before = set(store.quads())
        fast = validate_store_fast(store)
        reference = validate_store_pyshacl(store)
        assert set(store.quads()) == before, "validation wrote to the store"
    finally:
        store.close()
    assert [p.name for p in store_dir.parent.iterdir() if p.name.startswith(".ckg-validate-")] == []
    fast_keys, ref_keys = _keys(fast), _keys(reference)
    assert fast_keys - ref_keys == set(), "results pySHACL does not give"
    assert ref_keys - fast_keys == set(), "pySHACL results missing"
    assert len(fast.results) == len(reference.results)
    assert fast.conforms == reference.conforms
    return fast, reference


def test_seed_store_same_results_as_pyshacl(bundled_store_dir: Path) -> None:
    fast, reference = _compare(bundled_store_dir)
    assert fast.conforms and reference.conforms


def test_every_bad_batch_in_the_store_same_results_as_pyshacl(bundled_store_dir: Path) -> None:
    store = open_store(bundled_store_dir, create=False)
    try:
        for path in sorted(BAD.iterdir()):
            if int(path.name[:2]) < 11:  # 01-10 do not parse: nothing to store
                continue
            graph = None if path.suffix == ".trig" else f"{GRAPH_A}-{path.stem}"
            batch = parse_batch([path], graph=graph)
            # Each file in graphs of its own, bypassing the gate: the store holds them all.
            store.replace_graphs(
                {URIRef(f"{g}-{path.name[:2]}"): t for g, t in batch.graphs.items()}
            )
    finally:
        store.close()
    fast, _reference = _compare(bundled_store_dir)
    shapes = {r.shape.rsplit("#", 1)[1] for r in fast.results}
    # The bad batches exercise every kind of constraint the translator handles.
    for expected in (
        "BeforeFoundingShape",  # sh:sparql with a SPARQL target
        "WithdrawalShape",  # sh:sparql on a class target
        "InCountryShape",
        "SelfPredecessorShape",
        "LocatedInCycleShape",
        "Event-place",  # sh:minCount
        "Date-startDate",  # sh:datatype, ill-typed literal
        "Event-fatalities",
        "Event-fatalitiesNonNegative",  # sh:minInclusive
        "IntervalShape",  # sh:lessThanOrEquals
        "Membership-afterFounding",  # sequence path
        "AttackAttributionShape",  # alternative path
        "Claim-modality",  # sh:in
        "Event-perpetratorKnown",  # sh:class
        "MergerShape",  # sh:minCount 2
        "Disjoint-Organization-Person",  # sh:not on a node shape
    ):
        assert expected in shapes, expected


def _random_lines(events: int, seed: int) -> tuple[list[str], list[str]]:
    """Synthetic events with violations injected at random; two graphs sharing a few lines."""
    rng = random.Random(seed)
    lines = [f"{s} {p} {o} ." for s, p, o in synthetic.iter_triples(events, seed=seed)]
    ev = lambda i: f"<{ID}event/acled/SYN{i:07d}>"
    lit = lambda v, t: f'"{v}"^^<{XSD}{t}>'
    ckg = lambda t: f"<{CKG}{t}>"
    extra = []
    drop: set[str] = set()
    injections = [
        # Ill-typed dates where no sh:lessThanOrEquals compares them: pySHACL raises a
        # TypeError comparing one with a date (the fast path reports a result there).
        lambda i: extra.append(f"{ev(i)} {ckg('announcedDate')} {lit('2024-02-30', 'date')} ."),
        lambda i: extra.append(f"{ev(i)} {ckg('announcedDate')} {lit('0000-01-01', 'date')} ."),
        lambda i: extra.append(f'{ev(i)} {ckg("startDate")} "2019-05-04" .'),
        lambda i: extra.append(f"{ev(i)} {ckg('endDate')} {lit('2013-01-01Z', 'date')} ."),
        lambda i: extra.append(f"{ev(i)} {ckg('endDate')} {lit('2011-06-01', 'date')} ."),
        lambda i: extra.append(f"{ev(i)} {ckg('fatalities')} {lit('-3', 'integer')} ."),
        lambda i: extra.append(f"{ev(i)} {ckg('fatalities')} {lit('2.5', 'decimal')} ."),
        lambda i: extra.append(f'{ev(i)} {ckg("fatalities")} "many" .'),
        lambda i: extra.append(f"{ev(i)} {ckg('datePrecision')} {ckg('DecadePrecision')} ."),
        lambda i: extra.append(f"{ev(i)} {ckg('perpetrator')} <{ID}group/nobody> ."),
        lambda i: extra.append(f'{ev(i)} {ckg("eventType")} "attack" .'),
        lambda i: extra.append(f"{ev(i)} {ckg('unattributed')} {lit('false', 'boolean')} ."),
        lambda i: extra.append(f"{ev(i)} {ckg('latitude')} {lit('95.5', 'decimal')} ."),
        lambda i: extra.append(f"{ev(i)} <{RDF.type}> {ckg('Person')} ."),
        lambda i: extra.append(f"{ev(i)} {ckg('partOf')} {ev(i + 1)} ."),
        lambda i: drop.add(f"{ev(i)} {ckg('place')} "),
        lambda i: drop.add(f"{ev(i)} {ckg('startDate')} "),
        lambda i: drop.add(f"{ev(i)} <http://www.w3.org/2004/02/skos/core#prefLabel> "),
    ]
    for i in rng.sample(range(events), min(events, 3 * len(injections))):
        rng.choice(injections)(i)
    # A locatedIn cycle, a GeoNames ID that is not digits, a town outside Mali.
    extra.append(f"<{ID}place/synthetic/T0> {ckg('locatedIn')} <{ID}place/synthetic/P0> .")
    extra.append(f'<{ID}place/synthetic/T1> {ckg("geonamesId")} "12a" .')
    extra.append(f"<{ID}group/odd> <{RDF.type}> {ckg('ArmedGroup')} .")
    extra.append(f"<{ID}group/odd> {ckg('foundingDate')} {lit('2019-02-29', 'date')} .")
    extra.append(
        f"<{ID}place/synthetic/T2> {ckg('locatedIn')} <{ID}place/geonames/2453866> ."
    )  # Mali, whose bounding box the town's random coordinates may leave
    kept = [line for line in lines if not any(line.startswith(d) for d in drop)]
    both = kept[: len(kept) // 2] + extra
    other = kept[len(kept) // 2 - 20 :]  # 20 lines in both graphs
    return both, other


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_store_same_results_as_pyshacl(
    bundled_store_dir: Path, tmp_path: Path, seed: int
) -> None:
    a, b = _random_lines(120, seed)
    (tmp_path / "a.nt").write_text("\n".join(a) + "\n", encoding="utf-8")
    (tmp_path / "b.nt").write_text("\n".join(b) + "\n", encoding="utf-8")
    store = open_store(bundled_store_dir, create=False)
    try:
        load_files(store, [tmp_path / "a.nt"], graph=GRAPH_A)
        load_files(store, [tmp_path / "b.nt"], graph=GRAPH_B)
    finally:
        store.close()
    fast, _reference = _compare(bundled_store_dir)
    assert len(fast.results) >= 20, "the injected violations were not found"


def test_validate_store_uses_sparql_and_falls_back(
    bundled_store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines: list[str] = []
    store = open_store(bundled_store_dir, create=False)
    try:
        report = validate_store(store, progress=lines.append)
        assert report.conforms
        assert lines[0].startswith("validate: ") and "shapes over" in lines[0]
        # A shape using a component the translator does not know: pySHACL answers.
        shapes = Graph()
        shapes += kg.validation.shapes_graph()
        odd = URIRef("https://w3id.org/conflict-kg/shapes#OddShape")
        shapes.add((odd, RDF.type, SH.PropertyShape))
        shapes.add((odd, SH.targetClass, URIRef(CKG + "Event")))
        shapes.add((odd, SH.path, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
        shapes.add((odd, SH.uniqueLang, Literal(True)))
        with pytest.raises(Unsupported):
            Translator(store.db, None, shapes).run_shape(odd)
        # Each module that reads the shapes holds its own name for them: both engines and
        # the wording of their results get the odd shape.
        for module in (
            kg.validation.sparql.engine,
            kg.validation.pyshacl_engine,
            kg.validation.wording,
        ):
            monkeypatch.setattr(module, "shapes_graph", lambda: shapes)
        lines.clear()
        report = validate_store(store, progress=lines.append)
        assert any("validating with pySHACL" in line for line in lines)
        with pytest.raises(UsageError, match="--engine pyshacl"):
            validate_store(store, engine="sparql")
    finally:
        store.close()


def _run(store_dir: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--store", str(store_dir), *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_validate_sparql_and_pyshacl_agree(bundled_store_dir: Path) -> None:
    store = open_store(bundled_store_dir, create=False)
    try:
        batch = parse_batch([BAD / "11-jnim-attack-2012.trig", BAD / "25-end-before-start.trig"])
        store.replace_graphs(batch.graphs)
    finally:
        store.close()
    import json

    code, out, err = _run(bundled_store_dir, "validate", "-f", "json")
    ref_code, ref_out, _ = _run(bundled_store_dir, "validate", "-f", "json", "--engine", "pyshacl")
    assert code == ref_code == 1
    assert "shapes over" in err and "does not conform" in err  # progress and verdict
    fast, ref = json.loads(out), json.loads(ref_out)
    assert fast["results"] and fast["results"] == ref["results"]
    assert fast["counts"] == ref["counts"]


def test_ill_typed_date_against_a_date_is_a_result_where_pyshacl_raises(
    bundled_store_dir: Path, tmp_path: Path
) -> None:
    """SHACL: values that cannot be compared are a result; pySHACL raises a TypeError."""
    event = f"<{ID}event/test/odd-dates>"
    lines = [
        f"{event} <{RDF.type}> <{CKG}Event> .",
        f'{event} <{CKG}startDate> "2024-03-01"^^<{XSD}date> .',
        f'{event} <{CKG}endDate> "2024-02-30"^^<{XSD}date> .',
    ]
    (tmp_path / "odd.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = open_store(bundled_store_dir, create=False)
    try:
        load_files(store, [tmp_path / "odd.nt"], graph=GRAPH_A)
        report = validate_store_fast(store)
        with pytest.raises(TypeError):
            validate_store_pyshacl(store)
    finally:
        store.close()
    interval = [r for r in report.results if r.shape.endswith("#IntervalShape")]
    assert [str(r.value) for r in interval] == ["2024-03-01"]
    assert any(r.shape.endswith("#Date-endDate") for r in report.results)


_REWRITE_CASES = [
    # Two parts joined through ?g, a filter over both, an OPTIONAL and a BIND after them.
    """SELECT ?e ?g ?start ?name WHERE {
        { ?e <https://w3id.org/conflict-kg/ontology#perpetrator> ?g . }
        UNION { ?e <https://w3id.org/conflict-kg/ontology#targetActor> ?g . }
        ?e <https://w3id.org/conflict-kg/ontology#startDate> ?start .
        ?g <https://w3id.org/conflict-kg/ontology#foundingDate> ?f .
        FILTER (?start > ?f)
        OPTIONAL { ?g <http://www.w3.org/2000/01/rdf-schema#label> ?l }
        BIND (COALESCE(?l, "none") AS ?name) }""",
    # A path of length zero alone stays where it is; a comma list and a string with a dot.
    """SELECT ?a ?b WHERE { ?a <https://w3id.org/conflict-kg/ontology#locatedIn> ?b , ?c .
        ?b <https://w3id.org/conflict-kg/ontology#locatedIn>* ?c .
        ?a <http://www.w3.org/2000/01/rdf-schema#label> ?l . FILTER (?l != "x. y") }""",
]


@pytest.mark.parametrize("query", [*_REWRITE_CASES, "shapes"])
def test_join_order_rewrite_keeps_every_answer(bundled_store_dir: Path, query: str) -> None:
    """The sub-select form Oxigraph joins fast gives the rows of the query as written."""
    from rdflib.namespace import SH

    from kg.validation.sparql.rewrite import dollar, join_order

    if query == "shapes":
        texts = [dollar(str(s)) for s in kg.validation.shapes_graph().objects(None, SH.select)]
        prefixes = (
            "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\n"
            "PREFIX ckgsh: <https://w3id.org/conflict-kg/shapes#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        )
    else:
        texts, prefixes = [query], ""
    store = open_store(bundled_store_dir, create=False)
    try:
        batch = parse_batch([BAD / "11-jnim-attack-2012.trig"])  # rows for BeforeFounding
        store.replace_graphs(batch.graphs)
        rewritten = 0
        for text in texts:
            new = join_order(text)
            rewritten += new != text
            if "SELECT * WHERE" in new:
                assert new.count("SELECT * WHERE") >= 2
            before = sorted(
                map(str, store.db.query(prefixes + text, use_default_graph_as_union=True))
            )
            after = sorted(
                map(str, store.db.query(prefixes + new, use_default_graph_as_union=True))
            )
            assert after == before, new
            assert before or query == "shapes", "the case selects nothing: it proves nothing"
        # BeforeFounding's target and constraint; the first case; the second is one part
        # (all joined through ?a, ?b, ?c), which stays as written.
        assert rewritten == {"shapes": 2, _REWRITE_CASES[0]: 1}.get(query, 0)
    finally:
        store.close()


def test_iri_replacement_in_messages_is_the_regex_it_replaces() -> None:
    """kg.validation.wording._replace_iri names a node by its label where the regex did (random
    texts of IRI pieces, the regex as the truth)."""
    import re

    from kg.validation.wording import _replace_iri

    rng = random.Random(1)
    for _ in range(20_000):
        iri = "".join(rng.choice("ab/") for _ in range(rng.randint(1, 3)))
        text = "".join(rng.choice("ab/#.-_é: 1" + iri) for _ in range(rng.randint(0, 20)))
        if rng.random() < 0.5:
            text += iri
        expected = re.sub(re.escape(iri) + r"(?![\w/#.-])", lambda _m: "X", text)
        assert _replace_iri(text, iri, "X") == expected, (iri, text)


def test_sparql_constraints_run_once_over_the_store_give_the_same_results(
    bundled_store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above _PREBIND_LIMIT focus nodes a SPARQL constraint is run once, not pre-bound:
    the same results as pySHACL (forced here on a small random store)."""
    monkeypatch.setattr(kg.validation.sparql.translate, "_PREBIND_LIMIT", 0)
    a, _b = _random_lines(120, 4)
    (tmp_path / "a.nt").write_text("\n".join(a) + "\n", encoding="utf-8")
    store = open_store(bundled_store_dir, create=False)
    try:
        load_files(store, [tmp_path / "a.nt"], graph=GRAPH_A)
        batch = parse_batch([BAD / "11-jnim-attack-2012.trig"])
        store.replace_graphs(batch.graphs)
    finally:
        store.close()
    fast, _reference = _compare(bundled_store_dir)
    assert any(r.shape.endswith("#BeforeFoundingShape") for r in fast.results)
