import io
import time

from django.core.management.base import BaseCommand, CommandError

from demo.data import (
    TIERS,
    DemoDataExists,
    clear_demo_data,
    generate_demo_data,
    vacuum_analyze,
)


class Command(BaseCommand):
    help = (
        "Generate demo practices, cities, events and tags for load tests (slugs start with "
        "'demo-'), or remove them again with --clear. Seed records are never touched."
    )

    def add_arguments(self, parser):
        size = parser.add_mutually_exclusive_group()
        size.add_argument(
            "--tier",
            choices=sorted(TIERS),
            help="S, M or L: about 1,000, 10,000 or 100,000 published practices.",
        )
        size.add_argument("--practices", type=int, help="Published practices to make.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed, the same data.")
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Remove the demo records (then generate, if sized).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        practices = TIERS[options["tier"]] if options["tier"] else options["practices"]
        if practices is not None and practices < 1:
            raise CommandError("--practices must be at least 1.")
        if practices is None and not options["clear"]:
            raise CommandError("Give --tier S|M|L, --practices N or --clear.")
        if options["clear"]:
            started = time.monotonic()
            removed = clear_demo_data()
            elapsed = time.monotonic() - started
            summary = ", ".join(f"{count:,} {kind}" for kind, count in removed.items())
            self.stdout.write(
                self.style.SUCCESS(f"Removed demo data: {summary} in {elapsed:.1f} s.")
            )
        if practices is None:
            return
        started = time.monotonic()
        progress_stream = io.StringIO() if options["no_progress"] else self.stderr._out
        try:
            plan = generate_demo_data(
                practices=practices, seed=options["seed"], progress_stream=progress_stream
            )
        except DemoDataExists as error:
            raise CommandError(str(error)) from error
        vacuum_analyze()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {plan.practices:,} published practices (and {plan.unpublished:,} "
                f"unpublished), {plan.cities:,} cities, {plan.events:,} events and "
                f"{plan.tags:,} tags in {elapsed:.1f} s (seed {options['seed']})."
            )
        )
