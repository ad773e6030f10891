"""The read-only JSON API: records by slug, the catalogue's filters, strict parameters, pages of
bounded size, ETags, a rate limit per address, and nothing unpublished."""

import uuid

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from pytest_django.asserts import assertContains
from taggit.models import Tag

from cases.catalogue import ANY_WORD_BELOW
from cases.catalogue_index import forget_catalogue_index
from cases.models import City, Status
from cases.search import practice_refresh_search

from .factories import (
    make_challenge,
    make_city,
    make_country,
    make_event,
    make_person,
    make_practice,
    make_source,
)

pytestmark = pytest.mark.django_db

PRACTICES = reverse("api:practice-list")
CATALOGUE = reverse("cases:practice-list")


@pytest.fixture(autouse=True)
def generous_rate_limit(settings):
    # The tests of the limit set their own; the others send more requests than a reader would.
    settings.API_RATE_LIMIT = "100000/minute"


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def slugs(response):
    return [record["slug"] for record in results(response)]


# Records and visibility


def test_a_practice_is_read_by_its_slug_with_its_source_and_quote(client):
    source = make_source(title="Side event report", url="https://example.org/report")
    make_practice(
        slug="budget-pooling",
        title="Budget pooling",
        challenges=[make_challenge(slug="limited-funds")],
        cities=[make_city(slug="nairobi")],
        events=[make_event(slug="side-event")],
        tags=["open-source"],
        source=source,
        source_quote="Cities pooled their budgets.",
    )
    record = client.get(reverse("api:practice-detail", args=["budget-pooling"])).json()
    assert record["title"] == "Budget pooling"
    assert record["address"] == "http://testserver/practices/budget-pooling/"
    assert [challenge["slug"] for challenge in record["challenges"]] == ["limited-funds"]
    assert [city["slug"] for city in record["cities"]] == ["nairobi"]
    assert [event["slug"] for event in record["events"]] == ["side-event"]
    assert record["tags"] == ["open-source"]
    assert record["source"]["link"] == "https://example.org/report"
    assert record["quote"] == "Cities pooled their budgets."


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_an_unpublished_practice_is_invisible(client, status):
    make_practice(slug="published")
    make_practice(slug="unpublished", status=status)
    assert slugs(client.get(PRACTICES)) == ["published"]
    detail = client.get(reverse("api:practice-detail", args=["unpublished"]))
    assert detail.status_code == 404
    assert detail["Content-Type"] == "application/json"


def test_an_archived_practice_leaves_the_list_but_keeps_its_address(client):
    make_practice(slug="archived", status=Status.ARCHIVED)
    assert slugs(client.get(PRACTICES)) == []
    record = client.get(reverse("api:practice-detail", args=["archived"])).json()
    assert record["is_archived"] is True


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_an_unpublished_event_and_what_only_it_cites_are_invisible(client, status):
    make_event(slug="published")
    make_event(slug="unpublished", status=status, source=make_source(slug="draft-source"))
    make_practice(slug="draft-practice", status=status, events=[], source=make_source(slug="s2"))
    assert slugs(client.get(reverse("api:event-list"))) == ["published"]
    assert client.get(reverse("api:event-detail", args=["unpublished"])).status_code == 404
    assert slugs(client.get(reverse("api:source-list"))) == []
    assert client.get(reverse("api:source-detail", args=["draft-source"])).status_code == 404


def test_a_published_events_draft_main_event_is_not_named(client):
    main = make_event(slug="main-draft", title="Secret conference", status=Status.DRAFT)
    make_event(slug="side", part_of=main)
    record = client.get(reverse("api:event-detail", args=["side"])).json()
    assert record["part_of"] is None
    assert "Secret conference" not in str(record)


def test_a_practice_does_not_name_a_draft_event_it_was_shared_at(client):
    make_practice(slug="p", events=[make_event(slug="draft-event", status=Status.DRAFT)])
    record = client.get(reverse("api:practice-detail", args=["p"])).json()
    assert record["events"] == []


def test_challenges_count_only_published_practices(client):
    funds = make_challenge(slug="limited-funds")
    make_practice(challenges=[funds])
    make_practice(challenges=[funds], status=Status.DRAFT)
    [record] = results(client.get(reverse("api:challenge-list")))
    assert (record["slug"], record["practice_count"]) == ("limited-funds", 1)


def test_cities_list_with_their_country(client):
    make_city(slug="nairobi", country=make_country(name="Kenya", code="KE"))
    record = client.get(reverse("api:city-detail", args=["nairobi"])).json()
    assert record["country"]["code"] == "KE"
    assert record["address"] == "http://testserver/cities/nairobi/"


def test_the_api_root_lists_every_collection(client):
    root = client.get(reverse("api:api-root")).json()
    assert set(root) == {"practices", "challenges", "cities", "events", "people", "sources"}


def test_a_person_is_read_with_their_part_at_public_events_and_what_they_said(client):
    shown = make_event(slug="leaders-talk", title="Leaders' talk", status=Status.PUBLISHED)
    hidden = make_event(slug="draft-workshop", status=Status.DRAFT)
    person = make_person(
        slug="amina-mayor", role="Mayor", events=[shown, hidden], statements=["Share the data."]
    )
    statement = person.statements.get()
    statement.event = hidden
    statement.save()
    record = client.get(reverse("api:person-detail", args=["amina-mayor"])).json()
    assert record["role"] == "Mayor"
    assert [event["slug"] for event in record["events"]] == ["leaders-talk"]
    assert record["events"][0]["part"] == "speaker"
    [said] = record["statements"]
    assert (said["quote"], said["event"]) == ("Share the data.", None)
    assert record["address"] == "http://testserver/people/amina-mayor/"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_a_person_only_an_unpublished_report_names_is_invisible(client, status):
    city = make_city(slug="kisumu")
    unpublished = make_event(status=status)
    make_person(slug="typed-in", city=city, events=[unpublished])
    make_person(slug="voices-a-draft", voiced_practices=[make_practice(status=status)])
    make_person(slug="also-at-a-public-event", events=[unpublished, make_event()])
    make_person(slug="added-by-a-curator")
    make_person(slug="quoted", statements=["Share the data."])
    visible = ["added-by-a-curator", "also-at-a-public-event", "quoted"]
    assert sorted(slugs(client.get(reverse("api:person-list")))) == visible
    for slug in ("typed-in", "voices-a-draft"):
        assert client.get(reverse("api:person-detail", args=[slug])).status_code == 404
        assert client.get(reverse("cases:person-detail", args=[slug])).status_code == 404
    # The site's list and the city's page leave them out too.
    people = client.get(reverse("cases:person-list")).context["page"]
    assert sorted(person.slug for person in people) == visible
    assert list(client.get(city.get_absolute_url()).context["people"]) == []
    # Published, the report shows them.
    unpublished.status, unpublished.published_at = Status.PUBLISHED, timezone.now()
    unpublished.save()
    assert client.get(reverse("api:person-detail", args=["typed-in"])).status_code == 200


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_a_city_only_unpublished_reports_name_is_invisible(client, status):
    typed_in = make_city(slug="typed-in")
    unpublished = make_event(status=status, cities=[typed_in])
    make_practice(status=status, cities=[typed_in, make_city(slug="also-public")])
    make_practice(cities=[City.objects.get(slug="also-public")])
    make_event(status=status, host_city=make_city(slug="hosts-a-draft"))
    make_city(slug="in-the-gazetteer")
    visible = ["also-public", "in-the-gazetteer"]
    assert sorted(slugs(client.get(reverse("api:city-list")))) == visible
    for url in (reverse("api:city-detail", args=["typed-in"]), typed_in.get_absolute_url()):
        assert client.get(url).status_code == 404
    for page, name in (("cases:city-list", "cities"), ("cases:peer-finder", "cities")):
        listed = client.get(reverse(page)).context[name]
        assert sorted(city.slug for city in listed) == visible, page
    sitemap = client.get(reverse("data:sitemap-section", args=["cities"])).content.decode()
    assert "/cities/also-public/" in sitemap
    assert "/cities/typed-in/" not in sitemap
    assert "/cities/hosts-a-draft/" not in sitemap
    # Published, the report shows it.
    unpublished.status, unpublished.published_at = Status.PUBLISHED, timezone.now()
    unpublished.save()
    assert client.get(reverse("api:city-detail", args=["typed-in"])).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_the_people_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    event = make_event(status=Status.PUBLISHED)
    for _ in range(count):
        make_person(events=[event], statements=["A point.", "Another point."])
    # The count, the page, their events and their statements.
    with django_assert_num_queries(4):
        client.get(reverse("api:person-list"), {"page_size": "100"})


# The catalogue's filters


@pytest.fixture
def world():
    funds = make_challenge(slug="limited-funds", name="Limited funds")
    silos = make_challenge(slug="silos", name="Silos")
    nairobi = make_city(slug="nairobi", name="Nairobi")
    make_practice(
        slug="budget-pooling", title="Budget pooling", challenges=[funds], cities=[nairobi]
    )
    make_practice(slug="shared-data", title="Shared data", challenges=[silos], tags=["open-data"])
    make_practice(slug="joint-budget", title="Joint budget team", challenges=[funds, silos])
    practice_refresh_search()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"challenge": "limited-funds"}, {"budget-pooling", "joint-budget"}),
        (
            {"challenge": ["limited-funds", "silos"]},
            {"budget-pooling", "joint-budget", "shared-data"},
        ),
        ({"challenge": "limited-funds", "city": "nairobi"}, {"budget-pooling"}),
        ({"tag": "open-data"}, {"shared-data"}),
        ({"q": "budget"}, {"budget-pooling", "joint-budget"}),
        ({"q": "budget", "challenge": "silos"}, {"joint-budget"}),
    ],
)
def test_the_practice_list_filters_and_searches_as_the_catalogue(client, world, params, expected):
    assert set(slugs(client.get(PRACTICES, params))) == expected


def test_the_practice_list_sorts_by_title(client, world):
    titles = [record["title"] for record in results(client.get(PRACTICES, {"sort": "title"}))]
    assert titles == ["Budget pooling", "Joint budget team", "Shared data"]


# A randomised catalogue: whatever the data and the filters, the API lists what the page lists.

CHALLENGES = ["funds", "silos", "skills"]
CITIES = ["nairobi", "kisumu", "lyon"]
TAGS = ["open-data", "procurement"]
STAGES = ["", "idea", "pilot", "scaled"]
practice_specs = st.lists(
    st.fixed_dictionaries(
        {
            "challenges": st.lists(st.sampled_from(CHALLENGES), min_size=1, unique=True),
            "cities": st.lists(st.sampled_from(CITIES), unique=True),
            "tags": st.lists(st.sampled_from(TAGS), unique=True),
            "stage": st.sampled_from(STAGES),
            "status": st.sampled_from([Status.PUBLISHED] * 3 + [Status.DRAFT, Status.ARCHIVED]),
            "word": st.sampled_from(["budget", "data", "skills"]),
        }
    ),
    max_size=12,
)
filters = st.fixed_dictionaries(
    {},
    optional={
        "challenge": st.lists(st.sampled_from(CHALLENGES), min_size=1, max_size=2, unique=True),
        "city": st.lists(st.sampled_from(CITIES), min_size=1, max_size=2, unique=True),
        "tag": st.lists(st.sampled_from(TAGS), min_size=1, unique=True),
        "stage": st.lists(st.sampled_from(STAGES[1:]), min_size=1, unique=True),
        "q": st.sampled_from(["budget", "data", "skills"]),
        "sort": st.sampled_from(["newest", "title"]),
    },
)


@settings(
    max_examples=40,
    # No shrinking: every example adds to the same database, so shrinking one takes minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(specs=practice_specs, params=filters)
def test_the_api_lists_what_the_catalogue_lists_on_a_random_catalogue(client, specs, params):
    run = uuid.uuid4().hex[:6]
    challenges = {slug: make_challenge(slug=f"{slug}-{run}") for slug in CHALLENGES}
    cities = {slug: make_city(slug=f"{slug}-{run}") for slug in CITIES}
    for tag in TAGS:
        Tag.objects.create(name=f"{tag}-{run}", slug=f"{tag}-{run}")
    for number, spec in enumerate(specs):
        make_practice(
            title=f"{spec['word']} {run} {number}",
            challenges=[challenges[slug] for slug in spec["challenges"]],
            cities=[cities[slug] for slug in spec["cities"]],
            tags=[f"{tag}-{run}" for tag in spec["tags"]],
            stage=spec["stage"],
            status=spec["status"],
        )
    practice_refresh_search()
    # The catalogue index follows committed writes; this test's examples never commit.
    forget_catalogue_index()
    query = {
        name: (
            [f"{value}-{run}" for value in values]
            if name in ("challenge", "city", "tag")
            else values
        )
        for name, values in params.items()
    }
    # Only this example's records: every example adds to the same database.
    query.setdefault("q", run)
    if "q" in params:
        query["q"] = f"{params['q']} {run}"
    response = client.get(CATALOGUE, query)
    page = response.context["page"]
    api = client.get(PRACTICES, {**query, "page_size": "100"})
    if response.context["any_word"]:
        # Fewer than ANY_WORD_BELOW practices had every word, so the catalogue shows readers
        # those with any of them; the API keeps to every word, as its documentation says.
        assert api.json()["count"] < ANY_WORD_BELOW
        assert all(run in record["title"] for record in results(api))
    else:
        assert slugs(api) == [practice.slug for practice in page]
        assert api.json()["count"] == page.paginator.count


# Bad parameters: a 400 whose JSON names the parameter


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"challenges": "limited-funds"}, "challenges"),
        ({"format": "xml"}, "format"),
        ({"challenge": "no-such-challenge"}, "challenge"),
        ({"city": "<script>"}, "city"),
        ({"tag": "a\x00b"}, "tag"),
        ({"region": "atlantis"}, "region"),
        ({"stage": "finished"}, "stage"),
        ({"challenge": [f"c{number}" for number in range(21)]}, "challenge"),
        ({"q": "a"}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"sort": "oldest"}, "sort"),
        ({"sort": "relevance"}, "sort"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "99"}, "page"),
        ({"page": "1e3"}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "-5"}, "page_size"),
        ({"page_size": "\u0661\u0660"}, "page_size"),  # Arabic-Indic digits: isdigit() is true
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, world, params, name):
    response = client.get(PRACTICES, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert name in response.json()


@pytest.mark.parametrize("url", ["api:challenge-list", "api:city-list", "api:event-list"])
def test_other_lists_refuse_the_catalogues_filters(client, url):
    response = client.get(reverse(url), {"challenge": "limited-funds"})
    assert response.status_code == 400
    assert "challenge" in response.json()


def test_a_detail_takes_no_parameter(client, world):
    response = client.get(reverse("api:practice-detail", args=["budget-pooling"]), {"page": "2"})
    assert response.status_code == 400
    assert "page" in response.json()


def test_an_address_that_is_no_slug_is_a_404(client):
    assert client.get(f"{PRACTICES}%00/").status_code == 404
    assert client.get(f"{PRACTICES}caf%C3%A9/").status_code == 404


# Pages


def test_pages_hold_20_by_default_and_page_size_up_to_100(client):
    for _ in range(25):
        make_practice()
    first = client.get(PRACTICES).json()
    assert (first["count"], len(first["results"])) == (25, 20)
    assert first["next"] == "http://testserver/api/practices/?page=2"
    assert len(results(client.get(PRACTICES, {"page": "2"}))) == 5
    assert len(results(client.get(PRACTICES, {"page_size": "100"}))) == 25


@pytest.mark.parametrize("count", [3, 30])
def test_the_practice_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    funds = make_challenge(slug="limited-funds")
    city = make_city()
    for _ in range(count):
        make_practice(challenges=[funds], cities=[city], tags=["open-data", "procurement"])
    # The first reader after a change builds the catalogue index (issue 13: the catalogue's
    # version, the practices newest first and by title, their challenges, tags, cities and
    # events), as the catalogue's does. Then the page, its cities, challenges and tags; the
    # index names the challenge, counts and picks the page (6 queries before).
    with django_assert_num_queries(11):
        client.get(PRACTICES, {"challenge": "limited-funds", "page_size": "100"})
    with django_assert_num_queries(4):
        client.get(PRACTICES, {"challenge": "limited-funds", "page_size": "50"})


@pytest.mark.parametrize("count", [3, 30])
def test_the_event_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    city, challenge = make_city(), make_challenge()
    for _ in range(count):
        make_event(cities=[city], challenges=[challenge], source=make_source())
    # The count, the page, its cities, challenges and organisers.
    with django_assert_num_queries(5):
        client.get(reverse("api:event-list"), {"page_size": "100"})


# HTTP


def test_an_unchanged_answer_is_a_304(client, world):
    response = client.get(PRACTICES)
    etag = response["ETag"]
    again = client.get(PRACTICES, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_any_site_may_read_the_api_from_a_browser(client):
    assert client.get(PRACTICES)["Access-Control-Allow-Origin"] == "*"


def test_the_api_sets_no_cookie_and_needs_no_session(client, world):
    response = client.get(PRACTICES)
    assert not response.cookies


# The rate limit


def test_past_the_rate_limit_an_address_gets_429(client, settings):
    settings.API_RATE_LIMIT = "3/minute"
    for _ in range(3):
        assert client.get(PRACTICES).status_code == 200
    response = client.get(PRACTICES)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()
    # Another address still gets answers.
    assert client.get(PRACTICES, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(client, settings):
    settings.API_RATE_LIMIT = "2/minute"
    for number in range(2):
        client.get(PRACTICES, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    assert client.get(PRACTICES, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(client, settings):
    settings.API_RATE_LIMIT = "2/minute"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for _ in range(2):
        client.get(PRACTICES, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client.get(PRACTICES, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    # The proxy's own address is the same for everyone: another client is counted apart.
    assert client.get(PRACTICES, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


@pytest.fixture
def redis_cache(settings):
    # Redis database 9 is this branch's; the prefix keeps each run's keys apart.
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/9",
            "KEY_PREFIX": prefix,
        }
    }
    yield caches["default"]
    client = caches["default"]._cache.get_client(write=True)
    for key in client.scan_iter(f":1:{prefix}*"):
        client.delete(key)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_the_rate_limit_counts_in_redis(client, settings, redis_cache):
    settings.API_RATE_LIMIT = "2/minute"
    for _ in range(2):
        assert client.get(PRACTICES).status_code == 200
    assert client.get(PRACTICES).status_code == 429


def test_when_redis_is_down_the_api_still_answers(client, settings):
    make_practice(slug="budget-pooling")
    settings.API_RATE_LIMIT = "2/minute"
    # Nothing listens on port 1: every cache call fails at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/9",
        }
    }
    for _ in range(3):
        assert slugs(client.get(PRACTICES)) == ["budget-pooling"]


# The schema and its documentation


def test_the_openapi_schema_validates(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert {"/api/practices/", "/api/practices/{slug}/", "/api/sources/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/practices/"]["get"]["parameters"]}
    assert {"q", "challenge", "theme", "tag", "city", "country", "region", "event", "stage"} <= (
        parameters
    )
    assert {"sort", "page", "page_size"} <= parameters


def test_the_documentation_lists_every_endpoint_and_record(client):
    response = client.get(reverse("opendata:api-docs"))
    schema = client.get(reverse("api:schema")).json()
    for path in schema["paths"]:
        assertContains(response, f"GET {path}")
    for name in ("Practice", "PracticeCard", "Challenge", "City", "Event", "Source"):
        assertContains(response, f'id="record-{name}"')
    assertContains(response, "At most 100000/minute requests per address")
