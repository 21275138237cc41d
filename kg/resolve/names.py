"""Names reduced for comparison: the forms under which actors and places are looked up.

Case, accents, apostrophes and punctuation do not count (:func:`normalise`); words naming
the kind of an administrative unit do not count either (:func:`admin_key`); ACLED's
``"ABBR: Full name"`` form and a trailing year range such as ``(2013-)`` give more keys
to try (:func:`actor_keys`). :func:`slug` makes a readable IRI segment from a name.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`ʼʻ´ʹ"), None)
_NON_WORD = re.compile(r"[\W_]+")
_YEARS = re.compile(r"\(\s*\d{4}\s*-\s*(\d{4})?\s*\)")
# Words that name the kind of an administrative unit rather than the unit: "Région de
# Kayes", "Kayes Region" and ACLED's "Kayes" are one region.
_ADMIN_WORDS = frozenset(
    [
        "region",
        "de",
        "du",
        "des",
        "d",
        "la",
        "le",
        "les",
        "l",
        "cercle",
        "province",
        "department",
        "departement",
        "commune",
        "prefecture",
        "prefecture",
        "of",
        "the",
        "district",
    ]
)


def normalise(text: str) -> str:
    """A name reduced for comparison: casefolded, without accents, apostrophes or punctuation.

    >>> normalise("Jama‘at Nusrat al-Islam wa-l-Muslimin")
    'jamaat nusrat al islam wa l muslimin'
    >>> normalise("Sandaré") == normalise("SANDARE")
    True
    """
    if text.isascii():
        folded = text.lower().translate(_APOSTROPHES)
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = stripped.casefold().translate(_APOSTROPHES)
    return " ".join(_NON_WORD.sub(" ", folded).split())


def admin_key(text: str) -> str:
    """A normalised name of an administrative unit without words such as "Region" or "Cercle de"."""
    words = [w for w in normalise(text).split() if w not in _ADMIN_WORDS]
    return " ".join(words) or normalise(text)


def slug(text: str, *, max_length: int = 80) -> str:
    """An ASCII slug for minting readable IRIs (``"Nioro du Sahel"`` → ``nioro-du-sahel``).

    Names with no ASCII letters or digits (Arabic script, for example) get a stable hash.
    """
    ascii_text = normalise(text).encode("ascii", "ignore").decode("ascii")
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:max_length].strip("-")
    if result:
        return result
    import hashlib

    return "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def actor_keys(name: str) -> list[str]:
    """The normalised forms under which an actor name is looked up, most specific first."""
    keys: list[str] = []

    def add(text: str) -> None:
        key = normalise(text)
        if key and key not in keys:
            keys.append(key)

    add(name)
    without_years = _YEARS.sub(" ", name)
    add(without_years)
    if ":" in without_years:
        # ACLED writes "ABBR: Full name"; either part may be what the graph knows.
        head, _, tail = without_years.partition(":")
        add(tail)
        add(head)
    if without_years.lower().startswith("the "):
        add(without_years[4:])
    return keys
