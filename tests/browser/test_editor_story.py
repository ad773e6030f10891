"""The whole editor story in real Chromium: write, save, submit, return, fix, publish, find."""

import os
import tempfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from cases.models import CURATORS_GROUP, EDITORS_GROUP, Event, GoodPractice, Status

from ..editor_helpers import give_passages
from ..factories import make_challenge, make_city, make_country, make_curator, make_editor
from ..pages import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or tempfile.gettempdir()) / "citylearn"


@pytest.fixture
def people():
    # Transactional tests flush the tables, groups from the data migration included.
    for name in (EDITORS_GROUP, CURATORS_GROUP):
        Group.objects.get_or_create(name=name)
    return make_editor("amina", password=PASSWORD), make_curator("carla", password=PASSWORD)


@pytest.fixture
def catalogue():
    kenya = make_country(name="Kenya", code="KE")
    make_country(name="Germany", code="DE")
    return {
        "nairobi": make_city(name="Nairobi", country=kenya),
        "challenge": make_challenge(name="Political disruption", slug="political-disruption"),
        "silos": make_challenge(name="Departmental silos"),
    }


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def open_for_review(page, base_url):
    sign_in(page, base_url, "carla")
    page.get_by_role("link", name="Review queue").click()
    page.get_by_role("link", name="Nairobi side event on continuity").click()


def submit_and_sign_out(page):
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("was submitted for review")).to_be_visible()
    sign_out(page)


def fill_practice(page, index, *, title, city="Nairobi (Kenya)"):
    prefix = f"practices-{index}"
    page.locator(f"#id_{prefix}-title").fill(title)
    page.locator(f"#id_{prefix}-summary").fill(f"{title}: how the city kept it going.")
    page.locator(f"#id_{prefix}-description").fill(f"What was done for **{title}**.")
    pick(page, f"id_{prefix}-challenges", "political", "Political disruption")
    pick(page, f"id_{prefix}-cities", city.split(" ")[0], city)
    page.locator(f"#id_{prefix}-tags").fill("continuity, open data")


def test_an_event_report_goes_from_draft_to_the_public_catalogue(
    page, live_server, people, catalogue
):
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # An editor signs in and writes a report of a new event with two cities, one of them new.
    sign_in(page, base, "amina")
    page.get_by_role("link", name="My reports").click()
    page.get_by_role("link", name="Write an event report").click()
    page.locator("#id_title").fill("Nairobi side event on continuity")
    page.locator("#id_starts_on").fill("2025-07-08")
    page.locator("#id_place").fill("Nairobi and online")
    page.locator("#id_format").select_option(label="Side event")
    pick(page, "id_cities", "nairo", "Nairobi (Kenya)")
    page.locator("#id_new_cities-0-name").fill("Bonn")
    page.locator("#id_new_cities-0-country").select_option(label="Germany")
    pick(page, "id_challenges", "disrupt", "Political disruption")
    page.locator("#id_report").fill("Cities shared how they **survive elections**.")
    fill_practice(page, 0, title="Cross-party digital charter")
    page.get_by_role("button", name="Add another practice").click()
    expect(page.locator("#id_practices-1-title")).to_be_visible()
    page.locator("#id_practices-1-title").fill("Permanent digital office")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("was saved")).to_be_visible()

    # The editor comes back later: the draft and the new city are there; the second
    # practice gets its city Bonn, which exists now, and the report is submitted.
    page.goto(f"{base}/")
    page.get_by_role("link", name="My reports").click()
    page.get_by_role("link", name="Nairobi side event on continuity").click()
    expect(page.locator("#field-cities").get_by_label("Bonn (Germany)")).to_be_checked()
    expect(page.locator("#id_practices-0-title")).to_have_value("Cross-party digital charter")
    fill_practice(page, 1, title="Permanent digital office", city="Bonn (Germany)")
    submit_and_sign_out(page)

    # A curator returns it with a comment.
    open_for_review(page, base)
    expect(page.get_by_role("heading", name="Cross-party digital charter")).to_be_visible()
    page.get_by_label("What should the editor change?").fill("Add what came of the charter.")
    page.get_by_role("button", name="Return to the editor").click()
    expect(page.get_by_text("went back to its editor")).to_be_visible()
    sign_out(page)

    # The editor reads the comment, fixes the report and submits it again.
    sign_in(page, base, "amina")
    page.get_by_role("link", name="My reports").click()
    expect(page.get_by_text("Add what came of the charter.").first).to_be_visible()
    page.get_by_role("link", name="Nairobi side event on continuity").click()
    page.locator("#id_practices-0-results").fill("Two changes of mayor, no programme stopped.")
    submit_and_sign_out(page)

    # The curator may not publish cities without the passages of the source that show them;
    # the refusal names what is missing, and the curator gives the passages in the admin.
    open_for_review(page, base)
    expect(page.get_by_text("Two changes of mayor, no programme stopped.")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "editor-story-review.png", full_page=True)
    page.get_by_role("button", name="Publish the report and its practices").click()
    expect(
        page.get_by_text("Give the passage of the source that shows the role of Bonn")
    ).to_be_visible()
    give_passages(Event.objects.get())
    page.get_by_role("button", name="Publish the report and its practices").click()
    expect(page.get_by_text("and its practices are published")).to_be_visible()
    sign_out(page)

    # An anonymous official finds both practices under their challenge and on the event page.
    page.goto(f"{base}/challenges/political-disruption/")
    expect(page.get_by_role("link", name="Cross-party digital charter")).to_be_visible()
    expect(page.get_by_role("link", name="Permanent digital office")).to_be_visible()
    page.goto(f"{base}/practices/?challenge=political-disruption")
    expect(page.get_by_role("link", name="Cross-party digital charter")).to_be_visible()
    expect(page.get_by_role("link", name="Permanent digital office")).to_be_visible()
    page.goto(f"{base}/events/")
    page.get_by_role("link", name="Nairobi side event on continuity").click()
    expect(page.get_by_role("link", name="Cross-party digital charter")).to_be_visible()
    expect(page.get_by_role("link", name="Permanent digital office")).to_be_visible()
    expect(page.get_by_role("link", name="Bonn")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "editor-story-public.png", full_page=True)

    event = Event.objects.get()
    assert event.status == Status.PUBLISHED
    assert set(GoodPractice.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert event.transitions.count() == 4


def test_an_incomplete_submission_keeps_every_field_and_lists_the_gaps_on_a_phone(
    page, live_server, people, catalogue
):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, live_server.url, "amina")
    page.goto(f"{live_server.url}/editor/events/new/")
    page.locator("#id_title").fill("Roundtable on silos")
    page.locator("#id_place").fill("Online")
    page.locator("#id_practices-0-title").fill("Shared data office")
    page.get_by_role("button", name="Submit for review").click()

    summary = page.get_by_role("alert").filter(has_text="Please fix the following")
    expect(summary).to_be_visible()
    summary.get_by_role("link", name="Practice 1: Summary: Write a summary.").click()
    expect(page.locator("#id_practices-0-summary")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_place")).to_have_value("Online")
    expect(page.locator("#id_practices-0-title")).to_have_value("Shared data office")
    page.screenshot(path=SCREENSHOTS / "editor-form-errors-360.png", full_page=True)

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert not Event.objects.exists()
