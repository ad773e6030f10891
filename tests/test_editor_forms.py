import uuid
from unittest import mock

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from cases import services
from cases.models import City, Event, GoodPractice, Kind, Status, Transition
from cases.services import event_report_return

from .editor_helpers import complete_practice_row, complete_submission, make_report, report_data
from .factories import make_challenge, make_city, make_country, make_curator, make_editor

pytestmark = pytest.mark.django_db

CREATE = reverse("editor:event-create")


@pytest.fixture
def editor(client):
    user = make_editor("amina")
    client.force_login(user)
    return user


def test_a_draft_needs_only_a_title(client, editor):
    response = client.post(CREATE, report_data(title="Nairobi side event"))
    event = Event.objects.get()
    assertRedirects(response, reverse("editor:event-edit", args=[event.slug]))
    assert (event.status, event.created_by, event.slug) == (
        Status.DRAFT,
        editor,
        "nairobi-side-event",
    )


def test_a_draft_without_title_comes_back_with_everything_typed(client, editor):
    data = report_data(title="", place="Nairobi and online", report="Long *report* text")
    data["practices-TOTAL_FORMS"] = "1"
    data["practices-0-title"] = "Practice typed"
    data["practices-0-lessons"] = "Lessons typed"
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert not Event.objects.exists()
    for typed in ("Nairobi and online", "Long *report* text", "Practice typed", "Lessons typed"):
        assertContains(response, typed)
    assertContains(response, 'href="#field-title"')
    assertContains(response, 'aria-invalid="true"')


def test_submitting_an_incomplete_report_lists_what_is_missing_and_saves_nothing(client, editor):
    data = report_data(title="Leaders' talk", action="submit")
    data["practices-TOTAL_FORMS"] = "1"
    data["practices-0-title"] = "Practice without summary"
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert not Event.objects.exists()
    assertContains(response, 'href="#field-starts_on"')
    assertContains(response, 'href="#field-practices-0-summary"')
    assertContains(response, "Pick at least one challenge it addresses.", count=2)
    assertContains(response, "Practice without summary")


def test_submitting_a_report_without_practices_says_one_is_needed(client, editor):
    data = complete_submission(make_city(), make_challenge())
    response = client.post(CREATE, data)
    assertContains(response, "Add at least one practice shared at the event.")
    assert not Event.objects.exists()


def test_submitting_a_complete_new_report_puts_event_and_practices_in_review(client, editor):
    city, challenge = make_city(), make_challenge()
    data = complete_submission(
        city, challenge, practices=[complete_practice_row(challenge=challenge, city=city)]
    )
    response = client.post(CREATE, data)
    assertRedirects(response, reverse("editor:my-reports"))
    event = Event.objects.get()
    practice = event.practices.get()
    assert (event.status, practice.status) == (Status.IN_REVIEW, Status.IN_REVIEW)
    assert practice.created_by == editor
    assert sorted(practice.tags.names()) == ["budgeting", "open data"]
    assert Transition.objects.filter(to_status=Status.IN_REVIEW).count() == 2


def test_a_missing_city_is_added_in_the_same_form(client, editor):
    country = make_country(name="Kenya")
    existing = make_city(name="Mombasa", country=country)
    data = report_data(
        title="Side event", cities=[str(existing.pk)], new_cities=[("Kisumu", country)]
    )
    client.post(CREATE, data)
    event = Event.objects.get()
    assert sorted(event.cities.values_list("name", flat=True)) == ["Kisumu", "Mombasa"]
    assert City.objects.get(name="Kisumu").country == country


def test_a_new_city_without_country_is_refused_next_to_the_field(client, editor):
    data = report_data(title="Side event")
    data["new_cities-0-name"] = "Kisumu"
    response = client.post(CREATE, data)
    assertContains(response, "Choose the country of this city.", count=2)
    assertContains(response, 'value="Kisumu"')
    assert not City.objects.filter(name="Kisumu").exists()


def test_slugs_are_unique_and_not_editable(client, editor):
    client.post(CREATE, report_data(title="Open data day"))
    client.post(CREATE, report_data(title="Open data day", slug="chosen-by-editor"))
    assert sorted(Event.objects.values_list("slug", flat=True)) == [
        "open-data-day",
        "open-data-day-2",
    ]


def test_sending_the_create_form_twice_creates_one_report(client, editor):
    data = report_data(title="Webinar")
    client.post(CREATE, data)
    response = client.post(CREATE, data)
    event = Event.objects.get()
    assertRedirects(response, reverse("editor:event-edit", args=[event.slug]))


def test_add_another_practice_without_javascript_shows_one_more_form(client, editor):
    data = report_data(title="Webinar", action="add-practice")
    data["practices-TOTAL_FORMS"] = "1"
    data["practices-0-title"] = "First practice"
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assertContains(response, 'name="practices-1-title"')
    assertContains(response, 'value="First practice"')
    assert not Event.objects.exists()


def test_a_saved_draft_keeps_its_practices_and_can_remove_one(client, editor):
    event = make_report(created_by=editor, practices=2)
    first, second = event.practices.order_by("pk")
    data = report_data(event)
    data["practices-1-DELETE"] = "on"
    client.post(reverse("editor:event-edit", args=[event.slug]), data)
    assert list(event.practices.all()) == [first]
    assert not GoodPractice.objects.filter(pk=second.pk).exists()


def test_my_reports_shows_the_curators_comment_on_a_returned_report(client, editor):
    event = make_report(created_by=editor, status=Status.IN_REVIEW)
    event_report_return(event=event, user=make_curator(), comment="Name the source, please.")
    response = client.get(reverse("editor:my-reports"))
    assertContains(response, "Name the source, please.")
    assertContains(response, event.title)


def test_my_reports_lists_only_the_editors_own_work(client, editor):
    make_report(created_by=make_editor(), title="Someone else's report")
    response = client.get(reverse("editor:my-reports"))
    assertNotContains(response, "Someone else")


def test_my_reports_query_count_does_not_grow(client, editor, django_assert_num_queries):
    for _ in range(3):
        make_report(created_by=editor, practices=2)
    # session, user, events, practices, editor group check for "Write a report", curator check.
    with django_assert_num_queries(6):
        client.get(reverse("editor:my-reports"))


def test_a_curator_keeps_the_practices_of_a_published_report_publishable(client):
    event = make_report(status=Status.PUBLISHED)
    client.force_login(make_curator())
    data = report_data(event, report="Corrected.")
    data["practices-0-summary"] = ""
    response = client.post(reverse("editor:event-edit", args=[event.slug]), data)
    assertContains(response, "Write a summary.", count=2)
    event.refresh_from_db()
    assert event.report == "What was said."


def test_a_curator_can_correct_a_published_report_the_sources_left_incomplete(client):
    event = make_report(status=Status.PUBLISHED, starts_on=None, format="")
    event.cities.clear()
    # What a source names no city behind is a recommendation, voiced by someone it names.
    practice = event.practices.get()
    practice.cities.clear()
    practice.kind = Kind.RECOMMENDATION
    practice.voiced_by, practice.voiced_by_passage = "The participants", "It was agreed."
    practice.save()
    client.force_login(make_curator())
    data = report_data(event, report="Corrected report.")
    response = client.post(reverse("editor:event-edit", args=[event.slug]), data)
    assertRedirects(response, reverse("editor:event-edit", args=[event.slug]))
    event.refresh_from_db()
    assert event.report == "Corrected report."


def test_a_curator_can_correct_a_published_report(client):
    event = make_report(status=Status.PUBLISHED)
    client.force_login(make_curator())
    data = report_data(event, report="Corrected report.")
    client.post(reverse("editor:event-edit", args=[event.slug]), data)
    event.refresh_from_db()
    assert (event.report, event.status, event.version) == (
        "Corrected report.",
        Status.PUBLISHED,
        2,
    )


def test_the_form_page_sets_no_inline_script_or_style(client, editor):
    response = client.get(CREATE)
    content = response.content.decode()
    assert "<script>" not in content and "style=" not in content and " on" + "click" not in content
    assertContains(response, "js/editor.js")


@pytest.mark.parametrize(
    "tampered",
    [
        {"practices-TOTAL_FORMS": "many"},
        {"practices-TOTAL_FORMS": "100000"},
        {"new_cities-INITIAL_FORMS": ""},
        {"version": "not-a-number"},
        {"token": "not-a-uuid", "title": "T" * 5000},
        {"starts_on": "2025-02-30", "ends_on": "yesterday"},
        {"cities": ["999999", "x"], "format": "picnic"},
    ],
)
def test_tampered_or_malformed_posts_get_a_clear_answer_not_a_server_error(
    client, editor, tampered
):
    response = client.post(CREATE, {**report_data(title="Side event"), **tampered})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assertContains(response, "Please fix the following")


def test_the_same_form_racing_past_the_duplicate_check_still_makes_one_report(editor):
    token = uuid.uuid4()
    services.event_report_save(event=Event(title="First"), user=editor, creation_token=token)
    # As if the check ran before the first copy was committed.
    no_earlier_copy = mock.patch.object(Event.objects, "filter", return_value=Event.objects.none())
    with pytest.raises(services.DuplicateSubmit) as duplicate, no_earlier_copy:
        services.event_report_save(event=Event(title="Second"), user=editor, creation_token=token)
    assert duplicate.value.event.title == "First"
    assert Event.objects.count() == 1
