"""The open challenges in real Chromium, on the faithful seed: from the challenges page to the open
challenges, then to the cities facing one, with no accessibility violation on the way."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
# In the seed, raised at events by cities in Africa and Europe, with no city practice for it.
CHALLENGE = "Limited funds"


@pytest.fixture
def site(live_server):
    call_command("seed", stdout=io.StringIO())
    return live_server.url


def test_from_the_challenges_to_the_cities_facing_an_open_one(site, page, watch):
    page.goto(f"{site}/challenges/")
    page.locator("main").get_by_role("link", name="Open challenges").click()
    expect(page).to_have_url(f"{site}/challenges/open/")
    expect(page.locator("ol.open-challenges > li")).not_to_have_count(0)
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("link", name=f"Find the cities facing “{CHALLENGE}”").click()
    expect(page).to_have_url(f"{site}/peers/?challenge=limited-funds")
    expect(page.get_by_role("link", name="Nairobi", exact=True)).to_have_count(1)
    assert watch.csp_violations() == []


def test_an_open_challenge_page_says_so_without_violations(site, page):
    page.goto(f"{site}/challenges/open/")
    page.get_by_role("link", name=CHALLENGE, exact=True).click()
    expect(page.locator("main .notice")).to_contain_text("An open challenge")
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
