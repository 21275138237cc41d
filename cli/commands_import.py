"""``ckg import acled|geonames|un-sanctions``: real data files into the store, with resolution.

Thin over :mod:`kg.importers`. Each file goes into its own graph under
``graph/import/<kind>/<file-stem>``; importing it again replaces that graph. Progress and
the summary go to stderr; ``--report`` writes the unresolved names with their closest
candidates, and every rejected row, to stdout. Exit codes: 0 imported; 1 imported, but
some rows were rejected (they are listed); 2 usage; 3 a file is not what the command reads,
or ``--strict`` refused it (the store is untouched), or the store failed; 4 partial
success: a file failed after earlier files of the same call were committed (the message
names each).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import click
from kg.cli.context import open_store
from kg.cli.main import cli, handle_errors
from kg.cli.options import State, allow_empty_option, store_option, strict_option

from kg.importers import ImportSummary, Progress
from kg.store import Store


def _progress(ctx: click.Context) -> Callable[[Progress], None] | None:
    """A progress printer for stderr, or None with ``--quiet``."""
    if ctx.ensure_object(State).quiet:
        return None
    interactive = sys.stderr.isatty()
    last = [0.0]

    def show(p: Progress) -> None:
        now = time.monotonic()
        if p.phase == "reading" and now - last[0] < (0.5 if interactive else 5.0):
            return
        last[0] = now
        name = Path(p.path).name
        if p.phase == "writing":
            text = f"{name}: {p.rows:,} rows read; writing the graph…"
        else:
            share = 100.0 * p.done_bytes / p.total_bytes if p.total_bytes else 100.0
            eta = p.eta_seconds
            text = (
                f"{name}: {p.rows:,} rows, {p.rows_per_second:,.0f} rows/s, {share:.0f}% read"
                + (f", ETA {eta:.0f} s" if eta is not None and p.phase == "reading" else "")
            )
        if interactive:
            click.echo("\r" + text.ljust(78), err=True, nl=p.phase != "reading")
        else:
            click.echo(text, err=True)

    return show


def _finish(ctx: click.Context, summaries: list[ImportSummary], report: bool) -> None:
    """Print summaries (stderr) and the report (stdout); exit 1 or 3 when rows were rejected."""
    quiet = ctx.ensure_object(State).quiet
    for summary in summaries:
        # Rejected rows and warnings are never silent, not even with --quiet.
        if not quiet or summary.refused or summary.rejected or summary.warnings:
            for line in summary.lines():
                click.echo(line, err=True)
        if report:
            for line in summary.report_lines():
                click.echo(line)
    if any(s.refused for s in summaries):
        written = [s for s in summaries if s.written]
        if written:
            from kg.errors import PARTIAL_EXIT

            done = "; ".join(f"{s.path} -> <{s.graph}>" for s in written)
            refused = ", ".join(str(s.path) for s in summaries if s.refused)
            click.echo(
                f"Partial import: refused {refused} (its graph untouched), but committed: {done}",
                err=True,
            )
            ctx.exit(PARTIAL_EXIT)
        ctx.exit(3)
    if any(s.rejected for s in summaries):
        ctx.exit(1)


def _has_rows(path: Path) -> bool:
    """Whether a CSV file has a data row after its header (an HXL hashtag row aside)."""
    import csv

    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue
            if all(cell.lstrip().startswith("#") for cell in row if cell.strip()):
                continue  # an HXL hashtag row (HDX exports), or a comment
            return True
    return False


def _refuse_empty(store: Store, files: tuple[Path, ...]) -> None:
    """Refuse a header-only file, above all one that would empty a graph (issues 18, 19.3)."""
    from kg.errors import InputError
    from kg.importers.acled import graph_for

    counts = {str(i.iri): i.triples for i in store.graphs()}
    for f in files:
        graph = str(graph_for(f))
        if f.stat().st_size == 0 or _has_rows(f):
            continue  # an empty file is refused by the importer, with its own message
        if counts.get(graph):
            raise InputError(
                f"has a header but no rows, and would replace graph <{graph}> "
                f"({counts[graph]:,} triples) with nothing: refused, nothing was imported. "
                "Check the file, give --allow-empty to empty the graph, or 'ckg drop' it",
                path=str(f),
            )
        raise InputError(
            "has a header but no rows: there is nothing to import, and no graph was made; "
            "nothing was imported. Check the file (an export cut short?), or give "
            "--allow-empty to record it as an empty source",
            path=str(f),
            line=1,
        )


def _each_file(
    ctx: click.Context,
    store: Store,
    files: tuple[Path, ...],
    run: Callable[[Path], list[ImportSummary]],
    graph_for: Callable[[Path], str] | None = None,
) -> list[ImportSummary]:
    """Import ``files`` one by one; on a failure after a commit, say what was committed.

    Exit code 4 (:data:`kg.errors.PARTIAL_EXIT`) when some files were committed and a later
    one failed: the message names the failed file and each committed file and graph.
    ``graph_for`` names a file's graph (the ACLED importer's by default).
    """
    from kg.errors import PARTIAL_EXIT, CkgError
    from kg.importers.acled import graph_for as acled_graph

    graph_of = graph_for or acled_graph
    graphs: dict[str, Path] = {}
    for f in files:
        # The collision check the importer makes over all its files, made up front.
        other = graphs.setdefault(str(graph_of(f)), f)
        if other != f:
            from kg.errors import UsageError

            raise UsageError(
                f"{other} and {f} would both go into the graph <{graph_of(f)}> "
                "(a file's graph is named after its file name); rename one of them"
            )
    summaries: list[ImportSummary] = []
    for f in files:
        try:
            summaries.extend(run(f))
        except CkgError as exc:
            written = [s for s in summaries if s.written]
            if not written:
                raise
            from kg.loading import mark_inferred_stale

            if mark_inferred_stale(store):
                summaries[-1].notes.append(
                    "the inferred graph is now stale: run 'ckg reason' to recompute it"
                )
            quiet = ctx.ensure_object(State).quiet
            for summary in summaries:
                if not quiet:
                    for line in summary.lines():
                        click.echo(line, err=True)
            done = "; ".join(f"{s.path} -> <{s.graph}> ({s.triples:,} triples)" for s in written)
            left = [str(g) for g in files[files.index(f) + 1 :]]
            rest = f"; not tried: {', '.join(left)}" if left else ""
            click.echo(f"Error: {exc}", err=True)
            click.echo(
                f"Partial import: {f} was not imported, but these were committed: {done}{rest}",
                err=True,
            )
            ctx.exit(PARTIAL_EXIT)
    return summaries


@cli.group("import")
def import_group() -> None:
    """Import real data: ACLED exports, the GeoNames gazetteer, the UN sanctions list.

    Names are resolved to the graph's own nodes (JNIM, Kayes, Boulkessi…) through the
    curated alias table and the labels already in the store; what does not resolve is kept
    as a new node and listed by --report with its closest candidates.

    \b
    Example:
        ckg import geonames ../shared/data/geonames-ML.txt
        ckg import acled export.csv --report > unresolved.txt
    """


@import_group.command("acled")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@strict_option
@click.option(
    "--report",
    is_flag=True,
    help="Write unresolved names with their closest candidates, and rejected rows, to stdout.",
)
@allow_empty_option
@click.option(
    "--encoding",
    default="utf-8-sig",
    show_default="UTF-8, with or without a byte-order mark",
    metavar="NAME",
    help="The files' text encoding, e.g. cp1252 or latin-1 for a re-saved export.",
)
@store_option
@click.pass_context
@handle_errors
def import_acled_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    strict: bool,
    report: bool,
    allow_empty: bool = False,
    encoding: str = "utf-8-sig",
) -> None:
    """Import ACLED export files (current, HDX or legacy layout), one graph per file.

    Each row becomes an event (event/acled/<event_id_cnty>) typed from its event and
    sub-event type, dated as an interval from time_precision, with its actors, its place,
    fatalities, and its notes as the passage of a claim. A malformed row is rejected with
    its line number and reason and the rest imported (exit 1); with --strict the file is
    refused and the store left as it was (exit 3).

    \b
    Example:
        ckg import acled mali-2024.csv niger-2024.csv
        ckg import acled --strict --report export.csv
        ckg import acled --encoding cp1252 resaved-in-excel.csv
    """
    from kg.importers.acled import import_acled
    from kg.loading import mark_inferred_stale

    store = open_store(ctx)
    try:
        if not allow_empty:
            _refuse_empty(store, files)
        # One file at a time, so that a file failing after others were committed is
        # reported as a partial success (issue 19.3), not as "nothing was imported".
        summaries = _each_file(
            ctx,
            store,
            files,
            lambda f: import_acled(
                store,
                [f],
                strict=strict,
                report=report,
                progress=_progress(ctx),
                encoding=encoding,
            ),
        )
        if any(s.written for s in summaries) and mark_inferred_stale(store):
            summaries[-1].notes.append(
                "the inferred graph is now stale: run 'ckg reason' to recompute it"
            )
    finally:
        store.close()
    _finish(ctx, summaries, report)


@import_group.command("geonames")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@strict_option
@click.option("--report", is_flag=True, help="Write rejected rows to stdout.")
@store_option
@click.pass_context
@handle_errors
def import_geonames_command(
    ctx: click.Context, files: tuple[Path, ...], strict: bool, report: bool
) -> None:
    """Import GeoNames dumps (the 19 standard columns) as places with alternate names.

    Every row becomes place/geonames/<geonameid>: countries, regions (ADM1), cercles
    (ADM2), towns and villages, sites and natural features, located in their admin
    divisions, with coordinates, population and the row itself as the passage of a claim.
    Each file is its own graph; a file failing after others were committed is exit 4.

    \b
    Example:
        ckg import geonames ../shared/data/geonames-ML.txt
        ckg import geonames ML.txt BF.txt NE.txt
    """
    from kg.importers.geonames import graph_for, import_geonames
    from kg.loading import mark_inferred_stale

    store = open_store(ctx)
    try:
        summaries = _each_file(
            ctx,
            store,
            files,
            lambda f: [import_geonames(store, f, strict=strict, progress=_progress(ctx))],
            graph_for,
        )
        if any(s.written for s in summaries) and mark_inferred_stale(store):
            summaries[-1].notes.append(
                "the inferred graph is now stale: run 'ckg reason' to recompute it"
            )
    finally:
        store.close()
    _finish(ctx, summaries, report)


@import_group.command("un-sanctions")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@strict_option
@click.option(
    "--report",
    is_flag=True,
    help="Write the entries that resolved to no known node, with candidates, to stdout.",
)
@store_option
@click.pass_context
@handle_errors
def import_sanctions_command(
    ctx: click.Context, files: tuple[Path, ...], strict: bool, report: bool
) -> None:
    """Import the UN Security Council consolidated sanctions list (XML).

    Groups and people become actors with their aliases, reference numbers and listing
    dates, matched to known nodes by reference number (and, for groups, by name); roles
    and mergers the comments state in unambiguous forms become memberships and lineage.
    Each file is its own graph; a file failing after others were committed is exit 4.

    \b
    Example:
        ckg import un-sanctions ../shared/data/un-isil-al-qaida-sanctions-list-2024-06-07.xml
    """
    from kg.importers.sanctions import graph_for, import_sanctions
    from kg.loading import mark_inferred_stale

    store = open_store(ctx)
    try:
        summaries = _each_file(
            ctx,
            store,
            files,
            lambda f: [import_sanctions(store, f, strict=strict, report=report)],
            graph_for,
        )
        if any(s.written for s in summaries) and mark_inferred_stale(store):
            summaries[-1].notes.append(
                "the inferred graph is now stale: run 'ckg reason' to recompute it"
            )
    finally:
        store.close()
    _finish(ctx, summaries, report)
