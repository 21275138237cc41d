"""Validating a 100-event batch in the context of stores of growing size, vs. a full run.

For each store size (synthetic events from ``benchmarks/synthetic.py`` plus the bundled
seed graph, in an embedded store on disk) this prints:

* the median time of :func:`kg.validation.validate_batch` for a batch of new attacks at
  the store's towns and posts (and the size of the neighbourhood pulled from the store);
* the time of :func:`kg.validation.validate_batch` for one bad batch (an attack before
  its perpetrator was founded), which also runs the baseline check;
* optionally, the time of a full :func:`kg.validation.validate_store` of the whole store
  with each engine — ``sparql`` (the shapes as SPARQL on Oxigraph, kg.validation.sparql)
  and ``pyshacl`` (the reference) — each in a subprocess stopped after
  ``--full-timeout`` seconds, with the same-run ratio and whether both found the same
  results (severity, shape, focus, path, value, message).

Usage::

    python benchmarks/bench_validate.py --events 100000 1000000 --full-at 100000
    python benchmarks/bench_validate.py --events 10000 --full-at 10000 --workdir /tmp/bv
    python benchmarks/bench_validate.py --events 1000000 --full-at 1000000 --full-only \
        --engines sparql --full-timeout 1200

Stores are built under ``--workdir`` (default: a new temporary folder) and reused when
``--workdir`` already holds them. Figures go to stdout; progress to stderr.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import queue as queue_module
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

GRAPH = "https://w3id.org/conflict-kg/graph/bench/synthetic"
BATCH_GRAPH = "https://w3id.org/conflict-kg/graph/doc/bench-batch"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build_store(folder: Path, events: int) -> float:
    """Create the store (bundled graphs + synthetic events) unless it exists; return seconds."""
    from kg.bundled import load_bundled
    from kg.embedded import open_store
    from kg.loading import load_files

    done = folder / "BENCH_READY"
    if done.exists():
        return 0.0
    t0 = time.perf_counter()
    nt = folder.parent / f"events-{events}.nt"
    log(f"writing {events:,} synthetic events to {nt}")
    synthetic.write_events(nt, events)
    store = open_store(folder)
    try:
        load_bundled(store)
        log(f"loading {nt.stat().st_size / 1e6:.0f} MB into {folder}")
        load_files(store, [nt], graph=GRAPH)
    finally:
        store.close()
    nt.unlink()
    done.write_text("ok\n")
    return time.perf_counter() - t0


def write_batch(path: Path, events: int, size: int, *, bad: bool = False) -> Path:
    """A batch of ``size`` new attacks at the store's synthetic towns (one bad if asked)."""
    n_towns = max(10, events // synthetic.EVENTS_PER_TOWN)
    lines = [
        "@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .",
        "@prefix ckgt: <https://w3id.org/conflict-kg/id/event-type/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "@base <https://w3id.org/conflict-kg/id/> .",
        f"<{BATCH_GRAPH}> {{",
    ]
    for i in range(size):
        town = (i * 7919) % n_towns
        day = "2012-06-01" if bad and i == 0 else f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
        lines.append(
            f'<event/bench/{i:04d}> a ckg:Attack ; rdfs:label "Bench attack {i}"@en ;\n'
            f'  ckg:eventType ckgt:attack ; ckg:startDate "{day}"^^xsd:date ;\n'
            f'  ckg:endDate "{day}"^^xsd:date ; ckg:datePrecision ckg:DayPrecision ;\n'
            f"  ckg:place <place/synthetic/T{town}> ; ckg:perpetrator <group/jnim> ;\n"
            f"  ckg:targetActor <group/fama> ; ckg:fatalities {i % 9} ."
        )
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def time_batch(
    folder: Path, batch: Path, runs: int
) -> tuple[float, list[float], int, int, bool, dict[str, float]]:
    from kg.embedded import open_store
    from kg.validation import parse_batch, validate_batch

    store = open_store(folder, create=False)
    try:
        parsed = parse_batch([batch])
        validate_batch(store, parsed)  # warm-up: imports, shapes and ontology parsed once
        times = []
        reports = []
        for _ in range(runs):
            t0 = time.perf_counter()
            reports.append(validate_batch(store, parsed))
            times.append(time.perf_counter() - t0)
    finally:
        store.close()
    median = statistics.median(times)
    report = reports[times.index(median)] if median in times else reports[-1]
    return (
        median,
        times,
        report.context_triples,
        len(report.results),
        report.conforms,
        report.timings,
    )


def _full(folder: str, engine: str, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    from kg.embedded import open_store
    from kg.validation import validate_store

    store = open_store(folder, create=False)
    try:
        t0 = time.perf_counter()
        report = validate_store(store, engine=engine, progress=log)
        keys = sorted(
            (r.severity, r.shape, str(r.focus), r.path or "", str(r.value), r.message)
            for r in report.results
        )
        queue.put((time.perf_counter() - t0, report.triples, keys, report.timings))
    finally:
        store.close()


def time_full(folder: Path, engine: str, timeout: float) -> dict[str, object]:
    """One full validation in a subprocess: seconds, triples, result keys (or why not)."""
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    proc = mp.Process(target=_full, args=(str(folder), engine, queue))
    t0 = time.perf_counter()
    proc.start()
    got = None
    while proc.is_alive() and time.perf_counter() - t0 < timeout:
        try:
            got = queue.get(timeout=1.0)
            break
        except queue_module.Empty:
            pass
    if got is None and not queue.empty():
        got = queue.get()
    proc.join(5)
    if proc.is_alive():
        proc.kill()
        proc.join()
    if got is None:
        elapsed = time.perf_counter() - t0
        if elapsed >= timeout:
            return {"text": f"did not finish in {timeout:.0f} s (stopped)"}
        return {"text": f"failed (exit {proc.exitcode}) after {elapsed:.0f} s"}
    seconds, triples, keys, timings = got
    steps = ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
    return {
        "seconds": seconds,
        "keys": keys,
        "text": f"{seconds:.1f} s for {triples:,} triples, {len(keys):,} results"
        + (f" ({steps})" if steps else ""),
    }


def main(argv: list[str] | None = None) -> int:
    """Build the stores, time the validations, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--batch", type=int, default=100, help="events in the batch (100)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per size (median)")
    parser.add_argument(
        "--full-at",
        type=int,
        nargs="*",
        default=[100_000],
        help="store sizes at which to time a full validate_store too",
    )
    parser.add_argument("--full-timeout", type=float, default=900.0)
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=("sparql", "pyshacl"),
        default=["sparql", "pyshacl"],
        help="engines of the full validation (both: same-run ratio and result check)",
    )
    parser.add_argument("--full-only", action="store_true", help="skip the batch timings")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-validate-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for events in args.events:
        folder = work / f"store-{events}"
        built = build_store(folder, events)
        if built:
            log(f"built the {events:,}-event store in {built:.0f} s")
        full: dict[str, dict[str, object]] = {}
        if events in (args.full_at or []):
            for engine in args.engines:
                log(f"full validate_store --engine {engine} at {events:,} events")
                full[engine] = time_full(folder, engine, args.full_timeout)
        if args.full_only:
            rows.append({"events": events, "full": full})
            continue
        good = write_batch(work / f"batch-{args.batch}.trig", events, args.batch)
        bad = write_batch(work / f"batch-{args.batch}-bad.trig", events, args.batch, bad=True)
        log(f"timing the batch at {events:,} events")
        median, times, context, results, conforms, steps = time_batch(folder, good, args.runs)
        bad_median, _t, _c, bad_results, bad_conforms, _s = time_batch(folder, bad, 1)
        rows.append(
            {
                "events": events,
                "median": median,
                "times": times,
                "context": context,
                "results": results,
                "conforms": conforms,
                "steps": steps,
                "bad": bad_median,
                "bad_results": bad_results,
                "bad_conforms": bad_conforms,
                "full": full,
            }
        )
    print(f"stores in {work}")
    print("full validate_store (whole store), per engine:")
    for r in rows:
        full = r["full"]
        for engine, got in full.items():
            print(f"{r['events']:>10,}  {engine:<8} {got['text']}")
        if "seconds" in full.get("sparql", {}) and "seconds" in full.get("pyshacl", {}):
            same = full["sparql"]["keys"] == full["pyshacl"]["keys"]
            ratio = full["pyshacl"]["seconds"] / full["sparql"]["seconds"]
            print(
                f"{r['events']:>10,}  same run: sparql is {ratio:.1f}x faster than pyshacl; "
                f"same results: {same}"
            )
    rows = [r for r in rows if "median" in r]
    if not rows:
        return 0
    print(
        f"validate_batch: {args.batch} new attacks, median of {args.runs} runs after a "
        f"warm-up; stores in {work}"
    )
    print(
        f"{'events':>10}  {'batch':>7}  {'runs (s)':<20}  {'store':>6}  {'pyshacl':>7}  "
        f"{'context':>7}  {'bad batch':>9}"
    )
    for r in rows:
        runs = ", ".join(f"{t:.2f}" for t in r["times"])
        steps = r["steps"]
        print(
            f"{r['events']:>10,}  {r['median']:>5.2f} s  {runs:<20}  "
            f"{steps.get('context', 0):>4.2f} s  {steps.get('shapes', 0):>5.2f} s  "
            f"{r['context']:>7,}  {r['bad']:>7.2f} s"
        )
        print(
            f"{'':>10}  good batch conforms={r['conforms']} ({r['results']} results); "
            f"bad batch conforms={r['bad_conforms']} ({r['bad_results']} results)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
