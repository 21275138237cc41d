"""Issue 21: non-Latin place names are drawn with glyphs, not as empty .notdef boxes.

The names are GeoNames' own alternates, copied from its Mali file (the ``alternatenames``
column of Tombouctou Region, 2449066, and of Azaouâd, 2462033): the Arabic تمبكتو and the
Tifinagh ⴰⵣⴰⵓⴰⴷ. A glyph a font lacks is drawn as the font's .notdef box; every such box
looks the same, so "drawn as a box" is tested by comparing the picture of a character
with the picture of a character no font has (U+0378, unassigned in Unicode).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.viz.fonts import CSS_STACK, FAMILIES, font_files, matplotlib_families
from kg.viz.scene import Scene, to_png, to_svg

ARABIC = "تمبكتو"  # GeoNames 2449066, Tombouctou Region
TIFINAGH = "ⴰⵣⴰⵓⴰⴷ"  # GeoNames 2462033, Azaouâd
DEVANAGARI = "माली"  # GeoNames 2453866, Mali (needs fonts-noto-core)
CJK = "ニオノ圏尼奧諾省"  # GeoNames' Japanese and Chinese names of Cercle de Niono (fonts-noto-cjk)
TOFU = "\u0378"  # unassigned: no font has it, every renderer draws .notdef


def _png_pixels(text: str, tmp_path: Path, name: str) -> bytes:
    from PIL import Image

    scene = Scene(240, 60)
    scene.label(10, 40, text, size=28)
    out = tmp_path / f"{name}.png"
    to_png(scene, out)
    with Image.open(out) as im:
        return im.convert("L").tobytes()


def test_the_png_fonts_cover_arabic_and_tifinagh_names():
    files = font_files(ARABIC + TIFINAGH)
    assert files and all(files.values()), {c: f for c, f in files.items() if not f}


def test_png_draws_each_arabic_and_tifinagh_letter_not_the_notdef_box(tmp_path):
    box = _png_pixels(TOFU, tmp_path, "tofu")
    assert box != _png_pixels(" ", tmp_path, "blank")  # the box is drawn: a fair witness
    for i, ch in enumerate(dict.fromkeys(ARABIC + TIFINAGH)):
        assert _png_pixels(ch, tmp_path, f"c{i}") != box, f"U+{ord(ch):04X} drawn as a box"


def test_png_joins_arabic_letters(tmp_path):
    # Shaped text differs from the same letters kept apart by zero-width non-joiners; an
    # unshaped renderer draws both as the same isolated forms.
    joined = _png_pixels(ARABIC, tmp_path, "joined")
    apart = _png_pixels("\u200c".join(ARABIC), tmp_path, "apart")
    assert joined != apart


def test_png_draws_devanagari_when_noto_is_installed(tmp_path):
    if "Noto Sans Devanagari" not in matplotlib_families():
        pytest.skip("fonts-noto-core is not installed (scripts/system-deps.sh installs it)")
    assert all(font_files(DEVANAGARI).values())
    box = _png_pixels(TOFU, tmp_path, "tofu")
    for i, ch in enumerate(dict.fromkeys(DEVANAGARI)):
        assert _png_pixels(ch, tmp_path, f"d{i}") != box, f"U+{ord(ch):04X} drawn as a box"


def test_png_draws_chinese_and_japanese_when_noto_cjk_is_installed(tmp_path):
    if not any("CJK" in f for f in matplotlib_families()):
        pytest.skip("fonts-noto-cjk is not installed (scripts/system-deps.sh installs it)")
    assert all(font_files(CJK).values()), {c: f for c, f in font_files(CJK).items() if not f}
    box = _png_pixels(TOFU, tmp_path, "tofu")
    for i, ch in enumerate(dict.fromkeys(CJK)):
        assert _png_pixels(ch, tmp_path, f"k{i}") != box, f"U+{ord(ch):04X} drawn as a box"


def test_svg_and_pages_name_the_fallback_chain():
    from importlib.resources import files

    svg = to_svg(Scene(10, 10))
    assert "Noto Sans Arabic" in svg and "Noto Sans Tifinagh" in svg
    assert svg.index("DejaVu Sans") < svg.index("Noto Sans Arabic")  # Latin widths: DejaVu
    css = files("kg.viz").joinpath("assets/page.css").read_text("utf-8")
    for family in ("Noto Sans Arabic", "Noto Sans Tifinagh", "Noto Sans NKo"):
        assert family in css and family in FAMILIES
    assert CSS_STACK.endswith("sans-serif")


@pytest.mark.browser
def test_chromium_draws_arabic_and_tifinagh_in_the_svg_not_boxes(tmp_path):
    from PIL import Image, ImageChops

    from kg.viz.chromium import BrowserError, Chromium, find_chromium

    if find_chromium() is None:
        pytest.skip("Chromium not installed (apt-get install chromium)")
    try:
        browser = Chromium()
    except BrowserError as exc:
        pytest.skip(f"Chromium could not start: {exc}")
    try:
        shots = {}
        for key, text in (("tofu", TOFU * 3), ("arabic", ARABIC), ("tifinagh", TIFINAGH)):
            scene = Scene(300, 60)
            scene.label(10, 40, text, size=28)
            page = tmp_path / f"{key}.svg"
            page.write_text(to_svg(scene), encoding="utf-8")
            browser.viewport(300, 60)
            browser.open(page)
            shot = tmp_path / f"{key}.png"
            browser.screenshot(shot)
            with Image.open(shot) as im:
                shots[key] = im.convert("L")
    finally:
        browser.close()
    for key in ("arabic", "tifinagh"):
        diff = ImageChops.difference(shots[key], shots["tofu"]).getbbox()
        assert diff is not None, f"{key} drawn like three .notdef boxes"
