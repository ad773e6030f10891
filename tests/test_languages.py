"""The site in English (plain addresses), French (/fr/) and Portuguese (/pt/): the language is in
the address, never in a cookie; Accept-Language is honoured on a first visit; each language is
cached apart."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from .factories import make_event, make_practice
from .pages import PAGE_TYPES, PAGES_WITH_FORMS, make_sample_content

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "pt"]
CATALOGUE = "/practices/"


def address_in(language, address):
    return address if language == "en" else f"/{language}{address}"


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_is_in_the_language_of_its_address(client, language):
    response = client.get(address_in(language, CATALOGUE))
    assertContains(response, f'<html lang="{language}">')
    with translation.override(language):
        assertContains(response, translation.gettext("Practices"))


def test_english_keeps_its_plain_addresses_and_the_others_have_a_prefix():
    assert reverse("cases:practice-list") == "/practices/"
    with translation.override("fr"):
        assert reverse("cases:practice-list") == "/fr/practices/"
    with translation.override("pt"):
        assert reverse("challenges:challenge-list") == "/pt/challenges/"


def test_the_french_page_is_in_french(client):
    assertContains(client.get("/fr/practices/"), "Pratiques")
    assertContains(client.get("/pt/practices/"), "Práticas")
    assertNotContains(client.get("/practices/"), "Pratiques")


def test_machine_addresses_have_no_language_prefix(client):
    for address in ["/robots.txt", "/sitemap.xml", "/exports/practices.csv", "/api/practices/"]:
        assert client.get(address).status_code == 200, address
        assert client.get(f"/fr{address}").status_code == 404, address


def test_the_switcher_links_to_this_page_in_the_other_languages(client):
    response = client.get("/fr/practices/?q=budget")
    html = response.content.decode()
    assert '<a href="/practices/?q=budget" hreflang="en" lang="en">English</a>' in html
    assert '<a href="/pt/practices/?q=budget" hreflang="pt" lang="pt">Português</a>' in html
    # The language shown is named, not linked: no link to the page itself.
    assert 'aria-current="true">Français</span>' in html


def test_each_version_names_the_others_with_hreflang(client):
    html = client.get("/pt/challenges/").content.decode()
    versions = {"en": "/challenges/", "fr": "/fr/challenges/", "pt": "/pt/challenges/"}
    # x-default: the English address, which sends a first visit on to the reader's language.
    versions["x-default"] = "/challenges/"
    for code, path in versions.items():
        assert f'<link rel="alternate" hreflang="{code}" href="http://testserver{path}">' in html


def test_a_first_visit_follows_accept_language(client):
    response = client.get(
        "/practices/?q=budget", headers={"accept-language": "pt-MZ,pt;q=0.9,en;q=0.5"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/pt/practices/?q=budget"
    assert "Accept-Language" in response["Vary"]
    assert not response.cookies


def test_a_reader_who_chose_english_stays_in_english(client):
    # The switcher's "English" link is followed from a page of this site: the Referer is ours.
    response = client.get(
        "/practices/",
        headers={"accept-language": "fr", "referer": "http://testserver/fr/practices/"},
    )
    assert response.status_code == 200
    assertContains(response, '<html lang="en">')


def test_a_link_from_another_site_follows_accept_language(client):
    response = client.get(
        "/challenges/", headers={"accept-language": "fr-CM", "referer": "https://example.org/"}
    )
    assert response["Location"] == "/fr/challenges/"


def test_english_or_unknown_languages_are_not_redirected(client):
    for header in ["en-GB,fr;q=0.8", "de-DE", "*", ""]:
        response = client.get("/practices/", headers={"accept-language": header})
        assert response.status_code == 200, header


def test_machine_addresses_are_never_redirected(client):
    for address in ["/robots.txt", "/api/practices/", "/exports/practices.csv", "/healthz"]:
        response = client.get(address, headers={"accept-language": "fr"})
        assert response.status_code == 200, address


def test_each_language_gets_its_own_cached_page(client, page_cache, django_assert_num_queries):
    make_practice(title="Budget pooling")
    pages = {language: client.get(address_in(language, CATALOGUE)) for language in LANGUAGES}
    for language in LANGUAGES:
        with django_assert_num_queries(0):
            cached = client.get(address_in(language, CATALOGUE))
        assert cached.content == pages[language].content
        assertContains(cached, f'<html lang="{language}">')
    assert len({page.content for page in pages.values()}) == 3


def test_a_feed_follows_the_language_of_its_address(client, page_cache):
    make_practice(title="Budget pooling")
    english = client.get("/feeds/practices/")
    french = client.get("/fr/feeds/practices/")
    assert english.status_code == french.status_code == 200
    assert english.content != french.content
    assert b"/fr/practices/" in french.content
    # Served again from the cache, each still in its language.
    assert client.get("/fr/feeds/practices/").content == french.content
    assert client.get("/feeds/practices/").content == english.content


def anonymous_page_addresses():
    content = make_sample_content()
    return [
        page.address(content)
        for name, page in PAGE_TYPES.items()
        if page.is_anonymous_get and page.status == 200 and name not in PAGES_WITH_FORMS
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_anonymous_readers_get_no_cookie_in_any_language(client, page_cache, language):
    for address in anonymous_page_addresses():
        for _ in range(2):  # rendered, then from the cache
            response = client.get(address_in(language, address))
            assert response.status_code == 200, address
            assert not response.cookies, address
    assert not client.cookies


def test_a_record_shows_its_translation_to_readers_of_that_language(client):
    practice = make_practice(
        title="Budget pooling",
        summary="Pooling budgets.",
        title_fr="Mise en commun des budgets",
        summary_fr="Des budgets mis en commun.",
    )
    address = practice.get_absolute_url()
    french = client.get(f"/fr{address}")
    assertContains(french, "<h1>Mise en commun des budgets</h1>")
    assertContains(french, '<p class="lede">Des budgets mis en commun.</p>')
    assertContains(french, "<title>Mise en commun des budgets · CityLearn</title>")
    english = client.get(address)
    assertContains(english, "<h1>Budget pooling</h1>")
    assertNotContains(english, "Mise en commun")


def test_what_stays_in_english_is_marked_on_other_languages_pages(client):
    practice = make_practice(title="Budget pooling", title_fr="Mise en commun des budgets")
    address = practice.get_absolute_url()
    portuguese = client.get(f"/pt{address}")
    assertContains(portuguese, '<h1><span lang="en">Budget pooling</span></h1>')
    catalogue = client.get("/pt/practices/")
    assertContains(catalogue, '<a href="/pt/practices/budget-pooling/"><span lang="en">Budget')
    # English pages need no mark.
    assertNotContains(client.get(address), 'lang="en">Budget')


def test_dates_are_written_as_each_language_writes_them(client):
    address = make_event(title="Peer exchange", starts_on=date(2025, 3, 3)).get_absolute_url()
    assertContains(client.get(address), "3 March 2025")
    assertContains(client.get(f"/fr{address}"), "3 mars 2025")
    assertContains(client.get(f"/pt{address}"), "3 de Março de 2025")


def test_an_overlong_query_is_not_repeated_in_the_language_links(client):
    html = client.get("/practices/", {"q": "x" * 3000}).content.decode()
    assert '<a href="/fr/practices/" hreflang="fr" lang="fr">Français</a>' in html
    assert html.count("x" * 3000) <= 1
