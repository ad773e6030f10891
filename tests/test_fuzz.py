"""Fuzzing gate: generated query strings and malformed slugs never cause a server error.

CI runs it on PostgreSQL too, which rejects inputs SQLite lets through (a NUL byte in a
filter value, say). Together the tests below send well over 2,000 requests."""

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.search import practice_refresh_search

from .pages import FILTER_NAMES, LIST_URLS, make_sample_content

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

REQUESTS_PER_LIST_PAGE = 350
REQUESTS_PER_DETAIL_PAGE = 150
DETAIL_PREFIXES = {
    "/practices/": "practice",
    "/challenges/": "challenge",
    "/cities/": "city",
    "/events/": "event",
    "/api/practices/": "practice",
    "/api/events/": "event",
}
# Feeds and exports take the catalogue's parameters; the API refuses what it does not know.
OPEN_DATA_URLS = ["/feeds/practices/", "/exports/practices.csv", "/api/practices/", "/api/cities/"]

NASTY_VALUES = [
    "\x00", "a\x00b", "%00", "%", "%zz", "%C0%AF", "%FF%FE%00", "%E2%82", "+", "&&", "==",
    "-1", "0", "00", "1.5", "1e309", "NaN", "inf", "-9223372036854775809", "99999999999999999999",
    "' OR 1=1 --", '"; DROP TABLE cases_goodpractice; --', "<script>alert(1)</script>",
    "../../etc/passwd", "\u202e\u200b", "\ud7ff", "\U0001d518\U0001d52b", "null", "[]", "{}",
    "*", "_", "%%",
]  # fmt: skip

values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(NASTY_VALUES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=300, max_value=20_000).map(lambda length: "x" * length),
)
keys = st.one_of(st.sampled_from(FILTER_NAMES), st.text(max_size=15))


@st.composite
def query_strings(draw):
    pairs = draw(st.lists(st.tuples(keys, values), min_size=1, max_size=8))
    parts = []
    for key, value in pairs:
        if draw(st.booleans()):
            parts.append(f"{quote(key, safe='')}={quote(value, safe='')}")
        else:
            # As a hand-typed address arrives: raw punctuation and broken %-escapes, in ASCII.
            raw = value.encode("ascii", "ignore").decode()
            parts.append(f"{key.encode('ascii', 'ignore').decode()}={raw}")
    return draw(st.sampled_from(["&", ";", "&&"])).join(parts)


slugs = st.one_of(
    st.text(min_size=1, max_size=80),
    st.sampled_from(NASTY_VALUES),
    st.from_regex(r"[a-z0-9-]{1,400}", fullmatch=True),
)


def fuzz_settings(requests):
    # Derandomised so a CI failure replays exactly; no example database left on disk.
    return settings(
        max_examples=requests,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture
def sample_content(db):
    return make_sample_content()


@pytest.mark.parametrize("address", LIST_URLS + OPEN_DATA_URLS)
def test_generated_query_strings_never_cause_a_server_error(
    client, sample_content, settings, address
):
    settings.API_RATE_LIMIT = "1000000/minute"
    # A page that is missing or broken would answer every query with a 404, never a 5xx.
    assert client.get(address).status_code == 200, address
    sent = []

    @fuzz_settings(REQUESTS_PER_LIST_PAGE)
    @given(query=query_strings())
    def request_with(query):
        sent.append(query)
        response = client.get(address, QUERY_STRING=query)
        # An export fails, if at all, while it streams: read it whole.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code < 500, f"{address}?{query}"
        if address.startswith("/api/") and response.status_code == 400:
            # The API says which parameter it refused.
            assert json.loads(body), f"{address}?{query}"

    request_with()
    assert len(sent) >= REQUESTS_PER_LIST_PAGE


@pytest.mark.parametrize("prefix", DETAIL_PREFIXES)
def test_malformed_slugs_never_cause_a_server_error(client, sample_content, settings, prefix):
    settings.API_RATE_LIMIT = "1000000/minute"
    # Under a prefix with no detail pages every slug would be a harmless 404.
    assert client.get(f"{prefix}{sample_content[DETAIL_PREFIXES[prefix]].slug}/").status_code == 200
    sent = []

    @fuzz_settings(REQUESTS_PER_DETAIL_PAGE)
    @given(slug=slugs)
    def request_with(slug):
        sent.append(slug)
        response = client.get(f"{prefix}{quote(slug, safe='')}/")
        assert response.status_code < 500, f"{prefix}{slug!r}"

    request_with()
    assert len(sent) >= REQUESTS_PER_DETAIL_PAGE


# Search syntax of both databases (FTS5 operators, websearch quotes and minus signs), stop words,
# typos and control characters: glued together, they make the questions below.
SEARCH_PIECES = [
    '"', "-", "*", "(", ")", "NEAR(", "NEAR", "AND", "OR", "NOT", ":", "^", "+", "{", "}", "\\",
    "'", "%", "\x00", "\u202e", "é", " ", " ", "title:", "budget", "pooling", "goverance", "how",
    "the", '""', '-"', "--", "&", "|", "!", "<->", "x" * 250,
]  # fmt: skip
REQUESTS_PER_SEARCH = 300

questions = st.lists(
    st.one_of(st.sampled_from(SEARCH_PIECES), st.text(max_size=6)), max_size=25
).map("".join)


def test_generated_questions_always_answer_200(client, sample_content):
    practice = sample_content["practice"]
    practice_refresh_search(practice_ids=[practice.pk])
    sent = []

    @fuzz_settings(REQUESTS_PER_SEARCH)
    @given(question=questions)
    def search_with(question):
        sent.append(question)
        # Every malformed question is read as words or answered with a message: never an error.
        assert client.get("/practices/", {"q": question}).status_code == 200, repr(question)

    search_with()
    assert len(sent) >= REQUESTS_PER_SEARCH


@pytest.mark.parametrize("host", ["attacker.example", "testserver:bad", "a" * 300, "127.0.0.1@x"])
def test_bad_host_header_is_400(client, host):
    assert client.get("/practices/", HTTP_HOST=host).status_code == 400


@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH", "TRACE", "PROPFIND"])
def test_wrong_method_is_405(client, method):
    assert client.generic(method, "/practices/").status_code == 405
