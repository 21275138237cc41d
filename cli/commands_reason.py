"""``ckg reason``: materialise the ontology's consequences, or check consistency with HermiT.

Thin over :mod:`kg.reasoning`. Counts and timings go to stderr; the ``--check`` report
goes to stdout. Exit codes: 0 done / consistent; 1 the data is inconsistent: individuals
in two disjoint classes (the inferred graph is still written), or ``--check`` found a
contradiction or an unsatisfiable class (the report is still written); 2 usage; 3 the
store failed, or ``--check`` without Java.
"""

from __future__ import annotations

import click
from kg.cli.context import opened_store
from kg.cli.main import cli, handle_errors
from kg.cli.options import State, endpoint_option, store_option

from kg.reasoning import (
    DEFAULT_CHECK_LIMIT,
    ENGINES,
    PROFILES,
    SCOPES,
    InferenceResult,
    check_consistency,
    reason,
)

#: How many clashes ``ckg reason`` prints before it only counts them.
CLASHES_SHOWN = 10


def report_inference(result: InferenceResult, quiet: bool = False) -> None:
    """Write what a reasoning run added (counts by predicate) and its timings to stderr."""
    if quiet:
        return
    from kg.reasoning import short_name

    counts = result.counts()
    timing = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    where = "into the inferred graph" if result.written else "(not written)"
    click.echo(
        f"reason: {result.count} new triples {where} from {result.asserted} asserted "
        f"facts, profile {result.profile}, engine {result.engine}, scope {result.scope}, in "
        f"{result.seconds:.2f} s "
        f"({timing})",
        err=True,
    )
    width = max((len(short_name(p)) for p in counts), default=0)
    for pred, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        click.echo(f"  {short_name(pred):<{width}}  {n:>8}", err=True)
    messages = result.clash_messages()
    if result.clash_count:
        click.echo(
            f"warning: {result.clash_count} clash(es): individuals in two disjoint classes "
            "(the data contradicts the ontology, the graph is inconsistent; "
            "`ckg reason --check` has HermiT prove it):",
            err=True,
        )
        for m in messages[:CLASHES_SHOWN]:
            click.echo(f"  - {m}", err=True)
        if result.clash_count > CLASHES_SHOWN:
            click.echo(f"  … and {result.clash_count - CLASHES_SHOWN} more", err=True)


@cli.command("reason")
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default="owlrl",
    show_default=True,
    help="owlrl: OWL 2 RL rules (inverse, transitive, chains, class expressions, "
    "disjointness); rdfs: subclass, subproperty, domain and range only.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="rules",
    show_default=True,
    help="rules: kg's targeted forward chainer (linear, reads only what the rules touch); "
    "owlrl: the owlrl library's full closure (slow: small stores only).",
)
@click.option(
    "--scope",
    type=click.Choice(SCOPES),
    default="ckg",
    show_default=True,
    help="ckg: write consequences in the ckg vocabulary only (what saved questions use); "
    "all: also those in aligned vocabularies (sem:, prov:, org:, geo:, time:, foaf:, skos:).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Instead of materialising, have HermiT (needs Java) check the ontology plus a "
    "slice of the data for consistency and unsatisfiable classes.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=DEFAULT_CHECK_LIMIT,
    show_default=True,
    help="With --check: at most this many individuals go to HermiT (actors first, then "
    "places, then events).",
)
@endpoint_option
@store_option
@click.pass_context
@handle_errors
def reason_command(
    ctx: click.Context,
    profile: str,
    engine: str,
    scope: str,
    check: bool,
    limit: int,
    endpoint: str | None,
) -> None:
    """Write what the ontology entails into the inferred graph, or check consistency.

    Reads the asserted graphs (never the inferred one), applies the ontology's axioms and
    replaces graph/inferred with ONLY the new triples: subclass types, inverse and
    transitive links, property chains (an attack on a post located in a town occurred in
    that town, its region and its country), defined classes. Clears the inferred graph's
    "stale" mark. Individuals in two disjoint classes make the graph inconsistent: they
    are listed, the inferred graph is still written, and the exit code is 1.

    With --check, HermiT proves consistency of the ontology and a bounded slice of the data
    in a fresh owlready2 World, and names unsatisfiable classes; exit 1 when it finds a
    contradiction, exit 3 without Java.

    \b
    Example:
        ckg reason                       # OWL RL rules into graph/inferred
        ckg reason --profile rdfs        # subclass/subproperty/domain/range only
        ckg reason --scope all           # also sem:/prov:/org:/geo: alignments
        ckg reason --engine owlrl        # the owlrl library's full closure (slow)
        ckg reason --check --limit 300   # HermiT consistency check (needs Java)
    """
    state = ctx.ensure_object(State)
    with opened_store(ctx, endpoint, create=False) as store:
        if check:
            report = check_consistency(store, limit=limit)
        else:
            result = reason(store, profile=profile, engine=engine, scope=scope)
    if check:
        for line in report.lines():
            click.echo(line)
        if not state.quiet:
            click.echo(f"check: HermiT took {report.seconds:.2f} s", err=True)
        if not report.ok:
            ctx.exit(1)
        return
    report_inference(result, state.quiet)
    if result.clash_count:
        click.echo(
            f"reason: INCONSISTENT: {result.clash_count} individual(s) in disjoint classes; "
            "fix or drop the source that asserts them ('ckg graphs'), then reason again",
            err=True,
        )
        ctx.exit(1)
