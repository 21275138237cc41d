"""``ckg push``: copy graphs from the embedded store to a SPARQL 1.1 server.

Thin over :func:`kg.remote.push`. The list of pushed graphs goes to stdout (one
``graph<TAB>triples`` line each); progress and the summary go to stderr. The password
comes only from ``$CKG_PASSWORD``: never an option, never printed.
"""

from __future__ import annotations

import time

import click
from kg.cli.context import note, open_store
from kg.cli.main import cli, handle_errors
from kg.cli.options import GRAPH_IRI, store_option
from rdflib import URIRef


@cli.command("push")
@click.argument("graphs", nargs=-1, type=GRAPH_IRI, metavar="[GRAPH]...")
@click.option(
    "--endpoint",
    metavar="URL",
    envvar="CKG_ENDPOINT",
    required=True,
    help="SPARQL query endpoint of the server; also its update endpoint unless "
    "--update-endpoint says otherwise (default: $CKG_ENDPOINT).",
)
@click.option(
    "--update-endpoint",
    metavar="URL",
    envvar="CKG_UPDATE_ENDPOINT",
    default=None,
    help="SPARQL Update endpoint (default: $CKG_UPDATE_ENDPOINT, else --endpoint).",
)
@click.option(
    "--graph-store",
    metavar="URL",
    envvar="CKG_GRAPH_STORE",
    default=None,
    help="Graph Store HTTP Protocol endpoint; much faster than SPARQL Update where the "
    "server has one (default: $CKG_GRAPH_STORE).",
)
@click.option(
    "--user",
    metavar="NAME",
    envvar="CKG_USER",
    default=None,
    help="User name for the server (default: $CKG_USER); the password is read from "
    "$CKG_PASSWORD only.",
)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Triples per request (default: 50,000 with --graph-store, 1,000 with SPARQL Update).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a request the server has not answered in this time.",
)
@store_option
@click.pass_context
@handle_errors
def push_command(
    ctx: click.Context,
    graphs: tuple[str, ...],
    endpoint: str,
    update_endpoint: str | None,
    graph_store: str | None,
    user: str | None,
    batch: int | None,
    timeout: float,
) -> None:
    """Copy named graphs (default: all) from the store to a SPARQL 1.1 server.

    Each graph replaces the server's graph of the same name, together with its
    description in the meta graph (so queries with --endpoint see the same default
    graph as the embedded store). GRAPH is a full IRI or a name under graph/ (file/x).
    Stopped midway, the command says which graphs reached the server; the embedded
    store is only read.

    \b
    Example:
        export CKG_USER=dba CKG_PASSWORD=...        # never on the command line
        ckg push --endpoint http://127.0.0.1:8890/sparql-auth \\
                 --graph-store http://127.0.0.1:8890/sparql-graph-crud-auth
        ckg push file/seed --endpoint http://localhost:3030/ds --batch 500
    """
    from kg.remote import UploadProgress, connect, push

    target = connect(
        endpoint,
        update_endpoint=update_endpoint,
        graph_store_endpoint=graph_store,
        user=user,
        timeout=timeout,
    )
    chosen = [URIRef(g) for g in graphs] or None
    last = [0.0]

    def progress(p: UploadProgress) -> None:
        # At most a line a second, and always the last of each graph.
        now = time.monotonic()
        finished = p.total is not None and p.sent >= p.total
        if not finished and now - last[0] < 1.0:
            return
        last[0] = now
        rate = p.sent / p.seconds if p.seconds > 0 else 0.0
        total = f"/{p.total:,}" if p.total is not None else ""
        note(ctx, f"  {p.graph}: {p.sent:,}{total} triples ({rate:,.0f} triples/s)")

    source = open_store(ctx, create=False)
    try:
        note(
            ctx,
            f"pushing to {target.endpoint} "
            f"({'Graph Store Protocol' if graph_store else 'SPARQL Update'})",
        )
        report = push(source, target, chosen, batch=batch, progress=progress)
    finally:
        source.close()
    for graph, n in report.graphs:
        click.echo(f"{graph}\t{n}")
    rate = report.triples / report.seconds if report.seconds > 0 else 0.0
    note(
        ctx,
        f"pushed {len(report.graphs)} graph(s), {report.triples:,} triples in "
        f"{report.seconds:.1f} s ({rate:,.0f} triples/s)",
    )
