"""Peer cities: on a city's page and in the peer finder at /peers/."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cases.models import Region, Status

from .factories import make_challenge, make_city, make_country, make_event, make_practice

pytestmark = pytest.mark.django_db

URL = reverse("cases:peer-finder")


@pytest.fixture
def peers():
    """Nairobi faces a, b, c (c only through an event). Kampala shares a, b; Bonn shares a."""
    africa = make_country(region=Region.AFRICA)
    europe = make_country(region=Region.EUROPE)
    nairobi = make_city(name="Nairobi", slug="nairobi", country=africa)
    kampala = make_city(name="Kampala", slug="kampala", country=africa)
    bonn = make_city(name="Bonn", slug="bonn", country=europe)
    lonely = make_city(name="Lonely", slug="lonely", country=europe)
    a = make_challenge(name="Challenge A", slug="a")
    b = make_challenge(name="Challenge B", slug="b")
    c = make_challenge(name="Challenge C", slug="c")
    d = make_challenge(name="Challenge D", slug="d")
    make_practice(title="Nairobi does A and B", challenges=[a, b], cities=[nairobi])
    make_event(title="Talk on C", challenges=[c], cities=[nairobi])
    make_practice(title="Kampala does A", challenges=[a], cities=[kampala])
    make_practice(title="Kampala does B", challenges=[b], cities=[kampala])
    make_practice(title="Bonn does A", challenges=[a], cities=[bonn])
    make_practice(title="Bonn drafts C", challenges=[c], cities=[bonn], status=Status.DRAFT)
    make_practice(title="Lonely does D", challenges=[d], cities=[lonely])
    return nairobi


def test_city_lists_the_challenges_of_its_practices_and_events(client, peers):
    challenges = client.get(peers.get_absolute_url()).context["challenges"]
    assert sorted(challenge.slug for challenge in challenges) == ["a", "b", "c"]


def test_peer_cities_are_ranked_by_shared_challenges(client, peers):
    ranked = client.get(peers.get_absolute_url()).context["peers"]
    assert [(city.name, len(city.shared_challenge_ids)) for city in ranked] == [
        ("Kampala", 2),
        ("Bonn", 1),
    ]


def test_peer_overlap_is_said_in_words(client, peers):
    response = client.get(peers.get_absolute_url())
    assertContains(response, "shares 2 of Nairobi\N{RIGHT SINGLE QUOTATION MARK}s 3 challenges")


def test_a_city_without_peers_says_so(client, peers):
    lonely = client.get(reverse("cases:city-detail", args=["lonely"]))
    assertContains(lonely, "No other city faces the same challenges yet.")


def test_finder_without_a_choice_asks_for_one(client, peers):
    assertContains(client.get(URL), "Tick at least one challenge")


def test_finder_ranks_cities_sharing_most_of_the_ticked_challenges(client, peers):
    response = client.get(URL, {"challenge": ["a", "b", "c"]})
    ranked = [(city.name, len(city.shared_challenge_ids)) for city in response.context["peers"]]
    assert ranked == [("Nairobi", 3), ("Kampala", 2), ("Bonn", 1)]
    assertContains(response, "Shares 3 of your 3 challenges.")


def test_finder_shows_what_each_city_did_about_those_challenges(client, peers):
    response = client.get(URL, {"challenge": ["b"]})
    by_city = {
        city.name: [p.title for p in city.peer_practices] for city in response.context["peers"]
    }
    assert by_city == {"Kampala": ["Kampala does B"], "Nairobi": ["Nairobi does A and B"]}


def test_finder_keeps_to_a_region(client, peers):
    response = client.get(URL, {"challenge": ["a"], "region": "europe"})
    assert [city.name for city in response.context["peers"]] == ["Bonn"]


def test_finder_keeps_the_choice_in_the_form(client, peers):
    response = client.get(URL, {"challenge": ["a"], "region": "africa"})
    assertContains(response, 'value="a" checked')
    assertContains(response, '<option value="africa" selected>')


def test_finder_shows_the_choice_as_chips_that_remove_one_value(client, peers):
    response = client.get(URL, {"challenge": ["a", "b"], "region": "africa"})
    assertContains(response, "Challenge: Challenge A")
    assertContains(response, 'href="?challenge=b&amp;region=africa"')
    assertContains(response, "Region: Africa")
    assertContains(response, 'href="?challenge=a&amp;challenge=b"')


def test_finder_folds_the_questions_once_answered(client, peers):
    assertContains(client.get(URL), '<details class="fold filter-panel" open>')
    response = client.get(URL, {"challenge": ["a", "b"]})
    assertContains(response, "<summary>Your challenges (2)</summary>", html=True)
    assertNotContains(response, '<details class="fold filter-panel" open>')


def test_finder_ignores_unknown_challenges_with_a_message(client, peers):
    response = client.get(URL, {"challenge": ["a", "nope"]})
    assertContains(response, "Not found, so left out: nope.")
    assert len(response.context["peers"]) == 3


@pytest.mark.parametrize("count", [2, 50])
def test_finder_query_count_does_not_grow(client, django_assert_num_queries, count):
    challenge = make_challenge(slug="shared")
    for _ in range(count):
        city = make_city()
        make_practice(challenges=[challenge], cities=[city])
        make_event(challenges=[challenge, make_challenge()], cities=[city])
    # themes, their challenges, chosen challenges, pairs, cities, practices per city.
    with django_assert_num_queries(6):
        client.get(URL, {"challenge": "shared"})
