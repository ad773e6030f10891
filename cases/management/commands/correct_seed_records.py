from django.core.management.base import BaseCommand

from cases.seed_corrections import seed_records_correct


class Command(BaseCommand):
    help = (
        "Give the seed records no curator has changed the current seed's version (fields, "
        "links with their passages, tags), add what the seed adds, and say what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; change nothing."
        )

    def handle(self, *args, dry_run, **options):
        report = seed_records_correct(dry_run=dry_run)
        for line in report.lines():
            self.stdout.write(line)
        summary = (
            f"{len(report.corrected)} corrected, {len(report.added)} added, "
            f"{len(report.removed)} removed, {len(report.kept)} left as curators changed them, "
            f"{report.current} already current."
        )
        if dry_run:
            self.stdout.write(f"Dry run: nothing was changed. It would be: {summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Seed records: {summary}"))
