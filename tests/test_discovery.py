"""Links that share well and are found: sitemap.xml, robots.txt, a favicon, Open Graph and
Twitter card meta, schema.org JSON-LD, and "Cite this" on practice and event pages."""

import json
import re
from datetime import date
from xml.etree import ElementTree

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from cases.models import Status
from opendata.citations import bibtex_escape
from opendata.sitemaps import PracticeSitemap

from .factories import make_city, make_event, make_organisation, make_practice, make_source
from .pages import PAGE_TYPES, make_sample_content

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(response):
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    return [element.text for element in root.iter(f"{SITEMAP}loc")]


# sitemap.xml and robots.txt


def test_the_sitemap_index_lists_every_section(client):
    sections = locations(client.get("/sitemap.xml"))
    for section in ("pages", "practices", "events", "challenges", "cities"):
        assert f"http://testserver/sitemap-{section}.xml" in sections


def test_the_sitemap_lists_published_practices_and_events_only(client):
    make_practice(slug="published")
    make_practice(slug="a-draft", status=Status.DRAFT)
    make_practice(slug="in-review", status=Status.IN_REVIEW)
    make_practice(slug="archived", status=Status.ARCHIVED)
    make_event(slug="report")
    make_event(slug="draft-report", status=Status.DRAFT)
    assert locations(client.get("/sitemap-practices.xml")) == [
        "http://testserver/practices/published/",
        "http://testserver/fr/practices/published/",
        "http://testserver/pt/practices/published/",
    ]
    assert locations(client.get("/sitemap-events.xml")) == [
        "http://testserver/events/report/",
        "http://testserver/fr/events/report/",
        "http://testserver/pt/events/report/",
    ]


def test_a_large_section_is_split_into_pages_the_index_names(client, monkeypatch):
    # 10,000 addresses a page in production; 2 here, for 5 practices in 3 languages.
    monkeypatch.setattr(PracticeSitemap, "limit", 2)
    for number in range(5):
        make_practice(slug=f"practice-{number}")
    sections = locations(client.get("/sitemap.xml"))
    assert "http://testserver/sitemap-practices.xml?p=8" in sections
    pages = [locations(client.get("/sitemap-practices.xml", {"p": page})) for page in range(1, 9)]
    assert [len(page) for page in pages] == [2, 2, 2, 2, 2, 2, 2, 1]
    assert client.get("/sitemap-practices.xml", {"p": 9}).status_code == 404


XHTML_LINK = "{http://www.w3.org/1999/xhtml}link"


def alternates(response):
    """{address: {hreflang: address}} of a sitemap page."""
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    return {
        url.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in url.iter(XHTML_LINK)
        }
        for url in root.iter(f"{SITEMAP}url")
    }


@pytest.mark.parametrize("section", ["pages", "practices", "events", "challenges", "cities"])
def test_every_sitemap_lists_each_page_in_every_language_with_its_alternates(client, section):
    city = make_city(slug="kisumu")
    make_event(slug="report", cities=[city])
    make_practice(slug="budget", cities=[city])
    listed = alternates(client.get(f"/sitemap-{section}.xml"))
    english = [address for address in listed if "/fr/" not in address and "/pt/" not in address]
    assert english
    for address in english:
        path = address.removeprefix("http://testserver")
        versions = {
            "en": address,
            "fr": f"http://testserver/fr{path}",
            "pt": f"http://testserver/pt{path}",
            "x-default": address,
        }
        assert listed[address] == versions
        assert listed[versions["fr"]] == versions
        assert listed[versions["pt"]] == versions
    assert len(listed) == 3 * len(english)


def test_the_french_and_portuguese_addresses_of_the_sitemap_answer(client):
    make_practice(slug="budget")
    for address in locations(client.get("/sitemap-practices.xml")):
        response = client.get(address.removeprefix("http://testserver"))
        assert response.status_code == 200, address


def test_a_sitemap_that_does_not_exist_is_a_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    for private in ("/admin/", "/accounts/", "/editor/", "/review/"):
        assert f"Disallow: {private}\n" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /practices/" not in text


# The favicon


def test_the_favicon_answers_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_pages_name_their_icons(client):
    response = client.get("/")
    assertContains(response, '<link rel="icon" href="/favicon.ico" sizes="32x32">')
    assertContains(response, 'type="image/svg+xml"')


# Open Graph and Twitter card meta


def meta(response, attribute, name):
    found = re.search(rf'<meta {attribute}="{name}" content="([^"]*)">', response.content.decode())
    return found and found.group(1)


@pytest.mark.parametrize(
    "name", [name for name, page in PAGE_TYPES.items() if page.is_anonymous_get]
)
def test_every_public_page_shares_its_title_summary_and_site_name(client, name):
    page_type = PAGE_TYPES[name]
    address = page_type.address(make_sample_content())
    response = client.get(address)
    assert response.status_code == page_type.status
    title = meta(response, "property", "og:title")
    assert title
    assert f"<title>{title} · CityLearn</title>" in response.content.decode()
    assert meta(response, "property", "og:description")
    assert meta(response, "property", "og:site_name") == "CityLearn"
    assert meta(response, "property", "og:url").startswith("http://testserver/")
    assert meta(response, "name", "twitter:card") == "summary"
    assert meta(response, "name", "twitter:title") == title


def test_a_practice_shares_its_own_title_and_summary(client):
    practice = make_practice(title="Budget pooling & more", summary="Cities pooled budgets.")
    response = client.get(practice.get_absolute_url())
    assert meta(response, "property", "og:title") == "Budget pooling &amp; more"
    assert meta(response, "property", "og:description") == "Cities pooled budgets."
    assert meta(response, "property", "og:url") == f"http://testserver{practice.get_absolute_url()}"


# schema.org JSON-LD


def json_ld(response):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_a_practice_is_described_as_a_creative_work(client):
    city = make_city(name="Nairobi")
    practice = make_practice(
        title="Budget pooling", cities=[city], source=make_source(title="Side event report")
    )
    data = json_ld(client.get(practice.get_absolute_url()))
    assert (data["@context"], data["@type"]) == ("https://schema.org", "CreativeWork")
    assert data["name"] == "Budget pooling"
    assert data["url"] == f"http://testserver{practice.get_absolute_url()}"
    assert data["spatialCoverage"][0]["name"].startswith("Nairobi, ")
    assert data["isBasedOn"]["name"] == "Side event report"
    assert len(data["about"]) == 1


def test_an_event_report_is_described_as_an_event(client):
    event = make_event(
        title="Side event",
        starts_on=date(2025, 7, 8),
        place="Nairobi and online",
        organisers=[make_organisation(name="Connective Cities")],
    )
    data = json_ld(client.get(event.get_absolute_url()))
    assert (data["@type"], data["startDate"], data["endDate"]) == (
        "Event",
        "2025-07-08",
        "2025-07-08",
    )
    assert data["location"]["name"] == "Nairobi and online"
    assert data["organizer"] == [{"@type": "Organization", "name": "Connective Cities"}]


def test_text_in_the_json_ld_cannot_close_its_script_element(client):
    practice = make_practice(title="</script><script>alert(1)</script>")
    response = client.get(practice.get_absolute_url())
    assertNotContains(response, "</script><script>alert(1)")
    assert json_ld(response)["name"] == "</script><script>alert(1)</script>"


# Cite this


def test_a_practice_page_offers_a_citation_with_its_address_and_the_day(client):
    practice = make_practice(title="Budget pooling", published_at=timezone.now())
    response = client.get(practice.get_absolute_url())
    address = f"http://testserver{practice.get_absolute_url()}"
    today = timezone.localdate()
    assertContains(response, "Cite this")
    assertContains(response, f"“Budget pooling”. CityLearn good practices catalogue. {address}")
    assertContains(response, f"(accessed {today.day} {today:%B} {today.year})")
    assertContains(response, f"@misc{{citylearn-goodpractice-{practice.pk},")
    assertContains(response, f"  url = {{{address}}},")
    assertContains(response, f"  urldate = {{{today.isoformat()}}},")


def test_an_event_page_offers_a_citation(client):
    event = make_event(title="Side event")
    response = client.get(event.get_absolute_url())
    assertContains(response, f"@misc{{citylearn-event-{event.pk},")
    assertContains(response, "CityLearn event reports")


def test_bibtex_special_characters_are_escaped():
    assert bibtex_escape("Fees & {taxes}: 50% of $10_000 #1") == (
        r"Fees \& \{taxes\}: 50\% of \$10\_000 \#1"
    )
    assert (
        bibtex_escape("a\\b ~ ^\n  c")
        == r"a\textbackslash{}b \textasciitilde{} \textasciicircum{} c"
    )
