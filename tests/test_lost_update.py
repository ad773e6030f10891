import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from cases.models import Event, GoodPractice, Status

from .editor_helpers import make_report, report_data
from .factories import make_curator, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    return make_report(created_by=make_editor("amina"), report="The original report.")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _edit_url(event):
    return reverse("editor:event-edit", args=[event.slug])


def test_the_form_carries_the_version_it_was_opened_at(report):
    response = _client(report.created_by).get(_edit_url(report))
    assertContains(response, '<input type="hidden" name="version" value="1"', html=False)


def test_the_second_save_is_refused_and_the_first_one_kept(report):
    editor_tab, curator = _client(report.created_by), _client(make_curator())
    opened = report_data(report)
    curator.post(_edit_url(report), {**opened, "report": "The curator's correction."})
    response = editor_tab.post(_edit_url(report), {**opened, "report": "The editor's rewrite."})
    assert response.status_code == 409
    assert Event.objects.get().report == "The curator's correction."


def test_a_refused_save_shows_both_versions(report):
    editor_tab, curator = _client(report.created_by), _client(make_curator())
    opened = report_data(report)
    curator.post(_edit_url(report), {**opened, "report": "The curator's correction."})
    response = editor_tab.post(_edit_url(report), {**opened, "report": "The editor's rewrite."})
    assertContains(response, "Someone saved this report after you opened it.", status_code=409)
    content = response.content.decode()
    stored_panel = content[content.index('class="conflict"') : content.index('class="report-form"')]
    assert "The curator's correction." in stored_panel
    assert "The editor's rewrite" not in stored_panel
    assert "The editor&#x27;s rewrite.</textarea>" in content
    # Or take the newer version: the link opens the form as stored, without what was typed.
    assertContains(
        response, f'<a href="{_edit_url(report)}">Take their version', status_code=409, html=False
    )
    assert "The editor's rewrite." not in editor_tab.get(_edit_url(report)).content.decode()


def test_saving_again_after_seeing_both_versions_replaces_the_stored_one(report):
    editor_tab, curator = _client(report.created_by), _client(make_curator())
    opened = report_data(report)
    curator.post(_edit_url(report), {**opened, "report": "The curator's correction."})
    editor_tab.post(_edit_url(report), {**opened, "report": "The editor's rewrite."})
    stored = Event.objects.get()
    again = {**report_data(stored), "report": "The editor's rewrite."}
    assertRedirects(editor_tab.post(_edit_url(report), again), _edit_url(report))
    stored.refresh_from_db()
    assert (stored.report, stored.version) == ("The editor's rewrite.", 3)


def test_a_practice_changed_elsewhere_is_not_overwritten(report):
    practice = report.practices.get()
    opened = report_data(report)
    GoodPractice.objects.filter(pk=practice.pk).update(
        summary="Changed elsewhere.", version=F("version") + 1
    )
    opened["practices-0-summary"] = "Typed in the stale form."
    response = _client(report.created_by).post(_edit_url(report), opened)
    assert response.status_code == 409
    assert GoodPractice.objects.get().summary == "Changed elsewhere."
    assert Event.objects.get().version == 1
    assertContains(response, "Typed in the stale form.", status_code=409)


def test_a_report_submitted_in_another_tab_is_not_saved_over_and_the_text_is_kept(report):
    editor = _client(report.created_by)
    opened = report_data(report)
    editor.post(reverse("editor:event-submit", args=[report.slug]))
    response = editor.post(_edit_url(report), {**opened, "report": "Typed too late."})
    assert response.status_code == 409
    assertContains(response, "Typed too late.", status_code=409)
    assertContains(response, "You can no longer change this report.", status_code=409)
    stored = Event.objects.get()
    assert (stored.status, stored.report) == (Status.IN_REVIEW, "The original report.")


def test_a_report_sent_after_the_session_ended_comes_back_filled_after_signing_in(client):
    editor = make_editor("amina")
    typed = report_data(title="Written on the train", report="Three pages of notes.")
    typed["practices-TOTAL_FORMS"] = "1"
    typed["practices-0-title"] = "Night buses"
    typed["cities_add"] = "Tampere, Finland"
    create = reverse("editor:event-create")
    # The session ran out while the editor typed: the post is sent to the sign-in page.
    response = client.post(create, typed)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Event.objects.exists()
    signed_in = client.post(
        response.url, {"username": "amina", "password": "correct-horse-battery-staple"}
    )
    assertRedirects(signed_in, create, fetch_redirect_response=False)
    page = client.get(create)
    assertContains(page, "Your session had ended; here is the report as you sent it.")
    for text in (
        "Written on the train",
        "Three pages of notes.",
        "Night buses",
        "Tampere, Finland",
    ):
        assertContains(page, text)
    assertContains(page, f'name="token" value="{typed["token"]}"')
    assert not Event.objects.exists()
    # Kept once: opening the form again starts a new report.
    assert "Written on the train" not in client.get(create).content.decode()
    assert editor.is_authenticated


def test_a_kept_report_comes_back_only_on_the_page_it_was_sent_to(client, report):
    client.post(_edit_url(report), {**report_data(report), "report": "Typed before timing out."})
    client.force_login(report.created_by)
    assert (
        "Typed before timing out."
        not in client.get(reverse("editor:event-create")).content.decode()
    )
    assertContains(client.get(_edit_url(report)), "Typed before timing out.")
