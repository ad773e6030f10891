"""The seed catalogue: it loads, it is complete enough to browse, it cites its sources word for
word, and loading it again changes nothing."""

import importlib.util
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from taggit.models import Tag

from cases.models import (
    City,
    Country,
    Event,
    GoodPractice,
    Organisation,
    Source,
    Status,
    TaggedPractice,
)
from challenges.models import Challenge, Theme

pytestmark = pytest.mark.django_db

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
SEEDS_DIR = Path(settings.BASE_DIR).parent / "shared" / "seeds"
SEEDED_MODELS = [
    Theme,
    Challenge,
    Country,
    City,
    Organisation,
    Source,
    Event,
    GoodPractice,
    Tag,
    TaggedPractice,
]
REQUIRED_THEMES = {
    "governance-and-leadership",
    "organisation-and-culture",
    "finance",
    "people-and-skills",
    "data-and-technology",
    "citizens-and-inclusion",
}
REQUIRED_CHALLENGES = {
    "political-disruption",
    "departmental-silos",
    "no-immediate-revenue",
    "limited-funds",
    "skills-gaps",
    "weak-collaboration-and-ppp",
    "data-quality-and-trust",
    "cyber-security",
    "digital-literacy",
}
REQUIRED_CITIES = {
    "nairobi",
    "kisumu",
    "mombasa",
    "munich",
    "berlin",
    "enzkreis",
    "bonn",
    "cape-town",
    "johannesburg",
    "ekurhuleni",
    "dhaka-south",
    "dschang",
    "geneva",
    "london",
    "new-york",
    "seberang-perai",
    "quelimane",
    "seoul",
    "kansas-city",
    "toronto",
}


def load_quote_checker():
    # scripts/ is not a package; load the checker from its file so both share one mapping.
    path = Path(settings.BASE_DIR) / "scripts" / "check_seed_quotes.py"
    spec = importlib.util.spec_from_file_location("check_seed_quotes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def seeded():
    call_command("seed")


def dump_catalogue(**options):
    """Every catalogue row with its values and relations, by natural key."""
    out = io.StringIO()
    call_command(
        "dumpdata", "challenges", "cases", "taggit", natural_foreign=True, stdout=out, **options
    )
    return json.loads(out.getvalue())


def snapshot():
    """Row counts and every seeded row with its values and relations, by natural key."""
    counts = {model.__name__: model.objects.count() for model in SEEDED_MODELS}
    return counts, dump_catalogue()


def test_fixtures_have_no_primary_keys():
    for path in sorted(FIXTURES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, list):
            continue  # seed_documents.json is a mapping, not a fixture
        for obj in data:
            assert "pk" not in obj, f"{path.name}: {obj['fields']}"


def test_seed_loads_the_catalogue(seeded):
    assert City.objects.count() >= 20
    assert Event.objects.count() >= 3
    assert GoodPractice.objects.count() >= 25
    assert Source.objects.count() == 5
    assert Challenge.objects.filter(theme__isnull=False).count() >= 10
    assert set(Theme.objects.values_list("slug", flat=True)) == REQUIRED_THEMES
    assert set(Challenge.objects.values_list("slug", flat=True)) >= REQUIRED_CHALLENGES
    assert set(City.objects.values_list("slug", flat=True)) >= REQUIRED_CITIES


def test_everything_seeded_is_published(seeded):
    assert not Event.objects.exclude(status=Status.PUBLISHED).exists()
    assert not GoodPractice.objects.exclude(status=Status.PUBLISHED).exists()
    assert not Event.objects.filter(published_at__isnull=True).exists()
    assert not GoodPractice.objects.filter(published_at__isnull=True).exists()


def test_every_practice_has_challenge_source_quote_and_summary(seeded):
    for practice in GoodPractice.objects.prefetch_related("challenges"):
        assert practice.challenges.exists(), practice.slug
        assert practice.source_id, practice.slug
        assert practice.source_quote.strip(), practice.slug
        assert practice.summary.strip(), practice.slug
        assert 2 <= practice.tags.count() <= 5, practice.slug


def test_every_event_has_source_and_quote(seeded):
    for event in Event.objects.all():
        assert event.source_id, event.slug
        assert event.source_quote.strip(), event.slug


def test_quotes_are_short(seeded):
    for obj in [*Event.objects.all(), *GoodPractice.objects.all()]:
        assert len(obj.source_quote) <= 300, obj.slug


def test_every_source_has_a_seed_document(seeded):
    checker = load_quote_checker()
    assert set(checker.seed_documents()) == set(Source.objects.values_list("slug", flat=True))


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"seed documents not found at {SEEDS_DIR}")
def test_quotes_appear_word_for_word_in_their_documents(seeded):
    checker = load_quote_checker()
    documents = checker.read_documents(SEEDS_DIR)
    failures = []
    for model in (Event, GoodPractice):
        for obj in model.objects.select_related("source"):
            failure = checker.quote_failure(
                f"{model.__name__} {obj.slug}", obj.source.slug, obj.source_quote, documents
            )
            if failure:
                failures.append(failure)
    assert not failures, "\n".join(failures)


def test_loading_twice_changes_nothing(seeded):
    counts_before, rows_before = snapshot()
    call_command("seed")
    counts_after, rows_after = snapshot()
    assert counts_after == counts_before
    assert rows_after == rows_before
