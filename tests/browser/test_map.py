"""The map in real Chromium: from a challenge to the map filtered by it, and on to a city page by
mouse and by keyboard; no accessibility violation and nothing the Content Security Policy blocks."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
# In the seed, the one challenge with a city on a practice: a video about Toronto.
CHALLENGE = "citizen-needs-and-participation"
MARK = 'svg.world-map a[href="/cities/{}/"]'
# The address of the map mark that has the keyboard focus, if a mark has it.
FOCUSED_MARK = """() => {
  const element = document.activeElement;
  return element.closest('svg.world-map') ? element.getAttribute('href') : null;
}"""


@pytest.fixture
def site(live_server):
    call_command("seed", stdout=io.StringIO())
    return live_server.url


def open_map_from_the_challenge_page(page, site):
    page.goto(f"{site}/challenges/{CHALLENGE}/")
    page.get_by_role("link", name="See on the map").click()
    expect(page).to_have_url(f"{site}/map/?challenge={CHALLENGE}")
    expect(page.locator("svg.world-map a")).not_to_have_count(0)


def test_from_a_challenge_to_a_city_by_mouse(site, page, watch):
    open_map_from_the_challenge_page(page, site)
    assert Axe().run(page, options=WCAG_21_AA).violations_count == 0
    page.locator(MARK.format("toronto")).click()
    expect(page).to_have_url(f"{site}/cities/toronto/")
    expect(page.locator("h1")).to_have_text("Toronto")
    assert watch.csp_violations() == []


def test_from_a_challenge_to_a_city_by_keyboard(site, page, watch):
    open_map_from_the_challenge_page(page, site)
    target = "/cities/toronto/"
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_MARK)
        if focused == target:
            break
    assert focused == target
    # The focused mark shows it: a dark ring around the circle.
    stroke = page.locator(f"{MARK.format('toronto')} circle").evaluate(
        "circle => getComputedStyle(circle).strokeWidth"
    )
    assert stroke == "3px"
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site}{target}")
    assert watch.csp_violations() == []


def test_a_mark_is_a_link_named_after_its_city_country_and_count(site, page):
    page.goto(f"{site}/map/?challenge={CHALLENGE}")
    expect(page.get_by_role("link", name="Toronto, Canada: 1 practice")).to_have_count(1)


def test_a_city_that_only_took_part_is_a_ring_reached_like_any_mark(site, page, watch):
    # Dschang shared no practice of its own in the seed: it took part in events where some were.
    page.goto(f"{site}/map/")
    ring = page.locator(MARK.format("dschang"))
    expect(ring).to_have_class("took-part")
    expect(page.get_by_role("link", name="Dschang, Cameroon: took part in")).to_have_count(1)
    assert Axe().run(page, options=WCAG_21_AA).violations_count == 0
    ring.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site}/cities/dschang/")
    assert watch.csp_violations() == []
