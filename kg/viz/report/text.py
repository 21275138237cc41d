"""How the briefing writes words: escaped, right-to-left names isolated, long cells folded.

Small helpers every section uses, so that a count reads "1 claim" / "2 claims" and a
GeoNames line in Arabic does not turn the numbers after it around.
"""

from __future__ import annotations

import re
from html import escape

#: A long text cell shows this many characters, the rest behind "more".
CELL_CHARS = 160

#: Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko and their
#: presentation forms).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
#: A field of a list: what lies between commas, tabs and line ends.
_FIELD = re.compile("[^,\t\n]+")


def text_html(text: str) -> str:
    """``text`` escaped for HTML, each field holding right-to-left letters isolated.

    A GeoNames line lists alternate names in many scripts, then coordinates
    ("…,تمبكتو<TAB>19.7<TAB>-3.6…"): without isolation the numbers after an Arabic name
    join its right-to-left run and are shown reversed ("3.6- 19.7"). Each comma- or
    tab-separated field with such letters goes in ``<bdi>``, so it keeps its own
    direction and the rest reads left to right.
    """
    html = escape(text)
    if not _RTL.search(text):
        return html
    return _FIELD.sub(
        lambda m: f"<bdi>{m.group(0)}</bdi>" if _RTL.search(m.group(0)) else m.group(0), html
    )


def short_text(text: str) -> str:
    """``text`` as HTML, folded behind "…" (a ``<details>``) when longer than a cell."""
    if len(text) <= CELL_CHARS:
        return text_html(text)
    cut = text.rfind(" ", 0, CELL_CHARS - 20)
    cut = cut if cut > 40 else CELL_CHARS - 20
    return (
        f'<details class="long"><summary>{text_html(text[:cut])} …</summary>'
        f"{text_html(text[cut:])}</details>"
    )


def plural(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun that goes with it: "1 claim", "1,204 claims"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def sentence(text: str, needles: list[str], limit: int = 360) -> str:
    """The sentence of ``text`` that names one of ``needles`` (else its first sentence)."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"'(])", text.strip())
    pick = next(
        (s for s in sentences if any(n and n.lower() in s.lower() for n in needles)),
        sentences[0] if sentences else text,
    )
    if len(pick) > limit:
        pick = pick[: limit - 1].rsplit(" ", 1)[0] + " …"
    return pick
