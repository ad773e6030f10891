"""History and undo: every change through the site or the admin is a version (django-reversion);
curators list a record's versions, compare two, restore one, and recover deleted records in
the admin."""

import pytest
import reversion
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects
from reversion.models import Version

from cases import services
from cases.models import GoodPractice, PracticeCity, Status

from .editor_helpers import make_report, report_data
from .factories import (
    make_challenge,
    make_city,
    make_curator,
    make_editor,
    make_person,
    make_practice,
    make_source,
    make_user_with_permissions,
)
from .html_forms import form_data

pytestmark = pytest.mark.django_db


def first_version(record, comment="Added from the seed"):
    """The version the seed (or manage.py createinitialrevisions) gives an existing record."""
    with reversion.create_revision():
        reversion.set_comment(comment)
        reversion.add_to_revision(record)
    return Version.objects.get_for_object(record).first()


def history_url(record, kind="practice"):
    return reverse(f"editor:{kind}-history", args=[record.slug])


def restore_url(record, version, kind="practice"):
    return reverse(f"editor:{kind}-restore", args=[record.slug, version.pk])


def compare_url(record, older, newer, kind="practice"):
    return reverse(f"editor:{kind}-compare", args=[record.slug]) + (f"?older={older}&newer={newer}")


def admin_edit(client, practice, **changes):
    url = reverse("admin:cases_goodpractice_change", args=[practice.pk])
    data = form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def curator_client(client):
    client.force_login(make_curator("carla"))
    return client


def test_an_admin_edit_shows_in_the_history_and_restores(client):
    kisumu, nakuru = make_city(name="Kisumu"), make_city(name="Nakuru")
    practice = make_practice(title="Budget pooling", cities=[kisumu])
    seeded = first_version(practice)
    admin = User.objects.create_superuser("ada", password="x" * 16)
    client.force_login(admin)
    admin_edit(client, practice, title="Pooled budgets", **{"city_links-0-city": str(nakuru.pk)})
    assert list(practice.cities.all()) == [nakuru]

    client.force_login(make_curator("carla"))
    response = client.get(history_url(practice))
    assertContains(response, "ada")
    assertContains(response, "Added from the seed")
    assert len(response.context["versions"]) == 2
    newest = response.context["versions"][0]
    compare = client.get(compare_url(practice, seeded.pk, newest.pk))
    assertContains(compare, "<del>Budget pooling</del>", html=True)
    assertContains(compare, "<ins>Pooled budgets</ins>", html=True)
    assertContains(compare, "Kisumu (did it)")

    assertRedirects(client.post(restore_url(practice, seeded)), history_url(practice))
    practice.refresh_from_db()
    assert practice.title == "Budget pooling"
    assert list(practice.cities.all()) == [kisumu]
    assert practice.status == Status.PUBLISHED
    # The restore is itself a version: it can be undone the same way.
    restored = Version.objects.get_for_object(practice).first()
    assert restored.revision.user.username == "carla"
    assert "Restored the version of" in restored.revision.get_comment()
    assertContains(client.get(history_url(practice)), "Restored the version of")


def test_a_site_edit_of_a_report_shows_in_the_history_and_restores(client):
    author = make_editor("amina")
    event = make_report(status=Status.DRAFT, created_by=author, title="Side event")
    client.force_login(author)
    client.post(
        reverse("editor:event-edit", args=[event.slug]), report_data(event, summary="First.")
    )
    event.refresh_from_db()
    client.post(
        reverse("editor:event-edit", args=[event.slug]), report_data(event, summary="Second.")
    )
    event.refresh_from_db()
    assert event.summary == "Second."

    client.force_login(make_curator("carla"))
    response = client.get(history_url(event, "event"))
    versions = response.context["versions"]
    assert [version.revision.get_comment() for version in versions] == ["Saved the report"] * 2
    assertContains(response, "amina")
    client.post(restore_url(event, versions[1], "event"))
    event.refresh_from_db()
    assert event.summary == "First."
    assert event.status == Status.DRAFT


def test_a_report_that_changes_a_persons_role_keeps_it_as_a_version_of_the_person():
    person = make_person(name="Amina Odhiambo", role="Mayor")
    author = make_editor("amina")
    event = make_report(status=Status.DRAFT, created_by=author)
    changes = services.ReportChanges(
        cities=list(event.cities.all()),
        challenges=list(event.challenges.all()),
        people=[services.PersonAtEvent(name="Amina Odhiambo", role="Former mayor")],
    )
    services.event_report_save(event=event, user=author, changes=changes)
    version = Version.objects.get_for_object(person).get()
    assert version.field_dict["role"] == "Former mayor"
    assert (version.revision.user, version.revision.get_comment()) == (author, "Saved the report")


def test_the_report_moves_are_versions_with_the_curators_comment(curator_client):
    event = make_report(status=Status.IN_REVIEW)
    curator_client.post(
        reverse("editor:event-return", args=[event.slug]), {"comment": "Cite the source."}
    )
    practice = event.practices.get()
    for record, kind in ((event, "event"), (practice, "practice")):
        response = curator_client.get(history_url(record, kind))
        assertContains(response, "Returned to the editor: Cite the source.")


def test_a_deleted_practice_is_recovered_in_the_admin(client):
    kisumu = make_city(name="Kisumu")
    practice = make_practice(title="Budget pooling", cities=[kisumu], tags=["budgets"])
    first_version(practice)
    pk = practice.pk
    practice.delete()
    client.force_login(User.objects.create_superuser("ada", password="x" * 16))
    recover_list = client.get(reverse("admin:cases_goodpractice_recoverlist"))
    assertContains(recover_list, "Budget pooling")
    version = Version.objects.get_deleted(GoodPractice).get()
    url = reverse("admin:cases_goodpractice_recover", args=[version.pk])
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 302
    recovered = GoodPractice.objects.get(pk=pk)
    assert recovered.title == "Budget pooling"
    assert list(recovered.cities.all()) == [kisumu]
    assert list(recovered.tags.names()) == ["budgets"]


def test_history_pages_are_for_curators_only(client):
    practice = make_practice()
    version = first_version(practice)
    urls = [
        history_url(practice),
        compare_url(practice, version.pk, version.pk),
        restore_url(practice, version),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    client.force_login(make_editor())
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(restore_url(practice, version)).status_code == 403


def test_the_review_permission_alone_opens_the_history(client):
    practice = make_practice()
    first_version(practice)
    client.force_login(make_user_with_permissions("rita", "cases.review_goodpractice"))
    assert client.get(history_url(practice)).status_code == 200
    # The permission of practices says nothing of events.
    event = make_report(status=Status.PUBLISHED)
    assert client.get(history_url(event, "event")).status_code == 403


@pytest.mark.parametrize(
    "query",
    ["", "?older=1", "?older=abc&newer=1", "?older=-1&newer=2", "?older=1&newer=99999999999999"],
)
def test_bad_compare_ids_answer_404(curator_client, query):
    practice = make_practice()
    first_version(practice)
    url = reverse("editor:practice-compare", args=[practice.slug]) + query
    assert curator_client.get(url).status_code == 404


def test_a_version_of_another_record_or_none_answers_404(curator_client):
    practice, other = make_practice(), make_practice()
    first_version(practice)
    foreign = first_version(other)
    assert curator_client.get(restore_url(practice, foreign)).status_code == 404
    assert curator_client.post(restore_url(practice, foreign)).status_code == 404
    url = reverse("editor:practice-restore", args=[practice.slug, 9_999_999_999_999])
    assert curator_client.post(url).status_code == 404
    assert curator_client.get(f"{history_url(practice)}abc/restore/").status_code == 404
    mine = Version.objects.get_for_object(practice).get()
    assert curator_client.get(compare_url(practice, mine.pk, foreign.pk)).status_code == 404
    missing = reverse("editor:practice-history", args=["no-such-practice"])
    assert curator_client.get(missing).status_code == 404


def test_restoring_asks_first_and_needs_post_with_its_csrf_token(curator_client):
    practice = make_practice(title="Budget pooling")
    version = first_version(practice)
    practice.title = "Pooled budgets"
    practice.save()
    confirm = curator_client.get(restore_url(practice, version))
    assertContains(confirm, "Restore this version")
    assertContains(confirm, "csrfmiddlewaretoken")
    practice.refresh_from_db()
    assert practice.title == "Pooled budgets"
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_curator("cora"))
    assert strict.post(restore_url(practice, version)).status_code == 403
    practice.refresh_from_db()
    assert practice.title == "Pooled budgets"


def test_a_version_a_public_record_cannot_stand_on_is_refused_with_a_message(curator_client):
    practice = make_practice(title="Budget pooling", cities=[make_city()])
    version = first_version(practice)
    # The version had a city that did it; the record is public. Take the city away in the
    # stored version's revision by deleting the city itself: restoring would leave a city
    # practice with no city.
    PracticeCity.objects.filter(goodpractice=practice).get().city.delete()
    practice.title = "Pooled budgets"
    practice.save()
    response = curator_client.post(restore_url(practice, version), follow=True)
    assertContains(response, "A city practice needs the city that did it.")
    practice.refresh_from_db()
    assert practice.title == "Pooled budgets"


@pytest.mark.parametrize("changes", [2, 12])
def test_the_history_page_query_count_does_not_grow(
    curator_client, django_assert_max_num_queries, changes
):
    practice = make_practice()
    for number in range(changes):
        with reversion.create_revision():
            reversion.set_user(make_editor(f"editor{number}"))
            practice.title = f"Title {number}"
            practice.save()
    # session, user, the review permission (user's, then groups'), the practice, the versions
    # with their revisions and users: 6 at both sizes; 7 when the practice's content type is
    # not in Django's in-process cache yet.
    with django_assert_max_num_queries(7):
        response = curator_client.get(history_url(practice))
    assert len(response.context["versions"]) == changes


def test_history_links_show_to_curators_on_the_review_page(curator_client):
    event = make_report(status=Status.IN_REVIEW)
    response = curator_client.get(reverse("editor:review-event", args=[event.slug]))
    assertContains(response, history_url(event, "event"))


def test_the_history_link_is_not_shown_to_editors(client):
    practice = make_practice()
    client.force_login(make_editor())
    assertNotContains(client.get(practice.get_absolute_url()), history_url(practice))


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        ("challenges_challenge", make_challenge),
        ("cases_city", make_city),
        ("cases_person", make_person),
    ],
)
def test_admin_edits_of_challenges_cities_and_people_are_versions(client, model, factory):
    record = factory()
    client.force_login(User.objects.create_superuser("ada", password="x" * 16))
    url = reverse(f"admin:{model}_change", args=[record.pk])
    data = form_data(client.get(url))
    data["name"] = "Renamed in the admin"
    assert client.post(url, data).status_code == 302
    version = Version.objects.get_for_object(record).get()
    assert version.revision.user.username == "ada"
    assert version.field_dict["name"] == "Renamed in the admin"
    history = client.get(reverse(f"admin:{model}_history", args=[record.pk]))
    assertContains(history, reverse(f"admin:{model}_revision", args=[record.pk, version.pk]))


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        ("challenges_challenge", make_challenge),
        ("cases_city", make_city),
        ("cases_person", make_person),
    ],
)
def test_challenges_cities_and_people_are_restored_and_recovered_in_the_admin(
    client, model, factory
):
    record = factory()
    first = first_version(record)
    client.force_login(User.objects.create_superuser("ada", password="x" * 16))
    url = reverse(f"admin:{model}_change", args=[record.pk])
    data = form_data(client.get(url))
    data["name"] = "Renamed in the admin"
    assert client.post(url, data).status_code == 302
    # History: the first version, restored through its form.
    revision = reverse(f"admin:{model}_revision", args=[record.pk, first.pk])
    assert client.post(revision, form_data(client.get(revision))).status_code == 302
    record.refresh_from_db()
    assert record.name == first.field_dict["name"]
    # Deleted, then recovered from its last version.
    pk, name = record.pk, record.name
    record.delete()
    version = Version.objects.get_deleted(type(record)).get()
    recover = reverse(f"admin:{model}_recover", args=[version.pk])
    assert client.post(recover, form_data(client.get(recover))).status_code == 302
    assert type(record).objects.get(pk=pk).name == name


def test_a_version_naming_a_source_deleted_since_restores_without_it(curator_client):
    old_source, new_source = make_source(title="Old report"), make_source(title="New report")
    practice = make_practice(title="Budget pooling", source=old_source, cities=[make_city()])
    version = first_version(practice)
    practice.title, practice.source = "Pooled budgets", new_source
    practice.save()
    old_source.delete()
    response = curator_client.post(restore_url(practice, version), follow=True)
    assertContains(response, "is restored")
    practice.refresh_from_db()
    assert (practice.title, practice.source) == ("Budget pooling", None)
