"""Reasoning: OWL RL consequences into the inferred graph, and OWL DL consistency checks.

Two jobs live here.

* :func:`reason` materialises what the ontology's axioms entail from the asserted graphs
  and writes **only the new triples** into :data:`kg.terms.INFERRED_GRAPH`, replacing the
  previous content. The default engine (``rules``) is a targeted forward-chainer over the
  OWL 2 RL rules the ontology actually uses (subclass, subproperty, domain, range,
  inverse, symmetric, transitive, property chains, intersection / union / someValuesFrom /
  allValuesFrom / hasValue / oneOf class expressions, disjointness as clashes). It reads
  from the store only the triples those rules can touch (on the embedded store straight
  from pyoxigraph, elsewhere through SPARQL), so it grows linearly with the data. Scope
  ``ckg`` (the default) writes only consequences in the ckg vocabulary and prunes the
  rules that cannot lead to one; scope ``all`` writes the alignments (sem:, prov:, org:,
  geo: …) too. The ``owlrl`` engine runs the owlrl library's full closure instead:
  complete for OWL 2 RL, but tens of seconds at 10k events (see PITFALLS), so it is for
  small stores and for checking the ``rules`` engine (a test compares the two on the seed
  graph).
* :func:`check_consistency` runs HermiT (through owlready2, needs Java) on the ontology
  plus a bounded slice of the data in a fresh owlready2 ``World`` and reports in words
  whether it is consistent and which classes are unsatisfiable.

What the ``rules`` engine leaves out, on purpose: owl:sameAs reasoning (functional and
inverse-functional properties, keys), datatype reasoning, and consequences about the
ontology itself (subclass closure of the class hierarchy). Saved questions that need the
class hierarchy walk ``rdfs:subClassOf*``.

One module per step: :mod:`~kg.reasoning.rules` compiles the ontology into rules,
:mod:`~kg.reasoning.closure` chains them over a graph, :mod:`~kg.reasoning.clash` words
the clashes, :mod:`~kg.reasoning.store` reads and writes a store,
:mod:`~kg.reasoning.consistency` runs HermiT, and :mod:`~kg.reasoning.shacl` finds the
same clashes with pySHACL.
"""

from __future__ import annotations

from kg.reasoning.clash import Clash, short_name
from kg.reasoning.closure import InferenceResult, infer_graph, owlrl_closure
from kg.reasoning.consistency import (
    DEFAULT_CHECK_LIMIT,
    ConsistencyReport,
    check_consistency,
    check_graph_consistency,
    consistency_slice,
    java_executable,
)
from kg.reasoning.rules import (
    ENGINES,
    PROFILES,
    SCOPES,
    JavaMissingError,
    ReasoningError,
    RuleSet,
    bundled_ontology,
    compile_rules,
    in_scope,
    scoped_rules,
)
from kg.reasoning.shacl import SHAPES_NS, disjointness_shapes, shacl_disjointness
from kg.reasoning.store import (
    BULK_WRITE,
    STALE_KEY,
    asserted_graph,
    infer_store,
    inferred_state,
    reason,
    store_tbox,
)

__all__ = [
    "BULK_WRITE",
    "DEFAULT_CHECK_LIMIT",
    "ENGINES",
    "PROFILES",
    "SCOPES",
    "SHAPES_NS",
    "STALE_KEY",
    "Clash",
    "ConsistencyReport",
    "InferenceResult",
    "JavaMissingError",
    "ReasoningError",
    "RuleSet",
    "asserted_graph",
    "bundled_ontology",
    "check_consistency",
    "check_graph_consistency",
    "compile_rules",
    "consistency_slice",
    "disjointness_shapes",
    "in_scope",
    "infer_graph",
    "infer_store",
    "inferred_state",
    "java_executable",
    "owlrl_closure",
    "reason",
    "scoped_rules",
    "shacl_disjointness",
    "short_name",
    "store_tbox",
]
