"""Every public page type in one place. The header, cookie, fuzzing, accessibility and
hostile-content gates all read these lists: a new page is one line here."""

from django.urls import Resolver404, resolve

from .factories import (
    make_challenge,
    make_city,
    make_event,
    make_organisation,
    make_practice,
    make_source,
)

# Public list and search pages; the fuzzing gate sends generated query strings to each.
LIST_URLS = ["/", "/practices/", "/challenges/", "/cities/", "/events/", "/peers/"]

# The catalogue's filter names (PRODUCT.md); the fuzzer mixes them with junk keys.
FILTER_NAMES = [
    "q", "challenge", "theme", "tag", "city", "country", "region", "event", "stage", "sort", "page",
]  # fmt: skip


# Pages with a POST form need the CSRF cookie; every other anonymous page sets none.
PAGES_WITH_FORMS = {"sign-in"}


def resolves(path):
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


def make_sample_content(**text):
    """One published record of each kind, linked together, so every detail page has content.

    Keyword arguments override text fields on every record (the hostile-content gate fills them
    with attack strings)."""
    source = make_source(**text.get("source", {}))
    challenge = make_challenge(**text.get("challenge", {}))
    city = make_city(**text.get("city", {}))
    organisation = make_organisation(**text.get("organisation", {}))
    event = make_event(
        cities=[city],
        challenges=[challenge],
        organisers=[organisation],
        host_city=city,
        source=source,
        **text.get("event", {}),
    )
    practice = make_practice(
        challenges=[challenge],
        cities=[city],
        events=[event],
        tags=["open-data"],
        source=source,
        **text.get("practice", {}),
    )
    return {"challenge": challenge, "city": city, "event": event, "practice": practice}


def public_pages(content):
    """Page type name → address, for every public page type (detail pages use `content`)."""
    practice, event, city = content["practice"], content["event"], content["city"]
    challenge = content["challenge"]
    return {
        "home": "/",
        "catalogue": "/practices/",
        "catalogue filtered": f"/practices/?challenge={challenge.slug}&city={city.slug}",
        "catalogue searched": "/practices/?q=practice",
        "catalogue empty": "/practices/?q=nothing+matches+this+search",
        "practice": practice.get_absolute_url(),
        "challenges": "/challenges/",
        "challenge": challenge.get_absolute_url(),
        "cities": "/cities/",
        "city": city.get_absolute_url(),
        "events": "/events/",
        "event": event.get_absolute_url(),
        "peers": "/peers/",
        "sign-in": "/accounts/login/",
        "accessibility statement": "/accessibility/",
        "not found": "/practices/no-such-practice/",
    }
