"""The options several commands share, each declared once (as sqlite-utils' ``output_options``).

An option lives here when two or more commands have it and it means the same thing on
each: a command module takes it from here, never from another command module. Where a
command needs its own words (what ``-o`` writes, what ``--graph`` does without it), the
decorator takes them as an argument and the rest is shared. Options that only share a name
stay with their command: ``--engine`` (validate: how the store is checked; reason: which
reasoner), ``--no-validate`` (load: leave the files unchecked; report: leave validation out
of the briefing), ``--endpoint`` of ``push`` (the server written to, required),
``--report`` of each importer (each writes its own list), ``--reason/--no-reason`` of
``demo`` (on unless told), ``--encoding`` (extract: guessed unless told; import acled:
UTF-8) and ``--all-events`` (what is drawn differs by command).

Also here: :class:`State`, what the group options decide for every command, and
:func:`graph_iri` with :data:`GRAPH_IRI`, how a graph is named on the command line.
Helpers every command uses (the store, stderr) are in :mod:`kg.cli.context`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.errors import UsageError
from kg.formats import FORMATS as ANSWER_FORMATS
from kg.terms import GRAPH
from kg.validation import FORMATS as REPORT_FORMATS
from kg.validation import INFERENCE_CHOICES, SEVERITIES

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class State:
    """What the group options decide for every command (kept in ``ctx.obj``)."""

    store_dir: Path = Path(".ckg")
    quiet: bool = False


def _options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several options as one decorator, listed in ``--help`` in the order given."""

    def apply(func: F) -> F:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


# --------------------------------------------------------------------------- where to read


def store_option(func: F) -> F:
    """``--store DIR`` on a command, overriding the group's choice."""

    def callback(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value is not None:
            ctx.ensure_object(State).store_dir = Path(value)

    return click.option(
        "--store",
        "store_dir_override",
        metavar="DIR",
        default=None,
        expose_value=False,
        is_eager=True,
        callback=callback,
        help="Store folder (default: $CKG_STORE or ./.ckg).",
    )(func)


def endpoint_option(func: F) -> F:
    """``--endpoint URL`` (``$CKG_ENDPOINT``): a SPARQL server instead of the embedded store."""
    return click.option(
        "--endpoint",
        metavar="URL",
        envvar="CKG_ENDPOINT",
        default=None,
        help="SPARQL 1.1 query endpoint to ask instead of the embedded store "
        "(default: $CKG_ENDPOINT).",
    )(func)


def no_inferred_option(func: F) -> F:
    """``--no-inferred``: asserted triples only."""
    return click.option(
        "--no-inferred",
        is_flag=True,
        help="Leave the inferred graph out: asserted triples only.",
    )(func)


def as_of_option(func: F) -> F:
    """``--as-of DATE``: only the sources issued by then (:mod:`kg.asof`)."""
    return click.option(
        "--as-of",
        "as_of",
        metavar="DATE",
        help="Read only the sources issued on or before DATE (YYYY-MM-DD).",
    )(func)


# --------------------------------------------------------------------------- questions


def param_option(func: F) -> F:
    """``-p/--param NAME VALUE``, repeatable; :func:`param_values` reads it."""
    return click.option(
        "-p",
        "--param",
        "params",
        nargs=2,
        multiple=True,
        metavar="NAME VALUE",
        help="A parameter of the saved question (repeatable): -p window 30 "
        "-p perpetrator group/jnim.",
    )(func)


def param_values(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The ``-p NAME VALUE`` pairs by name; a name given twice is a usage error."""
    values: dict[str, str] = {}
    for name, value in pairs:
        if name in values:
            raise UsageError(f"parameter {name} is given twice")
        values[name] = value
    return values


def question_file_option(func: F) -> F:
    """``--file FILE.rq``: a question file of the user's instead of a saved question."""
    return click.option(
        "--file",
        "file",
        type=click.Path(path_type=Path),
        help="A .rq file of your own (same header and parameter rules) instead of a saved "
        "question NAME.",
    )(func)


# --------------------------------------------------------------------------- what to write


def format_option(
    choices: Sequence[str] = ANSWER_FORMATS,
    *,
    default: str | None = "table",
    help: str = "Output format.",
) -> Callable[[F], F]:
    """``-f/--format`` among ``choices`` (an answer's formats unless told); without a
    default the option is required."""
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        required=default is None,
        show_default=default is not None,
        help=help,
    )


def output_option(
    help: str = "Write to this file instead of stdout.", *, required: bool = False
) -> Callable[[F], F]:
    """``-o/--output FILE``; ``help`` says what is written and in which formats."""
    return click.option(
        "-o",
        "--output",
        required=required,
        default=None,
        type=click.Path(dir_okay=False, path_type=Path),
        help=help,
    )


def title_option(default: str | None = None) -> Callable[[F], F]:
    """``--title TEXT`` of a picture or a briefing."""
    return click.option(
        "--title", default=default, show_default=default is not None, help="Title drawn at the top."
    )


# --------------------------------------------------------------------------- writing the store


def graph_iri(text: str) -> str:
    """A graph named on the command line, as its full IRI: a full IRI (``<…>`` allowed) or
    a name under graph/ (``file/x``, ``ckggraph:file/x``)."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    text = text.removeprefix("ckggraph:")
    if "://" in text or text.startswith("urn:"):
        return text
    return str(GRAPH[text.lstrip("/")])


class GraphIRIType(click.ParamType):
    """An option or argument that names a graph (:func:`graph_iri`); an empty one is a
    usage error rather than the base of every graph's IRI."""

    name = "graph"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        iri = graph_iri(str(value))
        if iri == str(GRAPH[""]):
            self.fail("give a full IRI or a name under graph/ such as file/x", param, ctx)
        return iri


#: The type of the options and arguments that name a graph.
GRAPH_IRI = GraphIRIType()


def graph_option(without: str) -> Callable[[F], F]:
    """``--graph IRI``: the graph for the files' default-graph triples; ``without`` says
    where they go when it is not given."""
    return click.option(
        "--graph",
        "graph",
        type=GRAPH_IRI,
        metavar="IRI",
        default=None,
        help="Named graph for the files' triples that name no graph (a Turtle or N-Triples "
        f"file's, say): a full IRI or a name under graph/ such as doc/corrections. {without}",
    )


def allow_ontology_option(func: F) -> F:
    """``--allow-ontology-change``: data may change the ontology, if it stays consistent."""
    return click.option(
        "--allow-ontology-change",
        "allow_ontology",
        is_flag=True,
        help="Accept triples that declare or alter classes and properties (subClassOf, "
        "domain, range, disjointness, owl:sameAs between two of the graph's nodes…); the "
        "result is checked for consistency and refused if inconsistent. Default: refused.",
    )(func)


def allow_empty_option(func: F) -> F:
    """``--allow-empty``: an empty file may empty the graph it replaces."""
    return click.option(
        "--allow-empty",
        is_flag=True,
        help="Let a file with nothing in it (no triples, or a CSV header and no rows) empty the "
        "populated graph it would replace.",
    )(func)


def reason_option(func: F) -> F:
    """``--reason``: recompute the inferred graph after writing."""
    return click.option(
        "--reason",
        "then_reason",
        is_flag=True,
        help="Afterwards, recompute the inferred graph (ckg reason) instead of marking it stale.",
    )(func)


def strict_option(func: F) -> F:
    """``--strict`` of an importer: all of a file or none of it."""
    return click.option(
        "--strict",
        is_flag=True,
        help="Refuse a whole file, leaving the store untouched, if anything in it is malformed.",
    )(func)


def report_options(func: F) -> F:
    """``--inference``, ``-f/--format`` and ``--fail-on``: how data is checked against the
    shapes and the report written (``ckg validate``, ``ckg add``)."""
    return _options(
        click.option(
            "--inference",
            type=click.Choice(INFERENCE_CHOICES),
            default="none",
            show_default=True,
            help="Let pyshacl expand the data graph first (rdfs or owlrl; slower).",
        ),
        format_option(
            REPORT_FORMATS,
            default="text",
            help="Report format: text (grouped by shape, in words), table, json, or turtle "
            "(the sh:ValidationReport).",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(SEVERITIES),
            default="violation",
            show_default=True,
            help="Lowest severity that makes the check fail (exit 1; ckg add writes nothing).",
        ),
    )(func)
