"""Challenges and cities: who raised a challenge at events, who has a practice for it, and the
open challenges, all from the evidence roles."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cases.catalogue_index import catalogue_index
from cases.gaps import challenge_pictures, cities_of_challenge, is_open
from cases.models import CityRole, EventCity, Kind, PracticeCity, Status

from .factories import make_challenge, make_city, make_event, make_practice

pytestmark = pytest.mark.django_db

OPEN = reverse("challenges:open-challenge-list")
PASSAGE = "as the source says"


def raise_at_event(challenge, *cities, role=CityRole.TOOK_PART, **fields):
    event = make_event(challenges=[challenge], **fields)
    for city in cities:
        EventCity.objects.create(event=event, city=city, role=role, passage=PASSAGE)
    return event


def practice_by(challenge, city, role=CityRole.DID, **fields):
    practice = make_practice(challenges=[challenge], **fields)
    PracticeCity.objects.create(goodpractice=practice, city=city, role=role, passage=PASSAGE)
    return practice


def pictures_by_slug():
    open_ones, others = challenge_pictures()
    return {picture.challenge.slug: picture for picture in open_ones + others}


# Who raised it, who has a practice ------------------------------------------------------------


def test_a_city_present_at_an_event_is_never_a_doer():
    silos = make_challenge(slug="silos")
    dschang, bonn, quelimane = (make_city(name=name) for name in ("Dschang", "Bonn", "Quelimane"))
    event = raise_at_event(silos, dschang)
    EventCity.objects.create(event=event, city=bonn, role=CityRole.PRESENTED, passage=PASSAGE)
    # A practice shared at the event, naming no city: the cities present only heard it.
    make_practice(challenges=[silos], events=[event])
    # A source about Quelimane, and advice Bonn voiced: neither is what a city did.
    practice_by(silos, quelimane, role=CityRole.SUBJECT)
    practice_by(silos, bonn, role=CityRole.PRESENTED, kind=Kind.RECOMMENDATION)
    facing = cities_of_challenge(silos)
    roles = {city.name: (city.raised, city.has_practice) for city in facing.cities}
    assert roles == {"Dschang": (True, False), "Bonn": (True, False)}
    assert (facing.raised, facing.doers) == (2, 0)
    picture = pictures_by_slug()["silos"]
    assert (picture.raised, picture.doers, picture.is_open) == (2, 0, True)


def test_a_doer_did_or_presented_a_published_practice_of_its_own():
    silos = make_challenge(slug="silos")
    did, presented, drafted, both = (make_city() for _ in range(4))
    practice_by(silos, did)
    practice_by(silos, presented, role=CityRole.PRESENTED, kind=Kind.CITY_PRESENTATION)
    practice_by(silos, drafted, status=Status.DRAFT)
    practice_by(silos, both)
    raise_at_event(silos, both)
    facing = cities_of_challenge(silos)
    roles = {city.pk: (city.raised, city.has_practice) for city in facing.cities}
    assert roles == {did.pk: (False, True), presented.pk: (False, True), both.pk: (True, True)}
    assert pictures_by_slug()["silos"].doers == 3


def test_only_published_events_raise_a_challenge_and_each_city_counts_once():
    silos = make_challenge(slug="silos")
    dschang, bonn = make_city(name="Dschang"), make_city(name="Bonn")
    raise_at_event(silos, dschang)
    raise_at_event(silos, dschang)
    raise_at_event(silos, bonn, status=Status.IN_REVIEW)
    picture = pictures_by_slug()["silos"]
    assert picture.raising_cities == [("Dschang", dschang.country.name)]


@pytest.mark.parametrize(
    ("raised", "doers", "expected"),
    [(0, 0, False), (1, 0, False), (2, 0, True), (2, 1, True), (2, 2, False), (5, 2, True),
     (5, 3, False), (10, 5, True)],
)  # fmt: skip
def test_open_means_several_cities_raised_it_and_at_most_half_as_many_have_a_practice(
    raised, doers, expected
):
    assert is_open(raised=raised, doers=doers) is expected


def test_open_challenges_rank_by_gap_then_fewest_doers():
    cities = [make_city() for _ in range(6)]
    plan = {"wide": (6, 0), "narrow": (2, 0), "answered": (4, 2), "tied": (3, 1), "closed": (2, 2)}
    for slug, (raised, doers) in plan.items():
        challenge = make_challenge(slug=slug)
        raise_at_event(challenge, *cities[:raised])
        for city in cities[:doers]:
            practice_by(challenge, city)
    open_ones, others = challenge_pictures()
    # Gaps: wide 6; narrow 2 - 0, tied 3 - 1 and answered 4 - 2 (fewest doers first).
    assert [p.challenge.slug for p in open_ones] == ["wide", "narrow", "tied", "answered"]
    assert [p.challenge.slug for p in others] == ["closed"]


# The pages ----------------------------------------------------------------------------------


@pytest.fixture
def open_silos():
    silos = make_challenge(name="Silos between departments", slug="silos")
    dschang, quelimane = make_city(name="Dschang"), make_city(name="Quelimane")
    raise_at_event(silos, dschang, quelimane)
    practice_by(make_challenge(name="Limited funds", slug="funds"), make_city(name="Bonn"))
    return silos


def test_the_open_challenges_page_names_the_cities_and_links_them_to_each_other(client, open_silos):
    response = client.get(OPEN)
    assert [p.challenge.slug for p in response.context["open_challenges"]] == ["silos"]
    assertContains(response, 'href="/challenges/silos/"', count=1)
    assertContains(response, "Dschang (")
    finder = "/peers/?challenge=silos"
    assertContains(response, f'href="{finder}"', count=1)
    # The peer finder it links to lists both cities, so they can find each other.
    peers = {city.name for city in client.get(finder).context["peers"]}
    assert {"Dschang", "Quelimane"} <= peers


def test_the_other_challenges_are_listed_once_with_their_counts(client, open_silos):
    response = client.get(OPEN)
    assert [p.challenge.slug for p in response.context["other_challenges"]] == ["funds"]
    assertContains(response, 'href="/challenges/funds/"', count=1)


def test_an_open_challenge_names_a_few_cities_and_counts_the_rest(client):
    silos = make_challenge(slug="silos")
    raise_at_event(silos, *(make_city(name=f"City {n:02d}") for n in range(9)))
    response = client.get(OPEN)
    assertContains(response, "City 05")
    assertNotContains(response, "City 06")
    assertContains(response, "and 3 more")


def test_with_nothing_open_the_page_says_so(client):
    practice_by(make_challenge(), make_city())
    assertContains(client.get(OPEN), "No challenge is open")


def test_the_challenge_page_lists_each_city_once_with_what_it_did(client, open_silos):
    dschang = open_silos.event_links.get().event.city_links.get(city__name="Dschang").city
    practice_by(open_silos, dschang)
    practice_by(open_silos, make_city(name="Toronto"))
    response = client.get(open_silos.get_absolute_url())
    assertContains(response, 'href="/cities/dschang/"', count=1)
    assertContains(response, "raised it and has a practice")
    assertContains(response, "raised it at an event")
    assertContains(response, "Raised by 2 cities at events; 2 cities have a practice")
    # Two raised it, two have a practice: not open.
    assertNotContains(response, "An open challenge")


def test_an_open_challenge_page_says_so_and_links_to_the_others(client, open_silos):
    response = client.get(open_silos.get_absolute_url())
    assertContains(response, "An open challenge")
    assertContains(response, f'href="{OPEN}"', count=1)


def test_the_challenges_page_and_home_link_to_the_open_challenges(client):
    for address in (reverse("challenges:challenge-list"), reverse("home")):
        assertContains(client.get(address), f'href="{OPEN}"', count=1)


def test_the_open_challenges_are_in_the_challenges_section_of_the_menu(client):
    response = client.get(OPEN)
    assertContains(response, '<a href="/challenges/" aria-current="true">Challenges</a>', html=True)


def test_open_is_not_a_challenge_slug():
    challenge = make_challenge(slug="open")
    with pytest.raises(ValidationError) as error:
        challenge.full_clean()
    assert "slug" in error.value.message_dict


def _many_challenges(count):
    cities = [make_city() for _ in range(4)]
    for number in range(count):
        challenge = make_challenge()
        raise_at_event(challenge, *cities[: 2 + number % 3])
        practice_by(challenge, cities[number % 4])


def test_the_overview_and_each_challenge_page_agree():
    _many_challenges(8)
    dschang = make_city(name="Dschang")
    for picture in pictures_by_slug().values():
        # Noise: a practice shared at an event, a subject, a draft; none makes a doer.
        event = raise_at_event(picture.challenge, dschang, role=CityRole.PRESENTED)
        make_practice(challenges=[picture.challenge], events=[event])
        practice_by(picture.challenge, dschang, role=CityRole.SUBJECT)
        practice_by(picture.challenge, make_city(), status=Status.DRAFT)
    for picture in pictures_by_slug().values():
        facing = cities_of_challenge(picture.challenge)
        assert (facing.raised, facing.doers) == (picture.raised, picture.doers)
        assert facing.is_open == picture.is_open
        raising = sorted((city.name, city.country.name) for city in facing.cities if city.raised)
        assert raising == sorted(picture.raising_cities)


@pytest.mark.parametrize("count", [2, 12])
def test_the_open_challenges_query_count_does_not_grow(client, django_assert_num_queries, count):
    _many_challenges(count)
    catalogue_index()  # built by an earlier reader (tests/test_catalogue.py)
    # The challenges with their themes, the cities that raised each; the cities with practices
    # come from the catalogue index (3 queries before issue 13).
    with django_assert_num_queries(2):
        response = client.get(OPEN)
    assert len(response.context["open_challenges"]) + len(response.context["other_challenges"])


@pytest.mark.parametrize("count", [1, 10])
def test_the_challenge_page_reads_its_cities_in_one_query(
    client, django_assert_max_num_queries, count
):
    silos = make_challenge(slug="silos")
    raise_at_event(silos, *(make_city() for _ in range(count)))
    for _ in range(count):
        practice_by(silos, make_city())
    # The challenge, its cities, its practices (+3 prefetches), its events, related challenges.
    with django_assert_max_num_queries(8):
        client.get(silos.get_absolute_url())
