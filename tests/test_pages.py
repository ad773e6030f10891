import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cases.models import Status

from .factories import make_challenge, make_city, make_event, make_practice

pytestmark = pytest.mark.django_db


def test_healthz_answers_plain_text_after_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"ok\n"


def test_home_lists_challenges_with_their_published_practice_counts(client):
    challenge = make_challenge(name="Political disruption")
    make_practice(challenges=[challenge])
    make_practice(challenges=[challenge])
    make_practice(challenges=[challenge], status=Status.DRAFT)
    response = client.get(reverse("home"))
    assertContains(response, "Political disruption")
    assertContains(response, "2 practices")


def test_home_shows_latest_practices_and_events_but_no_drafts(client):
    make_practice(title="Open source first")
    make_practice(title="Secret draft", status=Status.DRAFT)
    make_event(title="Nairobi side event")
    response = client.get(reverse("home"))
    assertContains(response, "Open source first")
    assertContains(response, "Nairobi side event")
    assertNotContains(response, "Secret draft")


@pytest.mark.parametrize(
    "name", ["cases:practice-detail", "cases:event-detail", "cases:city-detail"]
)
def test_unknown_slug_is_404(client, name):
    assert client.get(reverse(name, args=["no-such-thing"])).status_code == 404


def test_detail_pages_answer_for_published_records(client):
    challenge = make_challenge()
    city = make_city()
    event = make_event(cities=[city], challenges=[challenge])
    practice = make_practice(challenges=[challenge], cities=[city], events=[event])
    for obj in (practice, event, city, challenge):
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200, obj
        assertContains(response, "<h1>", count=1)


def test_draft_practice_is_404_to_the_public(client):
    practice = make_practice(status=Status.DRAFT)
    assert client.get(practice.get_absolute_url()).status_code == 404


def test_archived_practice_keeps_its_address_with_a_note(client):
    practice = make_practice(status=Status.ARCHIVED)
    assertContains(client.get(practice.get_absolute_url()), "archived")
