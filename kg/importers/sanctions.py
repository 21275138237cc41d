"""The UN Security Council consolidated sanctions list (XML) → groups and people with aliases.

Each ``INDIVIDUALS/INDIVIDUAL`` and ``ENTITIES/ENTITY`` becomes an actor:

* a known node when its reference number (``QDe.159``) or, for entities, its name resolves
  (:mod:`kg.resolve`: the curated alias table and ``ckg:sanctionsReference`` already in the
  store); people are matched by reference only, never by name, since names repeat;
  otherwise a new ``ckg:Organization`` ``group/un/<ref>`` or ``ckg:Person``
  ``person/un/<ref>``;
* the list's name as ``rdfs:label``/``skos:prefLabel`` of a new node, or as a
  ``skos:altLabel`` of a known one; every alias (``a.k.a.``, ``f.k.a.``, good and low
  quality) and the name in original script (``@ar`` when Arabic) as ``skos:altLabel``;
* ``ckg:sanctionsReference``, ``ckg:listedOn``;
* a ``ckg:Claim`` (``ckg:ReferenceData``) whose ``ckg:Passage`` is the entry's comment,
  exactly as written, with the line number of the comment in the XML as ``ckg:paragraph``.

Relations stated in comments are read only in forms that cannot be misread, and only when
the name written before a reference in parentheses is a name or alias of the entry with
that reference (so "Founder of the Katiba Macina of Jama'a Nusrat ul-Islam wa al-Muslimin
(JNIM) (QDe.159)" is *not* read as "founder of JNIM"):

* on people: a sentence starting "Founder of X (QDe.n)", "Leader of X (QDe.n)" or
  "Founder and leader of X (QDe.n)" → ``ckg:Membership`` with ``ckg:Founder`` /
  ``ckg:Leader``;
* on entities: "Headed by P (QDi.n)", "led by P (QDi.n)", "its leader is P (QDi.n)",
  "Current leader is P (QDi.n)" → leader; "founded [in Month Year] by P (QDi.n)",
  "Co-founded by P (QDi.n)", "Founded and led/headed by P (QDi.n)" → founder (and leader);
* "Founded on D Mon YYYY as result of a merger between A (QDe.a) and B (QDe.b)" →
  ``ckg:foundingDate`` and ``ckg:predecessorOf`` from A and B.

Membership IRIs follow the bundled data: ``membership/<person>-<organisation>-<role>``.
"""

from __future__ import annotations

import re
import tempfile
import time
import xml.parsers.expat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kg.errors import InputError
from kg.importers import ImportSummary, Rejection, Unresolved
from kg.importers.ntriples import NTriplesFile
from kg.rdfio.ntriples import DCT, RDF_TYPE, RDFS_LABEL, SKOS_ALT, SKOS_PREF, XSD, lang_lit, lit
from kg.resolve import Candidate, Resolver, normalise, slug
from kg.terms import CKG_NS, GRAPH, ID

C = CKG_NS
_REF = re.compile(r"^QD[ei]\.\d{3}$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_ARABIC = re.compile(r"[\u0600-\u06FF]")
#: Prefixes of the nodes this importer mints.
MINTED = (f"{ID}group/un/", f"{ID}person/un/")


@dataclass
class _Element:
    tag: str
    line: int
    attrs: dict[str, str]
    children: list[_Element] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def find(self, tag: str) -> _Element | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[_Element]:
        return [c for c in self.children if c.tag == tag]

    def findtext(self, tag: str) -> str:
        child = self.find(tag)
        return child.text if child is not None else ""


def _parse(path: Path) -> _Element:
    """The XML as a small tree whose elements know their line numbers (for passages)."""
    root = _Element("#document", 0, {})
    stack = [root]
    parser = xml.parsers.expat.ParserCreate()

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = _Element(tag, parser.CurrentLineNumber, attrs)
        stack[-1].children.append(element)
        stack.append(element)

    def end(_tag: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        stack[-1].parts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        if path.stat().st_size == 0:
            raise InputError(
                "the file is empty: expected the UN consolidated list (XML, root element "
                "CONSOLIDATED_LIST). Nothing was imported; download the list again",
                path=str(path),
            )
        data = path.read_bytes()
        # Entities are bounded and never fetched (expat skips an external one silently,
        # which would import an entry with its comment cut out).
        from kg.parsing import preflight

        try:
            preflight(data, str(path), "xml")
        except InputError as exc:
            if "not well-formed XML" not in str(exc):
                raise  # an entity refused; a syntax error is said by expat below, for XML
        parser.Parse(data, True)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from exc
    except xml.parsers.expat.ExpatError as exc:
        raise InputError(
            f"not well-formed XML ({xml.parsers.expat.errors.messages[exc.code]}); fix the "
            "file, or download the list again (a download cut short ends mid-element)",
            path=str(path),
            line=exc.lineno,
        ) from exc
    if not root.children or root.children[0].tag != "CONSOLIDATED_LIST":
        found = root.children[0].tag if root.children else "nothing"
        raise InputError(
            f"not a UN consolidated list: the root element is {found}, not CONSOLIDATED_LIST; "
            "give the list's XML (scsanctions.un.org, consolidated.xml)",
            path=str(path),
            line=1,
        )
    return root.children[0]


@dataclass
class _Entry:
    kind: str  # "entity" or "individual"
    ref: str
    name: str
    line: int
    element: _Element
    aliases: list[str]
    original: str
    listed: date | None
    comment: str
    comment_line: int
    iri: str = ""
    resolved: bool = False

    def names(self) -> list[str]:
        return [self.name, *self.aliases, *([self.original] if self.original else [])]


def _entry(element: _Element, kind: str) -> tuple[_Entry | None, str | None]:
    ref = " ".join(element.findtext("REFERENCE_NUMBER").split())
    if not _REF.match(ref):
        return None, f"reference number {ref!r} is not of the form QDe.123 or QDi.123"
    if kind == "entity":
        name = " ".join(element.findtext("FIRST_NAME").split())
    else:
        name = " ".join(
            " ".join(
                element.findtext(t)
                for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
            ).split()
        )
    if not name:
        return None, f"{ref} has no name"
    listed_text = element.findtext("LISTED_ON").strip()
    listed = None
    if listed_text:
        try:
            listed = date.fromisoformat(listed_text[:10])
        except ValueError:
            return None, f"{ref}: LISTED_ON {listed_text!r} is not a date"
    alias_tag = "ENTITY_ALIAS" if kind == "entity" else "INDIVIDUAL_ALIAS"
    aliases = []
    for alias in element.findall(alias_tag):
        text = " ".join(alias.findtext("ALIAS_NAME").split())
        if text and text not in aliases and text != name:
            aliases.append(text)
    comment_el = element.find("COMMENTS1")
    comment = comment_el.text.strip() if comment_el is not None else ""
    return _Entry(
        kind,
        ref,
        name,
        element.line,
        element,
        aliases,
        " ".join(element.findtext("NAME_ORIGINAL_SCRIPT").split()),
        listed,
        comment,
        comment_el.line if comment_el is not None else element.line,
    ), None


def graph_for(path: Path) -> str:
    """The named graph a sanctions list goes into: ``graph/import/un-sanctions/<file-stem>``."""
    return str(GRAPH[f"import/un-sanctions/{slug(path.stem)}"])


def _short_date(text: str) -> date | None:
    # "20 Aug. 2013", "20 August 2013"
    m = re.match(r"^(\d{1,2}) ([A-Za-z]+)\.? (\d{4})$", text.strip())
    if not m or m.group(2)[:3].lower() not in _MONTHS:
        return None
    try:
        return date(int(m.group(3)), _MONTHS[m.group(2)[:3].lower()], int(m.group(1)))
    except ValueError:
        return None


_NAME = r"(?P<name>[^()]+?(?:\([A-Z][A-Za-z-]*\))?)"
_PERSON_PATTERNS = [
    (
        re.compile(r"(?:^|\. )Founder and leader of " + _NAME + r" \((?P<ref>QDe\.\d{3})\)"),
        ("Founder", "Leader"),
    ),
    (re.compile(r"(?:^|\. )Founder of " + _NAME + r" \((?P<ref>QDe\.\d{3})\)"), ("Founder",)),
    (re.compile(r"(?:^|\. )Leader of " + _NAME + r" \((?P<ref>QDe\.\d{3})\)"), ("Leader",)),
]
_ENTITY_PATTERNS = [
    (
        re.compile(r"Founded and (?:led|headed) by " + _NAME + r" \((?P<ref>QDi\.\d{3})\)"),
        ("Founder", "Leader"),
    ),
    (
        re.compile(
            r"(?:Co-founded|[Ff]ounded(?: in (?P<month>[A-Z][a-z]+) (?P<year>\d{4}))?) by "
            + _NAME
            + r" \((?P<ref>QDi\.\d{3})\)"
        ),
        ("Founder",),
    ),
    (re.compile(r"(?:Headed|\bled) by " + _NAME + r" \((?P<ref>QDi\.\d{3})\)"), ("Leader",)),
    (
        re.compile(r"(?:[Ii]ts|Current) leader is " + _NAME + r" \((?P<ref>QDi\.\d{3})\)"),
        ("Leader",),
    ),
]
_MERGER = re.compile(
    r"Founded on (?P<date>\d{1,2} [A-Za-z]+\.? \d{4}) as (?:a )?result of a merger between "
    r"(?P<a>[^()]+?(?:\([A-Z]+\))?) \((?P<ra>QDe\.\d{3})\) and (?P<b>[^()]+?(?:\([A-Z]+\))?) "
    r"\((?P<rb>QDe\.\d{3})\)"
)
_MONTH_NAMES = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


def _names_match(written: str, entry: _Entry) -> bool:
    """Whether the name written before a reference is one of that entry's names."""
    key = normalise(re.sub(r"^(?:the|The)\s+", "", written.strip()))
    return key in {normalise(n) for n in entry.names()} | {
        normalise(re.sub(r"\s*\([^)]*\)$", "", n)) for n in entry.names()
    }


def _local(iri: str) -> str:
    # membership/<person>-<organisation>-<role>: the part of the IRI after its kind.
    rest = iri[len(str(ID)) :]
    for prefix in ("person/", "group/", "actor/"):
        rest = rest.removeprefix(prefix)
    return rest.replace("/", "-")


def import_sanctions(
    store: object,
    path: Path,
    *,
    strict: bool = False,
    report: bool = False,
    resolver: Resolver | None = None,
    workdir: Path | None = None,
) -> ImportSummary:
    """Import a UN consolidated sanctions list into its own graph (see the module docstring)."""
    from kg.importers.writing import write_graph
    from kg.resolve import resolver_from_store

    path = Path(path)
    summary = ImportSummary(
        kind="un-sanctions",
        path=str(path),
        graph=graph_for(path),
        layout="UN consolidated list XML",
    )
    started = time.perf_counter()
    root = _parse(path)
    resolver = resolver if resolver is not None else resolver_from_store(store, places=False)
    entries: list[_Entry] = []
    for section, tag, kind in (
        ("INDIVIDUALS", "INDIVIDUAL", "individual"),
        ("ENTITIES", "ENTITY", "entity"),
    ):
        holder = root.find(section)
        for element in holder.findall(tag) if holder is not None else []:
            summary.rows_read += 1
            entry, reason = _entry(element, kind)
            if entry is None:
                summary.rejected.append(Rejection(element.line, reason or "unreadable entry"))
                continue
            entries.append(entry)
    if summary.rows_read == 0:
        raise InputError(
            "holds no entries: a CONSOLIDATED_LIST with no INDIVIDUALS/INDIVIDUAL or "
            "ENTITIES/ENTITY element. Nothing was imported; check the file (a download cut "
            "short, or another list's layout?)",
            path=str(path),
            line=root.line,
        )
    by_ref: dict[str, _Entry] = {}
    for entry in entries:
        if entry.ref in by_ref:
            summary.rejected.append(
                Rejection(
                    entry.line,
                    f"{entry.ref} is listed twice (first on line {by_ref[entry.ref].line})",
                )
            )
            continue
        by_ref[entry.ref] = entry
        # Nodes this importer minted (an earlier import of the list) are found again by
        # their reference, not resolved: their graph is the one being replaced.
        found = resolver.resolve_actor(entry.ref, exclude_prefix=MINTED)
        if found.iri is None and entry.kind == "entity":
            for name in entry.names():
                found = resolver.resolve_actor(name, exclude_prefix=MINTED)
                if found.iri:
                    break
        if found.iri:
            entry.iri, entry.resolved = found.iri, True
        else:
            base = "group/un/" if entry.kind == "entity" else "person/un/"
            entry.iri = str(ID[base + slug(entry.ref)])
            candidates: tuple[Candidate, ...] = ()
            if report and entry.kind == "entity":
                candidates = resolver.actor_candidates(entry.name)
            summary.unresolved.append(
                Unresolved("actor", entry.name, entry.iri, 1, candidates, entry.ref)
            )

    ds_slug = slug(path.stem)
    dataset = f"<{ID}doc/{ds_slug}>"
    generated = root.attrs.get("dateGenerated", "")[:10]
    with tempfile.TemporaryDirectory(prefix="ckg-un-", dir=workdir) as tmp:
        out = NTriplesFile(Path(tmp) / "un.nt")
        add = out.add
        title = lang_lit(f"UN Security Council consolidated sanctions list {path.name}", "en")
        add(dataset, RDF_TYPE, f"<{C}Dataset>")
        add(dataset, f"<{DCT}title>", title)
        add(dataset, RDFS_LABEL, title)
        add(dataset, f"<{DCT}creator>", lit("United Nations Security Council"))
        add(dataset, f"<{DCT}source>", lit(path.name))
        if re.match(r"^\d{4}-\d{2}-\d{2}$", generated):
            add(dataset, f"<{DCT}issued>", f'"{generated}"^^<{XSD}date>')
        for entry in by_ref.values():
            _write_entry(entry, add, dataset, ds_slug)
            summary.records += 1
            if entry.resolved:
                summary.resolved_actors += 1
            else:
                summary.new_actors += 1
        relations = 0
        for entry in by_ref.values():
            relations += _write_relations(entry, by_ref, add, dataset, ds_slug, summary)
        summary.notes.append(f"{relations} relation(s) read from the comments")
        summary.triples = out.close()
        summary.seconds_reading = time.perf_counter() - started
        if strict and summary.rejected:
            summary.refused = True
            return summary
        if summary.records == 0:
            summary.notes.append("no valid entry; the graph was not replaced")
            return summary
        started = time.perf_counter()
        summary.triples = write_graph(
            store, summary.graph, out.path, source=str(path), title=f"UN sanctions list {path.name}"
        )
        summary.seconds_writing = time.perf_counter() - started
        summary.written = True
    return summary


def _write_entry(entry: _Entry, add, dataset: str, ds_slug: str) -> None:
    node = f"<{entry.iri}>"
    if entry.resolved:
        add(node, SKOS_ALT, lang_lit(entry.name, "en"))
    else:
        add(node, RDF_TYPE, f"<{C}{'Organization' if entry.kind == 'entity' else 'Person'}>")
        add(node, RDFS_LABEL, lang_lit(entry.name, "en"))
        add(node, SKOS_PREF, lang_lit(entry.name, "en"))
    for alias in entry.aliases:
        add(node, SKOS_ALT, lit(alias))
    if entry.original:
        add(
            node,
            SKOS_ALT,
            lang_lit(entry.original, "ar")
            if _ARABIC.search(entry.original)
            else lit(entry.original),
        )
    add(node, f"<{C}sanctionsReference>", lit(entry.ref))
    if entry.listed:
        add(node, f"<{C}listedOn>", f'"{entry.listed.isoformat()}"^^<{XSD}date>')
    passage = f"<{ID}passage/{ds_slug}/{entry.comment_line}>"
    claim = f"<{ID}claim/{ds_slug}/{entry.comment_line}>"
    add(passage, RDF_TYPE, f"<{C}Passage>")
    add(passage, f"<{C}text>", lit(entry.comment or entry.name))
    add(passage, f"<{C}inDocument>", dataset)
    add(passage, f"<{C}paragraph>", f'"{entry.comment_line}"^^<{XSD}integer>')
    add(claim, RDF_TYPE, f"<{C}Claim>")
    add(claim, f"<{C}about>", node)
    add(claim, f"<{C}passage>", passage)
    add(claim, f"<{C}modality>", f"<{C}ReferenceData>")
    listed = f", listed on {entry.listed.isoformat()}" if entry.listed else ""
    add(claim, f"<{C}statement>", lit(f"UN sanctions list {entry.ref}: {entry.name}{listed}."))


def _write_relations(
    entry: _Entry,
    by_ref: dict[str, _Entry],
    add,
    dataset: str,
    ds_slug: str,
    summary: ImportSummary,
) -> int:
    """Memberships and mergers stated in the entry's comment, in the forms listed above."""
    text = " ".join(entry.comment.split())
    if not text:
        return 0
    found: list[tuple[str, str, str, str, date | None]] = []  # person, org, role, why, start
    if entry.kind == "individual":
        for pattern, roles in _PERSON_PATTERNS:
            for m in pattern.finditer(text):
                other = by_ref.get(m.group("ref"))
                if other is None or not _names_match(m.group("name"), other):
                    continue
                for role in roles:
                    found.append((entry.iri, other.iri, role, m.group(0).lstrip(". "), None))
    else:
        for pattern, roles in _ENTITY_PATTERNS:
            for m in pattern.finditer(text):
                other = by_ref.get(m.group("ref"))
                if other is None or not _names_match(m.group("name"), other):
                    continue
                start = None
                groups = m.groupdict()
                if groups.get("month") and groups["month"].lower() in _MONTH_NAMES:
                    start = date(int(groups["year"]), _MONTH_NAMES[groups["month"].lower()], 1)
                for role in roles:
                    found.append((other.iri, entry.iri, role, m.group(0), start))
    written = 0
    seen: set[str] = set()
    claim_base = f"{ID}claim/{ds_slug}/{entry.comment_line}"
    passage = f"<{ID}passage/{ds_slug}/{entry.comment_line}>"
    for person, org, role, why, start in found:
        membership = f"<{ID}membership/{_local(person)}-{_local(org)}-{role.lower()}>"
        if membership in seen:
            continue
        seen.add(membership)
        add(membership, RDF_TYPE, f"<{C}Membership>")
        add(membership, f"<{C}member>", f"<{person}>")
        add(membership, f"<{C}organization>", f"<{org}>")
        add(membership, f"<{C}role>", f"<{C}{role}>")
        if start is not None:
            add(membership, f"<{C}startDate>", f'"{start.isoformat()}"^^<{XSD}date>')
            add(membership, f"<{C}datePrecision>", f"<{C}MonthPrecision>")
        written += 1
        claim = f"<{claim_base}-{written}>"
        add(claim, RDF_TYPE, f"<{C}Claim>")
        add(claim, f"<{C}about>", membership)
        add(claim, f"<{C}passage>", passage)
        add(claim, f"<{C}modality>", f"<{C}ReferenceData>")
        add(claim, f"<{C}statement>", lit(f'Read from the UN list\'s comment: "{why}".'))
    if entry.kind == "entity":
        merger = _MERGER.search(text)
        if merger:
            day = _short_date(merger.group("date"))
            inputs = [by_ref.get(merger.group("ra")), by_ref.get(merger.group("rb"))]
            names_ok = all(
                other is not None and _names_match(merger.group(k), other)
                for other, k in zip(inputs, ("a", "b"))
            )
            if day is not None and names_ok:
                known = [other for other in inputs if other is not None]  # all, by names_ok
                add(f"<{entry.iri}>", f"<{C}foundingDate>", f'"{day.isoformat()}"^^<{XSD}date>')
                for other in known:
                    add(f"<{other.iri}>", f"<{C}predecessorOf>", f"<{entry.iri}>")
                written += 1
                claim = f"<{claim_base}-{written}>"
                add(claim, RDF_TYPE, f"<{C}Claim>")
                add(claim, f"<{C}about>", f"<{entry.iri}>")
                for other in known:
                    add(claim, f"<{C}about>", f"<{other.iri}>")
                add(claim, f"<{C}passage>", passage)
                add(claim, f"<{C}modality>", f"<{C}ReferenceData>")
                add(
                    claim,
                    f"<{C}statement>",
                    lit(f'Read from the UN list\'s comment: "{merger.group(0)}".'),
                )
            elif day is None or not names_ok:
                summary.notes.append(
                    f"{entry.ref}: merger sentence not read (names or date unclear): {merger.group(0)!r}"
                )
    return written
