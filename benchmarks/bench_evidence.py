"""What issue 16's additions cost: ``--evidence``, the IRI check and ``--as-of``.

For each size (10k synthetic attacks by default; ``--sizes 10000 100000``):

1. writes the events with ``benchmarks/synthetic.py`` into two source graphs (even events
   in one issued 2020-01-01, odd ones in one issued 2025-01-01), each event with one
   ``ckg:Claim`` about it and its town, quoting a passage of its own;
2. times a plain answer of R rows (R = 100 and 1,000: attacks with their towns) and the
   evidence for it (:func:`kg.evidence.evidence_for`, one bound VALUES query per 400
   IRIs), and prints the ratio;
3. times the IRI check (:func:`kg.parameters.check_iri_params`) for a known id and for a
   typo (which reads up to 20,000 candidate ids for suggestions);
4. times building the as-of store (:func:`kg.asof.as_of_store`) for a date that keeps one
   of the two graphs, and the flagship on it, against the flagship on the whole store.

Usage::

    .venv/bin/python benchmarks/bench_evidence.py
    .venv/bin/python benchmarks/bench_evidence.py --sizes 10000 100000

Figures go to stdout; the script never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import synthetic

from kg.asof import as_of_store
from kg.catalogue import bind_params, get_question
from kg.embedded import EmbeddedStore, open_store
from kg.evidence import evidence_for
from kg.parameters import check_iri_params
from kg.terms import GRAPH

CKG = synthetic.CKG
ID = synthetic.ID
XSD = synthetic.XSD
DCT = "http://purl.org/dc/terms/"


def _build(folder: Path, events: int) -> EmbeddedStore:
    import pyoxigraph as ox

    store = open_store(folder / "store")
    graphs = {0: str(GRAPH["bench/old"]), 1: str(GRAPH["bench/new"])}
    lines: dict[int, list[str]] = {0: [], 1: []}
    for s, p, o in synthetic.iter_triples(events):
        # Events alternate between the two sources; places and groups stay in the old one.
        current = int(s[:-1].rsplit("/", 1)[-1].lstrip("SYN") or 0) % 2 if "/event/" in s else 0
        lines[current].append(f"{s} {p} {o} .\n")
        if p == f"<{CKG}place>":
            claim = s.replace("/event/", "/claim/")
            passage = s.replace("/event/", "/passage/")
            lines[current].append(
                f"{claim} <{CKG}about> {s} .\n{claim} <{CKG}about> {o} .\n"
                f"{claim} <{CKG}passage> {passage} .\n"
                f"{claim} <{CKG}modality> <{CKG}Reported> .\n"
                f'{passage} <{CKG}text> "The attack at {o[1:-1].rsplit("/", 1)[-1]}." .\n'
                f'{passage} <{CKG}paragraph> "{len(lines[current])}"^^<{XSD}integer> .\n'
                f"{passage} <{CKG}inDocument> <{ID}doc/bench/{current}> .\n"
            )
    for key, issued in ((0, "2020-01-01"), (1, "2025-01-01")):
        lines[key].append(f'<{ID}doc/bench/{key}> <{DCT}issued> "{issued}"^^<{XSD}date> .\n')
        data = "".join(lines[key]).encode("utf-8")
        store.db.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graphs[key]))
    refresh = getattr(store, "refresh_derived", None)
    if callable(refresh):
        refresh()
    return store


def _best(fn: Callable[..., Any], repeat: int, *args: Any) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    for events in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            store = _build(Path(tmp), events)
            print(f"## {events:,} attacks (built in {time.perf_counter() - t:.1f} s)")
            for rows in (100, 1000):
                text = (
                    f"SELECT ?event ?town WHERE {{ ?event a <{CKG}Attack> ; "
                    f"<{CKG}place> ?town }} "
                    f"ORDER BY ?event LIMIT {rows}"
                )
                q_time, result = _best(store.query, args.repeat, text)
                e_time, ev = _best(evidence_for, args.repeat, store, result)
                claims = sum(len(items) for items in ev)
                print(
                    f"evidence, {rows:>5} rows: answer {q_time:.3f} s, evidence {e_time:.3f} s "
                    f"({claims} claims), ratio {e_time / q_time:.1f}x"
                )
            question = get_question("events_timeline")
            for value in ("group/jnim", "group/jnm"):
                raw = {"actor": value}

                def check(store: Any, question: Any, raw: dict[str, str]) -> str:
                    try:
                        bindings = bind_params(question, raw)
                        check_iri_params(store, question, raw, bindings)
                        return "ok"
                    except Exception as exc:  # noqa: BLE001 - the typo's error is the point
                        return type(exc).__name__

                c_time, outcome = _best(check, args.repeat, store, question, raw)
                print(f"IRI check {value:<11} {c_time:.3f} s ({outcome})")
            flagship = get_question("towns_attacked_twice")
            bindings = bind_params(flagship, {})
            w_time, whole = _best(store.query, args.repeat, flagship.text, bindings)
            t = time.perf_counter()
            snapshot, selection = as_of_store(store, date(2021, 1, 1))
            build = time.perf_counter() - t
            s_time, part = _best(snapshot.query, args.repeat, flagship.text, bindings)
            snapshot.close()
            print(
                f"as-of 2021-01-01: built {build:.2f} s ({len(selection.chosen)} graphs kept), "
                f"flagship {s_time:.3f} s ({len(part.rows)} rows) vs whole store "
                f"{w_time:.3f} s ({len(whole.rows)} rows); build/whole-query ratio "
                f"{build / w_time:.1f}x"
            )
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
