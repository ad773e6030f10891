"""Long lists stay short on the page: the top facet values, capped practice lists."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cases.catalogue import FACET_TOP
from cases.models import Status
from cases.selectors import LISTED_PRACTICES

from .factories import make_challenge, make_city, make_practice

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("cases:practice-list")


def facet_slugs(response, name):
    group = next(group for group in response.context["facets"] if group["name"] == name)
    return [value["slug"] for value in group["values"]]


@pytest.fixture
def many_cities():
    """FACET_TOP + 2 cities; city-0 has three practices, city-1 two, the others one each."""
    cities = [make_city(name=f"City {n}", slug=f"city-{n}") for n in range(FACET_TOP + 2)]
    for number, city in enumerate(cities):
        for _ in range(max(1, 3 - number)):
            make_practice(cities=[city])
    return cities


def test_a_facet_shows_its_most_frequent_values_and_a_link_to_all(client, many_cities):
    response = client.get(CATALOGUE)
    shown = facet_slugs(response, "city")
    assert len(shown) == FACET_TOP and shown[:2] == ["city-0", "city-1"]
    assertContains(response, "?facet=city")


def test_the_link_lists_every_value_of_that_facet(client, many_cities):
    response = client.get(CATALOGUE, {"facet": "city"})
    assert len(facet_slugs(response, "city")) == FACET_TOP + 2


def test_a_selected_value_outside_the_top_stays_listed(client, many_cities):
    top = facet_slugs(client.get(CATALOGUE), "city")
    rare = next(city.slug for city in many_cities if city.slug not in top)
    assert rare in facet_slugs(client.get(CATALOGUE, {"city": rare}), "city")


def test_a_city_page_lists_the_newest_practices_and_links_to_the_rest(client):
    city = make_city(name="Nairobi", slug="nairobi")
    for _ in range(LISTED_PRACTICES + 1):
        make_practice(cities=[city])
    response = client.get(city.get_absolute_url())
    assert len(response.context["own_practices"]) == LISTED_PRACTICES
    assertContains(response, "Every practice of Nairobi in the catalogue")


def test_a_short_challenge_page_has_no_link_to_more(client):
    challenge = make_challenge(name="Silos")
    make_practice(challenges=[challenge])
    assertNotContains(client.get(challenge.get_absolute_url()), "Every practice of")


def test_the_same_filters_are_counted_once_until_the_catalogue_changes(
    client, django_assert_num_queries
):
    make_practice(tags=["finance"])
    client.get(CATALOGUE, {"tag": "finance"})
    # The page and its three prefetches (cities, challenges, tags): no count, no facet, no
    # query to check the catalogue index, which also names the tag (issue 13).
    with django_assert_num_queries(4):
        client.get(CATALOGUE, {"tag": "finance", "sort": "title"})


def test_a_new_practice_is_counted_at_once(client, django_capture_on_commit_callbacks):
    make_practice(tags=["finance"])
    client.get(CATALOGUE, {"tag": "finance"})
    # The catalogue's version moves when the write commits (the test's transaction never does).
    with django_capture_on_commit_callbacks(execute=True):
        make_practice(tags=["finance"])
    assert client.get(CATALOGUE, {"tag": "finance"}).context["page"].paginator.count == 2


def test_related_practices_come_from_published_practices_only(client):
    challenge = make_challenge()
    practice = make_practice(challenges=[challenge])
    peer = make_practice(title="Peer", challenges=[challenge])
    # The newest practice with the challenge is a draft: never listed.
    make_practice(challenges=[challenge], status=Status.DRAFT)
    response = client.get(practice.get_absolute_url())
    assert list(response.context["related"]) == [peer]
