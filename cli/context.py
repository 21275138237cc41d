"""What every command gets from its click context: the store it names, and stderr.

The group's options (``--store``, ``-q``) leave a :class:`~kg.cli.options.State` in
``ctx.obj``; these helpers read it, so that no command module opens the store or speaks
on stderr in a way of its own, and none imports them from another command module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from kg.cli.options import State

from kg.errors import InputError
from kg.store import Store


def note(ctx: click.Context, message: str) -> None:
    """A progress line or note on stderr, unless ``ckg -q``."""
    if not ctx.ensure_object(State).quiet:
        click.echo(message, err=True)


def warn(message: str) -> None:
    """A warning on stderr, even with ``-q``."""
    click.echo(f"warning: {message}", err=True)


def write_output(ctx: click.Context, text: str, output: Path | None, what: str) -> None:
    """Write ``text`` to stdout, or to ``output`` with a note saying so."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", path=str(output)) from exc
    note(ctx, f"wrote {what} to {output}")


def open_store(ctx: click.Context, *, create: bool = True) -> Store:
    """The embedded store of ``--store``; the caller closes it. Without ``create`` a
    missing store is an error (a reading command would only hide a mistyped --store)."""
    from kg.embedded import open_store as open_embedded

    return open_embedded(ctx.ensure_object(State).store_dir, create=create)


@contextmanager
def opened_store(
    ctx: click.Context, endpoint: str | None = None, *, create: bool = True
) -> Iterator[Store]:
    """The embedded store of ``--store`` (or the server at ``endpoint``), closed afterwards."""
    if endpoint:
        from kg.remote import connect  # imported here: only remote users pay for it

        store: Store = connect(endpoint)
    else:
        store = open_store(ctx, create=create)
    try:
        yield store
    finally:
        store.close()
