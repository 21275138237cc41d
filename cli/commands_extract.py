"""``ckg extract`` and ``ckg review``: a report's text to candidate claims, and their review.

Thin over :mod:`kg.extract`. Candidates go to a staging graph of the staging store kept
beside the store (:mod:`kg.extract.staging`; or a TriG file with ``-o``); ``ckg review``
lists them (stdout), and accepts them through the gate of ``ckg add``, rejects or edits
them. Progress and verdicts on stderr. Exit codes: 0 ok, 1 the
gate refused some accepted candidates, 2 usage, 3 bad input (nothing written).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from kg.cli.context import note, open_store
from kg.cli.main import cli, handle_errors
from kg.cli.options import format_option, output_option, store_option

from kg.errors import UsageError
from kg.store import Store

if TYPE_CHECKING:
    from kg.extract.staging import StagingStore


def _staging(ctx: click.Context, store: Store) -> StagingStore:
    """The staging store beside ``store``, after moving staging graphs an earlier version
    kept in the store itself."""
    from kg.extract.staging import migrate, open_staging

    staging = open_staging(store, migrate_old=False)
    try:
        moved = migrate(store, staging)
    except BaseException:
        staging.close()
        raise
    if moved:
        note(
            ctx,
            f"moved {len(moved)} staged document{'s' if len(moved) != 1 else ''} "
            f"({', '.join(moved)}) out of the store into its staging store {staging.location}",
        )
    return staging


@cli.command("extract")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--date",
    "date_text",
    metavar="YYYY[-MM[-DD]]",
    default=None,
    help="The document's date, for 'on July 1', 'last year' (default: found in the text).",
)
@click.option(
    "--country",
    default=None,
    metavar="NAME",
    help="Default country for new places and for 'soldiers', 'gunmen' (e.g. Mali).",
)
@click.option(
    "--encoding", default=None, metavar="NAME", help="Text encoding when not UTF-8 (e.g. cp1252)."
)
@output_option("Write the candidates to this TriG file (for ckg add) instead of staging.")
@click.option(
    "--replace",
    is_flag=True,
    help="Extract a document again even though some of its candidates were reviewed.",
)
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Batch mode: one short document per row of this CSV file.",
)
@click.option(
    "--text-column", default="notes", show_default=True, help="Batch mode: the text column."
)
@click.option(
    "--id-column", default=None, help="Batch mode: the row id column (default: row number)."
)
@click.option(
    "--date-column",
    default=None,
    help="Batch mode: each row's reference date or year (e.g. year, event_date).",
)
@click.option(
    "--skip-rows",
    default=0,
    show_default=True,
    help="Batch mode: rows to skip after the header (1 for HDX's HXL hashtag row).",
)
@store_option
@click.pass_context
@handle_errors
def extract_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    date_text: str | None,
    country: str | None,
    encoding: str | None,
    output: Path | None,
    replace: bool,
    csv_file: Path | None,
    text_column: str,
    id_column: str | None,
    date_column: str | None,
    skip_rows: int,
) -> None:
    """Read reports (txt, md, html, pdf) into candidate claims for review.

    Each FILE is split into paragraphs and sentences; events (attacks with date, place,
    perpetrator and target; hostage takings, vandalism, blockades, withdrawals, campaigns),
    group relations (leader of, unit or faction of, allegiance), distances and populations
    are found by rules, names are resolved against the store (unknown names become new
    nodes marked ckg:unresolvedName, with their closest known nodes), and each candidate
    claim keeps its sentence, paragraph, modality, confidence and rule. They go to the
    staging graph graph/staging/<file-stem> of the staging store kept beside the store
    (STORE/ckg-staging), which no question reads; review them with
    `ckg review`. A bad file (binary, empty, a PDF without text, an unknown encoding)
    stops the command before anything is written.

    \b
    Example:
        ckg extract report.txt --date 2025-07-10
        ckg extract report.html report.pdf --country Mali
        ckg extract report.md -o candidates.trig      # then: ckg add candidates.trig
        ckg extract --csv acled.csv --text-column notes --id-column event_id_cnty \\
            --date-column year --skip-rows 1 --country "Burkina Faso"
    """
    from kg.extract.dates import Reference

    reference = None
    if date_text is not None:
        try:
            reference = Reference.parse(date_text)
        except ValueError as exc:
            raise UsageError(f"--date: {exc}") from None
    if csv_file is not None:
        from kg.extract.batch import extract_csv

        if files:
            raise UsageError("give FILES or --csv, not both")
        store = open_store(ctx, create=True)
        staging = None
        try:
            staging = _staging(ctx, store) if output is None else None
            result = extract_csv(
                store,
                csv_file,
                text_column=text_column,
                id_column=id_column,
                date_column=date_column,
                skip_rows=skip_rows,
                country=country,
                reference=reference,
                output=output,
                staging=staging,
                replace=replace,
            )
        finally:
            if staging is not None:
                staging.close()
            store.close()
        note(
            ctx,
            f"extract: {result.rows} rows, {result.events} events, {result.claims} "
            f"candidate claims in {result.seconds:.1f} s → {result.target}",
        )
        return
    if not files:
        raise UsageError("give at least one FILE (or --csv FILE)")
    from kg.extract.review import extract_files

    store = open_store(ctx, create=True)
    staging = None
    try:
        if output is not None:
            from rdflib import Dataset

            reports = extract_files(
                store,
                list(files),
                reference=reference,
                encoding=encoding,
                country=country,
                write=False,
            )
            ds = Dataset()
            for r in reports:
                g = ds.graph(r.graph)
                g += r.data.to_rdflib()
            ds.serialize(destination=str(output), format="trig")
        else:
            staging = _staging(ctx, store)
            reports = extract_files(
                store,
                list(files),
                reference=reference,
                encoding=encoding,
                country=country,
                replace=replace,
                staging=staging,
            )
    finally:
        if staging is not None:
            staging.close()
        store.close()
    for r in reports:
        ex = r.extraction
        events = sum(1 for f in ex.found if f.kind == "event")
        ref = f"{ex.reference} ({ex.reference_source})" if ex.reference else "none"
        where = str(output) if output is not None else f"<{r.graph}>"
        note(
            ctx,
            f"extract: {r.path}: {len(ex.passages)} sentences, {events} events, "
            f"{len(ex.candidates)} candidate claims (document date {ref}) → {where}",
        )
    if output is None:
        note(ctx, "extract: review them with `ckg review`")


@cli.command("review")
@click.argument("ids", nargs=-1)
@click.option(
    "--doc",
    "doc",
    default=None,
    metavar="SLUG",
    help="The staged document (default: the only one).",
)
@format_option(["table", "json"])
@click.option(
    "--status",
    type=click.Choice(["pending", "accepted", "rejected", "refused", "all"]),
    default="all",
    show_default=True,
    help="List only candidates with this status.",
)
@click.option(
    "--show", is_flag=True, help="Show IDS with their sentence, rule and what they are about."
)
@click.option("--accept", "do_accept", is_flag=True, help="Accept IDS through the gate of ckg add.")
@click.option("--all", "all_", is_flag=True, help="With --accept: every pending candidate.")
@click.option(
    "--min-confidence",
    type=float,
    default=None,
    help="With --accept: every pending candidate at or above this confidence.",
)
@click.option("--reject", "do_reject", is_flag=True, help="Reject IDS (they stay in staging).")
@click.option(
    "--set",
    "sets",
    nargs=2,
    multiple=True,
    metavar="PROPERTY VALUE",
    help="Edit an ID: set a ckg property (place, startDate, perpetrator, modality…).",
)
@store_option
@click.pass_context
@handle_errors
def review_command(
    ctx: click.Context,
    ids: tuple[str, ...],
    doc: str | None,
    fmt: str,
    status: str,
    show: bool,
    do_accept: bool,
    all_: bool,
    min_confidence: float | None,
    do_reject: bool,
    sets: tuple[tuple[str, str], ...],
) -> None:
    """List, show, accept, reject or edit the candidates of `ckg extract`.

    Without an action, lists the candidates of a staged document (id, status, confidence,
    modality, statement) as a table or JSON. --accept validates what the chosen claims
    assert together with the store, exactly as `ckg add` does, and commits it to the
    document's graph graph/doc/<slug> only if it conforms; candidates the gate refuses stay
    in staging marked refused, with the reason (exit 1). IDs are "<n>" or "<slug>/<n>".

    \b
    Example:
        ckg review                                   # list
        ckg review 2 --show                          # one candidate with its sentence
        ckg review 2 3 --accept
        ckg review --accept --min-confidence 0.8
        ckg review 12 --reject
        ckg review 24 --set place ckgid:place/geonames/2455518
    """
    from kg.extract import review as rv
    from kg.extract.staging import list_candidates, select

    actions = sum([do_accept, do_reject, bool(sets), show])
    if actions > 1:
        raise UsageError("choose one of --show, --accept, --reject, --set")
    store = open_store(ctx, create=False)
    staging = None
    try:
        staging = _staging(ctx, store)
        docs = staging.documents()
        if doc is None:
            if not docs:
                raise UsageError("nothing is staged; run `ckg extract FILE` first")
            named = {i.split("/", 1)[0] for i in ids if "/" in i} & set(docs)
            if len(named) == 1:
                doc = named.pop()
            elif len(docs) > 1:
                raise UsageError(
                    f"several documents are staged ({', '.join(docs)}); choose one with --doc"
                )
            else:
                doc = docs[0]
        elif doc not in docs:
            raise UsageError(f"no staged document {doc!r}; staged: {', '.join(docs) or 'none'}")
        cands = list_candidates(staging, doc)
        if do_accept:
            if not ids and not all_ and min_confidence is None:
                raise UsageError("--accept needs IDS, --all or --min-confidence")
            chosen = select(cands, ids, all_=all_, min_confidence=min_confidence, doc_slug=doc)
            note(ctx, f"review: validating {len(chosen)} candidates with the store…")
            out = rv.accept(store, staging, doc, chosen)
            note(
                ctx,
                f"review: accepted {len(out.accepted)} ({out.triples} triples into the document's graph)",
            )
            for cid, reason in out.refused.items():
                click.echo(f"refused {cid}: {reason}")
            if out.refused:
                note(ctx, f"review: the gate refused {len(out.refused)}; they stay in staging")
                ctx.exit(1)
            return
        if do_reject:
            if not ids:
                raise UsageError("--reject needs IDS")
            out = rv.reject(staging, doc, select(cands, ids, doc_slug=doc))
            note(ctx, f"review: rejected {len(out.rejected)}")
            return
        if sets:
            if len(ids) != 1:
                raise UsageError("--set edits one candidate: give exactly one ID")
            cand = select(cands, ids, doc_slug=doc)[0]
            for prop, value in sets:
                obj = rv.edit(staging, doc, cand, prop, value)
                note(ctx, f"review: {cand.id}: {prop} = {obj.n3()}")
            return
        chosen = select(cands, ids, doc_slug=doc) if ids else cands
        if status != "all":
            chosen = [c for c in chosen if c.status == status]
        if fmt == "json":
            click.echo(
                json.dumps(
                    [c.__dict__ | {"claim": str(c.claim)} for c in chosen],
                    indent=2,
                    ensure_ascii=False,
                )
            )
        elif show:
            for c in chosen:
                click.echo(f"{c.id}  [{c.status}]  confidence {c.confidence:.2f}  {c.modality}")
                click.echo(f"  statement: {c.statement}")
                click.echo(f"  sentence (paragraph {c.paragraph}): {c.sentence}")
                click.echo(f"  rule: {c.rule}")
                for a in c.about:
                    click.echo(f"  about: {a}")
                for iri, name, closest in c.unresolved:
                    near = ", ".join(closest) or "none"
                    click.echo(f"  unresolved: {name!r} is a new node {iri}; closest known: {near}")
                if c.note:
                    click.echo(f"  note: {c.note}")
        else:
            click.echo(_table(chosen))
    finally:
        if staging is not None:
            staging.close()
        store.close()


def _table(cands: list) -> str:
    rows = [("id", "status", "conf", "modality", "statement")]
    for c in cands:
        text = c.statement if len(c.statement) <= 70 else c.statement[:69] + "…"
        rows.append((c.id.split("/", 1)[-1], c.status, f"{c.confidence:.2f}", c.modality, text))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for r in rows:
        lines.append(
            "  ".join(r[i].ljust(widths[i]) if i != 2 else r[i].rjust(widths[i]) for i in range(4))
            + "  "
            + r[4]
        )
    return "\n".join(lines)
