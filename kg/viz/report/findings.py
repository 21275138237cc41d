"""The briefing's first screen: what the store holds and what the saved questions found.

The flagship question leads: for the recurrence question, one finding per town — where,
when, how many days apart, by whom — with the sentence behind each attack, quoted from
its passage and linked to it. Then a line per other question: how many rows it found.
"""

from __future__ import annotations

from html import escape

from rdflib.term import Node

from kg.store import QueryResult
from kg.viz.mapdata import Event, MapData
from kg.viz.mapview import human_date
from kg.viz.report.claims import Evidence
from kg.viz.report.conformance import Validation
from kg.viz.report.runs import RECURRENCE_QUESTION, Runs
from kg.viz.report.tables import answer_table
from kg.viz.report.text import plural, sentence, text_html
from kg.viz.timeline import Pair

#: Findings of the flagship question shown on the first screen.
MAX_FINDINGS = 8


def leading(pairs: list[Pair]) -> list[Pair]:
    """The pairs the first screen shows as findings."""
    return pairs[:MAX_FINDINGS]


def header(title: str, data: MapData, claims: int, sources: int, validation: Validation) -> str:
    """The page's header: title, what the store holds, whether it conforms, contents."""
    return f"""<header><h1>{escape(title)}</h1>
<p class="lead">{store_summary(data, claims, sources)} The store {validation.phrase()} (<a href="#validation">details</a>).</p>
<nav class="toc" aria-label="contents"><a href="#findings">Findings</a> · <a href="#map-section">Map</a> ·
<a href="#timeline">Timeline</a> · <a href="#validation">Validation</a> · <a href="#sources">Sources</a> ·
<a href="#questions">Questions</a> · <a href="#claims">Claims and passages</a></nav></header>"""


def store_summary(data: MapData, claims: int, docs: int) -> str:
    """One sentence: how many attacks, when, where, mostly by whom, and their sources."""
    events = list(data.events.values())
    n = len(events)
    located = len(data.located_events())
    days = [e.start[:10] for e in events if e.start]
    span = ""
    if days:
        first, last = (Event("", "", start=d) for d in (min(days), max(days)))
        span = f" between {human_date(first)} and {human_date(last)}"
    places = {e.place for e in events if e.place}
    towns = {data.town_of(Event("", "", place=p)) for p in places}
    actors = data.perpetrator_counts()
    top = ", ".join(f"{escape(label)} ({n_})" for key, label, n_ in actors[:3] if key)
    more_actors = sum(1 for k, _, _ in actors if k) - 3
    actor_text = ""
    if top:
        actor_text = f"; most by {top}" + (
            f" and {plural(more_actors, 'other actor')}" if more_actors > 0 else ""
        )
    not_drawn = f" ({located:,} on the map)" if located != n else ""
    return (
        f"The store holds <strong>{plural(n, 'attack')}</strong>{not_drawn}{span}, "
        f"at {plural(len(towns), 'place')}{actor_text}; "
        f"{plural(claims, 'claim')} from {plural(docs, 'source')} say where the facts come from."
    )


def finding(
    data: MapData, pair: Pair, row: dict[str, Node], passage_ids: dict[str, str], i: int
) -> str:
    """One town the recurrence question found: its two attacks, the gap, the words behind.

    ``row`` is the answer's row for the town (unbound values left out).
    """
    first, second = data.events.get(pair.first), data.events.get(pair.second)
    town = str(row.get("townLabel") or (data.place_label(pair.town) if pair.town else ""))
    if not town and first:
        town = data.place_label(data.town_of(first))
    region = row.get("regionLabel") or ""
    gap = pair.gap_days
    perps = row.get("perpetrators") or "; ".join(
        dict.fromkeys(lbl for e in (first, second) if e for _, lbl in e.perpetrators)
    )
    where = f"<strong>{escape(town)}</strong>" + (
        f' <span class="muted">({escape(str(region))})</span>' if region else ""
    )
    dates = " and ".join(escape(human_date(e)) for e in (first, second) if e)
    gap_text = (
        f'<span class="gap">{plural(int(gap), "day")} apart</span>' if gap is not None else ""
    )
    by = f" — by {escape(str(perps))}" if perps else ""
    quotes = []
    for e in (first, second):
        if e is None:
            continue
        if not e.passages:
            quotes.append(
                f'<li><span class="when">{escape(human_date(e))}</span> '
                '<span class="muted">no source passage in the graph</span></li>'
            )
            continue
        # The passage that names the town, a report before an assessment.
        p = min(
            e.passages,
            key=lambda p: (
                town.lower() not in p.text.lower(),
                (p.modality or "") != "reported",
                p.via is not None,
            ),
        )
        link = ""
        if p.passage_iri in passage_ids:
            pid = passage_ids[p.passage_iri]
            link = f' <a class="passage-link" href="#{pid}">passage {pid.split("-")[1]}</a>'
        src = " · ".join(x for x in (p.modality, p.document) if x)
        quotes.append(
            f'<li><span class="when">{escape(human_date(e))}</span> '
            f"<q>{text_html(sentence(p.text, [town, e.label]))}</q>"
            f'<span class="src"> {escape(src)}{link}</span></li>'
        )
    return (
        f'<article class="finding" id="finding-{i}"><p class="what">{where}: attacked '
        f'{dates} — {gap_text}{by}.</p><ul class="behind">{"".join(quotes)}</ul></article>'
    )


def findings_section(
    runs: Runs,
    recurrence: QueryResult | None,
    pairs: list[Pair],
    data: MapData,
    labels: dict[str, str],
    evidence: Evidence,
    events: set[str],
) -> str:
    """The "Findings" section: the flagship's answer, then what the others found."""
    flagship = runs.flagship
    parts = []
    if flagship and flagship == RECURRENCE_QUESTION and recurrence is not None:
        rows = recurrence.dicts() if recurrence.kind == "select" else []
        # One finding per answer row, in the answer's order (its rows and pairs agree).
        by_town = {str(r.get("town")): r for r in rows}
        items = []
        for i, pair in enumerate(leading(pairs)):
            row = {k: v for k, v in by_town.get(str(pair.town), {}).items() if v is not None}
            items.append(finding(data, pair, row, evidence.passage_ids, i + 1))
        more = ""
        if len(rows) > MAX_FINDINGS:
            more = (
                f'<p class="more">{plural(len(rows) - MAX_FINDINGS, "more town")} — '
                f'<a href="#q-{escape(flagship)}">all {len(rows):,} in the table</a>.</p>'
            )
        count = f"{plural(len(rows), 'town')} found" if rows else "no town found"
        parts.append(
            f'<section class="flagship"><h3>{escape(runs.heading(flagship))} — {count}</h3>'
            f"{''.join(items)}{more}</section>"
        )
    elif flagship and flagship in runs.answers:
        table = answer_table(flagship, runs.answers[flagship], labels, evidence, events)
        parts.append(
            f'<section class="flagship"><h3>{escape(runs.heading(flagship))}</h3>{table}</section>'
        )
    others = []
    for name in runs.names:
        if name == flagship:
            continue
        if name in runs.failed:
            n_text = '<span class="bad">failed</span>'
        elif name in runs.skipped:
            n_text = '<span class="muted">not run at this size</span>'
        else:
            res = runs.answers[name]
            n_text = (
                plural(len(res.rows), "row")
                if res.kind == "select"
                else ("yes" if res.boolean else "no")
                if res.kind == "ask"
                else "a graph"
            )
        others.append(
            f'<tr><td><a href="#q-{escape(name)}">{escape(runs.heading(name))}</a></td>'
            f'<td class="num">{n_text}</td></tr>'
        )
    if others:
        parts.append(
            '<h3 class="others">What the other saved questions found</h3><div class="table-wrap">'
            '<table class="others"><tbody>' + "".join(others) + "</tbody></table></div>"
        )
    return f'<section id="findings"><h2>Findings</h2>{"".join(parts)}</section>'
