import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from pytest_django.asserts import assertContains

from cases.models import (
    City,
    Country,
    Event,
    EventRedirect,
    GoodPractice,
    Organisation,
    Person,
    PracticeRedirect,
    Source,
    Status,
)
from challenges.models import Challenge, Theme

from .browser.language_words import ALLOWED_WORDS, ENGLISH_WORDS
from .factories import (
    make_challenge,
    make_city,
    make_curator,
    make_editor,
    make_event,
    make_organisation,
    make_person,
    make_practice,
    make_source,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    challenge = make_challenge(name="Limited funds")
    city = make_city(name="Kisumu")
    event = make_event(
        cities=[city],
        challenges=[challenge],
        organisers=[make_organisation()],
        source=make_source(),
    )
    practice = make_practice(challenges=[challenge], cities=[city], events=[event], tags=["x"])
    make_person(city=city, events=[event], statements=["What was said."])
    PracticeRedirect.objects.create(old_slug="merged-practice", practice=practice)
    EventRedirect.objects.create(old_slug="renamed-event", event=event)
    return {"event": event, "practice": practice, "city": city, "challenge": challenge}


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_every_changelist_and_add_form_answers_for_a_superuser(admin_client, catalogue, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "a"}).status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    # django-axes' sign-in records are written by axes alone: their admin has no add form.
    expected = 403 if opts.app_label == "axes" else 200
    assert admin_client.get(add).status_code == expected


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_every_change_form_answers_for_a_superuser(admin_client, catalogue, model):
    opts = model._meta
    obj = model._default_manager.first()
    if obj is None:
        pytest.skip(f"no {opts.label} row in the test catalogue")
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert admin_client.get(change).status_code == 200


def test_event_change_form_lists_its_practices_inline(admin_client, catalogue):
    event = catalogue["event"]
    response = admin_client.get(reverse("admin:cases_event_change", args=[event.pk]))
    assertContains(response, "Practices shared at this event")
    assertContains(response, catalogue["practice"].title)


def test_practice_change_form_links_to_the_public_page(admin_client, catalogue):
    practice = catalogue["practice"]
    response = admin_client.get(reverse("admin:cases_goodpractice_change", args=[practice.pk]))
    assertContains(response, "View on site")


def test_autocomplete_finds_cities_by_name(admin_client, catalogue):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Kisu",
            "app_label": "cases",
            "model_name": "practicecity",
            "field_name": "city",
        },
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Kisumu"]


def test_publish_action_publishes_complete_practices_in_review(admin_client):
    practice = make_practice(
        status=Status.IN_REVIEW, description="What was done.", cities=[make_city()]
    )
    admin_client.post(
        reverse("admin:cases_goodpractice_changelist"),
        {"action": "publish", "_selected_action": [practice.pk]},
    )
    practice.refresh_from_db()
    assert practice.status == Status.PUBLISHED
    assert practice.published_at is not None
    assert practice.transitions.get().to_status == Status.PUBLISHED


def test_publish_action_follows_the_workflow_and_refuses_drafts(admin_client):
    practice = make_practice(status=Status.DRAFT)
    response = admin_client.post(
        reverse("admin:cases_goodpractice_changelist"),
        {"action": "publish", "_selected_action": [practice.pk]},
        follow=True,
    )
    assertContains(response, "cannot be moved with “publish”")
    practice.refresh_from_db()
    assert practice.status == Status.DRAFT


def test_publish_action_refuses_a_practice_without_challenge(admin_client):
    practice = make_practice(status=Status.IN_REVIEW, challenges=[])
    response = admin_client.post(
        reverse("admin:cases_goodpractice_changelist"),
        {"action": "publish", "_selected_action": [practice.pk]},
        follow=True,
    )
    assertContains(response, "Pick at least one challenge it addresses.")
    practice.refresh_from_db()
    assert practice.status == Status.IN_REVIEW


def test_return_action_asks_for_a_comment_first(admin_client):
    event = make_event(status=Status.IN_REVIEW)
    response = admin_client.post(
        reverse("admin:cases_event_changelist"),
        {"action": "return_to_draft", "_selected_action": [event.pk]},
    )
    assertContains(response, "What should the editor change?")
    assert Event.objects.get(pk=event.pk).status == Status.IN_REVIEW


def test_return_action_returns_the_report_with_the_comment(admin_client):
    event = make_event(status=Status.IN_REVIEW)
    practice = make_practice(status=Status.IN_REVIEW, events=[event])
    admin_client.post(
        reverse("admin:cases_event_changelist"),
        {
            "action": "return_to_draft",
            "_selected_action": [event.pk],
            "comment": "Cite the source.",
        },
    )
    event.refresh_from_db()
    practice.refresh_from_db()
    assert (event.status, event.review_comment) == (Status.DRAFT, "Cite the source.")
    assert practice.status == Status.DRAFT


def test_archive_action_archives_published_items(admin_client):
    event = make_event()
    admin_client.post(
        reverse("admin:cases_event_changelist"),
        {"action": "archive", "_selected_action": [event.pk]},
    )
    assert Event.objects.get(pk=event.pk).status == Status.ARCHIVED


def test_status_cannot_be_typed_in_the_admin_form(admin_client):
    event = make_event(status=Status.DRAFT)
    response = admin_client.get(reverse("admin:cases_event_change", args=[event.pk]))
    assert "status" not in response.context["adminform"].form.fields


def action_names(response):
    action_form = response.context["action_form"]  # None when no action is allowed
    return [name for name, _ in action_form.fields["action"].choices] if action_form else []


def test_review_actions_are_offered_to_curators(client):
    client.force_login(make_curator(is_staff=True))
    response = client.get(reverse("admin:cases_goodpractice_changelist"))
    assert {"publish", "return_to_draft"} <= set(action_names(response))


def test_review_actions_are_not_offered_to_editors(client):
    client.force_login(make_editor(is_staff=True))
    response = client.get(reverse("admin:cases_goodpractice_changelist"))
    assert response.status_code == 200
    assert "publish" not in action_names(response)


# The admin in French and Portuguese: every field label of the main models' change forms,
# their inlines' column headings included, is in the reader's language.
MAIN_MODELS = [Country, City, Organisation, Source, Event, GoodPractice, Person, Challenge, Theme]
# Words of the English labels that French or Portuguese write the same way.
SAME_IN = {
    "fr": {"description", "format", "source", "sources", "latitude", "longitude", "code",
           "version", "position", "note", "organisation", "organisations", "transition", "place",
           "part", "date", "comment", "passage", "passages", "conditions", "identifiant",
           "population"},
    "pt": {"latitude", "longitude", "local", "data", "editor", "no", "a"},
}  # fmt: skip
LABEL = re.compile(r'<label[^>]*>(.*?)</label>|<th class="column-[^"]*">(.*?)</th>', re.S)
WORD = re.compile(r"[A-Za-zÀ-ÿ\u2019'-]+")


def english_label_words(language):
    """The words of every field label in English, with the language's list of English words."""
    models = [
        *apps.get_app_config("cases").get_models(),
        *apps.get_app_config("challenges").get_models(),
    ]
    with translation.override("en"):
        labels = [
            str(field.verbose_name)
            for model in models
            for field in model._meta.get_fields()
            if getattr(field, "verbose_name", None)
        ]
    words = {word.lower() for label in labels for word in WORD.findall(label)}
    return (words - SAME_IN[language]) | ENGLISH_WORDS[language]


def english_in_labels(html, language):
    english = english_label_words(language)
    labels = [strip_tags(first or second) for first, second in LABEL.findall(html)]
    return sorted(
        f"{word!r} in {label.strip()!r}"
        for label in labels
        for word in WORD.findall(label)
        if word.lower() in english and word not in ALLOWED_WORDS
    )


@pytest.mark.parametrize("language", ["fr", "pt"])
@pytest.mark.parametrize("model", MAIN_MODELS, ids=lambda m: m._meta.label)
def test_change_forms_of_the_main_models_label_every_field_in_the_readers_language(
    admin_client, catalogue, model, language
):
    opts = model._meta
    obj = model._default_manager.first()
    with translation.override(language):
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    response = admin_client.get(change)
    assert response.status_code == 200
    assert english_in_labels(response.content.decode(), language) == []


def test_the_label_check_finds_an_english_label():
    html = '<label for="id_starts_on">Starts on :</label><th class="column-city">City</th>'
    assert english_in_labels(html, "fr") == [
        "'City' in 'City'",
        "'Starts' in 'Starts on :'",
        "'on' in 'Starts on :'",
    ]
