"""Seeding adds what is missing and never overwrites; restoring the seed's version is explicit."""

import io
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.countries import countries_add_missing
from cases.models import City, CityRole, GoodPractice, Status, Transition
from cases.search import practice_refresh_search, stored_documents
from cases.seeding import SEED_FIXTURES

from .factories import make_curator
from .test_fixtures import dump_catalogue

pytestmark = pytest.mark.django_db

BERLIN = "berlin-gemeinsam-digital-smart-city-strategy"
CURATED_TITLE = "Berlin's strategy Gemeinsam Digital (title corrected by a curator)"


def run(*args, **options):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out, **options)
    return out.getvalue()


def dump():
    """Every catalogue row with its fields and links, by natural key, and what search stores
    of each practice (practice_search, on both databases).

    What search stores is compared as sets of words: the order in which a practice's names go
    into it follows the order rows come back from the database, which may differ, and so do
    PostgreSQL's word positions.
    """
    rows = dump_catalogue(natural_primary=True)
    slugs = dict(GoodPractice.objects.values_list("pk", "slug"))
    for pk, stored in sorted(stored_documents(slugs).items()):
        text = stored if isinstance(stored, str) else " ".join(stored)
        words = sorted({word.split("':")[0].strip("'") for word in text.lower().split()})
        rows.append({"model": "practice_search", "fields": {"practice": slugs[pk], "words": words}})
    return rows


@pytest.fixture
def seeded():
    run("seed")
    return GoodPractice.objects.get(slug=BERLIN)


def curate(practice):
    """What a curator might do to a seed practice: retitle, archive, unlink a city and a tag."""
    practice.title = CURATED_TITLE
    practice.status = Status.ARCHIVED
    practice.save()
    practice.cities.remove(City.objects.get(slug="berlin"))
    practice.cities.add(City.objects.get(slug="munich"))
    practice.tags.remove("smart city strategy")


def test_seed_into_an_empty_database_gives_what_loading_the_fixtures_gave():
    call_command("loaddata", *SEED_FIXTURES, verbosity=0)
    countries_add_missing()  # the seed adds every other ISO country to the fixtures' twelve
    practice_refresh_search()
    loaded = dump()
    # Each fixture file holds one model; later files refer to earlier ones.
    for name in reversed(SEED_FIXTURES):
        path = settings.BASE_DIR / "fixtures" / f"{name}.json"
        apps.get_model(json.loads(path.read_text())[0]["model"]).objects.all().delete()
    assert dump() == []
    run("seed")
    assert dump() == loaded


def test_seeding_again_keeps_a_curators_edits_links_and_status(seeded):
    curate(seeded)
    before = dump()
    output = run("seed")
    assert dump() == before
    assert "nothing was missing" in output
    practice = GoodPractice.objects.get(slug=BERLIN)
    assert practice.title == CURATED_TITLE
    assert practice.status == Status.ARCHIVED
    assert set(practice.cities.values_list("slug", flat=True)) == {"munich"}
    assert "smart city strategy" not in practice.tags.names()


def test_seeding_again_keeps_a_practice_archived_in_the_admin(client, seeded):
    client.force_login(make_curator(is_staff=True, is_superuser=True))
    changelist = reverse("admin:cases_goodpractice_changelist")
    client.post(changelist, {"action": "archive", "_selected_action": [seeded.pk]})
    assert GoodPractice.objects.get(pk=seeded.pk).status == Status.ARCHIVED
    run("seed")
    assert GoodPractice.objects.get(pk=seeded.pk).status == Status.ARCHIVED
    assert seeded.title not in client.get(reverse("cases:practice-list")).content.decode()


def test_seed_adds_back_a_deleted_practice_with_its_links_and_search_columns(seeded):
    seeded.delete()
    output = run("seed")
    assert "added 2 cities on practices, 1 good practices, 1 tagged practices" in output
    practice = GoodPractice.objects.get(slug=BERLIN)
    roles = set(practice.city_links.values_list("city__slug", "role"))
    assert roles == {("berlin", CityRole.DID), ("berlin", CityRole.PRESENTED)}
    assert all(practice.city_links.values_list("passage", flat=True))
    assert set(practice.tags.names()) == {"smart city strategy"}
    assert practice.no_challenge_reason
    assert "berlin" in str(stored_documents([practice.pk])[practice.pk]).lower()


def test_seed_reports_a_record_that_clashes_with_one_a_curator_made_and_adds_the_rest(seeded):
    # A curator renamed a seed city's slug; the seed's "bonn" would repeat its name.
    City.objects.filter(slug="bonn").update(slug="bonn-am-rhein")
    seeded.delete()
    output = run("seed")
    assert "Skipped city bonn: clashes with a record already there" in output
    assert not City.objects.filter(slug="bonn").exists()
    assert GoodPractice.objects.filter(slug=BERLIN).exists()


def test_restore_dry_run_shows_each_change_and_changes_nothing(seeded):
    curate(seeded)
    before = dump()
    output = run("restore_seed_records", BERLIN, "--dry-run")
    assert f"good practice {BERLIN}:" in output
    assert f"title: {CURATED_TITLE!r} -> " in output
    assert "status: 'archived' -> 'published'" in output
    assert "+ cities: berlin ('did', 'from Berlin on their Smart City strategy" in output
    assert "+ cities: berlin ('presented', 'Following initial presentations from Berlin')" in output
    assert "- cities: munich ('did', (empty))" in output
    assert "+ tags: smart city strategy" in output
    assert "Dry run: nothing was changed." in output
    assert dump() == before


def test_restore_with_yes_puts_the_seed_version_back_and_records_the_status_move(seeded):
    original, seed_title = dump(), seeded.title
    curate(seeded)
    run("restore_seed_records", BERLIN, "--yes")
    practice = GoodPractice.objects.get(slug=BERLIN)
    assert practice.title == seed_title
    assert practice.status == Status.PUBLISHED
    assert set(practice.cities.values_list("slug", flat=True)) == {"berlin"}
    assert "smart city strategy" in practice.tags.names()
    move = Transition.objects.get(practice=practice)
    assert (move.from_status, move.to_status) == (Status.ARCHIVED, Status.PUBLISHED)
    assert "berlin" in str(stored_documents([practice.pk])[practice.pk]).lower()
    # Fields and links as the seed has them again; only the row's timestamp and version moved.
    assert content(dump()) == content(original)


def content(rows):
    for row in rows:
        row["fields"].pop("updated_at", None)
        row["fields"].pop("version", None)
    return sorted(json.dumps(row) for row in rows if row["model"] != "cases.transition")


def test_restore_asks_first_and_an_answer_of_no_changes_nothing(seeded, monkeypatch):
    curate(seeded)
    before = dump()
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    output = run("restore_seed_records", BERLIN)
    assert "Nothing was restored." in output
    assert dump() == before


def test_restore_refuses_when_the_record_changed_while_the_operator_decided(seeded, monkeypatch):
    curate(seeded)

    def edit_then_confirm(prompt):
        GoodPractice.objects.filter(pk=seeded.pk).update(summary="Edited meanwhile.")
        return "y"

    monkeypatch.setattr("builtins.input", edit_then_confirm)
    with pytest.raises(CommandError, match="changed while you were deciding"):
        run("restore_seed_records", BERLIN)
    assert GoodPractice.objects.get(pk=seeded.pk).title == CURATED_TITLE


def test_restore_all_adds_a_deleted_record_back(seeded):
    seeded.delete()
    output = run("restore_seed_records", "--all", "--yes")
    assert f"good practice {BERLIN}: missing; it will be added with its links" in output
    practice = GoodPractice.objects.get(slug=BERLIN)
    assert set(practice.tags.names()) == {"smart city strategy"}
    assert practice.city_links.count() == 2


def test_restore_says_so_when_nothing_differs(seeded):
    assert "Nothing to restore" in run("restore_seed_records", "--all", "--dry-run")


def test_restore_refuses_a_slug_that_is_not_in_the_seed(seeded):
    with pytest.raises(CommandError, match="Not in the seed: no-such-practice"):
        run("restore_seed_records", "no-such-practice", "--yes")


def test_restore_needs_slugs_or_all(seeded):
    with pytest.raises(CommandError, match="by slug, or pass --all"):
        run("restore_seed_records")


def test_restore_of_a_record_whose_links_are_missing_restores_nothing_and_says_why(seeded):
    seeded.delete()
    City.objects.filter(slug="berlin").delete()
    with pytest.raises(CommandError, match="Nothing was restored"):
        run("restore_seed_records", BERLIN, "--yes")
    assert not GoodPractice.objects.filter(slug=BERLIN).exists()
