"""The briefing: one self-contained HTML file an analyst can mail, print or open on a phone.

It leads with findings — what the store holds and what the saved questions found, the
flagship question first with its towns, dates, gap and the sentence behind each attack —
then the map and the timeline, then validation, then the details: the sources, every
question as a readable table (labels, not variable names; evidence links), and the claims
grouped by document, reports before reference data. Its size is bounded whatever the
store holds: tables show their first rows and say how many more (with a CSV link or the
command that writes them all), claims are capped per document. Nothing is fetched: styles,
script, map data and pictures are inside the file, and a Content-Security-Policy forbids
any request.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from urllib.parse import quote

from rdflib.namespace import DCTERMS
from rdflib.term import Node, URIRef

from kg.errors import CkgError
from kg.namespace import CKG
from kg.store import QueryResult, Store
from kg.viz import questions
from kg.viz.mapdata import Event, MapData, collect, fetch_passages, labels_for, short
from kg.viz.mapview import _asset, human_date, map_css, map_fragment, map_js, note_pairs
from kg.viz.timeline import TIMELINE_CSS, Pair, pairs_from_answer, timeline_fragment, timeline_scene

#: Rows of one answer shown in the briefing; the rest are counted and linked.
MAX_ROWS = 40
#: Rows beyond which an answer's CSV is not embedded (the command to write it is given).
CSV_EMBED_ROWS = 500
#: Attacks whose details (date, actor, passages) the briefing's map embeds: the map of a
#: standalone page embeds 20,000; a briefing to mail stays near 2 MB at 100k attacks.
MAP_DETAILS = 5000
#: Findings of the flagship question shown on the first screen.
MAX_FINDINGS = 8
#: Claims listed per document (the rest are counted).
MAX_CLAIMS_PER_DOCUMENT = 60
#: Up to this many claims in the store all are read; above, the first of each document
#: only (the rest are counted by one grouped query).
CLAIMS_IN_FULL_UP_TO = 5000
#: Above this many triples the briefing does not run the full validation itself: the
#: whole-store check would double a large briefing's time (about 40 s at 100k events,
#: docs/validation.md); ``ckg validate`` does it on demand.
VALIDATE_UP_TO_TRIPLES = 50_000
#: From this many attacks on, a briefing with no questions named runs only the flagship
#: and lists the others with the command that answers each: one saved question can take
#: minutes on 100k events, and a running query cannot be stopped half-way.
FLAGSHIP_ONLY_FROM = 10_000
#: A long text cell shows this many characters, the rest behind "more".
CELL_CHARS = 160

RECURRENCE_QUESTION = "towns_attacked_twice"
FLAGSHIP_TAG = "flagship"


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
    flagship: str | None = None
    findings: list[Pair] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def validation_status(
    store: Store, *, max_triples: int | None = VALIDATE_UP_TO_TRIPLES
) -> Validation:
    """Validate the store with the bundled shapes and say how it went, never failing.

    A store bigger than ``max_triples`` is not validated here — the full check reads the
    whole store into memory and takes minutes at 100k events — and the briefing says so
    and names the command that does it.
    """
    from kg import validation

    if max_triples is not None:
        try:
            total = sum(g.triples for g in store.graphs())
        except Exception:  # noqa: BLE001 - a count we cannot read is no reason to fail
            total = 0
        if total > max_triples:
            return Validation(
                "not validated",
                f"the store holds {total:,} triples; the briefing validates stores of up to "
                f"{max_triples:,} — run ckg validate for the full check",
            )
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


def claim_counts(store: Store) -> dict[str, int]:
    """Claims per document IRI (``""``: claims whose passage names no document)."""
    q = f"""PREFIX ckg: <{CKG._NS}>
SELECT ?doc (COUNT(DISTINCT ?claim) AS ?n) WHERE {{
  ?claim ckg:passage ?passage . ?passage ckg:text ?text .
  OPTIONAL {{ ?passage ckg:inDocument ?doc }}
}} GROUP BY ?doc"""
    out: dict[str, int] = {}
    for doc, n in store.query(q).rows:
        key = "" if doc is None else str(doc)
        out[key] = out.get(key, 0) + int(n or 0)
    return out


def _claims(store: Store, counts: dict[str, int] | None = None) -> list[dict]:
    """Claims with their passage, modality, statement, document and what they are about.

    Every claim when the store holds at most :data:`CLAIMS_IN_FULL_UP_TO`; else, per
    document, the first :data:`MAX_CLAIMS_PER_DOCUMENT` by passage (an ACLED import has
    one claim per row: 100k of them would be read only to be counted).
    """
    if counts is None or sum(counts.values()) <= CLAIMS_IN_FULL_UP_TO:
        return _claim_rows(store, "")
    out: list[dict] = []
    for doc in sorted(counts):
        if doc:
            scope = f"?passage ckg:inDocument {URIRef(doc).n3()} ."
        else:
            scope = "FILTER NOT EXISTS { ?passage ckg:inDocument ?anyDoc }"
        first = (
            f"{{ SELECT ?claim ?passage WHERE {{ ?claim ckg:passage ?passage . "
            f"?passage ckg:text ?anyText . {scope} }} "
            f"ORDER BY ?passage ?claim LIMIT {MAX_CLAIMS_PER_DOCUMENT} }}"
        )
        out.extend(_claim_rows(store, first))
    return out


def _claim_rows(store: Store, first: str) -> list[dict]:
    """The claims ``first`` (a sub-select of ?claim ?passage, or every claim) in full."""
    q = f"""PREFIX ckg: <{CKG._NS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?claim ?about ?passage ?text ?modality ?statement ?doc ?docTitle ?dataset WHERE {{
  {first}
  ?claim ckg:passage ?passage . ?passage ckg:text ?text .
  OPTIONAL {{ ?claim ckg:about ?about }}
  OPTIONAL {{ ?claim ckg:modality ?modality }}
  OPTIONAL {{ ?claim ckg:statement ?statement }}
  OPTIONAL {{ ?passage ckg:inDocument ?doc OPTIONAL {{ ?doc dcterms:title ?docTitle }}
             OPTIONAL {{ ?doc a ckg:Dataset BIND(true AS ?dataset) }} }}
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
    return list(claims.values())


def _natural(text: str) -> tuple:
    """A sort key that puts passage-9 before passage-10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def _documents(
    claims: list[dict], counts: dict[str, int] | None = None
) -> list[tuple[str, str, bool, list[dict], int]]:
    """Claims grouped by document, with each one's number of claims in the store.

    Reports come first (most claims first), then datasets.
    """
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for c in claims:
        by_doc[c["doc"]].append(c)
    out = []
    for doc, items in by_doc.items():
        items.sort(key=lambda c: (_natural(c["passage"]), _natural(c["claim"])))
        title = items[0]["docTitle"] or (short(doc) if doc else "no document")
        total = max((counts or {}).get(doc, 0), len(items))
        out.append((doc, title, any(c["dataset"] for c in items), items, total))
    out.sort(key=lambda d: (d[2], -d[4], d[1]))
    return out


# --------------------------------------------------------------------------- tables


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


#: Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko and their
#: presentation forms).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
#: A field of a list: what lies between commas, tabs and line ends.
_FIELD = re.compile("[^,\t\n]+")


def text_html(text: str) -> str:
    """``text`` escaped for HTML, each field holding right-to-left letters isolated.

    A GeoNames line lists alternate names in many scripts, then coordinates
    ("…,تمبكتو<TAB>19.7<TAB>-3.6…"): without isolation the numbers after an Arabic name
    join its right-to-left run and are shown reversed ("3.6- 19.7"). Each comma- or
    tab-separated field with such letters goes in ``<bdi>``, so it keeps its own
    direction and the rest reads left to right.
    """
    html = escape(text)
    if not _RTL.search(text):
        return html
    return _FIELD.sub(
        lambda m: f"<bdi>{m.group(0)}</bdi>" if _RTL.search(m.group(0)) else m.group(0), html
    )


def _short_text(text: str) -> str:
    if len(text) <= CELL_CHARS:
        return text_html(text)
    cut = text.rfind(" ", 0, CELL_CHARS - 20)
    cut = cut if cut > 40 else CELL_CHARS - 20
    return (
        f'<details class="long"><summary>{text_html(text[:cut])} …</summary>'
        f"{text_html(text[cut:])}</details>"
    )


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
    return _short_text(str(term))


def answer_csv(result: QueryResult, limit: int | None = None) -> str:
    """The answer as CSV (IRIs in full, every column), at most ``limit`` rows."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(result.variables)
    for row in result.rows[:limit]:
        w.writerow(["" if t is None else str(t) for t in row])
    return buf.getvalue()


def _table(
    name: str,
    result: QueryResult,
    labels: dict[str, str],
    anchors: dict[str, str],
    evidence: dict[str, list[str]],
    events: frozenset[str] | set[str] = frozenset(),
) -> str:
    if result.kind == "ask":
        return f"<p>Answer: <strong>{'yes' if result.boolean else 'no'}</strong></p>"
    if result.kind != "select":
        n = len(result.graph) if result.graph is not None else 0
        return f"<p>A graph of {n} triples (run it with <code>ckg query run</code> to see it).</p>"
    if not result.rows:
        return '<p class="muted">No rows: nothing in the store answers this question.</p>'
    cols = columns(result.variables)
    shown = result.rows[:MAX_ROWS]
    has_evidence = any(isinstance(t, URIRef) and str(t) in evidence for row in shown for t in row)
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
            named = [str(t) for t in row if isinstance(t, URIRef) and str(t) in evidence]
            events_named = [i for i in named if i in events]
            links = []
            for iri in events_named or named:
                for pid in evidence[iri]:
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


# --------------------------------------------------------------------------- findings


def _sentence(text: str, needles: list[str], limit: int = 360) -> str:
    """The sentence of ``text`` that names one of ``needles`` (else its first sentence)."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"'(])", text.strip())
    pick = next(
        (s for s in sentences if any(n and n.lower() in s.lower() for n in needles)),
        sentences[0] if sentences else text,
    )
    if len(pick) > limit:
        pick = pick[: limit - 1].rsplit(" ", 1)[0] + " …"
    return pick


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _finding(data: MapData, pair: Pair, row: dict, passage_ids: dict[str, str], i: int) -> str:
    first, second = data.events.get(pair.first), data.events.get(pair.second)
    town = row.get("townLabel") or (data.place_label(pair.town) if pair.town else "")
    if not town and first:
        town = data.place_label(data.town_of(first))
    region = row.get("regionLabel") or ""
    gap = pair.gap_days
    perps = row.get("perpetrators") or "; ".join(
        dict.fromkeys(lbl for e in (first, second) if e for _, lbl in e.perpetrators)
    )
    where = f"<strong>{escape(str(town))}</strong>" + (
        f' <span class="muted">({escape(str(region))})</span>' if region else ""
    )
    dates = " and ".join(escape(human_date(e)) for e in (first, second) if e)
    gap_text = (
        f'<span class="gap">{_plural(int(gap), "day")} apart</span>' if gap is not None else ""
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
                str(town).lower() not in p.text.lower(),
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
            f"<q>{text_html(_sentence(p.text, [str(town), e.label]))}</q>"
            f'<span class="src"> {escape(src)}{link}</span></li>'
        )
    return (
        f'<article class="finding" id="finding-{i}"><p class="what">{where}: attacked '
        f'{dates} — {gap_text}{by}.</p><ul class="behind">{"".join(quotes)}</ul></article>'
    )


def _store_summary(data: MapData, claims: int, docs: int) -> str:
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
            f" and {_plural(more_actors, 'other actor')}" if more_actors > 0 else ""
        )
    not_drawn = f" ({located:,} on the map)" if located != n else ""
    return (
        f"The store holds <strong>{_plural(n, 'attack')}</strong>{not_drawn}{span}, "
        f"at {_plural(len(towns), 'place')}{actor_text}; "
        f"{_plural(claims, 'claim')} from {_plural(docs, 'source')} say where the facts come from."
    )


# --------------------------------------------------------------------------- briefing


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
    :data:`FLAGSHIP_ONLY_FROM` attacks or more, with no names given, only the flagship
    runs; the others are listed with the command that answers them, so a 100k-event
    store gets its briefing in bounded time.
    """
    t0 = time.perf_counter()
    brief = Briefing(html="")
    catalogue = {q.name: q for q in questions.available()}
    named = question_names is not None
    if question_names is None:
        question_names = [q.name for q in catalogue.values() if q.runnable_without_input()]
    else:
        for name in question_names:
            questions.check(name)

    def lap(key: str, since: float) -> float:
        now = time.perf_counter()
        brief.timings[key] = brief.timings.get(key, 0.0) + now - since
        return now

    t = time.perf_counter()
    data = collect(store, title="Attacks" if not all_events else "Events", all_events=all_events)
    brief.data = data
    t = lap("look-up", t)

    answers: dict[str, QueryResult] = {}
    skipped: list[str] = []
    # The flagship runs first: the first screen is its answer.
    flagship = next(
        (n for n in question_names if FLAGSHIP_TAG in catalogue.get(n, questions.Question(n)).tags),
        RECURRENCE_QUESTION if RECURRENCE_QUESTION in catalogue else None,
    )
    brief.flagship = flagship
    order = sorted(question_names, key=lambda n: n != flagship)
    for name in order:
        if not named and name != flagship and len(data.events) >= FLAGSHIP_ONLY_FROM:
            skipped.append(name)
            continue
        try:
            answers[name] = questions.run(store, name)
        except CkgError as exc:
            brief.failed[name] = str(exc)
    brief.questions = [n for n in question_names if n in answers]
    brief.skipped = skipped
    t = lap("questions", t)

    recurrence = answers.get(RECURRENCE_QUESTION)
    if recurrence is None and RECURRENCE_QUESTION in catalogue:
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
    shown_pairs = [i for p in pairs[:MAX_FINDINGS] for i in (p.first, p.second)]
    data.fill_details(shown_pairs)  # a big store: labels and targets of the findings only
    if data.passages_skipped:  # a big store: fetch only the findings' passages
        fetch_passages(store, data, shown_pairs)
    note_pairs(data, pairs[:MAX_FINDINGS])
    window = (
        catalogue[RECURRENCE_QUESTION].defaults.get("window")
        if RECURRENCE_QUESTION in catalogue
        else None
    )
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
    counts = claim_counts(store)
    claims = _claims(store, counts)
    docs = _documents(claims, counts)
    n_claims = sum(counts.values())

    # Anchors: each passage once; claims link to passages, answers' IRIs to their claims.
    passage_ids: dict[str, str] = {}
    shown_claims: list[dict] = []
    for _doc, _title, _ds, items, _total in docs:
        shown_claims.extend(items[:MAX_CLAIMS_PER_DOCUMENT])
    finding_events = [
        data.events[i]
        for p in pairs[:MAX_FINDINGS]
        for i in (p.first, p.second)
        if i in data.events
    ]
    for e in finding_events:  # the findings' passages must have anchors too
        for p in e.passages:
            if p.passage_iri:
                passage_ids.setdefault(p.passage_iri, "")
    for c in shown_claims:
        passage_ids.setdefault(c["passage"], "")
    passage_ids = {k: f"passage-{i + 1}" for i, k in enumerate(passage_ids)}
    passage_text = {c["passage"]: c for c in claims}
    anchors: dict[str, str] = {}
    evidence: dict[str, list[str]] = defaultdict(list)
    # What the report says comes first: reported claims, then the rest, in document order.
    by_report = sorted(
        enumerate(shown_claims), key=lambda ic: (not ic[1]["modality"].endswith("Reported"), ic[0])
    )
    for i, c in enumerate(shown_claims):
        anchors.setdefault(c["claim"], f"claim-{i + 1}")
        for about in c["abouts"]:
            anchors.setdefault(about, f"claim-{i + 1}")
    for _i, c in by_report:
        for about in c["abouts"]:
            pid = passage_ids[c["passage"]]
            if pid not in evidence[about]:
                evidence[about].append(pid)

    event_iris = set(data.events) | set(data.operations)
    iris: set[str] = set()
    for res in answers.values():
        for row in res.rows[:MAX_ROWS]:
            iris.update(str(x) for x in row if isinstance(x, URIRef))
    iris.update(a for c in shown_claims for a in c["abouts"])
    iris.update(c["modality"] for c in shown_claims if c["modality"])
    labels = dict(data.labels)
    labels.update(labels_for(store, iris - set(labels)))
    t = lap("claims and labels", t)

    parts: list[str] = []
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")

    # -- first screen: what the store holds and what the questions found
    v = validation
    vshort = {
        "conforms": "conforms to the ontology's shapes",
        "violations": f"does not conform ({v.violations if v.violations is not None else 'some'} violations)",
        "error": "could not be validated",
        "not validated": "was not validated here",
    }[v.status]
    parts.append(f"""<header><h1>{escape(title)}</h1>
<p class="lead">{_store_summary(data, n_claims, len(docs))} The store {vshort} (<a href="#validation">details</a>).</p>
<nav class="toc" aria-label="contents"><a href="#findings">Findings</a> · <a href="#map-section">Map</a> ·
<a href="#timeline">Timeline</a> · <a href="#validation">Validation</a> · <a href="#sources">Sources</a> ·
<a href="#questions">Questions</a> · <a href="#claims">Claims and passages</a></nav></header>""")

    finding_html = []
    if flagship and flagship == RECURRENCE_QUESTION and recurrence is not None:
        q = catalogue[flagship]
        heading = questions.title(q.summary, q.defaults)
        rows = recurrence.dicts() if recurrence.kind == "select" else []
        # One finding per answer row, in the answer's order (its rows and pairs agree).
        by_town = {str(r.get("town")): r for r in rows}
        items = []
        for i, pair in enumerate(pairs[:MAX_FINDINGS]):
            row = {k: v for k, v in by_town.get(str(pair.town), {}).items() if v is not None}
            items.append(_finding(data, pair, row, passage_ids, i + 1))
        more = ""
        if len(rows) > MAX_FINDINGS:
            more = (
                f'<p class="more">{_plural(len(rows) - MAX_FINDINGS, "more town")} — '
                f'<a href="#q-{escape(flagship)}">all {len(rows):,} in the table</a>.</p>'
            )
        count = f"{_plural(len(rows), 'town')} found" if rows else "no town found"
        finding_html.append(
            f'<section class="flagship"><h3>{escape(heading)} — {count}</h3>'
            f"{''.join(items)}{more}</section>"
        )
    elif flagship and flagship in answers:
        q = catalogue[flagship]
        finding_html.append(
            f'<section class="flagship"><h3>{escape(questions.title(q.summary, q.defaults))}</h3>'
            f"{_table(flagship, answers[flagship], labels, anchors, evidence, event_iris)}</section>"
        )
    others = []
    for name in question_names:
        if name == flagship:
            continue
        q = catalogue.get(name)
        summary = questions.title(q.summary, q.defaults) if q else name
        if name in brief.failed:
            n_text = '<span class="bad">failed</span>'
        elif name in skipped:
            n_text = '<span class="muted">not run at this size</span>'
        else:
            res = answers[name]
            n_text = (
                _plural(len(res.rows), "row")
                if res.kind == "select"
                else ("yes" if res.boolean else "no")
                if res.kind == "ask"
                else "a graph"
            )
        others.append(
            f'<tr><td><a href="#q-{escape(name)}">{escape(summary)}</a></td>'
            f'<td class="num">{n_text}</td></tr>'
        )
    if others:
        finding_html.append(
            '<h3 class="others">What the other saved questions found</h3><div class="table-wrap">'
            '<table class="others"><tbody>' + "".join(others) + "</tbody></table></div>"
        )
    parts.append(f'<section id="findings"><h2>Findings</h2>{"".join(finding_html)}</section>')

    # -- pictures
    parts.append(
        f'<section id="map-section"><h2 id="map-heading">Map of attacks</h2>{map_fragment(data, "map", details=MAP_DETAILS)}</section>'
    )
    pair_text = ""
    if pairs:
        pair_text = (
            f"<p>Arcs join the {_plural(len(pairs), 'pair')} of attacks on one town that "
            f"the flagship question finds, labelled with the days between them.</p>"
        )
    parts.append(
        f'<section id="timeline"><h2>Timeline</h2>{pair_text}{timeline_fragment(tl)}</section>'
    )

    # -- validation
    badge = {"conforms": "ok", "violations": "bad", "error": "bad"}.get(v.status, "unknown")
    vtext = {
        "conforms": "The store conforms to the ontology's shapes"
        + (f" ({escape(v.detail)})." if v.detail else "."),
        "violations": f"The store does not conform: {v.violations if v.violations is not None else 'some'} "
        "violation(s). Run <code>ckg validate</code> for the full report.",
        "error": escape(v.detail),
        "not validated": "Not validated" + (f": {escape(v.detail)}." if v.detail else "."),
    }[v.status]
    parts.append(
        f'<section id="validation"><h2>Validation</h2><p class="status {badge}">'
        f"<strong>{escape(v.status)}</strong> — {vtext}</p></section>"
    )

    # -- details: sources
    rows_html = "".join(
        f"<tr><td>{escape(g.title or short(str(g.iri)))}<br><code>{escape(str(g.iri))}</code></td>"
        f"<td>{escape(g.source or '')}</td><td class=num>{g.triples:,}</td>"
        f"<td>{escape(g.loaded_at.strftime('%Y-%m-%d %H:%M') if g.loaded_at else '')}"
        f"{' (stale)' if g.stale else ''}</td></tr>"
        for g in graphs
    )
    parts.append(f"""<section id="sources"><h2>Sources loaded</h2>
<p class="muted">Generated {generated} from the store at <code>{escape(store.location)}</code>.</p>
<div class="table-wrap"><table><thead><tr><th>graph</th><th>source</th><th>triples</th><th>loaded</th></tr></thead>
<tbody>{rows_html or "<tr><td colspan=4>The store is empty.</td></tr>"}</tbody></table></div></section>""")

    # -- details: every question, flagship first
    qparts = []
    for name in sorted(question_names, key=lambda n: n != flagship):
        q = catalogue.get(name)
        heading = questions.title(q.summary, q.defaults) if q else name
        if name in brief.failed:
            body = f'<p class="status bad">This question failed: {escape(brief.failed[name])}</p>'
        elif name in skipped:
            body = (
                f'<p class="muted">Not run: on a store of {len(data.events):,} attacks the '
                f"briefing answers the flagship question only. Run "
                f"<code>ckg query run {escape(name)}</code>, or name it with "
                f"<code>ckg report --questions {escape(name)}</code>.</p>"
            )
        else:
            res = answers[name]
            count = _plural(len(res.rows), "row") if res.kind == "select" else ""
            body = f'<p class="muted">{count}</p>{_table(name, res, labels, anchors, evidence, event_iris)}'
        qparts.append(
            f'<article class="question" id="q-{escape(name)}"><h3>{escape(heading)}</h3>'
            f'<p class="muted">saved question <code>{escape(name)}</code></p>{body}</article>'
        )
    parts.append(
        f'<section id="questions"><h2>Saved questions</h2>{"".join(qparts) or "<p>None chosen.</p>"}</section>'
    )
    t = lap("tables", t)

    # -- details: claims by document, reports first
    cparts = []
    k = 0
    for doc, doc_title, is_dataset, items, total in docs:
        crow = []
        for c in items[:MAX_CLAIMS_PER_DOCUMENT]:
            k += 1
            about = "; ".join(labels.get(a) or short(a) for a in c["abouts"])
            modality = labels.get(c["modality"]) or (short(c["modality"]) if c["modality"] else "")
            pid = passage_ids[c["passage"]]
            crow.append(
                f'<tr id="{anchors.get(c["claim"], "")}"><td>{_short_text(c["statement"] or about)}</td>'
                f"<td>{escape(about)}</td><td>{escape(modality)}</td>"
                f'<td><a class="passage-link" href="#{pid}">passage {pid.split("-")[1]}</a></td></tr>'
            )
        more = ""
        if total > MAX_CLAIMS_PER_DOCUMENT:
            more = (
                f'<p class="more">First {MAX_CLAIMS_PER_DOCUMENT} of {total:,} claims; '
                f"list them all with <code>ckg query run claims_of_source -p document "
                f"{escape(short(doc) if doc else '')}</code>.</p>"
            )
        kind = "dataset (reference data)" if is_dataset else "document"
        cparts.append(
            f'<article class="document"><h3>{escape(doc_title)}</h3>'
            f'<p class="muted">{kind} · {_plural(total, "claim")}</p>'
            '<div class="table-wrap"><table class="claims"><thead><tr><th>claim</th><th>about</th>'
            f"<th>modality</th><th>source</th></tr></thead><tbody>{''.join(crow)}</tbody></table></div>"
            f"{more}</article>"
        )
    plist = []
    # Passages the events carry (the findings' on a big store), found once by IRI.
    event_passages = {
        p.passage_iri: p for e in data.events.values() for p in e.passages if p.passage_iri
    }
    for piri, pid in passage_ids.items():
        c = passage_text.get(piri)
        text, doc = None, ""
        if c is not None:
            text, doc = c["text"], c["docTitle"] or (short(c["doc"]) if c["doc"] else "")
        elif piri in event_passages:
            text, doc = event_passages[piri].text, event_passages[piri].document or ""
        plist.append(
            f'<li id="{pid}" value="{pid.split("-")[1]}"><blockquote><p>“{text_html(text or "")}”</p>'
            f"<footer>{escape(doc)}</footer></blockquote></li>"
        )
    parts.append(f"""<section id="claims"><h2>Claims and passages</h2>
{'<p class="muted">No claims in the store.</p>' if not claims else ""}{"".join(cparts)}
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
    lap("html", t)
    brief.seconds = time.perf_counter() - t0
    return brief
