"""Reasoning benchmark: ``ckg reason`` on the seed graph and on synthetic events.

What it measures, each size in a fresh child process (so peak memory is that run's own):

* the seed graph (``ckg load --bundled``), with the ``rules`` engine and, for contrast,
  the owlrl library's full closure (``--engine owlrl``);
* 10k and 100k synthetic attack events (``benchmarks/synthetic.py``, ~15 triples each)
  loaded into a fresh embedded store next to the bundled data, then ``ckg reason``.

For each run it prints the asserted and inferred triple counts, the time to read the
store, to run the rules and to write the inferred graph, the total, the total of a second
run (which replaces the first one's graph), the clashes found, and the peak resident
memory; then the seconds per 1,000 events, which stay flat when
growth is linear. The target is 100k events in under 2 minutes on 2 cores.

Usage::

    .venv/bin/python benchmarks/bench_reason.py                    # seed, 10k, 100k
    .venv/bin/python benchmarks/bench_reason.py --events 1000 5000  # other sizes
    .venv/bin/python benchmarks/bench_reason.py --owlrl-events 1000 # owlrl at 1k too

Figures go to stdout; the script never fails on a slow figure (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _one(events: int, engine: str) -> dict[str, object]:
    """Load the bundled data plus ``events`` synthetic events, reason, and measure."""
    sys.path.insert(0, str(HERE))
    import synthetic

    from kg.bundled import load_bundled
    from kg.embedded import open_store
    from kg.loading import load_sources, source_for_file
    from kg.reasoning import reason

    with tempfile.TemporaryDirectory(prefix="ckg-bench-reason-") as tmp:
        store = open_store(Path(tmp) / "store")
        try:
            t0 = time.perf_counter()
            load_bundled(store)
            if events:
                path = Path(tmp) / "events.nt"
                synthetic.write_events(path, events)
                load_sources(store, [source_for_file(path, None)], bulk=events >= 50_000)
            load_seconds = time.perf_counter() - t0
            asserted = sum(i.triples for i in store.graphs())
            result = reason(store, engine=engine)
            inferred = {str(i.iri): i.triples for i in store.graphs()}[
                "https://w3id.org/conflict-kg/graph/inferred"
            ]
            # A second run replaces the first one's graph: the everyday case.
            again = reason(store, engine=engine).seconds
        finally:
            store.close()
    return {
        "events": events,
        "engine": engine,
        "asserted": asserted,
        "inferred": inferred,
        "load_s": round(load_seconds, 2),
        "read_s": round(result.timings.get("read", 0.0), 2),
        "rules_s": round(result.timings.get("closure", 0.0), 2),
        "write_s": round(result.timings.get("write", 0.0), 2),
        "reason_s": round(result.seconds, 2),
        "again_s": round(again, 2),
        "clashes": result.clash_count,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _child(events: int, engine: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(events), "--engine", engine],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Run the sizes asked for and print one line of figures per run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--events",
        type=int,
        nargs="*",
        default=[10_000, 100_000],
        help="synthetic sizes (default 10000 100000); the seed graph is always run",
    )
    parser.add_argument(
        "--owlrl-events",
        type=int,
        nargs="*",
        default=[],
        help="synthetic sizes to run with the owlrl library too (slow)",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="rules", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(_one(args.one, args.engine)))
        return 0

    runs = [(0, "rules"), (0, "owlrl")]
    runs += [(n, "rules") for n in args.events]
    runs += [(n, "owlrl") for n in args.owlrl_events]
    header = (
        f"{'events':>8} {'engine':>6} {'asserted':>10} {'inferred':>10} {'load s':>7} "
        f"{'read s':>7} {'rules s':>7} {'write s':>7} {'reason s':>8} {'clashes':>8} "
        f"{'RSS MB':>7}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for events, engine in runs:
        r = _child(events, engine)
        rows.append(r)
        label = "seed" if not events else f"{events:,}"
        print(
            f"{label:>8} {engine:>6} {r['asserted']:>10,} {r['inferred']:>10,} {r['load_s']:>7} "
            f"{r['read_s']:>7} {r['rules_s']:>7} {r['write_s']:>7} {r['reason_s']:>8} {r['again_s']:>7} "
            f"{r['clashes']:>8,} {r['peak_rss_mb']:>7}",
            flush=True,
        )
    sized = [r for r in rows if r["events"] and r["engine"] == "rules"]
    if len(sized) > 1:
        print("\nseconds of `ckg reason` per 1,000 events (flat = linear):")
        for r in sized:
            per = float(r["reason_s"]) / (int(r["events"]) / 1000)  # type: ignore[arg-type]
            print(f"  {int(r['events']):>9,} events: {per:.3f} s")  # type: ignore[call-overload]
        big = max(sized, key=lambda r: int(r["events"]))  # type: ignore[arg-type]
        if int(big["events"]) >= 100_000:  # type: ignore[call-overload]
            verdict = "meets" if float(big["reason_s"]) < 120 else "misses"  # type: ignore[arg-type]
            print(f"target 100k events < 120 s: {verdict} ({big['reason_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
