"""Hostile input in any text field is shown as harmless text or sanitised HTML, never executed."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Status
from cases.templatetags.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

from .editor_helpers import make_report
from .factories import make_curator, make_editor

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    "[click](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
    "<img src=x onerror=alert(1)>",
    "![pixel](javascript:alert(1))",
    "![pixel](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[page](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=alert(1)><circle r=10 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="https://evil.example/x.swf"></object><embed src="x.swf">',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example/"><input name="password"></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<p title="x" onmouseover="alert(1)">hover</p>',
    '"><script>alert(1)</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!--<script>alert(1)//--><script>alert(1)</script>",
    "<a href='https://ok.example/' target=_blank rel=opener>ok</a>",
    "<details open ontoggle=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    '[a](https://ok.example/ "title" onmouseover=alert(1))',
    "<td background=javascript:alert(1)>cell</td>",
]


# nh3 keeps these on any tag (ammonia's generic attributes) and adds rel to links.
HARMLESS_EVERYWHERE = {"rel", "title", "lang"}


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _elements(html):
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_renders_hostile_input_harmless(text):
    html = render_markdown(text)
    for tag, attributes in _elements(html):
        assert tag in ALLOWED_TAGS
        assert set(attributes) <= ALLOWED_ATTRIBUTES.get(tag, set()) | HARMLESS_EVERYWHERE
        href = attributes.get("href")
        if href is not None:
            assert urlsplit(href.strip()).scheme in ("http", "https", "mailto", "")
    assert "<script" not in html.lower()


def test_links_get_nofollow_and_noopener():
    html = render_markdown("[peer city](https://city.example/)")
    rel = dict(_elements(html)[1][1])["rel"].split()
    assert {"nofollow", "noopener"} <= set(rel)


def test_markdown_still_renders_lists_emphasis_and_links():
    html = render_markdown("*one*\n\n- two\n- [three](https://three.example/)")
    assert "<em>one</em>" in html
    assert "<li>two</li>" in html
    assert 'href="https://three.example/"' in html


def test_headings_start_below_the_pages_own():
    assert "<h1>" not in render_markdown("# Title")


@pytest.mark.django_db
@pytest.mark.parametrize("text", HOSTILE[:4] + HOSTILE[10:11] + HOSTILE[14:15])
def test_hostile_text_in_every_field_is_harmless_on_the_review_page(text):
    author = make_editor()
    event = make_report(
        status=Status.IN_REVIEW, created_by=author, title=text, summary=text, report=text
    )
    event.practices.update(title=text, summary=text, description=text, results=text, lessons=text)
    client = Client()
    client.force_login(make_curator())
    html = client.get(reverse("editor:review-event", args=[event.slug])).content.decode()
    assert "<script>alert" not in html
    assert "onerror=" not in html.replace("onerror=alert(1)&gt;", "")
    for tag, attributes in _elements(html):
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
        assert "javascript:" not in attributes.get("href", "").lower()
        assert tag not in ("iframe", "img", "svg", "object", "embed")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["editor:event-edit", "editor:my-reports", "editor:review-queue"]
)
def test_hostile_titles_are_escaped_on_the_editor_pages(url_name):
    author = make_editor()
    event = make_report(
        status=Status.IN_REVIEW, created_by=author, title="<script>alert(1)</script>"
    )
    client = Client()
    client.force_login(author if url_name == "editor:my-reports" else make_curator())
    args = [event.slug] if url_name == "editor:event-edit" else []
    html = client.get(reverse(url_name, args=args)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
