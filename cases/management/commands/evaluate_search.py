"""Rank the relevance set's questions on this database's catalogue and print MRR@5."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases.relevance import CUTOFF, QUESTIONS, answer, load_questions, mean_reciprocal_rank


class Command(BaseCommand):
    help = (
        "Run every question of the relevance set through the catalogue's search and print the "
        f"rank of its first relevant practice and the MRR@{CUTOFF}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--questions", default=str(QUESTIONS), help="A questions.json file.")
        parser.add_argument(
            "--fail-under",
            type=float,
            default=None,
            help="Exit with an error when MRR@5 is below this (0 to 1).",
        )

    def handle(self, *args, questions, fail_under, **options):
        answers = [answer(entry) for entry in load_questions(questions)]
        for result in answers:
            rank = str(result.rank) if result.rank else "-"
            mode = " (any word)" if result.any_word else ""
            self.stdout.write(f"{rank:>2}  {result.question}{mode}")
            if options["verbosity"] > 1:
                self.stdout.write(f"    {', '.join(result.found) or 'nothing found'}")
        mrr = mean_reciprocal_rank(answers)
        found = sum(1 for result in answers if result.rank)
        self.stdout.write(
            f"MRR@{CUTOFF} on {connection.vendor}: {mrr:.3f} "
            f"({len(answers)} questions, {found} with a relevant practice in the first {CUTOFF})"
        )
        if fail_under is not None and mrr < fail_under:
            raise CommandError(f"MRR@{CUTOFF} {mrr:.3f} is below {fail_under}.")
