"""The catalogue in real Chromium: two clicks to a practice, chips, search, keyboard, widths."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
PAGES = {
    "home": "/",
    "practices": "/practices/?challenge=political-disruption",
    "practice": "/practices/open-source-for-budgetary-independence/",
    "city": "/cities/bonn/",
    "peers": "/peers/?challenge=political-disruption&challenge=limited-funds",
    "challenges": "/challenges/",
    "challenge": "/challenges/political-disruption/",
    "cities": "/cities/",
    "events": "/events/",
    "event": "/events/smart-city-leaders-talk-wsis20-2024/",
}


@pytest.fixture
def site(live_server):
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115 (closed with the process)
    return live_server.url


def test_two_clicks_from_home_to_a_practice_on_political_disruption(site, page):
    page.goto(site)
    page.get_by_role("link", name="Political disruption").first.click()
    expect(page).to_have_url(f"{site}/practices/?challenge=political-disruption")
    page.locator(".results .card-title a").first.click()
    expect(page.locator("h1")).to_have_count(1)
    challenges = page.get_by_role("region", name="Challenges, and why it is filed under them")
    expect(challenges).to_contain_text("Political disruption")


def test_combine_a_tag_and_a_city_then_remove_one_chip(site, page):
    page.goto(f"{site}/practices/")
    page.locator("summary").get_by_text("City", exact=True).click()
    page.get_by_label("Berlin").check()
    page.wait_for_url("**city=berlin*")
    page.locator("summary").get_by_text("Tag", exact=True).click()
    page.locator('input[name="tag"]').first.check()
    page.wait_for_url("**tag=*")
    chips = page.locator(".chip")
    expect(chips).to_have_count(2)
    page.locator(".chip", has_text="Tag:").click()
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text("City:")
    assert "tag=" not in page.url
    assert "city=" in page.url


def test_search_for_a_phrase(site, page):
    page.goto(site)
    page.get_by_label("Search practices, cities, challenges and tags").fill('"open source"')
    page.get_by_label("Search practices, cities, challenges and tags").press("Enter")
    expect(page.locator("#results-heading")).to_contain_text('for "open source"')
    expect(page.locator(".results .card").first).to_contain_text("pen source")


def _tab_to(page, selector, limit=300):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_filters_work_with_the_keyboard_only(site, page):
    page.goto(f"{site}/practices/")
    _tab_to(page, "details.facet summary")
    page.keyboard.press("Enter")
    # The first facet is the kind of record.
    _tab_to(page, 'input[name="kind"]')
    page.keyboard.press("Space")
    page.wait_for_url("**kind=*")
    # The script puts focus back on the box that was ticked, so the next Tab goes on from there.
    assert page.evaluate("document.activeElement.name") == "kind"
    _tab_to(page, "form#filters button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".chip")).to_have_count(1)
    _tab_to(page, ".chip")
    page.keyboard.press("Enter")
    expect(page.locator(".chip")).to_have_count(0)


@pytest.mark.parametrize("width", [375, 1280])
def test_pages_fit_the_width_and_pass_axe(site, page, width):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in PAGES.items():
        response = page.goto(f"{site}{path}")
        assert response.status == 200, path
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
