"""``ckg query list|show|run``: saved questions (queries/*.rq) and your own .rq files.

Thin over :mod:`kg.catalogue` and :mod:`kg.formats`. Answers go to stdout; progress and
notes to stderr (silenced by ``ckg -q``). ``--endpoint URL`` (or ``$CKG_ENDPOINT``) on
``query run`` asks a remote SPARQL 1.1 server instead of the embedded store.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from kg.cli.context import note, opened_store, warn, write_output
from kg.cli.main import cli, handle_errors
from kg.cli.options import (
    as_of_option,
    endpoint_option,
    format_option,
    no_inferred_option,
    output_option,
    param_option,
    param_values,
    question_file_option,
    store_option,
)

from kg.errors import QueryError, UsageError
from kg.store import Store
from kg.terms import INFERRED_GRAPH


@cli.group("query")
def query_group() -> None:
    """List, show and run saved questions (queries/*.rq), or your own .rq file.

    \b
    Example:
        ckg query list
        ckg query show towns_attacked_twice
        ckg query run towns_attacked_twice -p window 30 -f csv -o towns.csv
    """


@query_group.command("list")
@format_option()
@click.pass_context
@handle_errors
def query_list(ctx: click.Context, fmt: str) -> None:
    """List the saved questions: name, parameters (optional ones in brackets), summary.

    \b
    Example:
        ckg query list
        ckg query list -f json
    """
    from rdflib import Literal, Node

    from kg.catalogue import load_catalogue
    from kg.formats import result_text
    from kg.store import QueryResult

    rows: list[tuple[Node | None, ...]] = []
    for q in load_catalogue().values():
        params = ", ".join(
            (p.name if p.default is None else f"{p.name}={p.default}")
            if p.required
            else f"[{p.name}]"
            for p in q.params
        )
        rows.append((Literal(q.name), Literal(params) if params else None, Literal(q.summary)))
    result = QueryResult("select", variables=["name", "parameters", "summary"], rows=rows)
    click.echo(result_text(result, fmt), nl=False)


@query_group.command("show")
@click.argument("name", required=False)
@question_file_option
@click.pass_context
@handle_errors
def query_show(ctx: click.Context, name: str | None, file: Path | None) -> None:
    """Show a question's header, its parameters (type, default) and its SPARQL text.

    \b
    Example:
        ckg query show towns_attacked_twice
        ckg query show --file my-question.rq
    """
    from kg.formats import format_table

    question = _question(name, file)
    click.echo(f"{question.name}: {question.summary or '(no summary)'}")
    click.echo(f"file: {question.origin}")
    click.echo(f"kind: {question.kind}")
    if question.tags:
        click.echo(f"tags: {', '.join(question.tags)}")
    if question.description:
        click.echo("")
        click.echo(click.wrap_text(question.description, width=90, preserve_paragraphs=True))
    click.echo("")
    if question.params:
        click.echo("parameters:")
        headers = ["name", "type", "use", "default", "variable", "description"]
        rows = [
            [
                p.name,
                p.type_label(),
                "required" if p.required else "optional",
                p.default if p.default is not None else "",
                p.var,
                p.description or "",
            ]
            for p in question.params
        ]
        if not any(row[-1] for row in rows):
            # No '#+ parameters:' descriptions: leave the empty column out.
            headers, rows = headers[:-1], [row[:-1] for row in rows]
        table = format_table(headers, rows)
        click.echo("".join("  " + line + "\n" for line in table.splitlines()))
    else:
        click.echo("parameters: none\n")
    click.echo("query:")
    body = "\n".join(
        line for line in question.text.splitlines() if not line.startswith("#+")
    ).strip("\n")
    click.echo(body)


@query_group.command("run")
@click.argument("name", required=False)
@param_option
@format_option()
@output_option("Write the answer to this file instead of stdout.")
@question_file_option
@no_inferred_option
@click.option(
    "--evidence",
    is_flag=True,
    help="Give every row the passages behind it: the claims about the resources it names "
    "(document, paragraph, quote, modality).",
)
@as_of_option
@click.option(
    "--allow-service",
    "allow_service",
    multiple=True,
    metavar="URL",
    help="Let a --file question's SERVICE call this endpoint (repeatable); any other "
    "SERVICE is refused, so no question sends requests to a server you did not name.",
)
@endpoint_option
@store_option
@click.pass_context
@handle_errors
def query_run(
    ctx: click.Context,
    name: str | None,
    params: tuple[tuple[str, str], ...],
    fmt: str,
    output: Path | None,
    file: Path | None,
    no_inferred: bool,
    evidence: bool,
    as_of: str | None,
    allow_service: tuple[str, ...],
    endpoint: str | None,
) -> None:
    """Answer a saved question (or a .rq file) with parameters bound, never pasted.

    IRI parameters take a full IRI, a CURIE (ckgid:group/jnim), a short id
    (group/jnim) or a name (JNIM, segou: by label, prefix, any case or accents); one that
    names no node in the store is an error that suggests the closest ids.
    CONSTRUCT/DESCRIBE answers are Turtle (JSON-LD with -f json); an ASK answer prints
    true or false and exits 0 or 1.

    --evidence gives each row the claims about the resources it names, with their
    passages. --as-of DATE answers from the sources issued on or before DATE (a source
    known only to be issued "not before" a day counts from that day; undated sources are
    kept and named on stderr); the inferred graph is left out.

    \b
    Example:
        ckg query run towns_attacked_twice
        ckg query run towns_attacked_twice -p window 30 -p perpetrator group/jnim
        ckg query run --file my-question.rq -f csv -o answer.csv
        ckg query run towns_attacked_twice --evidence -f csv -o towns-with-passages.csv
        ckg query run towns_attacked_twice --as-of 2025-06-30
    """
    from kg.asof import parse_day
    from kg.catalogue import bind_params
    from kg.formats import result_text
    from kg.parameters import check_iri_params
    from kg.parsing import check_services

    question = _question(name, file)
    check_services(question.text, allow_service)
    raw = param_values(params)
    bindings = bind_params(question, raw)
    day = parse_day(as_of) if as_of is not None else None
    started = time.perf_counter()
    with opened_store(ctx, endpoint, create=False) as full:
        if not no_inferred and day is None:
            _warn_if_stale(full)
        # Checked against everything the store knows: a typo is a typo on any date.
        checked = check_iri_params(full, question, raw, bindings)
        for line in checked.notes:
            note(ctx, line)
        bindings = checked.bindings
        with _as_of(ctx, full, day) as store:
            try:
                result = store.query(question.text, bindings, include_inferred=not no_inferred)
            except QueryError as exc:
                if file is None or str(exc).startswith(str(file)):
                    raise
                # A question file of the user's: the message names it (issue 19).
                raise QueryError(f"{file}: {exc}; fix the question file") from exc
            text = _evidence_text(store, result, fmt) if evidence else result_text(result, fmt)
    seconds = time.perf_counter() - started
    if result.kind == "select":
        what = f"{len(result.rows)} row(s)"
    elif result.kind == "graph":
        what = f"{len(result.graph) if result.graph is not None else 0} triple(s)"
    else:
        what = "the answer"
    write_output(ctx, text, output, what)
    via = f" ({result.via})" if result.via else ""
    note(ctx, f"{question.name}: {what} in {seconds:.3f} s{via}")
    if result.kind == "ask" and not result.boolean:
        ctx.exit(1)


@contextmanager
def _as_of(ctx: click.Context, store: Store, day: Any) -> Iterator[Store]:
    """``store`` itself, or with a date the sources issued by then (see kg.asof)."""
    from kg.asof import answering_as_of

    with answering_as_of(store, day) as (known, selection):
        if selection is not None:
            note(ctx, selection.summary())
        yield known


def _evidence_text(store: Store, result: Any, fmt: str) -> str:
    from kg.evidence import evidence_for, graph_with_evidence
    from kg.formats import evidence_text, graph_text

    if result.kind == "ask":
        raise UsageError("an ASK answer is true or false, with no rows to give evidence for")
    if result.kind == "graph":
        return graph_text(graph_with_evidence(store, result.graph), fmt)
    return evidence_text(result, evidence_for(store, result), fmt)


def _question(name: str | None, file: Path | None) -> Any:
    from kg.catalogue import read_question_file, resolve_question

    if name and file:
        raise UsageError("give a question NAME or --file, not both")
    if file is not None:
        return read_question_file(file)
    if not name:
        raise UsageError("which question? give a NAME ('ckg query list') or --file my.rq")
    return resolve_question(name)


def _warn_if_stale(store: Store) -> None:
    for info in store.graphs():
        if info.iri == INFERRED_GRAPH and info.stale:
            warn(
                "the inferred graph is stale (the data changed since 'ckg reason'); run "
                "'ckg reason' to refresh it, or --no-inferred to leave it out"
            )
