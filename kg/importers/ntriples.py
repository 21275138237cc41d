"""A buffered writer of an importer's N-Triples lines to a temporary file.

The lines' terms are written by :mod:`kg.rdfio.ntriples`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO


class NTriplesFile:
    """Collects N-Triples lines in a file, buffering writes; counts the triples."""

    def __init__(self, path: Path, *, buffer_lines: int = 20_000) -> None:
        self.path = path
        self._out: TextIO = path.open("w", encoding="utf-8", newline="\n")
        self._buffer: list[str] = []
        self._limit = buffer_lines
        self.count = 0

    def add(self, s: str, p: str, o: str) -> None:
        """Add one triple given as N-Triples terms."""
        self._buffer.append(f"{s} {p} {o} .\n")
        if len(self._buffer) >= self._limit:
            self.flush()

    def extend(self, lines: list[str]) -> None:
        """Add complete lines (each ending with `` .\\n``)."""
        self._buffer.extend(lines)
        if len(self._buffer) >= self._limit:
            self.flush()

    def flush(self) -> None:
        """Write the buffer to the file."""
        if self._buffer:
            self.count += len(self._buffer)
            chunk = "".join(self._buffer)
            self._out.write(chunk)
            self._buffer.clear()

    def close(self) -> int:
        """Flush and close; returns the number of triples written."""
        self.flush()
        self._out.close()
        return self.count
