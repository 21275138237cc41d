"""The briefing: one self-contained HTML file an analyst can mail, print or open on a phone.

It holds the title, the sources loaded into the store, the validation status, the map
and the timeline, the answers to the chosen saved questions as tables, and every claim
with a link to the passage it comes from. Nothing is fetched: styles, script, map data and
pictures are inside the file, and a Content-Security-Policy forbids any request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape

from rdflib.namespace import DCTERMS
from rdflib.term import Literal, Node, URIRef

from kg.errors import CkgError
from kg.namespace import CKG
from kg.store import QueryResult, Store
from kg.viz import questions
from kg.viz.mapdata import MapData, collect, labels_for, short
from kg.viz.mapview import _asset, map_css, map_fragment, map_js
from kg.viz.timeline import TIMELINE_CSS, pairs_from_answer, timeline_fragment, timeline_scene

#: Rows of one answer shown in the briefing; the rest are counted.
MAX_ROWS = 300

RECURRENCE_QUESTION = "towns_attacked_twice"


@dataclass
class Validation:
    """The store's validation status as the briefing states it."""

    status: str  # "conforms", "violations", "not validated", "error"
    detail: str = ""
    violations: int | None = None


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


def validation_status(store: Store) -> Validation:
    """Validate the store with the bundled shapes and say how it went, never failing."""
    from kg import validation

    try:
        report = validation.validate_store(store)
    except Exception as exc:  # noqa: BLE001 - the briefing says so instead of failing
        return Validation("error", f"validation could not run: {type(exc).__name__}: {exc}")
    conforms = bool(getattr(report, "conforms", False))
    count = None
    counts = getattr(report, "counts", None)
    if callable(counts):
        count = counts().get("violation")
    if count is None:
        for attr in ("violations", "results"):
            value = getattr(report, attr, None)
            if value is not None and hasattr(value, "__len__"):
                count = len(value)
                break
    text = ""
    seconds = getattr(report, "seconds", None)
    if isinstance(seconds, (int, float)):
        text = f"checked in {seconds:.1f} s"
    if conforms:
        return Validation("conforms", text, 0)
    return Validation("violations", text, count)


def _claims(store: Store) -> list[dict]:
    """Every claim with its passage, modality, statement, document and what it is about."""
    q = f"""PREFIX ckg: <{CKG._NS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?claim ?about ?passage ?text ?modality ?statement ?doc ?docTitle WHERE {{
  ?claim ckg:passage ?passage . ?passage ckg:text ?text .
  OPTIONAL {{ ?claim ckg:about ?about }}
  OPTIONAL {{ ?claim ckg:modality ?modality }}
  OPTIONAL {{ ?claim ckg:statement ?statement }}
  OPTIONAL {{ ?passage ckg:inDocument ?doc OPTIONAL {{ ?doc dcterms:title ?docTitle }} }}
}}"""
    claims: dict[str, dict] = {}
    for row in store.query(q).dicts():
        key = str(row["claim"])
        c = claims.get(key)
        if c is None:
            c = claims[key] = {k: ("" if v is None else str(v)) for k, v in row.items()}
            c["abouts"] = []
        if row["about"] is not None and str(row["about"]) not in c["abouts"]:
            c["abouts"].append(str(row["about"]))
    # In document order: by document, then passage, then claim.
    return sorted(claims.values(), key=lambda c: (c["doc"], _natural(c["passage"]), c["claim"]))


def _natural(text: str) -> tuple:
    """A sort key that puts passage-9 before passage-10."""
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def _cell(term: Node | None, labels: dict[str, str], anchors: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        label = labels.get(iri) or short(iri)
        inner = f'<span title="{escape(iri)}">{escape(label)}</span>'
        if iri in anchors:
            return f'<a href="#{anchors[iri]}">{inner}</a>'
        return inner
    if isinstance(term, Literal):
        return escape(str(term))
    return escape(str(term))


def _table(result: QueryResult, labels: dict[str, str], anchors: dict[str, str]) -> str:
    if result.kind == "ask":
        return f"<p>Answer: <strong>{'yes' if result.boolean else 'no'}</strong></p>"
    if result.kind != "select":
        n = len(result.graph) if result.graph is not None else 0
        return f"<p>A graph of {n} triples (run it with <code>ckg query run</code> to see it).</p>"
    if not result.rows:
        return '<p class="muted">No rows: nothing in the store answers this question.</p>'
    head = "".join(f"<th>{escape(v)}</th>" for v in result.variables)
    body = []
    for row in result.rows[:MAX_ROWS]:
        body.append(
            "<tr>" + "".join(f"<td>{_cell(t, labels, anchors)}</td>" for t in row) + "</tr>"
        )
    more = ""
    if len(result.rows) > MAX_ROWS:
        more = f'<p class="muted">… {len(result.rows) - MAX_ROWS} more rows (export the answer for all).</p>'
    return (
        f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>{more}"
    )


def build_briefing(
    store: Store,
    question_names: list[str] | None = None,
    *,
    title: str = "Conflict briefing",
    all_events: bool = False,
) -> Briefing:
    """Build the briefing for ``store`` with the answers of ``question_names``.

    With no names, every saved question that runs without input (all its required
    parameters have defaults) is included. A question that fails is reported in the
    briefing and in :attr:`Briefing.failed`, and does not stop the others.
    """
    t0 = time.perf_counter()
    brief = Briefing(html="")
    if question_names is None:
        question_names = [q.name for q in questions.available() if q.runnable_without_input()]
    else:
        for name in question_names:
            questions.check(name)
    summaries = {q.name: q.summary for q in questions.available()}

    answers: dict[str, QueryResult] = {}
    for name in question_names:
        try:
            answers[name] = questions.run(store, name)
        except CkgError as exc:
            brief.failed[name] = str(exc)
    brief.questions = list(answers)

    data = collect(store, title="Attacks" if not all_events else "Events", all_events=all_events)
    brief.data = data
    pairs = []
    pair_note = "pair found by towns_attacked_twice"
    recurrence = answers.get(RECURRENCE_QUESTION)
    if recurrence is None and questions.exists(RECURRENCE_QUESTION):
        try:
            recurrence = questions.run(store, RECURRENCE_QUESTION)
        except CkgError as exc:
            brief.notes.append(f"{RECURRENCE_QUESTION} failed: {exc}")
    if recurrence is not None and recurrence.kind == "select":
        pairs = pairs_from_answer(data, recurrence)
    tl = timeline_scene(data, pairs, title="Attacks over time, by town", pair_note=pair_note)

    validation = validation_status(store)
    brief.validation = validation
    graphs = store.graphs()
    claims = _claims(store)

    # Anchors: each passage once; each claim row; events and claims link to them.
    passage_ids: dict[str, str] = {}
    for c in claims:
        passage_ids.setdefault(c["passage"], f"passage-{len(passage_ids) + 1}")
    anchors: dict[str, str] = dict(passage_ids)
    for i, c in enumerate(claims):
        anchors.setdefault(c["claim"], f"claim-{i + 1}")
        for about in c["abouts"]:
            anchors.setdefault(about, f"claim-{i + 1}")

    iris: set[str] = set()
    for res in answers.values():
        for row in res.rows[:MAX_ROWS]:
            iris.update(str(t) for t in row if isinstance(t, URIRef))
    iris.update(a for c in claims for a in c["abouts"])
    iris.update(c["modality"] for c in claims if c["modality"])
    labels = dict(data.labels)
    labels.update(labels_for(store, iris - set(labels)))

    parts: list[str] = []
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    n_events = len(data.events)
    located = len(data.located_events())
    parts.append(f"""<header><h1>{escape(title)}</h1>
<p class="muted">Generated {generated} from the store at <code>{escape(store.location)}</code>:
{len(graphs)} source graph{"s" if len(graphs) != 1 else ""}, {n_events} attacks ({located} on the map),
{len(claims)} claims, {len(answers)} saved question{"s" if len(answers) != 1 else ""}.</p>
<nav class="toc" aria-label="contents"><a href="#validation">Validation</a> · <a href="#sources">Sources</a> ·
<a href="#map">Map</a> · <a href="#timeline">Timeline</a> · <a href="#questions">Questions</a> ·
<a href="#claims">Claims and passages</a></nav></header>""")

    v = validation
    badge = {"conforms": "ok", "violations": "bad", "error": "bad"}.get(v.status, "unknown")
    vtext = {
        "conforms": "The store conforms to the ontology's shapes"
        + (f" ({escape(v.detail)})." if v.detail else "."),
        "violations": f"The store does not conform: {v.violations if v.violations is not None else 'some'} "
        "violation(s). Run <code>ckg validate</code> for the full report.",
        "error": escape(v.detail),
        "not validated": "Not validated" + (f" ({escape(v.detail)})." if v.detail else "."),
    }[v.status]
    parts.append(
        f'<section id="validation"><h2>Validation</h2><p class="status {badge}">'
        f"<strong>{escape(v.status)}</strong> — {vtext}</p></section>"
    )

    rows = "".join(
        f"<tr><td>{escape(g.title or short(str(g.iri)))}<br><code>{escape(str(g.iri))}</code></td>"
        f"<td>{escape(g.source or '')}</td><td class=num>{g.triples}</td>"
        f"<td>{escape(g.loaded_at.strftime('%Y-%m-%d %H:%M') if g.loaded_at else '')}"
        f"{' (stale)' if g.stale else ''}</td></tr>"
        for g in graphs
    )
    parts.append(f"""<section id="sources"><h2>Sources loaded</h2>
<div class="table-wrap"><table><thead><tr><th>graph</th><th>source</th><th>triples</th><th>loaded</th></tr></thead>
<tbody>{rows or "<tr><td colspan=4>The store is empty.</td></tr>"}</tbody></table></div></section>""")

    parts.append(
        f'<section id="map-section"><h2 id="map-heading">Map of attacks</h2>{map_fragment(data, "map")}</section>'
    )
    pair_text = ""
    if pairs:
        pair_text = (
            f"<p>Red arcs join the {len(pairs)} pair(s) of attacks on one town that "
            f"<code>{RECURRENCE_QUESTION}</code> finds (default window).</p>"
        )
    parts.append(
        f'<section id="timeline"><h2>Timeline</h2>{pair_text}{timeline_fragment(tl)}</section>'
    )

    qparts = []
    for name in question_names:
        summary = summaries.get(name, "")
        if name in brief.failed:
            body = f'<p class="status bad">This question failed: {escape(brief.failed[name])}</p>'
        else:
            res = answers[name]
            count = (
                f"{len(res.rows)} row{'s' if len(res.rows) != 1 else ''}"
                if res.kind == "select"
                else ""
            )
            body = f'<p class="muted">{count}</p>{_table(res, labels, anchors)}'
        qparts.append(
            f'<article class="question" id="q-{escape(name)}"><h3><code>{escape(name)}</code>'
            f"</h3><p>{escape(summary)}</p>{body}</article>"
        )
    parts.append(
        f'<section id="questions"><h2>Saved questions</h2>{"".join(qparts) or "<p>None chosen.</p>"}</section>'
    )

    crow = []
    for i, c in enumerate(claims):
        about = "; ".join(labels.get(a) or short(a) for a in c["abouts"])
        modality = labels.get(c["modality"]) or (short(c["modality"]) if c["modality"] else "")
        pid = passage_ids[c["passage"]]
        crow.append(
            f'<tr id="claim-{i + 1}"><td>{escape(c["statement"] or about)}</td>'
            f"<td>{escape(about)}</td><td>{escape(modality)}</td>"
            f'<td><a class="passage-link" href="#{pid}">passage {pid.split("-")[1]}</a></td></tr>'
        )
    plist = []
    seen: set[str] = set()
    for c in claims:
        if c["passage"] in seen:
            continue
        seen.add(c["passage"])
        doc = c["docTitle"] or (short(c["doc"]) if c["doc"] else "")
        plist.append(
            f'<li id="{passage_ids[c["passage"]]}"><blockquote><p>“{escape(c["text"])}”</p>'
            f"<footer>{escape(doc)}</footer></blockquote></li>"
        )
    parts.append(f"""<section id="claims"><h2>Claims and passages</h2>
{'<p class="muted">No claims in the store.</p>' if not claims else ""}
<div class="table-wrap"><table class="claims"><thead><tr><th>claim</th><th>about</th><th>modality</th><th>source</th></tr></thead>
<tbody>{"".join(crow)}</tbody></table></div>
<h3>Passages</h3><ol class="passages">{"".join(plist)}</ol></section>""")
    if brief.notes:
        parts.append(
            "<section><h2>Notes</h2><ul>"
            + "".join(f"<li>{escape(n)}</li>" for n in brief.notes)
            + "</ul></section>"
        )

    brief.html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{escape(title)}</title>
<style>{_asset("page.css")}{map_css()}{TIMELINE_CSS}{_asset("report.css")}</style></head>
<body><main class="briefing">
{"".join(parts)}
<footer class="colophon muted">Made with conflict-kg. {escape("Borders: Natural Earth (public domain).")}</footer>
</main>
<script>{map_js()}</script>
</body></html>
"""
    brief.seconds = time.perf_counter() - t0
    return brief
