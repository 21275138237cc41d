"""IRI parameters checked against the store: no silent empty answer for a typo.

``-p perpetrator group/jnm`` (a typo) or ``-p region place/geonames/1`` names no node, and
a question would answer with no rows as if there were no such attacks. :func:`check_iri_params`
asks the store whether each IRI a user gave names a node (one bound ``ASK`` per value);
when it does not, it fails with a usage error that suggests the closest ids and labels
("did you mean group/jnim — JNIM?").

A value that is a name rather than an id (no ``/`` and no ``scheme:``, such as ``JNIM`` or
``segou``) is looked up the way ``lookup_name`` looks names up, by ``rdfs:label``,
``skos:prefLabel`` and ``skos:altLabel``, but also by prefix and without regard to case or
accents (:func:`kg.resolve.normalise`): an exact match wins over prefix matches, and only
a single resource is taken; several are an error that lists them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib.term import Literal, Node, URIRef

from kg.catalogue import Question, convert_value
from kg.errors import UsageError
from kg.formats import shorten
from kg.resolve import normalise
from kg.store import Store
from kg.terms import ID, sparql_prefixes

#: Candidates read for suggestions (ids under the same kind, or labelled resources).
MAX_CANDIDATES = 20000

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

_EXISTS = "ASK WHERE { { ?node ?p ?o } UNION { ?s ?p ?node } }"

# Resources with a name an analyst would type: not events, claims or passages, which have
# ids of their own and labels that are sentences.
_NAMES = (
    sparql_prefixes("rdfs", "skos")
    + """SELECT DISTINCT ?resource ?label WHERE {
  ?resource rdfs:label|skos:prefLabel|skos:altLabel ?label .
  FILTER(isIRI(?resource))
  FILTER(!STRSTARTS(STR(?resource), ?events) && !STRSTARTS(STR(?resource), ?claims)
         && !STRSTARTS(STR(?resource), ?passages))
}
"""
)

_UNDER = (
    sparql_prefixes("rdfs")
    + """SELECT DISTINCT ?resource ?label WHERE {
  # One triple per resource to scan (its type), not every triple of it.
  ?resource a ?type .
  FILTER(isIRI(?resource) && STRSTARTS(STR(?resource), ?prefix))
  OPTIONAL {
    ?resource rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en") || LANG(?label) = "")
  }
}
LIMIT %d
"""
)


@dataclass
class Checked:
    """The bindings after the check, and what a name was taken to mean (for a note)."""

    bindings: dict[str, Node]
    notes: list[str] = field(default_factory=list)


def looks_like_name(value: str) -> bool:
    """Whether a parameter value is a name (``JNIM``) rather than an id or IRI."""
    value = value.strip()
    return not (value.startswith("<") or "/" in value or _SCHEME.match(value))


def check_iri_params(
    store: Store, question: Question, raw: Mapping[str, str], bindings: Mapping[str, Node]
) -> Checked:
    """Check each IRI value the user gave; look names up; UsageError with suggestions.

    Defaults from the question's header are not checked (they name the bundled data); only
    values in ``raw`` are.
    """
    out = Checked(dict(bindings))
    for param in question.params:
        if param.type != "iri":
            continue
        value = next((raw[k] for k in (param.name, param.var, "?" + param.var) if k in raw), None)
        if value is None:
            continue
        if looks_like_name(value):
            iri, label = _by_name(store, param.name, value)
            out.bindings[param.var] = iri
            out.notes.append(f"{param.name}: {value!r} is {_short(iri)} ({label})")
            continue
        term = out.bindings.get(param.var) or convert_value(param, value)
        if not exists(store, term):
            raise UsageError(
                f"parameter {param.name}: {value!r} names no node in {store.location}"
                + _did_you_mean(_close_ids(store, URIRef(str(term))))
            )
    return out


def exists(store: Store, iri: Node) -> bool:
    """Whether ``iri`` is the subject or object of any triple in the store's data graphs."""
    result = store.query(_EXISTS, {"node": iri}, include_inferred=True)
    return bool(result.boolean)


def names(store: Store) -> list[tuple[URIRef, str]]:
    """Every (resource, label) an analyst could type as a name."""
    bindings = {
        "events": Literal(str(ID["event/"])),
        "claims": Literal(str(ID["claim/"])),
        "passages": Literal(str(ID["passage/"])),
    }
    rows = store.query(_NAMES, bindings, include_inferred=False).rows
    return [(r, str(label)) for r, label in rows if isinstance(r, URIRef) and label is not None]


def lookup(store: Store, name: str) -> list[tuple[URIRef, str]]:
    """Resources whose label is ``name`` (exact), else starts with it; case and accents aside.

    One ``(resource, label)`` per resource, its best-matching label.
    """
    wanted = normalise(name)
    if not wanted:
        return []
    exact: dict[URIRef, str] = {}
    prefix: dict[URIRef, str] = {}
    for resource, label in names(store):
        key = normalise(label)
        if key == wanted:
            exact.setdefault(resource, label)
        elif key.startswith(wanted):
            prefix.setdefault(resource, label)
    found = exact or prefix
    return sorted(found.items(), key=lambda kv: str(kv[0]))


def _by_name(store: Store, param: str, value: str) -> tuple[URIRef, str]:
    found = lookup(store, value)
    if len(found) == 1:
        return found[0]
    if found:
        shown = ", ".join(f"{_short(r)} — {label}" for r, label in found[:6])
        more = f" and {len(found) - 6} more" if len(found) > 6 else ""
        raise UsageError(
            f"parameter {param}: the name {value!r} matches {len(found)} nodes ({shown}{more}); "
            f"give one of their ids, e.g. -p {param} {_short(found[0][0])}"
        )
    labelled = names(store)
    by_key: dict[str, tuple[URIRef, str]] = {}
    for resource, label in labelled:
        by_key.setdefault(normalise(label), (resource, label))
    close = difflib.get_close_matches(normalise(value), list(by_key), n=3, cutoff=0.6)
    raise UsageError(
        f"parameter {param}: no node is called {value!r} in {store.location}"
        + _did_you_mean([by_key[k] for k in close])
    )


def _close_ids(store: Store, iri: URIRef) -> list[tuple[URIRef, str]]:
    """Nodes whose id is close to ``iri``'s, or whose label is close to its last part."""
    text = str(iri)
    base = str(ID)
    if text.startswith(base):
        tail = text[len(base) :]
        kind = tail.split("/", 1)[0] + "/" if "/" in tail else ""
        prefix = base + kind
    else:
        tail, prefix = text, text.rsplit("/", 1)[0] + "/"
    rows = store.query(
        _UNDER % MAX_CANDIDATES, {"prefix": Literal(prefix)}, include_inferred=False
    ).rows
    labels: dict[URIRef, str] = {}
    for resource, label in rows:
        if isinstance(resource, URIRef) and (label is not None or resource not in labels):
            labels[resource] = str(label) if label is not None else ""
    ids = {str(r).removeprefix(base): r for r in labels}
    picked = [ids[k] for k in difflib.get_close_matches(tail, list(ids), n=3, cutoff=0.6)]
    # The last part of the id read as a name: group/jnm is close to the label JNIM.
    last = normalise(tail.rsplit("/", 1)[-1].replace("-", " "))
    by_label = {normalise(label): r for r, label in labels.items() if label}
    for key in difflib.get_close_matches(last, list(by_label), n=3, cutoff=0.6):
        if by_label[key] not in picked:
            picked.append(by_label[key])
    return [(r, labels.get(r, "")) for r in picked[:3]]


def _did_you_mean(candidates: list[tuple[URIRef, str]]) -> str:
    if not candidates:
        return "; check the id with 'ckg query run lookup_name -p name NAME'"
    shown = " or ".join(f"{_short(r)} — {label}" if label else _short(r) for r, label in candidates)
    return f"; did you mean {shown}?"


def _short(iri: Node) -> str:
    text = str(iri)
    base = str(ID)
    return text[len(base) :] if text.startswith(base) else shorten(text)
