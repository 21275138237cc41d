"""Domain exceptions. The CLI turns each into a one-line ``Error: …`` and an exit code.

Every message says what went wrong *and* what to do; a message names the file and line,
the node, or the parameter at fault wherever one is known.
"""

from __future__ import annotations

from pathlib import Path


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


def is_corruption(text: str) -> bool:
    """Whether an error's text is RocksDB saying the store's files are damaged.

    RocksDB says "Corruption", or, for a file of its own that has gone (a MANIFEST that
    CURRENT names, an SST file the MANIFEST lists), that the file is missing.
    """
    if "Corruption" in text or "corrupt" in text.lower():
        return True
    own_file = "MANIFEST-" in text or ".sst" in text or "/CURRENT" in text
    return own_file and ("No such file" in text or "IO error" in text)


def fault_message(exc: BaseException) -> str:
    """One line, with what to do, for a fault no ckg code raised on purpose.

    Disk full, a file that cannot be read or written, a damaged RocksDB store, a store
    opened read-only, memory exhausted: the CLI shows this instead of a traceback. (For a
    damaged store whose folder it knows, the CLI says instead what
    :func:`kg.sources_record.damage_advice` says: the graphs it held and the commands
    that rebuild it. This module stays a leaf that every other one may import.)
    """
    import errno

    text = " ".join(str(exc).split())[:300]
    if isinstance(exc, MemoryError):
        return (
            "out of memory: the input is too large to handle at once; split it into smaller "
            "files, or load big files with --bulk. The store is unchanged unless a note said "
            "otherwise"
        )
    if is_corruption(text):  # before OSError: RocksDB reports some damage as I/O errors
        return (
            f"the store is damaged ({text}). Move its folder aside and rebuild it from the "
            "source files: 'ckg load --bundled' plus your files ('ckg graphs' on a backup, or "
            "the source column of an earlier 'ckg graphs -f csv', lists them)"
        )
    if isinstance(exc, OSError):
        name = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        if exc.errno == errno.ENOSPC or "No space left" in text:
            where = "" if name else " (of the store, or of the output)"
            return (
                f"{name}no space left on the device{where}: free some space and run the "
                "command again (a store write is one transaction: it either happened or not)"
            )
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"{name}permission denied ({exc.strerror or text}): check who may write there"
        return f"{name}{exc.strerror or text}: check the path and the device, then run again"
    if "read-write" in text or "read-only" in text.lower():
        return (
            "the store was opened read-only (its files cannot be written): reading works, "
            "writing does not; copy the store folder somewhere writable to change it"
        )
    return f"internal error ({type(exc).__name__}: {text}); please report it with the command"


def undecodable_text(
    path: str | Path, encoding: str = "utf-8", remedy: str | None = None
) -> InputError:
    """The error for a file that is not text in ``encoding``: where, which bytes, what to do.

    ``remedy`` replaces the advice to give ``--encoding`` (for readers without that option).

    The file is scanned line by line to name the first line that does not decode, the
    byte offset in the file, the bytes themselves and how they read in the encodings such
    files usually have (Windows-1252, Latin-1), so the message can say which one to give.
    """
    import codecs

    name = codecs.lookup(encoding).name
    shown = "UTF-8" if name.startswith("utf-8") else name
    line_no, offset = 0, 0
    try:
        with open(path, "rb") as handle:
            for line_no, raw in enumerate(handle, start=1):
                try:
                    raw.decode(name)
                except UnicodeDecodeError as exc:
                    bad = raw[exc.start : exc.end]
                    readings = []
                    for other in ("cp1252", "latin-1"):
                        try:
                            readings.append(f"{raw[: exc.end].decode(other)[-1]!r} in {other}")
                        except UnicodeDecodeError:
                            continue
                    reads = f" (read as {' or '.join(readings)})" if readings else ""
                    column = len(raw[: exc.start].decode(name, errors="replace")) + 1
                    guess = "cp1252" if readings and readings[0].endswith("cp1252") else "latin-1"
                    todo = remedy or (
                        "Give the file's encoding with --encoding (a Windows or Excel export "
                        f"is usually --encoding {guess}), or re-save the file as UTF-8"
                    )
                    return InputError(
                        f"not {shown} text: byte(s) {bad.hex(' ')}{reads} at column {column}, "
                        f"byte offset {offset + exc.start} of the file. {todo}; nothing of "
                        "this file was imported",
                        path=str(path),
                        line=line_no,
                    )
                offset += len(raw)
    except OSError as exc:
        return InputError(f"cannot read the file: {exc.strerror or exc}", path=str(path))
    return InputError(
        f"not {shown} text; {remedy or 'give its encoding with --encoding'}", path=str(path)
    )
