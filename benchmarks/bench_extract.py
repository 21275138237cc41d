"""How well and how fast `ckg extract` reads reports (issue 15, point 7). Prints tables.

(a) The bundled seed report's text is extracted into a store holding the ontology and the
    reference data but NOT the hand-made seed graph; the candidates are scored against
    ontology/data/seed-report.trig: attack events by town + dates + perpetrator, group
    relations (leader of, unit or faction of), and the modality of the seed's claims on the
    same sentences.
(b) Batch mode runs over the ``notes`` column of each ACLED HDX export in ../shared/data
    (the HXL hashtag row skipped, reference date from the ``year`` column, the country of
    the export as --country), and the date, location, actor1 and event type read from the
    notes are compared with the export's own columns, read independently with pandas.

Run: .venv/bin/python benchmarks/bench_extract.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from collections import Counter
from importlib.resources import files
from pathlib import Path

from rdflib import RDF, RDFS, Dataset, Graph, URIRef
from rdflib.namespace import SKOS

from kg.bundled import bundled_sources
from kg.embedded import open_store
from kg.extract.batch import extract_csv
from kg.extract.dates import MONTH_NAMES
from kg.extract.review import extract_files
from kg.extract.staging import open_staging
from kg.loading import load_sources
from kg.namespace import CKG
from kg.resolve import actor_keys, normalise

SEED_GRAPH = URIRef("https://w3id.org/conflict-kg/graph/doc/mali-jnim-july-1-attacks")
ACLED_KIND = {
    "Battle": "Battles",
    "ViolenceAgainstCivilians": "Violence against civilians",
    "RemoteViolence": "Explosions/Remote violence",
    "Protest": "Protests",
    "Riot": "Riots",
    "StrategicDevelopment": "Strategic developments",
}
COUNTRIES = {"burkina-faso": "Burkina Faso", "niger": "Niger", "mali": "Mali"}


def reference_store(folder: Path):
    """A store with the ontology and reference data, without the seed report's graph."""
    store = open_store(folder)
    load_sources(store, [s for s in bundled_sources() if not s.name.endswith("seed-report.trig")])
    return store


def _towns(g: Graph, ref: Graph, node) -> set[str]:
    """The node and the places it is located in (site → town), by the graphs given."""
    out = {str(node)}
    for graph in (g, ref):
        out.update(str(t) for t in graph.objects(node, CKG.locatedIn))
    return out


def _attacks(g: Graph, ref: Graph) -> list[tuple[frozenset[str], str, str, frozenset[str]]]:
    rows = []
    for e in g.subjects(RDF.type, CKG.Attack):
        towns: set[str] = set()
        for p in g.objects(e, CKG.place):
            towns |= _towns(g, ref, p)
        rows.append(
            (
                frozenset(towns),
                str(g.value(e, CKG.startDate)),
                str(g.value(e, CKG.endDate)),
                frozenset(str(a) for a in g.objects(e, CKG.perpetrator)),
            )
        )
    return rows


def _top(g: Graph, org) -> str:
    parent = g.value(org, CKG.factionOf)
    return str(parent) if parent is not None else str(org)


def _labels(g: Graph, node) -> set[str]:
    return {
        normalise(str(v))
        for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
        for v in g.objects(node, p)
    }


def _relations(g: Graph, ref: Graph) -> set[tuple]:
    rels: set[tuple] = set()
    for m in g.subjects(RDF.type, CKG.Membership):
        if g.value(m, CKG.role) == CKG.Leader:
            org = g.value(m, CKG.organization)
            kind = (
                "leader of central leadership"
                if (org, RDF.type, CKG.CentralLeadership) in g
                else "leader"
            )
            rels.add((kind, str(g.value(m, CKG.member)), _top(g, org)))
    for f in g.subjects(RDF.type, CKG.CentralLeadership):
        rels.add(("central leadership of", str(g.value(f, CKG.factionOf)), ""))
    for f in g.subjects(RDF.type, CKG.UnitCommand):
        area = g.value(f, CKG.areaOfOperation)
        names = _labels(g, area) | _labels(ref, area) | {str(area)}
        rels.add(("unit of", str(g.value(f, CKG.factionOf)), frozenset(names)))
    return rels


def _match_relations(gold: set[tuple], found: set[tuple]) -> int:
    def same(a: tuple, b: tuple) -> bool:
        if a[:2] != b[:2]:
            return False
        if isinstance(a[2], frozenset) and isinstance(b[2], frozenset):
            return bool(a[2] & b[2])
        return a[2] == b[2]

    return sum(1 for g in gold if any(same(g, f) for f in found))


def seed_benchmark() -> None:
    seed = Dataset()
    seed.parse(
        data=files("kg.ontology.data").joinpath("seed-report.trig").read_text("utf-8"),
        format="trig",
    )
    gold = seed.graph(SEED_GRAPH)
    text = files("kg.ontology.data").joinpath("mali-jnim-july-1-attacks.txt").read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "mali-jnim-july-1-attacks.txt"
        report.write_bytes(text)
        store = reference_store(Path(tmp) / "store")
        try:
            ref = Graph()
            for s, p, o, _g in store.quads():
                if p == CKG.locatedIn:
                    ref.add((s, p, o))
            t0 = time.perf_counter()
            [r] = extract_files(store, [report])
            seconds = time.perf_counter() - t0
            with open_staging(store) as staging:
                found = staging.export(r.doc)
        finally:
            store.close()
    ex = r.extraction
    print(
        f"(a) seed report: {len(ex.passages)} sentences, {len(ex.candidates)} candidates, "
        f"document date {ex.reference} ({ex.reference_source}), {seconds:.2f} s"
    )
    g_att, f_att = _attacks(gold, ref), _attacks(found, ref)

    def hits(keyf) -> tuple[int, int]:
        gk = [keyf(a) for a in g_att]
        fk = [keyf(a) for a in f_att]
        recall = sum(1 for k in gk if any(_same(k, x) for x in fk))
        precision = sum(1 for k in fk if any(_same(k, x) for x in gk))
        return recall, precision

    rows = []
    for name, keyf in (
        ("attack events: town + dates + perpetrator", lambda a: a),
        ("attack events: town + dates", lambda a: (a[0], a[1], a[2], frozenset())),
    ):
        rec, prec = hits(keyf)
        rows.append((name, len(g_att), len(f_att), rec / len(g_att), prec / max(1, len(f_att))))
    g_rel, f_rel = _relations(gold, ref), _relations(found, ref)
    rec = _match_relations(g_rel, f_rel)
    prec = _match_relations(f_rel, g_rel)
    rows.append(
        (
            "group relations (leader, central leadership, units)",
            len(g_rel),
            len(f_rel),
            rec / len(g_rel),
            prec / max(1, len(f_rel)),
        )
    )
    print(f"{'what':52} {'gold':>5} {'found':>6} {'recall':>7} {'precision':>9}   target")
    targets = ["R>=90% P>=80%", "", ">=80%"]
    for (name, n_g, n_f, rc, pc), t in zip(rows, targets):
        print(f"{name:52} {n_g:5d} {n_f:6d} {rc:7.0%} {pc:9.0%}   {t}")
    # Modality: each seed claim against the candidates on the same sentence.
    by_sentence: dict[str, list[str]] = {}
    best: dict[str, tuple[float, str]] = {}
    for c in ex.candidates:
        by_sentence.setdefault(c.passage.text, []).append(c.modality)
        if c.passage.text not in best or c.confidence > best[c.passage.text][0]:
            best[c.passage.text] = (c.confidence, c.modality)
    covered = agree = strict = total = 0
    for claim in gold.subjects(RDF.type, CKG.Claim):
        passage = gold.value(claim, CKG.passage)
        sentence = str(gold.value(passage, CKG.text))
        want = str(gold.value(claim, CKG.modality)).rsplit("#", 1)[-1]
        total += 1
        mods = [m for s, ms in by_sentence.items() if sentence in s or s in sentence for m in ms]
        if mods:
            covered += 1
            agree += want in mods
            top = max((v for s, v in best.items() if sentence in s or s in sentence))
            strict += top[1] == want
    print(
        f"modality: {total} seed claims; {covered} ({covered / total:.0%}) have candidates on their "
        f"sentence; of those, {agree} ({agree / max(1, covered):.0%}) have a candidate with the "
        f"seed's modality; the most confident candidate's modality agrees for {strict} "
        f"({strict / max(1, covered):.0%})"
    )
    missed = [a for a in g_att if not any(_same(a, x) for x in f_att)]
    for a in missed:
        print(f"  missed attack: {min(a[0]).rsplit('/', 1)[-1]} {a[1]}..{a[2]}")


def _same(a: tuple, b: tuple) -> bool:
    return bool(a[0] & b[0]) and a[1:] == b[1:]


def _same_actor(found: str, acled: str) -> bool:
    """The same ACLED actor name; "A and/or B" names the same pair as "B and/or A"."""
    mine, theirs = found.split(" and/or "), acled.split(" and/or ")
    return len(mine) == len(theirs) and all(
        any(normalise(m) in actor_keys(t) for t in theirs) for m in mine
    )


def acled_benchmark(data: Path) -> None:
    import pandas as pd

    print("\n(b) ACLED notes, batch mode (reference date = the year column)")
    print(
        f"{'export':42} {'rows':>5} {'date':>6} {'location':>9} {'actor1':>7} {'type':>6} "
        f"{'notes/s':>8}  (target: date 95%, location 90%, actor1 75%, type 80%, 200 notes/s)\n"
        f"{'':42} (notes/s: reading and extracting, without writing RDF; CPU time is this "
        "process's, the work one core does whatever the machine's load)"
    )
    for path in sorted(data.glob("acled-hdx-*.csv")):
        country = next(v for k, v in COUNTRIES.items() if k in path.name)
        truth = pd.read_csv(path, skiprows=[1], dtype=str, keep_default_na=False)
        with tempfile.TemporaryDirectory() as tmp:
            store = reference_store(Path(tmp) / "store")
            try:
                t0, c0 = time.perf_counter(), time.process_time()
                result = extract_csv(
                    store,
                    path,
                    text_column="notes",
                    id_column="event_id_cnty",
                    date_column="year",
                    skip_rows=1,
                    country=country,
                    write=False,
                )
                seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
                # The same run as `ckg extract --csv` does it: candidates written to staging.
                t1, c1 = time.perf_counter(), time.process_time()
                staged = extract_csv(
                    store,
                    path,
                    text_column="notes",
                    id_column="event_id_cnty",
                    date_column="year",
                    skip_rows=1,
                    country=country,
                )
                staged_seconds = time.perf_counter() - t1
                staged_cpu = time.process_time() - c1
            finally:
                store.close()
        got = {n.row_id: n for n in result.notes}
        resolver = result.resolver
        score = Counter()
        for row in truth.itertuples():
            n = got.get(row.event_id_cnty)
            score["rows"] += 1
            if n is None:
                continue
            score["date"] += n.start == row.event_date
            # What the note itself says, read from the export (not by the extractor): does
            # it name its event's month, does it write the place ACLED coded?
            month = MONTH_NAMES[int(row.event_date[5:7]) - 1]
            named = re.search(rf"\b(?:{month}|{month[:3]})\b", row.notes, re.IGNORECASE)
            score["month_named"] += bool(named)
            score["date_month_named"] += bool(named) and n.start == row.event_date
            located = bool(n.place) and normalise(n.place) == normalise(row.location)
            score["location"] += located
            written = normalise(row.location) in normalise(row.notes)
            score["place_written"] += written
            score["location_written"] += written and located
            # actor1: the same name, or the same node when the project's resolver knows both.
            same_node = bool(n.actor_iri) and resolver.resolve_actor(row.actor1).iri == n.actor_iri
            score["actor1"] += same_node or (bool(n.actor) and _same_actor(n.actor, row.actor1))
            score["type"] += ACLED_KIND.get(n.cls or "") == row.event_type
        total = score["rows"]
        print(
            f"{path.name:42} {total:5d} "
            + " ".join(
                f"{score[k] / total:{w}.1%}"
                for k, w in (("date", 6), ("location", 9), ("actor1", 7), ("type", 6))
            )
            + f" {result.rows / seconds:8.0f}"
        )
        named, written = score["month_named"], score["place_written"]
        print(
            f"{'':42} notes naming their event's month: {named} ({named / total:.0%}), date right "
            f"for {score['date_month_named'] / max(1, named):.0%} of them; the others give only "
            f"the year"
        )
        print(
            f"{'':42} notes writing the location ACLED coded: {written} ({written / total:.0%}), "
            f"location right for {score['location_written'] / max(1, written):.0%} of them"
        )
        print(
            f"{'':42} reading and extracting: {result.rows / seconds / 200:.1f}x the 200 notes/s "
            f"target by the clock, {result.rows / cpu:.0f} notes/s of CPU time "
            f"({result.rows / cpu / 200:.1f}x)"
        )
        print(
            f"{'':42} with the staging graph written (ckg extract --csv): "
            f"{staged.rows / staged_seconds:.0f} notes/s by the clock "
            f"({staged.rows / staged_seconds / 200:.1f}x the target), "
            f"{staged.rows / staged_cpu:.0f} notes/s of CPU time "
            f"({staged.rows / staged_cpu / 200:.1f}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "data"
    )
    parser.add_argument("--only", choices=["seed", "acled"], default=None)
    args = parser.parse_args()
    if args.only in (None, "seed"):
        seed_benchmark()
    if args.only in (None, "acled"):
        acled_benchmark(args.data)


if __name__ == "__main__":
    main()
