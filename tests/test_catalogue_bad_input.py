"""Issue 19: a catalogue of bad inputs and faults, each tried on a fresh copy of the bundled
store. Every case asserts the exit code, the message, and that every quad of the store —
the meta graph included — is exactly what it was before.
"""

from __future__ import annotations

import errno
import gc
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from kg.cli.main import cli

CKG = "https://w3id.org/conflict-kg/ontology#"
GRAPH = "https://w3id.org/conflict-kg/graph/"
ID = "https://w3id.org/conflict-kg/id/"
PREFIXES = f"""@prefix ckg: <{CKG}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def fingerprint(store_dir: Path) -> frozenset[str]:
    """Every quad of the store, every graph and the default graph included, as N-Quads."""
    db = ox.Store(str(store_dir))
    try:
        return frozenset(str(q) for q in db.quads_for_pattern(None, None, None, None))
    finally:
        del db
        gc.collect()


def ckg(runner: CliRunner, store_dir: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, ["--store", str(store_dir), *args])


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def laughs(levels: int) -> bytes:
    """A 'billion laughs' RDF/XML file: each entity is ten of the one before."""
    ents = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels + 1)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        + "\n".join(ents)
        + "\n]>\n"
        + '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        + 'xmlns:ex="http://example.org/">\n'
        + f'<rdf:Description rdf:about="{ID}x"><ex:p>&l{levels};</ex:p></rdf:Description>\n'
        + "</rdf:RDF>\n"
    ).encode()


@pytest.fixture
def unchanged(bundled_store_dir: Path) -> Iterator[Path]:
    """The bundled store's folder; after the test, its quads must be what they were."""
    before = fingerprint(bundled_store_dir)
    assert before
    yield bundled_store_dir
    assert fingerprint(bundled_store_dir) == before


def refused(result, code: int, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


# --------------------------------------------------------------------------------------
# 19.1 the ontology cannot be changed by data
# --------------------------------------------------------------------------------------

BEND = (
    PREFIXES
    + f"""<{GRAPH}doc/bend> {{
  ckg:Attack rdfs:subClassOf ckg:Protest .
  ckg:perpetrator rdfs:range ckg:Place .
  ckg:JihadistGroup owl:equivalentClass ckg:Place .
  <{ID}group/jnim> owl:sameAs <{ID}group/fama> .
}}
"""
)


@pytest.mark.parametrize("command", ["add", "load", "validate"])
def test_axioms_in_a_batch_are_refused_and_named(runner, unchanged, tmp_path, command):
    bad = write(tmp_path, "bend.trig", BEND)
    result = ckg(runner, unchanged, command, str(bad))
    refused(
        result,
        1,
        "would change the ontology",
        "ckg:Attack rdfs:subClassOf ckg:Protest",
        "ckg:perpetrator rdfs:range ckg:Place",
        "ckg:JihadistGroup owl:equivalentClass ckg:Place",
        "ckgid:group/jnim owl:sameAs ckgid:group/fama",
        "--allow-ontology-change",
    )


# Not in alphabetical order, ckg:Protest and ckg:Attack each twice and far apart, plain data
# in between: neither a sort nor a graph's by-subject (or hash) order gives the file's.
SCRAMBLED = (
    PREFIXES
    + f"""<{GRAPH}doc/scrambled> {{
  ckg:Protest rdfs:subClassOf ckg:Riot .
  ckg:perpetrator rdfs:range ckg:Place .
  <{ID}event/x> a ckg:Attack ; rdfs:label "not an axiom" .
  ckg:Attack owl:disjointWith ckg:Event .
  ckg:JihadistGroup owl:equivalentClass ckg:Place .
  ckg:Protest rdfs:label "manifestation"@fr .
  ckg:Attack rdfs:subClassOf ckg:Protest .
}}
"""
)


@pytest.mark.parametrize("command", ["add", "load", "validate"])
def test_a_refused_batch_names_its_axioms_in_file_order(runner, unchanged, tmp_path, command):
    """ckg add named the axioms in hash order, different on every run; load followed the file."""
    bad = write(tmp_path, "scrambled.trig", SCRAMBLED)
    in_file_order = (
        "ckg:Protest rdfs:subClassOf ckg:Riot (schema axiom)",
        "ckg:perpetrator rdfs:range ckg:Place (schema axiom)",
        "ckg:Attack owl:disjointWith ckg:Event (schema axiom)",
        "ckg:JihadistGroup owl:equivalentClass ckg:Place (schema axiom)",
        "ckg:Protest rdfs:label 'manifestation' (about an ontology term)",
        "ckg:Attack rdfs:subClassOf ckg:Protest (schema axiom)",
    )
    named = "; ".join(in_file_order)
    result = ckg(runner, unchanged, command, str(bad))
    refused(result, 1, f"refused, 6 triple(s) would change the ontology: {named}. Data may not")


def test_the_guard_sees_triples_put_into_a_batch_in_code_too(tmp_path):
    """A batch built in code (ckg review's) has no file order: its triples are still seen."""
    from rdflib import RDFS, Graph, URIRef

    from kg.axioms import guard_batch
    from kg.errors import GateError
    from kg.validation import parse_batch

    batch = parse_batch([write(tmp_path, "scrambled.trig", SCRAMBLED)])
    batch.graphs[URIRef(f"{GRAPH}doc/scrambled")].add(
        (URIRef(f"{CKG}Riot"), RDFS.subClassOf, URIRef(f"{CKG}Event"))
    )
    staged = Graph()
    staged.add((URIRef(f"{CKG}Battle"), RDFS.subClassOf, URIRef(f"{CKG}Protest")))
    batch.graphs[URIRef(f"{GRAPH}doc/staged")] = staged
    with pytest.raises(GateError) as refusal:
        guard_batch(batch)
    message = str(refusal.value)
    assert "8 triple(s) would change the ontology: ckg:Protest rdfs:subClassOf ckg:Riot" in message
    assert message.index("ckg:Attack rdfs:subClassOf ckg:Protest") < message.index(
        "ckg:Riot rdfs:subClassOf ckg:Event"
    )
    assert "ckg:Battle rdfs:subClassOf ckg:Protest" in message


def test_one_triple_about_an_ontology_term_is_refused(runner, unchanged, tmp_path):
    bad = write(
        tmp_path, "label.trig", PREFIXES + f'<{GRAPH}doc/l> {{ ckg:Attack rdfs:label "Protest" . }}'
    )
    refused(ckg(runner, unchanged, "add", str(bad)), 1, "ckg:Attack rdfs:label", "ontology term")


def test_an_allowed_change_that_makes_the_graph_inconsistent_is_refused(
    runner, unchanged, tmp_path
):
    bad = write(
        tmp_path,
        "disjoint.trig",
        PREFIXES + f"<{GRAPH}doc/d> {{ ckg:Attack owl:disjointWith ckg:Event . }}",
    )
    for command in ("add", "load"):
        result = ckg(runner, unchanged, command, "--allow-ontology-change", str(bad))
        refused(result, 1, "inconsistent", "ckg:Attack", "can have no member")


def test_an_allowed_consistent_change_is_written(runner, bundled_store_dir, tmp_path):
    ok = write(
        tmp_path,
        "kind.ttl",
        PREFIXES + "ckg:NightRaid rdfs:subClassOf ckg:Attack .\n",
    )
    refused(ckg(runner, bundled_store_dir, "load", str(ok)), 1, "would change the ontology")
    done = ckg(
        runner, bundled_store_dir, "load", "--no-validate", "--allow-ontology-change", str(ok)
    )
    assert done.exit_code == 0, done.output
    assert "ontology change allowed: ckg:NightRaid rdfs:subClassOf ckg:Attack" in done.stderr
    expected = f"<{CKG}NightRaid> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{CKG}Attack>"
    assert any(q.startswith(expected) for q in fingerprint(bundled_store_dir))


def test_reason_exits_1_when_the_graph_is_inconsistent(runner, bundled_store_dir, tmp_path):
    bad = write(tmp_path, "both.ttl", PREFIXES + f"<{ID}person/x> a ckg:Person, ckg:ArmedGroup .\n")
    assert ckg(runner, bundled_store_dir, "load", "--no-validate", str(bad)).exit_code == 0
    done = ckg(runner, bundled_store_dir, "reason")
    assert done.exit_code == 1
    assert "INCONSISTENT" in done.stderr and "ckgid:person/x" in done.stderr
    assert ckg(runner, bundled_store_dir, "drop", "file/both").exit_code == 0
    assert ckg(runner, bundled_store_dir, "reason").exit_code == 0


# --------------------------------------------------------------------------------------
# 19.2 protected graphs and other sources' graphs
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ontology", "derived", "shapes"])
def test_load_cannot_replace_a_protected_graph(runner, unchanged, tmp_path, name):
    bad = write(tmp_path, "one.trig", f"<{GRAPH}{name}> {{ <urn:a> <urn:b> <urn:c> . }}\n")
    refused(ckg(runner, unchanged, "load", str(bad)), 2, f"<{GRAPH}{name}>", "--replace-graph")


@pytest.mark.parametrize("reserved", ["meta", "inferred"])
def test_load_never_writes_the_meta_or_inferred_graph(runner, unchanged, tmp_path, reserved):
    bad = write(tmp_path, "r.trig", f"<{GRAPH}{reserved}> {{ <urn:a> <urn:b> <urn:c> . }}\n")
    refused(ckg(runner, unchanged, "load", str(bad)), 3, "reserved graph")


def test_load_cannot_replace_another_sources_graph(runner, unchanged, tmp_path):
    one = write(tmp_path, "one.ttl", "<urn:a> <urn:b> <urn:c> .\n")
    result = ckg(runner, unchanged, "load", str(one), "--graph", "ref/acled")
    refused(result, 2, "holds another source", "reference-acled.trig", "--replace-graph")
    trig = write(tmp_path, "two.trig", f"<{GRAPH}ref/acled> {{ <urn:a> <urn:b> <urn:c> . }}\n")
    refused(ckg(runner, unchanged, "load", str(trig)), 2, "holds another source")


def test_replace_graph_names_the_graph_it_allows(runner, bundled_store_dir, tmp_path):
    one = write(tmp_path, "one.ttl", "<urn:a> <urn:b> <urn:c> .\n")
    done = ckg(
        runner, bundled_store_dir, "load", "--no-validate", str(one), "--graph", "ref/acled",
        "--replace-graph", "ref/acled",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    quads = [q for q in fingerprint(bundled_store_dir) if q.endswith(f"<{GRAPH}ref/acled>")]
    assert quads == ["<urn:a> <urn:b> <urn:c> <https://w3id.org/conflict-kg/graph/ref/acled>"]


# --------------------------------------------------------------------------------------
# 19.3 an empty source never silently empties a graph
# --------------------------------------------------------------------------------------


def test_an_empty_file_does_not_empty_its_populated_graph(runner, bundled_store_dir, tmp_path):
    data = write(tmp_path, "mine.ttl", "<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> <urn:d> .\n")
    assert ckg(runner, bundled_store_dir, "load", "--no-validate", str(data)).exit_code == 0
    before = fingerprint(bundled_store_dir)
    data.write_text("# nothing left\n", encoding="utf-8")
    refused(
        ckg(runner, bundled_store_dir, "load", str(data)), 3, "holds no triples", "--allow-empty"
    )
    assert fingerprint(bundled_store_dir) == before
    done = ckg(runner, bundled_store_dir, "load", "--no-validate", "--allow-empty", str(data))
    assert done.exit_code == 0, done.output
    assert not [q for q in fingerprint(bundled_store_dir) if q.endswith(f"<{GRAPH}file/mine>")]


# --------------------------------------------------------------------------------------
# 19.4 bounded, offline parsing
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["load", "add", "validate"])
def test_billion_laughs_is_refused_before_parsing(runner, unchanged, tmp_path, command):
    bad = write(tmp_path, "laughs.rdf", laughs(8))
    args = [command, str(bad)] + (["--graph", "doc/x"] if command != "load" else [])
    refused(ckg(runner, unchanged, *args), 3, "laughs.rdf", "entities nest deeper")


def test_wide_entity_expansion_is_refused_too(runner, unchanged, tmp_path):
    # Only two levels deep, but referenced enough times to pass the expansion cap.
    ents = '<!ENTITY a "' + "x" * 100_000 + '">'
    body = "&a;" * 50
    text = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ {ents} ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns:ex="http://example.org/"><rdf:Description rdf:about="{ID}x">'
        f"<ex:p>{body}</ex:p></rdf:Description></rdf:RDF>\n"
    )
    refused(
        ckg(runner, unchanged, "load", str(write(tmp_path, "w.rdf", text))), 3, "expand to more"
    )


def test_small_namespace_entities_still_load(runner, bundled_store_dir, tmp_path):
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://example.org/"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="&ex;">'
        '<rdf:Description rdf:about="&ex;a"><ex:p>one</ex:p></rdf:Description></rdf:RDF>\n'
    )
    done = ckg(
        runner, bundled_store_dir, "load", "--no-validate", str(write(tmp_path, "ns.rdf", text))
    )
    assert done.exit_code == 0, done.output
    assert '<http://example.org/a> <http://example.org/p> "one" <' + GRAPH + "file/ns>" in (
        fingerprint(bundled_store_dir)
    )


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request made to it."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            body = b'{"@context": {"p": "http://example.org/p"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/ctx.jsonld", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("command", ["load", "add"])
def test_jsonld_remote_context_is_never_fetched(runner, unchanged, tmp_path, http_server, command):
    url, seen = http_server
    doc = f'{{"@context": "{url}", "@id": "{ID}x", "p": "one"}}'
    bad = write(tmp_path, "remote.jsonld", doc)
    args = [command, str(bad)] + (["--graph", "doc/x"] if command == "add" else [])
    refused(ckg(runner, unchanged, *args), 3, "remote.jsonld", "never fetches")
    assert seen == []


def test_jsonld_file_context_is_never_read(runner, unchanged, tmp_path):
    secret = write(tmp_path, "ctx.jsonld", '{"@context": {"p": "http://example.org/p"}}')
    doc = f'{{"@context": "{secret.as_uri()}", "@id": "{ID}x", "p": "one"}}'
    bad = write(tmp_path, "file.jsonld", doc)
    refused(ckg(runner, unchanged, "add", str(bad), "--graph", "doc/x"), 3, "never fetches")


def test_deep_nesting_is_refused_with_its_line(runner, unchanged, tmp_path):
    deep = "<urn:a> <urn:p> " + "[ <urn:p> " * 1000 + "1" + " ]" * 1000 + " .\n"
    bad = write(tmp_path, "deep.ttl", "# deep\n" + deep)
    refused(
        ckg(runner, unchanged, "add", str(bad), "--graph", "doc/x"), 3, "deep.ttl:2:", "nest deeper"
    )


def test_a_huge_literal_is_refused(runner, unchanged, tmp_path):
    from kg.parsing import MAX_LITERAL

    bad = write(tmp_path, "big.nt", f'<urn:a> <urn:p> "{"x" * (MAX_LITERAL + 1)}" .\n')
    refused(ckg(runner, unchanged, "load", str(bad)), 3, "big.nt", "a literal of")


def test_service_is_refused_unless_the_endpoint_is_named() -> None:
    from kg.errors import UsageError
    from kg.parsing import check_services, service_endpoints

    text = (
        "PREFIX wdq: <https://query.wikidata.org/>\n"
        "SELECT * WHERE { ?s ?p ?o . SERVICE SILENT wdq:sparql { ?s ?p ?o } "
        "SERVICE <http://127.0.0.1:9/q> { ?s ?p ?o } # SERVICE <http://comment/>\n"
        '  FILTER(?o != "SERVICE <http://string/>") }'
    )
    assert service_endpoints(text) == ["https://query.wikidata.org/sparql", "http://127.0.0.1:9/q"]
    with pytest.raises(UsageError, match="--allow-service https://query.wikidata.org/sparql"):
        check_services(text)
    with pytest.raises(UsageError, match="127.0.0.1:9"):
        check_services(text, ["https://query.wikidata.org/sparql"])
    check_services(text, ["https://query.wikidata.org/sparql", "http://127.0.0.1:9/q"])
    with pytest.raises(UsageError, match="variable"):
        check_services("SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }")


def test_query_run_sends_nothing_to_a_service_it_was_not_allowed(
    runner, unchanged, tmp_path, http_server
):
    url, seen = http_server
    endpoint = url.rsplit("/", 1)[0] + "/sparql"
    question = write(
        tmp_path,
        "federated.rq",
        f"SELECT ?s WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}",
    )
    refused(
        ckg(runner, unchanged, "query", "run", "--file", str(question)),
        2,
        f"SERVICE <{endpoint}>",
        f"--allow-service {endpoint}",
    )
    assert seen == []
    # naming another endpoint does not let this one through
    other = ckg(runner, unchanged, "query", "run", "--file", str(question), "--allow-service", url)
    assert other.exit_code == 2 and seen == []


# --------------------------------------------------------------------------------------
# 19.5 faults become messages
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["empty CURRENT", "no SST files", "truncated MANIFEST"])
def test_a_damaged_store_is_a_message_with_advice(runner, bundled_store_dir, damage):
    if damage == "empty CURRENT":
        (bundled_store_dir / "CURRENT").write_text("")
    elif damage == "no SST files":
        ssts = list(bundled_store_dir.glob("*.sst"))
        if not ssts:
            pytest.skip("this RocksDB build kept everything in its log")  # nothing to delete
        for sst in ssts:
            sst.unlink()
    else:
        manifest = next(bundled_store_dir.glob("MANIFEST-*"))
        manifest.write_bytes(manifest.read_bytes()[:10])
    files = {p.name: p.read_bytes() for p in bundled_store_dir.iterdir() if p.is_file()}
    for args in (["graphs"], ["query", "run", "towns_attacked_twice"]):
        result = ckg(runner, bundled_store_dir, *args)
        refused(result, 3, f"the store at {bundled_store_dir} is damaged", "rebuild it from the")
    after = {p.name: p.read_bytes() for p in bundled_store_dir.iterdir() if p.is_file()}
    # RocksDB's own log and lock files aside, not a byte of the store was touched.
    assert {k: v for k, v in after.items() if not k.startswith(("LOG", "LOCK"))} == {
        k: v for k, v in files.items() if not k.startswith(("LOG", "LOCK"))
    }


def test_disk_full_during_load_is_a_message(runner, unchanged, tmp_path, monkeypatch):
    from kg.embedded import EmbeddedStore

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(EmbeddedStore, "replace_native", full)
    monkeypatch.setattr(EmbeddedStore, "set_meta", full)
    data = write(tmp_path, "d.ttl", "<urn:a> <urn:b> <urn:c> .\n")
    refused(ckg(runner, unchanged, "load", str(data)), 3, "no space left", "run the command again")


def test_memory_error_is_a_message(runner, unchanged, tmp_path, monkeypatch):
    import kg.loading

    def boom(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(kg.loading, "parse_source", boom)
    data = write(tmp_path, "d.ttl", "<urn:a> <urn:b> <urn:c> .\n")
    refused(ckg(runner, unchanged, "load", str(data)), 3, "out of memory")


def test_a_store_that_cannot_be_written_opens_for_reading(runner, bundled_store_dir, monkeypatch):
    real = ox.Store

    class ReadOnlyMedia:
        """ox.Store on a folder whose files are read-only: writable opening fails."""

        def __new__(cls, path: str | None = None):  # type: ignore[no-untyped-def]
            raise OSError(f"IO error: While lock file: {path}/LOCK: Permission denied")

        read_only = staticmethod(real.read_only)

    before = fingerprint(bundled_store_dir)
    monkeypatch.setattr(ox, "Store", ReadOnlyMedia)
    listed = ckg(runner, bundled_store_dir, "graphs", "-f", "csv")
    assert listed.exit_code == 0, listed.output
    assert f"{GRAPH}ontology" in listed.stdout
    dropped = ckg(runner, bundled_store_dir, "drop", "ref/acled")
    refused(dropped, 3, "read-only")
    monkeypatch.setattr(ox, "Store", real)
    assert fingerprint(bundled_store_dir) == before


# --------------------------------------------------------------------------------------
# 19.3 true reports: a partial import says what was committed (exit 4)
# --------------------------------------------------------------------------------------


def test_import_that_fails_after_a_commit_reports_partial_success(
    runner, bundled_store_dir, tmp_path, fixtures_dir
):
    from kg.errors import PARTIAL_EXIT

    base = tmp_path / "base.csv"
    base.write_bytes((fixtures_dir / "import" / "acled-current.csv").read_bytes())
    bad = write(tmp_path, "bad.csv", "foo,bar\n1,2\n")
    result = ckg(runner, bundled_store_dir, "import", "acled", str(base), str(bad))
    assert result.exit_code == PARTIAL_EXIT == 4, result.output
    assert "Traceback" not in result.output
    assert "not an ACLED export" in result.stderr
    assert f"Partial import: {bad} was not imported, but these were committed: {base}" in (
        result.stderr
    )
    # The report is true: base.csv's graph is there, bad.csv's is not.
    quads = fingerprint(bundled_store_dir)
    assert any(q.endswith(f"<{GRAPH}import/acled/base>") for q in quads)
    assert not any(q.endswith(f"<{GRAPH}import/acled/bad>") for q in quads)


def test_strict_refusal_after_a_commit_is_partial_too(
    runner, bundled_store_dir, tmp_path, fixtures_dir
):
    base = tmp_path / "base.csv"
    base.write_bytes((fixtures_dir / "import" / "acled-current.csv").read_bytes())
    mal = tmp_path / "mal.csv"
    mal.write_bytes((fixtures_dir / "import" / "acled-malformed.csv").read_bytes())
    result = ckg(runner, bundled_store_dir, "import", "acled", "--strict", str(base), str(mal))
    assert result.exit_code == 4, result.output
    assert f"Partial import: refused {mal} (its graph untouched), but committed: {base}" in (
        result.stderr
    )


def test_future_dates_are_flagged_against_the_issue_date() -> None:
    from datetime import date

    from rdflib import Graph

    from kg.axioms import future_dates

    text = PREFIXES + (
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        f'<{ID}doc/r> dcterms:issued "2025-07-02"^^xsd:date .\n'
        f'<{ID}event/a> ckg:startDate "2025-07-01"^^xsd:date ; ckg:endDate "2099-01-01"^^xsd:date .\n'
    )
    graph = Graph().parse(data=text, format="turtle")
    # Independently: every date literal later than the issue date, the issue date aside.
    issued = date(2025, 7, 2)
    expected = {
        str(o)
        for _s, p, o in graph
        if str(p) != "http://purl.org/dc/terms/issued"
        and getattr(o, "datatype", None) is not None
        and date.fromisoformat(str(o)) > issued
    }
    warnings = future_dates(graph, today=date(2030, 1, 1))
    assert len(warnings) == len(expected) == 1
    assert "2099-01-01 is after the source's issue date 2025-07-02" in warnings[0]
    # Without an issue date, today is the bound.
    undated = Graph().parse(
        data=PREFIXES + f'<{ID}event/a> ckg:startDate "2099-01-01"^^xsd:date .', format="turtle"
    )
    assert "is after today" in future_dates(undated)[0]
    assert future_dates(undated, today=date(2100, 1, 1)) == []


# --------------------------------------------------------------------------------------
# Issue 16.6: ckg load checks the shapes by default; --no-validate marks the graph
# --------------------------------------------------------------------------------------

JNIM_2012 = Path(__file__).parent / "bad_batches" / "11-jnim-attack-2012.trig"


def test_load_refuses_what_add_refuses(runner, unchanged):
    result = ckg(runner, unchanged, "load", str(JNIM_2012))
    refused(result, 1, "do not conform to the shapes", "--no-validate")
    assert "before JNIM was founded on 2017-03-02" in result.stdout


def test_no_validate_loads_and_marks_the_graph_unvalidated(runner, bundled_store_dir, tmp_path):
    done = ckg(runner, bundled_store_dir, "load", "--no-validate", str(JNIM_2012))
    assert done.exit_code == 0, done.output
    assert "marked unvalidated" in done.stderr
    rows = ckg(runner, bundled_store_dir, "graphs", "-f", "csv").stdout.splitlines()
    batch_row = next(r for r in rows if "/graph/doc/curator-batch," in r)
    assert batch_row.endswith(",unvalidated")
    assert not any(r.endswith("unvalidated") for r in rows if r is not batch_row)
    # Loaded again, conforming and validated, the mark is gone with the old description.
    fixed = write(
        tmp_path,
        JNIM_2012.name,
        JNIM_2012.read_text(encoding="utf-8").replace("2012-06-01", "2025-06-01"),
    )
    again = ckg(
        runner, bundled_store_dir, "load", "--replace-graph", "doc/curator-batch", str(fixed)
    )
    assert again.exit_code == 0, again.output
    rows = ckg(runner, bundled_store_dir, "graphs", "-f", "csv").stdout.splitlines()
    assert not any(r.endswith("unvalidated") for r in rows)


def test_ctrl_c_after_the_commit_says_the_data_was_committed(
    runner, bundled_store_dir, tmp_path, monkeypatch
):
    from kg.embedded import EmbeddedStore

    original = EmbeddedStore.replace_native

    # Ctrl-C arrives while the native write runs; Python sees it right after the commit.
    def write_then_interrupt(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(EmbeddedStore, "replace_native", write_then_interrupt)
    data = write(tmp_path, "d.ttl", "<urn:a> <urn:b> <urn:c> .\n")
    result = ckg(runner, bundled_store_dir, "load", "--no-validate", str(data))
    refused(result, 3, "interrupted, but after the write: 1 graph(s) were committed", "file/d")
    assert "<urn:a> <urn:b> <urn:c> <" + GRAPH + "file/d>" in fingerprint(bundled_store_dir)


def test_ctrl_c_before_the_write_says_nothing_was_written(runner, unchanged, tmp_path, monkeypatch):
    import kg.loading

    def interrupt(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.loading, "parse_source", interrupt)
    data = write(tmp_path, "d.ttl", "<urn:a> <urn:b> <urn:c> .\n")
    result = ckg(runner, unchanged, "load", str(data))
    refused(result, 3, "interrupted before anything was written: the store is unchanged")


def test_an_unexpected_bug_is_one_line_not_a_traceback(runner, unchanged, tmp_path, monkeypatch):
    import kg.loading

    def bug(*_args: object, **_kwargs: object) -> None:
        raise AttributeError("'NoneType' object has no attribute 'x'")

    monkeypatch.setattr(kg.loading, "parse_source", bug)
    data = write(tmp_path, "d.ttl", "<urn:a> <urn:b> <urn:c> .\n")
    refused(
        ckg(runner, unchanged, "load", str(data)),
        3,
        "internal error (AttributeError",
        "CKG_DEBUG=1",
    )


def test_a_header_only_acled_file_does_not_empty_its_graph(
    runner, bundled_store_dir, tmp_path, fixtures_dir
):
    export = tmp_path / "export.csv"
    full = (fixtures_dir / "import" / "acled-current.csv").read_text(encoding="utf-8")
    export.write_text(full, encoding="utf-8")
    assert ckg(runner, bundled_store_dir, "import", "acled", str(export)).exit_code in (0, 1)
    before = fingerprint(bundled_store_dir)
    graph_quads = [q for q in before if q.endswith(f"<{GRAPH}import/acled/export>")]
    assert len(graph_quads) > 100
    export.write_text(full.splitlines()[0] + "\n", encoding="utf-8")
    result = ckg(runner, bundled_store_dir, "import", "acled", str(export))
    refused(
        result, 3, "has a header but no rows", f"({len(graph_quads):,} triples)", "--allow-empty"
    )
    assert fingerprint(bundled_store_dir) == before


def test_load_warns_about_a_date_in_the_future(runner, bundled_store_dir, tmp_path):
    data = write(
        tmp_path,
        "future.ttl",
        PREFIXES + f'<{ID}event/test/x> ckg:startDate "2099-01-01"^^xsd:date .\n',
    )
    done = ckg(runner, bundled_store_dir, "load", "--no-validate", str(data))
    assert done.exit_code == 0, done.output
    assert (
        "warning: ckggraph:file/future: ckgid:event/test/x ckg:startDate 2099-01-01 is after today"
        in (done.stderr)
    )


def test_a_corrected_reload_is_not_judged_with_its_old_version(runner, bundled_store_dir, tmp_path):
    report = write(
        tmp_path,
        "my-report.ttl",
        PREFIXES
        + "@prefix ckgt: <https://w3id.org/conflict-kg/id/event-type/> .\n"
        + f"""<{ID}event/2025-08-10-boulkessi-attack> a ckg:Attack ;
    rdfs:label "Attack at Boulkessi on 10 August 2025"@en ;
    ckg:eventType ckgt:attack ;
    ckg:place <{ID}place/site/boulkessi-military-base> ;
    ckg:perpetrator <{ID}group/jnim> ;
    ckg:startDate "2025-08-10"^^xsd:date ; ckg:endDate "2025-08-10"^^xsd:date .
""",
    )
    first = ckg(runner, bundled_store_dir, "load", str(report))
    assert first.exit_code == 0, first.output
    # The corrected date replaces the old one: one start date after the write, so the
    # "one start date" rule must not count the old graph's date too.
    report.write_text(
        report.read_text().replace('"2025-08-10"^^', '"2025-08-11"^^'), encoding="utf-8"
    )
    again = ckg(runner, bundled_store_dir, "load", str(report))
    assert again.exit_code == 0, again.output
    dates = [
        q
        for q in fingerprint(bundled_store_dir)
        if "/ontology#startDate>" in q and "file/my-report" in q
    ]
    expected = (
        f"<{ID}event/2025-08-10-boulkessi-attack> <{CKG}startDate> "
        f'"2025-08-11"^^<http://www.w3.org/2001/XMLSchema#date> <{GRAPH}file/my-report>'
    )
    assert dates == [expected]


def test_load_marks_the_inferred_graph_stale_in_the_data_transaction(
    runner, bundled_store_dir, tmp_path, monkeypatch
):
    from kg.embedded import EmbeddedStore

    assert ckg(runner, bundled_store_dir, "reason").exit_code == 0

    # No separate write may carry the mark: one that tried would fail the load.
    def no_separate_write(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("stale mark written outside the data transaction")

    monkeypatch.setattr(EmbeddedStore, "set_meta", no_separate_write)
    data = write(tmp_path, "d.ttl", "<urn:a> <urn:b> <urn:c> .\n")
    done = ckg(runner, bundled_store_dir, "load", "--no-validate", str(data))
    assert done.exit_code == 0, done.output
    stale = f'<{GRAPH}inferred> <{CKG}stale> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> <{GRAPH}meta>'
    assert stale in fingerprint(bundled_store_dir)


def test_a_blank_node_batch_added_twice_is_stored_once(runner, bundled_store_dir, tmp_path):
    batch = write(
        tmp_path,
        "claim.trig",
        PREFIXES
        + f"""<{GRAPH}doc/notes> {{
  [] a ckg:Claim ; ckg:about <{ID}group/jnim> ; ckg:modality ckg:AuthorAssessment ;
     ckg:statement "JNIM is the strongest group in the Sahel."@en ;
     ckg:passage [ a ckg:Passage ; ckg:text "JNIM is the strongest group."@en ;
                   ckg:inDocument <{ID}doc/mali-jnim-july-1-attacks> ] .
}}
""",
    )
    added = ckg(runner, bundled_store_dir, "add", str(batch))
    assert added.exit_code == 0, added.output
    once = fingerprint(bundled_store_dir)
    again = ckg(runner, bundled_store_dir, "add", str(batch))
    assert again.exit_code == 0, again.output
    assert "nothing new" in again.stderr
    assert fingerprint(bundled_store_dir) == once
    claims = [q for q in once if "strongest group in the Sahel" in q]
    assert len(claims) == 1
