"""In real Chromium, on the seed catalogue: an official sees which words of the source back the
city named on a practice, and what a person said and where."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
SIDE_EVENT_REPORT = SEEDS / "000_1f36cce810065c59.txt"
BERLIN_DID = (
    "from Berlin on their Smart City strategy Gemeinsam Digital: Berlin (Together Digital: Berlin)"
)


@pytest.fixture
def site(live_server):
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115 (closed with the process)
    return live_server.url


def in_document(text, path):
    return " ".join(text.split()) in " ".join(path.read_text(encoding="utf-8").split())


def test_an_official_sees_the_words_that_back_the_city_named_on_a_practice(site, page):
    page.goto(f"{site}/practices/")
    page.locator("summary").get_by_text("Kind of record", exact=True).click()
    page.get_by_label("City practice").check()
    page.wait_for_url("**kind=city_practice*")
    page.locator(".results .card-title a").first.click()

    expect(page.locator("h1")).to_have_text(re.compile("^Berlin's smart city strategy"))
    expect(page.locator("h1 ~ .meta .kind")).to_have_text("City practice")
    cities = page.get_by_role("region", name="Cities, and what the source says of them")
    expect(cities.get_by_role("link", name="Berlin")).to_be_visible()
    did = cities.locator(".roles > li").filter(has_text="Did it")
    expect(did.locator("blockquote")).to_have_text(BERLIN_DID)
    presented = cities.locator(".roles > li").filter(has_text="Presented it")
    expect(presented.locator("blockquote")).to_have_text(
        "Following initial presentations from Berlin"
    )
    # What the page shows as the source's words is in the source, word for word.
    if SIDE_EVENT_REPORT.is_file():
        for quote in cities.locator("blockquote").all_inner_texts():
            assert in_document(quote, SIDE_EVENT_REPORT), quote
    source = page.get_by_role("region", name="Source", exact=True)
    expect(source).to_contain_text("11 March 2024")
    expect(page.get_by_text("Stage: not stated")).to_be_visible()

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_recommendation_credits_no_city_and_says_who_voiced_it(site, page):
    page.goto(f"{site}/practices/capacity-building-for-local-government-staff/")
    expect(page.locator("h1 ~ .meta .kind")).to_have_text("Recommendation")
    expect(
        page.get_by_role("region", name="Cities, and what the source says of them")
    ).to_have_count(0)
    voice = page.get_by_role("region", name="Who said it")
    expect(voice).to_contain_text("'Smart city leaders', collectively. No city named.")
    expect(voice.locator("blockquote")).to_contain_text("Smart city leaders emphasized")
    # The leaders who took part are there to ask, as contributors, not as its authors.
    expect(page.locator(".facts")).to_contain_text("Katja Dörner")
    expect(page.locator(".facts")).to_contain_text("contributor at Smart City Leaders' Talk")


def test_a_person_page_lists_what_they_said_and_where(site, page):
    page.goto(f"{site}/people/")
    page.get_by_role("link", name="Bob Bennett").click()
    expect(page.locator("h1")).to_have_text("Bob Bennett")
    expect(page.locator(".lede")).to_contain_text(
        "former Chief Innovation Officer, Kansas City, MO"
    )
    said = page.get_by_role("region", name="What they said, and where")
    expect(said.locator("blockquote")).to_have_count(5)
    expect(said.locator("blockquote").first).to_have_text(
        "Peer-to-peer relationships are critical to move civic innovation from concept to scale."
    )
    expect(said).to_contain_text("In The Road to Becoming a Smart City: Sharing Best Practices")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    # From what he said to the record it backs.
    page.get_by_role("region", name="Records they are the source of").get_by_role(
        "link", name="Do not skimp on cyber security: pay for validated solutions"
    ).click()
    voice = page.get_by_role("region", name="Who said it")
    expect(voice.get_by_role("link", name="Bob Bennett")).to_be_visible()


def test_a_person_named_at_an_event_shows_the_event_and_the_words_that_name_them(site, page):
    page.goto(f"{site}/people/mike-batty/")
    said = page.get_by_role("region", name="What they said, and where")
    expect(said).to_contain_text("As the source reports it, in its own words:")
    expect(said).to_contain_text("at Smart cities roundtable on smart urban planning")
    expect(said.locator("blockquote")).to_have_count(0)
    events = page.locator(".facts")
    expect(events.get_by_role("link", name=re.compile("Smart cities roundtable"))).to_be_visible()
    expect(events).to_contain_text("Introducing the workshop, UCL professor Mike Batty")
