"""Atom feeds: valid Atom, exactly the published records of their view, newest first, entry ids
that survive edits, and a publish that shows at once through the page cache."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from cases import services
from cases.models import Status
from cases.search import practice_refresh_search

from .editor_helpers import make_report
from .factories import make_challenge, make_city, make_curator, make_event, make_practice

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PRACTICES = reverse("opendata:practice-feed")
EVENTS = reverse("opendata:event-feed")


def parse_atom(response):
    """The feed's entries as (id, title, link), after checking what Atom requires of each."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    # RFC 4287, 4.1.1: an author with a name for the feed, or for every one of its entries.
    feed_has_author = bool(feed.findtext(f"{ATOM}author/{ATOM}name"))
    entries = []
    for entry in feed.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{required}"), required
        assert feed_has_author or entry.findtext(f"{ATOM}author/{ATOM}name"), "author"
        link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        entries.append((entry.findtext(f"{ATOM}id"), entry.findtext(f"{ATOM}title"), link))
    return entries


def titles(response):
    return [title for _id, title, _link in parse_atom(response)]


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def budgets():
    return make_challenge(name="Limited funds", slug="limited-funds")


def test_the_practice_feed_holds_the_published_practices_newest_first(client, budgets):
    make_practice(title="Older", published_at=days_ago(3))
    make_practice(title="Newest", published_at=days_ago(1))
    make_practice(title="Middle", published_at=days_ago(2))
    make_practice(title="A draft", status=Status.DRAFT)
    make_practice(title="In review", status=Status.IN_REVIEW)
    make_practice(title="Archived", status=Status.ARCHIVED)
    assert titles(client.get(PRACTICES)) == ["Newest", "Middle", "Older"]


def test_a_challenge_feed_holds_only_that_challenges_published_practices(client, budgets):
    make_practice(title="Pooled budgets", challenges=[budgets], published_at=days_ago(2))
    make_practice(title="Grants", challenges=[budgets], published_at=days_ago(1))
    make_practice(title="Elsewhere")
    make_practice(title="Draft budget", challenges=[budgets], status=Status.DRAFT)
    response = client.get(PRACTICES, {"challenge": "limited-funds"})
    assert titles(response) == ["Grants", "Pooled budgets"]


def test_city_and_tag_feeds_hold_their_practices(client):
    nairobi = make_city(name="Nairobi", slug="nairobi")
    make_practice(title="In Nairobi", cities=[nairobi])
    make_practice(title="Tagged", tags=["open-source"])
    make_practice(title="Neither")
    assert titles(client.get(PRACTICES, {"city": "nairobi"})) == ["In Nairobi"]
    assert titles(client.get(PRACTICES, {"tag": "open-source"})) == ["Tagged"]


def test_a_catalogue_view_feed_applies_the_search_and_every_filter(client, budgets):
    nairobi = make_city(slug="nairobi")
    make_practice(title="Budget pooling", challenges=[budgets], cities=[nairobi])
    make_practice(title="Budget pooling elsewhere", challenges=[budgets])
    make_practice(title="Open data portal", challenges=[budgets], cities=[nairobi])
    practice_refresh_search()
    response = client.get(
        PRACTICES, {"q": "budget", "challenge": "limited-funds", "city": "nairobi"}
    )
    assert titles(response) == ["Budget pooling"]


def test_a_feed_holds_the_same_practices_as_its_catalogue_view(client, budgets):
    for days in range(5):
        make_practice(challenges=[budgets], published_at=days_ago(days))
    make_practice()
    params = {"challenge": "limited-funds"}
    catalogue = client.get(reverse("cases:practice-list"), params).context["page"]
    assert titles(client.get(PRACTICES, params)) == [practice.title for practice in catalogue]


def test_a_feed_of_a_search_that_finds_too_little_holds_what_the_catalogue_shows(client):
    # No practice holds both words: the catalogue shows those with either, and so does its feed.
    for days, title in enumerate(["Budget pooling", "Participatory budget", "Data portal"]):
        make_practice(title=title, published_at=days_ago(days))
    make_practice(title="Tree planting")
    practice_refresh_search()
    params = {"q": "budget portal"}
    response = client.get(reverse("cases:practice-list"), params)
    assert response.context["any_word"]
    shown = {practice.title for practice in response.context["page"]}
    assert titles(client.get(PRACTICES, params)) == [
        "Budget pooling",
        "Participatory budget",
        "Data portal",
    ]
    assert shown == {"Budget pooling", "Participatory budget", "Data portal"}


def test_unknown_or_malformed_values_are_ignored_as_on_the_catalogue(client):
    make_practice(title="Budget pooling")
    response = client.get(PRACTICES, {"challenge": ["no-such-challenge", "<script>"]})
    assert titles(response) == ["Budget pooling"]


def test_an_entry_keeps_its_id_when_the_practice_is_renamed(client):
    practice = make_practice(title="Budget pooling")
    [(entry_id, _title, _link)] = parse_atom(client.get(PRACTICES))
    practice.title = "Pooled budgets"
    practice.slug = "pooled-budgets"
    practice.save()
    [(renamed_id, title, link)] = parse_atom(client.get(PRACTICES))
    assert (renamed_id, title) == (entry_id, "Pooled budgets")
    assert link.endswith("/practices/pooled-budgets/")
    assert (
        entry_id
        == f"tag:testserver,{practice.created_at.date().isoformat()}:practice/{practice.pk}"
    )


def test_the_event_feed_holds_published_reports_newest_first(client):
    make_event(title="Roundtable", published_at=days_ago(2))
    make_event(title="Side event", published_at=days_ago(1))
    make_event(title="Draft report", status=Status.DRAFT)
    make_event(title="Archived report", status=Status.ARCHIVED)
    assert titles(client.get(EVENTS)) == ["Side event", "Roundtable"]


def test_challenge_and_city_event_feeds_hold_their_published_reports(client, budgets):
    nairobi, kisumu = make_city(slug="nairobi"), make_city(slug="kisumu")
    make_event(title="Older", challenges=[budgets], cities=[nairobi], published_at=days_ago(2))
    make_event(title="Newest", challenges=[budgets], cities=[kisumu], published_at=days_ago(1))
    make_event(title="Elsewhere", cities=[nairobi])
    make_event(title="Draft", challenges=[budgets], cities=[nairobi], status=Status.DRAFT)
    assert titles(client.get(EVENTS, {"challenge": "limited-funds"})) == ["Newest", "Older"]
    assert titles(client.get(EVENTS, {"city": "nairobi"})) == ["Elsewhere", "Older"]
    both = client.get(EVENTS, {"challenge": "limited-funds", "city": "nairobi"})
    assert titles(both) == ["Older"]
    assert b"CityLearn: event reports (Limited funds; " in both.content
    # A slug that names nothing is left out, as on the catalogue.
    unknown = client.get(EVENTS, {"challenge": ["no-such-challenge", "<b>"], "city": "nairobi"})
    assert titles(unknown) == ["Elsewhere", "Older"]


def test_an_empty_feed_names_its_author(client):
    # With no entry to name one, the feed itself must (RFC 4287, 4.1.1).
    for address in (PRACTICES, EVENTS):
        feed = ElementTree.fromstring(client.get(address).content)  # noqa: S314
        assert feed.findtext(f"{ATOM}author/{ATOM}name") == "CityLearn"


def test_a_publish_shows_in_a_cached_feed_at_once(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    make_practice(title="Budget pooling")
    event = make_report(status=Status.IN_REVIEW, practices=1)
    new_title = event.practices.get().title
    assert titles(client.get(PRACTICES)) == ["Budget pooling"]
    assert titles(client.get(EVENTS)) == []
    # The catalogue version moves when the publish commits (the test's transaction never does).
    with django_capture_on_commit_callbacks(execute=True):
        services.event_report_publish(event=event, user=make_curator())
    assert new_title in titles(client.get(PRACTICES))
    assert titles(client.get(EVENTS)) == [event.title]


def test_a_feed_is_served_from_the_page_cache(client, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 60
    make_practice(title="Budget pooling")
    client.get(PRACTICES)
    with django_assert_num_queries(0):
        assert titles(client.get(PRACTICES)) == ["Budget pooling"]


@pytest.mark.parametrize("count", [2, 20])
def test_the_feed_query_count_does_not_grow(client, django_assert_num_queries, count, budgets):
    for _ in range(count):
        make_practice(challenges=[budgets])
    # The first reader after a change builds the catalogue index (the catalogue's version, the
    # practices newest first and by title, their challenges, tags, cities and events); then the
    # practices the index picked, their challenges (the index names the challenge).
    with django_assert_num_queries(9):
        client.get(PRACTICES, {"challenge": "limited-funds"})
    with django_assert_num_queries(2):
        client.get(PRACTICES, {"challenge": "limited-funds", "sort": "title"})


def test_pages_link_to_their_feeds(client, budgets):
    city = make_city(slug="nairobi")
    make_practice(challenges=[budgets], cities=[city])
    alternate = '<link rel="alternate" type="application/atom+xml"'
    pages = {
        reverse("home"): [PRACTICES, EVENTS],
        reverse("cases:event-list"): [EVENTS],
        budgets.get_absolute_url(): [
            f"{PRACTICES}?challenge=limited-funds",
            f"{EVENTS}?challenge=limited-funds",
        ],
        city.get_absolute_url(): [f"{PRACTICES}?city=nairobi", f"{EVENTS}?city=nairobi"],
        f"{reverse('cases:practice-list')}?challenge=limited-funds&page=1&sort=title": [
            f"{PRACTICES}?challenge=limited-funds"
        ],
    }
    for page, feeds in pages.items():
        response = client.get(page)
        assertContains(response, alternate)
        for feed in feeds:
            # In the head for feed readers, and as a visible link for people.
            assertContains(response, f'href="{feed}"', count=2)
