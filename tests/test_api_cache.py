"""The API's and the feeds' answers to anonymous readers come from the page cache: no query on
a repeat, a publish shows at once, the rate limit still counts every request, errors are never
stored, and a cache that is down only makes every answer fresh."""

import socket

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from rest_framework.response import Response

from cases import services
from cases.models import Status
from citylearn import cache as resilient_cache

from .editor_helpers import make_report
from .factories import make_challenge, make_curator, make_practice

pytestmark = pytest.mark.django_db

PRACTICES = reverse("api:practice-list")
FEED = reverse("opendata:practice-feed")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.API_RATE_LIMIT = "100000/minute"


def slugs(response):
    assert response.status_code == 200, response.content
    return [practice["slug"] for practice in response.json()["results"]]


@pytest.mark.parametrize(
    "url",
    [
        PRACTICES,
        f"{PRACTICES}?q=budget&challenge=limited-funds&sort=title",
        reverse("api:practice-detail", args=["budget-pooling"]),
        reverse("api:challenge-list"),
        reverse("api:city-list"),
        reverse("api:event-list"),
        reverse("api:source-list"),
        reverse("api:person-list"),
    ],
)
def test_a_cached_api_answer_makes_no_query(client, django_assert_num_queries, url):
    challenge = make_challenge(name="Limited funds", slug="limited-funds")
    make_practice(title="Budget pooling", slug="budget-pooling", challenges=[challenge])
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"
    assert again["Access-Control-Allow-Origin"] == "*"
    # The cache holds the JSON alone, not a DRF Response with its data and request (and the
    # records its view holds), which cost 110 kB and 7 ms to unpickle for a page of 20.
    assert not isinstance(again, Response)


def test_each_query_string_of_the_api_is_cached_apart(client):
    challenge = make_challenge(name="Limited funds", slug="limited-funds")
    make_practice(title="Budget pooling", slug="budget-pooling", challenges=[challenge])
    make_practice(title="Open data", slug="open-data")
    assert sorted(slugs(client.get(PRACTICES))) == ["budget-pooling", "open-data"]
    assert slugs(client.get(PRACTICES, {"challenge": "limited-funds"})) == ["budget-pooling"]


def test_a_publish_changes_the_cached_api_answer_at_once(
    client, django_capture_on_commit_callbacks
):
    event = make_report(status=Status.IN_REVIEW, practices=1)
    slug = event.practices.get().slug
    assert slug not in slugs(client.get(PRACTICES))
    assert client.get(reverse("api:practice-detail", args=[slug])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.event_report_publish(event=event, user=make_curator())
    assert slug in slugs(client.get(PRACTICES))
    assert client.get(reverse("api:practice-detail", args=[slug])).status_code == 200


def test_a_cached_api_answer_still_answers_304_to_its_etag(client):
    make_practice()
    etag = client.get(PRACTICES)["ETag"]
    assert client.get(PRACTICES)["ETag"] == etag
    response = client.get(PRACTICES, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_the_rate_limit_counts_cached_answers_too(client, settings, django_assert_num_queries):
    settings.API_RATE_LIMIT = "3/minute"
    make_practice()
    for _ in range(3):
        assert client.get(PRACTICES).status_code == 200
    # The answer is in the cache, and still this address has had its three.
    with django_assert_num_queries(0):
        response = client.get(PRACTICES)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert client.get(PRACTICES, REMOTE_ADDR="192.0.2.7").status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"challenge": "no-such-thing"}, {"page": "9"}, {"sort": "sideways"}, {"colour": "red"}],
)
def test_a_bad_parameter_is_a_400_every_time_never_stored(client, params):
    make_practice()
    for _ in range(2):
        response = client.get(PRACTICES, params)
        assert response.status_code == 400
        assert list(response.json()) == list(params)


def test_a_missing_record_is_not_stored_as_missing(client, django_capture_on_commit_callbacks):
    url = reverse("api:practice-detail", args=["budget-pooling"])
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        make_practice(slug="budget-pooling")
    assert client.get(url).status_code == 200


def test_a_cached_feed_makes_no_query_and_is_sent_in_one_piece(client, django_assert_num_queries):
    challenge = make_challenge(name="Limited funds", slug="limited-funds")
    for number in range(5):
        make_practice(title=f"Budget pooling {number}", challenges=[challenge])
    url = f"{FEED}?challenge=limited-funds"
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    # One chunk, not one per piece of XML the feed generator wrote: a server sends each apart.
    assert len(list(again)) == 1
    assertContains(again, "Budget pooling 4")


def test_a_signed_in_reader_gets_the_same_api_answer(client, django_capture_on_commit_callbacks):
    make_practice(title="Budget pooling", slug="budget-pooling")
    client.force_login(make_curator())
    assert slugs(client.get(PRACTICES)) == ["budget-pooling"]
    client.logout()
    assert slugs(client.get(PRACTICES)) == ["budget-pooling"]


def refused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_with_redis_down_the_api_answers_each_time_uncached(client, settings, monkeypatch):
    monkeypatch.setattr(resilient_cache, "_outages", {})
    settings.CACHES = {
        "default": {
            "BACKEND": "citylearn.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{refused_port()}/5",
        }
    }
    make_practice(title="Budget pooling", slug="budget-pooling")
    assert slugs(client.get(PRACTICES)) == ["budget-pooling"]
    # Built again: nothing was stored, and the answer is still right.
    with CaptureQueriesContext(connection) as queries:
        assert slugs(client.get(PRACTICES)) == ["budget-pooling"]
    assert len(queries) > 0
    assertNotContains(client.get(PRACTICES, {"challenge": "nothing"}), "budget-pooling", 400)


def test_content_negotiation_still_refuses_what_the_api_cannot_send(client):
    make_practice()
    assert client.get(PRACTICES).status_code == 200
    # JSON is the only format: a cached JSON answer is no answer to a client that wants HTML.
    assert client.get(PRACTICES, headers={"accept": "text/html"}).status_code == 406
    assert client.get(PRACTICES, headers={"accept": "application/json"}).status_code == 200
