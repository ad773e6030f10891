"""Hostile-content gate: known cross-site scripting vectors typed into every text field are shown
as text on every public page and in the admin. Nothing runs, no handler or script URL reaches
the page, and the browser reports no Content Security Policy violation."""

import math
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse

from cases.models import (
    CURATORS_GROUP,
    EDITORS_GROUP,
    City,
    Event,
    GoodPractice,
    Organisation,
    Person,
    Source,
    Statement,
)
from cases.services import event_report_publish
from challenges.models import Challenge
from tests.editor_helpers import complete_practice_row, give_passages, report_data
from tests.factories import make_challenge, make_city, make_curator, make_editor, make_user
from tests.pages import make_sample_content, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.rendering,
    pytest.mark.django_db(transaction=True),
]

VECTORS = [
    line
    for line in (Path(__file__).parent.parent / "data" / "xss_vectors.txt").read_text().splitlines()
    if line.strip() and not line.startswith("# ")
]
LIST_PAGES = [
    "/",
    "/practices/",
    "/events/",
    "/cities/",
    "/challenges/",
    "/peers/",
    "/map/",
    "/people/",
]
PAGINATED_LIST_PAGES = ["/practices/", "/events/"]
KINDS = {
    "challenge": Challenge,
    "city": City,
    "organisation": Organisation,
    "source": Source,
    "event": Event,
    "practice": GoodPractice,
    "person": Person,
    "statement": Statement,
}
PAGE_SIZE = 20
# The newest records hold the most: the set with every vector is made last.
ADMIN_CHANGE_PAGES_PER_MODEL = 3

# Anything a vector would need to run if it reached the page as markup, not text.
PLANTED = """() => [...document.querySelectorAll('*')].flatMap((element) =>
  [...element.attributes]
    .filter((attribute) => /^on/i.test(attribute.name)
      || /^\\s*(javascript|vbscript|data):/i.test(attribute.value)
         && /^(href|src|action|formaction|xlink:href|data|srcdoc)$/i.test(attribute.name))
    .map((attribute) => `${element.tagName} ${attribute.name}=${attribute.value}`)
)"""


def test_corpus_holds_at_least_100_vectors():
    assert len(VECTORS) >= 100
    assert len(set(VECTORS)) == len(VECTORS)


def hostile_fields(model, text):
    """Every free-text field of `model`, filled with `text` (cut to the field's length)."""
    values = {}
    for field in model._meta.get_fields():
        is_text = isinstance(field, models.CharField | models.TextField)
        is_structured = isinstance(field, models.SlugField | models.URLField | models.EmailField)
        if is_text and not is_structured and not field.choices and field.editable:
            values[field.name] = text[: field.max_length] if field.max_length else text
    return values


def make_hostile_records(label, text):
    fields = {
        kind: {**hostile_fields(model, text), "slug": f"hostile-{kind}-{label}"}
        for kind, model in KINDS.items()
    }
    content = make_sample_content(**fields)
    content["practice"].tags.add(text[:100])
    return content


@pytest.fixture
def hostile_content(transactional_db):
    # For now through the ORM; once the editor's report form exists, type them in through it.
    # Each vector fills every text field of one set of records; one more set holds them all,
    # as long texts (titles and names keep what fits).
    records = [make_hostile_records(number, vector) for number, vector in enumerate(VECTORS)]
    records.append(make_hostile_records("all", "\n\n".join(VECTORS)))
    for vector in VECTORS[:10]:
        make_user(first_name=vector[:150], last_name=vector[:150])
    return records


class Visit:
    """Opens pages and collects what went wrong on each, to report every problem at once."""

    def __init__(self, page, watch, base_url):
        self.page, self.watch, self.base_url = page, watch, base_url
        self.problems = []

    def __call__(self, address):
        response = self.page.goto(f"{self.base_url}{address}")
        found = {
            "status": response.status if response.status >= 400 else None,
            "ran": self.watch.executed(),
            "csp violations": self.watch.csp_violations(),
            "planted": self.page.evaluate(PLANTED),
        }
        for what, value in found.items():
            if value:
                self.problems.append(f"{address}: {what}: {value}")


@pytest.fixture
def visit(page, watch, live_server):
    return Visit(page, watch, live_server.url)


def test_public_pages_show_hostile_content_as_text(hostile_content, visit):
    for address in LIST_PAGES:
        visit(address)
    for address in PAGINATED_LIST_PAGES:
        for number in range(2, math.ceil(len(hostile_content) / PAGE_SIZE) + 1):
            visit(f"{address}?page={number}")
    visit("/practices/?q=script")
    for number, content in enumerate(hostile_content):
        kinds = ["practice", "event", "person"]
        # City and challenge names also show on the practice pages and the lists; their own
        # pages repeat the same fields, so a sample of them (and the record with every vector).
        if number % 10 == 0 or number == len(hostile_content) - 1:
            kinds += ["city", "challenge"]
        for kind in kinds:
            visit(content[kind].get_absolute_url())
    assert visit.problems == []


def test_admin_shows_hostile_content_as_text(hostile_content, admin_page, visit):
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        visit(reverse(f"{prefix}_changelist"))
        for pk in model.objects.order_by("-pk").values_list("pk", flat=True)[
            :ADMIN_CHANGE_PAGES_PER_MODEL
        ]:
            visit(reverse(f"{prefix}_change", args=[pk]))
    assert visit.problems == []


VECTORS_PER_REPORT = 4


@pytest.fixture
def reports_typed_with_vectors(transactional_db, client):
    """Every vector typed into the editor's report form (as the browser posts it) and submitted:
    event title, summary, place, report, quote and new source; practice title, summary,
    description and tags. Returns the reports, in review, and a curator."""
    for name in (EDITORS_GROUP, CURATORS_GROUP):
        Group.objects.get_or_create(name=name)
    client.force_login(make_editor())
    city, challenge = make_city(), make_challenge()
    for start in range(0, len(VECTORS), VECTORS_PER_REPORT):
        chunk = VECTORS[start : start + VECTORS_PER_REPORT]
        text = "\n\n".join(chunk)
        rows = [
            {
                **complete_practice_row(challenge=challenge, city=city),
                "title": vector[:200],
                "summary": vector,
                "description": text,
                "tags": vector[:100],
            }
            for vector in chunk
        ]
        data = report_data(
            action="submit",
            title=chunk[0][:200],
            summary=text,
            place=chunk[-1][:200],
            starts_on="2025-07-08",
            format=Event.Format.ROUNDTABLE,
            report=text,
            source_quote=text,
            new_source_title=chunk[1 % len(chunk)][:300],
            cities=[str(city.pk)],
            challenges=[str(challenge.pk)],
            practices=rows,
        )
        response = client.post(reverse("editor:event-create"), data)
        assert response.status_code == 302, (
            chunk,
            response.context and response.context.get("error_summary"),
        )
    return list(Event.objects.all()), make_curator()


def test_reports_typed_into_the_editor_show_as_text_in_review_and_once_published(
    reports_typed_with_vectors, page, visit
):
    events, curator = reports_typed_with_vectors
    sign_in(page, visit.base_url, curator)
    visit(reverse("editor:review-queue"))
    for event in events:
        visit(reverse("editor:review-event", args=[event.slug]))
        visit(reverse("editor:event-edit", args=[event.slug]))
    for event in events:
        give_passages(event)
        event_report_publish(event=event, user=curator)
    visit("/practices/")
    for event in events:
        visit(event.get_absolute_url())
        for practice in event.practices.all():
            visit(practice.get_absolute_url())
    assert visit.problems == []
