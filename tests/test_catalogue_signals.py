"""The receivers of cases/signals.py fire when they must and only then: each write still shows
at once on cached pages and in search, but a delete of many rows moves the catalogue version
once, and other models keep Django's fast deletes."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.models.deletion import Collector
from django.db.models.signals import m2m_changed
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from taggit.models import Tag

from cases import services
from cases.caching import catalogue_version
from cases.models import City, GoodPractice, PracticeChallenge, SearchWord
from cases.search import practice_refresh_search
from challenges.models import Challenge

from .factories import make_challenge, make_city, make_curator, make_event, make_practice
from .html_forms import form_data

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("cases:practice-list")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


def search(client, words):
    return client.get(CATALOGUE, {"q": words})


def search_writes(queries):
    """The statements that rewrite what search stores (practice_search on both databases)."""
    return [query["sql"] for query in queries if "INTO practice_search" in query["sql"]]


# --- Receivers per model: fast deletes elsewhere ----------------------------------------------


@pytest.mark.parametrize("model", [Session, SearchWord])
def test_models_outside_the_catalogue_are_deleted_in_one_statement(model):
    assert Collector(using="default").can_fast_delete(model.objects.all())


def test_deleting_sessions_loads_no_row(django_assert_num_queries):
    for number in range(3):
        Session.objects.create(
            session_key=f"session{number}", session_data="", expire_date="2030-01-01T00:00Z"
        )
    with django_assert_num_queries(1):
        Session.objects.all().delete()


# --- How often the version moves --------------------------------------------------------------


def practices_with_links(count):
    challenge, city, event = make_challenge(), make_city(), make_event()
    return [
        make_practice(challenges=[challenge], cities=[city], events=[event], tags=["budget"])
        for _ in range(count)
    ]


@pytest.mark.parametrize("count", [3, 30])
def test_deleting_many_practices_moves_the_version_once(count, django_capture_on_commit_callbacks):
    practices = practices_with_links(count)
    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        GoodPractice.objects.filter(pk__in=[practice.pk for practice in practices]).delete()
    # The practices and their link rows (challenges, cities, events, tags) are many rows, one
    # delete(): one callback, one bump.
    assert len(callbacks) == 1
    assert catalogue_version() == before + 1


def test_many_writes_in_one_transaction_move_the_version_once(django_capture_on_commit_callbacks):
    cities = [make_city() for _ in range(5)]
    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for city in cities:
            city.population_band = City.PopulationBand.UNDER_100K
            city.save()
        make_practice(cities=cities)
    assert len(callbacks) > 5
    assert catalogue_version() == before + 1


def test_each_committed_write_moves_the_version(django_capture_on_commit_callbacks):
    city = make_city()
    before = catalogue_version()
    for band in (City.PopulationBand.UNDER_100K, City.PopulationBand.OVER_5M):
        city.population_band = band
        with django_capture_on_commit_callbacks(execute=True):
            city.save()
    assert catalogue_version() == before + 2


def test_a_rolled_back_savepoint_leaves_the_bump_of_the_writes_before_it(
    django_capture_on_commit_callbacks,
):
    city = make_city()
    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        city.name = "Kisumu"
        city.save()
        with pytest.raises(RuntimeError), transaction.atomic():
            make_city()
            raise RuntimeError("a later step fails")
    assert catalogue_version() == before + 1


def link_change(action, practice, challenge):
    m2m_changed.send(
        sender=PracticeChallenge,
        instance=practice,
        action=action,
        reverse=False,
        model=Challenge,
        pk_set={challenge.pk},
        using="default",
    )


@pytest.mark.parametrize("action", ["pre_add", "pre_remove", "pre_clear"])
def test_a_link_change_about_to_happen_does_not_move_the_version(
    action, django_capture_on_commit_callbacks
):
    practice, challenge = make_practice(), make_challenge()
    with django_capture_on_commit_callbacks() as callbacks:
        link_change(action, practice, challenge)
    assert callbacks == []


@pytest.mark.parametrize("action", ["post_add", "post_remove", "post_clear"])
def test_a_link_change_made_moves_the_version(action, django_capture_on_commit_callbacks):
    practice, challenge = make_practice(), make_challenge()
    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        link_change(action, practice, challenge)
    assert len(callbacks) == 1
    assert catalogue_version() == before + 1


# --- Search refreshes only for a changed name -------------------------------------------------


def test_saving_a_city_without_changing_its_name_refreshes_no_search_column():
    city = make_city(name="Wote")
    make_practice(title="County data desk", cities=[city])
    city.population_band = City.PopulationBand.UNDER_100K
    with CaptureQueriesContext(connection) as queries:
        city.save()
    assert search_writes(queries) == []
    # The stored row is read once to compare, then the city is written.
    assert len(queries) == 2


def test_saving_only_other_fields_reads_nothing_to_compare(django_assert_num_queries):
    city = make_city(name="Wote")
    with django_assert_num_queries(1):
        city.save(update_fields=["population_band"])


RENAMES = {
    "a city's name": (lambda: make_city(name="Wote"), "cities", "name", "Makueni"),
    "a challenge's name": (make_challenge, "challenges", "name", "Austerity pressure"),
    "a challenge's definition": (make_challenge, "challenges", "definition", "Austerity."),
    "an event's title": (make_event, "events", "title", "Austerity forum"),
}


@pytest.mark.parametrize("rename", RENAMES.values(), ids=RENAMES.keys())
def test_changing_what_search_copies_refreshes_the_practices_that_carry_it(client, rename):
    make, relation, field, value = rename
    record = make()
    make_practice(title="Shared servers", **{relation: [record]})
    practice_refresh_search()
    assertNotContains(search(client, "austerity"), "Shared servers")
    setattr(record, field, value)
    with CaptureQueriesContext(connection) as queries:
        record.save()
    assert search_writes(queries)
    assertContains(search(client, value.split()[0]), "Shared servers")


# --- What pages show changes at once ----------------------------------------------------------


def test_archiving_a_practice_takes_it_off_the_cached_catalogue_at_once(
    client, django_capture_on_commit_callbacks
):
    practice = make_practice(title="Budget pooling")
    assertContains(client.get(CATALOGUE), "Budget pooling")
    with django_capture_on_commit_callbacks(execute=True):
        services.item_archive(item=practice, user=make_curator())
    assertNotContains(client.get(CATALOGUE), "Budget pooling")
    assertNotContains(search(client, "pooling"), "Budget pooling")


def test_an_admin_edit_shows_at_once_on_the_cached_catalogue_and_in_search(
    admin_client, client, django_capture_on_commit_callbacks
):
    practice = make_practice(title="Open data portal", cities=[make_city()])
    practice_refresh_search()
    assertContains(client.get(CATALOGUE), "Open data portal")
    change_url = reverse("admin:cases_goodpractice_change", args=[practice.pk])
    data = form_data(admin_client.get(change_url))
    data.update(title="Open data observatory")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assertContains(client.get(CATALOGUE), "Open data observatory")
    assertContains(search(client, "observatory"), "Open data observatory")


def renamed(record, name, capture):
    record.name = name
    with capture(execute=True):
        record.save()


@pytest.mark.parametrize("kind", ["city", "challenge", "tag"])
def test_a_rename_shows_at_once_on_the_cached_practice_page_and_in_search(
    kind, client, django_capture_on_commit_callbacks
):
    city, challenge = make_city(name="Wote"), make_challenge(name="Budget cuts")
    practice = make_practice(
        title="Shared servers", cities=[city], challenges=[challenge], tags=["pooling"]
    )
    practice_refresh_search()
    record = {"city": city, "challenge": challenge, "tag": Tag.objects.get(name="pooling")}[kind]
    assertContains(client.get(practice.get_absolute_url()), record.name)
    renamed(record, "Makueni austerity", django_capture_on_commit_callbacks)
    assertContains(client.get(practice.get_absolute_url()), "Makueni austerity")
    assertContains(search(client, "makueni"), "Shared servers")
