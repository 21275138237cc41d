"""The claims behind the briefing: read by document, linked to their passages, listed.

Claims are grouped by document, reports before reference data. Their number is bounded
whatever the store holds: every claim is read up to :data:`CLAIMS_IN_FULL_UP_TO`; above,
the first :data:`MAX_CLAIMS_PER_DOCUMENT` of each document, the rest counted by one
grouped query. :func:`link_evidence` numbers the passages shown and says which passages
stand behind each IRI, so that a table row or a finding links to its words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from rdflib.term import URIRef

from kg.store import Store
from kg.terms import sparql_prefixes
from kg.viz.mapdata import Event, MapData, short
from kg.viz.report.text import plural, short_text, text_html

#: Claims listed per document (the rest are counted).
MAX_CLAIMS_PER_DOCUMENT = 60
#: Up to this many claims in the store all are read; above, the first of each document
#: only (the rest are counted by one grouped query).
CLAIMS_IN_FULL_UP_TO = 5000


@dataclass
class Claim:
    """A claim with its passage, modality, statement, document and what it is about.

    Every value is text, ``""`` when the store has none.
    """

    claim: str
    passage: str
    text: str
    modality: str
    statement: str
    doc: str
    doc_title: str
    dataset: bool
    abouts: list[str] = field(default_factory=list)


@dataclass
class Document:
    """The claims read of one document (``iri`` ``""``: claims with no document)."""

    iri: str
    title: str
    dataset: bool
    #: The claims read, in passage order.
    claims: list[Claim]
    #: How many claims the store holds of it.
    total: int

    def shown(self) -> list[Claim]:
        """The claims the briefing lists."""
        return self.claims[:MAX_CLAIMS_PER_DOCUMENT]


@dataclass
class Claims:
    """What the briefing reads of the store's claims."""

    #: Claims per document IRI, in the store.
    counts: dict[str, int]
    claims: list[Claim]
    documents: list[Document]

    @property
    def total(self) -> int:
        """Claims in the store."""
        return sum(self.counts.values())

    def shown(self) -> list[Claim]:
        """The claims the briefing lists, document by document."""
        return [c for d in self.documents for c in d.shown()]


@dataclass
class Evidence:
    """Where the briefing's links point."""

    #: Passage IRI → its anchor (``passage-N``), each passage once.
    passage_ids: dict[str, str]
    #: A claim's or claimed-about IRI → the anchor of its (first) claim row.
    anchors: dict[str, str]
    #: IRI → the anchors of the passages behind it, reported claims first.
    behind: dict[str, list[str]]


def claim_counts(store: Store) -> dict[str, int]:
    """Claims per document IRI (``""``: claims whose passage names no document)."""
    q = (
        sparql_prefixes("ckg")
        + """SELECT ?doc (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim ckg:passage ?passage . ?passage ckg:text ?text .
  OPTIONAL { ?passage ckg:inDocument ?doc }
} GROUP BY ?doc"""
    )
    out: dict[str, int] = {}
    for doc, n in store.query(q).rows:
        key = "" if doc is None else str(doc)
        out[key] = out.get(key, 0) + int(str(n or 0))
    return out


def read_claims(store: Store) -> Claims:
    """The store's claims as the briefing shows them: counted, read (bounded), grouped."""
    counts = claim_counts(store)
    claims = _claims(store, counts)
    return Claims(counts, claims, _documents(claims, counts))


def _claims(store: Store, counts: dict[str, int]) -> list[Claim]:
    """Every claim when the store holds at most :data:`CLAIMS_IN_FULL_UP_TO`; else, per
    document, the first :data:`MAX_CLAIMS_PER_DOCUMENT` by passage (an ACLED import has
    one claim per row: 100k of them would be read only to be counted)."""
    if sum(counts.values()) <= CLAIMS_IN_FULL_UP_TO:
        return _claim_rows(store, "")
    out: list[Claim] = []
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


def _claim_rows(store: Store, first: str) -> list[Claim]:
    """The claims ``first`` (a sub-select of ?claim ?passage, or every claim) in full."""
    q = (
        sparql_prefixes("ckg", "dcterms")
        + f"""
SELECT ?claim ?about ?passage ?text ?modality ?statement ?doc ?docTitle ?dataset WHERE {{
  {first}
  ?claim ckg:passage ?passage . ?passage ckg:text ?text .
  OPTIONAL {{ ?claim ckg:about ?about }}
  OPTIONAL {{ ?claim ckg:modality ?modality }}
  OPTIONAL {{ ?claim ckg:statement ?statement }}
  OPTIONAL {{ ?passage ckg:inDocument ?doc OPTIONAL {{ ?doc dcterms:title ?docTitle }}
             OPTIONAL {{ ?doc a ckg:Dataset BIND(true AS ?dataset) }} }}
}}"""
    )
    claims: dict[str, Claim] = {}
    for row in store.query(q).dicts():
        text = {k: ("" if v is None else str(v)) for k, v in row.items()}
        c = claims.get(text["claim"])
        if c is None:
            c = claims[text["claim"]] = Claim(
                claim=text["claim"],
                passage=text["passage"],
                text=text["text"],
                modality=text["modality"],
                statement=text["statement"],
                doc=text["doc"],
                doc_title=text["docTitle"],
                dataset=bool(text["dataset"]),
            )
        if row["about"] is not None and text["about"] not in c.abouts:
            c.abouts.append(text["about"])
    return list(claims.values())


def _natural(text: str) -> tuple[int | str, ...]:
    """A sort key that puts passage-9 before passage-10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def _documents(claims: list[Claim], counts: dict[str, int]) -> list[Document]:
    """Claims grouped by document, with each one's number of claims in the store.

    Reports come first (most claims first), then datasets.
    """
    by_doc: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_doc[c.doc].append(c)
    out = []
    for doc, items in by_doc.items():
        items.sort(key=lambda c: (_natural(c.passage), _natural(c.claim)))
        title = items[0].doc_title or (short(doc) if doc else "no document")
        total = max(counts.get(doc, 0), len(items))
        out.append(Document(doc, title, any(c.dataset for c in items), items, total))
    out.sort(key=lambda d: (d.dataset, -d.total, d.title))
    return out


def link_evidence(claims: Claims, findings: Iterable[Event]) -> Evidence:
    """Anchors for the passages of the claims shown and of the ``findings``' events.

    Each passage is numbered once; claims link to passages, and each IRI a claim is
    about to the passages behind it — what the report says first, then the rest, in
    document order.
    """
    shown = claims.shown()
    passage_ids: dict[str, str] = {}
    for e in findings:  # the findings' passages must have anchors too
        for p in e.passages:
            if p.passage_iri:
                passage_ids.setdefault(p.passage_iri, "")
    for c in shown:
        passage_ids.setdefault(c.passage, "")
    passage_ids = {k: f"passage-{i + 1}" for i, k in enumerate(passage_ids)}
    anchors: dict[str, str] = {}
    behind: dict[str, list[str]] = defaultdict(list)
    by_report = sorted(
        enumerate(shown), key=lambda ic: (not ic[1].modality.endswith("Reported"), ic[0])
    )
    for i, c in enumerate(shown):
        anchors.setdefault(c.claim, f"claim-{i + 1}")
        for about in c.abouts:
            anchors.setdefault(about, f"claim-{i + 1}")
    for _i, c in by_report:
        for about in c.abouts:
            pid = passage_ids[c.passage]
            if pid not in behind[about]:
                behind[about].append(pid)
    return Evidence(passage_ids, anchors, dict(behind))


def claims_section(
    claims: Claims, evidence: Evidence, labels: dict[str, str], data: MapData
) -> str:
    """The briefing's last section: claims by document, reports first, then the passages.

    A passage no claim shown carries (a finding's, on a big store) is taken from the
    events of ``data``.
    """
    cparts = []
    for doc in claims.documents:
        crow = []
        for c in doc.shown():
            about = "; ".join(labels.get(a) or short(a) for a in c.abouts)
            modality = labels.get(c.modality) or (short(c.modality) if c.modality else "")
            pid = evidence.passage_ids[c.passage]
            crow.append(
                f'<tr id="{evidence.anchors.get(c.claim, "")}"><td>{short_text(c.statement or about)}</td>'
                f"<td>{escape(about)}</td><td>{escape(modality)}</td>"
                f'<td><a class="passage-link" href="#{pid}">passage {pid.split("-")[1]}</a></td></tr>'
            )
        more = ""
        if doc.total > MAX_CLAIMS_PER_DOCUMENT:
            more = (
                f'<p class="more">First {MAX_CLAIMS_PER_DOCUMENT} of {doc.total:,} claims; '
                f"list them all with <code>ckg query run claims_of_source -p document "
                f"{escape(short(doc.iri) if doc.iri else '')}</code>.</p>"
            )
        kind = "dataset (reference data)" if doc.dataset else "document"
        cparts.append(
            f'<article class="document"><h3>{escape(doc.title)}</h3>'
            f'<p class="muted">{kind} · {plural(doc.total, "claim")}</p>'
            '<div class="table-wrap"><table class="claims"><thead><tr><th>claim</th><th>about</th>'
            f"<th>modality</th><th>source</th></tr></thead><tbody>{''.join(crow)}</tbody></table></div>"
            f"{more}</article>"
        )
    passage_text = {c.passage: c for c in claims.claims}
    # Passages the events carry (the findings' on a big store), found once by IRI.
    event_passages = {
        p.passage_iri: p for e in data.events.values() for p in e.passages if p.passage_iri
    }
    plist = []
    for piri, pid in evidence.passage_ids.items():
        claim = passage_text.get(piri)
        text, source = None, ""
        if claim is not None:
            text, source = claim.text, claim.doc_title or (short(claim.doc) if claim.doc else "")
        elif piri in event_passages:
            text, source = event_passages[piri].text, event_passages[piri].document or ""
        plist.append(
            f'<li id="{pid}" value="{pid.split("-")[1]}"><blockquote><p>“{text_html(text or "")}”</p>'
            f"<footer>{escape(source)}</footer></blockquote></li>"
        )
    return f"""<section id="claims"><h2>Claims and passages</h2>
{'<p class="muted">No claims in the store.</p>' if not claims.claims else ""}{"".join(cparts)}
<h3>Passages</h3><ol class="passages">{"".join(plist)}</ol></section>"""
