"""The report form guides in real Chromium (issue 17): after a save that found problems the
focus is on the error summary, and each of its links moves the focus to its field."""

import pytest
from playwright.sync_api import expect

from tests.pages import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_ID = "document.activeElement && document.activeElement.id"


def test_focus_moves_to_the_error_summary_then_to_the_field_a_link_names(live_server, page, watch):
    sign_in_as(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/editor/events/new/")
    expect(page.locator("#field-format")).to_contain_text("Needed for review.")
    page.locator("#id_title").fill("Leaders' talk")
    page.get_by_role("button", name="Submit for review").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("The event: Format: Say what kind of event it was.")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="The event: Format: Say what kind of event it was.").click()
    assert page.evaluate(FOCUSED_ID) == "id_format"
    assert watch.csp_violations() == []


def test_a_submit_refused_on_my_reports_opens_the_form_with_the_focus_on_its_problems(
    live_server, page, watch
):
    sign_in_as(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/editor/events/new/")
    page.locator("#id_title").fill("Leaders' talk")
    page.get_by_role("button", name="Save draft").click()
    page.goto(f"{live_server.url}/editor/")
    page.get_by_role("button", name="Submit “Leaders' talk” for review").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="The event: Format: Say what kind of event it was.").click()
    assert page.evaluate(FOCUSED_ID) == "id_format"
    assert watch.csp_violations() == []
