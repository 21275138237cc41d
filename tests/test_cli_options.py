"""The options several commands share read and behave the same on each (kg.cli.options)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from kg.cli.main import cli

from kg.embedded import open_store

#: Options whose help says what the command makes of them (the file -o writes, the formats
#: -f offers, where --graph puts triples without it), or that only share a name with
#: another command's option (see the docstring of kg.cli.options).
OWN_WORDS = {"--output", "--format", "--graph", "--engine", "--no-validate", "--endpoint"}
OWN_WORDS |= {"--report", "--all-events", "--encoding", "--reason"}


def _commands(group: click.Group, path: str = "ckg") -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            yield from _commands(command, f"{path} {name}")
        else:
            yield f"{path} {name}", command


def test_an_option_shared_by_name_reads_the_same_on_every_command():
    helps: dict[str, dict[str, str | None]] = {}
    for path, command in _commands(cli):
        for param in command.params:
            if isinstance(param, click.Option):
                helps.setdefault(param.opts[-1], {})[path] = param.help
    shared = {name: by for name, by in helps.items() if len(by) > 1}
    # The shared options the house has; a new one joins kg.cli.options, not a command module.
    assert {"--store", "--param", "--as-of", "--no-inferred", "--strict"} <= set(shared)
    for name, by in shared.items():
        if name in OWN_WORDS:
            continue
        assert len(set(by.values())) == 1, f"{name} reads differently: {by}"


def test_a_parameter_given_twice_is_the_same_usage_error_everywhere(
    runner, tmp_path, bundled_store_dir
):
    store = str(bundled_store_dir)
    for args in (
        ["query", "run", "towns_attacked_twice"],
        ["export", "towns_attacked_twice", "-f", "csv"],
        ["map", "towns_attacked_twice", "-o", str(tmp_path / "m.html")],
    ):
        result = runner.invoke(
            cli, ["--store", store, *args, "-p", "window", "30", "-p", "window", "40"]
        )
        assert result.exit_code == 2, (args, result.output)
        assert "parameter window is given twice" in result.output, args


@pytest.mark.parametrize("empty", ["", " ", "<>", "ckggraph:", "/"])
def test_an_empty_graph_name_is_a_usage_error_and_writes_nothing(runner, tmp_path, empty):
    data = tmp_path / "x.nt"
    data.write_text('<http://example.org/a> <http://example.org/p> "x" .\n', encoding="utf-8")
    store = tmp_path / "store"
    for args in (["load", str(data)], ["add", str(data)]):
        result = runner.invoke(cli, ["--store", str(store), *args, "--graph", empty])
        assert result.exit_code == 2, (args, result.output)
        assert "Invalid value for '--graph'" in result.output
    assert not store.exists()


def test_a_graph_is_named_the_same_way_by_load_and_by_replace_graph(runner, tmp_path):
    data = tmp_path / "x.nt"
    data.write_text('<http://example.org/a> <http://example.org/p> "x" .\n', encoding="utf-8")
    store = tmp_path / "store"
    base = ["--store", str(store), "load", str(data), "--no-validate"]
    assert runner.invoke(cli, [*base, "--graph", "file/mine"]).exit_code == 0
    # The same graph, named in another spelling, is another source's graph: refused...
    other = tmp_path / "y.nt"
    other.write_text('<http://example.org/b> <http://example.org/p> "y" .\n', encoding="utf-8")
    again = ["--store", str(store), "load", str(other), "--no-validate"]
    refused = runner.invoke(cli, [*again, "--graph", "<ckggraph:file/mine>"])
    assert refused.exit_code == 2, refused.output
    # ...unless --replace-graph names it, in any of the spellings.
    full = "https://w3id.org/conflict-kg/graph/file/mine"
    replaced = runner.invoke(cli, [*again, "--graph", f"<{full}>", "--replace-graph", "file/mine"])
    assert replaced.exit_code == 0, replaced.output
    s = open_store(Path(store), create=False)
    try:
        graphs = {str(i.iri): i.triples for i in s.graphs()}
    finally:
        s.close()
    assert graphs.get(full) == 1


def test_no_command_module_imports_another():
    # Shared options live in kg.cli.options, shared helpers in kg.cli.context (the house
    # rule of sqlite-utils): a command module that reached into another would tie the two.
    import ast

    import kg.cli

    folder = Path(kg.cli.__path__[0])
    for path in sorted(folder.glob("commands_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                others = [n for n in names if n.startswith("kg.cli.commands_")]
                assert not others, f"{path.name} imports {others}"
