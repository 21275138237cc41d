"""What issue 19's write-path guards cost: the ontology guard and bounded parsing.

For each size (10k synthetic attacks by default; ``--sizes 10000 100000``):

1. writes the events with ``benchmarks/synthetic.py`` as N-Triples and as Turtle;
2. loads each into a fresh store (no shape validation) with the guards off (``LoadPolicy()`` without a guard:
   protected-graph and empty-source checks only) and on (the :class:`kg.axioms.OntologyGuard`
   that ``ckg load`` uses), best of ``--repeat``, and prints the ratio;
   Then the guard alone over the parsed triples, against parsing them (same run);
3. times :func:`kg.parsing.preflight` (nesting scan) on the Turtle bytes, and on an RDF/XML
   'billion laughs' file of 8 levels (refused before expansion);
4. times :func:`kg.axioms.guard_batch` over a parsed ``ckg add`` batch of 1,000 events.

Usage::

    .venv/bin/python benchmarks/bench_guard.py
    .venv/bin/python benchmarks/bench_guard.py --sizes 10000 100000

Figures go to stdout; the script never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import synthetic

from kg.axioms import OntologyGuard, guard_batch
from kg.embedded import open_store
from kg.errors import InputError
from kg.loading import LoadPolicy, load_files
from kg.parsing import preflight
from kg.validation import parse_batch


def _load(path: Path, folder: Path, guarded: bool) -> float:
    shutil.rmtree(folder, ignore_errors=True)
    store = open_store(folder)
    policy = LoadPolicy(guard=OntologyGuard() if guarded else None)
    try:
        t0 = time.perf_counter()
        load_files(store, [path], bulk=False, policy=policy)
        return time.perf_counter() - t0
    finally:
        store.close()


def _laughs(levels: int) -> bytes:
    ents = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels + 1)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(ents) + "\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a">'
        f"<ex:p>&l{levels};</ex:p></rdf:Description></rdf:RDF>\n"
    ).encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for n in args.sizes:
            for fmt in ("nt", "ttl"):
                path = root / f"events-{n}.{fmt}"
                triples = synthetic.write_events(path, n, fmt=fmt)
                off = min(_load(path, root / "s", False) for _ in range(args.repeat))
                on = min(_load(path, root / "s", True) for _ in range(args.repeat))
                print(
                    f"load {n:>7,} events ({triples:,} triples, .{fmt}): guard off {off:.2f} s, "
                    f"on {on:.2f} s, ratio {on / off:.2f}"
                )
            # The guard alone, over triples already parsed (what it adds to any load).
            import pyoxigraph as ox

            parsed = [q.triple for q in ox.parse(path=str(root / f"events-{n}.nt"))]
            t0 = time.perf_counter()
            t_parse = 0.0
            guard = OntologyGuard()
            guard.see_all(((t.subject, t.predicate, t.object) for t in parsed), "events.nt")
            t_guard = time.perf_counter() - t0
            t0 = time.perf_counter()
            list(ox.parse(path=str(root / f"events-{n}.nt")))
            t_parse = time.perf_counter() - t0
            print(
                f"guard alone over {len(parsed):,} parsed triples: {t_guard:.3f} s; parsing them "
                f"{t_parse:.3f} s; guard/parse {t_guard / t_parse:.2f}"
            )
            data = (root / f"events-{n}.ttl").read_bytes()
            t0 = time.perf_counter()
            preflight(data, "events.ttl")
            print(
                f"preflight nesting scan, {len(data) / 1e6:.1f} MB Turtle: "
                f"{time.perf_counter() - t0:.3f} s"
            )
        bomb = _laughs(8)
        t0 = time.perf_counter()
        try:
            preflight(bomb, "laughs.rdf")
        except InputError:
            pass
        print(
            f"preflight refuses a {len(bomb):,}-byte billion-laughs file (8 levels, would be "
            f"300 MB) in {time.perf_counter() - t0:.4f} s"
        )
        small = root / "batch.ttl"
        synthetic.write_events(small, 1_000, fmt="ttl")
        batch = parse_batch([small], "https://w3id.org/conflict-kg/graph/doc/bench")
        t0 = time.perf_counter()
        guard_batch(batch)
        print(
            f"guard over an add batch of 1,000 events ({len(batch):,} triples): "
            f"{time.perf_counter() - t0:.3f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
