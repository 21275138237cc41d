"""``ckg validate`` and ``ckg add``: check data against the shapes; add it only if it conforms.

Thin over :mod:`kg.validation`. The report goes to stdout (text, table, json or turtle);
progress and the verdict to stderr. Exit codes: 0 conforms / added; 1 the data does not
conform (the report is still written; ``ckg add`` wrote nothing); 2 usage; 3 a file could
not be parsed, or the store failed (nothing written).
"""

from __future__ import annotations

from pathlib import Path

import click
from kg.cli.context import open_store
from kg.cli.main import cli, handle_errors
from kg.cli.options import (
    State,
    allow_ontology_option,
    graph_option,
    reason_option,
    report_options,
    store_option,
)

from kg.axioms import batch_future_dates, check_change, guard_batch
from kg.dedup import drop_present
from kg.store import Store
from kg.terms import INFERRED_GRAPH
from kg.validation import (
    ENGINES,
    SEVERITIES,
    Batch,
    Report,
    commit_batch,
    parse_batch,
    validate_batch,
    validate_store,
)

#: What ``--graph`` of validate and add means when it is not given.
GRAPH_REQUIRED_WITHOUT_TRIG = "Without it every triple must be inside a GRAPH block of a TriG file."


def _emit(report: Report, fmt: str, always: bool) -> None:
    if always or report.results or fmt in ("json", "turtle"):
        click.echo(report.render(fmt), nl=False)


def _verdict(report: Report, fail_on: str) -> str:
    counts = report.counts()
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in SEVERITIES if counts[s]]
    text = ", ".join(parts) if parts else "no results"
    if counts["preexisting"]:
        text += f" (+{counts['preexisting']} pre-existing, not blocking)"
    return text


@cli.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@report_options
@graph_option(GRAPH_REQUIRED_WITHOUT_TRIG)
@allow_ontology_option
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="auto",
    show_default=True,
    help="How the whole store is checked: sparql (the shapes as SPARQL on the store, "
    "seconds at 100k events), pyshacl (the reference, minutes), auto (sparql unless "
    "--inference or a remote store needs pyshacl).",
)
@store_option
@click.pass_context
@handle_errors
def validate_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    inference: str,
    fmt: str,
    fail_on: str,
    graph: str | None,
    allow_ontology: bool = False,
    engine: str = "auto",
) -> None:
    """Check the store, or FILES in the context of the store, against the SHACL shapes.

    Without FILES, every asserted graph of the store is checked (the inferred and meta
    graphs are not). With FILES, they are checked together with the part of the store
    they touch, exactly as `ckg add` would, and nothing is written. The text report
    groups results by shape and names each offending node by its label, the value, the
    source graph and passage, and what to do. Exit 0 conforms, 1 does not (the report is
    still printed), 3 a file could not be parsed. The whole store is checked with the
    shapes run as SPARQL on the store (same results as pySHACL); progress, one line per
    shape, goes to stderr.

    \b
    Example:
        ckg validate                              # the whole store
        ckg validate --engine pyshacl             # the same, with the reference engine
        ckg validate new-report.trig              # a batch, in context, writes nothing
        ckg validate -f json --fail-on warning
        ckg validate corrections.ttl --graph https://w3id.org/conflict-kg/graph/doc/corrections
    """
    state = ctx.ensure_object(State)
    batch = parse_batch(list(files), graph) if files else None
    if batch is not None:
        guard_batch(batch, allow_ontology)
        for message in batch_future_dates(batch):
            click.echo(f"warning: {message}", err=True)
    store = open_store(ctx, create=False)
    try:
        if batch:
            report = validate_batch(store, batch, inference)
        else:
            say = None if state.quiet else (lambda line: click.echo(line, err=True))
            report = validate_store(store, inference, engine=engine, progress=say)
    finally:
        store.close()
    _emit(report, fmt, always=True)
    failed = report.failed(fail_on)
    if not state.quiet:
        what = "batch" if batch else "store"
        status = "does not conform" if failed else "conforms"
        click.echo(
            f"validate: the {what} {status} ({_verdict(report, fail_on)}; "
            f"{report.triples} triples in {report.seconds:.2f} s)",
            err=True,
        )
    if failed:
        ctx.exit(1)


@cli.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@graph_option(GRAPH_REQUIRED_WITHOUT_TRIG)
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@reason_option
@report_options
@allow_ontology_option
@store_option
@click.pass_context
@handle_errors
def add_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    graph: str | None,
    dry_run: bool,
    then_reason: bool,
    inference: str,
    fmt: str,
    fail_on: str,
    allow_ontology: bool = False,
) -> None:
    """Add FILES to the store, only if they conform in the context of the store.

    The files are parsed (a syntax error names the file and line; nothing is written),
    then validated together with the part of the store they touch: their nodes, what those
    reference, the places' locatedIn chains up to the country, the groups' lineage, and the
    store's nodes the batch would break. If nothing reaches --fail-on, every graph of the
    batch is added in one store transaction (an interrupted add leaves the store as it
    was) and the inferred graph is marked stale. Otherwise the report is printed, the
    exit code is 1 and the store is untouched.

    TriG files carry their own graphs; Turtle and N-Triples need --graph IRI (every
    assertion lives in a source's named graph).

    \b
    Example:
        ckg add new-report.trig
        ckg add corrections.ttl --graph https://w3id.org/conflict-kg/graph/doc/corrections
        ckg add new-report.trig --dry-run -f table
        ckg add new-report.trig --reason
    """
    state = ctx.ensure_object(State)
    batch = parse_batch(list(files), graph)
    guard = guard_batch(batch, allow_ontology)
    for message in batch_future_dates(batch):
        click.echo(f"warning: {message}", err=True)
    store = open_store(ctx, create=True)
    try:
        # Blank-node statements the graph already holds are not added a second time.
        if drop_present(store, batch.graphs) and not state.quiet:
            click.echo("add: left out blank-node statements the store already holds", err=True)
        if len(batch) == 0:
            click.echo("add: nothing new, every statement is already in the store", err=True)
            return
        for message in check_change(store, guard, batch.union()):
            if not state.quiet:
                click.echo(f"add: {message}", err=True)
        report = validate_batch(store, batch, inference)
        failed = report.failed(fail_on)
        _emit(report, fmt, always=failed or dry_run)
        if failed:
            if not state.quiet:
                click.echo(
                    f"add: not added ({_verdict(report, fail_on)}); the store is unchanged",
                    err=True,
                )
            ctx.exit(1)
        if dry_run:
            if not state.quiet:
                click.echo(
                    f"add: dry run, the batch conforms ({_verdict(report, fail_on)}); "
                    "nothing written",
                    err=True,
                )
            return
        _commit(store, batch, state, then_reason, files)
    finally:
        store.close()


def _commit(
    store: Store, batch: Batch, state: State, then_reason: bool, files: tuple[Path, ...]
) -> None:
    if not state.quiet:
        click.echo(
            f"add: committing {len(batch)} triples to {len(batch.graphs)} graph(s)…", err=True
        )
    counts = commit_batch(store, batch, source="ckg add " + " ".join(str(f) for f in files))
    if not state.quiet:
        for iri, n in sorted(counts.items()):
            added = len(batch.graphs[iri])
            click.echo(f"add: {added} triples into <{iri}> (now {n})", err=True)
    if then_reason:
        from kg.reasoning import reason

        result = reason(store)
        if not state.quiet:
            click.echo(f"add: reasoned, {len(result.triples)} inferred triples", err=True)
    elif not state.quiet and any(info.iri == INFERRED_GRAPH for info in store.graphs()):
        click.echo(
            "add: the inferred graph is now stale; run `ckg reason` to recompute it", err=True
        )
