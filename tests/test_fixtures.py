"""The seed catalogue: it loads, it is complete enough to browse, it cites its sources word for
word, and loading it again changes nothing."""

import importlib.util
import io
import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Q
from taggit.models import Tag

from cases.models import (
    City,
    CityRole,
    Country,
    Event,
    EventChallenge,
    EventCity,
    EventPerson,
    GoodPractice,
    Kind,
    Organisation,
    Person,
    PracticeChallenge,
    PracticeCity,
    PracticeRedirect,
    Source,
    Statement,
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
    Person,
    Event,
    EventCity,
    EventChallenge,
    EventPerson,
    GoodPractice,
    PracticeCity,
    PracticeChallenge,
    PracticeRedirect,
    Statement,
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
    "environment-and-resilience",
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
    "climate-adaptation-and-resilience",
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
    """Every catalogue row with its values and relations, by natural key. Search's vocabulary
    (cases.SearchWord) is left out: it is derived from the practices, not part of them."""
    out = io.StringIO()
    options.setdefault("exclude", ["cases.searchword"])
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


def test_every_practice_has_a_challenge_or_says_why_not(seeded):
    for practice in GoodPractice.objects.all():
        has_challenge = practice.challenges.exists()
        assert has_challenge != bool(practice.no_challenge_reason), practice.slug


def test_every_practice_has_source_quote_summary_and_tags(seeded):
    for practice in GoodPractice.objects.all():
        assert practice.source_id, practice.slug
        assert practice.source_quote.strip(), practice.slug
        assert practice.summary.strip(), practice.slug
        assert 1 <= practice.tags.count() <= 10, practice.slug


def test_every_recommendation_says_who_voiced_it(seeded):
    for practice in GoodPractice.objects.filter(kind=Kind.RECOMMENDATION):
        assert practice.voiced_by.strip(), practice.slug
        assert practice.voiced_by_passage.strip(), practice.slug


def test_the_seed_claims_a_city_did_something_only_once(seeded):
    # Berlin's strategy is the only record whose source says what a named city did.
    did = PracticeCity.objects.filter(role=CityRole.DID)
    assert list(did.values_list("goodpractice__slug", "city__slug")) == [
        ("berlin-gemeinsam-digital-smart-city-strategy", "berlin")
    ]
    assert not PracticeCity.objects.exclude(goodpractice__kind=Kind.CITY_PRACTICE).filter(
        role=CityRole.DID
    )


def test_every_city_link_has_its_passage(seeded):
    for link in [*PracticeCity.objects.all(), *EventCity.objects.all()]:
        assert link.passage.strip(), link


def test_no_challenge_link_rests_on_the_sources_own_view(seeded):
    # The document's own conclusions are kept apart from what was said: they show neither that
    # a challenge was raised at an event nor that a record addresses it.
    views = {}
    for practice in GoodPractice.objects.exclude(author_view_passage="").select_related("source"):
        views.setdefault(practice.source.slug, []).append(
            " ".join(practice.author_view_passage.split())
        )
    links = [
        (f"{link.event.slug} {link}", link.event.source.slug, link.passage)
        for link in EventChallenge.objects.select_related("event__source", "challenge")
    ] + [
        (f"{link.goodpractice.slug} {link}", link.goodpractice.source.slug, link.passage)
        for link in PracticeChallenge.objects.select_related("goodpractice__source", "challenge")
    ]
    resting = [
        label
        for label, source, passage in links
        if any(" ".join(passage.split()) in view for view in views.get(source, []))
    ]
    assert resting == []


def test_no_stage_is_stated_where_the_sources_state_none(seeded):
    assert not GoodPractice.objects.exclude(stage="").exists()


def test_every_city_is_linked_to_something(seeded):
    linked = City.objects.filter(
        Q(practice_links__isnull=False)
        | Q(event_links__isnull=False)
        | Q(people__isnull=False)
        | Q(hosted_events__isnull=False)
    )
    assert set(City.objects.values_list("slug", flat=True)) == set(
        linked.values_list("slug", flat=True)
    )


def test_see_also_links_go_both_ways(seeded):
    berlin_talk = GoodPractice.objects.get(slug="local-governments-in-global-digital-policy")
    socitm = GoodPractice.objects.get(slug="local-governance-closer-to-places")
    assert socitm in berlin_talk.see_also.all()
    assert berlin_talk in socitm.see_also.all()


def test_merged_slugs_point_at_a_seeded_practice(seeded):
    assert PracticeRedirect.objects.count() == 12
    slugs = set(GoodPractice.objects.values_list("slug", flat=True))
    assert not set(PracticeRedirect.objects.values_list("old_slug", flat=True)) & slugs


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


def stored_passages():
    """(label, source slug, passage) for every passage the seeded database shows as verbatim."""
    for event in Event.objects.select_related("source"):
        yield f"event {event.slug}", event.source.slug, event.source_quote
    for practice in GoodPractice.objects.select_related("source"):
        source = practice.source.slug
        yield f"practice {practice.slug}", source, practice.source_quote
        for passage in practice.passages():
            yield f"practice {practice.slug} further passage", source, passage
        for name in ("voiced_by_passage", "author_view_passage"):
            if getattr(practice, name):
                yield f"practice {practice.slug} {name}", source, getattr(practice, name)
    for link in PracticeCity.objects.select_related("goodpractice__source", "city"):
        yield f"{link.goodpractice.slug} {link}", link.goodpractice.source.slug, link.passage
    for link in PracticeChallenge.objects.select_related("goodpractice__source", "challenge"):
        yield f"{link.goodpractice.slug} {link}", link.goodpractice.source.slug, link.passage
    for link in EventCity.objects.select_related("event__source", "city"):
        yield f"{link.event.slug} {link}", link.event.source.slug, link.passage
    for link in EventChallenge.objects.select_related("event__source", "challenge"):
        yield f"{link.event.slug} {link}", link.event.source.slug, link.passage
    for link in EventPerson.objects.select_related("event__source", "person"):
        yield str(link), link.event.source.slug, link.passage
    for person in Person.objects.select_related("source"):
        yield f"person {person.slug}", person.source.slug, person.passage
    for statement in Statement.objects.select_related("source", "person"):
        yield str(statement), statement.source.slug, statement.quote


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"seed documents not found at {SEEDS_DIR}")
def test_every_seeded_passage_appears_word_for_word_in_its_document(seeded):
    checker = load_quote_checker()
    documents = checker.read_documents(SEEDS_DIR)
    failures = [
        checker.quote_failure(label, source, passage, documents)
        for label, source, passage in stored_passages()
    ]
    assert not [failure for failure in failures if failure]


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"seed documents not found at {SEEDS_DIR}")
def test_the_checker_passes_the_fixtures():
    checker = load_quote_checker()
    assert checker.find_failures(SEEDS_DIR) == []
    assert sum(1 for _ in checker.fixture_quotes()) >= 250


def broken_copy(tmp_path, name, index, change):
    """A copy of fixtures/ with one record of one file changed."""
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, copy)
    records = json.loads((copy / f"{name}.json").read_text(encoding="utf-8"))
    change(records[index]["fields"])
    (copy / f"{name}.json").write_text(json.dumps(records), encoding="utf-8")
    return copy


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"seed documents not found at {SEEDS_DIR}")
@pytest.mark.parametrize(
    ("name", "change", "expected"),
    [
        ("practice_cities", lambda f: f.update(passage=f["passage"] + "!"), "quote not found"),
        ("event_cities", lambda f: f.update(passage=f["passage"].replace(",", "")), "not found"),
        ("people", lambda f: f.update(passage=f["passage"].upper()), "person"),
        ("statements", lambda f: f.update(quote=f["quote"].replace("ized", "ised")), "statement"),
        ("practices", lambda f: f.update(further_passages="Words nobody wrote."), "further"),
        ("practice_cities", lambda f: f.update(passage=""), "published without the passage"),
        ("event_cities", lambda f: f.update(passage=" "), "published without the passage"),
    ],
)
def test_the_checker_fails_on_a_changed_or_missing_passage(tmp_path, name, change, expected):
    checker = load_quote_checker()
    failures = checker.find_failures(SEEDS_DIR, broken_copy(tmp_path, name, 0, change))
    assert len(failures) == 1
    assert expected in failures[0]


def test_the_checker_accepts_a_draft_link_without_passage(tmp_path):
    def unpublish(fields):
        fields["status"] = "draft"

    copy = broken_copy(tmp_path, "practices", 0, unpublish)
    links = json.loads((copy / "practice_cities.json").read_text(encoding="utf-8"))
    links[0]["fields"]["passage"] = ""
    (copy / "practice_cities.json").write_text(json.dumps(links), encoding="utf-8")
    assert load_quote_checker().missing_passages(copy) == []


def test_loading_twice_changes_nothing(seeded):
    counts_before, rows_before = snapshot()
    call_command("seed")
    counts_after, rows_after = snapshot()
    assert counts_after == counts_before
    assert rows_after == rows_before
