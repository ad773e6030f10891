"""Demo data for load tests: many practices with realistic shapes, removable again.

Every record made here has a slug that starts with `demo-`, so `clear_demo_data()` removes
exactly these and nothing else: seed records and what editors wrote are never touched.

Shapes follow a long tail (Zipf's law): a few words, tags, challenges and cities appear in most
practices and many appear in only a handful, as in real catalogues. That gives a benchmark both
very common and very rare search terms. The same seed gives the same records, row for row.
"""

import functools
import itertools
import math
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils.text import slugify
from taggit.models import Tag

from cases.caching import bump_catalogue_version
from cases.models import (
    Basis,
    City,
    CityRole,
    Country,
    Event,
    EventCity,
    GoodPractice,
    Kind,
    PracticeChallenge,
    PracticeCity,
    Region,
    SearchWord,
    Source,
    Status,
    TaggedPractice,
)
from cases.search import forget_practices, practice_refresh_search
from challenges.models import Challenge, Theme

PREFIX = "demo-"
SOURCE_SLUG = "demo-generated-data"
BATCH_SIZE = 1000

# Published practices per tier; cities and events follow from Plan.for_practices().
TIERS = {"S": 1_000, "M": 10_000, "L": 100_000}

# The head of the word distribution: domain words that PostgreSQL's English search keeps (no
# stop words), so the most common search terms are real ones.
COMMON_WORDS = [
    "data",
    "city",
    "digital",
    "services",
    "residents",
    "platform",
    "council",
    "budget",
    "department",
    "project",
    "transport",
    "water",
    "housing",
    "energy",
    "health",
    "schools",
    "mobility",
    "waste",
    "climate",
    "security",
    "open",
    "portal",
    "pilot",
    "partnership",
    "training",
    "skills",
    "network",
    "sensors",
    "permits",
    "procurement",
    "community",
    "feedback",
    "mapping",
    "dashboard",
    "infrastructure",
    "funding",
    "revenue",
    "leadership",
    "culture",
    "silos",
    "inclusion",
    "literacy",
    "trust",
    "quality",
    "cyber",
    "resilience",
    "youth",
    "markets",
    "parking",
    "lighting",
    "flooding",
    "heat",
    "trees",
    "cycling",
    "buses",
    "taxes",
    "licences",
    "registry",
    "archive",
]
SYLLABLES = [
    "ka",
    "ri",
    "to",
    "na",
    "mo",
    "le",
    "su",
    "vi",
    "da",
    "pe",
    "lo",
    "ra",
    "ni",
    "ze",
    "tu",
    "ba",
    "go",
    "ki",
    "me",
    "sa",
    "ho",
    "ru",
    "fe",
    "ta",
    "lu",
]
VOCABULARY_SIZE = 30_000
WORD_EXPONENT = 1.1
# Words per field of a practice: (fewest, most).
FIELD_LENGTHS = {
    "title": (4, 8),
    "summary": (20, 35),
    "description": (60, 120),
    "results": (20, 40),
    "lessons": (15, 30),
    "transfer_conditions": (10, 20),
}
WORDS_PER_PRACTICE = sum((low + high) / 2 for low, high in FIELD_LENGTHS.values())
# Published dates spread over six years before a fixed day, so a seed always gives the same rows.
LATEST_PUBLICATION = datetime(2026, 1, 1, tzinfo=UTC)
PUBLICATION_SPAN = timedelta(days=6 * 365)
# Codes ISO 3166 leaves to users: no real country will ever hold them.
DEMO_COUNTRY_CODES = [f"X{letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]


@dataclass(frozen=True)
class Plan:
    """How many records of each kind one generation makes."""

    practices: int
    cities: int
    events: int
    tags: int

    @classmethod
    def for_practices(cls, practices):
        # 1,000 / 10,000 / 100,000 practices give about 50 / 200 / 1,000 cities and
        # 5 / 50 / 500 events, as the issue asks; other counts fall on the same curves.
        return cls(
            practices=practices,
            cities=max(3, round(0.56 * practices**0.65)),
            events=max(1, practices // 200),
            tags=40 + round(2 * math.sqrt(practices)),
        )

    @property
    def unpublished(self):
        # Drafts, reports in review and archived practices on top of the published ones.
        return self.practices // 20


class Progress:
    """A one-line progress bar on stderr; tqdm would be a dependency for a single bar."""

    def __init__(self, total, label, stream=None, width=30):
        self.total, self.label, self.width = total, label, width
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.started = time.monotonic()
        self.last_tenth = -1

    def update(self, count):
        self.done += count
        share = self.done / self.total if self.total else 1
        if self.stream.isatty():
            filled = round(share * self.width)
            bar = "#" * filled + "." * (self.width - filled)
            elapsed = time.monotonic() - self.started
            self.stream.write(
                f"\r{self.label} [{bar}] {share:4.0%} {self.done:,}/{self.total:,} {elapsed:.0f}s"
            )
        elif int(share * 10) > self.last_tenth:
            # Logs and pipes get one line per tenth instead of a carriage-return storm.
            self.last_tenth = int(share * 10)
            self.stream.write(f"{self.label}: {self.done:,}/{self.total:,}\n")
        self.stream.flush()

    def close(self):
        if self.stream.isatty():
            self.stream.write("\n")
            self.stream.flush()


def _pseudo_words(count, rng, taken):
    words = []
    for length in itertools.cycle((3, 2, 4)):
        word = "".join(rng.choice(SYLLABLES) for _ in range(length))
        if word not in taken:
            taken.add(word)
            words.append(word)
            if len(words) == count:
                return words


@functools.cache
def vocabulary():
    """The words of the generated texts, most frequent first; the same for every seed."""
    rng = random.Random(20260601)  # noqa: S311 (made-up data, not secrets)
    return tuple(
        COMMON_WORDS + _pseudo_words(VOCABULARY_SIZE - len(COMMON_WORDS), rng, set(COMMON_WORDS))
    )


def _cumulative_zipf(count, exponent):
    return list(itertools.accumulate(1 / rank**exponent for rank in range(1, count + 1)))


@functools.cache
def _word_weight_total():
    return _cumulative_zipf(VOCABULARY_SIZE, WORD_EXPONENT)[-1]


def expected_documents(rank, practices):
    """How many of `practices` texts are expected to contain the word of this rank (from 1)."""
    per_word = 1 / rank**WORD_EXPONENT / _word_weight_total()
    return practices * (1 - (1 - per_word) ** WORDS_PER_PRACTICE)


def word_in_about(documents, practices):
    """A vocabulary word expected in about `documents` of `practices` texts: a search term."""
    words = vocabulary()
    rank = min(
        range(1, len(words) + 1),
        key=lambda rank: abs(expected_documents(rank, practices) - documents),
    )
    return words[rank - 1]


def demo_practices():
    return GoodPractice.objects.filter(slug__startswith=PREFIX)


def demo_counts():
    return {
        "practices": demo_practices().count(),
        "published": demo_practices().filter(status=Status.PUBLISHED).count(),
        "cities": City.objects.filter(slug__startswith=PREFIX).count(),
        "events": Event.objects.filter(slug__startswith=PREFIX).count(),
        "tags": Tag.objects.filter(slug__startswith=PREFIX).count(),
    }


class DemoDataExists(Exception):
    pass


class Generator:
    def __init__(self, plan, seed, progress_stream=None):
        self.plan = plan
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        self.progress_stream = progress_stream
        self.words = vocabulary()
        self.word_weights = _cumulative_zipf(len(self.words), WORD_EXPONENT)

    def run(self):
        if demo_practices().exists() or City.objects.filter(slug__startswith=PREFIX).exists():
            raise DemoDataExists("Demo data is already there; remove it first with --clear.")
        with transaction.atomic():
            self.source = self._source()
            self.challenges = self._challenges()
            self.cities = self._cities()
            self.tags = self._tags()
            self.events = self._events()
        self._practices()

    def _text(self, field):
        low, high = FIELD_LENGTHS[field]
        return self.rng.choices(
            self.words, cum_weights=self.word_weights, k=self.rng.randint(low, high)
        )

    def _sentences(self, words):
        sentences, start = [], 0
        while start < len(words):
            end = start + self.rng.randint(8, 14)
            sentence = " ".join(words[start:end])
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
            start = end
        return " ".join(sentences)

    def _pick(self, population, cum_weights, count):
        """`count` distinct members, drawn with the long-tail weights."""
        chosen = set()
        while len(chosen) < min(count, len(population)):
            chosen.add(self.rng.choices(population, cum_weights=cum_weights)[0])
        return sorted(chosen, key=lambda member: member.pk)

    def _source(self):
        source, _ = Source.objects.get_or_create(
            slug=SOURCE_SLUG,
            defaults={
                "title": "Generated demo data",
                "publisher": "CityLearn load tests",
                "author": "generate_demo_data",
            },
        )
        return source

    def _challenges(self):
        challenges = list(Challenge.objects.order_by("pk"))
        if not challenges:
            # A fresh database without the seed still gets a taxonomy to file practices under.
            theme = Theme.objects.create(name="Demo theme", slug="demo-theme")
            challenges = Challenge.objects.bulk_create(
                Challenge(
                    theme=theme,
                    name=f"Demo challenge {number}",
                    slug=f"demo-challenge-{number}",
                    definition="A challenge made up for load tests.",
                )
                for number in range(1, 13)
            )
        # Which challenges are popular depends on the seed; the tail is long either way.
        self.rng.shuffle(challenges)
        self.challenge_weights = _cumulative_zipf(len(challenges), 0.7)
        return challenges

    def _cities(self):
        taken_codes = set(Country.objects.values_list("code", flat=True))
        taken_names = {name.lower() for name in Country.objects.values_list("name", flat=True)}
        names = iter(_pseudo_words(10_000, self.rng, set()))
        countries = []
        for code in DEMO_COUNTRY_CODES[: max(2, self.plan.cities // 40)]:
            name = f"{next(names).capitalize()}land"
            if code in taken_codes or name.lower() in taken_names:
                continue
            countries.append(
                Country(
                    name=name,
                    slug=f"{PREFIX}{slugify(name)}",
                    code=code,
                    region=self.rng.choice(Region.values),
                )
            )
        countries = Country.objects.bulk_create(countries)
        cities = []
        for number in range(1, self.plan.cities + 1):
            name = f"{next(names).capitalize()}{self.rng.choice(['ton', 'burg', 'ville', 'a'])}"
            cities.append(
                City(
                    name=name,
                    slug=f"{PREFIX}{number:04d}-{slugify(name)}",
                    country=self.rng.choice(countries),
                    population_band=self.rng.choice(City.PopulationBand.values),
                    latitude=Decimal(self.rng.randint(-60_00000, 70_00000)) / 100000,
                    longitude=Decimal(self.rng.randint(-180_00000, 180_00000)) / 100000,
                )
            )
        cities = City.objects.bulk_create(cities, batch_size=BATCH_SIZE)
        self.city_weights = _cumulative_zipf(len(cities), 0.8)
        return cities

    def _tags(self):
        taken = {name.lower() for name in Tag.objects.values_list("name", flat=True)}
        tags, names = [], set()
        while len(tags) < self.plan.tags:
            # A mid-frequency word and a head word: "kari mobility", "tolesu budget".
            name = f"{self.rng.choice(self.words[200:5000])} {self.rng.choice(COMMON_WORDS)}"
            if name in names or name in taken:
                continue
            names.add(name)
            tags.append(Tag(name=name, slug=f"{PREFIX}{slugify(name)}"))
        self.tag_weights = _cumulative_zipf(len(tags), 1.0)
        return Tag.objects.bulk_create(tags, batch_size=BATCH_SIZE)

    def _published_at(self):
        return LATEST_PUBLICATION - PUBLICATION_SPAN * self.rng.random()

    def _events(self):
        events = []
        for number in range(1, self.plan.events + 1):
            host = self.rng.choices(self.cities, cum_weights=self.city_weights)[0]
            published_at = self._published_at()
            topic = " and ".join(self._text("title")[:2])
            events.append(
                Event(
                    title=f"Peer exchange on {topic} in {host.name}",
                    slug=f"{PREFIX}event-{number:04d}",
                    summary=self._sentences(self._text("summary")),
                    starts_on=(published_at - timedelta(days=30)).date(),
                    place=host.name,
                    host_city=host,
                    format=self.rng.choice(Event.Format.values),
                    report=self._sentences(self._text("description")),
                    source=self.source,
                    status=Status.PUBLISHED,
                    published_at=published_at,
                )
            )
        events = Event.objects.bulk_create(events, batch_size=BATCH_SIZE)
        city_links, challenge_links = [], []
        for event in events:
            for city in self._pick(self.cities, self.city_weights, self.rng.randint(2, 5)):
                # Published links carry their passage, as the publishing rules ask.
                city_links.append(
                    EventCity(
                        event=event,
                        city=city,
                        role=CityRole.TOOK_PART,
                        passage=f"representatives of {city.name} took part",
                    )
                )
            challenges = self._pick(self.challenges, self.challenge_weights, self.rng.randint(1, 3))
            for challenge in challenges:
                challenge_links.append(Event.challenges.through(event=event, challenge=challenge))
        EventCity.objects.bulk_create(city_links, batch_size=BATCH_SIZE)
        Event.challenges.through.objects.bulk_create(challenge_links, batch_size=BATCH_SIZE)
        return events

    def _status(self, number):
        if number <= self.plan.practices:
            return Status.PUBLISHED
        return self.rng.choice([Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED])

    def _practice(self, number):
        status = self._status(number)
        title = " ".join(self._text("title"))
        fields = {
            field: self._sentences(self._text(field)) for field in FIELD_LENGTHS if field != "title"
        }
        # One in four is a recommendation, voiced by the participants of an event.
        is_recommendation = self.rng.random() < 0.25
        voice = {
            "voiced_by": "The participants" if is_recommendation else "",
            "voiced_by_passage": fields["lessons"] if is_recommendation else "",
        }
        return GoodPractice(
            title=title[0].upper() + title[1:],
            slug=f"{PREFIX}practice-{number:06d}",
            kind=Kind.RECOMMENDATION if is_recommendation else Kind.CITY_PRACTICE,
            # Sources often leave the stage unstated.
            stage=self.rng.choice(["", *GoodPractice.Stage.values]),
            source=self.source,
            source_quote=fields["summary"],
            **voice,
            status=status,
            published_at=None
            if status in (Status.DRAFT, Status.IN_REVIEW)
            else self._published_at(),
            **fields,
        )

    def _practices(self):
        total = self.plan.practices + self.plan.unpublished
        progress = Progress(total, "practices", self.progress_stream)
        for start in range(1, total + 1, BATCH_SIZE):
            numbers = range(start, min(start + BATCH_SIZE, total + 1))
            with transaction.atomic():
                practices = GoodPractice.objects.bulk_create(self._practice(n) for n in numbers)
                self._link(practices)
                practice_refresh_search(practice_ids=[practice.pk for practice in practices])
            progress.update(len(numbers))
        progress.close()

    def _link(self, practices):
        challenge_links, city_links, event_links, tag_links = [], [], [], []
        for practice in practices:
            # Several challenges per practice, most often two or three.
            count = self.rng.choice([1, 2, 2, 2, 3, 3, 4])
            for challenge in self._pick(self.challenges, self.challenge_weights, count):
                challenge_links.append(
                    PracticeChallenge(
                        goodpractice=practice,
                        challenge=challenge,
                        basis=Basis.NAMED,
                        passage=practice.summary,
                    )
                )
            # A city practice names the cities that did it; a recommendation those presenting it.
            role = CityRole.PRESENTED if practice.kind == Kind.RECOMMENDATION else CityRole.DID
            count = self.rng.choice([1, 1, 1, 1, 2, 3])
            for city in self._pick(self.cities, self.city_weights, count):
                city_links.append(
                    PracticeCity(
                        goodpractice=practice, city=city, role=role, passage=practice.source_quote
                    )
                )
            if self.rng.random() < 0.35:
                event = self.rng.choice(self.events)
                event_links.append(GoodPractice.events.through(goodpractice=practice, event=event))
            for tag in self._pick(self.tags, self.tag_weights, self.rng.randint(1, 5)):
                tag_links.append(TaggedPractice(content_object=practice, tag=tag))
        PracticeChallenge.objects.bulk_create(challenge_links)
        PracticeCity.objects.bulk_create(city_links)
        GoodPractice.events.through.objects.bulk_create(event_links)
        TaggedPractice.objects.bulk_create(tag_links)


def vacuum_analyze():
    """Fresh planner statistics and visibility maps after bulk inserts, as autovacuum would.

    Without them PostgreSQL plans the first queries on 100,000 new rows badly for minutes.
    VACUUM cannot run inside a transaction (tests run in one), so it is skipped there.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    tables = [
        model._meta.db_table
        for model in (
            GoodPractice,
            GoodPractice.challenges.through,
            GoodPractice.cities.through,
            GoodPractice.events.through,
            TaggedPractice,
            Tag,
            City,
            Event,
            Event.cities.through,
            Event.challenges.through,
            # The "did you mean" vocabulary that practice_refresh_search filled.
            SearchWord,
        )
    ]
    # Search's own table (migration 0015_practice_search), which has no model.
    tables.append("practice_search")
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    return True


def generate_demo_data(*, practices, seed, progress_stream=None):
    """Make `practices` published practices (plus a few unpublished) and what they refer to."""
    plan = Plan.for_practices(practices)
    Generator(plan, seed, progress_stream).run()
    # bulk_create sends no signal.
    bump_catalogue_version()
    return plan


def _delete_in_bulk(queryset) -> int:
    """Delete the rows of `queryset`, after the rows that point at them: one statement per
    table, as the database's own cascade would, with no row loaded and no signal sent.

    Django's delete() loads and signals every row of a model that has receivers, and every
    catalogue model has them (cases/signals.py): 100,000 practices and their links took minutes.
    What refers to the rows is read from the models, so a new link table is not forgotten.
    """
    model = queryset.model
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        if relation.many_to_many:
            continue  # the link table's own foreign keys come up as one-to-many relations
        pointing = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": queryset}
        )
        if relation.on_delete is models.CASCADE:
            _delete_in_bulk(pointing)
        elif relation.on_delete is models.SET_NULL:
            pointing.update(**{relation.field.name: None})
        elif relation.on_delete is not models.DO_NOTHING and pointing.exists():
            raise models.ProtectedError(
                f"{relation.related_model.__name__} rows refer to them.", set()
            )
    # QuerySet._raw_delete is the statement Django itself runs for a fast delete.
    return queryset._raw_delete(queryset.db)


def _foreign_key_checks(on):
    """Turn PostgreSQL's foreign-key checks of this transaction off or on again, where allowed.

    Deleting a practice queues a check of each of the ten foreign keys that may point at it,
    run at commit: a million checks, half a minute, at tier L. They can find nothing here,
    since _delete_in_bulk has removed what points at the rows before it deletes them. Only a
    superuser may skip them (as pg_restore --disable-triggers does); anyone else waits for them.
    PostgreSQL has no other triggers here (SQLite's FTS5 trigger is SQLite's own).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            role = "DEFAULT" if on else "replica"
            cursor.execute(f"SET LOCAL session_replication_role = {role}")


@transaction.atomic
def clear_demo_data():
    """Remove every demo record; a demo tag or challenge still in use elsewhere stays.

    Set-based deletes, so that tier L clears in seconds; they send no signal, so the catalogue
    version is moved here, once.
    """
    _foreign_key_checks(on=False)
    # Search's rows go with their practices through the database's own cascade, which the
    # skipped checks would skip too: removed first.
    forget_practices(demo_practices())
    removed = {"practices": _delete_in_bulk(demo_practices())}
    removed["events"] = _delete_in_bulk(Event.objects.filter(slug__startswith=PREFIX))
    removed["cities"] = _delete_in_bulk(City.objects.filter(slug__startswith=PREFIX))
    _delete_in_bulk(Country.objects.filter(slug__startswith=PREFIX, cities__isnull=True))
    unused_tags = Tag.objects.filter(slug__startswith=PREFIX, cases_taggedpractice_items=None)
    removed["tags"] = _delete_in_bulk(unused_tags)
    _delete_in_bulk(Challenge.objects.filter(slug__startswith=PREFIX, practices=None, events=None))
    _delete_in_bulk(Theme.objects.filter(slug__startswith=PREFIX, challenges=None))
    _delete_in_bulk(Source.objects.filter(slug=SOURCE_SLUG, practices=None, events=None))
    _foreign_key_checks(on=True)
    bump_catalogue_version()
    return removed
