"""Every public page type in one place. The header, cookie, fuzzing, accessibility and
hostile-content gates all read these lists: a new page is one line here."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import Group

from cases.models import CURATORS_GROUP, EDITORS_GROUP

from .factories import (
    make_challenge,
    make_city,
    make_curator,
    make_editor,
    make_event,
    make_organisation,
    make_person,
    make_practice,
    make_source,
)

# Public list and search pages; the fuzzing gate sends generated query strings to each.
LIST_URLS = [
    "/",
    "/practices/",
    "/challenges/",
    "/challenges/open/",
    "/cities/",
    "/events/",
    "/peers/",
    "/map/",
    "/people/",
]

# The catalogue's filter names (PRODUCT.md); the fuzzer mixes them with junk keys.
FILTER_NAMES = [
    "q", "kind", "challenge", "theme", "tag", "city", "country", "region", "event", "stage", "sort",
    "page",
]  # fmt: skip


# Pages with a POST form need the CSRF cookie; every other anonymous page sets none.
PAGES_WITH_FORMS = {"sign-in"}


def make_sample_content(**text):
    """One published record of each kind, linked together, so every detail page has content.

    Keyword arguments override text fields on every record (the hostile-content gate fills them
    with attack strings)."""
    source = make_source(**text.get("source", {}))
    challenge = make_challenge(**text.get("challenge", {}))
    # Nairobi's coordinates, so the city is a mark on the map.
    city = make_city(**{"latitude": -1.286, "longitude": 36.817, **text.get("city", {})})
    organisation = make_organisation(**text.get("organisation", {}))
    event = make_event(
        cities=[city],
        challenges=[challenge],
        organisers=[organisation],
        host_city=city,
        source=source,
        **text.get("event", {}),
    )
    statement = text.get("statement", {}).get("quote", "What they said at the event.")
    person = make_person(
        city=city,
        organisation=organisation,
        source=source,
        events=[event],
        statements=[statement],
        **text.get("person", {}),
    )
    practice = make_practice(
        challenges=[challenge],
        cities=[city],
        events=[event],
        tags=["open-data"],
        source=source,
        voiced_by_person=person,
        **text.get("practice", {}),
    )
    person.statements.update(event=event, practice=practice)
    return {
        "challenge": challenge,
        "city": city,
        "event": event,
        "practice": practice,
        "person": person,
    }


def send_empty(form, button):
    """Sends the `form` (a CSS selector) as it stands with its `button`, to show its errors."""

    def send(page):
        # Skip the browser's own required-field check so the server's error messages show.
        page.locator(form).evaluate("form => { form.noValidate = true; }")
        page.locator(form).get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()

    return send


def sign_in(page, base_url, user, password="correct-horse-battery-staple"):
    """Signs `user` in through the site's sign-in form (a Playwright page)."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@dataclass(frozen=True)
class PageType:
    address: Callable[[dict], str]  # from the records make_sample_content() returns
    role: str | None = None  # "editor" or "curator": the browser signs in first
    then: Callable | None = None  # what to do on the page before checking it (Playwright page)
    status: int = 200  # what the address answers; anything else means the page is broken

    @property
    def is_anonymous_get(self):
        return self.role is None and self.then is None


# Every page type a visitor, an editor or a curator meets. The browser gates visit each; the
# header and cookie tests request the anonymous ones. Each must answer with its status: a
# renamed or broken page fails the gates, it is never skipped.
PAGE_TYPES = {
    "home": PageType(lambda c: "/"),
    "catalogue": PageType(lambda c: "/practices/"),
    "catalogue filtered": PageType(
        lambda c: f"/practices/?challenge={c['challenge'].slug}&city={c['city'].slug}"
    ),
    "catalogue searched": PageType(lambda c: "/practices/?q=practice"),
    "catalogue empty": PageType(lambda c: "/practices/?q=nothing+matches+this+search"),
    "practice": PageType(lambda c: c["practice"].get_absolute_url()),
    "challenges": PageType(lambda c: "/challenges/"),
    "challenge": PageType(lambda c: c["challenge"].get_absolute_url()),
    "open challenges": PageType(lambda c: "/challenges/open/"),
    "cities": PageType(lambda c: "/cities/"),
    "city": PageType(lambda c: c["city"].get_absolute_url()),
    "events": PageType(lambda c: "/events/"),
    "event": PageType(lambda c: c["event"].get_absolute_url()),
    "peers": PageType(lambda c: "/peers/"),
    "peers found": PageType(lambda c: f"/peers/?challenge={c['challenge'].slug}"),
    "map": PageType(lambda c: "/map/"),
    "map filtered": PageType(lambda c: f"/map/?challenge={c['challenge'].slug}&region=africa"),
    "people": PageType(lambda c: "/people/"),
    "person": PageType(lambda c: c["person"].get_absolute_url()),
    "sign-in": PageType(lambda c: "/accounts/login/"),
    "sign-in with errors": PageType(
        lambda c: "/accounts/login/", then=send_empty("main form", "Sign in")
    ),
    "accessibility statement": PageType(lambda c: "/accessibility/"),
    "open data and API documentation": PageType(lambda c: "/api/docs/"),
    "not found": PageType(lambda c: "/practices/no-such-practice/", status=404),
    "my reports": PageType(lambda c: "/editor/", role="editor"),
    "report form": PageType(lambda c: "/editor/events/new/", role="editor"),
    "report form with errors": PageType(
        lambda c: "/editor/events/new/",
        role="editor",
        then=send_empty("form.report-form", "Submit for review"),
    ),
    "review queue": PageType(lambda c: "/review/", role="curator"),
    "review report": PageType(lambda c: f"/review/events/{c['event'].slug}/", role="curator"),
}
ACCOUNTS = {"editor": make_editor, "curator": make_curator}


def sign_in_as(page, base_url, role):
    """Signs a new editor or curator in (a Playwright page)."""
    # Transactional tests flush the tables, groups from the data migration included.
    for name in (EDITORS_GROUP, CURATORS_GROUP):
        Group.objects.get_or_create(name=name)
    sign_in(page, base_url, ACCOUNTS[role]())


def open_page_type(page, base_url, name):
    """Opens a page of type `name` on sample content, signed in when it needs a role."""
    page_type = PAGE_TYPES[name]
    address = page_type.address(make_sample_content())
    if page_type.role:
        sign_in_as(page, base_url, page_type.role)
    response = page.goto(f"{base_url}{address}")
    # A broken or renamed page would otherwise be checked as the accessible error page it shows.
    assert response.status == page_type.status, f"{name} ({address}) answered {response.status}"
    if page_type.then:
        page_type.then(page)


def pick(page, field_id, typed, option):
    """Types `typed` into the report form's picker `field_id` (e.g. "id_practices-0-cities")
    and chooses the suggestion named `option` (static/js/picker.js)."""
    from playwright.sync_api import expect

    box = page.locator(f"#{field_id}_add")
    box.fill(typed)
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    listbox.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value("")
