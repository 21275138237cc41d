"""Domain exceptions. The CLI turns each into a one-line ``Error: …`` and an exit code.

Every message says what went wrong *and* what to do; a message names the file and line,
the node, or the parameter at fault wherever one is known.
"""

from __future__ import annotations


class CkgError(Exception):
    """Base of every error the library raises on purpose (CLI exit code 3)."""

    exit_code = 3


class UsageError(CkgError):
    """The caller asked for something malformed: a missing or mistyped parameter (exit 2)."""

    exit_code = 2


class InputError(CkgError):
    """A source could not be read or parsed; ``path`` and ``line`` say where."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)
        self.path = path
        self.line = line


class StoreError(CkgError):
    """The store folder is not a store, is locked by another process, or failed to write."""


class QueryError(CkgError):
    """A saved question is unknown, or a query failed to parse or run."""


class RemoteError(CkgError):
    """A SPARQL server could not be reached, refused a request, or gave a partial answer."""


class TruncatedAnswer(RemoteError):
    """The server's answer stopped at its row cap, so it is probably cut."""


class GateError(CkgError):
    """The gate refused a batch or file (an ontology change, say); nothing was written (exit 1)."""

    exit_code = 1


#: Exit code of a command that committed some of its inputs and refused others; the
#: report names which (``ckg import`` with several files, say).
PARTIAL_EXIT = 4
