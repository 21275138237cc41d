"""GeoNames dumps (``ML.txt`` and the like) → places, admin divisions and alternate names.

The file has the 19 standard tab-separated columns (geonameid, name, asciiname,
alternatenames, latitude, longitude, feature class, feature code, country code, cc2,
admin1–4 codes, population, elevation, dem, timezone, modification date). Each row
becomes ``place/geonames/<geonameid>``, modelled as the bundled reference graph models
the report's places:

* ``rdf:type`` from the feature code (:func:`place_class`): ``PCLI`` and other ``PCL*``
  country, ``ADM1`` ``ckg:AdminRegion``, ``ADM2`` ``ckg:Cercle``, ``ADM3``/``ADM4`` a
  ``ckg:Place``; ``PPLC`` and ``PPLA*`` ``ckg:Town``, other populated places
  ``ckg:Village``; military bases, installations, administrative facilities, cemeteries
  and factories their site classes; everything else (wadis, hills, wells…) ``ckg:Place``;
* the name as ``rdfs:label`` and ``skos:prefLabel`` (``@en``), the Latin-script alternate
  names as untagged ``skos:altLabel`` (codes such as ``KYS`` and spellings equal to another
  after :func:`kg.resolve.normalise` left out);
* ``ckg:geonamesId``, ``ckg:featureCode`` (``P.PPLA``), ``ckg:countryCode``, coordinates
  (``ckg:latitude``/``ckg:longitude`` and a ``geo:Geometry`` with WKT), ``ckg:population``
  when above zero, ``rdfs:seeAlso`` the GeoNames page;
* ``ckg:locatedIn`` the most precise admin division the row's codes name (ADM3, ADM2,
  ADM1), else the country; the capitals of the country and of first-level regions get
  ``ckg:placeRole`` and ``ckg:capitalOf``;
* a ``ckg:Claim`` (``ckg:ReferenceData``) whose ``ckg:Passage`` is the exact row, with its
  line number as ``ckg:paragraph``.

A place other graphs already type or label keeps that type and English label: the import
adds its name as an alternate label instead, so that no place has two English
preferred labels or is both a town and a village.
"""

from __future__ import annotations

import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from kg.errors import InputError
from kg.importers import ImportSummary, Progress, ProgressCallback, Rejection
from kg.importers.ntriples import NTriplesFile
from kg.rdfio.ntriples import (
    DCT,
    GEO,
    RDF_TYPE,
    RDFS_LABEL,
    RDFS_SEE_ALSO,
    SKOS_ALT,
    SKOS_PREF,
    XSD,
    decimal,
    lang_lit,
    lit,
    wkt_point,
)
from kg.resolve import normalise, slug
from kg.terms import CKG_NS, GRAPH, ID

COLUMNS = 19
C = CKG_NS
_SITE_CLASSES = {
    "S.MILB": "MilitaryBase",
    "S.INSM": "MilitaryInstallation",
    "S.ADMF": "AdministrativeSite",
    "S.CMTY": "Cemetery",
    "S.MFG": "Factory",
    "S.MFGB": "Factory",
}


def place_class(feature_class: str, feature_code: str) -> str:
    """The ckg class (local name) of a GeoNames feature."""
    code = f"{feature_class}.{feature_code}"
    if feature_class == "A":
        if feature_code.startswith("PCL"):
            return "Country"
        return {"ADM1": "AdminRegion", "ADM2": "Cercle"}.get(feature_code, "Place")
    if feature_class == "P":
        return "Town" if feature_code == "PPLC" or feature_code.startswith("PPLA") else "Village"
    if feature_class == "S":
        return _SITE_CLASSES.get(code, "Site")
    return "Place"


def _latin(text: str) -> bool:
    # Alternate names in other scripts are left to GeoNames' own alternateNames file,
    # which gives their languages; the dump's column does not.
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


@dataclass
class _Row:
    line: int
    fields: list[str]
    text: str


def dataset_slug_for(path: Path) -> str:
    """The slug of the dataset node: ``geonames-<file-stem>`` (``geonames`` not repeated)."""
    stem = slug(path.stem)
    return stem if stem.startswith("geonames") else "geonames-" + stem


def graph_for(path: Path) -> str:
    """The named graph a GeoNames file goes into: ``graph/import/geonames/<file-stem>``."""
    return str(GRAPH[f"import/geonames/{slug(path.stem)}"])


def _known_elsewhere(
    store: object, graph: str
) -> tuple[set[str], dict[str, set[str]], dict[str, str]]:
    """GeoNames places other graphs type; their English preferred labels; countries by code."""
    prefix = str(ID["place/geonames/"])
    rows = store.query(  # type: ignore[attr-defined]
        "SELECT DISTINCT ?p ?what ?l WHERE { GRAPH ?g { "
        "{ ?p a ?t BIND('type' AS ?what) } UNION "
        "{ ?p <http://www.w3.org/2004/02/skos/core#prefLabel> ?l "
        "  FILTER(LANGMATCHES(LANG(?l), 'en')) BIND('label' AS ?what) } } "
        "FILTER(?g != ?self && STRSTARTS(STR(?p), ?prefix)) }",
        {"self": URIRef(graph), "prefix": _literal(prefix)},
        include_inferred=False,
    ).rows
    typed = {str(p) for p, what, _ in rows if str(what) == "type"}
    labelled: dict[str, set[str]] = {}
    for p, what, label in rows:
        if str(what) == "label":
            labelled.setdefault(str(p), set()).add(normalise(str(label)))
    countries = store.query(  # type: ignore[attr-defined]
        f"SELECT ?c ?code WHERE {{ ?c a <{C}Country> ; <{C}countryCode> ?code }}",
        include_inferred=False,
    ).rows
    return typed, labelled, {str(code): str(c) for c, code in countries}


def _literal(text: str) -> object:
    from rdflib import Literal

    return Literal(text)


def convert_geonames(
    path: Path,
    out: NTriplesFile,
    *,
    typed_elsewhere: set[str] | None = None,
    labelled_elsewhere: dict[str, set[str]] | None = None,
    countries: dict[str, str] | None = None,
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Read a GeoNames dump and write its triples to ``out``; return the summary."""
    typed_elsewhere = typed_elsewhere or set()
    labelled_elsewhere = labelled_elsewhere or {}
    summary = ImportSummary(
        kind="geonames",
        path=str(path),
        graph=graph_for(path),
        layout="GeoNames dump (19 tab-separated columns)",
    )
    started = time.perf_counter()
    rows: list[_Row] = []
    try:
        total = path.stat().st_size
        with path.open("r", encoding="utf-8", newline="") as handle:
            done = 0
            for line_no, raw in enumerate(handle, start=1):
                done += len(raw)
                text = raw.rstrip("\r\n")
                if not text.strip() or text.startswith("#"):
                    continue
                summary.rows_read += 1
                rows.append(_Row(line_no, text.split("\t"), text))
                if progress is not None and line_no % 50_000 == 0:
                    progress(
                        Progress(
                            str(path), summary.rows_read, done, total, time.perf_counter() - started
                        )
                    )
    except UnicodeDecodeError as exc:
        from kg.errors import undecodable_text

        raise undecodable_text(
            path,
            "utf-8",
            "GeoNames dumps are UTF-8: download the file again, or re-save it as UTF-8",
        ) from exc
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from exc
    if not rows:
        what = "is empty" if total == 0 else "holds no rows (only blank or comment lines)"
        raise InputError(
            f"{what}: expected a GeoNames dump, one "
            f"place per line in {COLUMNS} tab-separated columns. Nothing was imported; check "
            "the file (a download cut short?)",
            path=str(path),
        )
    if rows and all(len(r.fields) != COLUMNS for r in rows[:50]):
        raise InputError(
            f"not a GeoNames dump: the first rows have {len(rows[0].fields)} tab-separated "
            f"columns, not {COLUMNS}; give a dump from download.geonames.org (ML.txt, say) "
            "or allCountries.txt, unzipped",
            path=str(path),
            line=rows[0].line,
        )

    # First pass: which rows are valid, and the admin divisions and countries by code.
    valid: list[_Row] = []
    admin1: dict[tuple[str, str], str] = {}
    admin2: dict[tuple[str, str, str], str] = {}
    admin3: dict[tuple[str, str, str, str], str] = {}
    countries = dict(countries or {})
    for row in rows:
        reason = _check(row.fields)
        if reason:
            summary.rejected.append(Rejection(row.line, reason))
            continue
        valid.append(row)
        f = row.fields
        iri = f"{ID}place/geonames/{f[0]}"
        fclass, fcode, cc = f[6], f[7], f[8]
        if fclass == "A":
            if fcode.startswith("PCL"):
                countries[cc] = iri
            elif fcode == "ADM1":
                admin1[(cc, f[10])] = iri
            elif fcode == "ADM2":
                admin2[(cc, f[10], f[11])] = iri
            elif fcode == "ADM3":
                admin3[(cc, f[10], f[11], f[12])] = iri

    stem_slug = dataset_slug_for(path)
    dataset = f"<{ID}doc/{stem_slug}>"
    title = lang_lit(f"GeoNames gazetteer {path.name}", "en")
    out.add(dataset, RDF_TYPE, f"<{C}Dataset>")
    out.add(dataset, f"<{DCT}title>", title)
    out.add(dataset, RDFS_LABEL, title)
    out.add(dataset, f"<{DCT}creator>", lit("GeoNames"))
    out.add(dataset, f"<{DCT}source>", lit(path.name))
    out.add(dataset, f"<{DCT}license>", "<https://creativecommons.org/licenses/by/4.0/>")
    lines: list[str] = []
    add = lines.append
    for row in valid:
        f = row.fields
        geonameid, name = f[0], f[1].strip()
        fclass, fcode, cc = f[6], f[7], f[8]
        iri = f"{ID}place/geonames/{geonameid}"
        node = f"<{iri}>"
        cls = place_class(fclass, fcode)
        if iri not in typed_elsewhere:
            add(f"{node} {RDF_TYPE} <{C}{cls}> .\n")
        name_key = normalise(name)
        other_labels = labelled_elsewhere.get(iri)
        if other_labels is not None:
            # Another graph gives the English name: GeoNames' name is an alternate, if new.
            if name_key not in other_labels:
                add(f"{node} {SKOS_ALT} {lit(name)} .\n")
        else:
            add(f"{node} {RDFS_LABEL} {lang_lit(name, 'en')} .\n")
            add(f"{node} {SKOS_PREF} {lang_lit(name, 'en')} .\n")
        seen = {name_key, *(other_labels or ())}
        for alt in f[3].split(","):
            alt = alt.strip()
            key = normalise(alt)
            if not alt or key in seen or not _latin(alt) or (alt.isupper() and len(alt) <= 4):
                continue
            seen.add(key)
            add(f"{node} {SKOS_ALT} {lit(alt)} .\n")
        add(f'{node} <{C}geonamesId> "{geonameid}" .\n')
        add(f"{node} <{C}featureCode> {lit(f'{fclass}.{fcode}')} .\n")
        if cc:
            add(f"{node} <{C}countryCode> {lit(cc)} .\n")
        lat, lon = float(f[4]), float(f[5])
        add(f"{node} <{C}latitude> {decimal(f[4].strip())} .\n")
        add(f"{node} <{C}longitude> {decimal(f[5].strip())} .\n")
        geometry = f"<{iri}/geometry>"
        add(f"{node} <{GEO}hasGeometry> {geometry} .\n")
        add(f"{geometry} {RDF_TYPE} <{GEO}Geometry> .\n")
        add(f"{geometry} <{GEO}asWKT> {wkt_point(lat, lon)} .\n")
        population = f[14].strip()
        if population.isdigit() and int(population) > 0:
            add(f'{node} <{C}population> "{int(population)}"^^<{XSD}integer> .\n')
        add(f"{node} {RDFS_SEE_ALSO} <https://sws.geonames.org/{geonameid}/> .\n")
        parent = _parent(f, iri, countries, admin1, admin2, admin3)
        if parent and parent != iri:
            add(f"{node} <{C}locatedIn> <{parent}> .\n")
        if fclass == "P" and fcode == "PPLC" and cc in countries:
            add(f"{node} <{C}placeRole> <{C}NationalCapital> .\n")
            add(f"{node} <{C}capitalOf> <{countries[cc]}> .\n")
        elif fclass == "P" and fcode == "PPLA" and (cc, f[10]) in admin1:
            add(f"{node} <{C}placeRole> <{C}RegionalCapital> .\n")
            add(f"{node} <{C}capitalOf> <{admin1[(cc, f[10])]}> .\n")
        passage = f"<{ID}passage/{stem_slug}/{row.line}>"
        claim = f"<{ID}claim/{stem_slug}/{row.line}>"
        add(f"{passage} {RDF_TYPE} <{C}Passage> .\n")
        add(f"{passage} <{C}text> {lit(row.text)} .\n")
        add(f"{passage} <{C}inDocument> {dataset} .\n")
        add(f'{passage} <{C}paragraph> "{row.line}"^^<{XSD}integer> .\n')
        add(f"{claim} {RDF_TYPE} <{C}Claim> .\n")
        add(f"{claim} <{C}about> {node} .\n")
        add(f"{claim} <{C}passage> {passage} .\n")
        add(f"{claim} <{C}modality> <{C}ReferenceData> .\n")
        statement = (
            f"GeoNames {geonameid}: {name}, feature {fclass}.{fcode}, country {cc}, "
            f"at {f[4].strip()}, {f[5].strip()}"
            + (
                f", population {int(population)}"
                if population.isdigit() and int(population) > 0
                else ""
            )
            + "."
        )
        add(f"{claim} <{C}statement> {lit(statement)} .\n")
        summary.records += 1
        if len(lines) >= 20_000:
            out.extend(lines)
            lines.clear()
    out.extend(lines)
    summary.seconds_reading = time.perf_counter() - started
    return summary


def _check(f: list[str]) -> str | None:
    """Why a row cannot be imported, or None."""
    if len(f) != COLUMNS:
        return f"{len(f)} tab-separated columns, not {COLUMNS}"
    if not f[0].isdigit():
        return f"geonameid {f[0]!r} is not a number"
    if not f[1].strip():
        return "the name is empty"
    try:
        lat, lon = float(f[4]), float(f[5])
    except ValueError:
        return f"latitude/longitude {f[4]!r}, {f[5]!r} are not numbers"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return f"latitude/longitude {f[4]}, {f[5]} are outside -90..90, -180..180"
    if not f[6] or not f[7]:
        return "the feature class or code is empty"
    if f[14].strip() and not f[14].strip().isdigit():
        return f"population {f[14]!r} is not a whole number"
    return None


def _parent(
    f: list[str],
    iri: str,
    countries: dict[str, str],
    admin1: dict[tuple[str, str], str],
    admin2: dict[tuple[str, str, str], str],
    admin3: dict[tuple[str, str, str, str], str],
) -> str | None:
    """The most precise admin division above the row (never itself), else its country."""
    cc, a1, a2, a3 = f[8], f[10], f[11], f[12]
    fclass, fcode = f[6], f[7]
    if fclass == "A" and fcode.startswith("PCL"):
        return None
    candidates: list[str | None] = []
    if fcode not in ("ADM1", "ADM2", "ADM3") and a3:
        candidates.append(admin3.get((cc, a1, a2, a3)))
    if fcode not in ("ADM1", "ADM2") and a2:
        candidates.append(admin2.get((cc, a1, a2)))
    if fcode != "ADM1" and a1:
        candidates.append(admin1.get((cc, a1)))
    candidates.append(countries.get(cc))
    for candidate in candidates:
        if candidate and candidate != iri:
            return candidate
    return None


def import_geonames(
    store: object,
    path: Path,
    *,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    workdir: Path | None = None,
) -> ImportSummary:
    """Import one GeoNames dump into its own graph (see the module docstring)."""
    from kg.importers.writing import write_graph

    path = Path(path)
    graph = graph_for(path)
    typed, labelled, countries = _known_elsewhere(store, graph)
    with tempfile.TemporaryDirectory(prefix="ckg-geonames-", dir=workdir) as tmp:
        nt = NTriplesFile(Path(tmp) / "geonames.nt")
        try:
            summary = convert_geonames(
                path,
                nt,
                typed_elsewhere=typed,
                labelled_elsewhere=labelled,
                countries=countries,
                progress=progress,
            )
        finally:
            summary_triples = nt.close()
        summary.triples = summary_triples
        if strict and summary.rejected:
            summary.refused = True
            return summary
        if summary.records == 0:
            summary.notes.append("no valid row; the graph was not replaced")
            return summary
        started = time.perf_counter()
        summary.triples = write_graph(
            store, graph, nt.path, source=str(path), title=f"GeoNames gazetteer {path.name}"
        )
        summary.seconds_writing = time.perf_counter() - started
        summary.written = True
    return summary
