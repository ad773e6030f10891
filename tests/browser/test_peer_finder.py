"""The peer finder in real Chromium (issue 17): start from my city, and the answer is on the
screen after each press, on a desktop as on a phone."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = [(1280, 800), (390, 844), (320, 640)]


@pytest.fixture
def seeded(live_server):
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115 (closed with the process)
    return live_server.url


def in_view(page, locator):
    box = locator.bounding_box()
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= page.viewport_size["height"]
    )


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_my_city_first_then_the_answer_in_view_after_each_press(seeded, page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{seeded}/peers/")
    city = page.get_by_label("My city is")
    assert in_view(page, city)
    city.select_option("berlin")
    page.get_by_role("button", name="Start from my city").click()
    heading = page.locator("#peer-results-heading")
    expect(heading).to_contain_text("cities facing these challenges")
    assert in_view(page, heading)
    # The answer itself, not only its heading: the first peer's name is on the first screen.
    first_peer = page.locator("#results .card-title").first
    assert in_view(page, first_peer)
    expect(page.locator("#results")).not_to_contain_text("Berlin,")
    # Untick one of Berlin's challenges and ask again: the button is reached without scrolling
    # the list on a desktop, and the new answer is in view.
    if width < 640:
        page.locator("details.filter-panel > summary").click()
    page.locator("input[name=challenge]:checked").first.uncheck()
    button = page.get_by_role("button", name="Find peers")
    if width >= 640:
        assert in_view(page, button)
    button.click()
    expect(page).to_have_url(re.compile(r"/peers/\?.*city=berlin.*#answer$"))
    assert in_view(page, page.locator("#peer-results-heading"))
    assert in_view(page, first_peer)
