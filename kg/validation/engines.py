"""Validating everything the store asserts, with the engine that fits.

``auto`` runs the shapes as SPARQL on an embedded store (:mod:`kg.validation.sparql`:
same results as pySHACL, in seconds at 100k events) and pySHACL
(:mod:`kg.validation.pyshacl_engine`) where that does not apply: ``--inference``, a
remote store, a shape the translator does not cover.
"""

from __future__ import annotations

from kg.errors import UsageError
from kg.store import Store
from kg.validation.progress import Progress
from kg.validation.pyshacl_engine import validate_store_pyshacl
from kg.validation.report import Report
from kg.validation.sparql import Unsupported, validate_store_fast

#: How :func:`validate_store` runs the shapes: ``sparql`` on Oxigraph itself
#: (:mod:`kg.validation.sparql`), ``pyshacl`` over an rdflib copy, or ``auto``.
ENGINES: tuple[str, ...] = ("auto", "sparql", "pyshacl")


def validate_store(
    store: Store,
    inference: str = "none",
    *,
    engine: str = "auto",
    progress: Progress | None = None,
) -> Report:
    """Validate everything the store asserts (all graphs but meta, derived and inferred).

    ``auto`` runs the shapes as SPARQL on an embedded store (same results as pySHACL, in
    seconds at 100k events) and pySHACL where that does not apply: ``--inference``, a
    remote store, a shape the translator does not cover. ``progress`` receives one line
    per shape (sparql) or per step.
    """
    if engine not in ENGINES:
        raise UsageError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine != "pyshacl":
        try:
            if inference != "none":
                raise Unsupported("--inference needs pySHACL")
            return validate_store_fast(store, progress=progress)
        except Unsupported as exc:
            if engine == "sparql":
                raise UsageError(
                    f"--engine sparql cannot validate this: {exc}; use --engine pyshacl"
                ) from None
            if progress is not None:
                progress(f"validate: {exc}; validating with pySHACL (slow on large stores)")
    return validate_store_pyshacl(store, inference)
