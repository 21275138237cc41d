"""The curated alias table: names of actors and places the store's labels do not give."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.resources import files

from kg.resolve.names import admin_key, normalise
from kg.terms import ID


@dataclass
class AliasTable:
    """The curated alias table: ``kind`` (actor or place) → normalised name → IRIs."""

    actor: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    place: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    rows: int = 0
    #: The first alias of each IRI in the table: its name where the store has no label.
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def bundled(cls) -> AliasTable:
        """The table shipped as ``kg.ontology.data/aliases.csv``."""
        text = files("kg.ontology.data").joinpath("aliases.csv").read_text("utf-8")
        return cls.from_csv(text, source="aliases.csv")

    @classmethod
    def from_csv(cls, text: str, *, source: str = "aliases") -> AliasTable:
        """Read a table with columns ``kind,iri,alias,lang,note`` (``iri`` relative to ID)."""
        from kg.errors import InputError

        table = cls()
        reader = csv.DictReader(io.StringIO(text))
        missing = {"kind", "iri", "alias"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(f"alias table lacks column(s) {sorted(missing)}", path=source, line=1)
        for row in reader:
            kind, local, alias = (row.get(k) or "" for k in ("kind", "iri", "alias"))
            line = reader.line_num
            if kind not in ("actor", "place") or not local or not alias:
                raise InputError(
                    "each row needs kind (actor or place), iri and alias", path=source, line=line
                )
            iri = local if local.startswith(("http://", "https://")) else str(ID) + local
            index = table.actor if kind == "actor" else table.place
            key = normalise(alias)
            index[key].add(iri)
            table.labels.setdefault(iri, alias)
            if kind == "place":
                index[admin_key(alias)].add(iri)
            table.rows += 1
        return table
