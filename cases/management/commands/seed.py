from django.core.management import call_command
from django.core.management.base import BaseCommand

from cases.search import practice_refresh_search

# Dependency order: each file refers only to records of the files before it.
SEED_FIXTURES = [
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


class Command(BaseCommand):
    help = "Load the seed catalogue from fixtures/ (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        call_command("loaddata", *SEED_FIXTURES, verbosity=0)
        # loaddata saves raw rows: the stored search columns are rebuilt from them here.
        practice_refresh_search()
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(SEED_FIXTURES)} seed fixtures."))
