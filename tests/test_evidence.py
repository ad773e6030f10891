"""A city link without the passage that shows it may be saved in a draft but never published:
on the site (the report form, the review page and a restored version), in the services and in
the admin. The report form says what kind of record each practice is, so that advice voiced at
an event is never filed as something its cities did."""

import pytest
import reversion
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Version

from cases import services
from cases.models import CityRole, EventCity, GoodPractice, Kind, PracticeCity, Status
from cases.services import ReportIncomplete
from cases.workflow import Action

from .editor_helpers import (
    complete_practice_row,
    complete_submission,
    give_passages,
    make_report,
    report_data,
)
from .factories import make_challenge, make_city, make_curator, make_editor, make_practice
from .html_forms import form_data

pytestmark = pytest.mark.django_db

PASSAGE_MISSING = "Give the passage of the source that shows the role of"


def practice_in_review(**fields):
    fields.setdefault("description", "What was done.")
    return make_practice(status=Status.IN_REVIEW, **fields)


def without_passages(practice):
    practice.city_links.update(passage="")
    return practice


# --- Services ---------------------------------------------------------------------------------


def test_publishing_refuses_a_city_without_its_passage():
    practice = without_passages(practice_in_review(cities=[make_city(name="Kisumu")]))
    with pytest.raises(ReportIncomplete, match=f"{PASSAGE_MISSING} Kisumu"):
        services.item_move(item=practice, action=Action.PUBLISH, user=make_curator())
    practice.refresh_from_db()
    assert practice.status == Status.IN_REVIEW


def test_publishing_accepts_a_city_with_its_passage():
    practice = practice_in_review(cities=[make_city()])
    services.item_move(item=practice, action=Action.PUBLISH, user=make_curator())
    assert GoodPractice.objects.get(pk=practice.pk).status == Status.PUBLISHED


def test_submitting_for_review_needs_no_passage():
    editor = make_editor()
    practice = without_passages(
        make_practice(status=Status.DRAFT, created_by=editor, cities=[make_city()])
    )
    practice.description = "What was done."
    practice.save()
    services.item_move(item=practice, action=Action.SUBMIT, user=editor)
    assert GoodPractice.objects.get(pk=practice.pk).status == Status.IN_REVIEW


def test_a_city_practice_needs_the_city_that_did_it():
    city = make_city()
    practice = practice_in_review(cities=[city])
    practice.city_links.update(role=CityRole.PRESENTED)
    with pytest.raises(ReportIncomplete, match="A city practice needs the city that did it"):
        services.item_move(item=practice, action=Action.PUBLISH, user=make_curator())


def test_a_recommendation_needs_who_voiced_it_and_the_passage_that_says_so():
    practice = practice_in_review(cities=[make_city()], kind=Kind.RECOMMENDATION)
    with pytest.raises(ReportIncomplete) as refused:
        services.item_move(item=practice, action=Action.PUBLISH, user=make_curator())
    assert {problem.field for problem in refused.value.problems} == {
        "voiced_by",
        "voiced_by_passage",
    }


def test_a_practice_the_source_ties_to_no_challenge_is_published_with_the_reason():
    practice = practice_in_review(
        cities=[make_city()], challenges=[], no_challenge_reason="The report names none."
    )
    services.item_move(item=practice, action=Action.PUBLISH, user=make_curator())
    assert GoodPractice.objects.get(pk=practice.pk).status == Status.PUBLISHED


def test_publishing_a_report_refuses_an_event_city_without_its_passage():
    event = make_report(status=Status.IN_REVIEW)
    event.city_links.update(passage="")
    with pytest.raises(ReportIncomplete, match=PASSAGE_MISSING):
        services.event_report_publish(event=event, user=make_curator())
    event.refresh_from_db()
    assert event.status == Status.IN_REVIEW


# --- The site: the editor's form and the review page ------------------------------------------


def test_the_form_saves_a_draft_whose_cities_have_no_passage_yet(client):
    editor = make_editor()
    client.force_login(editor)
    city = make_city(name="Mombasa")
    data = report_data(
        title="Side event",
        cities=[str(city.pk)],
        challenges=[str(make_challenge().pk)],
        practices=[complete_practice_row(city=city)],
    )
    response = client.post(reverse("editor:event-create"), data)
    assert response.status_code == 302
    assert EventCity.objects.get().role == CityRole.TOOK_PART
    link = PracticeCity.objects.get()
    assert (link.city, link.role, link.passage) == (city, CityRole.DID, "")


def test_the_review_page_refuses_to_publish_until_the_passages_are_given(client):
    event = make_report(status=Status.IN_REVIEW)
    PracticeCity.objects.filter(goodpractice__events=event).update(passage="")
    client.force_login(make_curator())
    publish = reverse("editor:event-publish", args=[event.slug])
    response = client.post(publish, follow=True)
    assertContains(response, PASSAGE_MISSING)
    event.refresh_from_db()
    assert event.status == Status.IN_REVIEW
    give_passages(event)
    client.post(publish)
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED


def test_a_curator_cannot_add_a_city_to_a_published_report_without_its_passage(client):
    event = make_report(status=Status.PUBLISHED)
    client.force_login(make_curator())
    cities = [str(pk) for pk in event.cities.values_list("pk", flat=True)]
    data = report_data(event, cities=[*cities, str(make_city(name="Wote").pk)])
    response = client.post(reverse("editor:event-edit", args=[event.slug]), data, follow=True)
    assertContains(response, f"{PASSAGE_MISSING} Wote")
    assert not event.cities.filter(name="Wote").exists()


def test_a_curator_cannot_add_a_city_to_a_published_practice_without_its_passage(client):
    event = make_report(status=Status.PUBLISHED)
    practice = event.practices.get()
    client.force_login(make_curator())
    data = report_data(event)
    data["practices-0-cities"].append(str(make_city(name="Wote").pk))
    response = client.post(reverse("editor:event-edit", args=[event.slug]), data, follow=True)
    assertContains(response, f"{PASSAGE_MISSING} Wote")
    assert not practice.cities.filter(name="Wote").exists()


def test_a_curator_cannot_restore_a_version_whose_city_had_no_passage(client):
    practice = make_practice(title="Budget pooling", cities=[make_city(name="Kisumu")])
    without_passages(practice)
    with reversion.create_revision():
        reversion.add_to_revision(practice)  # its city links come with it
    version = Version.objects.get_for_object(practice).get()
    practice.city_links.update(passage="from Kisumu")
    client.force_login(make_curator())
    restore = reverse("editor:practice-restore", args=[practice.slug, version.pk])
    assertContains(client.post(restore, follow=True), f"{PASSAGE_MISSING} Kisumu")
    assert practice.city_links.get().passage == "from Kisumu"


# --- The report form: what kind of record each practice is ------------------------------------


def submitted_report(client, practice_row):
    """An editor submits a complete report with this practice; returns the response."""
    client.force_login(make_editor())
    city, challenge = make_city(name="Kisumu"), make_challenge()
    row = {"challenges": [str(challenge.pk)], **practice_row}
    data = complete_submission(city, challenge, practices=[row])
    return client.post(reverse("editor:event-create"), data)


def advice_row(**fields):
    return {"title": "Networks", "kind": Kind.RECOMMENDATION, "summary": "Networks help."} | fields


def test_the_form_shows_the_kind_and_an_untouched_new_practice_stays_empty(client):
    editor = make_editor()
    event = make_report(created_by=editor)
    event.practices.update(kind=Kind.RECOMMENDATION)
    client.force_login(editor)
    edit = reverse("editor:event-edit", args=[event.slug])
    data = form_data(client.get(edit))
    assert data["practices-0-kind"] == Kind.RECOMMENDATION
    # The blank practice at the end of the form: a browser posts its kind as shown.
    assert data["practices-1-kind"] == Kind.CITY_PRACTICE
    assert client.post(edit, data).status_code == 302
    assert event.practices.count() == 1


def test_an_editor_submits_a_recommendation_with_who_voiced_it_and_no_city(client):
    response = submitted_report(client, advice_row(voiced_by="The participants"))
    assert response.status_code == 302
    practice = GoodPractice.objects.get()
    assert (practice.kind, practice.status, practice.voiced_by) == (
        Kind.RECOMMENDATION,
        Status.IN_REVIEW,
        "The participants",
    )
    assert not practice.city_links.exists()


def test_review_asks_a_recommendation_who_voiced_it_not_what_a_city_did(client):
    response = submitted_report(client, advice_row())
    assertContains(response, "Say who voiced this recommendation.", count=2)  # summary, field
    assertNotContains(response, "Name at least one city behind it.")
    assertNotContains(response, "Describe what was done.")
    assert not GoodPractice.objects.exists()


def test_the_cities_of_a_recommendation_presented_it_and_never_did_it(client):
    city = make_city(name="Nairobi")
    submitted_report(client, advice_row(voiced_by="Nairobi", cities=[str(city.pk)]))
    assert list(PracticeCity.objects.values_list("city__name", "role")) == [
        ("Nairobi", CityRole.PRESENTED)
    ]
    assert not PracticeCity.objects.own().exists()


def test_a_city_practice_filed_again_as_a_recommendation_no_longer_says_its_city_did_it(client):
    editor = make_editor()
    event = make_report(created_by=editor)
    without_passages(event.practices.get())
    client.force_login(editor)
    data = report_data(event)
    data.update({"practices-0-kind": Kind.RECOMMENDATION, "practices-0-voiced_by": "Kisumu"})
    client.post(reverse("editor:event-edit", args=[event.slug]), data)
    assert list(PracticeCity.objects.values_list("role", flat=True)) == [CityRole.PRESENTED]


# --- The admin --------------------------------------------------------------------------------


def change_form(admin_client, practice):
    url = reverse("admin:cases_goodpractice_change", args=[practice.pk])
    return url, form_data(admin_client.get(url))


def test_the_admin_refuses_a_published_practice_city_without_its_passage(admin_client):
    practice = make_practice(cities=[make_city(name="Kisumu")])
    url, data = change_form(admin_client, practice)
    data["city_links-0-passage"] = ""
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assertContains(response, f"{PASSAGE_MISSING} Kisumu (did it).")
    assert practice.city_links.get().passage


def test_the_admin_saves_a_draft_practice_city_without_its_passage(admin_client):
    practice = make_practice(status=Status.DRAFT, cities=[make_city()])
    url, data = change_form(admin_client, practice)
    data["city_links-0-passage"] = ""
    assert admin_client.post(url, data).status_code == 302
    assert practice.city_links.get().passage == ""


def test_the_admin_accepts_a_published_practice_whose_cities_have_passages(admin_client):
    practice = make_practice(cities=[make_city()])
    url, data = change_form(admin_client, practice)
    data["city_links-0-passage"] = "from Kisumu"
    assert admin_client.post(url, data).status_code == 302
    assert practice.city_links.get().passage == "from Kisumu"


def test_the_admin_refuses_a_published_city_practice_without_the_city_that_did_it(admin_client):
    practice = make_practice(cities=[make_city()])
    url, data = change_form(admin_client, practice)
    data["city_links-0-role"] = CityRole.PRESENTED
    assertContains(admin_client.post(url, data), "A city practice needs the city that did it.")


def test_the_admin_refuses_a_published_recommendation_without_who_voiced_it(admin_client):
    practice = make_practice(
        kind=Kind.RECOMMENDATION, voiced_by="The participants", voiced_by_passage="it was agreed"
    )
    url, data = change_form(admin_client, practice)
    data["voiced_by_passage"] = ""
    response = admin_client.post(url, data)
    assertContains(response, "Give the passage of the source that says who voiced it.")


def test_the_admin_refuses_removing_the_last_challenge_of_a_published_practice(admin_client):
    practice = make_practice(cities=[make_city()])
    url, data = change_form(admin_client, practice)
    data["challenge_links-0-DELETE"] = "on"
    response = admin_client.post(url, data)
    assertContains(response, "must address at least one challenge, or say why it cannot")
    assert practice.challenges.exists()


def test_the_admin_takes_a_reason_for_filing_a_practice_under_no_challenge(admin_client):
    practice = make_practice(cities=[make_city()])
    url, data = change_form(admin_client, practice)
    data["challenge_links-0-DELETE"] = "on"
    data["no_challenge_reason"] = "The report ties it to no challenge."
    assert admin_client.post(url, data).status_code == 302
    assert not practice.challenges.exists()


def test_the_admin_refuses_a_published_event_city_without_its_passage(admin_client):
    event = make_report(status=Status.PUBLISHED)
    url = reverse("admin:cases_event_change", args=[event.pk])
    data = form_data(admin_client.get(url))
    data["city_links-0-passage"] = " "
    assertContains(admin_client.post(url, data), PASSAGE_MISSING)


def test_the_admin_publish_action_refuses_a_city_without_its_passage(admin_client):
    practice = without_passages(practice_in_review(cities=[make_city(name="Ekurhuleni")]))
    response = admin_client.post(
        reverse("admin:cases_goodpractice_changelist"),
        {"action": "publish", "_selected_action": [practice.pk]},
        follow=True,
    )
    assertContains(response, f"{PASSAGE_MISSING} Ekurhuleni")
    assert GoodPractice.objects.get(pk=practice.pk).status == Status.IN_REVIEW
