import pytest
from django.db import transaction
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cases import services
from cases.caching import catalogue_version
from cases.models import Status

from .editor_helpers import make_report
from .factories import (
    make_challenge,
    make_city,
    make_curator,
    make_editor,
    make_event,
    make_person,
    make_practice,
)

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("cases:practice-list")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.mark.parametrize("name", ["home", "cases:practice-list", "cases:city-list"])
def test_a_cached_page_answers_without_a_query(client, django_assert_num_queries, name):
    make_practice(title="Budget pooling")
    client.get(reverse(name))
    with django_assert_num_queries(0):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_a_cached_practice_page_answers_without_a_query(client, django_assert_num_queries):
    practice = make_practice(title="Budget pooling")
    client.get(practice.get_absolute_url())
    with django_assert_num_queries(0):
        assertContains(client.get(practice.get_absolute_url()), "Budget pooling")


def test_the_record_pages_of_a_city_challenge_person_and_event_are_cached(
    client, django_assert_num_queries
):
    # They are class-based views, whose TemplateResponse renders after the view returns.
    city, challenge = make_city(), make_challenge()
    make_practice(title="Budget pooling", cities=[city], challenges=[challenge])
    for record in [city, challenge, make_person(), make_event(status=Status.PUBLISHED)]:
        url = record.get_absolute_url()
        first = client.get(url)
        with django_assert_num_queries(0):
            again = client.get(url)
        assert (first.status_code, again.content) == (200, first.content)


def test_each_query_string_is_cached_apart(client):
    make_practice(title="Budget pooling")
    make_practice(title="Open data")
    client.get(CATALOGUE)
    assertNotContains(client.get(CATALOGUE, {"q": "budget"}), "Open data")


def test_publishing_through_the_service_shows_the_new_practice_on_a_cached_page(
    client, django_capture_on_commit_callbacks
):
    event = make_report(status=Status.IN_REVIEW, practices=1)
    title = event.practices.get().title
    assertNotContains(client.get(CATALOGUE), title)
    # The catalogue version moves when the write commits (the test's transaction never does).
    with django_capture_on_commit_callbacks(execute=True):
        services.event_report_publish(event=event, user=make_curator())
    assertContains(client.get(CATALOGUE), title)


def test_an_admin_style_save_invalidates_the_cached_pages(
    client, django_capture_on_commit_callbacks
):
    practice = make_practice(title="Budget pooling")
    assertContains(client.get(CATALOGUE), "Budget pooling")
    practice.title = "Pooled budgets"
    with django_capture_on_commit_callbacks(execute=True):
        practice.save()
    assertContains(client.get(CATALOGUE), "Pooled budgets")


def test_a_tag_change_bumps_the_catalogue_version(django_capture_on_commit_callbacks):
    practice = make_practice()
    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        practice.tags.add("procurement")
    assert catalogue_version() > before


def test_a_write_that_rolls_back_leaves_the_catalogue_version(django_capture_on_commit_callbacks):
    practice = make_practice(title="Budget pooling")
    before = catalogue_version()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        practice.title = "Pooled budgets"
        practice.save()
        raise RuntimeError("a later step fails")
    assert callbacks == [] and catalogue_version() == before


def test_a_signed_in_user_never_gets_a_cached_page(client):
    make_practice(title="Budget pooling")
    client.get(CATALOGUE)
    client.force_login(make_editor())
    response = client.get(CATALOGUE)
    # A fresh page: it was rendered for this user, with its account links.
    assert response.context is not None
    assertContains(response, "Sign out")


def test_a_signed_in_page_is_not_served_to_anonymous_readers(client):
    make_practice(title="Budget pooling")
    client.force_login(make_editor())
    client.get(CATALOGUE)
    client.logout()
    assertNotContains(client.get(CATALOGUE), "Sign out")


def test_a_cached_page_sets_no_cookie_and_varies_on_cookie(client):
    make_practice()
    client.get(CATALOGUE)
    response = client.get(CATALOGUE)
    assert not response.cookies
    assert "Cookie" in response["Vary"]


def test_a_cached_page_still_answers_304_to_its_etag(client):
    make_practice()
    etag = client.get(CATALOGUE)["ETag"]
    response = client.get(CATALOGUE, headers={"if-none-match": etag})
    assert response.status_code == 304
