"""Bring a database seeded with the earlier seed up to the current one, record by record.

`fixtures/previous/` keeps the earlier seed's events, practices and tags as they were seeded;
each folder in it keeps a later version of the seed: the events and practices a later
correction changed, as that version wrote them, in the fixtures' own format (a file it lacks,
links or tags, is as the current seed has it). An event or practice still exactly as one of
these versions wrote it (fields, links, tags; only its timestamps may differ) was not touched
by a curator: it gets the current seed's version, with its links and their passages. One that
differs from every version was changed by a curator and is left as it is; the report names it
and what differs from the latest version it had. Records the current seed adds are added;
a practice it merged into another is removed if untouched, and its address redirects. Everything
else the seed holds (themes, challenges, people, what they said, redirects, tags) is added where
missing and never overwritten.

`manage.py correct_seed_records` runs it (`--dry-run` shows the report and changes nothing).
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from taggit.models import Tag

from .models import CityRole, Event, GoodPractice
from .search import practice_refresh_search
from .seeding import RECORD_LINKS, deserialize, deserialize_or_skip

FIXTURES = settings.BASE_DIR / "fixtures"
PREVIOUS = FIXTURES / "previous"
# Added where missing, in dependency order; never overwritten.
VOCABULARY = ["themes", "challenges", "countries", "cities", "organisations", "sources", "people"]
# An event's people come with the event, like its cities and challenges.
ADDITIONS = ["statements", "practice_redirects"]
# When a row was written, not what it says.
TIMESTAMPS = {"created_at", "updated_at"}


@dataclass(frozen=True)
class SeedModel:
    """A model whose seed records are corrected: its fixture, and how its links are stored."""

    model: type
    fixture: str
    label: str
    # What an earlier-seed link looks like once migration 0007 has kept it: role, no passage.
    previous_link: dict

    @property
    def links(self) -> dict:
        """Link name -> (through model, fixture, owner field, other field, detail fields)."""
        return {
            name: (self.model._meta.get_field(name).remote_field.through, *spec)
            for name, spec in RECORD_LINKS[self.model].items()
        }


EVENTS = SeedModel(
    model=Event,
    fixture="events",
    label="event",
    previous_link={"cities": (CityRole.TOOK_PART, ""), "challenges": ("", ""), "people": ()},
)
PRACTICES = SeedModel(
    model=GoodPractice,
    fixture="practices",
    label="practice",
    previous_link={"cities": (CityRole.DID, ""), "challenges": ("", "")},
)


@dataclass
class SeedCorrections:
    """What correcting the seed records did (or, in a dry run, would do)."""

    corrected: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    current: int = 0
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            *(f"corrected {line}" for line in self.corrected),
            *(f"added {line}" for line in self.added),
            *(f"removed {line}" for line in self.removed),
            *(f"left as it is: {line}" for line in self.kept),
            *(f"skipped {line}" for line in self.skipped),
        ]


class DryRun(Exception):
    """Raised inside the transaction of a dry run, so that nothing it did is kept."""


def _read(path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def _key(value):
    return value[0] if isinstance(value, list) else value


def _plain(value):
    # The JSON the fixtures hold: dates as ISO text, UTC datetimes ending in Z.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _tags(tagged: list[dict]) -> dict[str, list[str]]:
    tags = {}
    for record in tagged:
        slug, name = _key(record["fields"]["content_object"]), _key(record["fields"]["tag"])
        tags.setdefault(slug, []).append(name)
    return {slug: sorted(names) for slug, names in tags.items()}


def _in_version(folder, fixture: str):
    """A fixture file of a later seed version, or the current seed's when it has none."""
    path = folder / f"{fixture}.json"
    return path if path.is_file() else FIXTURES / f"{fixture}.json"


def _links_by_owner(kind: SeedModel, folder=FIXTURES) -> dict[str, dict[str, list[tuple]]]:
    """{record slug: {link name: sorted (other slug, *details)}} from the seed version in
    `folder` (the current seed by default)."""
    links = {}
    for name, (_model, fixture, owner, other, details) in kind.links.items():
        for record in _read(_in_version(folder, fixture)):
            fields = record["fields"]
            row = (_key(fields[other]), *(fields.get(detail, "") for detail in details))
            links.setdefault(_key(fields[owner]), {}).setdefault(name, []).append(row)
    return {
        slug: {name: sorted(rows) for name, rows in by_name.items()}
        for slug, by_name in links.items()
    }


def _version(kind: SeedModel, fields: dict, links: dict, tags: list[str] | None) -> dict:
    """One version of a record in a form a stored record can be compared with."""
    version = {name: value for name, value in fields.items() if name not in TIMESTAMPS}
    for name in kind.links:
        version[name] = links.get(name, [])
    for name, value in version.items():
        model_field = kind.model._meta.get_field(name)
        if model_field.many_to_many and name not in kind.links:
            version[name] = sorted(_key(item) for item in value)
        elif model_field.is_relation and name not in kind.links:
            version[name] = _key(value)
    if tags is not None:
        version["tags"] = tags
    return version


def _previous_version(kind: SeedModel, record: dict, tags: dict, current_fields: set[str]) -> dict:
    fields = dict(record["fields"])
    # Fields the earlier seed did not know hold their defaults in a record nobody touched.
    for name in current_fields - set(fields):
        model_field = kind.model._meta.get_field(name)
        fields[name] = [] if model_field.many_to_many else _plain(model_field.get_default())
    links = {
        name: sorted((_key(item), *kind.previous_link[name]) for item in fields.pop(name, []))
        for name in kind.links
    }
    slug = fields["slug"]
    return _version(kind, fields, links, tags.get(slug, []) if kind is PRACTICES else None)


def _later_versions(kind: SeedModel, current_tags) -> dict[str, list[dict]]:
    """{record slug: its versions in the later seeds of fixtures/previous/*/, oldest first}."""
    versions = {}
    for folder in sorted(path for path in PREVIOUS.iterdir() if path.is_dir()):
        links = _links_by_owner(kind, folder)
        tagged = folder / "tagged_practices.json"
        tags = _tags(_read(tagged)) if tagged.is_file() else current_tags
        for record in _read(folder / f"{kind.fixture}.json"):
            slug = record["fields"]["slug"]
            record_tags = tags.get(slug, []) if kind is PRACTICES else None
            version = _version(kind, record["fields"], links.get(slug, {}), record_tags)
            versions.setdefault(slug, []).append(version)
    return versions


def _stored_version(kind: SeedModel, record, version: dict) -> dict:
    """The stored record in the shape of `version`, for the same keys."""
    stored = {}
    for name in version:
        if name == "tags":
            stored[name] = sorted(record.tags.names())
        elif name in kind.links:
            through, _fixture, owner, other, details = kind.links[name]
            rows = through.objects.filter(**{owner: record}).values_list(f"{other}__slug", *details)
            stored[name] = sorted(rows)
        else:
            model_field = kind.model._meta.get_field(name)
            if model_field.many_to_many:
                stored[name] = sorted(getattr(record, name).values_list("slug", flat=True))
            elif model_field.is_relation:
                related = getattr(record, name)
                stored[name] = related.natural_key()[0] if related else None
            else:
                stored[name] = _plain(model_field.value_from_object(record))
    return stored


def _differences(stored: dict, version: dict) -> list[str]:
    return [name for name in version if stored.get(name) != version[name]]


def _add_missing(fixture: str, report: SeedCorrections) -> None:
    for record in _read(FIXTURES / f"{fixture}.json"):
        item = deserialize_or_skip(record, report.skipped)
        if item is None:
            continue
        if item.object.pk is not None:
            continue
        if item.deferred_fields:
            report.skipped.append(f"{record['model']}: refers to a record that is not there")
            continue
        item.save()
        report.added.append(f"{item.object._meta.verbose_name} {item.object}")


def _write_links(kind: SeedModel, record) -> None:
    """Replace the record's links with the current seed's, passages and all."""
    for through, fixture, owner, _other, _details in kind.links.values():
        through.objects.filter(**{owner: record}).delete()
        for link in _read(FIXTURES / f"{fixture}.json"):
            if _key(link["fields"][owner]) == record.slug:
                deserialize(link).save()


def _overwrite(kind: SeedModel, record: dict, stored) -> None:
    """Write the current seed's fields over the stored record's."""
    seed = deserialize(record).object
    for name in record["fields"]:
        model_field = kind.model._meta.get_field(name)
        if not model_field.many_to_many and name not in TIMESTAMPS:
            setattr(stored, model_field.attname, model_field.value_from_object(seed))
    # Like an admin edit, a new version: an editor's stale form will not overwrite it.
    stored.version += 1
    stored.save()


def _link(kind: SeedModel, record: dict, stored, tags) -> None:
    """Give the stored record the current seed's links: many-to-many, through rows, tags."""
    for name, pks in deserialize(record).m2m_data.items():
        getattr(stored, name).set(pks)
    _write_links(kind, stored)
    if tags is not None:
        stored.tags.set(tags)


def _add_new_records(kind: SeedModel, records: list[dict]) -> dict:
    """Add these records without their links yet (a record's "see also" or "part of" may name
    one added after it); return them by slug."""
    added, waiting = {}, []
    for record in records:
        fields = {
            name: value
            for name, value in record["fields"].items()
            if not kind.model._meta.get_field(name).many_to_many
        }
        item = deserialize({**record, "fields": fields})
        item.save()  # raw: the seed's own timestamps
        if item.deferred_fields:
            waiting.append(item)
        added[item.object.slug] = item.object
    for item in waiting:
        item.save_deferred_fields()
    return added


@dataclass
class Plan:
    """What to write for one model: decided for every record before anything is written,
    since writing one record's "see also" adds the link to the other record too."""

    kind: SeedModel
    new: list[dict] = field(default_factory=list)
    corrections: list[tuple[dict, object]] = field(default_factory=list)  # (seed record, stored)
    tags: dict = field(default_factory=dict)


def _plan(kind: SeedModel, report: SeedCorrections, previous_tags, current_tags) -> Plan:
    current = _read(FIXTURES / f"{kind.fixture}.json")
    previous = {r["fields"]["slug"]: r for r in _read(PREVIOUS / f"{kind.fixture}.json")}
    links = _links_by_owner(kind)
    later = _later_versions(kind, current_tags)
    current_fields = set().union(*(r["fields"] for r in current))
    slugs = [record["fields"]["slug"] for record in current]
    stored_records = {r.slug: r for r in kind.model.objects.filter(slug__in=slugs)}
    plan = Plan(kind=kind, tags=current_tags if kind is PRACTICES else {})
    for record in current:
        slug = record["fields"]["slug"]
        stored = stored_records.get(slug)
        if stored is None:
            plan.new.append(record)
            report.added.append(f"{kind.label} {slug}")
            continue
        tags = current_tags.get(slug, []) if kind is PRACTICES else None
        wanted = _version(kind, record["fields"], links.get(slug, {}), tags)
        differences = _differences(_stored_version(kind, stored, wanted), wanted)
        if not differences:
            report.current += 1
            continue
        earlier = list(later.get(slug, []))
        if slug in previous:
            first = _previous_version(kind, previous[slug], previous_tags, current_fields)
            earlier.insert(0, first)
        if not earlier:
            report.kept.append(f"{kind.label} {slug}: not in the earlier seed")
            continue
        changes = [_differences(_stored_version(kind, stored, old), old) for old in earlier]
        if all(changes):
            report.kept.append(
                f"{kind.label} {slug}: changed since it was seeded ({', '.join(changes[-1])})"
            )
            continue
        plan.corrections.append((record, stored))
        report.corrected.append(f"{kind.label} {slug}: {', '.join(differences)}")
    return plan


def _write(plan: Plan) -> list[int]:
    """Carry out the plan; return the ids of the records written."""
    kind = plan.kind
    added = _add_new_records(kind, plan.new)
    written = []
    for record in plan.new:
        stored = added[record["fields"]["slug"]]
        written.append((record, stored))
    for record, stored in plan.corrections:
        _overwrite(kind, record, stored)
        written.append((record, stored))
    for record, stored in written:
        tags = plan.tags.get(stored.slug, []) if kind is PRACTICES else None
        _link(kind, record, stored, tags)
    return [stored.pk for _record, stored in written]


def _plan_merged_removals(report: SeedCorrections, previous_tags) -> list:
    """The practices the seed merged into others that nobody changed since they were seeded."""
    current = _read(FIXTURES / "practices.json")
    current_slugs = {r["fields"]["slug"] for r in current}
    current_fields = set().union(*(r["fields"] for r in current))
    merged_into = {
        r["fields"]["old_slug"]: _key(r["fields"]["practice"])
        for r in _read(FIXTURES / "practice_redirects.json")
    }
    removals = []
    for record in _read(PREVIOUS / "practices.json"):
        slug = record["fields"]["slug"]
        stored = GoodPractice.objects.filter(slug=slug).first()
        if slug in current_slugs or stored is None:
            continue
        earlier = _previous_version(PRACTICES, record, previous_tags, current_fields)
        changed = _differences(_stored_version(PRACTICES, stored, earlier), earlier)
        target = merged_into.get(slug, "another practice")
        if changed:
            report.kept.append(
                f"practice {slug}: merged into {target} in the seed, but changed since it was "
                f"seeded ({', '.join(changed)}); its address keeps showing it"
            )
            continue
        removals.append(stored)
        report.removed.append(f"practice {slug}: merged into {target}; its address redirects")
    return removals


def _remove_dropped_tags(report: SeedCorrections, previous_tags, current_tags) -> None:
    """Remove the earlier seed's tags the current one dropped, where nothing uses them."""
    dropped = {name for names in previous_tags.values() for name in names}
    dropped -= {name for names in current_tags.values() for name in names}
    for tag in Tag.objects.filter(name__in=dropped, cases_taggedpractice_items=None):
        tag.delete()
        report.removed.append(f"tag {tag.name}: no record uses it")


@transaction.atomic
def _run() -> SeedCorrections:
    report = SeedCorrections()
    for fixture in VOCABULARY:
        _add_missing(fixture, report)
    _add_missing("tags", report)
    previous_tags = _tags(_read(PREVIOUS / "tagged_practices.json"))
    current_tags = _tags(_read(FIXTURES / "tagged_practices.json"))
    plans = [_plan(kind, report, previous_tags, current_tags) for kind in (EVENTS, PRACTICES)]
    removals = _plan_merged_removals(report, previous_tags)
    written = [pk for plan in plans for pk in _write(plan) if plan.kind is PRACTICES]
    for practice in removals:
        practice.delete()
    _remove_dropped_tags(report, previous_tags, current_tags)
    for fixture in ADDITIONS:
        _add_missing(fixture, report)
    # Raw saves skip the search upkeep: rebuild it for the practices written here.
    practice_refresh_search(practice_ids=written)
    return report


def seed_records_correct(*, dry_run: bool = False) -> SeedCorrections:
    """Give every untouched seed record the current seed's version; see the module docstring."""
    if not dry_run:
        return _run()
    report = None
    try:
        with transaction.atomic():
            report = _run()
            raise DryRun
    except DryRun:
        return report
