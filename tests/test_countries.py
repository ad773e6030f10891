"""Every ISO 3166-1 country is there to pick, with its UN M49 region; seeding never overwrites."""

import json
from io import StringIO

import pycountry
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains

from cases.countries import countries_add_missing
from cases.models import Country, Region

from .factories import make_challenge, make_city, make_country, make_practice
from .test_catalogue import facet

pytestmark = pytest.mark.django_db

SEED_COUNTRIES = json.loads((settings.BASE_DIR / "fixtures" / "countries.json").read_text())


@pytest.fixture
def seeded(db):
    call_command("seed", stdout=StringIO())


def test_seeding_adds_every_iso_country_with_its_region(seeded):
    # Against pycountry itself, not the committed list: a stale list fails here.
    expected = {country.alpha_2 for country in pycountry.countries}
    regions = dict(Country.objects.values_list("code", "region"))
    assert set(regions) == expected
    assert {code for code, region in regions.items() if region not in Region.values} == {"AQ"}


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("FI", Region.EUROPE),
        ("IS", Region.EUROPE),
        ("CY", Region.ASIA),  # M49: Western Asia, though in the European Union
        ("MX", Region.AMERICAS),
        ("EG", Region.AFRICA),
        ("NZ", Region.OCEANIA),
        ("HM", Region.OCEANIA),  # uninhabited, but M49 places it
    ],
)
def test_each_country_has_its_m49_region(seeded, code, region):
    assert Country.objects.get(code=code).region == region


def test_antarctica_is_listed_without_a_region(seeded):
    # M49 puts Antarctica directly under World; the CLDR's "Outlying Oceania" is not M49.
    assert Country.objects.get(code="AQ").region == ""


def test_seeded_countries_keep_their_slugs_names_and_regions(seeded):
    for record in SEED_COUNTRIES:
        fields = record["fields"]
        country = Country.objects.get(code=fields["code"])
        assert (country.slug, country.name, country.region) == (
            fields["slug"],
            fields["name"],
            fields["region"],
        )


def test_new_countries_get_readable_names_and_slugs(seeded):
    country = Country.objects.get(code="KR")
    assert (country.name, country.slug) == ("South Korea", "south-korea")
    assert Country.objects.get(code="CZ").slug == "czechia"


def test_adding_again_adds_nothing(seeded):
    assert countries_add_missing() == []


def test_adding_changes_no_country_that_is_there(db):
    make_country(name="Suomi", slug="suomi", code="FI", region=Region.EUROPE)
    # A curator's own country holding the name ISO's Iceland would take.
    make_country(name="Iceland", slug="iceland-custom", code="XI", region=Region.EUROPE)
    countries_add_missing()
    assert Country.objects.get(code="FI").name == "Suomi"
    assert not Country.objects.filter(code="IS").exists()
    assert Country.objects.get(name="Iceland").code == "XI"


def test_seed_reports_the_countries_it_added(db):
    out = StringIO()
    call_command("seed", stdout=out, stderr=out)
    # The seed's twelve and every other ISO country, counted together.
    assert f"{len(pycountry.countries)} countries" in out.getvalue()


@pytest.fixture
def nordic_practice(seeded):
    challenge = make_challenge(name="Silos", slug="silos")
    finland = Country.objects.get(code="FI")
    iceland = Country.objects.get(code="IS")
    espoo = make_city(name="Espoo", slug="espoo", country=finland)
    reykjavik = make_city(name="Reykjavík", slug="reykjavik", country=iceland)
    make_practice(title="Espoo joins up", challenges=[challenge], cities=[espoo])
    make_practice(title="Reykjavík joins up", challenges=[challenge], cities=[reykjavik])
    return challenge


def test_cities_in_finland_and_iceland_count_under_europe_in_the_catalogue(client, nordic_practice):
    response = client.get(reverse("cases:practice-list"), {"region": "europe"})
    assert facet(response, "region").get("europe", 0) >= 2
    assertContains(response, "Espoo joins up")
    assertContains(response, "Reykjavík joins up")


def test_peer_finder_finds_cities_in_finland_and_iceland_in_europe(client, nordic_practice):
    response = client.get(reverse("cases:peer-finder"), {"challenge": "silos", "region": "europe"})
    assert {city.name for city in response.context["peers"]} == {"Espoo", "Reykjavík"}


def test_city_list_puts_a_city_without_region_apart(client, seeded):
    make_practice(cities=[make_city(name="McMurdo", country=Country.objects.get(code="AQ"))])
    assertContains(client.get(reverse("cases:city-list")), "Outside the five regions")
