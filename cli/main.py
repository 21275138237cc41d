"""The ``ckg`` command: a thin click layer over :mod:`kg`.

Each group of commands lives in its own module of this package and is registered at the
bottom of this file. Data goes to stdout, messages and progress to stderr. Exit codes:
0 ok / conforms, 1 a check failed (the report is still written), 2 usage, 3 bad input or
processing error.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from kg.cli.options import State

from kg import __version__
from kg.errors import CkgError

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CkgCommandError(click.ClickException):
    """A library error or a fault shown as one ``Error: …`` line (exit 3)."""

    exit_code = 3


class CkgCheckFailed(CkgCommandError):
    """A check failed, and nothing was written (exit 1)."""

    exit_code = 1


class CkgUsageError(CkgCommandError):
    """The command was asked for something malformed (exit 2)."""

    exit_code = 2


def command_error(message: str, exit_code: int = 3) -> CkgCommandError:
    """The click exception that prints ``Error: message`` and exits with ``exit_code``.

    click reads the exit code from the exception's class, so there is one class per code
    the library's errors carry (:mod:`kg.errors`: 1, 2 or 3; any other is 3).
    """
    for kind in (CkgCheckFailed, CkgUsageError):
        if kind.exit_code == exit_code:
            return kind(message)
    return CkgCommandError(message)


#: Commands that write the store: after each, the record of its sources is rewritten
#: (:mod:`kg.sources_record`), so that a damaged store can say what it held.
WRITING_COMMANDS = frozenset(
    {
        "load",
        "add",
        "drop",
        "demo",
        "reason",
        "extract",
        "review",
        "import acled",
        "import geonames",
        "import un-sanctions",
    }
)


def _store_dir() -> Path | None:
    ctx = click.get_current_context(silent=True)
    state = ctx.find_object(State) if ctx is not None else None
    return state.store_dir if state is not None else None


def _record_sources_after_write() -> None:
    """Rewrite the store's sources record if the running command is one that writes."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return
    path = " ".join(ctx.command_path.split()[1:])
    store_dir = _store_dir()
    if path in WRITING_COMMANDS and store_dir is not None:
        from kg.sources_record import refresh_record

        refresh_record(store_dir)


def handle_errors(func: F) -> F:
    """Turn :class:`kg.errors.CkgError` into a one-line error and its exit code.

    Any other fault (disk full, a damaged store, memory) becomes one line with what to do;
    a damaged store's line lists what it held and how to rebuild it. After a command that
    writes has succeeded, or partly succeeded (exit 1 or 4, Ctrl-C), the store's sources
    record is rewritten.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kg.errors import PARTIAL_EXIT, is_corruption

        try:
            result = func(*args, **kwargs)
        except CkgError as exc:
            if exc.exit_code == PARTIAL_EXIT:
                _record_sources_after_write()
            text = str(exc)
            if is_corruption(text) and _store_dir() is not None:
                text = _fault(exc)
            raise command_error(text, exc.exit_code) from exc
        except click.exceptions.Exit as exc:
            if exc.exit_code in (0, 1, PARTIAL_EXIT):
                _record_sources_after_write()
            raise
        except click.Abort:
            _record_sources_after_write()  # Ctrl-C may come after a commit
            raise
        except (OSError, MemoryError, RuntimeError) as exc:
            # No traceback reaches a user: disk full, a damaged store, memory (issue 19).
            raise CkgCommandError(_fault(exc)) from exc
        except Exception as exc:
            # Any other failure is a bug: one line to report; CKG_DEBUG=1 shows the traceback.
            if os.environ.get("CKG_DEBUG"):
                raise
            raise CkgCommandError(_fault(exc) + " (CKG_DEBUG=1 shows the traceback)") from exc
        _record_sources_after_write()
        return result

    return wrapper  # type: ignore[return-value]


def _fault(exc: BaseException) -> str:
    """The line for a fault: for a damaged store whose folder is known, what it held and the
    commands that rebuild it (from its sources record); else kg.errors' general line."""
    from kg.errors import fault_message, is_corruption

    store = _store_dir()
    text = " ".join(str(exc).split())[:300]
    if store is not None and is_corruption(text):
        from kg.sources_record import damage_advice

        return damage_advice(store, text)
    return fault_message(exc)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="ckg")
@click.option(
    "--store",
    "store_dir",
    metavar="DIR",
    default=lambda: os.environ.get("CKG_STORE", ".ckg"),
    show_default="$CKG_STORE or ./.ckg",
    help="Folder of the embedded store.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress or notes on stderr.")
@click.pass_context
def cli(ctx: click.Context, store_dir: str, quiet: bool) -> None:
    """conflict-kg: a knowledge graph of armed conflict, with saved questions.

    \b
    Example:
        ckg demo                      # load the bundled report, answer every question
        ckg query run towns_attacked_twice -p window 30
    """
    state = ctx.ensure_object(State)
    state.store_dir = Path(store_dir)
    state.quiet = quiet


def register() -> None:
    """Attach every command module's commands to :data:`cli`."""
    # Imported here so that a module's import error names the module, and so that the
    # order of ``ckg --help`` is the order below.
    from kg.cli import (
        commands_extract,  # noqa: F401
        commands_import,  # noqa: F401
        commands_query,  # noqa: F401
        commands_reason,  # noqa: F401
        commands_remote,  # noqa: F401
        commands_store,  # noqa: F401
        commands_validate,  # noqa: F401
        commands_viz,  # noqa: F401
    )


register()
