"""The briefing: one self-contained HTML file an analyst can mail, print or open on a phone.

:func:`build_briefing` looks everything up once, then writes the sections in reading
order: findings first, then the map and the timeline, validation, and the details —
sources, every question as a table, the claims and their passages. Nothing is fetched
by the page: styles, script, map data and pictures are inside the file, and a
Content-Security-Policy forbids any request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape

from kg.errors import CkgError
from kg.store import GraphInfo, Store
from kg.viz import questions
from kg.viz.mapdata import MapData, collect, fetch_passages, labels_for, short
from kg.viz.mapview import asset, map_css, map_fragment, map_js, note_pairs
from kg.viz.report import runs as question_runs
from kg.viz.report.claims import claims_section, link_evidence, read_claims
from kg.viz.report.conformance import Validation, validation_status
from kg.viz.report.findings import findings_section, header, leading
from kg.viz.report.runs import RECURRENCE_QUESTION
from kg.viz.report.tables import named_iris, questions_section
from kg.viz.report.text import plural
from kg.viz.timeline import TIMELINE_CSS, Pair, pairs_from_answer, timeline_fragment, timeline_scene

#: Attacks whose details (date, actor, passages) the briefing's map embeds: the map of a
#: standalone page embeds 20,000; a briefing to mail stays near 2 MB at 100k attacks.
MAP_DETAILS = 5000


@dataclass
class Briefing:
    """The briefing's HTML and what went into it (for messages and tests)."""

    html: str
    questions: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    validation: Validation | None = None
    data: MapData | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    flagship: str | None = None
    findings: list[Pair] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def build_briefing(
    store: Store,
    question_names: list[str] | None = None,
    *,
    title: str = "Conflict briefing",
    all_events: bool = False,
    validate: bool = True,
) -> Briefing:
    """Build the briefing for ``store`` with the answers of ``question_names``.

    With no names, every saved question that runs without input (all its required
    parameters have defaults) is included. A question that fails is reported in the
    briefing and in :attr:`Briefing.failed`, and does not stop the others. On a store of
    :data:`~kg.viz.report.runs.FLAGSHIP_ONLY_FROM` attacks or more, with no names given,
    only the flagship runs; the others are listed with the command that answers them, so
    a 100k-event store gets its briefing in bounded time.
    """
    t0 = time.perf_counter()
    brief = Briefing(html="")
    runs = question_runs.choose(question_names)

    def lap(key: str, since: float) -> float:
        now = time.perf_counter()
        brief.timings[key] = brief.timings.get(key, 0.0) + now - since
        return now

    t = time.perf_counter()
    data = collect(store, title="Attacks" if not all_events else "Events", all_events=all_events)
    brief.data = data
    t = lap("look-up", t)

    # The flagship runs first: the first screen is its answer.
    brief.flagship = runs.flagship
    runs.run(store, len(data.events))
    brief.failed = runs.failed
    brief.questions = runs.answered()
    brief.skipped = runs.skipped
    t = lap("questions", t)

    recurrence = runs.answers.get(RECURRENCE_QUESTION)
    if recurrence is None and RECURRENCE_QUESTION in runs.catalogue:
        try:
            recurrence = questions.run(store, RECURRENCE_QUESTION)
        except CkgError as exc:
            brief.notes.append(f"{RECURRENCE_QUESTION} failed: {exc}")
    pairs = (
        pairs_from_answer(data, recurrence)
        if recurrence is not None and recurrence.kind == "select"
        else []
    )
    brief.findings = pairs
    shown_pairs = [i for p in leading(pairs) for i in (p.first, p.second)]
    data.fill_details(shown_pairs)  # a big store: labels and targets of the findings only
    if data.passages_skipped:  # a big store: fetch only the findings' passages
        fetch_passages(store, data, shown_pairs)
    note_pairs(data, leading(pairs))
    recurrence_question = runs.catalogue.get(RECURRENCE_QUESTION)
    window = recurrence_question.defaults.get("window") if recurrence_question else None
    pair_note = (
        f"two attacks on one town within {window} days" if window else "two attacks on one town"
    )
    tl = timeline_scene(data, pairs, title="Attacks over time, by town", pair_note=pair_note)
    t = lap("timeline", t)

    validation = (
        validation_status(store)
        if validate
        else Validation("not validated", "validation was turned off for this briefing")
    )
    brief.validation = validation
    t = lap("validation", t)
    graphs = store.graphs()
    claims = read_claims(store)
    # Anchors: each passage once; claims link to passages, answers' IRIs to their claims.
    findings = [data.events[i] for i in shown_pairs if i in data.events]
    evidence = link_evidence(claims, findings)
    event_iris = set(data.events) | set(data.operations)
    shown_claims = claims.shown()
    iris = named_iris(runs.answers.values())
    iris.update(a for c in shown_claims for a in c.abouts)
    iris.update(c.modality for c in shown_claims if c.modality)
    labels = dict(data.labels)
    labels.update(labels_for(store, iris - set(labels)))
    t = lap("claims and labels", t)

    parts = [
        header(title, data, claims.total, len(claims.documents), validation),
        findings_section(runs, recurrence, pairs, data, labels, evidence, event_iris),
        _pictures(data, pairs, timeline_fragment(tl)),
        validation.section(),
        _sources(store, graphs),
        questions_section(runs, len(data.events), labels, evidence, event_iris),
    ]
    t = lap("tables", t)
    parts.append(claims_section(claims, evidence, labels, data))
    if brief.notes:
        parts.append(
            "<section><h2>Notes</h2><ul>"
            + "".join(f"<li>{escape(n)}</li>" for n in brief.notes)
            + "</ul></section>"
        )
    brief.html = _page(title, parts)
    lap("html", t)
    brief.seconds = time.perf_counter() - t0
    return brief


def _pictures(data: MapData, pairs: list[Pair], timeline: str) -> str:
    """The map of attacks and the timeline, with the sentence that reads the arcs."""
    pair_text = ""
    if pairs:
        pair_text = (
            f"<p>Arcs join the {plural(len(pairs), 'pair')} of attacks on one town that "
            f"the flagship question finds, labelled with the days between them.</p>"
        )
    return (
        f'<section id="map-section"><h2 id="map-heading">Map of attacks</h2>{map_fragment(data, "map", details=MAP_DETAILS)}</section>'
        f'<section id="timeline"><h2>Timeline</h2>{pair_text}{timeline}</section>'
    )


def _sources(store: Store, graphs: list[GraphInfo]) -> str:
    """The graphs loaded: title, source, triples, when, and when the briefing was made."""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows_html = "".join(
        f"<tr><td>{escape(g.title or short(str(g.iri)))}<br><code>{escape(str(g.iri))}</code></td>"
        f"<td>{escape(g.source or '')}</td><td class=num>{g.triples:,}</td>"
        f"<td>{escape(g.loaded_at.strftime('%Y-%m-%d %H:%M') if g.loaded_at else '')}"
        f"{' (stale)' if g.stale else ''}</td></tr>"
        for g in graphs
    )
    return f"""<section id="sources"><h2>Sources loaded</h2>
<p class="muted">Generated {generated} from the store at <code>{escape(store.location)}</code>.</p>
<div class="table-wrap"><table><thead><tr><th>graph</th><th>source</th><th>triples</th><th>loaded</th></tr></thead>
<tbody>{rows_html or "<tr><td colspan=4>The store is empty.</td></tr>"}</tbody></table></div></section>"""


def _page(title: str, parts: list[str]) -> str:
    """The whole HTML document around the sections: styles and script inlined."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{escape(title)}</title>
<style>{asset("page.css")}{map_css()}{TIMELINE_CSS}{asset("report.css")}</style></head>
<body><main class="briefing">
{"".join(parts)}
<footer class="colophon muted">Made with conflict-kg. {escape("Borders: Natural Earth (public domain).")}</footer>
</main>
<script>{map_js()}</script>
</body></html>
"""
