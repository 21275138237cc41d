"""Loading the ontology, seed graph and reference data shipped inside the package.

Whatever ``*.ttl`` and ``*.trig`` files ``kg.ontology`` and ``kg.ontology.data`` hold when
this runs are loaded, in one transaction: ``conflict.ttl`` into the ontology graph, every
other file into its own graph (TriG files keep their named graphs). ``shapes.ttl`` is not
data (it is what data is validated against) and is skipped.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from kg.loading import FORMATS, LoadReport, Source, file_graph, load_sources
from kg.store import Store
from kg.terms import ONTOLOGY_GRAPH

#: The packages whose RDF files are loaded, in this order.
PACKAGES = ("kg.ontology", "kg.ontology.data")

#: Files in those packages that are not data.
NOT_DATA = frozenset({"shapes.ttl"})

#: Prefix of the ``source`` metadata of bundled graphs (e.g. ``kg.ontology.data/x.trig``).
BUNDLED_PREFIX = "kg.ontology"

_SUFFIXES = (".ttl", ".trig")


def bundled_sources(
    folders: dict[str, Traversable] | None = None,
) -> list[Source]:
    """The bundled files as load sources (``folders`` maps package name to a folder, for tests)."""
    chosen = folders if folders is not None else {p: files(p) for p in PACKAGES}
    sources = []
    for package, folder in chosen.items():
        entries = sorted(
            (e for e in folder.iterdir() if e.is_file() and e.name.endswith(_SUFFIXES)),
            key=lambda e: e.name,
        )
        for entry in entries:
            if entry.name in NOT_DATA:
                continue
            graph = (
                str(ONTOLOGY_GRAPH) if entry.name == "conflict.ttl" else str(file_graph(entry.name))
            )
            suffix = "." + entry.name.rsplit(".", 1)[-1]
            sources.append(
                Source(
                    name=f"{package}/{entry.name}",
                    format=FORMATS[suffix],
                    graph=graph,
                    data=entry.read_bytes(),
                )
            )
    return sources


def load_bundled(store: Store, folders: dict[str, Traversable] | None = None) -> list[LoadReport]:
    """Load every bundled ontology and data file into ``store`` (all or nothing)."""
    return load_sources(store, bundled_sources(folders))


def is_bundled(source: str | None) -> bool:
    """Whether a graph's ``source`` metadata says it came from the package."""
    return bool(source) and all(
        part.strip().startswith(BUNDLED_PREFIX + ".")
        or part.strip().startswith(BUNDLED_PREFIX + "/")
        for part in source.split(",")  # type: ignore[union-attr]
    )
