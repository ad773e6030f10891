"""The report form's pickers in real Chromium (issues 11 and 16): by keyboard, with a screen
reader's view of them (ARIA combobox and listbox, checked by axe open and closed), and on a
phone at 320 px, where they fit the width and filled practices fold to their titles."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from cases.models import City, Region
from tests.factories import make_challenge, make_city, make_country
from tests.pages import sign_in_as

from .test_phone import DOCUMENT_WIDTH, SMALL_CONTROLS, TARGET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def form(live_server, page):
    finland = make_country(name="Finland", code="FI", region=Region.EUROPE)
    make_country(name="Germany", code="DE", region=Region.EUROPE)
    City.objects.bulk_create(
        City(name=f"Tampere district {n}", slug=f"tampere-{n}", country=finland) for n in range(30)
    )
    make_city(name="Zürich", country=make_country(name="Switzerland", code="CH"))
    make_challenge(name="Departmental silos")
    sign_in_as(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/editor/events/new/")
    return page


def no_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_picker_works_by_keyboard_and_has_no_accessibility_violation_open_or_closed(form):
    page = form
    no_violations(page)
    box = page.locator("#id_cities_add")
    expect(box).to_have_attribute("role", "combobox")
    box.press_sequentially("zur")
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(listbox.get_by_role("option", name="Zürich (Switzerland)")).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    no_violations(page)
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", f"{listbox.get_attribute('id')}-0")
    box.press("Enter")
    expect(page.locator("#id_cities_chosen").get_by_label("Zürich (Switzerland)")).to_be_checked()
    expect(box).to_have_attribute("aria-expanded", "false")
    # A new city, typed with its country, is offered at once by a practice's picker.
    box.fill("Oulu, Finland")
    listbox.get_by_role("option", name="Add Oulu (Finland) as a new city").wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    practice_box = page.locator("#id_practices-0-cities_add")
    practice_box.press_sequentially("oul")
    practice_list = page.locator(f"#{practice_box.get_attribute('aria-controls')}")
    expect(practice_list.get_by_role("option", name="Oulu (Finland)")).to_be_visible()
    practice_box.press("Escape")
    expect(practice_box).to_have_attribute("aria-expanded", "false")
    assert not City.objects.filter(name="Oulu").exists()


@pytest.mark.parametrize("width", [320, 390])
def test_on_a_phone_the_pickers_fit_and_filled_practices_fold(form, width):
    page = form
    page.set_viewport_size({"width": width, "height": 700})
    box = page.locator("#id_cities_add")
    box.press_sequentially("tampere")
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(listbox.get_by_role("option").first).to_be_visible()
    assert page.evaluate(DOCUMENT_WIDTH) <= width
    listbox.get_by_role("option").first.click()
    assert page.evaluate(DOCUMENT_WIDTH) <= width
    assert page.evaluate(SMALL_CONTROLS, TARGET) == []
    no_violations(page)

    page.locator("#id_practices-0-title").fill("Night buses")
    page.locator("#id_practices-0-summary").fill("Buses all night.")
    page.get_by_role("button", name="Add another practice").click()
    toggle = page.get_by_role("button", name="Practice 1: Night buses")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#id_practices-0-summary")).to_be_hidden()
    toggle.click()
    expect(page.locator("#id_practices-0-summary")).to_have_value("Buses all night.")
    assert page.evaluate(SMALL_CONTROLS, TARGET) == []


def test_without_javascript_typed_names_are_matched_or_added_on_saving(live_server, browser):
    make_country(name="Finland", code="FI", region=Region.EUROPE)
    make_city(name="Zürich", country=make_country(name="Switzerland", code="CH"))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in_as(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/editor/events/new/")
    expect(page.locator("#id_cities_add")).not_to_have_attribute("role", "combobox")
    page.locator("#id_title").fill("Offline day")
    page.get_by_label("Participating cities").fill("zurich, switzerland; Oulu, FI")
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_text("“zurich, switzerland” is Zürich (Switzerland)")).to_be_visible()
    expect(page.get_by_text("Added to the catalogue: Oulu (Finland).")).to_be_visible()
    chosen = page.locator("#id_cities_chosen")
    expect(chosen.get_by_label("Zürich (Switzerland)")).to_be_checked()
    expect(chosen.get_by_label("Oulu (Finland)")).to_be_checked()
    context.close()
