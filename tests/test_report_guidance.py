"""A report form that guides (issue 17): what review needs is marked before anyone submits,
every problem comes in one round with its section and field named, help texts say more than
their label, and signing in takes each role to its work."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import strip_tags
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from cases import workflow
from cases.forms import EventForm, NewCityForm, PersonForm, PracticeForm
from cases.models import Event, Status

from .editor_helpers import complete_practice_row, complete_submission, make_report, report_data
from .factories import (
    make_challenge,
    make_city,
    make_country,
    make_curator,
    make_editor,
    make_user,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("editor:event-create")
LOGIN = reverse("login")
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def editor(client):
    user = make_editor("amina")
    client.force_login(user)
    return user


def field_block(html, name):
    """The HTML of one field of the form, from its container to the next field's."""
    start = html.index(f'id="field-{name}"')
    end = html.find('id="field-', start + 1)
    return html[start : end if end > 0 else None]


def summary_lines(response):
    """The lines of the error summary at the top of the page, as text."""
    html = response.content.decode()
    summary = html[html.index('id="error-summary"') : html.index("</section>")]
    return [strip_tags(item).strip() for item in re.findall(r"<li>(.*?)</li>", summary)]


# --- Marked before anyone submits -------------------------------------------------------------


def test_every_field_review_needs_is_marked_on_the_empty_form(client, editor):
    html = client.get(CREATE).content.decode()
    assert "Needed for review</strong>: fill these in before you submit" in html
    for name in workflow.EVENT_REQUIREMENTS:
        assert "Needed for review." in field_block(html, name), name
    for name in workflow.PRACTICE_REQUIREMENTS:
        assert "Needed for review." in field_block(html, f"practices-0-{name}"), name
    assert "Needed, even for a draft." in field_block(html, "title")
    for name in ("ends_on", "place", "source", "practices-0-results"):
        assert "Needed" not in field_block(html, name), name


def test_the_mark_is_read_out_with_its_field(client, editor):
    html = client.get(CREATE).content.decode()
    assert 'aria-describedby="id_starts_on_helptext"' in field_block(html, "starts_on")


# --- One round --------------------------------------------------------------------------------


def test_a_submit_lists_field_errors_and_missing_fields_in_one_round(client, editor):
    data = report_data(
        title="Leaders' talk", action="submit", starts_on="8 July", new_source_url="not a link"
    )
    data["practices-TOTAL_FORMS"] = "1"
    data["practices-0-title"] = "Practice without summary"
    data["practices-0-stage"] = "no-such-stage"
    response = client.post(CREATE, data)
    assert not Event.objects.exists()
    lines = summary_lines(response)
    # Field errors ...
    assert "The event: Starts on: Enter a valid date." in lines
    assert "Challenges and report: Link to the new source: Enter a valid URL." in lines
    assert any(
        line.startswith("Practices shared, practice 1: Stage: Select a valid") for line in lines
    )
    # ... and, in the same answer, what review needs.
    assert "The event: Format: Say what kind of event it was." in lines
    assert "Participating cities: Name at least one participating city." in lines
    assert "Challenges and report: Challenges raised: Pick at least one challenge raised." in lines
    assert "Practices shared, practice 1: Summary: Write a summary." in lines
    # A field with an error of its own is not also said to be missing.
    assertNotContains(response, "Give the date the event started.")


def test_fixing_the_listed_problems_is_enough_to_submit(client, editor):
    """What one round lists is all there is: fixing it, nothing new comes up."""
    country = make_country()
    data = report_data(title="Roundtable", action="submit", starts_on="8 July")
    data["practices-TOTAL_FORMS"] = "0"
    lines = summary_lines(client.post(CREATE, data))
    assert len(lines) == 6  # the date, format, report, cities, challenges, and no practice
    challenge, city = make_challenge(), make_city(country=country)
    fixed = complete_submission(
        city, challenge, practices=[complete_practice_row(challenge=challenge, city=city)]
    )
    assertRedirects(client.post(CREATE, fixed), reverse("editor:my-reports"))
    assert Event.objects.get().status == Status.IN_REVIEW


def test_saving_a_public_report_lists_every_problem_in_one_round_too(client):
    event = make_report(status=Status.PUBLISHED)
    client.force_login(make_curator())
    data = report_data(event, action="draft", starts_on="yesterday")
    data["practices-0-summary"] = ""
    response = client.post(reverse("editor:event-edit", args=[event.slug]), data)
    lines = summary_lines(response)
    assert "The event: Starts on: Enter a valid date." in lines
    assert "Practices shared, practice 1: Summary: Write a summary." in lines


def test_submitting_from_my_reports_lists_every_problem_on_the_form_linked_to_its_field(
    client, editor
):
    data = report_data(title="Talk", action="draft", starts_on="2025-07-08")
    data["practices-TOTAL_FORMS"] = "1"
    data["practices-0-title"] = "Open data portal"
    client.post(CREATE, data)
    event = Event.objects.get()
    edit = reverse("editor:event-edit", args=[event.slug])
    response = client.post(reverse("editor:event-submit", args=[event.slug]))
    assertRedirects(response, f"{edit}?check=review")
    response = client.get(f"{edit}?check=review")
    assert summary_lines(response) == [
        "The event: Format: Say what kind of event it was.",
        "Challenges and report: Report: Write the report of the event.",
        "Participating cities: Name at least one participating city.",
        "Challenges and report: Challenges raised: Pick at least one challenge raised.",
        "Practices shared, practice 1: Summary: Write a summary.",
        "Practices shared, practice 1: What was done: Describe what was done.",
        "Practices shared, practice 1: Challenges it addresses: Pick at least one challenge "
        "it addresses.",
        "Practices shared, practice 1: Cities behind it: Name at least one city behind it.",
    ]
    assertContains(response, '<a href="#field-practices-0-summary">')
    assert "Write a summary." in field_block(response.content.decode(), "practices-0-summary")
    assert Event.objects.get().status == Status.DRAFT
    # The edit page alone, as after a save, lists nothing.
    assertNotContains(client.get(edit), 'id="error-summary"')


def test_a_draft_is_held_to_its_field_errors_only(client, editor):
    response = client.post(CREATE, report_data(title="", action="draft"))
    assert summary_lines(response) == ["The event: Title: This field is required."]


def test_a_new_city_error_names_its_section(client, editor):
    data = report_data(title="Roundtable", action="draft")
    data["new_cities-0-name"] = "Dschang"
    lines = summary_lines(client.post(CREATE, data))
    assert lines == ["Participating cities, new city 1: Country: Choose the country of this city."]


def test_an_error_on_a_translated_title_names_the_section_of_other_languages(client, editor):
    data = report_data(title="Roundtable", action="draft")
    data["title_fr"] = "x" * 301
    [line] = summary_lines(client.post(CREATE, data))
    assert line.startswith("Title and summary in other languages: Title in French: ")


def test_the_summary_links_to_its_fields_and_the_page_loads_the_focus_script(client, editor):
    response = client.post(CREATE, report_data(title="Talk", action="submit"))
    assertContains(response, '<a href="#field-format">The event: Format: Say what kind')
    assertContains(response, 'id="field-format"')
    assertContains(response, 'id="error-summary" tabindex="-1"')
    assertContains(response, 'src="/static/js/error-summary.js" defer')


# --- Help texts -------------------------------------------------------------------------------

# Words that carry no meaning of their own, left out when comparing a help text with its label.
FILLER = {"a", "an", "the", "and", "or", "of", "it", "its", "to", "in", "on", "for", "is", "be"}
FILLER |= {"this", "that", "as", "with", "at", "by"}


def words(text):
    return {word for word in re.findall(r"[a-z]+", str(text).lower()) if word not in FILLER}


@pytest.mark.parametrize("form_class", [EventForm, PracticeForm, NewCityForm, PersonForm])
def test_every_help_text_says_more_than_its_label(form_class):
    form = form_class()
    for name, field in form.fields.items():
        if not field.help_text:
            continue
        help_text = strip_tags(str(field.help_text)).replace("Needed for review.", "")
        label = form[name].label
        new = words(help_text) - words(label)
        assert len(new) >= 3, f"{form_class.__name__}.{name}: {label!r} / {help_text!r}"


def test_the_help_text_check_catches_a_help_text_that_repeats_its_label():
    assert len(words("Challenges raised.") - words("Challenges raised")) < 3
    assert len(words("What the city did.") - words("What was done")) < 3


# --- Signing in -------------------------------------------------------------------------------


def sign_in(client, user, **extra):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD, **extra})


def test_signing_in_takes_an_editor_to_their_reports(client):
    assertRedirects(sign_in(client, make_editor()), reverse("editor:my-reports"))


def test_signing_in_takes_a_curator_to_the_review_queue(client):
    assertRedirects(sign_in(client, make_curator()), reverse("editor:review-queue"))


def test_signing_in_follows_next_whatever_the_role(client):
    response = sign_in(client, make_curator(), next="/practices/")
    assertRedirects(response, "/practices/")


def test_signing_in_ignores_a_next_to_another_site(client):
    response = sign_in(client, make_editor(), next="https://elsewhere.example/")
    assertRedirects(response, reverse("editor:my-reports"))


def test_signing_in_without_a_role_goes_to_the_default_page(client):
    response = sign_in(client, make_user())
    assertRedirects(response, reverse(settings.LOGIN_REDIRECT_URL))


def test_the_landing_follows_permissions_not_group_names(client):
    reviewer = make_user()
    reviewer.user_permissions.add(Permission.objects.get(codename="review_event"))
    # Only where signing in lands: who may open the queue is the views' own check.
    response = sign_in(client, reviewer)
    assertRedirects(response, reverse("editor:review-queue"), fetch_redirect_response=False)
