"""The seed catalogue in fixtures/: add what is missing, never overwrite; restore only on request.

`seed_add_missing()` is what `manage.py seed` (and so every `make run`) does. A seed record whose
natural key (its slug; a tag's name) is already in the database is left exactly as it is: its
fields, its status and its links. So a curator's corrections survive any number of seed runs.
A missing record is added with its links; links (many-to-many rows, tags) are added only to the
records added in the same run, so a link a curator removed from an existing record stays removed.

`seed_restore_plan()` says what putting the seed's version of chosen records back would change,
field by field and link by link, and `seed_restore()` does it (`manage.py restore_seed_records`).

A practice's and an event's cities, challenges and people are rows of their own (each with the
passage of the source that shows it, in fixtures such as practice_cities.json): they are added
and restored with their record, like its tags.
"""

import json
from collections import Counter
from dataclasses import dataclass, field

import reversion
from django.apps import apps
from django.conf import settings
from django.core.serializers.base import DeserializationError
from django.core.serializers.python import Deserializer
from django.db import IntegrityError, transaction

from .countries import countries_add_missing
from .models import (
    Country,
    Event,
    EventChallenge,
    EventCity,
    EventPerson,
    GoodPractice,
    Person,
    PracticeChallenge,
    PracticeCity,
    Statement,
    TaggedPractice,
    Transition,
)
from .search import practice_refresh_search

# Dependency order: each file refers only to records of the files before it (an event may
# refer to a later event of its own file as the one it took place alongside).
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
# Rows that belong to a record (the fields naming it): added only with a record added in the
# same run, so a link a curator removed from a record that is there stays removed.
LINK_OWNERS = {
    TaggedPractice: ["content_object"],
    PracticeCity: ["goodpractice"],
    PracticeChallenge: ["goodpractice"],
    EventCity: ["event"],
    EventChallenge: ["event"],
    EventPerson: ["event", "person"],
    Statement: ["person"],
}
LINK_FIXTURES = {
    "tagged_practices",
    "practice_cities",
    "practice_challenges",
    "event_cities",
    "event_challenges",
    "event_people",
    "statements",
}
# The rows restore compares and puts back with their record, by name: (fixture, the field that
# names the record, the field that names what it links to, what else the row says).
RECORD_LINKS = {
    GoodPractice: {
        "cities": ("practice_cities", "goodpractice", "city", ("role", "passage")),
        "challenges": ("practice_challenges", "goodpractice", "challenge", ("basis", "passage")),
    },
    Event: {
        "cities": ("event_cities", "event", "city", ("role", "passage")),
        "challenges": ("event_challenges", "event", "challenge", ("basis", "passage")),
        "people": ("event_people", "event", "person", ("part", "passage", "note")),
    },
}
# Records whose addition in a run lets their link rows be added too.
LINKED_RECORDS = (GoodPractice, Event, Person)
# Timestamps of the row, not content: restoring a record does not wind them back.
ROW_TIMESTAMPS = {"created_at", "updated_at"}
RESTORE_COMMENT = "Restored the seed's version (manage.py restore_seed_records)."


class SeedChanged(Exception):
    """The records changed between showing the plan and applying it."""


class UnknownSeedSlugs(ValueError):
    """Slugs that name no record of the seed."""


def _fixture(name: str) -> list[dict]:
    path = settings.BASE_DIR / "fixtures" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _seed_records() -> list[dict]:
    """Every seed record but the link rows, in dependency order."""
    return [
        record for name in SEED_FIXTURES if name not in LINK_FIXTURES for record in _fixture(name)
    ]


def _seed_tags() -> dict[str, list[str]]:
    """The seed's tag names, by practice slug."""
    tags = {}
    for record in _fixture("tagged_practices"):
        practice_slug, tag_name = record["fields"]["content_object"][0], record["fields"]["tag"][0]
        tags.setdefault(practice_slug, []).append(tag_name)
    return tags


def _name(record: dict) -> str:
    model = apps.get_model(record["model"])
    key = record["fields"].get("slug") or record["fields"].get("name")
    return f"{model._meta.verbose_name} {key}"


def deserialize(record: dict):
    """The seed's version of one record; its pk is set when the record is in the database."""
    (item,) = Deserializer([record], handle_forward_references=True)
    return item


def deserialize_or_skip(record: dict, skipped: list[str]):
    """The seed's version of one record, or None with the reason added to `skipped`."""
    try:
        return deserialize(record)
    except DeserializationError as error:
        skipped.append(f"{_name(record)}: {error}")
        return None


def _insert(item, record: dict, skipped: list[str]) -> bool:
    try:
        # A savepoint: a clash with a record a curator made leaves the rest of the run intact.
        with transaction.atomic():
            item.save()
    except IntegrityError as error:
        skipped.append(f"{_name(record)}: clashes with a record already there ({error})")
        return False
    return True


def _resolve_forward_references(items, skipped: list[str]) -> None:
    for item, record in items:
        try:
            with transaction.atomic():
                item.save_deferred_fields()
        except (DeserializationError, IntegrityError) as error:
            skipped.append(f"{_name(record)}: a record it refers to is missing ({error})")


def _add_tags(practice: GoodPractice, names: list[str]) -> None:
    # Seed tags exist by now (tags.json comes first), unless a curator renamed one: then
    # taggit makes it again, which is the seed's link restored as the seed wrote it.
    practice.tags.add(*names)


@dataclass
class SeedReport:
    added: Counter = field(default_factory=Counter)
    kept: int = 0
    skipped: list[str] = field(default_factory=list)
    added_practice_ids: list[int] = field(default_factory=list)


@transaction.atomic
@reversion.create_revision()
def seed_add_missing() -> SeedReport:
    """Add the seed records that are missing, with their links; change nothing that exists."""
    # Each record added now starts its history (cases/models.py) with the seed's version.
    reversion.set_comment("Added from the seed")
    report = SeedReport()
    added_practices, added = {}, set()
    for name in SEED_FIXTURES:
        waiting = []
        for record in _fixture(name):
            model = apps.get_model(record["model"])
            # A tag, a city or a challenge is a link of its record: only a record added now
            # gets its links.
            if model in LINK_OWNERS and not any(
                (model._meta.get_field(owner).related_model, record["fields"][owner][0]) in added
                for owner in LINK_OWNERS[model]
            ):
                continue
            item = deserialize_or_skip(record, report.skipped)
            if item is None:
                continue
            if item.object.pk is not None:
                report.kept += 1
                continue
            if not _insert(item, record, report.skipped):
                continue
            report.added[model._meta.verbose_name_plural] += 1
            if model in LINKED_RECORDS:
                added.add((model, item.object.slug))
            if model is GoodPractice:
                added_practices[item.object.slug] = item.object.pk
            if item.deferred_fields:
                waiting.append((item, record))
        _resolve_forward_references(waiting, report.skipped)
    # Not seed records but the list editors pick from: added the same way, never overwritten.
    if countries := countries_add_missing():
        report.added[Country._meta.verbose_name_plural] += len(countries)
    report.added_practice_ids = list(added_practices.values())
    # Raw saves skip the search upkeep; rebuild it for the new practices only (a catalogue
    # with 100,000 demo practices took minutes when seed refreshed every practice).
    practice_refresh_search(practice_ids=report.added_practice_ids)
    return report


def _shown(value) -> str:
    if value is None or value == "":
        return "(empty)"
    text = str(value)
    return repr(text if len(text) <= 70 else text[:67] + "...")


def _natural(model, pks) -> list[str]:
    rows = model._default_manager.filter(pk__in=pks)
    return sorted(" ".join(map(str, row.natural_key())) for row in rows)


@dataclass
class RecordRestore:
    """What restoring one seed record would change."""

    record: dict
    item: object  # the DeserializedObject holding the seed's version
    current: object  # the record in the database, or None when it is missing
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # name, now, seed's
    links_added: dict[str, list] = field(default_factory=dict)  # field name → related pks
    links_removed: dict[str, list] = field(default_factory=dict)
    tags_added: list[str] = field(default_factory=list)
    tags_removed: list[str] = field(default_factory=list)
    # Link rows (a city with its role and passage...) by RECORD_LINKS name: (slug, *details).
    rows_added: dict[str, list] = field(default_factory=dict)
    rows_removed: dict[str, list] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)

    @property
    def model(self):
        return type(self.item.object)

    @property
    def has_changes(self) -> bool:
        return self.current is None or any(
            [
                self.fields,
                self.links_added,
                self.links_removed,
                self.tags_added,
                self.tags_removed,
                self.rows_added,
                self.rows_removed,
            ]
        )

    def lines(self) -> list[str]:
        if self.current is None:
            return [f"{_name(self.record)}: missing; it will be added with its links"]
        lines = [f"{_name(self.record)}:"]
        lines += [f"  {name}: {now} -> {seed}" for name, now, seed in self.fields]
        for sign, links in (("+", self.links_added), ("-", self.links_removed)):
            for name, pks in links.items():
                related = self.model._meta.get_field(name).related_model
                lines += [f"  {sign} {name}: {key}" for key in _natural(related, pks)]
        lines += [f"  + tags: {name}" for name in self.tags_added]
        lines += [f"  - tags: {name}" for name in self.tags_removed]
        for sign, rows in (("+", self.rows_added), ("-", self.rows_removed)):
            for name, items in rows.items():
                lines += [
                    f"  {sign} {name}: {key} ({', '.join(_shown(value) for value in details)})"
                    for key, *details in items
                ]
        lines += [f"  ! {problem}" for problem in self.unresolved]
        return lines


def _seed_rows(model, slug: str) -> dict[str, list[dict]]:
    """The seed's link rows of one record, by RECORD_LINKS name, as fixture records."""
    return {
        name: [record for record in _fixture(fixture) if record["fields"][owner][0] == slug]
        for name, (fixture, owner, _other, _details) in RECORD_LINKS.get(model, {}).items()
    }


def _row_key(record: dict, other: str, details) -> tuple:
    fields = record["fields"]
    return (fields[other][0], *(fields.get(detail, "") for detail in details))


def _compare_rows(restore: RecordRestore) -> None:
    model, current = restore.model, restore.current
    if model not in RECORD_LINKS:
        return
    seed_rows = _seed_rows(model, current.slug)
    for name, (_fixture, owner, other, details) in RECORD_LINKS.get(model, {}).items():
        through = model._meta.get_field(name).remote_field.through
        there = set(
            through.objects.filter(**{owner: current}).values_list(f"{other}__slug", *details)
        )
        wanted = {_row_key(record, other, details) for record in seed_rows[name]}
        if wanted - there:
            restore.rows_added[name] = sorted(wanted - there)
        if there - wanted:
            restore.rows_removed[name] = sorted(there - wanted)
        related = through._meta.get_field(other).related_model
        known = set(
            related._default_manager.filter(slug__in=[row[0] for row in wanted]).values_list(
                "slug", flat=True
            )
        )
        for slug, *_details in sorted(wanted - there):
            if slug not in known:
                restore.unresolved.append(f"{name}: {slug} is missing (run seed)")


def _write_rows(restore: RecordRestore, record) -> None:
    """Give the record the seed's link rows: remove the others, add the seed's that are missing."""
    model = restore.model
    for name, (_fixture, owner, other, details) in RECORD_LINKS.get(model, {}).items():
        through = model._meta.get_field(name).remote_field.through
        for slug, *values in restore.rows_removed.get(name, []):
            through.objects.filter(
                **{owner: record, f"{other}__slug": slug}, **dict(zip(details, values, strict=True))
            ).delete()
        missing = set(restore.rows_added.get(name, []))
        related = through._meta.get_field(other).related_model
        for row in _seed_rows(model, record.slug)[name]:
            if restore.current is None or _row_key(row, other, details) in missing:
                linked = row["fields"][other][0]
                if not related._default_manager.filter(slug=linked).exists():
                    raise DeserializationError(f"{name} of {record.slug}: {linked} is missing")
                deserialize(row).save()


def _compare(restore: RecordRestore, seed_tags: list[str]) -> None:
    seed, current, model = restore.item.object, restore.current, restore.model
    deferred = {deferred_field.name for deferred_field in restore.item.deferred_fields or {}}
    for name in restore.record["fields"]:
        model_field = model._meta.get_field(name)
        if name in deferred:
            restore.unresolved.append(f"{name}: refers to a record that is missing (run seed)")
        elif model_field.many_to_many:
            wanted = set(restore.item.m2m_data.get(name, []))
            there = set(getattr(current, name).values_list("pk", flat=True))
            if wanted - there:
                restore.links_added[name] = sorted(wanted - there)
            if there - wanted:
                restore.links_removed[name] = sorted(there - wanted)
        elif name not in ROW_TIMESTAMPS:
            now, seed_value = (
                model_field.value_from_object(current),
                model_field.value_from_object(seed),
            )
            if now != seed_value:
                if model_field.is_relation:
                    now, seed_value = getattr(current, name), getattr(seed, name)
                restore.fields.append((name, _shown(now), _shown(seed_value)))
    if model is GoodPractice:
        there = set(current.tags.names())
        restore.tags_added = sorted(set(seed_tags) - there)
        restore.tags_removed = sorted(there - set(seed_tags))
    _compare_rows(restore)


def seed_restore_plan(*, slugs: list[str] | None, lock: bool = False) -> list[RecordRestore]:
    """What restoring the seed's version of these records (every one when None) would change."""
    records = _seed_records()
    if slugs is not None:
        unknown = set(slugs) - {record["fields"].get("slug") for record in records}
        if unknown:
            raise UnknownSeedSlugs(sorted(unknown))
        records = [record for record in records if record["fields"].get("slug") in slugs]
    seed_tags = _seed_tags()
    plan = []
    for record in records:
        item = deserialize(record)
        model = type(item.object)
        current = None
        if item.object.pk is not None:
            rows = model._default_manager.select_for_update() if lock else model._default_manager
            current = rows.get(pk=item.object.pk)
        restore = RecordRestore(record=record, item=item, current=current)
        if current is not None:
            _compare(restore, seed_tags.get(record["fields"].get("slug"), []))
        if restore.has_changes:
            plan.append(restore)
    return plan


def seed_plan_lines(plan: list[RecordRestore]) -> list[str]:
    return [line for restore in plan for line in restore.lines()]


def _apply(restore: RecordRestore, seed_tags: list[str]) -> None:
    seed, current, model = restore.item.object, restore.current, restore.model
    if current is None:
        restore.item.save()
        if restore.item.deferred_fields:
            restore.item.save_deferred_fields()
        if model is GoodPractice:
            _add_tags(seed, seed_tags)
        _write_rows(restore, seed)
        return
    changed = {name for name, _now, _seed in restore.fields}
    if "status" in changed and model in (Event, GoodPractice):
        # Status moves are recorded; this one is made by an operator, outside the workflow.
        Transition.objects.create(
            event=current if model is Event else None,
            practice=current if model is GoodPractice else None,
            from_status=current.status,
            to_status=seed.status,
            comment=RESTORE_COMMENT,
        )
    for name in changed:
        model_field = model._meta.get_field(name)
        setattr(current, model_field.attname, model_field.value_from_object(seed))
    if model in (Event, GoodPractice):
        # Like an admin edit, a new version: an editor's stale form will not overwrite it.
        current.version += 1
    current.save()
    for name, pks in restore.links_added.items():
        getattr(current, name).add(*pks)
    for name, pks in restore.links_removed.items():
        getattr(current, name).remove(*pks)
    if restore.tags_added:
        _add_tags(current, restore.tags_added)
    if restore.tags_removed:
        current.tags.remove(*restore.tags_removed)
    _write_rows(restore, current)


@transaction.atomic
@reversion.create_revision()
def seed_restore(*, slugs: list[str] | None, expected: list[str]) -> list[RecordRestore]:
    """Put back the seed's version of these records, if the plan is still the one shown.

    `expected` is what seed_plan_lines() showed the operator; if anyone changed the records
    since, nothing is restored and SeedChanged is raised. The restore is a new version in each
    record's history, so a curator can undo it.
    """
    reversion.set_comment(RESTORE_COMMENT)
    plan = seed_restore_plan(slugs=slugs, lock=True)
    if seed_plan_lines(plan) != expected:
        raise SeedChanged
    seed_tags = _seed_tags()
    for restore in plan:
        _apply(restore, seed_tags.get(restore.record["fields"].get("slug"), []))
    practice_ids = [restore.item.object.pk for restore in plan if restore.model is GoodPractice]
    practice_refresh_search(practice_ids=practice_ids)
    return plan
