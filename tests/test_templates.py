"""What the public templates show: the current section in the navigation, when an event took
place, and no two links in a page's content that lead to the same address."""

import datetime
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from .factories import make_challenge, make_city, make_editor, make_event, make_practice
from .pages import PAGE_TYPES, make_sample_content

pytestmark = pytest.mark.django_db


class NavigationLinks(HTMLParser):
    """{link text: aria-current or None} for the links in <nav aria-label="Main">."""

    def __init__(self):
        super().__init__()
        self.links, self._in_nav, self._current = {}, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("aria-label") == "Main":
            self._in_nav = True
        elif tag == "a" and self._in_nav:
            self._current = attrs.get("aria-current")

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False

    def handle_data(self, data):
        if self._in_nav and data.strip():
            self.links[data.strip()] = self._current


def navigation(response):
    parser = NavigationLinks()
    parser.feed(response.content.decode())
    return parser.links


@pytest.fixture
def content():
    return make_sample_content()


SECTIONS = {
    "Practices": ("cases:practice-list", "practice"),
    "Challenges": ("challenges:challenge-list", "challenge"),
    "Cities": ("cases:city-list", "city"),
    "Events": ("cases:event-list", "event"),
}


@pytest.mark.parametrize("label", SECTIONS)
def test_navigation_marks_a_section_on_its_list_page(client, content, label):
    links = navigation(client.get(reverse(SECTIONS[label][0])))
    assert links[label] == "page"
    assert [name for name, current in links.items() if current] == [label]


@pytest.mark.parametrize("label", SECTIONS)
def test_navigation_marks_a_section_on_its_detail_pages(client, content, label):
    links = navigation(client.get(content[SECTIONS[label][1]].get_absolute_url()))
    assert links[label] == "true"
    assert [name for name, current in links.items() if current] == [label]


def test_navigation_marks_the_peer_finder_with_or_without_challenges(client, content):
    for query in ({}, {"challenge": content["challenge"].slug}):
        links = navigation(client.get(reverse("cases:peer-finder"), query))
        assert [name for name, current in links.items() if current] == ["Find peers"]


@pytest.mark.parametrize("address", ["/", "/accessibility/", "/no-such-page/"])
def test_navigation_marks_nothing_outside_the_sections(client, address):
    assert not any(navigation(client.get(address)).values())


def test_the_account_navigation_marks_my_reports_on_the_report_form(client):
    client.force_login(make_editor())
    response = client.get(reverse("editor:event-create"))
    assertContains(response, '<a href="/editor/" aria-current="true">My reports</a>', html=True)


# When an event took place: one tag for the card, the report and the lists beside a record.


def test_a_one_day_event_shows_its_day(client):
    event = make_event(starts_on=datetime.date(2025, 7, 8))
    response = client.get(event.get_absolute_url())
    assertInHTML('<dd><time datetime="2025-07-08">8 July 2025</time></dd>', response.text)


def test_a_multi_day_event_shows_its_first_and_last_day_on_its_page_and_card(client):
    make_event(starts_on=datetime.date(2025, 7, 8), ends_on=datetime.date(2025, 7, 10))
    dates = (
        '<time datetime="2025-07-08">8 July 2025</time> to '
        '<time datetime="2025-07-10">10 July 2025</time>'
    )
    assertContains(client.get(reverse("cases:event-list")), dates)
    event_page = client.get(reverse("cases:event-list")).context["page"][0].get_absolute_url()
    assertContains(client.get(event_page), dates)


def test_an_undated_event_says_so_on_its_card(client):
    make_event(title="Undated roundtable")
    assertContains(client.get(reverse("cases:event-list")), "Date not recorded")


def test_a_record_lists_its_events_by_month_once_per_month(client):
    city = make_city()
    make_event(
        cities=[city], starts_on=datetime.date(2025, 7, 8), ends_on=datetime.date(2025, 7, 9)
    )
    make_event(
        cities=[city], starts_on=datetime.date(2025, 6, 30), ends_on=datetime.date(2025, 7, 1)
    )
    response = client.get(city.get_absolute_url())
    assertContains(response, '<time datetime="2025-07-08">July 2025</time></span>')
    assertContains(
        response,
        '<time datetime="2025-06-30">June 2025</time> to '
        '<time datetime="2025-07-01">July 2025</time>',
    )


def test_an_undated_event_in_a_list_beside_a_record_shows_no_date(client):
    city = make_city()
    make_event(title="Undated roundtable", cities=[city])
    assertNotContains(client.get(city.get_absolute_url()), "Date not recorded")


# One link per address in a page's content; the breadcrumb trail is a separate landmark. A map
# mark and its row in the map's table are one link given twice on purpose: the graphic is for
# pointing and looking, the table is its text equivalent (WCAG 1.1.1), and keyboard users reach
# cities from either. So the links inside an <svg class="world-map"> are checked apart: one per
# address among themselves, and each may repeat one link outside the map.


class ContentLinks(HTMLParser):
    """The href of every link inside <main>, outside the breadcrumb trail: `hrefs` outside the
    map graphic, `map_hrefs` inside it."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.map_hrefs = [], []
        self._in_main = self._in_breadcrumbs = self._in_map = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self._in_main = True
        elif tag == "nav" and attrs.get("aria-label") == "Breadcrumb":
            self._in_breadcrumbs = True
        elif tag == "svg" and "world-map" in (attrs.get("class") or "").split():
            self._in_map = True
        elif tag == "a" and self._in_main and not self._in_breadcrumbs:
            (self.map_hrefs if self._in_map else self.hrefs).append(attrs.get("href"))

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_main = False
        elif tag == "nav":
            self._in_breadcrumbs = False
        elif tag == "svg":
            self._in_map = False


def repeated_addresses(response, address):
    parser = ContentLinks()
    parser.feed(response.content.decode())
    path = address.split("?")[0]

    def targets(hrefs):
        # A browser reads "?tag=x" as this path with that query ("?" alone: with none).
        return [
            (path + href).rstrip("?") if href.startswith("?") else urljoin(path, href)
            for href in hrefs
        ]

    return [
        target
        for hrefs in (parser.hrefs, parser.map_hrefs)
        for target, count in Counter(targets(hrefs)).items()
        if count > 1
    ]


def test_a_map_mark_may_repeat_its_table_row_but_not_another_mark():
    class Page:
        def __init__(self, html):
            self.content = f"<main>{html}</main>".encode()

    mark = '<svg class="world-map"><a href="/cities/a/"></a></svg>'
    row = '<table><tr><th><a href="/cities/a/">A</a></th></tr></table>'
    assert repeated_addresses(Page(mark + row), "/map/") == []
    assert repeated_addresses(Page(mark + row + row), "/map/") == ["/cities/a/"]
    twice = '<svg class="world-map"><a href="/cities/a/"></a><a href="/cities/a/"></a></svg>'
    assert repeated_addresses(Page(twice), "/map/") == ["/cities/a/"]
    # Any other graphic is no exception.
    other = '<svg class="logo"><a href="/cities/a/"></a></svg>'
    assert repeated_addresses(Page(other + row), "/map/") == ["/cities/a/"]


ANONYMOUS_PAGES = [name for name, page_type in PAGE_TYPES.items() if page_type.is_anonymous_get]


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_no_two_links_in_a_page_lead_to_the_same_address(client, content, name):
    address = PAGE_TYPES[name].address(content)
    assert repeated_addresses(client.get(address), address) == []


@pytest.mark.parametrize("more", [0, 25])
def test_a_city_page_links_to_its_practices_in_the_catalogue_once(client, more):
    city = make_city(name="Nairobi", slug="nairobi")
    for _ in range(1 + more):
        make_practice(cities=[city])
    response = client.get(city.get_absolute_url())
    assertContains(response, 'href="/practices/?city=nairobi"', count=1)


@pytest.mark.parametrize("more", [0, 25])
def test_a_challenge_page_links_to_its_practices_in_the_catalogue_once(client, more):
    challenge = make_challenge(slug="silos")
    for _ in range(1 + more):
        make_practice(challenges=[challenge])
    response = client.get(challenge.get_absolute_url())
    assertContains(response, 'href="/practices/?challenge=silos"', count=1)


def test_an_event_links_its_host_city_once(client):
    host = make_city(name="Geneva")
    event = make_event(place="Palais des Nations", host_city=host, cities=[host])
    response = client.get(event.get_absolute_url())
    assertContains(response, f'href="{host.get_absolute_url()}"', count=1)
    assertContains(response, "<dd>Palais des Nations · Geneva</dd>", html=True)


def test_an_event_links_a_host_city_that_took_no_part(client):
    host = make_city(name="Geneva")
    event = make_event(place="Palais des Nations", host_city=host, cities=[make_city()])
    assertContains(client.get(event.get_absolute_url()), f'href="{host.get_absolute_url()}"')


def test_a_practice_page_names_its_cities_under_the_title_and_links_them_once(client):
    city = make_city(name="Nairobi")
    practice = make_practice(stage="pilot", cities=[city])
    response = client.get(practice.get_absolute_url())
    assertContains(
        response,
        '<p class="meta"><span class="kind">City practice</span> · Stage: Pilot · Nairobi</p>',
        html=True,
    )
    assertContains(response, f'href="{city.get_absolute_url()}"', count=1)


def test_on_an_empty_result_a_chip_is_a_label_where_a_suggestion_links(client):
    make_practice(tags=["finance"])
    response = client.get(reverse("cases:practice-list"), {"q": "zebra", "tag": "finance"})
    assertContains(response, '<span class="chip-label">Search: zebra</span>', html=True)
    assertContains(response, 'href="?tag=finance"', count=1)
    # Dropping the tag finds nothing either: its chip stays the way to remove it.
    assertContains(response, '<a class="chip" href="?q=zebra">', count=1)


def test_one_active_filter_has_its_chip_and_no_clear_all(client):
    make_practice(tags=["finance"])
    response = client.get(reverse("cases:practice-list"), {"tag": "finance"})
    assertContains(response, 'class="chip"', count=1)
    assertNotContains(response, "Clear all")
