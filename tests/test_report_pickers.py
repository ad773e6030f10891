"""Issue 11, items 2 and 3: the report form's pickers. Cities, organisers and people are found
by name ignoring accents and case, new ones are added in the same form and usable at once in
every part of it, and the form stays small and cheap however many cities the catalogue has."""

import gzip

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from cases.models import City, Event, EventPerson, GoodPractice, Organisation, Person, Region
from cases.selectors import normalised

from .editor_helpers import complete_practice_row, report_data
from .factories import (
    make_challenge,
    make_city,
    make_country,
    make_editor,
    make_organisation,
    make_user,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("editor:event-create")


@pytest.fixture
def editor(client):
    user = make_editor("amina")
    client.force_login(user)
    return user


@pytest.fixture
def countries():
    return {
        "DE": make_country(name="Germany", code="DE", region=Region.EUROPE),
        "CH": make_country(name="Switzerland", code="CH", region=Region.EUROPE),
        "FI": make_country(name="Finland", code="FI", region=Region.EUROPE),
    }


def test_names_are_compared_without_accents_case_or_extra_spaces():
    assert normalised("  ZÜRICH ") == normalised("zurich") == "zurich"
    assert normalised("São  Paulo") == "sao paulo"
    assert normalised("Reykjavík") != normalised("Reykjavik City")


def test_a_typed_city_reuses_the_catalogue_city_whatever_its_accents_and_case(
    client, editor, countries
):
    leipzig = make_city(name="Leipzig", country=countries["DE"])
    zurich = make_city(name="Zürich", country=countries["CH"])
    data = report_data(title="Side event", cities_add="leipzig, germany; ZURICH, ch")
    response = client.post(CREATE, data, follow=True)
    event = Event.objects.get()
    assert set(event.cities.all()) == {leipzig, zurich}
    assert City.objects.count() == 2
    assertContains(response, "“leipzig, germany” is Leipzig (Germany), already in the catalogue.")


def test_a_new_city_named_for_the_event_and_a_practice_is_added_once(client, editor, countries):
    practice = {**complete_practice_row(), "cities": [], "cities_add": "Tampere, Finland"}
    data = report_data(
        title="Nordic day", practices=[practice], cities=["new:FI:tampere"], action="draft"
    )
    response = client.post(CREATE, data, follow=True)
    assertContains(response, "Added to the catalogue: tampere (Finland).")
    tampere = City.objects.get(country=countries["FI"])
    assert list(Event.objects.get().cities.all()) == [tampere]
    assert list(GoodPractice.objects.get().cities.all()) == [tampere]


def test_the_same_name_in_another_country_is_another_city(client, editor, countries):
    make_city(name="Leipzig", country=countries["DE"])
    client.post(CREATE, report_data(title="Side event", cities_add="Leipzig, Finland"))
    assert sorted(City.objects.values_list("country__code", flat=True)) == ["DE", "FI"]


def test_new_organisers_and_people_are_added_and_known_ones_reused(client, editor, countries):
    network = make_organisation(name="Réseau des villes")
    known = Person.objects.create(name="Anna Virtanen", slug="anna-virtanen")
    data = report_data(
        title="Side event",
        organisers=["new:Nordic Cities Network"],
        organisers_add="reseau des VILLES",
        **{
            "people-TOTAL_FORMS": "2",
            "people-INITIAL_FORMS": "0",
            "people-0-name": "anna virtanen",
            "people-0-part": "Speaker",
            "people-1-name": "Jón Jónsson",
            "people-1-role": "Mayor",
            "people-1-city_add": "Reykjavík, Finland",
            "people-1-organisation": ["new:Nordic Cities Network"],
        },
    )
    client.post(CREATE, data)
    event = Event.objects.get()
    nordic = Organisation.objects.get(name="Nordic Cities Network")
    assert set(event.organisers.all()) == {network, nordic}
    links = {link.person.name: link for link in EventPerson.objects.select_related("person")}
    assert links["Anna Virtanen"].person == known and links["Anna Virtanen"].part == "Speaker"
    jon = links["Jón Jónsson"].person
    assert (jon.role, jon.city.name, jon.organisation) == ("Mayor", "Reykjavík", nordic)


@pytest.mark.parametrize(
    ("tampered", "message"),
    [
        ({"cities": ["new:ZZ:Atlantis"]}, "“ZZ” is not a country we know"),
        ({"cities_add": "Atlantis, Lemuria"}, "“Lemuria” is not a country we know"),
        ({"cities_add": "Atlantis"}, "Give the country after a comma"),
        ({"cities_add": ";".join(f"Town {n}, FI" for n in range(10_000))}, "At most 20"),
        # A city's slug where a country is expected, and where a city id is expected.
        ({"cities": ["new:leipzig:Tampere"]}, "“leipzig” is not a country we know"),
        ({"cities": ["leipzig"]}, "“leipzig” is not one of the choices"),
        ({"organisers_add": "x" * 201}, "at most 200 characters"),
    ],
)
def test_a_tampered_picker_gets_a_clear_error_and_saves_nothing(
    client, editor, countries, tampered, message
):
    make_city(name="Leipzig", slug="leipzig", country=countries["DE"])
    data = report_data(title="Side event", action="submit", **tampered)
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assertContains(response, "Please fix the following")
    assertContains(response, message)
    assert not Event.objects.exists()
    assert City.objects.count() == 1 and not Organisation.objects.exists()


def test_ten_thousand_new_cities_as_fields_are_refused_before_the_form(client, editor, countries):
    data = report_data(title="Side event", cities=[f"new:FI:Town {n}" for n in range(10_000)])
    response = client.post(CREATE, data)
    assert response.status_code == 400
    assert not Event.objects.exists() and not City.objects.exists()


def test_the_picker_suggests_cities_ignoring_accents_and_offers_a_new_one(
    client, editor, countries
):
    make_city(name="Zürich", country=countries["CH"])
    url = reverse("editor:picker-options", args=["cities"])
    options = client.get(url, {"q": "zur"}).json()["options"]
    assert [option["label"] for option in options] == ["Zürich (Switzerland)"]
    options = client.get(url, {"q": "Tampere, finland"}).json()["options"]
    assert options == [
        {
            "value": "new:FI:Tampere",
            "label": "Add Tampere (Finland) as a new city",
            "chosen": "Tampere (Finland)",
            "is_new": True,
        }
    ]
    # A city the catalogue has is not offered again as new.
    options = client.get(url, {"q": "zurich, CH"}).json()["options"]
    assert [option["label"] for option in options] == ["Zürich (Switzerland)"]


def test_only_writers_may_ask_the_picker(client):
    url = reverse("editor:picker-options", args=["cities"])
    assert client.get(url, {"q": "a"}).status_code == 302
    client.force_login(make_user("reader"))
    assert client.get(url, {"q": "a"}).status_code == 403
    client.force_login(make_editor("writer"))
    assert client.get(reverse("editor:picker-options", args=["users"])).status_code == 404


def many_cities(first, last, countries):
    City.objects.bulk_create(
        City(name=f"Town {n}", slug=f"town-{n}", country=countries[n % 10])
        for n in range(first, last)
    )


def report_page(client, event_url):
    response = client.get(event_url)
    assert response.status_code == 200
    return response.content


def test_the_form_of_a_report_at_a_thousand_cities_is_small_and_its_queries_do_not_grow(
    client, editor, django_assert_max_num_queries
):
    make_challenge()
    countries = [make_country() for _n in range(10)]
    many_cities(0, 10, countries)
    challenge = make_challenge()
    city = City.objects.first()
    practices = [
        complete_practice_row(title=f"Practice {n}", challenge=challenge, city=city)
        for n in range(3)
    ]
    client.post(CREATE, report_data(title="Side event", practices=practices, cities=[city.pk]))
    event_url = reverse("editor:event-edit", args=[Event.objects.get().slug])
    report_page(client, event_url)  # shows and clears the "saved" message
    with CaptureQueriesContext(connection) as few:
        small = report_page(client, event_url)
    many_cities(10, 1_000, countries)
    assert City.objects.count() == 1_000
    with django_assert_max_num_queries(len(few)):
        large = report_page(client, event_url)
    assert len(gzip.compress(large)) < 60_000
    assert b"Town 999" not in large and b"Town 5" not in large
    assert abs(len(large) - len(small)) < 100  # nothing on the page grows with the cities


def test_a_person_named_at_the_event_is_the_person_behind_a_practice_in_the_same_save(
    client, editor, countries
):
    practice = {**complete_practice_row(), "voiced_by_person": ["new:ANNA  Virtanen"]}
    data = report_data(
        title="Side event",
        practices=[practice],
        **{
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "0",
            "people-0-name": "Anna Virtanen",
            "people-0-part": "Speaker",
        },
    )
    client.post(CREATE, data)
    anna = Person.objects.get()
    assert GoodPractice.objects.get().voiced_by_person == anna
    assert EventPerson.objects.get().person == anna
    # Opened again, the practice shows her as chosen.
    page = client.get(reverse("editor:event-edit", args=[Event.objects.get().slug]))
    assertContains(page, f'name="practices-0-voiced_by_person" value="{anna.pk}" checked')
