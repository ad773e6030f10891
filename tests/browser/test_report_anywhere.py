"""Issue 11 in real Chromium: a new editor reports an event held outside every country the
catalogue had cities in, adding its cities, organiser, source and speaker in the same form and
submitting in one sitting; a curator publishes; an official finds it by the new cities."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from cases.countries import countries_add_missing
from cases.models import (
    CURATORS_GROUP,
    EDITORS_GROUP,
    City,
    Country,
    Event,
    EventPerson,
    GoodPractice,
    Organisation,
    Status,
)

from ..editor_helpers import give_passages
from ..factories import make_challenge, make_city, make_curator, make_editor
from ..pages import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def catalogue():
    for name in (EDITORS_GROUP, CURATORS_GROUP):
        Group.objects.get_or_create(name=name)
    make_editor("nadia", password=PASSWORD)
    make_curator("carla", password=PASSWORD)
    # Every ISO country, as seeding adds them (countries-labels); the catalogue's only city is
    # in Germany, so Finland and Iceland have none.
    countries_add_missing()
    make_city(name="Leipzig", country=Country.objects.get(code="DE"))
    assert not City.objects.filter(country__code__in=["FI", "IS"]).exists()
    make_challenge(name="Departmental silos")


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fill_practice(page, index, *, title, city_typed, city):
    prefix = f"id_practices-{index}"
    page.locator(f"#{prefix}-title").fill(title)
    page.locator(f"#{prefix}-summary").fill(f"{title}, in a sentence.")
    page.locator(f"#{prefix}-description").fill(f"What the city did for {title}.")
    pick(page, f"{prefix}-challenges", "silos", "Departmental silos")
    pick(page, f"{prefix}-cities", city_typed, city)


def test_a_new_editor_reports_an_event_anywhere_in_one_sitting(page, live_server, catalogue):
    base = live_server.url
    sign_in(page, base, "nadia")
    page.goto(f"{base}/editor/events/new/")
    page.locator("#id_title").fill("Nordic open data day")
    page.locator("#id_starts_on").fill("2026-05-20")
    page.locator("#id_place").fill("Reykjavík")
    page.locator("#id_format").select_option(label="Workshop")
    pick(
        page,
        "id_organisers",
        "Nordic Cities Network",
        "Add “Nordic Cities Network” as a new organiser",
    )

    # Three new cities in two countries no city was in; typed as "name, country".
    pick(page, "id_cities", "Reykjavík, Iceland", "Add Reykjavík (Iceland) as a new city")
    pick(page, "id_cities", "tampere, finland", "Add tampere (Finland) as a new city")
    pick(page, "id_cities", "Espoo, FI", "Add Espoo (Finland) as a new city")
    pick(page, "id_challenges", "silo", "Departmental silos")
    page.locator("#id_report").fill("Cities compared how they **publish budgets**.")
    page.locator("#id_new_source_title").fill("Nordic open data day: the report")
    page.locator("#id_new_source_url").fill("https://example.org/nordic-report")
    page.locator("#id_new_source_published_on").fill("2026-06-01")

    # The speaker's city is one added above, offered before anything is saved.
    page.locator("#id_people-0-name").fill("Anna Virtanen")
    page.locator("#id_people-0-part").fill("Speaker")
    page.locator("#id_people-0-role").fill("Head of open data, City of Tampere")
    pick(page, "id_people-0-city", "Tamp", "tampere (Finland)")

    fill_practice(
        page, 0, title="Budget in plain words", city_typed="tamp", city="tampere (Finland)"
    )
    # The speaker typed above is offered as the person behind the practice, before any save.
    pick(page, "id_practices-0-voiced_by_person", "virtanen", "Anna Virtanen")
    page.get_by_role("button", name="Add another practice").click()
    fill_practice(
        page, 1, title="Open harbour data", city_typed="reykj", city="Reykjavík (Iceland)"
    )
    pick(page, "id_practices-1-cities", "espoo", "Espoo (Finland)")

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("was submitted for review")).to_be_visible()
    expect(page.get_by_text("Added to the catalogue:")).to_contain_text("Espoo (Finland)")

    event = Event.objects.get()
    assert event.status == Status.IN_REVIEW
    assert sorted(event.cities.values_list("name", flat=True)) == ["Espoo", "Reykjavík", "tampere"]
    assert City.objects.filter(name__iexact="tampere").count() == 1
    assert list(event.organisers.values_list("name", flat=True)) == ["Nordic Cities Network"]
    assert Organisation.objects.count() == 1
    assert str(event.source.published_on) == "2026-06-01"
    speaker = EventPerson.objects.select_related("person__city").get(event=event)
    assert (speaker.part, speaker.person.city.name) == ("Speaker", "tampere")
    practices = {p.title: p for p in GoodPractice.objects.all()}
    assert practices["Budget in plain words"].voiced_by_person == speaker.person
    assert list(practices["Budget in plain words"].cities.values_list("name", flat=True)) == [
        "tampere"
    ]
    assert sorted(practices["Open harbour data"].cities.values_list("name", flat=True)) == [
        "Espoo",
        "Reykjavík",
    ]
    page.get_by_role("button", name="Sign out").click()

    # A curator gives the passages in the admin (as for any report) and publishes.
    give_passages(event)
    sign_in(page, base, "carla")
    page.get_by_role("link", name="Nordic open data day").click()
    page.get_by_role("button", name="Publish the report and its practices").click()
    expect(page.get_by_text("and its practices are published")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # An official finds each practice by a new city's name, and the event on its city's page.
    for city, title in (("Tampere", "Budget in plain words"), ("Reykjavík", "Open harbour data")):
        page.goto(f"{base}/")
        page.get_by_label("Search practices, cities, challenges and tags").fill(city)
        page.get_by_label("Search practices, cities, challenges and tags").press("Enter")
        expect(page.get_by_role("link", name=title)).to_be_visible()
    page.goto(base + City.objects.get(name="Reykjavík").get_absolute_url())
    expect(page.get_by_role("link", name="Nordic open data day").first).to_be_visible()
