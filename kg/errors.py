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


def fault_message(exc: BaseException) -> str:
    """One line, with what to do, for a fault no ckg code raised on purpose.

    Disk full, a file that cannot be read or written, a damaged RocksDB store, a store
    opened read-only, memory exhausted: the CLI shows this instead of a traceback.
    """
    import errno

    text = " ".join(str(exc).split())[:300]
    if isinstance(exc, MemoryError):
        return (
            "out of memory: the input is too large to handle at once; split it into smaller "
            "files, or load big files with --bulk. The store is unchanged unless a note said "
            "otherwise"
        )
    if isinstance(exc, OSError):
        name = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        if exc.errno == errno.ENOSPC or "No space left" in text:
            return (
                f"{name}no space left on the device: free some space and run the command "
                "again (a store write is one transaction: it either happened or not)"
            )
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"{name}permission denied ({exc.strerror or text}): check who may write there"
        return f"{name}{exc.strerror or text}: check the path and the device, then run again"
    if "Corruption" in text or "corrupt" in text.lower():
        return (
            f"the store is damaged ({text}). Move its folder aside and rebuild it from the "
            "source files: 'ckg load --bundled' plus your files ('ckg graphs' on a backup, or "
            "the source column of an earlier 'ckg graphs -f csv', lists them)"
        )
    if "read-write" in text or "read-only" in text.lower():
        return (
            "the store was opened read-only (its files cannot be written): reading works, "
            "writing does not; copy the store folder somewhere writable to change it"
        )
    return f"internal error ({type(exc).__name__}: {text}); please report it with the command"
