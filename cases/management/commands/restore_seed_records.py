from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError

from cases.seeding import (
    SeedChanged,
    UnknownSeedSlugs,
    seed_plan_lines,
    seed_restore,
    seed_restore_plan,
)


class Command(BaseCommand):
    help = (
        "Put back the seed's version of seed records (fields, status, links, tags), "
        "after showing what will change."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Slugs of the seed records to restore.")
        parser.add_argument(
            "--all", action="store_true", dest="every", help="Restore every seed record."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; change nothing."
        )
        parser.add_argument(
            "--yes",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Restore without asking for confirmation.",
        )

    def handle(self, *args, slugs, every, dry_run, interactive, **options):
        if bool(slugs) == every:
            raise CommandError("Name the seed records to restore by slug, or pass --all.")
        selection = None if every else slugs
        try:
            plan = seed_restore_plan(slugs=selection)
        except UnknownSeedSlugs as error:
            raise CommandError(f"Not in the seed: {', '.join(error.args[0])}.") from None
        lines = seed_plan_lines(plan)
        if not lines:
            self.stdout.write(self.style.SUCCESS("Nothing to restore: these match the seed."))
            return
        self.stdout.write("\n".join(lines))
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        if interactive and not self._confirmed(len(plan)):
            self.stdout.write("Nothing was restored.")
            return
        try:
            seed_restore(slugs=selection, expected=lines)
        except SeedChanged:
            raise CommandError(
                "The records changed while you were deciding; nothing was restored. "
                "Run the command again to see the changes as they are now."
            ) from None
        except (IntegrityError, DeserializationError) as error:
            # A clash with a record a curator made, or a link to a record that is missing.
            raise CommandError(f"Nothing was restored: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(f"Restored the seed's version of {len(plan)} records.")
        )

    def _confirmed(self, count):
        try:
            answer = input(f"Restore the seed's version of these {count} records? [y/N] ")
        except EOFError:
            return False
        return answer.strip().lower() in {"y", "yes"}
