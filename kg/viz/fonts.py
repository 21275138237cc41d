"""The fonts every picture asks for, in order, so that non-Latin names are not drawn as boxes.

GeoNames gives Malian places alternate names in Arabic (تمبكتو), Tifinagh (ⴰⵣⴰⵓⴰⴷ),
N'Ko and a dozen other scripts; the briefing quotes those lines. DejaVu Sans (the
default of matplotlib and of many Linux machines) covers Latin, Arabic, N'Ko and part
of Tifinagh; the Noto fonts of Debian's ``fonts-noto-core`` (``scripts/system-deps.sh``
installs it) cover the rest of the scripts the region writes in. One chain, used three
ways:

* HTML and SVG name it in ``font-family`` (DejaVu Sans first, so Latin labels keep the
  widths the label placer estimates; a browser takes each missing glyph from the next
  font);
* PNG (matplotlib's Agg with its libraqm layout, which shapes and orders Arabic) gets
  the families of the chain that are installed, and falls back glyph by glyph.

Chinese, Japanese and Korean alternates (19 places of GeoNames' Mali file have some) need
``fonts-noto-cjk``, which ``scripts/system-deps.sh`` installs too; without it they stay boxes.
"""

from __future__ import annotations

from functools import lru_cache

#: The fallback chain, most used first. DejaVu Sans leads: label widths are measured
#: for it (:func:`kg.viz.layout.text_width`).
FAMILIES = (
    "DejaVu Sans",
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Naskh Arabic",
    "Noto Sans Tifinagh",
    "Noto Sans NKo",
    "Noto Sans Ethiopic",
    "Noto Sans Devanagari",
    "Noto Sans Bengali",
    "Noto Sans Gujarati",
    "Noto Sans Gurmukhi",
    "Noto Sans Tamil",
    "Noto Sans Telugu",
    "Noto Sans Kannada",
    "Noto Sans Malayalam",
    "Noto Sans Sinhala",
    "Noto Sans Thai",
    "Noto Sans Lao",
    "Noto Sans Khmer",
    "Noto Sans Myanmar",
    "Noto Sans Georgian",
    "Noto Sans Armenian",
    "Noto Sans Hebrew",
    "Noto Serif Tibetan",
    "Noto Sans CJK SC",
)

#: The chain as CSS ``font-family`` (HTML pages, SVG files), ending in generic names.
CSS_STACK = ", ".join(f"'{f}'" for f in FAMILIES) + ", Arial, sans-serif"

#: Where Debian puts the Noto fonts: matplotlib's font cache may predate their install.
_FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto")


@lru_cache(maxsize=1)
def matplotlib_families() -> tuple[str, ...]:
    """The families of :data:`FAMILIES` that matplotlib can draw with, in order.

    A font installed after matplotlib built its cache is registered here (from Debian's
    Noto folders), so a fresh ``apt-get install fonts-noto-core`` works without
    clearing any cache. DejaVu Sans ships with matplotlib: the list is never empty.
    """
    from pathlib import Path

    from matplotlib import font_manager as fm

    known = {f.name for f in fm.fontManager.ttflist}
    missing = [f for f in FAMILIES if f not in known]
    if missing:
        for folder in _FONT_DIRS:
            base = Path(folder)
            if not base.is_dir():
                continue
            for path in sorted(base.iterdir()):
                if path.suffix.lower() not in (".ttf", ".otf", ".ttc"):
                    continue
                stem = path.stem.split("-")[0]
                # "NotoSansArabic-Regular.ttf" is family "Noto Sans Arabic": only
                # the files of wanted families are read. A collection holds several
                # ("NotoSansCJK-Regular.ttc": "Noto Sans CJK SC", "… JP", …).
                collection = path.suffix.lower() == ".ttc"
                if any(
                    stem == f.replace(" ", "")
                    or (collection and f.replace(" ", "").startswith(stem))
                    for f in missing
                ):
                    try:
                        fm.fontManager.addfont(str(path))
                    except (OSError, RuntimeError, ValueError):
                        continue
        known = {f.name for f in fm.fontManager.ttflist}
    return tuple(f for f in FAMILIES if f in known)


def font_files(text: str) -> dict[str, str | None]:
    """For each distinct character of ``text``, the font file matplotlib draws it with.

    ``None`` where no family of the chain has the glyph (it would be drawn as a box).
    Used by tests and by anyone wondering why a name shows as boxes.
    """
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager as fm

    cmaps: list[tuple[str, set[int]]] = []
    for family in matplotlib_families():
        path = fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
        with TTFont(str(path), fontNumber=0, lazy=True) as font:
            cmaps.append((str(path), set(font.getBestCmap() or {})))
    out: dict[str, str | None] = {}
    for ch in dict.fromkeys(text):
        if ch.isspace():
            continue
        out[ch] = next((p for p, cmap in cmaps if ord(ch) in cmap), None)
    return out
