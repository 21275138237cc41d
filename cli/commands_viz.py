"""``ckg map``, ``ckg timeline``, ``ckg report`` and ``ckg export``: pictures and files.

Thin over :mod:`kg.viz`. Files are written where ``-o`` says; messages (what was drawn,
what could not be placed) go to stderr. Exit codes: 0 written; 1 written, but nothing in
it could be drawn; 2 usage (unknown format, bad parameter); 3 the store or a question
failed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from kg.cli.context import note, open_store
from kg.cli.main import cli, handle_errors
from kg.cli.options import (
    as_of_option,
    format_option,
    output_option,
    param_option,
    param_values,
    store_option,
    title_option,
)

from kg.errors import UsageError
from kg.store import Store

MAP_FORMATS = (".html", ".htm", ".svg", ".png")
TIMELINE_FORMATS = (".html", ".htm", ".svg", ".png")


def _check_suffix(path: Path, allowed: tuple[str, ...], what: str) -> None:
    if path.suffix.lower() not in allowed:
        raise UsageError(
            f"{path}: cannot write a {what} as {path.suffix or 'a file without extension'}; "
            f"use {', '.join(s for s in allowed if s != '.htm')}"
        )


def _collect(
    ctx: click.Context,
    store: Store,
    name: str | None,
    params: dict[str, str],
    all_events: bool,
    title: str | None,
):
    from kg.viz import questions
    from kg.viz.mapdata import collect

    if name is None:
        if params:
            raise UsageError("-p needs a saved question NAME")
        return collect(store, title=title, all_events=all_events), None
    result = questions.run(store, name, params)
    if result.kind == "select" and not result.rows:
        note(ctx, f"warning: {name} has an empty answer; drawing an empty map")
    data = collect(store, result, title=title or questions.title_of(name, params))
    if result.kind == "select" and name == "towns_attacked_twice":
        from kg.viz.mapview import note_pairs
        from kg.viz.timeline import pairs_from_answer

        note_pairs(data, pairs_from_answer(data, result))
    return data, result


@cli.command("map")
@click.argument("name", required=False)
@param_option
@output_option("FILE.html (interactive), FILE.svg or FILE.png.", required=True)
@click.option(
    "--all-events", is_flag=True, help="Without NAME: every event with a place, not only attacks."
)
@title_option()
@store_option
@click.pass_context
@handle_errors
def map_command(
    ctx: click.Context,
    name: str | None,
    params: tuple,
    output: Path,
    all_events: bool,
    title: str | None,
) -> None:
    """Draw the events and places a saved question returns (default: all attacks).

    Markers are sized by number of events and coloured by perpetrator; the parts of a
    coordinated operation are joined by dashed lines. The HTML map pans, zooms and shows
    an event's date, type, perpetrator, targets and source passage on click, and works
    offline (nothing is fetched). Places without coordinates are listed, not dropped.

    \b
    Example:
        ckg map -o attacks.html
        ckg map towns_attacked_twice -p window 30 -o recurring.png
    """
    from kg.viz.export import write_map

    _check_suffix(output, MAP_FORMATS, "map")
    store = open_store(ctx, create=False)
    try:
        data, _ = _collect(ctx, store, name, param_values(params), all_events, title)
        write_map(data, output, title=title)
    finally:
        store.close()
    note(ctx, f"wrote {output}: {data.summary()}")
    for line in data.notes:
        note(ctx, f"note: {line}")
    if data.is_empty():
        note(ctx, "warning: nothing to draw — no event or place in the answer has coordinates")
        ctx.exit(1)


@cli.command("timeline")
@click.argument("name", required=False)
@param_option
@output_option("FILE.png, FILE.svg or FILE.html.", required=True)
@click.option(
    "--by",
    type=click.Choice(["town", "group"]),
    default="town",
    show_default=True,
    help="One row per town or per perpetrator.",
)
@click.option(
    "--window",
    type=click.IntRange(min=0),
    default=None,
    help="Window in days for the towns_attacked_twice pairs (its default: 365).",
)
@click.option(
    "--all-events", is_flag=True, help="Without NAME: every dated event, not only attacks."
)
@title_option()
@store_option
@click.pass_context
@handle_errors
def timeline_command(
    ctx: click.Context,
    name: str | None,
    params: tuple,
    output: Path,
    by: str,
    window: int | None,
    all_events: bool,
    title: str | None,
) -> None:
    """Draw events over time per town (or per group), marking recurring attacks.

    The pairs of attacks on one town that the saved question towns_attacked_twice finds
    are ringed and joined by an arc labelled with the days between them. Ticks are
    monthly where they fit; the legend names every kind of mark.

    \b
    Example:
        ckg timeline -o timeline.png
        ckg timeline --by group --window 30 -o timeline.svg
    """
    from kg.viz import questions
    from kg.viz.timeline import pairs_from_answer, timeline_scene, write_timeline

    _check_suffix(output, TIMELINE_FORMATS, "timeline")
    store = open_store(ctx, create=False)
    try:
        data, _ = _collect(ctx, store, name, param_values(params), all_events, title)
        pairs = []
        pair_note = "two attacks on one town"
        if questions.exists("towns_attacked_twice"):
            extra = {"window": str(window)} if window is not None else {}
            pairs = pairs_from_answer(data, questions.run(store, "towns_attacked_twice", extra))
            days = extra.get("window") or next(
                (
                    q.defaults.get("window")
                    for q in questions.available()
                    if q.name == "towns_attacked_twice"
                ),
                None,
            )
            pair_note = (
                f"two attacks on one town within {days} days" if days else "two attacks on one town"
            )
        else:
            note(ctx, "note: no saved question towns_attacked_twice; no pairs marked")
        scene = timeline_scene(data, pairs, by=by, title=title, pair_note=pair_note)
        write_timeline(scene, output)
    finally:
        store.close()
    dated = sum(1 for e in data.events.values() if e.start)
    note(ctx, f"wrote {output}: {dated} dated events, {len(pairs)} recurring pair(s) marked")
    if not dated:
        note(ctx, "warning: nothing to draw — no dated event")
        ctx.exit(1)


@cli.command("report")
@output_option("The briefing, FILE.html.", required=True)
@click.option(
    "--questions",
    "names",
    metavar="NAME,...",
    help="Saved questions to include (default: all that run without parameters).",
)
@title_option("Conflict briefing")
@click.option(
    "--all-events", is_flag=True, help="Map and timeline of every event, not only attacks."
)
@click.option("--no-validate", is_flag=True, help="Do not validate the store for the briefing.")
@as_of_option
@store_option
@click.pass_context
@handle_errors
def report_command(
    ctx: click.Context,
    output: Path,
    names: str | None,
    title: str,
    all_events: bool,
    no_validate: bool,
    as_of: str | None,
) -> None:
    """Write a self-contained HTML briefing: findings first, then map, timeline, details.

    The first screen says what the store holds and what the saved questions found, the
    flagship question (towns attacked twice) first with its towns, dates, gap and the
    sentence behind each attack. Then the map, the timeline, validation, the sources,
    every question as a labelled table with evidence links, and the claims grouped by
    document. One file with everything inside (no request leaves it), readable printed
    and on a phone; its size stays bounded (first rows, counts and CSV links).

    --as-of DATE briefs from what was known on DATE: the sources issued by then, as
    'ckg query run --as-of' reads them.

    \b
    Example:
        ckg report -o briefing.html
        ckg report -o briefing.html --questions towns_attacked_twice
        ckg report -o june.html --as-of 2025-06-30
    """
    from kg.asof import answering_as_of, parse_day
    from kg.viz.report import build_briefing

    _check_suffix(output, (".html", ".htm"), "briefing")
    chosen = None
    if names is not None:
        chosen = [n.strip() for n in names.split(",") if n.strip()]
        if not chosen:
            raise UsageError("--questions needs at least one NAME")
    day = parse_day(as_of) if as_of is not None else None
    store = open_store(ctx, create=False)
    try:
        with answering_as_of(store, day) as (known, selection):
            if selection is not None:
                note(ctx, selection.summary())
            brief = build_briefing(
                known,
                chosen,
                title=title if day is None else f"{title}, as of {day.isoformat()}",
                all_events=all_events,
                validate=not no_validate,
            )
    finally:
        store.close()
    output.write_text(brief.html, encoding="utf-8")
    v = brief.validation
    note(
        ctx,
        f"wrote {output} in {brief.seconds:.2f} s: {len(brief.questions)} question(s), "
        f"{brief.data.summary() if brief.data else ''}; validation: "
        f"{v.status if v else 'not validated'}",
    )
    if v and v.status == "not validated":
        note(ctx, f"note: {v.detail}")
    for name, err in brief.failed.items():
        note(ctx, f"warning: question {name} failed: {err}")
    if brief.skipped:
        note(
            ctx,
            f"note: {len(brief.skipped)} question(s) not run on a store this big "
            "(name them with --questions): " + ", ".join(brief.skipped),
        )


@cli.command("export")
@click.argument("name")
@param_option
@format_option(["geojson", "csv", "kml"], default=None)
@output_option()
@store_option
@click.pass_context
@handle_errors
def export_command(
    ctx: click.Context, name: str, params: tuple, fmt: str, output: Path | None
) -> None:
    """Export a saved question's answer with coordinates, for QGIS or a spreadsheet.

    Each row is placed at its first event's place (or its first place); every column is
    kept. Rows without coordinates keep a null geometry (GeoJSON) or empty coordinates
    (CSV), and are left out of KML.

    \b
    Example:
        ckg export towns_attacked_twice -f geojson -o recurring.geojson
        ckg export towns_attacked_twice -p window 30 -f csv
    """
    from kg.viz.export import export

    store = open_store(ctx, create=False)
    try:
        data, result = _collect(ctx, store, name, param_values(params), False, None)
        assert result is not None
        text, unplaced = export(data, result, fmt, output)
    finally:
        store.close()
    if output is None:
        sys.stdout.write(text)
    rows = len(result.rows)
    note(
        ctx,
        f"{'wrote ' + str(output) if output else 'exported'}: {rows} row(s) as {fmt}"
        + (f", {unplaced} without coordinates" if unplaced else ""),
    )
