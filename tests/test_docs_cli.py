"""docs/cli.md is the ``--help`` of every command, and cannot fall behind the code.

The page is generated (``python -m kg.cli.reference``); these tests fail when a command,
an option or a help text changed and the page was not rewritten, and say how to rewrite it.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
from kg.cli.main import cli
from kg.cli.reference import REGENERATE, reference

PAGE = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_docs_cli_md_is_the_help_of_every_command():
    assert PAGE.read_text(encoding="utf-8") == reference(), (
        f"docs/cli.md is out of date with the commands' --help: run `{REGENERATE}`"
    )


def _every_command(group: click.Group, path: tuple[str, ...] = ("ckg",)):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _every_command(command, (*path, name))


def test_every_command_has_its_section_and_an_example_on_the_page():
    # Found by walking click's own tree, not by reading the generator's list.
    page = PAGE.read_text(encoding="utf-8")
    sections = dict(
        re.findall(r"^## (ckg[\w -]*)\n\n```text\n(.*?)^```$", page, re.MULTILINE | re.DOTALL)
    )
    commands = [" ".join(path) for path, command in _every_command(cli) if not command.hidden]
    assert len(commands) >= 20
    for name in commands:
        assert name in sections, f"{name} has no section in docs/cli.md: run `{REGENERATE}`"
        assert f"Usage: {name} " in sections[name]
        assert "Example" in sections[name], f"{name}: its --help shows no example"


def test_the_page_shows_what_a_user_gets_from_help(runner):
    # The same text the terminal shows, at the page's width of 100 columns.
    result = runner.invoke(cli, ["query", "run", "--help"], prog_name="ckg", terminal_width=100)
    assert result.exit_code == 0
    page = PAGE.read_text(encoding="utf-8")
    section = page.split("## ckg query run\n\n```text\n", 1)[1].split("```", 1)[0]
    assert section.strip() == result.output.strip()
