import json

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cases.models import GoodPractice
from cases.search import practice_refresh_search

# Dependency order: each file refers only to records of the files before it.
SEED_FIXTURES = [
    "themes",
    "challenges",
    "countries",
    "cities",
    "organisations",
    "sources",
    "people",
    "events",
    "event_cities",
    "event_challenges",
    "event_people",
    "practices",
    "practice_cities",
    "practice_challenges",
    "practice_redirects",
    "statements",
    "tags",
    "tagged_practices",
]


def _seed_practice_slugs():
    fixture = settings.BASE_DIR / "fixtures" / "practices.json"
    return [record["fields"]["slug"] for record in json.loads(fixture.read_text())]


class Command(BaseCommand):
    help = "Load the seed catalogue from fixtures/ (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        call_command("loaddata", *SEED_FIXTURES, verbosity=0)
        # loaddata saves raw rows: the stored search columns of the seed practices are rebuilt
        # here, and only theirs (a catalogue with 100,000 demo practices took minutes).
        seed_practices = GoodPractice.objects.filter(slug__in=_seed_practice_slugs())
        practice_refresh_search(practice_ids=seed_practices.values_list("pk", flat=True))
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(SEED_FIXTURES)} seed fixtures."))
