"""The catalogue at /practices/: filters, facet counts, chips, sorting, pagination."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cases.models import Region, Status

from .factories import (
    make_challenge,
    make_city,
    make_country,
    make_event,
    make_practice,
    make_theme,
)

pytestmark = pytest.mark.django_db

URL = reverse("cases:practice-list")


@pytest.fixture
def world():
    """Four published practices and a draft; every count below is counted by hand from here.

    | practice        | challenges           | cities          | tags                 | stage  |
    | Open source     | disruption           | nairobi         | open-source          | pilot  |
    | Data office     | disruption, silos    | bonn            | open-data            | in_use |
    | Joint teams     | silos                | mombasa         | open-source          | pilot  |
    | Budget pooling  | funds                | lisbon, nairobi | open-data, finance   | scaled |
    | (draft) Secret  | disruption           | nairobi         | open-source          | pilot  |
    """
    governance = make_theme(name="Governance", slug="governance")
    finance = make_theme(name="Finance", slug="finance")
    disruption = make_challenge(name="Political disruption", slug="disruption", theme=governance)
    silos = make_challenge(name="Silos", slug="silos", theme=governance)
    funds = make_challenge(name="Limited funds", slug="funds", theme=finance)
    kenya = make_country(name="Kenya", slug="kenya", code="KE", region=Region.AFRICA)
    germany = make_country(name="Germany", slug="germany", code="DE", region=Region.EUROPE)
    portugal = make_country(name="Portugal", slug="portugal", code="PT", region=Region.EUROPE)
    nairobi = make_city(name="Nairobi", slug="nairobi", country=kenya)
    mombasa = make_city(name="Mombasa", slug="mombasa", country=kenya)
    bonn = make_city(name="Bonn", slug="bonn", country=germany)
    lisbon = make_city(name="Lisbon", slug="lisbon", country=portugal)
    side_event = make_event(title="Side event", slug="side-event", cities=[nairobi])
    make_practice(
        title="Open source",
        challenges=[disruption],
        cities=[nairobi],
        events=[side_event],
        tags=["open-source"],
        stage="pilot",
    )
    make_practice(
        title="Data office",
        challenges=[disruption, silos],
        cities=[bonn],
        tags=["open-data"],
        stage="in_use",
    )
    make_practice(
        title="Joint teams",
        challenges=[silos],
        cities=[mombasa],
        tags=["open-source"],
        stage="pilot",
    )
    make_practice(
        title="Budget pooling",
        challenges=[funds],
        cities=[lisbon, nairobi],
        tags=["open-data", "finance"],
        stage="scaled",
    )
    make_practice(
        title="Secret",
        challenges=[disruption],
        cities=[nairobi],
        tags=["open-source"],
        stage="pilot",
        status=Status.DRAFT,
    )


def titles(response):
    return sorted(practice.title for practice in response.context["page"])


def facet(response, name):
    """{slug: count} of one facet as the page shows it."""
    for group in response.context["facets"]:
        if group["name"] == name:
            return {value["slug"]: value["count"] for value in group["values"]}
    raise AssertionError(f"no facet {name}")


def test_lists_published_practices_only(client, world):
    response = client.get(URL)
    assert titles(response) == ["Budget pooling", "Data office", "Joint teams", "Open source"]
    assertContains(response, "4 practices")


def test_several_values_of_one_filter_widen_the_result(client, world):
    response = client.get(URL, {"challenge": ["disruption", "funds"]})
    assert titles(response) == ["Budget pooling", "Data office", "Open source"]


def test_different_filters_narrow_the_result(client, world):
    response = client.get(URL, {"challenge": "disruption", "city": "nairobi"})
    assert titles(response) == ["Open source"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"theme": "governance"}, ["Data office", "Joint teams", "Open source"]),
        ({"tag": "open-source"}, ["Joint teams", "Open source"]),
        ({"country": "kenya"}, ["Budget pooling", "Joint teams", "Open source"]),
        ({"region": "europe"}, ["Budget pooling", "Data office"]),
        ({"event": "side-event"}, ["Open source"]),
        ({"stage": ["pilot", "scaled"]}, ["Budget pooling", "Joint teams", "Open source"]),
        ({"tag": "open-data", "region": "africa"}, ["Budget pooling"]),
    ],
)
def test_each_filter_takes_slugs(client, world, params, expected):
    assert titles(client.get(URL, params)) == expected


def test_facets_count_every_value_without_filters(client, world):
    response = client.get(URL)
    assert facet(response, "challenge") == {"disruption": 2, "silos": 2, "funds": 1}
    assert facet(response, "city") == {"bonn": 1, "lisbon": 1, "mombasa": 1, "nairobi": 2}
    assert facet(response, "tag") == {"open-data": 2, "open-source": 2, "finance": 1}
    assert facet(response, "region") == {"africa": 3, "europe": 2}
    assert facet(response, "stage") == {"pilot": 2, "in_use": 1, "scaled": 1}
    assert facet(response, "theme") == {"finance": 1, "governance": 3}


def test_facets_count_with_the_other_filters_but_not_their_own(client, world):
    response = client.get(URL, {"challenge": "disruption", "city": "nairobi"})
    # Challenges counted in Nairobi; cities counted for disruption.
    assert facet(response, "challenge") == {"disruption": 1, "funds": 1}
    assert facet(response, "city") == {"bonn": 1, "nairobi": 1}
    # Everything else counted with both filters.
    assert facet(response, "tag") == {"open-source": 1}


def test_values_of_one_filter_stay_countable_when_one_is_ticked(client, world):
    response = client.get(URL, {"tag": "open-source"})
    assert facet(response, "tag") == {"open-data": 2, "open-source": 2, "finance": 1}
    assert facet(response, "challenge") == {"disruption": 1, "silos": 1}


def test_values_without_results_are_not_offered(client, world):
    response = client.get(URL, {"city": "bonn"})
    assertNotContains(response, 'value="funds"')


def test_a_ticked_value_without_results_stays_so_it_can_be_unticked(client, world):
    response = client.get(URL, {"city": "bonn", "challenge": "funds"})
    assert facet(response, "challenge")["funds"] == 0
    assertContains(response, 'value="funds" checked')


def test_active_filters_show_as_chips_that_remove_one_value(client, world):
    response = client.get(URL, {"tag": "open-source", "city": ["nairobi", "mombasa"]})
    assertContains(response, "City: Nairobi")
    assertContains(response, 'href="?tag=open-source&amp;city=mombasa"')
    assertContains(response, 'href="?city=nairobi&amp;city=mombasa"')
    assertContains(response, "Clear all")


def test_chips_remove_the_search_too(client, world):
    response = client.get(URL, {"q": "budget", "tag": "finance"})
    assertContains(response, "Search: budget")
    assertContains(response, 'href="?tag=finance"')


def test_the_filters_button_counts_the_filter_values_but_not_the_search(client, world):
    response = client.get(URL, {"q": "budget", "tag": "finance", "city": ["nairobi", "lisbon"]})
    assertContains(response, "<summary>Filters (3)</summary>", html=True)


def test_the_filters_button_shows_no_count_without_filters(client, world):
    assertContains(client.get(URL, {"q": "budget"}), "<summary>Filters</summary>", html=True)


def test_the_filters_fold_opens_when_the_reader_asks_for_every_value_of_a_facet(client, world):
    assertNotContains(client.get(URL), '<details class="fold filter-panel" open>')
    assertContains(client.get(URL, {"facet": "city"}), '<details class="fold filter-panel" open>')


def test_the_skip_link_leads_to_the_results_list(client, world):
    response = client.get(URL, {"tag": "finance"})
    assertContains(response, '<a class="skip-link" href="#results">Skip to results</a>', html=True)
    assertContains(response, '<ul class="cards" id="results"')


def test_the_skip_link_leads_to_the_message_on_an_empty_result(client, world):
    response = client.get(URL, {"q": "nothing matches"})
    assertContains(response, '<div class="empty" id="results"')


def test_unknown_values_are_ignored_with_a_message(client, world):
    response = client.get(URL, {"challenge": ["disruption", "no-such-challenge"]})
    assert titles(response) == ["Data office", "Open source"]
    assertContains(response, "Not found, so left out: no-such-challenge")


def test_a_city_only_a_draft_names_is_not_named_by_the_catalogue(client, world):
    draft_city = make_city(name="Draftville")
    make_practice(title="Unpublished idea", status=Status.DRAFT, cities=[draft_city])
    response = client.get(URL, {"city": draft_city.slug})
    assertNotContains(response, "Draftville")
    assertContains(response, f"Not found, so left out: {draft_city.slug}")


def test_empty_result_suggests_which_filter_to_drop(client, world):
    response = client.get(URL, {"challenge": "funds", "city": "bonn"})
    assertContains(response, "0 practices")
    assertContains(response, "Without challenge: 1 practice")
    assertContains(response, "Without city: 1 practice")


def test_archived_practices_leave_the_catalogue(client):
    make_practice(title="Old habit", status=Status.ARCHIVED)
    assertNotContains(client.get(URL), "Old habit")


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Budget pooling", "Data office", "Joint teams", "Open source"]),
        ("newest", ["Budget pooling", "Joint teams", "Data office", "Open source"]),
    ],
)
def test_sorts_by_title_or_newest(client, world, sort, expected):
    response = client.get(URL, {"sort": sort})
    assert [practice.title for practice in response.context["page"]] == expected


def test_relevance_is_offered_only_when_searching(client, world):
    assertNotContains(client.get(URL), 'value="relevance"')
    assertContains(client.get(URL, {"q": "budget"}), 'value="relevance" selected')


def test_pagination_keeps_every_filter(client):
    challenge = make_challenge(slug="disruption")
    for number in range(25):
        make_practice(title=f"Practice {number:02}", challenges=[challenge], tags=["open-source"])
    response = client.get(URL, {"challenge": "disruption", "tag": "open-source", "sort": "title"})
    assertContains(
        response, 'href="?challenge=disruption&amp;tag=open-source&amp;sort=title&amp;page=2"'
    )
    second = client.get(URL, {"challenge": "disruption", "tag": "open-source", "page": 2})
    assert len(second.context["page"]) == 5


def test_form_works_without_javascript(client, world):
    response = client.get(URL)
    assertContains(response, '<form id="filters"')
    assertContains(response, 'method="get"')
    assertContains(response, '<button type="submit">Apply filters</button>')
    assertNotContains(response, "csrfmiddlewaretoken")


def test_anonymous_catalogue_sets_no_cookie(client, world):
    response = client.get(URL, {"challenge": "disruption"})
    assert not response.cookies


@pytest.mark.parametrize("count", [2, 50])
def test_catalogue_query_count_does_not_grow(client, django_assert_num_queries, count):
    challenge = make_challenge()
    city = make_city()
    for _ in range(count):
        make_practice(challenges=[challenge], cities=[city], tags=["open-source", "open-data"])
    # The first reader after a change builds the catalogue index (issue 13): the catalogue's
    # version, the practices newest first and by title, their challenges, tags, cities and
    # events. Then the page and its prefetches: city links, challenges and tags. Counts and
    # facets come from the index (13 queries before issue 13).
    with django_assert_num_queries(11):
        client.get(URL)
    # The next reader: the page and its three prefetches.
    with django_assert_num_queries(4):
        client.get(URL, {"page": 2})


@pytest.mark.parametrize("count", [2, 50])
def test_filtered_catalogue_query_count_does_not_grow(client, django_assert_num_queries, count):
    challenge = make_challenge(slug="disruption")
    city = make_city(slug="nairobi")
    for _ in range(count):
        make_practice(challenges=[challenge], cities=[city], tags=["open-source"])
    # The 11 of the plain catalogue (15 before issue 13); the index names the two active
    # filters' values (two queries before). Then 4 once the index is built.
    with django_assert_num_queries(11):
        client.get(URL, {"challenge": "disruption", "city": "nairobi", "sort": "title"})
    with django_assert_num_queries(4):
        client.get(URL, {"challenge": "disruption", "city": "nairobi", "page": 2})


def test_empty_search_suggests_dropping_the_search(client, world):
    response = client.get(URL, {"q": "zebra", "tag": "finance"})
    assertContains(response, "Without search: 1 practice")
