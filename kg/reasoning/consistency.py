"""OWL DL consistency with HermiT (owlready2, needs Java) on a bounded slice of the data."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, BNode, Graph, URIRef
from rdflib.term import Node

from kg.errors import UsageError
from kg.reasoning.clash import class_name, labels_of
from kg.reasoning.closure import infer_graph
from kg.reasoning.rules import JavaMissingError, ReasoningError, bundled_ontology, compile_rules
from kg.reasoning.store import store_tbox
from kg.store import Store
from kg.terms import CKG_NS

#: Default number of individuals HermiT sees: the 495 of the seed graph took ~10 s here
#: (PITFALLS: ~3,200 took three minutes), so a whole import is never sent.
DEFAULT_CHECK_LIMIT = 500


@dataclass
class ConsistencyReport:
    """What HermiT said of the ontology plus a slice of the data."""

    consistent: bool
    unsatisfiable: list[str]
    explanations: list[str]
    individuals: int
    triples: int
    seconds: float
    truncated: bool = False

    @property
    def ok(self) -> bool:
        """True when consistent and every class can have members."""
        return self.consistent and not self.unsatisfiable

    def lines(self) -> list[str]:
        """The report in words, one finding per line."""
        scope = f"ontology + {self.individuals} individuals ({self.triples} triples)"
        if self.truncated:
            scope += ", a bounded slice of the data"
        out = []
        if self.consistent:
            out.append(f"consistent: HermiT found no contradiction in {scope}")
        else:
            out.append(f"INCONSISTENT: HermiT found a contradiction in {scope}")
            out.extend(f"  - {e}" for e in self.explanations)
            if not self.explanations:
                out.append(
                    "  - no disjointness clash explains it; look for functional properties with "
                    "two values, or an individual outside a closed list (owl:oneOf)"
                )
        for c in self.unsatisfiable:
            out.append(f"UNSATISFIABLE: {c} can have no members")
        return out


def java_executable() -> str | None:
    """The Java runtime HermiT would use, or None."""
    try:
        import owlready2

        configured = getattr(owlready2, "JAVA_EXE", "java")
    except ImportError:  # pragma: no cover - owlready2 is a dependency
        configured = "java"
    return shutil.which(configured) or shutil.which("java")


def check_graph_consistency(
    data: Graph,
    tbox: Graph | None = None,
    *,
    individuals: int | None = None,
    truncated: bool = False,
) -> ConsistencyReport:
    """Run HermiT on ``tbox`` (default: the bundled ontology) plus ``data`` in a fresh World.

    Raises :class:`JavaMissingError` when no Java runtime is installed.
    """
    java = java_executable()
    if java is None:
        raise JavaMissingError(
            "the consistency check needs Java for HermiT and none was found on PATH: "
            "install a Java runtime (e.g. apt-get install default-jre-headless)"
        )
    import owlready2

    t0 = time.perf_counter()
    tbox = tbox if tbox is not None else bundled_ontology()
    merged = Graph()
    for t in tbox:
        merged.add(t)
    for t in data:
        merged.add(t)
    labels = labels_of(merged)
    with tempfile.TemporaryDirectory(prefix="ckg-hermit-") as tmp:
        path = Path(tmp) / "check.nt"
        merged.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        owlready2.JAVA_EXE = java
        consistent = True
        unsatisfiable: list[str] = []
        explanations: list[str] = []
        try:
            with onto:
                # xsd:date and geo:wktLiteral are outside HermiT's datatype map.
                owlready2.sync_reasoner_hermit(
                    world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
                )
        except owlready2.OwlReadyInconsistentOntologyError:
            consistent = False
        except owlready2.OwlReadyJavaError as exc:
            first = str(exc).strip().splitlines()
            detail = next(
                (ln for ln in first if "Exception" in ln or "Error" in ln),
                first[-1] if first else "",
            )
            raise ReasoningError(f"HermiT failed: {detail.strip()[:300]}") from exc
        if consistent:
            for cls in world.inconsistent_classes():
                iri = URIRef(cls.iri)
                if iri == OWL.Nothing:
                    continue
                unsatisfiable.append(class_name(iri, labels))
        else:
            rl = infer_graph(data, tbox)
            explanations = [c.describe({**labels, **rl.labels}) for c in rl.clashes]
        world.close()
    n_individuals = (
        individuals
        if individuals is not None
        else len({s for s in data.subjects() if not isinstance(s, BNode)})
    )
    return ConsistencyReport(
        consistent=consistent,
        unsatisfiable=sorted(unsatisfiable),
        explanations=explanations,
        individuals=n_individuals,
        triples=len(data),
        seconds=time.perf_counter() - t0,
        truncated=truncated,
    )


def consistency_slice(store: Store, limit: int = DEFAULT_CHECK_LIMIT) -> tuple[Graph, int, bool]:
    """A bounded slice of the asserted data for HermiT: at most ``limit`` individuals.

    Actors, memberships and documents come first, then places, then events (the bulk),
    each in IRI order, so the slice is the same from run to run. Each chosen individual
    brings all its asserted triples. Returns (graph, individuals, truncated).
    """
    if limit < 1:
        raise UsageError(f"--limit must be at least 1, not {limit}")
    ckg = CKG_NS
    tiers = [
        [
            ckg + "Actor",
            ckg + "Organization",
            ckg + "ArmedGroup",
            ckg + "Person",
            ckg + "Faction",
            ckg + "Membership",
        ],
        [ckg + "Place"],
        [ckg + "Event"],
    ]
    chosen: list[Node] = []
    seen: set[Node] = set()
    truncated = False
    # Individuals are found through their asserted types, widened by the class hierarchy.
    tbox = store_tbox(store)
    rules = compile_rules(tbox, "rdfs")
    typed: dict[Node, set[Node]] = defaultdict(set)
    for s, c in store.query("SELECT ?s ?c WHERE { ?s a ?c }", include_inferred=False).rows:
        if isinstance(s, URIRef) and c is not None and not str(s).startswith(CKG_NS):
            typed[s].add(c)
            typed[s] |= rules.super_classes.get(c, frozenset())
    ranked: list[tuple[int, str, Node]] = []
    for s, cs in typed.items():
        names = {str(c) for c in cs}
        tier = next((i for i, tier in enumerate(tiers) if names & set(tier)), len(tiers))
        ranked.append((tier, str(s), s))
    ranked.sort()
    for _, _, s in ranked:
        if s in seen:
            continue
        if len(chosen) >= limit:
            truncated = True
            break
        chosen.append(s)
        seen.add(s)
    graph = Graph()
    for s in chosen:
        for p, o in store.query(
            "SELECT ?p ?o WHERE { ?s ?p ?o }", {"s": s}, include_inferred=False
        ).rows:
            if p is not None and o is not None:
                graph.add((s, p, o))
    return graph, len(chosen), truncated


def check_consistency(store: Store, limit: int = DEFAULT_CHECK_LIMIT) -> ConsistencyReport:
    """HermiT's verdict on the store's ontology plus a slice of at most ``limit`` individuals."""
    if java_executable() is None:
        raise JavaMissingError(
            "the consistency check needs Java for HermiT and none was found on PATH: "
            "install a Java runtime (e.g. apt-get install default-jre-headless)"
        )
    data, n, truncated = consistency_slice(store, limit)
    return check_graph_consistency(data, store_tbox(store), individuals=n, truncated=truncated)
