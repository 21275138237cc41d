"""Entity resolution: names from importers resolve to the seed graph's nodes, or stay apart.

The resolver is built from a store holding the bundled ontology, seed report and reference
data, so these tests check the curated alias table and the store's labels together.
"""

from __future__ import annotations

import pytest

from kg.bundled import load_bundled
from kg.embedded import open_store
from kg.errors import InputError
from kg.resolve import (
    AliasTable,
    Resolver,
    actor_keys,
    admin_key,
    normalise,
    resolver_from_store,
    slug,
)
from kg.terms import ID

JNIM = str(ID["group/jnim"])
BOULKESSI = str(ID["place/boulkessi"])
TIMBUKTU = str(ID["place/geonames/2449067"])
TIMBUKTU_REGION = str(ID["place/geonames/2449066"])
SANDARE = str(ID["place/geonames/2451711"])
KAYES = str(ID["place/geonames/2455518"])
KAYES_REGION = str(ID["place/geonames/2455517"])
MALI = str(ID["place/geonames/2453866"])
BURKINA = str(ID["place/geonames/2361809"])


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Resolver:
    store = open_store(tmp_path_factory.mktemp("resolve") / "store")
    try:
        load_bundled(store)
        return resolver_from_store(store)
    finally:
        store.close()


def test_normalise_ignores_case_accents_apostrophes_and_punctuation() -> None:
    assert (
        normalise("Jama‘at Nusrat al-Islam wa-l-Muslimin") == "jamaat nusrat al islam wa l muslimin"
    )
    assert normalise("Sandaré") == normalise("SANDARE") == "sandare"
    assert normalise("Groupe de soutien à l'islam") == "groupe de soutien a lislam"
    assert normalise("  Ségou   Region ") == "segou region"


def test_admin_key_drops_words_naming_the_kind_of_unit() -> None:
    assert (
        admin_key("Région de Kayes") == admin_key("Kayes Region") == admin_key("Kayes") == "kayes"
    )
    assert admin_key("Cercle de Niono") == "niono"


def test_actor_keys_try_acled_parts_and_drop_year_ranges() -> None:
    assert actor_keys("Military Forces of Mali (2013-)") == [
        "military forces of mali 2013",
        "military forces of mali",
    ]
    keys = actor_keys("AQIM: Al Qaeda in the Islamic Maghreb")
    assert keys[0] == "aqim al qaeda in the islamic maghreb"
    assert "al qaeda in the islamic maghreb" in keys and "aqim" in keys


def test_slug_is_ascii_and_stable() -> None:
    assert slug("Nioro du Sahel") == "nioro-du-sahel"
    assert slug("Boulékessi") == "boulekessi"
    arabic = slug("جماعة نصرة الإسلام والمسلمين")
    assert arabic.startswith("x") and arabic == slug("جماعة نصرة الإسلام والمسلمين")


@pytest.mark.parametrize(
    "name",
    [
        "JNIM",
        "JNIM: Group for Support of Islam and Muslims",  # ACLED
        "Jama'a Nusrat ul-Islam wa al-Muslimin (JNIM)",  # UN list
        "Jama‘at Nusrat al-Islam wa-l-Muslimin",  # seed report
        "Groupe de soutien à l'islam et aux musulmans",  # French
        "GSIM",
        "جماعة نصرة الإسلام والمسلمين",  # Arabic
        "QDe.159",  # UN reference
    ],
)
def test_jnim_names_and_transliterations_resolve_to_the_seed_node(
    resolver: Resolver, name: str
) -> None:
    assert resolver.resolve_actor(name).iri == JNIM


def test_ansar_dine_and_ansar_eddine_are_one_group(resolver: Resolver) -> None:
    assert resolver.resolve_actor("Ansar Dine").iri == str(ID["group/ansar-dine"])
    assert resolver.resolve_actor("ANSAR EDDINE").iri == str(ID["group/ansar-dine"])


def test_acled_regime_years_do_not_prevent_resolution(resolver: Resolver) -> None:
    assert resolver.resolve_actor("Military Forces of Mali (2012-2013)").iri == str(
        ID["group/fama"]
    )
    assert resolver.resolve_actor("Wagner Group").iri == str(ID["group/russian-forces"])


def test_compound_acled_actor_is_never_merged_but_names_its_candidates(resolver: Resolver) -> None:
    name = "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Greater Sahara)"
    result = resolver.resolve_actor(name)
    assert result.iri is None and result.method == "compound"
    assert JNIM in [c.iri for c in resolver.actor_candidates(name)]


def test_similar_but_different_group_is_not_merged(resolver: Resolver) -> None:
    # A pro-government militia, not al-Mourabitoun.
    assert resolver.resolve_actor("GMA: Mourabitounes Group of Azawad").iri is None


def test_unknown_actor_gets_close_candidates_from_the_alias_table(resolver: Resolver) -> None:
    candidates = resolver.actor_candidates("Katiba Masina")
    assert candidates and candidates[0].iri == str(ID["group/katiba-macina"])
    assert resolver.resolve_actor("Katiba Masina").iri is None


def test_boulikessi_spelling_and_coordinates_resolve_to_boulkessi(resolver: Resolver) -> None:
    result = resolver.resolve_place("Boulikessi", lat=14.7983, lon=-1.3025, country=MALI)
    assert result.iri == BOULKESSI and result.method == "name+distance"


@pytest.mark.parametrize("name", ["Timbuktu", "Tombouctou", "TOMBOUCTOU"])
def test_timbuktu_spellings_resolve_to_one_town(resolver: Resolver, name: str) -> None:
    assert resolver.resolve_place(name, lat=16.77, lon=-3.0).iri == TIMBUKTU


@pytest.mark.parametrize("name", ["Sandaré", "Sandare"])
def test_sandare_with_and_without_accent(resolver: Resolver, name: str) -> None:
    assert resolver.resolve_place(name, lat=14.70, lon=-10.31).iri == SANDARE


def test_same_name_far_away_is_another_place(resolver: Resolver) -> None:
    # "Kayes" 300 km east of the town is not the town: kept apart, with the town offered.
    result = resolver.resolve_place("Kayes", lat=14.45, lon=-8.7)
    assert result.iri is None and result.method == "too far"
    candidates = resolver.place_candidates("Kayes", lat=14.45, lon=-8.7)
    assert candidates[0].iri == KAYES and "km away" in candidates[0].note


def test_without_coordinates_the_admin_area_decides(resolver: Resolver) -> None:
    assert resolver.resolve_place("Kayes", within=[KAYES_REGION]).iri == KAYES
    other_region = str(ID["place/geonames/2453347"])  # Mopti Region
    assert resolver.resolve_place("Kayes", within=[other_region]).iri is None


def test_a_place_in_another_country_is_never_taken(resolver: Resolver) -> None:
    assert (
        resolver.resolve_place("Boulikessi", lat=14.7983, lon=-1.3025, country=BURKINA).iri is None
    )


def test_admin_units_resolve_by_level_and_parent(resolver: Resolver) -> None:
    assert resolver.resolve_admin("Mali", "country").iri == MALI
    assert resolver.resolve_admin("Kayes", "admin1", MALI).iri == KAYES_REGION
    assert resolver.resolve_admin("Timbuktu", "admin1", MALI).iri == TIMBUKTU_REGION
    # A town is not a region, and a region is not found in another country.
    assert resolver.resolve_admin("Kayes", "admin1", BURKINA).iri is None


def test_minted_nodes_are_excluded_when_asked() -> None:
    resolver = Resolver(AliasTable())
    minted = str(ID["actor/acled/ansaroul-islam"])
    resolver.add_actor(minted, ["Ansaroul Islam"])
    assert resolver.resolve_actor("Ansaroul Islam").iri == minted
    assert (
        resolver.resolve_actor("Ansaroul Islam", exclude_prefix=str(ID["actor/acled/"])).iri is None
    )


def test_alias_table_rows_are_checked_with_their_line() -> None:
    with pytest.raises(InputError, match=r"aliases.csv:3: each row needs kind"):
        AliasTable.from_csv(
            "kind,iri,alias,lang,note\nactor,group/x,X,,\nperson,group/y,Y,,\n",
            source="aliases.csv",
        )


def test_bundled_alias_table_points_only_at_well_formed_ids() -> None:
    table = AliasTable.bundled()
    assert table.rows > 50
    for index in (table.actor, table.place):
        for iris in index.values():
            for iri in iris:
                assert iri.startswith(str(ID)) and " " not in iri
