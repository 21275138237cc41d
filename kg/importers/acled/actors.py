"""The actors of ACLED rows: resolved to known actors, or minted once per file.

A new actor node ``actor/acled/<slug>`` is typed from its inter code and labelled with
ACLED's name; a resolved one gets ACLED's name as ``skos:altLabel``. A compound name
("A and/or B") is its own node, ``ckg:possibleActor`` of each part.
"""

from __future__ import annotations

import re

from kg.importers import Unresolved
from kg.importers.acled.state import FileState, others
from kg.importers.acled.terms import INTER_CLASSES, MINTED, POSSIBLE, SKOS_ALT, C, P
from kg.rdfio.ntriples import RDF_TYPE, RDFS_LABEL, SKOS_PREF, XSD, lang_lit
from kg.resolve import Resolver, slug
from kg.terms import ID

_COMPOUND = re.compile(r"\s+and/or\s+", re.IGNORECASE)


def actor_iri(
    resolver: Resolver, name: str, inter: str, state: FileState, *, candidates: bool = False
) -> str:
    """The IRI of actor ``name``: a known node, or a new one (written once per file).

    The report's "(N row(s))" is counted by the caller that reads rows, not here: a part of
    a compound name ("A and/or B") also comes through here, and no row names it alone.
    """
    summary = state.summary
    iri = state.actors.get(name)
    if iri is None:
        resolution = resolver.resolve_actor(name, exclude_prefix=MINTED)
        if resolution.iri:
            iri = resolution.iri
            summary.resolved_actors += 1
            _name_known(resolver, iri, name, state)
        else:
            iri = f"{ID}actor/acled/{slug(name, max_length=120)}"
            if iri not in state.emitted:
                summary.new_actors += 1
                state.emitted.add(iri)
                node = f"<{iri}>"
                cls = INTER_CLASSES.get(inter, "Actor")
                state.lines.append(f"{node} {RDF_TYPE} <{C}{cls}> .\n")
                state.lines.append(f"{node} {RDFS_LABEL} {lang_lit(name, 'en')} .\n")
                state.lines.append(f"{node} {SKOS_PREF} {lang_lit(name, 'en')} .\n")
                for part in _compound_parts(resolver, name, state, candidates):
                    state.lines.append(f"{node} {POSSIBLE} <{part}> .\n")
            found = others(resolver.actor_candidates(name, limit=4), iri) if candidates else ()
            state.unresolved[("actor", name)] = Unresolved("actor", name, iri, 0, found)
        state.actors[name] = iri
    if inter and inter.isdigit() and iri not in state.with_inter:
        state.with_inter.add(iri)
        state.lines.append(f'<{iri}> {P["interCode"]} "{int(inter)}"^^<{XSD}integer> .\n')
    return iri


def _name_known(resolver: Resolver, iri: str, name: str, state: FileState) -> None:
    """ACLED's name of a resolved actor becomes its alternative label in this graph.

    An actor the store knows only through the alias table (no label in any graph: a
    store holding imported data alone) also gets the table's name as its label, so
    answers never show a bare id.
    """
    if iri in state.emitted:
        return
    state.emitted.add(iri)
    node = f"<{iri}>"
    add = state.lines.append
    if resolver.stored_label(iri) is None:
        label = resolver.aliases.labels.get(iri, name)
        add(f"{node} {RDFS_LABEL} {lang_lit(label, 'en')} .\n")
        add(f"{node} {SKOS_PREF} {lang_lit(label, 'en')} .\n")
    add(f"{node} {SKOS_ALT} {lang_lit(name, 'en')} .\n")


def _compound_parts(resolver: Resolver, name: str, state: FileState, candidates: bool) -> list[str]:
    """The actors a compound name ("A and/or B") may stand for, each resolved or new."""
    parts = [p.strip() for p in _COMPOUND.split(name) if p.strip()]
    if len(parts) < 2:
        return []
    return [actor_iri(resolver, part, "", state, candidates=candidates) for part in parts]
