"""The store commands through click: output streams, exit codes, error messages."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from kg.cli.main import cli

from kg import catalogue
from kg.embedded import open_store
from kg.terms import GRAPH, INFERRED_GRAPH


@pytest.fixture
def data(fixtures_dir: Path) -> Path:
    return fixtures_dir / "store"


@pytest.fixture
def queries(fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = fixtures_dir / "store" / "queries"
    monkeypatch.setattr(catalogue, "catalogue_folder", lambda: folder)
    return folder


@pytest.fixture
def loaded(runner, tmp_path, data) -> Path:
    """A store folder holding events.ttl."""
    path = tmp_path / "s"
    result = runner.invoke(
        cli, ["--store", str(path), "load", "--no-validate", str(data / "events.ttl")]
    )
    assert result.exit_code == 0, result.output
    return path


# Run in a child process: opens the store, says so, and holds it until stdin closes.
HOLD_STORE = (
    "import sys; from kg.embedded import open_store; s = open_store(sys.argv[1]); "
    "print('ready', flush=True); sys.stdin.read()"
)


def quads_of(path: Path) -> set:
    s = open_store(path, create=False)
    try:
        return set(s.quads())
    finally:
        s.close()


def run(runner, store: Path, *args: str):
    return runner.invoke(cli, ["--store", str(store), *args])


# ---- load


def test_load_reports_on_stderr_and_nothing_on_stdout(runner, tmp_path, data):
    result = run(
        runner,
        tmp_path / "s",
        "load",
        "--no-validate",
        str(data / "events.ttl"),
        str(data / "graphs.trig"),
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert f"loaded {data / 'events.ttl'} -> {GRAPH['file/events']} (19 triples)" in result.stderr
    assert "https://example.org/graph/two (2 triples)" in result.stderr
    assert "2 source(s), 24 triples" in result.stderr


def test_load_twice_replaces(runner, loaded, data):
    assert run(runner, loaded, "load", "--no-validate", str(data / "events.ttl")).exit_code == 0
    result = run(runner, loaded, "graphs", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["graph"], r["triples"]) for r in rows] == [(str(GRAPH["file/events"]), "19")]


def test_load_missing_file_is_bad_input(runner, tmp_path):
    result = run(runner, tmp_path / "s", "load", "--no-validate", str(tmp_path / "nope.ttl"))
    assert result.exit_code == 3
    assert result.stderr == f"Error: {tmp_path / 'nope.ttl'}: no such file; check the path\n"


def test_load_syntax_error_names_line_and_leaves_store_unchanged(runner, loaded, data):
    before = quads_of(loaded)
    result = run(
        runner, loaded, "load", "--no-validate", str(data / "towns.nt"), str(data / "broken.ttl")
    )
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {data / 'broken.ttl'}:6: syntax error")
    assert len(result.stderr.strip().splitlines()) == 1
    assert quads_of(loaded) == before


def test_load_without_files_is_a_usage_error(runner, tmp_path):
    result = run(runner, tmp_path / "s", "load")
    assert result.exit_code == 2
    assert "give FILE... or --bundled" in result.stderr


def test_load_into_a_named_graph_with_a_short_name(runner, tmp_path, data):
    result = run(
        runner,
        tmp_path / "s",
        "load",
        "--no-validate",
        str(data / "towns.nt"),
        "--graph",
        "mine/towns",
    )
    assert result.exit_code == 0
    assert [str(i) for i in _graph_iris(tmp_path / "s")] == [str(GRAPH["mine/towns"])]


def test_load_bundled(runner, tmp_path):
    result = run(runner, tmp_path / "s", "load", "--no-validate", "--bundled")
    assert result.exit_code == 0
    assert (
        "kg.ontology/conflict.ttl -> https://w3id.org/conflict-kg/graph/ontology" in result.stderr
    )


def _graph_iris(path: Path) -> list:
    s = open_store(path, create=False)
    try:
        return [i.iri for i in s.graphs()]
    finally:
        s.close()


# ---- store errors


def test_folder_that_is_not_a_store(runner, tmp_path, data):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "thesis.txt").write_text("mine")
    result = run(runner, folder, "load", "--no-validate", str(data / "towns.nt"))
    assert result.exit_code == 3
    assert "is not a ckg store" in result.stderr and "--store" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["thesis.txt"]


def test_store_locked_by_another_process(runner, loaded):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_STORE, str(loaded)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = run(runner, loaded, "graphs")
        assert result.exit_code == 3
        assert "another ckg process holds it" in result.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_reading_commands_do_not_create_a_store(runner, tmp_path, queries):
    for args in (["graphs"], ["stats"], ["query", "run", "attacks_since"], ["drop", "file/x"]):
        result = run(runner, tmp_path / "none", *args)
        assert result.exit_code == 3, args
        assert "there is no ckg store" in result.stderr
    assert not (tmp_path / "none").exists()


def test_ckg_store_environment_variable(runner, loaded):
    result = runner.invoke(cli, ["graphs"], env={"CKG_STORE": str(loaded)})
    assert result.exit_code == 0
    assert "ckggraph:file/events" in result.stdout


# ---- graphs, stats, drop


def test_graphs_table_and_json(runner, loaded):
    result = run(runner, loaded, "graphs")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["graph", "triples", "loaded", "source", "title", "stale"]
    assert lines[2].split()[:2] == ["ckggraph:file/events", "19"]
    doc = json.loads(run(runner, loaded, "graphs", "-f", "json").stdout)
    assert doc["results"]["bindings"][0]["triples"]["value"] == "19"


def test_stats_counts_classes_and_quads(runner, loaded):
    result = run(runner, loaded, "stats")
    assert result.exit_code == 0
    assert result.stdout.startswith("quads: 19 in 1 graph(s)")
    lines = result.stdout.splitlines()
    assert ["ckg:Attack", "3"] in [line.split() for line in lines]
    assert ["ckg:Town", "2"] in [line.split() for line in lines]
    doc = json.loads(run(runner, loaded, "stats", "-f", "json").stdout)
    assert doc["quads"] == 19
    assert doc["classes"]["https://w3id.org/conflict-kg/ontology#Attack"] == 3


def test_drop_graph_and_unknown_graph(runner, loaded, data):
    assert run(runner, loaded, "load", "--no-validate", str(data / "towns.nt")).exit_code == 0
    result = run(runner, loaded, "drop", "file/towns")
    assert result.exit_code == 0
    assert f"dropped {GRAPH['file/towns']} (2 triples)" in result.stderr
    assert [str(i) for i in _graph_iris(loaded)] == [str(GRAPH["file/events"])]
    result = run(runner, loaded, "drop", "file/event")
    assert result.exit_code == 3
    assert "there is no graph" in result.stderr and "did you mean" in result.stderr
    assert "file/events" in result.stderr


def test_drop_marks_inferred_stale_and_query_warns(runner, loaded, data, queries):
    s = open_store(loaded)
    s.replace_graph(INFERRED_GRAPH, [])
    s.close()
    assert run(runner, loaded, "load", "--no-validate", str(data / "towns.nt")).exit_code == 0
    result = run(runner, loaded, "query", "run", "attacks_since")
    assert result.exit_code == 0
    assert "warning: the inferred graph is stale" in result.stderr
    result = run(runner, loaded, "query", "run", "attacks_since", "--no-inferred")
    assert "stale" not in result.stderr


# ---- query


def test_query_list_and_show(runner, queries):
    result = runner.invoke(cli, ["query", "list"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines()[2:]]
    assert names == ["attacks_since", "town_attacked", "town_graph", "towns_by_label"]
    assert "min=1, [since]" in result.stdout
    shown = runner.invoke(cli, ["query", "show", "attacks_since"])
    assert shown.exit_code == 0
    assert shown.stdout.startswith("attacks_since: Attacks with at least")
    assert "min    integer  required  1" in shown.stdout
    assert "since  date     optional" in shown.stdout
    assert "SELECT ?event ?town ?start ?fatalities" in shown.stdout
    assert "#+" not in shown.stdout


def test_query_run_formats_and_output_file(runner, loaded, queries, tmp_path):
    table = run(runner, loaded, "query", "run", "attacks_since", "-p", "min", "0")
    assert table.exit_code == 0
    assert [line.split()[0] for line in table.stdout.splitlines()[2:]] == [
        "ckgid:event/test/e2",
        "ckgid:event/test/e1",
        "ckgid:event/test/e3",
    ]
    assert "attacks_since: 3 row(s)" in table.stderr
    out = tmp_path / "answer.csv"
    result = run(runner, loaded, "query", "run", "attacks_since", "-f", "csv", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    rows = list(csv.DictReader(out.open()))
    assert [r["fatalities"] for r in rows] == ["10", "3"]
    tsv = run(runner, loaded, "query", "run", "attacks_since", "-f", "tsv").stdout
    assert tsv.splitlines()[0] == "event\ttown\tstart\tfatalities"
    doc = json.loads(run(runner, loaded, "query", "run", "attacks_since", "-f", "json").stdout)
    assert len(doc["results"]["bindings"]) == 2


def test_query_run_ask_exit_codes(runner, loaded, queries):
    yes = run(runner, loaded, "query", "run", "town_attacked", "-p", "town", "place/test/alpha")
    assert (yes.exit_code, yes.stdout) == (0, "true\n")
    # A node of the store at which no attack took place: false, exit 1.
    no = run(runner, loaded, "query", "run", "town_attacked", "-p", "town", "event/test/e1")
    assert (no.exit_code, no.stdout) == (1, "false\n")
    # An id that names no node is a usage error, not a false answer (issue 16).
    unknown = run(runner, loaded, "query", "run", "town_attacked", "-p", "town", "place/test/zeta")
    assert unknown.exit_code == 2 and "names no node" in unknown.stderr


def test_query_run_construct_prints_turtle(runner, loaded, queries):
    result = run(runner, loaded, "query", "run", "town_graph")
    assert result.exit_code == 0
    assert "ckg:Town" in result.stdout and "@prefix ckg:" in result.stdout


def test_query_run_parameter_errors(runner, loaded, queries):
    bad = run(runner, loaded, "query", "run", "attacks_since", "-p", "min", "abc")
    assert bad.exit_code == 2
    assert bad.stderr == "Error: parameter min: 'abc' is not an integer (expected e.g. 1)\n"
    unknown = run(runner, loaded, "query", "run", "attacks_since", "-p", "max", "3")
    assert unknown.exit_code == 2
    assert "its parameters: min, since" in unknown.stderr
    missing = run(runner, loaded, "query", "run", "town_attacked")
    assert missing.exit_code == 2
    assert "-p town VALUE" in missing.stderr
    twice = run(runner, loaded, "query", "run", "attacks_since", "-p", "min", "1", "-p", "min", "2")
    assert twice.exit_code == 2


def test_query_run_unknown_question_suggests(runner, loaded, queries):
    result = run(runner, loaded, "query", "run", "attacks_snce")
    assert result.exit_code == 3
    assert "did you mean attacks_since" in result.stderr


def test_query_run_ad_hoc_file(runner, loaded, tmp_path):
    f = tmp_path / "count.rq"
    f.write_text("SELECT (COUNT(?e) AS ?n) WHERE { ?e a ?_class_iri }\n")
    result = run(
        runner, loaded, "query", "run", "--file", str(f), "-p", "class", "ckg:Attack", "-f", "csv"
    )
    assert (result.exit_code, result.stdout) == (0, "n\n3\n")
    missing = run(runner, loaded, "query", "run", "--file", str(tmp_path / "nope.rq"))
    assert missing.exit_code == 3 and "no such file" in missing.stderr
    both = run(runner, loaded, "query", "run", "x", "--file", str(f))
    assert both.exit_code == 2
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT ?x WHERE { ?x ?p }\n")
    result = run(runner, loaded, "query", "run", "--file", str(broken))
    assert result.exit_code == 3 and "does not parse" in result.stderr


def test_endpoint_option_uses_the_remote_backend(runner, loaded, queries, monkeypatch):
    import kg.remote

    asked = []

    def fake_connect(endpoint, **kwargs):
        asked.append(endpoint)
        return open_store(loaded, create=False)

    monkeypatch.setattr(kg.remote, "connect", fake_connect)
    result = runner.invoke(
        cli,
        ["query", "run", "attacks_since", "-f", "csv"],
        env={"CKG_ENDPOINT": "http://127.0.0.1:9/sparql"},
    )
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 3
    assert (
        run(runner, Path("/nonexistent"), "graphs", "--endpoint", "http://x/sparql").exit_code == 0
    )
    assert asked == ["http://127.0.0.1:9/sparql", "http://x/sparql"]


def test_flagship_question_on_the_bundled_data(runner, bundled_store_dir):
    result = run(runner, bundled_store_dir, "query", "run", "towns_attacked_twice", "-f", "csv")
    assert result.exit_code == 0, result.output
    towns = [r["townLabel"] for r in csv.DictReader(io.StringIO(result.stdout))]
    assert sorted(towns) == ["Boulkessi", "Nioro du Sahel"]
    result = run(
        runner,
        bundled_store_dir,
        "query",
        "run",
        "towns_attacked_twice",
        "-p",
        "window",
        "30",
        "-f",
        "csv",
    )
    assert [r["townLabel"] for r in csv.DictReader(io.StringIO(result.stdout))] == ["Boulkessi"]


# ---- demo


def test_demo_builds_the_store_and_answers_every_question(runner, tmp_path, queries):
    result = run(runner, tmp_path / "demo", "demo", "--no-reason")
    # town_attacked needs a parameter without default: it is reported, the others answered.
    assert "## Attacks with at least a number of fatalities" in result.stdout
    assert "## Everything said about the towns, as a graph  (town_graph)" in result.stdout
    assert "warning: town_attacked: parameter town of town_attacked is required" in result.stderr
    assert result.exit_code == 3
    assert "loaded" in result.stderr and "bundled file(s)" in result.stderr


def test_demo_refuses_a_store_with_other_graphs_unless_fresh(runner, loaded, monkeypatch, tmp_path):
    empty = tmp_path / "no-questions"
    empty.mkdir()
    monkeypatch.setattr(catalogue, "catalogue_folder", lambda: empty)
    refused = run(runner, loaded, "demo", "--no-reason")
    assert refused.exit_code == 2
    assert "holds graphs that are not the bundled ones" in refused.stderr
    assert "file/events" in refused.stderr
    fresh = run(runner, loaded, "demo", "--fresh", "--no-reason")
    assert fresh.exit_code == 0, fresh.output
    assert GRAPH["file/events"] not in _graph_iris(loaded)
    again = run(runner, loaded, "demo", "--no-reason")  # only bundled graphs now: fine
    assert again.exit_code == 0


def test_demo_with_the_real_questions(runner, tmp_path):
    result = run(runner, tmp_path / "demo", "demo")
    assert result.exit_code == 0, result.output
    for q in catalogue.load_catalogue().values():
        assert f"({q.name})" in result.stdout
    assert "Nioro du Sahel" in result.stdout


# ---- help and README


def _commands(group: click.Group, prefix: str = "ckg") -> list[tuple[str, click.Command]]:
    out = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        out.append((path, command))
        if isinstance(command, click.Group):
            out.extend(_commands(command, path))
    return out


MY_COMMANDS = [
    "ckg load",
    "ckg graphs",
    "ckg stats",
    "ckg drop",
    "ckg query",
    "ckg query list",
    "ckg query show",
    "ckg query run",
    "ckg demo",
]


@pytest.mark.parametrize(("path", "command"), _commands(cli), ids=[p for p, _ in _commands(cli)])
def test_every_command_has_help_with_an_example(runner, path, command):
    args = path.split()[1:] + ["--help"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0
    assert "Example:" in result.stdout, f"{path} --help has no Example block"


def test_my_commands_are_registered():
    assert set(MY_COMMANDS) <= {p for p, _ in _commands(cli)}


def test_every_command_appears_in_the_readme(request):
    readme = Path(request.config.rootpath) / "README.md"
    if not readme.exists():
        pytest.fail("README.md is missing")
    text = readme.read_text(encoding="utf-8")
    missing = [p for p, c in _commands(cli) if not isinstance(c, click.Group) and p not in text]
    assert missing == [], f"commands not shown in README.md: {missing}"
