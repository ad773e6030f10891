"""Detail pages and the lists of challenges, cities and events, with their query counts."""

import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from cases.catalogue_index import catalogue_index
from cases.models import Region, Status

from .factories import (
    make_challenge,
    make_city,
    make_country,
    make_editor,
    make_event,
    make_organisation,
    make_practice,
    make_source,
    make_theme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice():
    challenge = make_challenge(name="Political disruption")
    city = make_city(name="Nairobi")
    event = make_event(title="Nairobi side event", cities=[city], challenges=[challenge])
    source = make_source(title="Side event report", publisher="Connective Cities")
    return make_practice(
        title="Open source first",
        summary="Keep platforms alive across administrations.",
        description="We **published** the code.",
        results="Three cities reuse it.",
        lessons="Start small.",
        transfer_conditions="A council decision.",
        stage="in_use",
        challenges=[challenge],
        cities=[city],
        events=[event],
        tags=["open source"],
        source=source,
        source_quote="The code outlived the administration.",
    )


def test_practice_page_shows_every_part(client, practice):
    response = client.get(practice.get_absolute_url())
    for text in [
        "Keep platforms alive across administrations.",
        "<strong>published</strong>",
        "Three cities reuse it.",
        "Start small.",
        "A council decision.",
        "In use",
        "Political disruption",
        "Nairobi",
        "Nairobi side event",
        "open source",
        "The code outlived the administration.",
        "Side event report",
        "Connective Cities",
    ]:
        assertContains(response, text)


def test_practice_page_has_one_h1_and_breadcrumbs(client, practice):
    response = client.get(practice.get_absolute_url())
    assertContains(response, "<h1>", count=1)
    assertContains(response, 'aria-label="Breadcrumb"')
    assertInHTML('<span aria-current="page">Open source first</span>', response.text)


def test_practice_text_is_rendered_as_sanitised_markdown(client):
    practice = make_practice(description="Fine <script>alert(1)</script> **bold**")
    response = client.get(practice.get_absolute_url())
    assertNotContains(response, "<script>alert")
    assertContains(response, "<strong>bold</strong>")


def test_related_practices_rank_shared_challenges_and_tags(client):
    disruption, silos = make_challenge(), make_challenge()
    practice = make_practice(title="Base", challenges=[disruption, silos], tags=["a", "b"])
    make_practice(title="Shares a tag", challenges=[make_challenge()], tags=["a"])
    make_practice(title="Shares both challenges", challenges=[disruption, silos])
    make_practice(title="Shares a challenge and a tag", challenges=[silos], tags=["b"])
    make_practice(title="Shares nothing")
    make_practice(title="Draft twin", challenges=[disruption, silos], status=Status.DRAFT)
    related = client.get(practice.get_absolute_url()).context["related"]
    assert [item.title for item in related] == [
        "Shares both challenges",
        "Shares a challenge and a tag",
        "Shares a tag",
    ]


def test_draft_practice_is_visible_to_its_author(client):
    author = make_editor()
    practice = make_practice(status=Status.DRAFT, created_by=author)
    client.force_login(author)
    assertContains(client.get(practice.get_absolute_url()), "Not published: draft.")


def test_draft_practice_is_404_to_another_editor(client):
    practice = make_practice(status=Status.DRAFT, created_by=make_editor())
    client.force_login(make_editor())
    assert client.get(practice.get_absolute_url()).status_code == 404


def test_challenge_page_shows_practices_cities_events_and_related(client):
    theme = make_theme(name="Governance and leadership")
    disruption = make_challenge(name="Political disruption", theme=theme, definition="Turnover.")
    silos = make_challenge(name="Silos")
    make_practice(title="Open source first", challenges=[disruption, silos])
    make_event(title="Side event", challenges=[disruption], cities=[make_city(name="Bonn")])
    response = client.get(disruption.get_absolute_url())
    for text in ["Turnover.", "Governance and leadership", "Open source first", "Bonn"]:
        assertContains(response, text)
    assertContains(response, "Side event")
    assertContains(response, 'Silos</a> <span class="count">1 practice in common')


def test_city_page_shows_practices_events_and_challenges(client):
    city = make_city(name="Nairobi", country=make_country(name="Kenya", region=Region.AFRICA))
    challenge = make_challenge(name="Skills gaps")
    make_practice(title="Data academy", cities=[city])
    make_event(title="Leaders talk", cities=[city], challenges=[challenge])
    response = client.get(city.get_absolute_url())
    for text in ["Kenya", "Africa", "Data academy", "Leaders talk", "Skills gaps"]:
        assertContains(response, text)


def test_event_page_shows_every_part(client):
    event = make_event(
        title="Smart City Leaders' Talk",
        starts_on=datetime.date(2025, 7, 8),
        place="Geneva",
        format="leaders_talk",
        organisers=[make_organisation(name="Connective Cities")],
        report="The talk **covered** funding.",
        cities=[make_city(name="Lisbon")],
        challenges=[make_challenge(name="Limited funds")],
        source=make_source(title="WSIS+20 programme"),
        source_quote="Leaders met.",
    )
    make_practice(title="Budget pooling", events=[event])
    response = client.get(event.get_absolute_url())
    for text in [
        "8 July 2025",
        "Geneva",
        "Leaders&#x27; talk",
        "Connective Cities",
        "<strong>covered</strong>",
        "Lisbon",
        "Limited funds",
        "Budget pooling",
        "Leaders met.",
        "WSIS+20 programme",
    ]:
        assertContains(response, text)


@pytest.mark.parametrize(
    ("summary", "described"),
    [
        ("Mayors compared their open data portals.", "Mayors compared their open data portals."),
        ("", "Open Data Day"),
    ],
)
def test_an_event_page_is_described_by_its_summary_or_else_its_title(client, summary, described):
    event = make_event(title="Open Data Day", summary=summary)
    response = client.get(event.get_absolute_url())
    assertContains(response, f'<meta name="description" content="{described}">')


def test_archived_event_keeps_its_address_with_a_note(client):
    event = make_event(status=Status.ARCHIVED)
    assertContains(client.get(event.get_absolute_url()), "archived")


def test_challenge_list_groups_by_theme_with_counts(client):
    theme = make_theme(name="Finance")
    challenge = make_challenge(name="Limited funds", theme=theme)
    make_practice(challenges=[challenge])
    response = client.get(reverse("challenges:challenge-list"))
    assertContains(response, "Finance</h2>")
    assertContains(response, 'Limited funds</a> <span class="count">1 practice</span>')


def test_city_page_lists_practices_shared_at_events_it_took_part_in(client):
    nairobi = make_city(name="Nairobi")
    side_event = make_event(title="Side event", cities=[nairobi])
    make_practice(title="Networks against disruption", events=[side_event])
    make_practice(title="Shared elsewhere", events=[make_event(title="Other event")])
    make_practice(title="Draft at the side event", events=[side_event], status=Status.DRAFT)
    response = client.get(nairobi.get_absolute_url())
    assertContains(response, "Networks against disruption")
    assertNotContains(response, "Shared elsewhere")
    assertNotContains(response, "Draft at the side event")


def test_city_list_groups_by_region(client):
    make_city(name="Nairobi", country=make_country(region=Region.AFRICA))
    make_city(name="Bonn", country=make_country(region=Region.EUROPE))
    response = client.get(reverse("cases:city-list"))
    text = response.content.decode()
    assert text.index("Africa</h2>") < text.index("Nairobi") < text.index("Europe</h2>")
    assert text.index("Europe</h2>") < text.index("Bonn")


def test_event_list_puts_newest_first_and_undated_last(client):
    make_event(title="Undated")
    make_event(title="Older", starts_on=datetime.date(2024, 1, 1))
    make_event(title="Newer", starts_on=datetime.date(2025, 1, 1))
    response = client.get(reverse("cases:event-list"))
    assert [event.title for event in response.context["page"]] == ["Newer", "Older", "Undated"]


def test_home_links_each_challenge_to_the_filtered_catalogue(client):
    make_practice(challenges=[make_challenge(slug="political-disruption")])
    response = client.get(reverse("home"))
    assertContains(response, 'href="/practices/?challenge=political-disruption"')


@pytest.mark.parametrize(
    "name", ["home", "cases:city-list", "cases:event-list", "cases:peer-finder"]
)
def test_anonymous_pages_set_no_cookie(client, name):
    assert not client.get(reverse(name)).cookies


def test_navigation_marks_the_current_section(client):
    response = client.get(reverse("cases:city-list"))
    assertContains(response, '<a href="/cities/" aria-current="page">Cities</a>')


# Query counts: each page is measured with 2 and with 50 of everything it lists.


def _many(count):
    theme = make_theme()
    challenge = make_challenge(theme=theme)
    cities = [make_city() for _ in range(count)]
    event = make_event(cities=cities, challenges=[challenge], organisers=[make_organisation()])
    practices = [
        make_practice(challenges=[challenge], cities=cities[:3], events=[event], tags=["a", "b"])
        for _ in range(count)
    ]
    for number in range(count):
        make_challenge(theme=theme)
        make_event(title=f"Event {number}", cities=[cities[number]], challenges=[challenge])
    return challenge, cities[0], event, practices[0]


@pytest.mark.parametrize("count", [2, 50])
def test_home_query_count_does_not_grow(client, django_assert_num_queries, count):
    _many(count)
    catalogue_index()  # built by an earlier reader (tests/test_catalogue.py)
    # themes, their challenges (counted in the catalogue index), latest practices + 3
    # prefetches, latest events + cities.
    with django_assert_num_queries(8):
        client.get(reverse("home"))


@pytest.mark.parametrize(
    ("kind", "queries"),
    [
        # practice, challenge links, city links, events, tags, related + 3 prefetches (scored
        # in the catalogue index, issue 13); and
        # for the evidence (issue 10): the records curators linked as "see also", and the
        # people named at its events ("who to ask")
        ("practice", 11),
        # challenge, practices + 3 prefetches, its cities (raised it, have a practice), events,
        # related challenges
        ("challenge", 8),
        # city, practices + 3 prefetches, events, challenges; the people of the city ("who to
        # ask", issue 10); the peer cities, their events and the practices their cards name
        # (issue 17). Which practices, challenges and peers: the catalogue index (15 queries
        # before issue 13).
        ("city", 11),
        # event, its organisations (organisers and participants in one), city links, challenge
        # links, practices + 3 prefetches; and the people named at it ("who to ask", issue 10)
        ("event", 9),
    ],
)
@pytest.mark.parametrize("count", [2, 50])
def test_detail_query_count_does_not_grow(client, django_assert_num_queries, count, kind, queries):
    records = dict(zip(["challenge", "city", "event", "practice"], _many(count), strict=True))
    catalogue_index()  # built by an earlier reader (see the test below)
    with django_assert_num_queries(queries):
        client.get(records[kind].get_absolute_url())


@pytest.mark.parametrize("count", [2, 50])
def test_first_practice_page_after_a_change_builds_the_catalogue_index(
    client, django_assert_num_queries, count
):
    *_others, practice = _many(count)
    # The 11 of a practice page, and the catalogue index its related practices are scored on
    # (issue 13): the catalogue's version, the practices newest first and by title, their
    # challenges, tags, cities and events.
    with django_assert_num_queries(18):
        client.get(practice.get_absolute_url())


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # themes, their challenges (counted in the catalogue index)
        ("challenges:challenge-list", 2),
        # cities with counts
        ("cases:city-list", 1),
        # count, page, cities of the events
        ("cases:event-list", 3),
    ],
)
@pytest.mark.parametrize("count", [2, 50])
def test_list_query_count_does_not_grow(client, django_assert_num_queries, count, name, queries):
    _many(count)
    catalogue_index()  # built by an earlier reader (tests/test_catalogue.py)
    with django_assert_num_queries(queries):
        client.get(reverse(name))
