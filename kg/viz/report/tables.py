"""Answers as tables a reader can use: labels, not variable names; links to the evidence.

``x`` and ``xLabel`` become one column showing the label (the IRI on hover); an IRI with
claims links to them; a row gets the passages behind the events it names. A table shows
its first :data:`MAX_ROWS` rows and says how many more, with a CSV link (up to
:data:`CSV_EMBED_ROWS` rows) or the command that writes them all.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from html import escape
from urllib.parse import quote

from rdflib.term import Node, URIRef

from kg.store import QueryResult
from kg.viz.mapdata import short
from kg.viz.report.claims import Evidence
from kg.viz.report.runs import Runs
from kg.viz.report.text import CELL_CHARS, plural, short_text

#: Rows of one answer shown in the briefing; the rest are counted and linked.
MAX_ROWS = 40
#: Rows beyond which an answer's CSV is not embedded (the command to write it is given).
CSV_EMBED_ROWS = 500


def header_text(var: str) -> str:
    """A column header from a variable name: ``gapDays`` → "gap days", ``eventLabel`` → "event"."""
    if var.endswith("Label") and len(var) > 5:
        var = var[:-5]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", var).replace("_", " ")
    return words.lower().strip()


def columns(variables: list[str]) -> list[tuple[int, int | None]]:
    """Columns to show: (value index, label index) — ``x`` and ``xLabel`` become one column."""
    index = {v: i for i, v in enumerate(variables)}
    out = []
    for i, v in enumerate(variables):
        if v.endswith("Label") and v[:-5] in index:
            continue  # shown in its IRI's column
        out.append((i, index.get(v + "Label")))
    return out


def named_iris(answers: Iterable[QueryResult]) -> set[str]:
    """The IRIs the tables of ``answers`` show (their first :data:`MAX_ROWS` rows)."""
    iris: set[str] = set()
    for res in answers:
        for row in res.rows[:MAX_ROWS]:
            iris.update(str(x) for x in row if isinstance(x, URIRef))
    return iris


def _cell(
    term: Node | None,
    label: Node | None,
    labels: dict[str, str],
    anchors: dict[str, str],
) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        text = str(label) if label is not None else (labels.get(iri) or short(iri))
        inner = f'<span title="{escape(iri)}">{escape(text)}</span>'
        if iri in anchors:
            return f'<a href="#{anchors[iri]}">{inner}</a>'
        return inner
    return short_text(str(term))


def answer_csv(result: QueryResult, limit: int | None = None) -> str:
    """The answer as CSV (IRIs in full, every column), at most ``limit`` rows."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(result.variables)
    for row in result.rows[:limit]:
        w.writerow(["" if t is None else str(t) for t in row])
    return buf.getvalue()


def answer_table(
    name: str,
    result: QueryResult,
    labels: dict[str, str],
    evidence: Evidence,
    events: frozenset[str] | set[str] = frozenset(),
) -> str:
    """The answer of saved question ``name`` as an HTML table (or a line, for ASK/graphs).

    ``events`` are the IRIs of drawn events: a row's evidence is the passages behind
    them, and only when it names none, behind whatever else it names.
    """
    if result.kind == "ask":
        return f"<p>Answer: <strong>{'yes' if result.boolean else 'no'}</strong></p>"
    if result.kind != "select":
        n = len(result.graph) if result.graph is not None else 0
        return f"<p>A graph of {n} triples (run it with <code>ckg query run</code> to see it).</p>"
    if not result.rows:
        return '<p class="muted">No rows: nothing in the store answers this question.</p>'
    anchors, behind = evidence.anchors, evidence.behind
    cols = columns(result.variables)
    shown = result.rows[:MAX_ROWS]
    has_evidence = any(isinstance(t, URIRef) and str(t) in behind for row in shown for t in row)
    head = "".join(f"<th>{escape(header_text(result.variables[i]))}</th>" for i, _ in cols)
    if has_evidence:
        head += "<th>evidence</th>"
    body = []
    previous: list[str] = []
    for row in shown:
        cells = []
        for k, (i, li) in enumerate(cols):
            html = _cell(row[i], row[li] if li is not None else None, labels, anchors)
            # A long paragraph repeated row after row is shown once.
            if len(html) > CELL_CHARS and k < len(previous) and previous[k] == html:
                cells.append('<td class="muted">same as above</td>')
            else:
                cells.append(f"<td>{html}</td>")
        current = [
            _cell(row[i], row[li] if li is not None else None, labels, anchors) for i, li in cols
        ]
        previous = current
        if has_evidence:
            # The passages behind the row's events; only when it names none, behind
            # whatever else it names (a group, a place: those have many claims each).
            named = [str(t) for t in row if isinstance(t, URIRef) and str(t) in behind]
            events_named = [i for i in named if i in events]
            links: list[str] = []
            for iri in events_named or named:
                for pid in behind[iri]:
                    if pid not in links:
                        links.append(pid)
            cells.append(
                "<td>"
                + " ".join(
                    f'<a class="passage-link" href="#{p}">¶{p.split("-")[1]}</a>' for p in links[:3]
                )
                + (f" +{len(links) - 3}" if len(links) > 3 else "")
                + "</td>"
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    total = len(result.rows)
    if total > MAX_ROWS:
        if total <= CSV_EMBED_ROWS:
            href = "data:text/csv;charset=utf-8," + quote(answer_csv(result))
            get = f'<a class="csv" download="{escape(name)}.csv" href="{href}">download all {total} rows as CSV</a>'
        else:
            get = (
                f"write all {total:,} rows with "
                f"<code>ckg query run {escape(name)} -f csv -o {escape(name)}.csv</code>"
            )
        more = f'<p class="more">First {MAX_ROWS} of {total:,} rows; {total - MAX_ROWS:,} more — {get}.</p>'
    elif total > 5:
        href = "data:text/csv;charset=utf-8," + quote(answer_csv(result))
        more = f'<p class="more"><a class="csv" download="{escape(name)}.csv" href="{href}">CSV</a></p>'
    return (
        f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>{more}"
    )


def questions_section(
    runs: Runs,
    attacks: int,
    labels: dict[str, str],
    evidence: Evidence,
    events: set[str],
) -> str:
    """The briefing's "Saved questions" section: every question's table, flagship first.

    ``attacks`` is the store's number, named when a question was skipped for it.
    """
    qparts = []
    for name in runs.in_order():
        if name in runs.failed:
            body = f'<p class="status bad">This question failed: {escape(runs.failed[name])}</p>'
        elif name in runs.skipped:
            body = (
                f'<p class="muted">Not run: on a store of {attacks:,} attacks the '
                f"briefing answers the flagship question only. Run "
                f"<code>ckg query run {escape(name)}</code>, or name it with "
                f"<code>ckg report --questions {escape(name)}</code>.</p>"
            )
        else:
            res = runs.answers[name]
            count = plural(len(res.rows), "row") if res.kind == "select" else ""
            body = (
                f'<p class="muted">{count}</p>{answer_table(name, res, labels, evidence, events)}'
            )
        qparts.append(
            f'<article class="question" id="q-{escape(name)}"><h3>{escape(runs.heading(name))}</h3>'
            f'<p class="muted">saved question <code>{escape(name)}</code></p>{body}</article>'
        )
    return f'<section id="questions"><h2>Saved questions</h2>{"".join(qparts) or "<p>None chosen.</p>"}</section>'
