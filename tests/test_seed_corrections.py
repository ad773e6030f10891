"""A database seeded before the re-read keeps its links through the migration and gets the
corrections, except on the records curators have changed since."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from cases.models import (
    Basis,
    CityRole,
    EventCity,
    GoodPractice,
    Kind,
    PracticeChallenge,
    PracticeCity,
    PracticeRedirect,
)
from cases.seed_corrections import seed_records_correct

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
PREVIOUS = FIXTURES / "previous"
# The earlier seed, in load order: previous/ holds the files the re-read changed.
EARLIER_SEED = [
    "themes",
    "challenges",
    "countries",
    "cities",
    "organisations",
    "sources",
    "events",
    "practices",
    "tags",
    "tagged_practices",
]
BEFORE_EVIDENCE = [("cases", "0006_search_fts5"), ("challenges", "0001_initial")]
LEADERS_TALK_POINT = "capacity-building-for-local-government-staff"
MERGED = "civic-data-governance"


def earlier_seed_path(name):
    path = PREVIOUS / f"{name}.json"
    return path if path.is_file() else FIXTURES / f"{name}.json"


@pytest.fixture
def earlier_seed(db):
    """The earlier seed loaded as `seed` loaded it; migration 0007 gave its links their roles."""
    for name in EARLIER_SEED:
        call_command("loaddata", earlier_seed_path(name), verbosity=0)


def corrections_output(*args):
    out = io.StringIO()
    call_command("correct_seed_records", *args, stdout=out)
    return out.getvalue()


def test_the_earlier_seed_claims_eight_cities_behind_a_leaders_talk_point(earlier_seed):
    practice = GoodPractice.objects.get(slug=LEADERS_TALK_POINT)
    assert practice.city_links.filter(role=CityRole.DID, passage="").count() == 8


def test_correcting_gives_every_untouched_record_the_current_seed(earlier_seed):
    report = seed_records_correct()
    assert report.kept == [] and report.skipped == []
    practice = GoodPractice.objects.get(slug=LEADERS_TALK_POINT)
    assert practice.kind == Kind.RECOMMENDATION
    assert not practice.cities.exists()
    assert practice.voiced_by_passage
    berlin = PracticeCity.objects.filter(goodpractice__slug__startswith="berlin-")
    assert set(berlin.values_list("role", flat=True)) == {CityRole.DID, CityRole.PRESENTED}
    assert all(link.passage for link in [*PracticeCity.objects.all(), *EventCity.objects.all()])
    # Run again: every record is the current seed's, nothing is left to do.
    again = seed_records_correct(dry_run=True)
    assert again.lines() == []
    assert again.current == GoodPractice.objects.count() + 8  # and the eight events


def test_a_merged_practice_is_removed_and_its_address_redirects(earlier_seed, client):
    seed_records_correct()
    assert not GoodPractice.objects.filter(slug=MERGED).exists()
    response = client.get(reverse("cases:practice-detail", args=[MERGED]))
    target = PracticeRedirect.objects.get(old_slug=MERGED).practice
    assert response.status_code == 301
    assert response["Location"] == target.get_absolute_url()


def test_a_record_a_curator_changed_is_left_as_it_is(earlier_seed):
    GoodPractice.objects.filter(slug=LEADERS_TALK_POINT).update(title="Our own title")
    report = seed_records_correct()
    practice = GoodPractice.objects.get(slug=LEADERS_TALK_POINT)
    assert practice.title == "Our own title"
    assert practice.cities.count() == 8
    assert report.kept == [f"practice {LEADERS_TALK_POINT}: changed since it was seeded (title)"]


def test_a_link_a_curator_gave_its_passage_counts_as_a_change(earlier_seed):
    link = PracticeCity.objects.filter(goodpractice__slug=LEADERS_TALK_POINT).first()
    link.passage = "from Bonn"
    link.save()
    report = seed_records_correct()
    assert report.kept == [f"practice {LEADERS_TALK_POINT}: changed since it was seeded (cities)"]


def test_a_merged_practice_a_curator_changed_stays(earlier_seed, client):
    GoodPractice.objects.filter(slug=MERGED).update(summary="Kept by a curator.")
    report = seed_records_correct()
    assert GoodPractice.objects.filter(slug=MERGED).exists()
    assert any(line.startswith(f"practice {MERGED}: merged into") for line in report.kept)
    assert client.get(reverse("cases:practice-detail", args=[MERGED])).status_code == 200


def test_a_dry_run_changes_nothing_and_says_what_it_would_do(earlier_seed):
    before = io.StringIO()
    call_command("dumpdata", "cases", "challenges", "taggit", stdout=before)
    output = corrections_output("--dry-run")
    after = io.StringIO()
    call_command("dumpdata", "cases", "challenges", "taggit", stdout=after)
    assert json.loads(after.getvalue()) == json.loads(before.getvalue())
    assert f"corrected practice {LEADERS_TALK_POINT}: title" not in output
    assert f"corrected practice {LEADERS_TALK_POINT}: summary" in output
    assert "Dry run: nothing was changed." in output


def test_the_command_says_what_it_changed(earlier_seed):
    output = corrections_output()
    assert "corrected practice berlin-gemeinsam-digital-smart-city-strategy: summary" in output
    assert "added practice munich-urban-planning-challenges-smart-city" in output
    assert f"removed practice {MERGED}: merged into" in output
    assert "44 corrected" in output


# --- A database seeded with the re-read, before its later corrections --------------------------

RE_READ = PREVIOUS / "re-read"
RE_READ_FILES = ["practices", "practice_challenges", "events", "event_challenges"]
CORRECTED_LATER = [
    "event closed-door-dialogue-people-centred-smart-city-guidelines: challenges",
    "event smart-city-leaders-talk-wsis20-2024: challenges",
    "practice culture-of-innovation-despite-financial-pressure: challenges",
    "practice enabling-legal-and-policy-frameworks: title",
    "practice five-aspects-of-participatory-democratic-smart-cities: challenges",
    "practice involve-local-governments-in-smart-city-guidelines: challenges",
    "practice local-governments-in-global-digital-policy: voiced_by_passage, challenges",
]


@pytest.fixture
def re_read_seed(db):
    """The catalogue as the re-read first seeded it: today's seed, with the records corrected
    since as they were then (fixtures/previous/re-read/)."""
    call_command("seed")
    for name in RE_READ_FILES:
        call_command("loaddata", RE_READ / f"{name}.json", verbosity=0)


def test_a_database_seeded_with_the_re_read_gets_the_later_corrections(re_read_seed):
    frameworks = GoodPractice.objects.get(slug="enabling-legal-and-policy-frameworks")
    assert frameworks.title.endswith("for city digitalisation")
    report = seed_records_correct()
    assert (sorted(report.corrected), report.kept) == (CORRECTED_LATER, [])
    frameworks.refresh_from_db()
    assert frameworks.title == "Enabling legal and policy frameworks"
    links = PracticeChallenge.objects.filter(challenge__slug="top-down-governance")
    assert (
        dict(links.values_list("goodpractice__slug", "basis"))[
            "local-governments-in-global-digital-policy"
        ]
        == Basis.CLOSE
    )
    assert seed_records_correct(dry_run=True).lines() == []


def test_a_record_a_curator_changed_after_the_re_read_is_left_as_it_is(re_read_seed):
    GoodPractice.objects.filter(slug="enabling-legal-and-policy-frameworks").update(
        summary="A curator's summary."
    )
    report = seed_records_correct()
    assert report.kept == [
        "practice enabling-legal-and-policy-frameworks: changed since it was seeded (summary)"
    ]
    frameworks = GoodPractice.objects.get(slug="enabling-legal-and-policy-frameworks")
    assert frameworks.title.endswith("for city digitalisation")


# --- The migration itself, on the earlier seed loaded under the schema it was written for -----


def load_with_models(apps, paths):
    """Load fixtures with the migration state's models (loaddata would use today's)."""
    by_slug = {}

    def find(model, value):
        key = value[0]
        if model._meta.label == "taggit.Tag":
            return model.objects.get(name=key)
        return by_slug.get((model._meta.label, key)) or model.objects.get(slug=key)

    later = []
    for path in paths:
        for record in json.loads(path.read_text(encoding="utf-8")):
            model = apps.get_model(record["model"])
            values, links = {}, {}
            for name, value in record["fields"].items():
                field = model._meta.get_field(name)
                if field.many_to_many:
                    links[name] = value
                elif field.is_relation and value is not None:
                    try:
                        values[field.attname] = find(field.related_model, value).pk
                    except field.related_model.DoesNotExist:
                        later.append((model, record, name, value))  # an event "part of" a later one
                else:
                    values[name] = value
            row = model.objects.create(**values)
            if "slug" in values:
                by_slug[(model._meta.label, values["slug"])] = row
            for name, items in links.items():
                related = model._meta.get_field(name).related_model
                getattr(row, name).set([find(related, item) for item in items])
    for model, record, name, value in later:
        row = by_slug[(model._meta.label, record["fields"]["slug"])]
        setattr(row, name, find(model._meta.get_field(name).related_model, value))
        row.save()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_link_of_a_database_seeded_before_it():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_EVIDENCE)
    try:
        executor.loader.build_graph()
        apps = executor.loader.project_state(BEFORE_EVIDENCE).apps
        load_with_models(apps, [earlier_seed_path(name) for name in EARLIER_SEED])
        before = {table: _rows(table) for table in LINK_COLUMNS}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert {table: len(rows) for table, rows in before.items()} == {
        "cases_goodpractice_cities": 57,
        "cases_event_cities": 28,
        "cases_goodpractice_challenges": 87,
        "cases_event_challenges": 39,
    }
    for table, rows in before.items():
        assert _rows(table) == rows, table
    assert set(PracticeCity.objects.values_list("role", "passage")) == {(CityRole.DID, "")}
    assert set(EventCity.objects.values_list("role", "passage")) == {(CityRole.TOOK_PART, "")}
    # The corrections then apply to the migrated database as to one seeded today.
    report = seed_records_correct()
    assert (len(report.corrected), report.kept) == (44, [])


LINK_COLUMNS = {
    "cases_goodpractice_cities": ("goodpractice_id", "city_id"),
    "cases_event_cities": ("event_id", "city_id"),
    "cases_goodpractice_challenges": ("goodpractice_id", "challenge_id"),
    "cases_event_challenges": ("event_id", "challenge_id"),
}


def _rows(table):
    """The (record id, linked id) pairs of a link table."""
    owner, other = LINK_COLUMNS[table]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {owner}, {other} FROM {table}")  # noqa: S608 (fixed names)
        return sorted(cursor.fetchall())
