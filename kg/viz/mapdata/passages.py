"""The words behind each event: the passages of the claims about it (or its operation).

A claim (``ckg:about`` the event) points at a passage — the exact sentence of a report,
its modality and its document. An event with no claim of its own shows the passages of
the coordinated operation it is part of, saying so (:attr:`Passage.via`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kg.store import Store
from kg.viz.mapdata.fetcher import Fetcher
from kg.viz.mapdata.model import MapData, Passage


def attach_passages(f: Fetcher, data: MapData) -> None:
    """Attach each claim's passage to the event it is about (or to its operation's parts)."""
    targets = sorted(set(data.events) | set(data.operations))
    if not targets:
        return
    # No nested OPTIONALs: Oxigraph evaluated the labels' and titles' OPTIONALs once per
    # claim (12 s for 1,400 ACLED claims under load); the few modalities and documents
    # are labelled afterwards in one small query each.
    query = """SELECT ?x ?c ?p ?text ?m ?d WHERE { {scope}
          ?c ckg:about ?x ; ckg:passage ?p . ?p ckg:text ?text .
          OPTIONAL { ?c ckg:modality ?m }
          OPTIONAL { ?p ckg:inDocument ?d }
        }"""
    if f.scan_events:
        # Claims are few next to events: read them all once rather than bind 100k IRIs.
        keep = set(targets)
        rows = [r for r in f.run(query, "x", None) if str(r[0]) in keep]
    else:
        rows = f.run(query, "x", targets)
    docs = sorted({str(r[5]) for r in rows if r[5] is not None})
    if docs:
        for d, dt in f.run("SELECT ?d ?t WHERE { {scope} ?d dcterms:title ?t }", "d", docs):
            f.note_label(d, dt)
    f.fetch_labels({str(r[4]) for r in rows if r[4] is not None})
    by_target: dict[str, dict[str, Passage]] = defaultdict(dict)
    for x, c, p, text, m, d in rows:
        key = f"{c}|{p}"
        if key not in by_target[str(x)]:
            by_target[str(x)][key] = Passage(
                text=str(text),
                modality=None if m is None else str(m),
                document=None,
                document_iri=None if d is None else str(d),
                passage_iri=str(p),
                claim_iri=str(c),
            )
    for items in by_target.values():
        for pas in items.values():
            if pas.modality:
                pas.modality = f.label(pas.modality)
            if pas.document_iri:
                pas.document = f.label(pas.document_iri)
    for key, ev in data.events.items():
        ev.passages = list(by_target.get(key, {}).values())
        if not ev.passages:
            for o in ev.operations:
                for pas in by_target.get(o, {}).values():
                    ev.passages.append(
                        Passage(
                            pas.text,
                            pas.modality,
                            pas.document,
                            pas.document_iri,
                            pas.passage_iri,
                            pas.claim_iri,
                            via=f.label(o),
                        )
                    )


def fetch_passages(store: Store, data: MapData, iris: Iterable[str]) -> None:
    """Attach their passages to the events ``iris`` of ``data`` (bound, a few at a time).

    For a big store, whose default map left passages out: the briefing fetches those of
    the findings it quotes.
    """
    f = Fetcher(store)
    keep = {i for i in iris if i in data.events}
    if not keep:
        return
    sub = MapData(title=data.title)
    for i in keep:
        ev = data.events[i]
        sub.events[i] = ev
        for o in ev.operations:
            if o in data.operations:
                sub.operations[o] = data.operations[o]
    attach_passages(f, sub)
