"""Issue 21.2: admin-1 region outlines, offline, on every map.

The witness is outside our code: each capital and regional capital of ``towns.csv``
(GeoNames coordinates) lies in the region it is the capital of. Natural Earth 4.1
predates Mali's 2016 regions, so Ménaka is still in Gao and Taoudenni in Timbuktu.
"""

from __future__ import annotations

import csv
from importlib.resources import files
from pathlib import Path

import pytest

from kg.viz import geo
from kg.viz.mapdata import collect
from kg.viz.mapview import map_page
from kg.viz.scene import to_svg
from kg.viz.staticmap import map_scene

FIXTURE = Path(__file__).parent / "fixtures" / "viz" / "events.ttl"

#: Town (as towns.csv names it) -> the Natural Earth region it is the capital of.
CAPITAL_OF = {
    "Bamako": "Bamako",
    "Kayes": "Kayes",
    "Koulikoro": "Koulikoro",
    "Ségou": "Ségou",
    "Sikasso": "Sikasso",
    "Mopti": "Mopti",
    "Timbuktu": "Timbuktu",
    "Gao": "Gao",
    "Kidal": "Kidal",
    "Ménaka": "Gao",
    "Taoudenni": "Timbuktu",
    "Ouagadougou": "Kadiogo",
    "Bobo-Dioulasso": "Houet",
    "Djibo": "Soum",
    "Dori": "Séno",
    "Ouahigouya": "Yatenga",
    "Kaya": "Sanmatenga",
    "Fada N'Gourma": "Gourma",
    "Niamey": "Niamey",
    "Tillabéri": "Tillabéri",
    "Agadez": "Agadez",
    "Tahoua": "Tahoua",
    "Nouakchott": "Nouakchott",
    "N'Djamena": "Ville de N'Djamena",
}


def _inside(lon: float, lat: float, ring) -> bool:
    """Ray casting: whether (lon, lat) is inside a closed ring."""
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def _towns() -> dict[str, tuple[float, float]]:
    text = files("kg.viz").joinpath("data/towns.csv").read_text("utf-8")
    return {
        r["name"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(text.splitlines())
    }


def test_every_capital_lies_in_its_own_region():
    towns = _towns()
    by_name = {r.name: r for r in geo.regions()}
    for town, region in CAPITAL_OF.items():
        lon, lat = towns[town]
        holding = [
            r.name for r in geo.regions() if sum(_inside(lon, lat, list(g)) for g in r.rings) % 2
        ]
        assert holding == [region], (town, holding)
        assert region in by_name


def test_the_regions_are_the_g5_sahel_countries_and_small():
    countries = {r.country for r in geo.regions()}
    assert countries == {"Mauritania", "Mali", "Burkina Faso", "Niger", "Chad"}
    mali = sorted(r.name for r in geo.regions() if r.country == "Mali")
    assert len(mali) == 9 and "Bamako" in mali  # 8 regions and the capital district
    size = len(files("kg.viz").joinpath("data/admin1.geojson").read_bytes())
    assert size < 300_000


@pytest.fixture
def data(tmp_path):
    from kg.embedded import open_store
    from kg.loading import load_files

    store = open_store(tmp_path / "store")
    load_files(store, [Path(str(files("kg.ontology").joinpath("conflict.ttl"))), FIXTURE])
    try:
        yield collect(store)
    finally:
        store.close()


def test_static_map_draws_regions_and_says_so_in_the_legend(data):
    svg = to_svg(map_scene(data))
    assert svg.count('class="region"') >= 9  # at least Mali's
    assert "region (admin-1) boundary" in svg
    # Country borders are drawn after (over) the regions.
    assert svg.rindex('class="region"') < svg.rindex('class="border"')


def test_html_map_draws_regions_and_says_so_in_the_legend(data):
    page = map_page(data)
    assert page.count('<path class="region"') == len(geo.regions())
    assert "region (admin-1) boundary" in page
    assert "1:10m regions" in page  # the credit names the source
