"""How well search answers the questions officials type: the relevance set and MRR@5.

questions.json holds the set; `python manage.py evaluate_search` prints each question's rank and
the mean reciprocal rank of the first relevant result among the first five (MRR@5). Questions
run through the catalogue exactly as a reader's search does (CatalogueQuery), so what is
measured is what readers get.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.http import QueryDict

from cases.catalogue import CatalogueQuery
from cases.models import GoodPractice

QUESTIONS = Path(__file__).with_name("questions.json")
CUTOFF = 5


@dataclass
class Answer:
    question: str
    rank: int | None  # 1-based rank of the first relevant practice in the first CUTOFF, or None
    found: list[str]  # slugs of the first CUTOFF practices
    any_word: bool  # whether the catalogue fell back to any word

    @property
    def reciprocal_rank(self) -> float:
        return 1 / self.rank if self.rank else 0.0


def load_questions(path=QUESTIONS) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["questions"]


def relevant_slugs(entry: dict) -> set[str]:
    """The practices a good answer contains: those named, and those of the named challenge."""
    slugs = set(entry.get("practices", []))
    if entry.get("challenge"):
        in_challenge = GoodPractice.objects.filter(challenges__slug=entry["challenge"])
        slugs |= set(in_challenge.values_list("slug", flat=True))
    return slugs


def answer(entry: dict) -> Answer:
    # A QueryDict, as request.GET is (`QueryDict() | {...}` would be a plain dict).
    catalogue = CatalogueQuery.from_get(QueryDict(urlencode({"q": entry["question"]})))
    page = catalogue.page(1)
    found = [practice.slug for practice in page.object_list[:CUTOFF]]
    relevant = relevant_slugs(entry)
    rank = next((number for number, slug in enumerate(found, 1) if slug in relevant), None)
    return Answer(entry["question"], rank, found, catalogue.any_word)


def mean_reciprocal_rank(answers: list[Answer]) -> float:
    return sum(a.reciprocal_rank for a in answers) / len(answers) if answers else 0.0
