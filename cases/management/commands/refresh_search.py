"""Rebuild what search stores of every practice, and its "did you mean" vocabulary."""

from django.core.management.base import BaseCommand

from cases.caching import bump_catalogue_version
from cases.search import practice_refresh_search


class Command(BaseCommand):
    help = (
        "Rebuild the search documents of every practice and the vocabulary of the published "
        "ones: after an upgrade that changes what search stores (such as issue 17's challenge "
        "definitions and vocabulary)."
    )

    def handle(self, *args, **options):
        count = practice_refresh_search()
        bump_catalogue_version()
        self.stdout.write(f"Search refreshed for {count} practices.")
