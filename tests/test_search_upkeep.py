"""The stored search columns follow the names they copy, whoever changes them."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cases.search import practice_refresh_search

from .factories import make_challenge, make_city, make_practice
from .html_forms import form_data

pytestmark = pytest.mark.django_db


def search(client, words):
    return client.get(reverse("cases:practice-list"), {"q": words})


def test_renaming_a_challenge_makes_its_practices_findable_by_the_new_name(client):
    challenge = make_challenge(name="Budget cuts")
    make_practice(title="Shared servers", challenges=[challenge])
    practice_refresh_search()
    challenge.name = "Austerity pressure"
    challenge.save()
    assertContains(search(client, "austerity"), "Shared servers")


def test_renaming_a_city_makes_its_practices_findable_by_the_new_name(client):
    city = make_city(name="Wote")
    make_practice(title="County data desk", cities=[city])
    practice_refresh_search()
    city.name = "Makueni"
    city.save()
    assertContains(search(client, "makueni"), "County data desk")


def test_editing_a_practice_in_the_admin_refreshes_its_search_columns(admin_client, client):
    challenge = make_challenge()
    practice = make_practice(
        title="Open data portal",
        summary="A city publishes its data.",
        challenges=[challenge],
        cities=[make_city()],
    )
    practice_refresh_search()
    change_url = reverse("admin:cases_goodpractice_change", args=[practice.pk])
    # The form as it stands, inlines included (cities and challenges with their passages).
    data = form_data(admin_client.get(change_url))
    data.update(title="Open data observatory", tags="observatory")
    response = admin_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assertContains(search(client, "observatory"), "Open data observatory")
    assertNotContains(search(client, "portal"), "Open data observatory")
