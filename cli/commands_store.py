"""``ckg load|graphs|stats|drop|demo``: the store and loading (``query`` is in commands_query).

Thin over :mod:`kg.embedded`, :mod:`kg.loading`, :mod:`kg.bundled`, :mod:`kg.catalogue`
and :mod:`kg.formats`. Answers go to stdout; progress and notes to stderr (silenced by
``ckg -q``). ``--endpoint URL`` (or ``$CKG_ENDPOINT``) on ``graphs`` and ``stats``
(and ``query run``) asks a remote SPARQL 1.1 server instead of the embedded store.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
from kg.cli.context import note, opened_store, warn
from kg.cli.main import cli, handle_errors
from kg.cli.options import (
    GRAPH_IRI,
    allow_empty_option,
    allow_ontology_option,
    endpoint_option,
    format_option,
    graph_iri,
    graph_option,
    no_inferred_option,
    reason_option,
    store_option,
)

from kg.errors import CkgError, UsageError
from kg.store import Store
from kg.terms import INFERRED_GRAPH

# --------------------------------------------------------------------------- load


@cli.command("load")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@graph_option("Without it, each file gets its own graph, graph/file/<file-stem>.")
@click.option(
    "--bundled",
    is_flag=True,
    help="Also load the ontology, seed report and reference data shipped with ckg.",
)
@click.option(
    "--bulk/--no-bulk",
    default=None,
    help="Force (or forbid) pyoxigraph's bulk loader: less memory; the new content is "
    "written beside the old and switched to in one transaction. Default: bulk above 64 MB.",
)
@reason_option
@click.option(
    "--replace-graph",
    "replace",
    type=GRAPH_IRI,
    metavar="IRI",
    multiple=True,
    help="Allow replacing this graph although it is protected (ontology, shapes, derived) "
    "or holds another source (repeatable; a full IRI or a name under graph/).",
)
@allow_empty_option
@allow_ontology_option
@click.option(
    "--no-validate",
    is_flag=True,
    help="Do not check the files against the shapes; their graphs are then marked "
    "'unvalidated' in 'ckg graphs' until loaded again with validation.",
)
@store_option
@click.pass_context
@handle_errors
def load_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    graph: str | None,
    bundled: bool,
    bulk: bool | None,
    then_reason: bool = False,
    replace: tuple[str, ...] = (),
    allow_empty: bool = False,
    allow_ontology: bool = False,
    no_validate: bool = False,
) -> None:
    """Load RDF files into the store, each into its own named graph.

    Formats by extension: .ttl .trig .nt .nq .jsonld/.json .rdf/.owl/.xml. Every file is
    parsed before anything is written and all files go in together: a syntax error
    (reported with file and line) leaves the store unchanged. A TriG, N-Quads or JSON-LD
    file keeps its named graphs. Loading a file again replaces its graph, never adds to
    it. The store folder is created if missing. Loading marks the inferred graph stale.

    The files are checked against the SHACL shapes in the context of the store, as 'ckg
    add' checks a batch: if they do not conform the report is printed, nothing is written
    and the exit code is 1. --no-validate skips the check and marks the graphs
    'unvalidated' in 'ckg graphs'. Bulk loads (above 64 MB) are checked the same way,
    with the whole store as it will be, before they replace anything.

    Refused, with nothing written: triples that change the ontology (subClassOf, domain,
    range, disjointness, owl:sameAs between two of the graph's nodes…; exit 1, unless
    --allow-ontology-change); a protected graph (ontology, shapes, derived) or another
    source's graph (exit 2, unless --replace-graph names it); an empty file that would
    empty a populated graph (exit 3, unless --allow-empty); RDF/XML entities that expand
    beyond 4 MB, JSON-LD contexts to fetch, literals over 4 M characters (exit 3).

    \b
    Example:
        ckg load reports/new-report.ttl
        ckg load acled-2025.nt --graph https://example.org/graph/acled-2025
        ckg load --bundled
        ckg load my-ontology.ttl --replace-graph ontology --allow-ontology-change
    """
    from kg.axioms import OntologyGuard
    from kg.bundled import bundled_sources
    from kg.loading import (
        LoadPolicy,
        check_distinct_graphs,
        check_graph_target,
        load_sources,
        source_for_file,
    )

    if not files and not bundled:
        raise UsageError("nothing to load: give FILE... or --bundled (see 'ckg load -h')")
    target = graph
    sources = bundled_sources() if bundled else []
    sources += [source_for_file(f, target) for f in files]
    if target is None:
        check_distinct_graphs(sources)
    else:
        check_graph_target(target)
    started = time.perf_counter()
    with opened_store(ctx) as store:
        # The bundled files are the ontology itself: only the user's files are guarded.
        policy = LoadPolicy(
            replace=frozenset(replace),
            allow_empty=allow_empty,
            guard=OntologyGuard(allow=allow_ontology) if files else None,
            check=_load_check(store, validate=not no_validate) if files else None,
            judge=_judge if files and not no_validate else None,
            progress=lambda line: click.echo(line, err=True),
        )
        before = {str(i.iri): i.loaded_at for i in store.graphs()}
        try:
            reports = load_sources(store, sources, bulk=bulk, policy=policy)
        except KeyboardInterrupt:
            _interrupted(store, before)
        unchecked = [
            g
            for r in reports
            if not is_bundled_source(r.source) and (no_validate or (r.bulk and not r.validated))
            for g in r.graphs
        ]
        if files and unchecked:
            from kg.loading import mark_unvalidated

            mark_unvalidated(store, unchecked)
            why = "--no-validate" if no_validate else "a bulk load is not validated"
            reports[-1].notes.append(
                f"{len(unchecked)} graph(s) marked unvalidated ({why}): "
                "'ckg validate' checks the store"
            )
    seconds = time.perf_counter() - started
    total = 0
    for report in reports:
        for g, n in report.graphs.items():
            total += n
            note(ctx, f"loaded {report.source} -> {g} ({n:,} triples)")
        for g in report.dropped:
            note(ctx, f"dropped {g}: {report.source} no longer holds it")
        for message in report.notes:
            note(ctx, f"note: {message}")
    mode = " with the bulk loader" if any(r.bulk for r in reports) else ""
    note(ctx, f"{len(reports)} source(s), {total:,} triples in {seconds:.2f} s{mode}")
    if then_reason:
        with opened_store(ctx) as store:
            clashes = _reason(ctx, store)
        if clashes:
            warn(
                f"the graph is inconsistent: {clashes} individual(s) in disjoint classes "
                "('ckg reason' lists them); the files were loaded"
            )
            ctx.exit(1)


def _interrupted(store: Store, before: dict[str, Any]) -> None:
    """Say truly what an interrupted load left: nothing, or graphs already committed."""
    changed = [
        str(i.iri)
        for i in store.graphs()
        if str(i.iri) not in before or before[str(i.iri)] != i.loaded_at
    ]
    changed = [g for g in changed if g != str(INFERRED_GRAPH)]
    if changed:
        raise CkgError(
            f"interrupted, but after the write: {len(changed)} graph(s) were committed "
            f"({', '.join(changed[:5])}{' …' if len(changed) > 5 else ''}); 'ckg graphs' shows "
            "them"
        )
    raise CkgError("interrupted before anything was written: the store is unchanged")


def is_bundled_source(source: str) -> bool:
    """Whether a load report's source is a file shipped with ckg."""
    from kg.bundled import is_bundled

    return is_bundled(source)


def _load_check(store: Store, *, validate: bool) -> Any:
    """The check ``ckg load`` runs on parsed files before writing: future dates (a
    warning), then the shapes as ``ckg add`` checks them (unless --no-validate)."""

    def check(content: Any, origins: Any) -> None:
        from kg.axioms import future_dates
        from kg.formats import shorten
        from kg.loading import validate_content

        for g, triples in content.items():
            found = future_dates((t.subject, t.predicate, t.object) for t in triples)
            for message in found:
                warn(f"{shorten(g)}: {message}")
        if not validate:
            return

        _judge(validate_content(store, content, origins))

    return check


def _judge(report: Any) -> None:
    """Refuse a load whose files do not conform (the report goes to stdout)."""
    from kg.errors import GateError

    if report.failed("violation"):
        click.echo(report.render("text"), nl=False)
        counts = report.counts()
        raise GateError(
            f"not loaded: the files do not conform to the shapes ({counts['violation']} "
            "violation(s), listed above); the store is unchanged. Fix the files, or give "
            "--no-validate to load them unchecked (marked unvalidated in 'ckg graphs')"
        )


# --------------------------------------------------------------------------- graphs, stats, drop


@cli.command("graphs")
@format_option()
@endpoint_option
@store_option
@click.pass_context
@handle_errors
def graphs_command(ctx: click.Context, fmt: str, endpoint: str | None) -> None:
    """List the named graphs with their triple counts and metadata.

    Columns: graph, triples, loaded (UTC), source, title, stale. A stale inferred graph
    needs 'ckg reason'; a stale data graph was cut short by a bulk load of an older ckg
    (load it again); 'unvalidated' marks a graph loaded with --no-validate, never checked
    against the shapes.

    \b
    Example:
        ckg graphs
        ckg graphs -f csv > graphs.csv
    """
    from rdflib import Literal, Node, URIRef

    from kg.formats import result_text
    from kg.loading import unvalidated_graphs
    from kg.store import QueryResult

    with opened_store(ctx, endpoint, create=False) as store:
        infos = store.graphs()
        unchecked = unvalidated_graphs(store)
    rows: list[tuple[Node | None, ...]] = [
        (
            URIRef(str(i.iri)),
            Literal(i.triples),
            Literal(i.loaded_at.isoformat(timespec="seconds").replace("+00:00", "Z"))
            if i.loaded_at
            else None,
            Literal(i.source) if i.source else None,
            Literal(i.title) if i.title else None,
            _flags(i.stale, str(i.iri) in unchecked),
        )
        for i in infos
    ]
    result = QueryResult(
        "select", variables=["graph", "triples", "loaded", "source", "title", "stale"], rows=rows
    )
    click.echo(result_text(result, fmt), nl=False)
    note(ctx, f"{len(infos)} graph(s), {sum(i.triples for i in infos):,} triples")


def _flags(stale: bool, unvalidated: bool) -> Any:
    from rdflib import Literal

    words = [w for w, on in (("stale", stale), ("unvalidated", unvalidated)) if on]
    return Literal(", ".join(words)) if words else None


STATS_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?instances)
WHERE { ?s a ?class }
GROUP BY ?class
ORDER BY DESC(?instances) ?class
"""


@cli.command("stats")
@format_option(["table", "json"])
@no_inferred_option
@endpoint_option
@store_option
@click.pass_context
@handle_errors
def stats_command(ctx: click.Context, fmt: str, no_inferred: bool, endpoint: str | None) -> None:
    """Count quads per graph and instances per class.

    Instances are counted over the union of data graphs, the inferred graph included
    (so after 'ckg reason' an attack also counts as an event) unless --no-inferred.

    \b
    Example:
        ckg stats
        ckg stats --no-inferred -f json
    """
    import json

    from kg.formats import display, format_table

    with opened_store(ctx, endpoint, create=False) as store:
        infos = store.graphs()
        classes = store.query(STATS_CLASSES, include_inferred=not no_inferred).rows
    total = sum(i.triples for i in infos)
    if fmt == "json":
        doc = {
            "quads": total,
            "graphs": {str(i.iri): i.triples for i in infos},
            "classes": {str(c): int(n) for c, n in classes if c is not None and n is not None},  # type: ignore[call-overload]
        }
        click.echo(json.dumps(doc, indent=1))
        return
    click.echo(f"quads: {total:,} in {len(infos)} graph(s)\n")
    click.echo(
        format_table(
            ["graph", "triples"], [[display(i.iri), f"{i.triples:,}"] for i in infos], [False, True]
        )
    )
    click.echo(
        format_table(
            ["class", "instances"], [[display(c), display(n)] for c, n in classes], [False, True]
        ),
        nl=False,
    )


@cli.command("drop")
@click.argument("graph")
@store_option
@click.pass_context
@handle_errors
def drop_command(ctx: click.Context, graph: str) -> None:
    """Remove a named graph and its metadata (exactly what its source contributed).

    GRAPH is a full IRI or a name under graph/ as 'ckg graphs' shows it (file/x,
    ckggraph:file/x). Marks the inferred graph stale.

    \b
    Example:
        ckg drop file/new-report
        ckg drop https://w3id.org/conflict-kg/graph/doc/mali-jnim-july-1-attacks
    """
    import difflib

    from rdflib import URIRef

    from kg.errors import StoreError
    from kg.loading import mark_inferred_stale

    iri = graph_iri(graph)
    with opened_store(ctx, create=False) as store:
        infos = {str(i.iri): i for i in store.graphs()}
        if iri not in infos:
            close = difflib.get_close_matches(iri, list(infos), n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(close)}?" if close else "; see 'ckg graphs'"
            raise StoreError(f"there is no graph {iri} in {store.location}{hint}")
        store.drop_graph(URIRef(iri))
        stale = iri != str(INFERRED_GRAPH) and mark_inferred_stale(store)
    note(ctx, f"dropped {iri} ({infos[iri].triples:,} triples)")
    if stale:
        note(ctx, "the inferred graph is now stale: run 'ckg reason' to recompute it")


# --------------------------------------------------------------------------- demo


@cli.command("demo")
@click.option("--fresh", is_flag=True, help="Empty the store first (every graph, yours included).")
@click.option(
    "--reason/--no-reason",
    "do_reason",
    default=True,
    show_default=True,
    help="Compute the inferred graph (ckg reason) before answering.",
)
@store_option
@click.pass_context
@handle_errors
def demo_command(ctx: click.Context, fresh: bool, do_reason: bool) -> None:
    """Load the bundled report and reference data, then answer every saved question.

    Creates the store if it is missing. Without --fresh it refuses a store that holds
    graphs other than the bundled ones (so your data is never mixed into the demo);
    with --fresh it empties the store first. Each answer is printed under its question's
    summary, with the question's default parameters.

    \b
    Example:
        ckg demo
        ckg --store /tmp/demo demo --fresh
    """
    from kg.bundled import is_bundled, load_bundled
    from kg.catalogue import load_catalogue, run_question
    from kg.formats import result_text

    failed: list[str] = []
    with opened_store(ctx) as store:
        if fresh:
            dropped = _empty(store)
            if dropped:
                note(ctx, f"emptied {store.location}: dropped {dropped} graph(s)")
        else:
            others = [
                str(i.iri)
                for i in store.graphs()
                if i.iri != INFERRED_GRAPH and not is_bundled(i.source)
            ]
            if others:
                shown = ", ".join(others[:3]) + (" …" if len(others) > 3 else "")
                raise UsageError(
                    f"the store {store.location} holds graphs that are not the bundled ones "
                    f"({shown}); run 'ckg demo --fresh' to empty it, or use another --store"
                )
        started = time.perf_counter()
        reports = load_bundled(store)
        total = sum(n for r in reports for n in r.graphs.values())
        note(
            ctx,
            f"loaded {len(reports)} bundled file(s), {total:,} triples into "
            f"{store.location} in {time.perf_counter() - started:.2f} s",
        )
        if do_reason:
            _reason(ctx, store)
        for question in load_catalogue().values():
            click.echo(f"## {question.summary or question.name}  ({question.name})\n")
            try:
                result = run_question(store, question)
            except CkgError as exc:
                warn(f"{question.name}: {exc}")
                failed.append(question.name)
                click.echo("(no answer: see the warning)\n")
                continue
            click.echo(result_text(result, "table"))
    if failed:
        raise CkgError(f"{len(failed)} question(s) could not be answered: {', '.join(failed)}")


def _empty(store: Store) -> int:
    from rdflib import URIRef

    infos = store.graphs()
    for info in infos:
        store.drop_graph(URIRef(str(info.iri)))
    return len(infos)


def _reason(ctx: click.Context, store: Store) -> int:
    """Recompute the inferred graph; return how many clashes (inconsistencies) it found."""
    try:
        from kg.reasoning import reason
    except ImportError:  # reasoning not installed in this build: answer without it
        note(ctx, "note: no reasoner available; answering from asserted triples only")
        return 0
    started = time.perf_counter()
    result = reason(store)
    note(
        ctx,
        f"reasoned: {len(result.triples):,} inferred triples in "
        f"{time.perf_counter() - started:.2f} s",
    )
    return int(result.clash_count)
