import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from cases import services
from cases.caching import catalogue_version
from cases.models import City, Country, Event, GoodPractice, Kind, Source, Status
from cases.search import practice_refresh_search, stored_documents
from challenges.models import Challenge
from demo.data import (
    Plan,
    clear_demo_data,
    demo_counts,
    demo_practices,
    generate_demo_data,
    vocabulary,
    word_in_about,
)

from .factories import make_challenge, make_city, make_event, make_person, make_practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenges():
    return [make_challenge() for _ in range(4)]


def snapshot():
    practices = demo_practices().order_by("slug").prefetch_related("challenges", "cities", "tags")
    return [
        (
            practice.slug,
            practice.title,
            practice.description,
            practice.status,
            practice.published_at,
            [challenge.slug for challenge in practice.challenges.all()],
            [city.name for city in practice.cities.all()],
            sorted(tag.name for tag in practice.tags.all()),
        )
        for practice in practices
    ]


def test_the_same_seed_gives_the_same_records(challenges):
    generate_demo_data(practices=30, seed=7)
    first = snapshot()
    clear_demo_data()
    generate_demo_data(practices=30, seed=7)
    assert snapshot() == first


def test_another_seed_gives_other_records(challenges):
    generate_demo_data(practices=30, seed=7)
    first = snapshot()
    clear_demo_data()
    generate_demo_data(practices=30, seed=8)
    assert [row[1] for row in snapshot()] != [row[1] for row in first]


def test_practices_count_is_the_published_count_and_the_rest_scales_with_it(challenges):
    generate_demo_data(practices=400, seed=1)
    plan = Plan.for_practices(400)
    counts = demo_counts()
    assert counts["published"] == 400
    assert counts["practices"] == 400 + plan.unpublished
    assert (counts["cities"], counts["events"], counts["tags"]) == (
        plan.cities,
        plan.events,
        plan.tags,
    )


@pytest.mark.parametrize(
    ("practices", "cities", "events"),
    [(1_000, 50, 5), (10_000, 200, 50), (100_000, 1_000, 500)],
)
def test_tiers_have_about_the_cities_and_events_the_issue_asks_for(practices, cities, events):
    plan = Plan.for_practices(practices)
    assert 0.8 * cities <= plan.cities <= 1.2 * cities
    assert plan.events == events


def test_every_published_practice_addresses_a_challenge_and_names_a_city(challenges):
    generate_demo_data(practices=100, seed=1)
    published = demo_practices().filter(status=Status.PUBLISHED)
    assert not published.filter(challenges=None).exists()
    assert not published.filter(cities=None).exists()
    assert published.filter(challenges__isnull=False).distinct().count() == 100


def test_every_published_record_shows_the_evidence_publishing_asks_for(challenges):
    generate_demo_data(practices=80, seed=1)
    practices = demo_practices().filter(status=Status.PUBLISHED)
    assert {practice.kind for practice in practices} == {Kind.CITY_PRACTICE, Kind.RECOMMENDATION}
    for practice in practices:
        assert services.practice_evidence_problems(practice=practice) == [], practice.slug
    for event in Event.objects.filter(slug__startswith="demo-"):
        assert services.event_evidence_problems(event=event) == [], event.slug


def test_practices_address_several_challenges_on_average(challenges):
    generate_demo_data(practices=200, seed=1)
    links = GoodPractice.challenges.through.objects.filter(goodpractice__slug__startswith="demo-")
    assert links.count() / demo_practices().count() >= 2


def test_publication_dates_spread_over_years(challenges):
    generate_demo_data(practices=200, seed=1)
    years = demo_practices().filter(status=Status.PUBLISHED).dates("published_at", "year")
    assert len(years) >= 5


def test_common_words_are_in_most_practices_and_rare_words_in_few(challenges):
    generate_demo_data(practices=300, seed=1)
    common, rare = vocabulary()[0], vocabulary()[-1]
    practices = demo_practices()
    assert practices.filter(description__contains=f" {common} ").count() > 0.8 * 300
    assert practices.filter(description__regex=rf"\b{rare}\b").count() < 0.02 * 300


def test_tags_follow_a_long_tail(challenges):
    generate_demo_data(practices=300, seed=1)
    uses = sorted(
        (
            tag.cases_taggedpractice_items.count()
            for tag in Tag.objects.filter(slug__startswith="demo-")
        ),
        reverse=True,
    )
    assert uses[0] >= 10 * max(uses[-1], 1)


def test_a_word_for_a_document_count_is_rarer_for_fewer_documents():
    words = vocabulary()
    assert words.index(word_in_about(5, 10_000)) > words.index(word_in_about(500, 10_000))


def test_generation_without_challenges_makes_demo_ones():
    generate_demo_data(practices=20, seed=1)
    assert Challenge.objects.filter(slug__startswith="demo-").exists()
    clear_demo_data()
    assert not Challenge.objects.exists()


def test_clear_removes_every_demo_record(challenges):
    generate_demo_data(practices=50, seed=1)
    clear_demo_data()
    assert demo_counts() == {"practices": 0, "published": 0, "cities": 0, "events": 0, "tags": 0}
    assert not Country.objects.filter(slug__startswith="demo-").exists()
    assert not Source.objects.filter(slug="demo-generated-data").exists()


def test_clear_and_generation_leave_other_records_as_they_were(challenges):
    city = make_city(name="Nairobi")
    event = make_event(title="Side event in Nairobi", cities=[city])
    practice = make_practice(
        title="Open data portal",
        challenges=challenges[:2],
        cities=[city],
        events=[event],
        tags=["open data"],
    )
    before = GoodPractice.objects.values().get(pk=practice.pk)
    generate_demo_data(practices=50, seed=1)
    clear_demo_data()
    practice = GoodPractice.objects.get(pk=practice.pk)
    assert GoodPractice.objects.values().get(pk=practice.pk) == before
    assert list(practice.challenges.all()) == sorted(challenges[:2], key=lambda c: c.name)
    assert [tag.name for tag in practice.tags.all()] == ["open data"]
    assert list(practice.cities.all()) == [city]
    assert list(event.cities.all()) == [city]
    assert Challenge.objects.count() == 4
    assert City.objects.count() == Event.objects.count() == 1


def test_clear_keeps_what_others_use_and_unlinks_what_points_at_demo_practices(challenges):
    generate_demo_data(practices=30, seed=1)
    demo_practice = demo_practices().order_by("slug").first()
    demo_tag = Tag.objects.filter(slug__startswith="demo-").order_by("slug").first()
    practice = make_practice(title="Open data portal", challenges=challenges[:1])
    practice.tags.add(demo_tag)
    practice.see_also.add(demo_practice)
    person = make_person(statements=["We pooled budgets."])
    statement = person.statements.get()
    statement.practice = demo_practice
    statement.save()
    clear_demo_data()
    assert not demo_practices().exists()
    assert [tag.slug for tag in practice.tags.all()] == [demo_tag.slug]
    assert list(practice.see_also.all()) == []
    statement.refresh_from_db()
    assert statement.practice is None


def test_clear_leaves_postgresqls_foreign_key_checks_on(challenges):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the clear turns its foreign-key checks off while it runs")
    generate_demo_data(practices=10, seed=1)
    clear_demo_data()
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


def test_clear_moves_the_catalogue_version_once_and_its_queries_do_not_grow(
    challenges, django_capture_on_commit_callbacks
):
    generate_demo_data(practices=20, seed=1)
    before = catalogue_version()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        CaptureQueriesContext(connection) as small,
    ):
        clear_demo_data()
    assert len(callbacks) == 1 and catalogue_version() == before + 1
    generate_demo_data(practices=300, seed=1)
    with CaptureQueriesContext(connection) as large:
        clear_demo_data()
    # One statement per table, whatever the number of rows.
    assert len(large) == len(small)


def test_generation_queries_do_not_grow_with_the_number_of_practices(challenges):
    with CaptureQueriesContext(connection) as small:
        generate_demo_data(practices=50, seed=1)
    clear_demo_data()
    with CaptureQueriesContext(connection) as large:
        generate_demo_data(practices=500, seed=1)
    # Ten times the practices, the same batches: SQLite may split a batch by its parameter limit.
    assert len(large) <= len(small) + 10


def test_command_generates_and_clears(challenges, capsys):
    call_command("generate_demo_data", "--practices", "20", "--seed", "3", "--no-progress")
    assert "Generated 20 published practices" in capsys.readouterr().out
    call_command("generate_demo_data", "--clear")
    output = capsys.readouterr().out
    assert "Removed demo data: 21 practices" in output
    assert re.search(r"in \d+\.\d s\.", output)
    assert not demo_practices().exists()


def test_command_refuses_to_generate_over_existing_demo_data(challenges):
    call_command("generate_demo_data", "--practices", "20", "--no-progress")
    with pytest.raises(CommandError, match="--clear"):
        call_command("generate_demo_data", "--practices", "20", "--no-progress")


def test_command_with_clear_and_a_size_regenerates(challenges):
    call_command("generate_demo_data", "--practices", "20", "--no-progress")
    call_command("generate_demo_data", "--clear", "--practices", "40", "--no-progress")
    assert demo_counts()["published"] == 40


@pytest.mark.parametrize("arguments", [[], ["--practices", "0"], ["--tier", "XL"]])
def test_command_rejects_a_missing_or_bad_size(arguments):
    with pytest.raises(CommandError):
        call_command("generate_demo_data", *arguments)


def page_query_counts(client):
    city = City.objects.filter(slug__startswith="demo-0001-").get()
    urls = [
        "/",
        "/practices/",
        "/practices/?page=2",
        "/practices/demo-practice-000001/",
        city.get_absolute_url(),
        "/cities/",
        "/events/",
        "/challenges/",
    ]
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    return counts


def test_page_query_counts_are_the_same_for_a_small_and_a_ten_times_larger_catalogue(
    challenges, client, django_capture_on_commit_callbacks
):
    # The catalogue's version moves when a write commits; the test's transaction never does.
    with django_capture_on_commit_callbacks(execute=True):
        generate_demo_data(practices=40, seed=1)
    small = page_query_counts(client)
    with django_capture_on_commit_callbacks(execute=True):
        clear_demo_data()
        generate_demo_data(practices=400, seed=1)
    assert page_query_counts(client) == small


def seed_snapshot():
    practices = GoodPractice.objects.exclude(slug__startswith="demo-").order_by("slug")
    return [
        (
            GoodPractice.objects.values().get(pk=practice.pk),
            sorted(practice.challenges.values_list("slug", flat=True)),
            sorted(practice.cities.values_list("slug", flat=True)),
            sorted(practice.events.values_list("slug", flat=True)),
            sorted(practice.tags.values_list("name", flat=True)),
        )
        for practice in practices
    ] + [list(model.objects.values()) for model in (Challenge, City, Country, Event, Source, Tag)]


def test_seed_records_survive_a_generation_and_a_clear():
    call_command("seed")
    before = seed_snapshot()
    assert GoodPractice.objects.exists()
    generate_demo_data(practices=60, seed=1)
    clear_demo_data()
    assert seed_snapshot() == before


def stored_search_documents():
    return stored_documents(demo_practices().values_list("pk", flat=True))


def test_generated_practices_get_the_search_documents_a_refresh_would_give(challenges):
    generate_demo_data(practices=20, seed=1)
    stored = stored_search_documents()
    assert len(stored) == demo_practices().count()
    assert all(stored.values())
    practice_refresh_search(practice_ids=demo_practices().values_list("pk", flat=True))
    assert stored_search_documents() == stored


def test_generated_practices_are_found_by_the_catalogue_search(challenges, client):
    generate_demo_data(practices=20, seed=1)
    practice = demo_practices().filter(status=Status.PUBLISHED).order_by("slug").first()
    word = max(practice.title.split(), key=len)
    response = client.get("/practices/", {"q": word})
    assert practice.title in response.content.decode()


def installed_apps(**environment):
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "citylearn.settings",
        "DJANGO_SECRET_KEY": "x" * 60,
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.INSTALLED_APPS)"],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_production_leaves_the_demo_app_out():
    assert "'demo'" not in installed_apps(DJANGO_DEBUG="false")


@pytest.mark.parametrize(
    "environment", [{"DJANGO_DEBUG": "true"}, {"DJANGO_DEBUG": "false", "DJANGO_DEMO_DATA": "on"}]
)
def test_development_or_demo_data_installs_the_demo_app(environment):
    assert "'demo'" in installed_apps(**environment)
