"""The catalogue of saved questions: ``queries/*.rq`` files with grlc headers and BASIL parameters.

A question file starts with a header of lines ``#+ key: value`` that together are YAML
(grlc's decorator syntax): ``summary``, ``description``, ``tags``, ``defaults`` (a list of
``{param: value}``), ``enumerate``, and, our addition, ``parameters`` (a mapping of
parameter name to a one-line description). The file stem is the question's name.

Parameters are BASIL variables: ``?_name_type`` is required, ``?__name_type`` optional.
Types: ``iri``; ``string`` or ``literal`` (a plain string; also when no type is given);
``integer``, ``decimal``, ``double``, ``boolean``, ``date``, ``dateTime`` and their
``xsd_…`` spellings; a language tag such as ``en`` or ``fr`` (a string in that language).
Values reach the query only as bound rdflib terms (see :mod:`kg.sparql`), never as text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

import yaml
from rdflib.namespace import XSD
from rdflib.term import Literal, Node, URIRef

from kg.errors import InputError, QueryError, UsageError
from kg.formats import PREFIXES
from kg.sparql import code_mask
from kg.store import QueryResult, Store
from kg.terms import ID

QuestionKind = TypingLiteral["select", "ask", "construct", "describe"]

#: Parameter types: name -> (XSD datatype or None, an example value for messages).
TYPES: dict[str, tuple[URIRef | None, str]] = {
    "iri": (None, "group/jnim"),
    "string": (None, "Boulkessi"),
    "literal": (None, "Boulkessi"),
    "integer": (XSD.integer, "365"),
    "decimal": (XSD.decimal, "14.5"),
    "double": (XSD.double, "14.5"),
    "boolean": (XSD.boolean, "true"),
    "date": (XSD.date, "2025-07-01"),
    "dateTime": (XSD.dateTime, "2025-07-01T06:00:00"),
    "gYear": (XSD.gYear, "2025"),
}
for _t in list(TYPES):
    if _t not in ("iri", "string", "literal"):
        TYPES["xsd_" + _t] = TYPES[_t]

#: Language tags accepted as a parameter type (``?_name_fr``): a string in that language.
LANGUAGES = frozenset({"en", "fr", "ar", "es", "de", "it", "pt", "nl", "ru", "ha", "ff", "bm"})

_HEADER = re.compile(r"^#\+ ?(.*)$")
_VARIABLE = re.compile(r"[?$](__?[A-Za-z0-9][A-Za-z0-9_]*)")
_KIND = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class Param:
    """One BASIL parameter of a question."""

    name: str
    var: str
    type: str
    required: bool
    default: str | None = None
    description: str | None = None

    def example(self) -> str:
        """A value of the right type, for messages and help."""
        if self.default is not None:
            return self.default
        if self.type in LANGUAGES:
            return "Boulkessi"
        return TYPES.get(self.type, (None, "value"))[1]

    def type_label(self) -> str:
        """The type in words: ``integer``, ``IRI``, ``string (fr)`` …"""
        if self.type in LANGUAGES:
            return f"string ({self.type})"
        if self.type == "iri":
            return "IRI"
        return self.type.removeprefix("xsd_")


@dataclass
class Question:
    """A saved question: its header, parameters and SPARQL text."""

    name: str
    summary: str
    description: str
    tags: list[str]
    params: list[Param]
    text: str
    kind: QuestionKind
    origin: str = ""
    enumerate: list[str] = field(default_factory=list)
    header: dict[str, Any] = field(default_factory=dict)

    def param(self, name: str) -> Param | None:
        """The parameter called ``name`` (or whose variable is ``name``), if any."""
        for p in self.params:
            if name in (p.name, p.var, "?" + p.var):
                return p
        return None


def catalogue_folder() -> Traversable:
    """Where the saved questions live: the ``kg.queries`` package."""
    return files("kg.queries")


def load_catalogue(folder: Traversable | Path | None = None) -> dict[str, Question]:
    """Every saved question, by name (sorted)."""
    root = folder if folder is not None else catalogue_folder()
    out = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_file() and entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            out[name] = parse_question(
                entry.read_text(encoding="utf-8"), name, f"kg.queries/{entry.name}"
            )
    return out


def get_question(name: str, folder: Traversable | Path | None = None) -> Question:
    """The saved question ``name``; QueryError with close names if there is none."""
    catalogue = load_catalogue(folder)
    if name in catalogue:
        return catalogue[name]
    close = difflib.get_close_matches(name, list(catalogue), n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise QueryError(f"no saved question {name!r}{hint} ('ckg query list' shows them all)")


def read_question_file(path: str | Path) -> Question:
    """An ad-hoc question from a ``.rq`` file, with the same header and parameter rules."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("no such file; check the path", path=str(p)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file: {exc}", path=str(p)) from exc
    return parse_question(text, p.stem, str(p))


def resolve_question(name_or_path: str | Path) -> Question:
    """A saved question by name, or an ad-hoc one when given a path (``x.rq`` or ``a/b``)."""
    if isinstance(name_or_path, Path) or name_or_path.endswith(".rq") or "/" in name_or_path:
        return read_question_file(name_or_path)
    return get_question(name_or_path)


def parse_question(text: str, name: str, origin: str = "") -> Question:
    """Parse a question's header and parameters; QueryError names the file and line."""
    header_lines: list[str] = []
    first = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line)
        if match:
            first = first or number
            header_lines.append(match.group(1))
        elif line.strip() == "" and not header_lines:
            continue
        else:
            break
    header: dict[str, Any] = {}
    if header_lines:
        try:
            loaded = yaml.safe_load("\n".join(header_lines))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = (first or 1) + mark.line if mark is not None else first
            problem = getattr(exc, "problem", None) or str(exc)
            raise QueryError(
                f"{origin}:{at}: the '#+' header is not valid YAML: {problem}"
            ) from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise QueryError(f"{origin}:{first}: the '#+' header must be 'key: value' lines")
        header = loaded or {}
    defaults = _defaults(header.get("defaults"), origin)
    described = header.get("parameters") or {}
    if not isinstance(described, dict):
        raise QueryError(f"{origin}: '#+ parameters:' must map parameter names to descriptions")
    params: list[Param] = []
    for var in dict.fromkeys(_VARIABLE.findall(_code_only(text))):
        param = _param(var)
        param.default = defaults.get(param.name)
        param.description = described.get(param.name)
        params.append(param)
    # Required parameters first, each group in the order the text first uses them.
    params.sort(key=lambda p: not p.required)
    known = {p.name for p in params}
    for key in [*defaults, *described]:
        if key not in known:
            raise QueryError(
                f"{origin}: the header names parameter {key!r}, which the query does not use "
                f"(its parameters: {', '.join(sorted(known)) or 'none'})"
            )
    return Question(
        name=name,
        summary=str(header.get("summary") or "").strip(),
        description=str(header.get("description") or "").strip(),
        tags=[str(t) for t in (header.get("tags") or [])],
        params=params,
        text=text,
        kind=_kind(text, origin),
        origin=origin,
        enumerate=[str(e) for e in (header.get("enumerate") or [])],
        header=header,
    )


def bind_params(question: Question, raw: Mapping[str, str]) -> dict[str, Node]:
    """Convert and check raw parameter values; return bindings keyed by variable name."""
    known = ", ".join(p.name for p in question.params) or "none"
    for key in raw:
        if question.param(key) is None:
            raise UsageError(f"{question.name} has no parameter {key!r}; its parameters: {known}")
    bindings: dict[str, Node] = {}
    for p in question.params:
        value = next((raw[k] for k in (p.name, p.var, "?" + p.var) if k in raw), None)
        if value is None:
            value = p.default
        if value is None:
            if p.required:
                raise UsageError(
                    f"parameter {p.name} of {question.name} is required: add "
                    f"-p {p.name} VALUE ({p.type_label()}, e.g. {p.example()})"
                )
            continue
        bindings[p.var] = convert_value(p, value)
    return bindings


def convert_value(param: Param, value: str) -> Node:
    """The rdflib term for a raw value of ``param``; UsageError if it has the wrong type."""
    value = value.strip()

    def wrong(what: str) -> UsageError:
        return UsageError(
            f"parameter {param.name}: {value!r} is not {what} (expected e.g. {param.example()})"
        )

    kind = param.type.removeprefix("xsd_") if param.type.startswith("xsd_") else param.type
    if kind == "iri":
        return _iri(value, wrong)
    if kind in ("string", "literal"):
        return Literal(value)
    if param.type in LANGUAGES:
        return Literal(value, lang=param.type)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise wrong("an integer")
        number = int(value)
        if not -(2**63) <= number <= 2**63 - 1:
            # The store computes with 64-bit integers: beyond them a comparison quietly
            # fails and the answer is empty, or differs from engine to engine (issue 19).
            raise UsageError(
                f"parameter {param.name}: {value} is out of range: the store computes with "
                f"integers from -9223372036854775808 to 9223372036854775807 "
                f"(expected e.g. {param.example()})"
            )
        return Literal(number, datatype=XSD.integer)
    if kind == "decimal":
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
            raise wrong("a decimal number")
        return Literal(value, datatype=XSD.decimal)
    if kind == "double":
        try:
            exact = Decimal(value)
        except InvalidOperation:
            raise wrong("a number") from None
        if not exact.is_finite():
            raise wrong("a finite number")
        return Literal(value, datatype=XSD.double)
    if kind == "boolean":
        lowered = value.lower()
        if lowered in ("true", "1", "yes"):
            return Literal(True)
        if lowered in ("false", "0", "no"):
            return Literal(False)
        raise wrong("true or false")
    if kind == "date":
        try:
            return Literal(date.fromisoformat(value).isoformat(), datatype=XSD.date)
        except ValueError:
            raise wrong("a date YYYY-MM-DD") from None
    if kind == "dateTime":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise wrong("a date and time") from None
        return Literal(value, datatype=XSD.dateTime)
    if kind == "gYear":
        if not re.fullmatch(r"-?\d{4}", value):
            raise wrong("a year")
        return Literal(value, datatype=XSD.gYear)
    if param.type.startswith("xsd_"):
        # Another XSD datatype (BASIL's prefix_datatype): passed on, checked by the engine.
        return Literal(value, datatype=XSD[kind])
    raise wrong(f"a {param.type}")


def run_question(
    store: Store,
    name_or_path: str | Path | Question,
    raw_params: Mapping[str, str] | None = None,
    include_inferred: bool = True,
) -> QueryResult:
    """Answer a saved (or ad-hoc) question on ``store`` with its parameters bound."""
    question = (
        name_or_path if isinstance(name_or_path, Question) else resolve_question(name_or_path)
    )
    bindings = bind_params(question, raw_params or {})
    return store.query(question.text, bindings, include_inferred=include_inferred)


# ---- helpers


def _param(var: str) -> Param:
    required = not var.startswith("__")
    rest = var.lstrip("_")
    for type_name in sorted(TYPES, key=len, reverse=True):
        if rest.endswith("_" + type_name) and len(rest) > len(type_name) + 1:
            return Param(rest[: -len(type_name) - 1], var, type_name, required)
    head, _, last = rest.rpartition("_")
    if head and last in LANGUAGES:
        return Param(head, var, last, required)
    name, _, datatype = rest.partition("_xsd_")
    if name and datatype:
        return Param(name, var, "xsd_" + datatype, required)
    return Param(rest, var, "string", required)


def _defaults(raw: Any, origin: str) -> dict[str, str]:
    if raw is None:
        return {}
    items: list[tuple[Any, Any]] = []
    if isinstance(raw, dict):
        items = list(raw.items())
    elif isinstance(raw, list) and all(isinstance(d, dict) for d in raw):
        items = [kv for d in raw for kv in d.items()]
    else:
        raise QueryError(f"{origin}: '#+ defaults:' must be a list of 'name: value' entries")
    return {str(k): _default_text(v) for k, v in items}


def _default_text(value: Any) -> str:
    # YAML reads 2025-07-01 as a date and true as a bool; parameters are text until bound.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _code_only(text: str) -> str:
    # Variables are looked for outside comments, strings and IRIs.
    return code_mask(text)


def _kind(text: str, origin: str) -> QuestionKind:
    match = _KIND.search(_code_only(text))
    if match is None:
        raise QueryError(
            f"{origin}: no SELECT, ASK, CONSTRUCT or DESCRIBE in the query; a question only "
            "reads (an update is never run): change the store with 'ckg load' or 'ckg add'"
        )
    return match.group(1).lower()  # type: ignore[return-value]


def _iri(value: str, wrong: Any) -> URIRef:
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    match = _SCHEME.match(value)
    if match:
        prefix = match.group(0)[:-1]
        if prefix in PREFIXES:
            value = PREFIXES[prefix] + value[len(prefix) + 1 :]
    else:
        # A short id like group/jnim is an instance under the project's id base.
        value = str(ID[value.lstrip("/")])
    if not value or any(c in value for c in '<>"{}|^`\\ \n\t'):
        raise wrong("an IRI")
    return URIRef(value)
