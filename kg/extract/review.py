"""Extracting documents into staging, and reviewing candidates: accept, reject, edit.

Accepting goes through the gate of ``ckg add``: the claims' payloads (see
:func:`kg.extract.staging.payload`) form one :class:`kg.validation.Batch` for the
document's graph, validated by :func:`kg.validation.validate_batch` in the context of the
store and written by :func:`kg.validation.commit_batch` only if it conforms. When the gate
refuses, the candidates whose nodes the violations name are marked ``ckg:Refused`` with the
gate's message, and the rest are tried again; nothing that does not conform is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import UsageError
from kg.extract.candidates import Triples, candidate_graph
from kg.extract.dates import Reference
from kg.extract.extractor import Extraction, extract_document
from kg.extract.names import NameFinder
from kg.extract.staging import (
    StagedCandidate,
    StagedGraph,
    StagingStore,
    document_graph,
    list_candidates,
    open_staging,
    payload,
    staging_graph,
)
from kg.extract.text import Document, read_document
from kg.namespace import CKG
from kg.resolve import Resolver, resolver_from_store, slug
from kg.store import Store
from kg.terms import ID


@dataclass
class ExtractReport:
    """What extracting one file did."""

    path: str
    doc: str
    graph: URIRef
    extraction: Extraction
    triples: int
    data: Triples = field(default_factory=Triples)


def make_finder(store: Store, country: str | None = None) -> NameFinder:
    """A :class:`NameFinder` over what ``store`` knows; ``country`` names the default country."""
    resolver: Resolver = resolver_from_store(store)
    finder = NameFinder(resolver)
    if country:
        # The name serves ACLED-style actor names ("Military Forces of Niger") even when the
        # store has no such country; new places are put in it only when it is known.
        res = resolver.resolve_admin(country, "country")
        if res.iri is not None:
            finder.countries.append(res.iri)
        finder.default_country = country
    return finder


def extract_files(
    store: Store,
    paths: Sequence[str | Path],
    *,
    reference: Reference | None = None,
    encoding: str | None = None,
    country: str | None = None,
    write: bool = True,
    replace: bool = False,
    staging: StagingStore | None = None,
) -> list[ExtractReport]:
    """Extract each file into its staging graph (``write=False``: into each report's data,
    for the document's graph, without review statuses).

    Names resolve against ``store``; candidates go to ``staging`` (default: the staging
    store of ``store``, opened and closed here). A document whose staging graph already
    holds reviewed candidates (accepted, rejected or refused) is extracted again only with
    ``replace``: the review would be lost.

    Every file is read and extracted before anything is written, so a bad file leaves the
    stores unchanged.
    """
    docs = [read_document(p, encoding=encoding) for p in paths]
    if not write:
        return _extract(store, docs, reference, country, write=False)
    own = staging is None
    staging = staging or open_staging(store)
    try:
        if not replace:
            for doc in docs:
                doc_slug = slug(Path(doc.path).stem)
                if staging.has(doc_slug):
                    reviewed = [
                        c for c in list_candidates(staging, doc_slug) if c.status != "pending"
                    ]
                    if reviewed:
                        raise UsageError(
                            f"{doc.path}: {doc_slug} is staged with {len(reviewed)} reviewed "
                            "candidates; extracting it again replaces them: add --replace"
                        )
        reports = _extract(store, docs, reference, country, write=True)
        for report in reports:
            staging.write(
                report.doc,
                report.data,
                source=f"ckg extract {report.path}",
                title=f"candidates from {report.extraction.document.title}",
            )
    finally:
        if own:
            staging.close()
    return reports


def _extract(
    store: Store,
    docs: Sequence[Document],
    reference: Reference | None,
    country: str | None,
    *,
    write: bool,
) -> list[ExtractReport]:
    finder = make_finder(store, country)
    reports = []
    for doc in docs:
        doc_slug = slug(Path(doc.path).stem)
        if not country:
            # The document's country: the one it names most often (for new places, and for
            # "the army" or "soldiers" without a demonym).
            _guess_country(finder, doc.text)
        ex = extract_document(doc, finder, reference)
        g = candidate_graph(ex, doc_slug, finder=finder, with_status=write)
        target = staging_graph(doc_slug) if write else document_graph(doc_slug)
        reports.append(ExtractReport(doc.path, doc_slug, target, ex, len(g), g))
    return reports


def _guess_country(finder: NameFinder, text: str) -> None:
    finder.countries.clear()
    finder.default_country = None
    finder.clear_cache()
    counts: dict[str, int] = {}
    for m in finder.find(text):
        if m.kind == "place" and m.level == "country" and m.iri:
            counts[m.iri] = counts.get(m.iri, 0) + 1
    if counts:
        best = max(counts, key=lambda k: counts[k])
        finder.countries.append(best)
        entry = finder.resolver.place(best)
        finder.default_country = entry.label if entry else None
        finder.clear_cache()


@dataclass
class ReviewOutcome:
    """What a review action did: accepted and refused candidates (with the gate's reasons)."""

    accepted: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    triples: int = 0


def accept(
    store: Store, staging: StagingStore, doc_slug: str, chosen: Sequence[StagedCandidate]
) -> ReviewOutcome:
    """Commit the chosen candidates through the gate; mark refused ones with the reason.

    Crash-safe: statuses change in the staging store only after the main store committed.
    A candidate whose payload the document's graph already holds (a run stopped between
    the two writes) is marked accepted without writing again, so accepting twice is the
    same as accepting once.
    """
    from kg.validation import Batch, commit_batch, validate_batch

    g = StagedGraph(staging, doc_slug)
    outcome = ReviewOutcome()
    remaining = [c for c in chosen if c.status in ("pending", "refused")]
    payloads = {c.id: payload(g, c.claim) for c in remaining}
    target = document_graph(doc_slug)
    if remaining and any(info.iri == target for info in store.graphs()):
        held = _holds(store, target)
        done = [c for c in remaining if all(held(t) for t in payloads[c.id])]
        outcome.accepted.extend(c.id for c in done)
        remaining = [c for c in remaining if c not in done]
    for _round in range(5):
        if not remaining:
            break
        batch_graph = Graph()
        for c in remaining:
            batch_graph += payloads[c.id]
        batch = Batch(graphs={target: batch_graph}, files=[f"staging graph of {doc_slug}"])
        batch.origin[target] = batch.files
        report = validate_batch(store, batch)
        blocking = report.blocking()
        if not blocking:
            commit_batch(store, batch, source=f"ckg review --accept ({doc_slug})")
            outcome.accepted.extend(c.id for c in remaining)
            outcome.triples += len(batch_graph)
            break
        refused_now: dict[str, str] = {}
        for r in blocking:
            for c in remaining:
                if (r.focus, None, None) in payloads[c.id] and c.id not in refused_now:
                    refused_now[c.id] = _reason(r)
        if not refused_now:  # a violation on no candidate's own node: refuse them all
            text = "; ".join(_reason(r) for r in blocking[:3])
            refused_now = {c.id: text for c in remaining}
        outcome.refused.update(refused_now)
        remaining = [c for c in remaining if c.id not in refused_now]
    statuses = {i: CKG.Accepted for i in outcome.accepted}
    statuses.update({i: CKG.Refused for i in outcome.refused})
    _set_status(staging, doc_slug, statuses, outcome.refused)
    return outcome


def _holds(store: Store, graph: URIRef) -> Callable[[tuple[Node, Node, Node]], bool]:
    """Whether ``graph`` of the store holds a triple: an index look-up on an embedded store."""
    from kg.embedded import EmbeddedStore, to_ox

    if isinstance(store, EmbeddedStore):
        embedded = store
        node = ox.NamedNode(str(graph))
        # Through the store object, not its pyoxigraph store: a closure kept alive past
        # store.close() must not keep RocksDB's lock (only the last reference releases it).
        return lambda t: ox.Quad(to_ox(t[0]), to_ox(t[1]), to_ox(t[2]), node) in embedded.db
    held = store.export_graph(graph)
    return lambda t: t in held


def _reason(r: object) -> str:
    message, label = str(getattr(r, "message", "")), str(getattr(r, "focus_label", ""))
    text = message if label and label in message else f"{label}: {message}"
    fix = getattr(r, "fix", None)
    return f"{text} ({fix})" if fix else text


def reject(
    staging: StagingStore, doc_slug: str, chosen: Sequence[StagedCandidate]
) -> ReviewOutcome:
    """Mark the chosen candidates rejected (they stay in staging)."""
    outcome = ReviewOutcome(rejected=[c.id for c in chosen if c.status != "accepted"])
    _set_status(staging, doc_slug, {i: CKG.Rejected for i in outcome.rejected}, {})
    return outcome


def _set_status(
    staging: StagingStore, doc_slug: str, statuses: dict[str, URIRef], notes: dict[str, str]
) -> None:
    """Set the status (and review note) of candidates, all in one transaction."""
    remove: list[ox.Triple] = []
    add: list[ox.Triple] = []
    for claim_id, status in statuses.items():
        claim = ox.NamedNode(str(_claim_iri(claim_id)))
        for prop in (CKG.candidateStatus, CKG.reviewNote):
            remove.extend(staging.values(doc_slug, claim, ox.NamedNode(str(prop))))
        add.append(ox.Triple(claim, ox.NamedNode(str(CKG.candidateStatus)), ox.NamedNode(status)))
        if claim_id in notes:
            add.append(
                ox.Triple(claim, ox.NamedNode(str(CKG.reviewNote)), ox.Literal(notes[claim_id]))
            )
    staging.change(doc_slug, remove, add)


def _claim_iri(claim_id: str) -> URIRef:
    doc_slug, _, local = claim_id.partition("/")
    return ID[f"claim/extract/{doc_slug}/{local}"]


_DATE_PROPS = {"startDate", "endDate", "announcedDate"}
_MODALITIES = ("Reported", "ClaimedByParty", "Confirmed", "AuthorAssessment", "AuthorForecast")


def edit(
    staging: StagingStore, doc_slug: str, cand: StagedCandidate, prop: str, value: str
) -> Node:
    """Set ``prop`` (a ckg term: modality on the claim, anything else on what it asserts)."""
    from kg.embedded import to_ox
    from kg.formats import PREFIXES

    if cand.status == "accepted":
        raise UsageError(
            f"candidate {cand.id} is already in the store; correct the data there (ckg add)"
        )
    try:
        term = URIRef(getattr(CKG, prop))
    except AttributeError:
        raise UsageError(
            f"{prop!r} is not a term of the ontology (e.g. place, startDate, modality)"
        ) from None
    if prop in _DATE_PROPS:
        try:
            Reference.parse(value)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        obj: Node = Literal(value, datatype=XSD.date)
    elif ":" in value:
        prefix, _, local = value.partition(":")
        if prefix in PREFIXES:
            obj = URIRef(PREFIXES[prefix] + local)
        elif value.startswith(("http://", "https://")):
            obj = URIRef(value)
        else:
            obj = Literal(value)
    elif prop == "modality":
        if value not in _MODALITIES:
            raise UsageError(f"modality must be one of {', '.join(_MODALITIES)}, not {value!r}")
        obj = URIRef(getattr(CKG, value))
    else:
        obj = Literal(int(value)) if value.isdigit() else Literal(value)
    if prop in ("modality", "claimant", "statement", "confidence"):
        subject: Node = cand.claim
    else:
        minted = [URIRef(a) for a in cand.about if "/extract/" in a]
        if not minted:
            raise UsageError(
                f"candidate {cand.id} asserts no node of its own to edit; edit modality"
            )
        subject = minted[0]
    s, p = to_ox(subject), to_ox(term)
    staging.change(doc_slug, staging.values(doc_slug, s, p), [ox.Triple(s, p, to_ox(obj))])
    return obj
