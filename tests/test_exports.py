"""CSV and JSON exports of a catalogue view: every matching practice, streamed chunk by chunk."""

import csv
import io
import json
import tracemalloc
from datetime import timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from cases.models import CityRole, PracticeCity, Status
from demo.data import clear_demo_data, generate_demo_data
from opendata import exports

from .factories import make_challenge, make_city, make_event, make_practice, make_source

pytestmark = pytest.mark.django_db

CSV_URL = reverse("data:practice-export-csv")
JSON_URL = reverse("data:practice-export-json")
CATALOGUE = reverse("cases:practice-list")


def body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response))))


def json_document(response):
    return json.loads(body(response))


def catalogue_slugs(client, params):
    page = client.get(CATALOGUE, params).context["page"]
    assert page.paginator.num_pages == 1
    return [practice.slug for practice in page]


@pytest.fixture
def catalogue():
    """Practices under two challenges and cities, published on different days, plus the
    unpublished ones an export must never show."""
    funds = make_challenge(slug="limited-funds")
    silos = make_challenge(slug="silos")
    nairobi = make_city(slug="nairobi")
    kisumu = make_city(slug="kisumu")
    now = timezone.now()
    for number in range(12):
        make_practice(
            title=f"Practice {number:02}",
            challenges=[funds] if number % 2 else [silos, funds],
            cities=[nairobi] if number % 3 else [kisumu],
            published_at=now - timedelta(days=number),
            stage="pilot" if number % 4 else "scaled",
        )
    make_practice(title="A draft", challenges=[funds], cities=[nairobi], status=Status.DRAFT)
    make_practice(title="In review", challenges=[funds], status=Status.IN_REVIEW)
    make_practice(title="Archived", challenges=[funds], status=Status.ARCHIVED)


FILTERED_VIEWS = [
    {},
    {"challenge": "silos"},
    {"challenge": "limited-funds", "city": "nairobi"},
    {"city": ["nairobi", "kisumu"], "stage": "scaled"},
    {"challenge": "silos", "sort": "title"},
    {"challenge": ["no-such-challenge", "silos"]},
]


@pytest.mark.parametrize("params", FILTERED_VIEWS)
def test_the_csv_export_holds_the_catalogue_views_practices_in_its_order(client, catalogue, params):
    rows = csv_rows(client.get(CSV_URL, params))
    assert [row["slug"] for row in rows] == catalogue_slugs(client, params)


@pytest.mark.parametrize("params", FILTERED_VIEWS)
def test_the_json_export_holds_the_catalogue_views_practices_in_its_order(
    client, catalogue, params
):
    document = json_document(client.get(JSON_URL, params))
    slugs = [practice["slug"] for practice in document["practices"]]
    assert slugs == catalogue_slugs(client, params)


def test_an_export_holds_every_practice_not_only_the_page_shown(client):
    for _ in range(25):
        make_practice()
    assert client.get(CATALOGUE).context["page"].paginator.num_pages == 2
    assert len(csv_rows(client.get(CSV_URL))) == 25
    assert len(json_document(client.get(JSON_URL))["practices"]) == 25


def test_an_export_of_a_search_holds_the_matches(client):
    from cases.search import practice_refresh_search

    make_practice(title="Budget pooling")
    make_practice(title="Open data portal")
    practice_refresh_search()
    assert [row["title"] for row in csv_rows(client.get(CSV_URL, {"q": "budget"}))] == [
        "Budget pooling"
    ]


def test_an_export_of_a_search_the_catalogue_widened_to_any_word_holds_what_the_page_shows(
    client,
):
    from cases.search import practice_refresh_search

    make_practice(title="Budget pooling")
    make_practice(title="Electric buses")
    make_practice(title="Open data portal")
    practice_refresh_search()
    params = {"q": "pooled budget for electric buses"}
    page = client.get(CATALOGUE, params).context
    assert page["any_word"] is True
    shown = {practice.slug for practice in page["page"]}
    assert len(shown) == 2
    assert {row["slug"] for row in csv_rows(client.get(CSV_URL, params))} == shown


def test_a_row_names_challenges_cities_event_source_quote_and_address(client):
    source = make_source(title="Side event report", publisher="Connective Cities")
    event = make_event(slug="nairobi-side-event", title="Nairobi side event")
    draft_event = make_event(slug="draft-event", status=Status.DRAFT)
    nairobi = make_city(slug="nairobi", name="Nairobi")
    kisumu = make_city(slug="kisumu", name="Kisumu")
    practice = make_practice(
        slug="budget-pooling",
        challenges=[make_challenge(slug="limited-funds", name="Limited funds")],
        cities=[nairobi],
        events=[event, draft_event],
        tags=["open-source"],
        source=source,
        source_quote="Cities pooled their budgets.",
    )
    # Each city with its part in the practice, as the source gives it.
    PracticeCity.objects.create(goodpractice=practice, city=nairobi, role=CityRole.PRESENTED)
    PracticeCity.objects.create(goodpractice=practice, city=kisumu, role=CityRole.SUBJECT)
    [row] = csv_rows(client.get(CSV_URL))
    assert row["address"] == "http://testserver/practices/budget-pooling/"
    assert (row["challenges"], row["cities"], row["events"]) == (
        "limited-funds",
        "kisumu; nairobi",
        "nairobi-side-event",
    )
    assert row["city_roles"] == "kisumu (subject); nairobi (did); nairobi (presented)"
    assert (row["tags"], row["source"], row["quote"]) == (
        "open-source",
        "Side event report",
        "Cities pooled their budgets.",
    )
    [record] = json_document(client.get(JSON_URL))["practices"]
    assert record["challenges"] == [{"slug": "limited-funds", "name": "Limited funds"}]
    assert record["events"] == [{"slug": "nairobi-side-event", "title": "Nairobi side event"}]
    assert record["source"]["publisher"] == "Connective Cities"
    assert [(city["slug"], city["role"]) for city in record["cities"]] == [
        ("kisumu", "subject"),
        ("nairobi", "did"),
        ("nairobi", "presented"),
    ]


def test_the_json_export_carries_the_licence_and_a_citation(client, catalogue):
    document = json_document(client.get(JSON_URL, {"challenge": "silos"}))
    assert document["licence"] == "CC BY 4.0"
    assert "http://testserver/practices/?challenge=silos" in document["citation"]
    assert timezone.localdate().isoformat() in document["citation"]


def test_an_export_is_an_attachment(client):
    response = client.get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="citylearn-practices.csv"'


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_an_export_streams_and_reads_the_database_only_while_it_is_sent(client, url, catalogue):
    with CaptureQueriesContext(connection) as before_sending:
        response = client.get(url, {"challenge": "limited-funds"})
    assert isinstance(response, StreamingHttpResponse)
    # Reading the view's parameters names the challenge; no practice is read yet.
    assert not any("goodpractice" in query["sql"] for query in before_sending.captured_queries)
    with CaptureQueriesContext(connection) as sending:
        body(response)
    assert any("goodpractice" in query["sql"] for query in sending.captured_queries)


def test_an_export_reads_the_practices_and_their_relations_chunk_by_chunk(
    client, catalogue, monkeypatch
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    response = client.get(CSV_URL)
    with CaptureQueriesContext(connection) as sending:
        assert len(csv_rows(response)) == 12
    # One query for the practices, read 5 at a time; each of the 3 chunks prefetches its
    # challenges, cities, events and tags.
    assert len(sending.captured_queries) == 1 + 3 * 4


def _streamed(client, url):
    """The size of the export and the most memory Python allocated at once while sending it.

    Sent once before measuring: the database driver's and Django's caches fill on first use.
    """
    b"".join(client.get(url).streaming_content)
    response = client.get(url)
    tracemalloc.start()
    try:
        size = sum(len(chunk) for chunk in response.streaming_content)
        return size, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_exports_memory_does_not_grow_with_the_catalogue(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 20)
    for _ in range(4):
        make_challenge()
    make_city()
    generate_demo_data(practices=60, seed=3)
    small_size, small_peak = _streamed(client, JSON_URL)
    clear_demo_data()
    generate_demo_data(practices=600, seed=3)
    large_size, large_peak = _streamed(client, JSON_URL)
    # Ten times the practices. Holding the export whole would add at least its own size; the
    # peak grows only as the largest chunk of 20 rows does.
    assert large_size > small_size * 8
    assert large_peak - small_peak < (large_size - small_size) / 4, (small_peak, large_peak)


def test_the_catalogue_offers_its_exports_with_the_licence(client, catalogue):
    response = client.get(CATALOGUE, {"challenge": "silos", "page": "1", "sort": "title"})
    assertContains(response, f'href="{CSV_URL}?challenge=silos&amp;sort=title"')
    assertContains(response, f'href="{JSON_URL}?challenge=silos&amp;sort=title"')
    assertContains(response, "Creative Commons Attribution 4.0")
