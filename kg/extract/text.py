"""Reading a report's text: plain text, Markdown, HTML (main text only) and PDF.

A :class:`Document` is a title and numbered paragraphs. For plain text and Markdown the
paragraph number is the line on which the paragraph starts (as ``ckg:paragraph`` in the
seed graph); for HTML and PDF it is the paragraph's position in the main text. Sentences
are split by a rule-based splitter that knows common abbreviations; a semicolon also ends
a passage, as the seed graph's passages do.

Bad input raises :class:`kg.errors.InputError` naming the file and what to do: a binary
file, an empty file, a PDF without a text layer, or text in an encoding that is neither
UTF-8 nor UTF-16 with a byte-order mark (give ``--encoding``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError

#: File suffixes read by each reader.
SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}


@dataclass
class Paragraph:
    """One paragraph of the main text and its number (line for text, position otherwise)."""

    number: int
    text: str


@dataclass
class Document:
    """A report's title, paragraphs and where it came from."""

    path: str
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    kind: str = "text"

    @property
    def text(self) -> str:
        """The paragraphs joined by newlines."""
        return "\n".join(p.text for p in self.paragraphs)


def read_document(path: str | Path, *, encoding: str | None = None) -> Document:
    """Read ``path`` by its suffix (.txt, .md, .html, .pdf); see the module docstring."""
    p = Path(path)
    kind = SUFFIXES.get(p.suffix.lower())
    if kind is None and p.suffix.lower() in (".csv", ".tsv"):
        raise InputError(
            "a CSV file is read one row per document: give it with --csv (and --text-column)",
            path=str(p),
        )
    if kind is None:
        raise InputError(
            f"unknown file type {p.suffix or '(none)'!r}; give a .txt, .md, .html or .pdf file",
            path=str(p),
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=str(p)) from exc
    return parse_bytes(data, kind, str(p), encoding=encoding)


def parse_bytes(data: bytes, kind: str, name: str, *, encoding: str | None = None) -> Document:
    """A :class:`Document` from the raw bytes of a file of ``kind`` (text, markdown, html, pdf)."""
    if not data.strip():
        raise InputError(
            "the file is empty; nothing to extract: check that it is the report you meant",
            path=name,
        )
    if kind == "pdf":
        return _from_pdf(data, name)
    text = decode(data, name, encoding)
    if kind == "html":
        return _from_html(text, name)
    if kind == "markdown":
        return _from_lines(_strip_markdown(text), name, "markdown")
    return _from_lines(text, name, "text")


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """The bytes as text: the given encoding, or UTF-8 / UTF-16 with BOM; never a guess."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", path=name) from None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"the file is not valid {encoding} (byte {exc.start}); check --encoding",
                path=name,
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise InputError(
            "the file is binary (it holds NUL bytes), not text; give a .txt, .md, .html or "
            ".pdf report",
            path=name,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"the text is not UTF-8 (byte {exc.start}); its encoding is unknown: "
            "give it with --encoding (e.g. --encoding cp1252)",
            path=name,
            line=line,
        ) from None


def _from_lines(text: str, name: str, kind: str) -> Document:
    # A paragraph is a run of non-blank lines; its number is the line where it starts.
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            paragraphs.append(Paragraph(start, " ".join(current)))
            current = []
    if current:
        paragraphs.append(Paragraph(start, " ".join(current)))
    if kind == "text" and _one_per_line(text):
        # One paragraph per line (the bundled report's layout): each line is a paragraph.
        paragraphs = [
            Paragraph(n, line.strip())
            for n, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]
    if not paragraphs:
        raise InputError("the file holds no text; nothing to extract", path=name)
    title = paragraphs[0].text if _is_title(paragraphs[0].text) else Path(name).stem
    return Document(name, title, paragraphs, kind)


def _one_per_line(text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return len(lines) > 1 and not any(not ln.strip() for ln in text.strip().splitlines())


def _is_title(text: str) -> bool:
    return len(text) <= 150 and not text.rstrip().endswith((".", ";", ","))


_MD_MARKUP = [
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])[*_]([^*_\n]+)[*_](?![\w*])"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"^\s{0,3}>\s?", re.MULTILINE), ""),
    (re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE), ""),
]


def _strip_markdown(text: str) -> str:
    # Line numbers are kept: markup is removed within lines, never whole lines.
    for pattern, repl in _MD_MARKUP:
        text = pattern.sub(repl, text)
    return text


def _from_html(text: str, name: str) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "form", "noscript"]):
        tag.decompose()
    title_tag = soup.find("h1") or soup.find("title")
    title = " ".join(title_tag.get_text(" ").split()) if title_tag else Path(name).stem
    root = soup.find("article") or soup.find("main") or soup.body or soup
    paragraphs: list[Paragraph] = []
    for block in root.find_all(["p", "li", "h1", "h2", "h3", "blockquote"]):
        if block.find(["p", "li"]):
            continue  # its inner blocks are taken one by one
        words = " ".join(block.get_text(" ").split())
        words = re.sub(r"\s+([,.;:!?)])", r"\1", words)
        if words:
            paragraphs.append(Paragraph(len(paragraphs) + 1, words))
    if not paragraphs:
        raise InputError("the HTML page has no paragraphs of text; nothing to extract", path=name)
    return Document(name, title, paragraphs, "html")


def _from_pdf(data: bytes, name: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF"):
        raise InputError("the file is not a PDF (no %PDF header)", path=name)
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"the PDF cannot be read: {exc}", path=name) from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise InputError(
            "the PDF has no text layer (a scan?); run OCR on it first, then extract the text",
            path=name,
        )
    # PDF lines are wrapped at the page width: a paragraph is a run of non-blank lines.
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    paragraphs: list[Paragraph] = []
    for block in blocks:
        joined = re.sub(r"-\n(?=[a-z])", "", block)
        joined = " ".join(joined.split())
        paragraphs.append(Paragraph(len(paragraphs) + 1, joined))
    title = paragraphs[0].text if _is_title(paragraphs[0].text) else Path(name).stem
    return Document(name, title, paragraphs, "pdf")


# ---- sentences --------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "maj",
        "capt",
        "sgt",
        "st",
        "no",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.n",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "approx",
        "km",
    ]
)
_END = re.compile(r"[.!?;:][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9À-Þ])|[.!?][\"”’)\]]*$")


@dataclass(frozen=True)
class Sentence:
    """One passage of a paragraph: its text and offsets within the paragraph."""

    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Split a paragraph into sentences; a semicolon, or a colon before a capital, also ends
    one (as the seed graph's passages do).

    >>> [s.text for s in split_sentences("On July 1, JNIM attacked Kayes. It was bad; see U.S. notes.")]
    ['On July 1, JNIM attacked Kayes.', 'It was bad', 'see U.S. notes.']
    """
    sentences: list[Sentence] = []
    start = 0
    for match in _END.finditer(text):
        end = match.start() + 1
        word = re.search(r"([\w.]+)\.$", text[start:end])
        if text[match.start()] == "." and word and word.group(1).lower() in _ABBREVIATIONS:
            continue
        if text[match.start()] == "." and re.search(r"\b[A-Z]\.$", text[start:end]):
            continue  # an initial ("J. Smith")
        _add(sentences, text, start, match.end())
        start = match.end()
    if start < len(text):
        _add(sentences, text, start, len(text))
    # A lower-case start after a semicolon is still a new passage.
    result: list[Sentence] = []
    for s in sentences:
        parts = re.split(r"(?<=;)\s+(?=[a-z])", s.text)
        offset = s.start
        for part in parts:
            pos = text.index(part, offset)
            offset = pos + len(part)
            part = part.rstrip(";").rstrip()
            if part:
                result.append(Sentence(part, pos, pos + len(part)))
    return result


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    pos = start + chunk.index(stripped)
    sentences.append(Sentence(stripped, pos, pos + len(stripped)))
