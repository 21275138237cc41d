"""Importers for real data: ACLED exports, the GeoNames gazetteer, the UN sanctions list.

Every importer works the same way:

1. It reads its file row by row and maps each row to triples written as N-Triples text
   into a temporary file (never rdflib ``Graph.add`` per triple: a million ACLED rows are
   about thirty million triples). Names are resolved with :mod:`kg.resolve`; what does not
   resolve becomes a new node and is recorded as unresolved.
2. A malformed row is rejected with its line number and the reason; the other rows go on.
   With ``strict=True`` a single rejected row refuses the whole file and nothing is written.
3. The file's triples replace one named graph, ``graph/import/<kind>/<file-stem>``, in one
   call to the store (:func:`kg.importers.writing.write_graph`); importing the same file
   again replaces that graph, nothing else.

The outcome of each file is an :class:`ImportSummary`: rows read, events or places or
entities written, new nodes, unresolved names (with their closest candidates when asked),
rejected rows with reasons, triples and timings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kg.resolve import Candidate


@dataclass(frozen=True)
class Rejection:
    """A row that was not imported: where it is and why."""

    line: int
    reason: str


@dataclass
class Unresolved:
    """A name that resolved to no known node and became (or joined) a new node."""

    kind: str  # "actor" or "place"
    name: str
    new_iri: str
    rows: int = 0
    candidates: tuple[Candidate, ...] = ()
    context: str = ""


@dataclass(frozen=True)
class PlaceMerge:
    """A location taken as a place already met: same name, same admin1, a few km apart."""

    name: str
    context: str  # the admin units this row coded it under
    iri: str  # the place it joined
    km: float


@dataclass(frozen=True)
class Progress:
    """How far an import is, for a progress line on stderr."""

    path: str
    rows: int
    done_bytes: int
    total_bytes: int
    elapsed: float
    phase: str = "reading"

    @property
    def rows_per_second(self) -> float:
        """Rows read per second so far."""
        return self.rows / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left at the current pace, from the share of the file read."""
        if self.done_bytes <= 0 or self.total_bytes <= 0 or self.elapsed <= 0:
            return None
        return self.elapsed * (self.total_bytes - self.done_bytes) / self.done_bytes


ProgressCallback = Callable[[Progress], None]


@dataclass
class ImportSummary:
    """What importing one file did (or would have done, when it was refused)."""

    kind: str
    path: str
    graph: str
    layout: str = ""
    rows_read: int = 0
    records: int = 0  # events, places or listed entities written
    new_places: int = 0
    new_actors: int = 0
    resolved_places: int = 0
    resolved_actors: int = 0
    unresolved: list[Unresolved] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    triples: int = 0
    written: bool = False
    refused: bool = False
    seconds_reading: float = 0.0
    seconds_writing: float = 0.0
    notes: list[str] = field(default_factory=list)
    #: said even with --quiet: something the user must know about the data (no attacks)
    warnings: list[str] = field(default_factory=list)
    attacks: int = 0  # events that are attacks (ACLED)
    merged_rows: int = 0  # rows of an actor-based file that joined an earlier row's event
    place_merges: list[PlaceMerge] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        """Wall-clock seconds of the whole import."""
        return self.seconds_reading + self.seconds_writing

    @property
    def triples_per_second(self) -> float:
        """End-to-end throughput (reading, mapping and writing)."""
        return self.triples / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        """The summary as short lines for stderr."""
        what = {"acled": "events", "geonames": "places", "un-sanctions": "entities"}.get(
            self.kind, "records"
        )
        head = f"{self.path}: "
        if self.refused:
            head += f"REFUSED (--strict: {len(self.rejected)} rejected row(s)); its graph untouched"
        elif self.written:
            head += f"graph <{self.graph}> replaced"
        else:
            head += "nothing written"
        out = [head]
        if self.layout:
            out.append(f"  layout: {self.layout}")
        kept = "" if self.written else " (not written)"
        out.append(
            f"  rows read: {self.rows_read}; {what}: {self.records}{kept}; triples: {self.triples}"
        )
        if self.kind == "acled":
            out.append(f"  attacks: {self.attacks} of the {self.records} events")
            if self.merged_rows:
                out.append(
                    f"  actor rows: {self.merged_rows} row(s) added an actor to an event of an"
                    " earlier row"
                )
            out.append(
                f"  places: {self.resolved_places} resolved to known places, {self.new_places} new;"
                f" actors: {self.resolved_actors} resolved to known actors, {self.new_actors} new"
            )
            if self.place_merges:
                joined = len({m.iri for m in self.place_merges})
                out.append(
                    f"  places merged: {len(self.place_merges)} coding(s) of {joined} place(s) under"
                    " other admin units, a few km apart (--report lists them)"
                )
        out.append(
            f"  unresolved names: {len(self.unresolved)}"
            + (
                f" ({'kept' if self.written else 'would be kept'} as new nodes; --report lists"
                " them with their closest candidates)"
                if self.unresolved
                else ""
            )
        )
        out.append(f"  rows rejected: {len(self.rejected)}")
        for rejection in self.rejected[:20]:
            out.append(f"    line {rejection.line}: {rejection.reason}")
        if len(self.rejected) > 20:
            out.append(f"    … and {len(self.rejected) - 20} more (see --report)")
        for note in self.notes:
            out.append(f"  note: {note}")
        for warning in self.warnings:
            out.append(f"  WARNING: {warning}")
        if self.written and self.seconds > 0:
            out.append(
                f"  time: {self.seconds:.2f} s (read+map {self.seconds_reading:.2f} s,"
                f" write {self.seconds_writing:.2f} s); {self.triples_per_second:,.0f} triples/s"
            )
        return out

    def report_lines(self) -> list[str]:
        """Every unresolved name with its closest candidates, and every rejected row."""
        out = [f"# {self.path}"]
        if not self.unresolved:
            out.append("no unresolved names")
        for item in sorted(self.unresolved, key=lambda u: (u.kind, u.name.casefold())):
            where = f" [{item.context}]" if item.context else ""
            # An actor met only inside compound names ("A and/or B") is named by no row.
            rows = (
                f"{item.rows} row(s)" if item.rows else "no row names it alone: in a compound name"
            )
            out.append(
                f"unresolved {item.kind}: {item.name!r}{where} ({rows})"
                f" -> new node <{item.new_iri}>"
            )
            if not item.candidates:
                out.append("    no candidate")
            for candidate in item.candidates:
                out.append(
                    f"    candidate <{candidate.iri}> {candidate.label!r}"
                    f" score {candidate.score:.2f}"
                    + (f" ({candidate.note})" if candidate.note else "")
                )
        for merge in self.place_merges:
            out.append(
                f"merged place: {merge.name!r} [{merge.context}] -> <{merge.iri}>"
                f" ({merge.km:.1f} km away)"
            )
        for rejection in self.rejected:
            out.append(f"rejected line {rejection.line}: {rejection.reason}")
        return out
