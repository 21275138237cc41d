"""The CLI reference page, written from the ``--help`` of every command.

``docs/cli.md`` is this module's output, never edited by hand; a test compares the two
and names the command that rewrites the page when they differ::

    .venv/bin/python -m kg.cli.reference > docs/cli.md

The help is rendered at a fixed width so the page does not depend on the terminal of
whoever regenerates it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import click
from kg.cli.main import cli

WIDTH = 100
REGENERATE = ".venv/bin/python -m kg.cli.reference > docs/cli.md"

HEADER = f"""# Command reference

<!-- Generated from the --help of every command: do not edit by hand.
Rewrite it with `{REGENERATE}`; tests/test_docs_cli.py fails when it is out of date. -->

Every `ckg` command and its options, as `--help` prints them. The guides in this folder
show the commands at work; this page is the complete list.
"""


def _commands(
    command: click.Command, path: list[str], parent: click.Context | None
) -> Iterator[tuple[list[str], click.Context]]:
    """Each command with its context, depth first, subcommands in the order of ``--help``."""
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    ctx = command.context_class(command, info_name=path[-1], parent=parent, **settings)
    yield path, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            yield from _commands(sub, [*path, name], ctx)


def anchor(path: list[str]) -> str:
    """The heading anchor GitHub gives ``## ckg query run``."""
    return "-".join(path)


def reference() -> str:
    """The whole page: a table of contents, then each command's help in a code block."""
    entries = list(_commands(cli, ["ckg"], None))
    out = [HEADER]
    for path, ctx in entries:
        depth = "  " * (len(path) - 1)
        summary = ctx.command.get_short_help_str(limit=80)
        out.append(f"{depth}- [`{' '.join(path)}`](#{anchor(path)}): {summary}")
    out.append("")
    for path, ctx in entries:
        out.append(f"## {' '.join(path)}")
        out.append("")
        out.append("```text")
        out.append(ctx.get_help().rstrip())
        out.append("```")
        out.append("")
    return "\n".join(out)


def main() -> None:
    """Print the page on stdout."""
    sys.stdout.write(reference())


if __name__ == "__main__":
    main()
