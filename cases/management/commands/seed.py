from django.core.management.base import BaseCommand

from cases.seeding import seed_add_missing


class Command(BaseCommand):
    help = (
        "Add the seed records from fixtures/ that are missing. Records already there keep "
        "every field, status and link (restore_seed_records puts the seed's version back)."
    )

    def handle(self, *args, **options):
        report = seed_add_missing()
        for problem in report.skipped:
            self.stderr.write(self.style.WARNING(f"Skipped {problem}"))
        if report.added:
            added = ", ".join(f"{count} {name}" for name, count in sorted(report.added.items()))
            self.stdout.write(self.style.SUCCESS(f"Seed: added {added}."))
        else:
            self.stdout.write(self.style.SUCCESS("Seed: nothing was missing."))
        if report.kept:
            self.stdout.write(
                f"{report.kept} seed records already there were left as they are "
                "(restore_seed_records --dry-run shows how they differ from the seed)."
            )
