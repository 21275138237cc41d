"""The staging store (issue 15): candidates beside the main store, never in it.

The main store holds only data once candidates live in ``<store>/ckg-staging``; stores
written by the previous version (staging graphs inside the store) are migrated on open in
a safe order; accepting is crash-safe and a re-accept is idempotent.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
from kg.cli.main import cli

from kg.embedded import EmbeddedStore, open_store, to_rdflib
from kg.extract import review as rv
from kg.extract.review import extract_files
from kg.extract.staging import open_staging, staging_graph
from kg.namespace import CKG
from kg.terms import GRAPH, STAGING_PREFIX

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
ATTACK_SENTENCE = "On 3 March 2024, JNIM attacked the military post at Kayes."
DOC_GRAPH = GRAPH["doc/report"]


def _staging_graphs_in_store(store_dir: Path) -> list[str]:
    s = open_store(store_dir)
    try:
        return [str(i.iri) for i in s.graphs() if str(i.iri).startswith(STAGING_PREFIX)]
    finally:
        s.close()


def _doc_quads(store_dir: Path) -> set:
    s = open_store(store_dir)
    try:
        return set(s.quads(DOC_GRAPH))
    finally:
        s.close()


def _to_old_layout(store_dir: Path, slug: str, status: str | None = None) -> None:
    """Put a staged document where the previous version kept it: a graph of the main store."""
    s = open_store(store_dir)
    try:
        with open_staging(s) as staging:
            triples = [
                tuple(to_rdflib(term) for term in (t.subject, t.predicate, t.object))
                for t in staging.triples(slug)
            ]
        s.replace_graph(staging_graph(slug), triples, source="ckg extract (old version)")
    finally:
        s.close()


def _statuses(runner, store: str) -> dict[str, str]:
    listing = runner.invoke(cli, ["--store", store, "review", "-f", "json"])
    assert listing.exit_code == 0, listing.output
    return {c["sentence"]: c["status"] for c in json.loads(listing.stdout)}


def test_old_staging_graphs_are_moved_out_of_the_store_on_review(bundled_store_dir, runner):
    store = str(bundled_store_dir)
    runner.invoke(cli, ["--store", store, "extract", str(FIXTURES / "report.txt")])
    _to_old_layout(bundled_store_dir, "report")
    shutil.rmtree(bundled_store_dir / "ckg-staging")
    assert _staging_graphs_in_store(bundled_store_dir) == [str(staging_graph("report"))]
    listed = runner.invoke(cli, ["--store", store, "review"])
    assert listed.exit_code == 0, listed.output
    assert "moved 1 staged document (report) out of the store" in listed.stderr
    assert "Kayes" in listed.stdout  # the same candidates, now read from the staging store
    assert _staging_graphs_in_store(bundled_store_dir) == []
    again = runner.invoke(cli, ["--store", store, "review"])
    assert "moved" not in again.stderr and again.stdout == listed.stdout


def test_interrupted_migration_keeps_the_staging_stores_copy(bundled_store_dir, runner):
    """Stopped after the copy and before the drop: the document is in both stores."""
    store = str(bundled_store_dir)
    runner.invoke(cli, ["--store", store, "extract", str(FIXTURES / "report.txt")])
    _to_old_layout(bundled_store_dir, "report")  # the old, all-pending copy in the store
    runner.invoke(cli, ["--store", store, "review", "1", "--reject"])  # reviewed since
    # That review moved the store's copy out again; put an all-pending copy back beside it.
    s = open_store(bundled_store_dir)
    try:
        with open_staging(s, migrate_old=False) as staging:
            pending = [
                tuple(to_rdflib(term) for term in (t.subject, t.predicate, t.object))
                for t in staging.triples("report")
                if t.predicate.value != str(CKG.candidateStatus)
            ]
        s.replace_graph(staging_graph("report"), pending)
    finally:
        s.close()
    statuses = _statuses(runner, store)
    assert "rejected" in statuses.values()  # the review was not overwritten by the old copy
    assert _staging_graphs_in_store(bundled_store_dir) == []


def test_accept_is_crash_safe_and_a_second_accept_changes_nothing(
    bundled_store_dir, runner, monkeypatch
):
    store = str(bundled_store_dir)
    runner.invoke(cli, ["--store", store, "extract", str(FIXTURES / "report.txt")])
    cands = json.loads(runner.invoke(cli, ["--store", store, "review", "-f", "json"]).stdout)
    kayes = next(c for c in cands if c["sentence"] == ATTACK_SENTENCE)

    def killed(*args: object) -> None:
        raise KeyboardInterrupt("killed between the two writes")

    monkeypatch.setattr(rv, "_set_status", killed)
    crashed = runner.invoke(cli, ["--store", store, "review", kayes["id"], "--accept"])
    assert crashed.exit_code != 0
    written = _doc_quads(bundled_store_dir)
    assert written  # the main store committed
    assert _statuses(runner, store)[ATTACK_SENTENCE] == "pending"  # staging not yet told
    monkeypatch.undo()
    again = runner.invoke(cli, ["--store", store, "review", kayes["id"], "--accept"])
    assert again.exit_code == 0, again.output
    assert "accepted 1 (0 triples" in again.stderr  # found in the store, not written again
    assert _doc_quads(bundled_store_dir) == written
    assert _statuses(runner, store)[ATTACK_SENTENCE] == "accepted"
    third = runner.invoke(cli, ["--store", store, "review", kayes["id"], "--accept"])
    assert third.exit_code == 0 and "accepted 0" in third.stderr
    assert _doc_quads(bundled_store_dir) == written


def test_an_in_memory_store_gets_an_in_memory_staging_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = EmbeddedStore(ox.Store(), "an in-memory store")
    [report] = extract_files(store, [FIXTURES / "report.txt"])
    with open_staging(store) as staging:
        assert staging.documents() == ["report"]
        statements = {
            t.object.value for t in staging.triples("report") if t.predicate.value == str(CKG.text)
        }
    assert ATTACK_SENTENCE in statements
    assert report.triples > 0
    assert not any(tmp_path.iterdir())  # nothing written to disk
    assert not [i for i in store.graphs() if str(i.iri).startswith(STAGING_PREFIX)]


def test_writing_a_staged_document_again_replaces_it(tmp_path):
    store = open_store(tmp_path / "store")
    try:
        with open_staging(store) as staging:
            a = ox.NamedNode("https://example.org/a")
            p = ox.NamedNode("https://example.org/p")
            staging.write("doc", [ox.Triple(a, p, ox.Literal("old"))], source="first")
            staging.write("doc", [ox.Triple(a, p, ox.Literal('new "quoted"\n'))], source="2nd")
            assert [t.object.value for t in staging.triples("doc")] == ['new "quoted"\n']
            assert staging.describe("doc") == ("2nd", None)
            staging.drop("doc")
            assert staging.documents() == []
    finally:
        store.close()


def test_candidates_do_not_reach_the_store_before_accept(bundled_store_dir, runner):
    store = str(bundled_store_dir)
    runner.invoke(cli, ["--store", store, "extract", str(FIXTURES / "report.txt")])
    s = open_store(bundled_store_dir)
    try:
        extracted = [q for q in s.quads() if "/extract/" in str(q[0])]
    finally:
        s.close()
    assert extracted == []


def test_staging_a_csv_again_keeps_its_review_unless_replace(bundled_store_dir, runner):
    store = str(bundled_store_dir)
    batch = ["--store", store, "extract", "--csv", str(FIXTURES / "notes.csv")]
    batch += ["--id-column", "event_id_cnty", "--date-column", "year", "--country", "Mali"]
    assert runner.invoke(cli, batch).exit_code == 0
    assert runner.invoke(cli, batch).exit_code == 0  # all pending: staged again
    cands = json.loads(runner.invoke(cli, ["--store", store, "review", "-f", "json"]).stdout)
    runner.invoke(cli, ["--store", store, "review", cands[0]["id"], "--reject"])
    again = runner.invoke(cli, batch)
    assert again.exit_code == 2 and "--replace" in again.output
    statuses = [
        c["status"]
        for c in json.loads(runner.invoke(cli, ["--store", store, "review", "-f", "json"]).stdout)
    ]
    assert "rejected" in statuses
    assert runner.invoke(cli, [*batch, "--replace"]).exit_code == 0
    statuses = [
        c["status"]
        for c in json.loads(runner.invoke(cli, ["--store", store, "review", "-f", "json"]).stdout)
    ]
    assert set(statuses) == {"pending"}


def test_a_command_that_stages_nothing_leaves_no_staging_store(bundled_store_dir, runner, tmp_path):
    store = str(bundled_store_dir)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert runner.invoke(cli, ["--store", store, "extract", str(empty)]).exit_code == 3
    assert runner.invoke(cli, ["--store", store, "review"]).exit_code == 2  # nothing staged
    assert not (bundled_store_dir / "ckg-staging").exists()
