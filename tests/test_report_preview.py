"""Issue 11, item 4: before submitting, the editor sees the report and its practices as they will
be published, with what review still needs marked, and nothing is saved."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cases.models import City, Event, GoodPractice, Kind, Region

from .editor_helpers import complete_practice_row, complete_submission, report_data
from .factories import make_challenge, make_city, make_country, make_editor

pytestmark = pytest.mark.django_db

CREATE = reverse("editor:event-create")


def test_the_preview_shows_the_report_as_published_marks_the_gaps_and_saves_nothing(client):
    client.force_login(make_editor())
    make_country(name="Finland", code="FI", region=Region.EUROPE)
    practice = {**complete_practice_row(title="Night buses"), "description": ""}
    data = report_data(
        title="Nordic day",
        action="preview",
        report="Cities compared **night transport**.",
        practices=[practice],
        cities_add="Tampere, Finland",
        new_source_title="The day's report",
    )
    response = client.post(CREATE, data)
    assert response.status_code == 200
    content = response.content.decode()
    preview = content[content.index('id="preview"') : content.index('class="report-form"')]
    assertContains(response, "Preview: the report as it will be published")
    assert "<strong>night transport</strong>" in preview  # as published: Markdown rendered
    assert "Tampere (Finland)" in preview and "The day&#x27;s report" in preview
    assert "Night buses" in preview
    # What review needs is marked, on the event and on the practice.
    assertContains(response, "Starts on: Give the date the event started.")
    assertContains(response, "What was done: Describe what was done.")
    assert not Event.objects.exists() and not GoodPractice.objects.exists()
    assert not City.objects.filter(name="Tampere").exists()
    assertContains(response, 'name="cities_add" id="id_cities_add" value="Tampere, Finland"')


def test_a_complete_report_previews_without_marks(client):
    client.force_login(make_editor())
    practice = complete_practice_row()
    data = report_data(
        title="Complete day",
        action="preview",
        starts_on="2026-05-20",
        format=Event.Format.WORKSHOP,
        report="What was said.",
        cities=practice["cities"],
        challenges=practice["challenges"],
        practices=[practice],
    )
    response = client.post(CREATE, data)
    assertContains(response, "Preview: the report as it will be published")
    assertNotContains(response, '<strong class="needed">Missing</strong>')
    assertNotContains(response, "Please fix the following")


def test_a_recommendation_previews_as_one_with_who_voiced_it_and_no_city_missing(client):
    client.force_login(make_editor())
    challenge = make_challenge()
    practice = {
        **complete_practice_row(title="Networks shield against disruption", challenge=challenge),
        "kind": Kind.RECOMMENDATION,
        "voiced_by": "Many cities at the side event",
        "cities": [],
        "description": "",
    }
    data = complete_submission(make_city(), challenge, action="preview", practices=[practice])
    response = client.post(CREATE, data)
    content = response.content.decode()
    preview = content[content.index('id="preview"') : content.index('class="report-form"')]
    assert '<span class="kind">Recommendation</span>' in preview
    assert "Many cities at the side event" in preview
    assert "Name at least one city behind it." not in preview
    assert "Describe what was done." not in preview
