"""Batch notes (issue 15): the place, actor, date and kind ACLED codes, read from one note.

Each note below is written for the test in the style of ACLED's notes; the expected value
is what the note's own words say under ACLED's published coding conventions (a village
outside the gazetteer is coded to the town it is near; "[Y]" gives the coded name;
national-level events go to the capital; a faction is coded as its coalition).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.embedded import EmbeddedStore
from kg.extract.dates import Reference
from kg.extract.notes import note_event
from kg.extract.review import make_finder


@pytest.fixture(scope="module")
def finder():
    store = EmbeddedStore(ox.Store(), "an empty in-memory store")
    yield make_finder(store, "Niger")
    store.close()


def _event(finder, text: str, year: int = 2020):
    found, _mentions = note_event(text, finder, Reference(year))
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("note", "place"),
    [
        # A village near a known town: ACLED codes the town.
        (
            (
                "On 9 February 2020, presumed ISGS militants attacked a church in the village of "
                "Tamboula near Kelbo, killing two worshippers."
            ),
            "Kelbo",
        ),
        (
            "On 23 May 2020, ISGS and JNIM fighters clashed in Dogona [Boborgou Saba].",
            "Boborgou Saba",
        ),
        (
            (
                "On 23 July 2020, gendarmes clashed with militants in the forest of Talnawa, 40km "
                "east of Filingue, coded at approximate location as Toulou Lani (Filingue, Tillaberi)."
            ),
            "Toulou Lani",
        ),
        (
            "On March 13, presumed ISWAP militants attacked Toumour, six soldiers were killed.",
            "Toumour",
        ),
        (
            (
                "On 11 March 2020, presumed Boko Haram militants attacked the village of Garin Dogo "
                "(Diffa), abducted a child and burned houses."
            ),
            "Garin Dogo",
        ),
        (
            (
                "On April 9, employees of the National Office of Water and Sanitation (ONEA) staged a "
                "sit-in in Ouahigouya."
            ),
            "Ouahigouya",
        ),
        ("On June 6, police raided a press conference at the University of Dori.", "Dori"),
        ("Hundreds of students rioted through the streets of Zinder.", "Zinder"),
        ("Residents of Douna staged a march in support of their mayor.", "Douna"),
        ("About 300 evicted farmers marched to Banfora to demand compensation.", "Banfora"),
        ("The Ministry of Economy and Finance suspended the tax on fuel.", "Niamey"),
        ("On 7 March 2020, militants attacked the Tiwa military base, killing eight.", "Tiwa"),
        # No place named: a national-level event, coded to the capital.
        ("Teachers went on strike to demand better pay.", "Niamey"),
    ],
)
def test_the_place_acled_codes(finder, note, place):
    assert [p.text for p in _event(finder, note).places] == [place]


@pytest.mark.parametrize(
    ("note", "actor"),
    [
        (
            "On October 12, suspected Katiba Macina (JNIM) militants killed four people in Bouna.",
            "JNIM: Group for Support of Islam and Muslims",
        ),
        (
            "On 26 December 2019, unknown gunmen (assumed ISWAP) entered the market in Piega.",
            "Islamic State (West Africa)",
        ),
        (
            "On 8 February 2020, two gendarmes were killed by unknown gunmen in Inates.",
            "Unidentified Armed Group (Niger)",
        ),
        (
            "Soldiers mutinied over unpaid wages and took over the town of Diffa.",
            "Mutiny of Military Forces of Niger",
        ),
        (
            "Mutinying soldiers fired shots in the air and looted shops in Tahoua.",
            "Rioters (Niger)",
        ),
        (
            "On June 12, Kanuri tribesmen attacked a Fulani camp in Loumbouram.",
            "Kanuri Ethnic Militia (Niger)",
        ),
        (
            "On 23 June 2020, suspected Nigerian armed bandits attacked the village of Kelkele.",
            "Unidentified Armed Group (Nigeria)",
        ),
        (
            "Toubou ethnic militia and Tuareg ethnic militia clashed near Dirkou.",
            "Toubou Ethnic Militia (Niger)",
        ),
        (
            (
                "On December 18, four people were wounded in clashes between pastoralists and "
                "farmers in Tam."
            ),
            "Unidentified Communal Militia (Niger)",
        ),
        # Boko Haram was the Islamic State's West Africa Province from March 2015 to August 2016.
        ("On 6 February 2016, Boko Haram militants attacked Bosso.", "Islamic State (West Africa)"),
        (
            "On 3 May 2020, Boko Haram militants attacked Bosso.",
            "Boko Haram - Jamatu Ahli is-Sunnah lid-Dawatai wal-Jihad",
        ),
        # No perpetrator named: ACLED's unidentified armed group of the country.
        (
            "On October 15, ten children were wounded by the explosion of a grenade in Toumour.",
            "Unidentified Armed Group (Niger)",
        ),
    ],
)
def test_the_actor_acled_codes(finder, note, actor):
    f = _event(finder, note)
    assert [a.name or a.text for a in f.actors] == [actor]


@pytest.mark.parametrize(
    ("note", "kind"),
    [
        (
            "On 17 April 2020, the army dismantled an IED in the area of Kieka.",
            "StrategicDevelopment",
        ),
        (
            (
                "Thousands of students marched in Niamey in memory of three youth who were killed by "
                "police in 1990."
            ),
            "Protest",
        ),
        (
            (
                "On April 30, presumed JNIM militants attacked the border police station in Madouba, "
                "no casualties recorded."
            ),
            "Battle",
        ),
        (
            (
                "On May 14, ISGS militants ambushed an army convoy near Siwili, the attack was "
                "initiated by the detonation of an IED followed by an exchange of fire."
            ),
            "Battle",
        ),
        (
            "On March 14, ISWAP militants fired three rockets at the Diffa airport.",
            "RemoteViolence",
        ),
        ("Police clashed with stone-throwing traders protesting a new tax in Maradi.", "Riot"),
        ("Soldiers mutinied over unpaid wages and took over the town of Diffa.", "Battle"),
        ("Mutinying soldiers fired shots in the air and looted shops in Tahoua.", "Riot"),
        # Violence by people no armed group leads: ACLED's mob violence.
        ("On March 3, striking students assaulted two teachers in Zinder.", "Riot"),
        ("On May 2, miners protested at the Samira gold mine over unpaid wages.", "Protest"),
        (
            (
                "On October 19, presumed ISGS militants ransacked a school and burned its books in "
                "the village of Kiki."
            ),
            "StrategicDevelopment",
        ),
        (
            (
                "Four soldiers were killed and two wounded in an attack on Tuesday in the town of "
                "Banibangou."
            ),
            "Battle",
        ),
        ("Two herders were killed by a missile fired by the army near Diffa.", "RemoteViolence"),
    ],
)
def test_the_kind_acled_codes(finder, note, kind):
    assert _event(finder, note).cls == kind


def test_an_abbreviated_month_with_its_dot_is_a_date_not_a_place(finder):
    f = _event(
        finder, "Diguel was attacked by suspected militants in the early morning of Feb.28.", 2017
    )
    assert (str(f.start), f.precision) == ("2017-02-28", "day")
    assert [p.text for p in f.places] != ["Feb"]


@pytest.mark.parametrize(
    ("note", "year", "day"),
    [
        # A numeric date, day first as French-language sources write it.
        ("Teachers held a sit-in in Dosso from 13/02/2014 to 17/02/2014.", 2014, "2014-02-13"),
        ("Youths rioted in Maradi on 5/12/00 after a student died.", 2000, "2000-12-05"),
        # The date it was reported on is not the event's.
        (
            (
                "Reported on 2 December 2019, that militants since November 26 had killed ten "
                "people around Torodi."
            ),
            2019,
            "2019-11-26",
        ),
        # With a year as reference (ACLED's year column), a day in that year is the event's.
        (
            (
                "Protesters demanded the release of a journalist held since October 30, 2015, in "
                "Niamey on March 3."
            ),
            2017,
            "2017-03-03",
        ),
        # A day after the reference's year is a slip of the year: the row's year wins.
        ("On 29 October 2020, soldiers were killed by an IED near Tiloa.", 2019, "2019-10-29"),
    ],
)
def test_the_day_acled_codes(finder, note, year, day):
    f = _event(finder, note, year)
    assert (str(f.start), f.precision) == (day, "day")


def test_a_note_without_a_day_is_dated_to_its_year_not_to_a_day(finder):
    f = _event(finder, "A hospital worker was allegedly beaten by a soldier in Ouahigouya.", 2012)
    assert (str(f.start), f.precision) == ("2012-01-01", "year")


@pytest.mark.parametrize(
    ("note", "place"),
    [
        # A part of a town ("the X area of Y", "Sector 29 of Y") is coded to the town.
        (
            "On April 11, residents in the Bagdad area of Dosso protested against evictions.",
            "Dosso",
        ),
        ("Students ransacked a high school in Sector 29 of Tahoua.", "Tahoua"),
        # Where people come from is not where the event happened.
        (
            "On May 21, militants stopped merchants coming from Tera at a checkpoint near Gotheye.",
            "Gotheye",
        ),
        # ... unless it is the only place named.
        ("Traders from Bosso protested against the closure of the market.", "Bosso"),
        # A building of a place: "the police station of X".
        (
            "On October 31, gunmen attacked the police station of Sakoira, killing a policeman.",
            "Sakoira",
        ),
        # "near X, between A and B": the place it was near.
        (
            "On May 3, militants abducted a nurse near Bani Bangou, between Tera and Dolbel.",
            "Bani Bangou",
        ),
        # ACLED's names with a particle or a number.
        ("On May 2, militants burned a school in the village of Darbiti 2.", "Darbiti 2"),
        (
            "Soldiers clashed with militants (coded as Mare de Soum at geoprecision 2).",
            "Mare de Soum",
        ),
        # A body or community named before its town is not the place.
        (
            "Pupils of the Guimbi Ouattara school in Agadez protested against their headmaster.",
            "Agadez",
        ),
        # A number word starting a note names no place; nor does a demonym with its noun.
        ("Three people were killed by unknown gunmen in Abala.", "Abala"),
        ("On May 6, police arrested two Malian Tuareg youths near Ayorou.", "Ayorou"),
    ],
)
def test_the_place_acled_codes_for_parts_buildings_and_origins(finder, note, place):
    assert [p.text for p in _event(finder, note).places] == [place]


@pytest.mark.parametrize(
    ("note", "actor"),
    [
        # Soldiers killed by a mine: the group said to have planted it is actor1.
        (
            (
                "On 3 March 2020, four soldiers were killed by the explosion of an IED near Tiloa. "
                "The device was likely planted by ISGS militants."
            ),
            "Islamic State (Greater Sahara)",
        ),
        # ... and an unidentified armed group when no one is named.
        (
            "On 3 March 2020, two soldiers were wounded when their vehicle hit a mine near Tiloa.",
            "Unidentified Armed Group (Niger)",
        ),
        # Militants killed while planting a mine stay actor1.
        (
            (
                "On 3 January 2020, three suspected ISGS militants were killed while planting an IED "
                "near Tiloa."
            ),
            "Islamic State (Greater Sahara)",
        ),
        # ACLED joins armed groups ("JNIM and/or ISGS"), never state forces.
        (
            "On May 23, soldiers and/or gendarmes arrested two men and executed them in Inates.",
            "Military Forces of Niger",
        ),
    ],
)
def test_the_actor_acled_codes_when_the_victim_comes_first(finder, note, actor):
    f = _event(finder, note)
    assert [a.name or a.text for a in f.actors] == [actor]


@pytest.mark.parametrize(
    ("note", "actor"),
    [
        # ACLED's joint name, whatever the spacing or the case of the acronym.
        (
            "On 3 May 2020, presumed JNIM and /or ISGs militants assassinated a pastor in Tera.",
            "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Greater Sahara)",
        ),
        # Two groups that fight each other are no joint actor: the first is actor1.
        (
            "On 8 June 2020, JNIM and ISGS militants clashed in Tongomayel.",
            "JNIM: Group for Support of Islam and Muslims",
        ),
        # The people before the cue did it, not the police named after it.
        (
            "An angry mob attacked a thief in Zinder and handed him over to the police.",
            "Rioters (Niger)",
        ),
        # ... but women killed by a mine are its victims, not a mob.
        (
            (
                "On 23 July 2020, two women were killed when their cart struck an IED near Tiloa. "
                "The device was likely planted by ISGS militants."
            ),
            "Islamic State (Greater Sahara)",
        ),
    ],
)
def test_the_actor_acled_codes_for_joint_groups_and_crowds(finder, note, actor):
    f = _event(finder, note)
    assert [a.name or a.text for a in f.actors] == [actor]


@pytest.mark.parametrize(
    ("note", "kind"),
    [
        ("Students in Tahoua blocked the national road to demand their grants.", "Protest"),
        ("Rallies were held in Niamey against the new finance law.", "Protest"),
        (
            (
                "On July 5, Boko Haram militants blocked the road near Bosso, preventing merchants "
                "from travelling."
            ),
            "StrategicDevelopment",
        ),
    ],
)
def test_a_blockade_is_a_protest_unless_armed_men_hold_it(finder, note, kind):
    assert _event(finder, note).cls == kind
