"""Writes that span models: saving an event report with its practices, and moving it through review.

Every status change goes through `item_move`, which asks cases.workflow and records a Transition.
"""

import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from challenges.models import Challenge

from . import selectors, workflow
from .models import (
    HISTORY_FOLLOWS,
    City,
    CityRole,
    Country,
    Event,
    EventPerson,
    GoodPractice,
    Kind,
    Organisation,
    Person,
    Source,
    Status,
    Transition,
)
from .search import practice_refresh_search
from .workflow import Action


class EditConflict(Exception):
    """Someone saved the item after the user opened it; saving now would overwrite their work."""

    def __init__(self, stored):
        super().__init__(
            _("“%(item)s” was changed by someone else after you opened it.") % {"item": stored}
        )
        self.stored = stored


class ReportIncomplete(ValidationError):
    """The report lacks what review needs; `problems` lists each gap with its item and field."""

    def __init__(self, problems):
        super().__init__([problem.message for problem in problems])
        self.problems = problems


class DuplicateSubmit(Exception):
    """The form that creates a report was sent twice; `event` is the report the first one made."""

    def __init__(self, event):
        super().__init__(_("This report was already saved."))
        self.event = event


@dataclass(frozen=True)
class Problem:
    item: Event | GoodPractice | None
    field: str
    message: str


@dataclass(frozen=True)
class NewCity:
    """A city the editor named in the report; saving reuses a city of that name in that country
    (accents and case aside) or adds it."""

    name: str
    country: Country

    def __str__(self):
        return f"{self.name} ({self.country})"


@dataclass(frozen=True)
class NewOrganisation:
    name: str

    def __str__(self):
        return self.name


LEAVE = object()  # a PracticeChanges value that leaves the stored one as it is


@dataclass
class PracticeChanges:
    """A practice of the report as the editor left it, with its many-to-many values."""

    practice: GoodPractice
    expected_version: int | None = None
    challenges: Iterable[Challenge] = ()
    cities: Iterable[City | NewCity] = ()
    tags: list[str] = field(default_factory=list)
    # LEAVE keeps it as it is; a PersonAtEvent is found by name or added.
    voiced_by_person: object = LEAVE


@dataclass(frozen=True)
class PersonAtEvent:
    """Someone the source names at the event; saving reuses a person of that name (in that city,
    when one is given) or adds them."""

    name: str
    role: str = ""
    part: str = ""
    city: City | NewCity | None = None
    organisation: Organisation | NewOrganisation | None = None


@dataclass(frozen=True)
class ReportChanges:
    """What a save changes in a report beyond the event's own fields.

    `expected_version` is the version the editor opened; None skips the lost-update check.
    """

    expected_version: int | None = None
    cities: Iterable[City | NewCity] = ()
    new_cities: Iterable[NewCity] = ()
    challenges: Iterable[Challenge] = ()
    organisers: Iterable[Organisation | NewOrganisation] = ()
    practices: Iterable[PracticeChanges] = ()
    removed_practices: Iterable[GoodPractice] = ()
    new_source: Source | None = None
    # None leaves the people at the event as they are.
    people: list[PersonAtEvent] | None = None


@contextmanager
def _revision(*, user, comment: str):
    """Keep what the write changes as a new version of each record, with who and why.

    django-reversion adds every registered record saved inside the block (with the links it
    follows, cases/models.py) to one revision. Nested blocks join the outer one, so an admin
    action that calls a service makes one revision, with the service's comment.
    """
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        yield


# Marked for translation here, translated when the version is written.
MOVE_COMMENTS = {
    Action.SUBMIT: gettext_noop("Submitted for review"),
    Action.PUBLISH: gettext_noop("Published"),
    Action.RETURN: gettext_noop("Returned to the editor"),
    Action.ARCHIVE: gettext_noop("Archived"),
}


def _move_comment(action: Action, comment: str) -> str:
    return f"{_(MOVE_COMMENTS[action])}: {comment}" if comment else _(MOVE_COMMENTS[action])


def unique_slug(model: type[models.Model], text: str, *, max_length: int = 200) -> str:
    base = slugify(text)[: max_length - 10].strip("-") or model._meta.model_name
    slug, number = base, 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def report_practices(event: Event):
    # The practices written in this report share its lifecycle, hence its status.
    return event.practices.filter(status=event.status).order_by("pk")


def event_report_problems(*, event: Event, is_new_work: bool = True) -> list[Problem]:
    """What the report lacks for review (new work) or to stay public (a curator's later edit)."""
    if not is_new_work:
        requirements = workflow.PUBLIC_PRACTICE_REQUIREMENTS
        return event_evidence_problems(event=event) + [
            problem
            for practice in report_practices(event)
            for problem in [
                *practice_problems(practice=practice, requirements=requirements),
                *practice_evidence_problems(practice=practice),
            ]
        ]
    problems = [
        Problem(event, name, message)
        for name, message in workflow.missing(
            {
                "starts_on": event.starts_on,
                "format": event.format,
                "report": event.report.strip(),
                "cities": event.cities.exists(),
                "challenges": event.challenges.exists(),
            },
            workflow.EVENT_REQUIREMENTS,
        ).items()
    ]
    practices = list(report_practices(event))
    if not practices:
        problems.append(Problem(event, "practices", workflow.NO_PRACTICES))
    for practice in practices:
        problems += practice_problems(practice=practice)
    return problems


def practice_problems(*, practice: GoodPractice, requirements=None) -> list[Problem]:
    """What the practice lacks for review (by default what new work of its kind needs)."""
    requirements = requirements or workflow.practice_requirements(practice.kind)
    values = {
        "summary": practice.summary.strip(),
        "description": practice.description.strip(),
        "voiced_by": practice.voiced_by.strip(),
        # A curator may file a record under no challenge when the source names none, and
        # says why (the editor's form has no such field: new work picks a challenge).
        "challenges": practice.challenges.exists() or practice.no_challenge_reason.strip(),
        "cities": practice.cities.exists(),
    }
    return [
        Problem(practice, name, message)
        for name, message in workflow.missing(values, requirements).items()
    ]


def _city_links(links) -> list[tuple[str, str, str]]:
    return [(link.city.name, link.role, link.passage) for link in links.select_related("city")]


def practice_evidence_problems(*, practice: GoodPractice) -> list[Problem]:
    """What the practice lacks of its source to be public: passages, its city, who voiced it."""
    links = _city_links(practice.city_links)
    messages = workflow.passage_problems(links)
    role_problem = workflow.role_problem(kind=practice.kind, roles={role for _, role, _ in links})
    if role_problem:
        messages.append(role_problem)
    problems = [Problem(practice, "cities", message) for message in messages]
    voice_problems = workflow.voice_problems(
        kind=practice.kind, voiced_by=practice.voiced_by, passage=practice.voiced_by_passage
    )
    return problems + [Problem(practice, name, message) for name, message in voice_problems.items()]


def event_evidence_problems(*, event: Event) -> list[Problem]:
    messages = workflow.passage_problems(_city_links(event.city_links))
    return [Problem(event, "cities", message) for message in messages]


def _check_version(item, expected_version):
    stored = type(item).objects.select_for_update().get(pk=item.pk)
    if expected_version is not None and stored.version != expected_version:
        raise EditConflict(stored)
    return stored


@transaction.atomic
def event_report_save(
    *,
    event: Event,
    user,
    changes: ReportChanges | None = None,
    creation_token: uuid.UUID | None = None,
    submit: bool = False,
) -> Event:
    """Save the report as it stands, in any status: the event, its cities and its practices.

    A new report is a draft and needs only a title; outside draft the practices must stay
    publishable. `creation_token` comes from the form that creates the report, so that a
    second copy of the same form finds the first report (DuplicateSubmit). With `submit`, the
    saved report also goes to review: both happen, or neither.
    """
    changes = changes or ReportChanges()
    comment = _("Created the report") if event.pk is None else _("Saved the report")
    with _revision(user=user, comment=comment):
        _event_report_write(event, user=user, changes=changes, creation_token=creation_token)
        # Outside draft the report is public or about to be: its practices must stay
        # publishable.
        if event.status != Status.DRAFT:
            _raise_problems(event_report_problems(event=event, is_new_work=False))
    if submit:
        event_report_submit(event=event, user=user)
    return event


def _event_report_write(event: Event, *, user, changes: ReportChanges, creation_token) -> None:
    if event.pk is None:
        _event_prepare_new(event, user=user, creation_token=creation_token)
    else:
        _event_prepare_edit(event, user=user, expected_version=changes.expected_version)
    if changes.new_source is not None:
        event.source = _source_create(changes.new_source)
    _event_save(event, creation_token=creation_token)

    # A city ticked on the form took part; its passage is given in the admin before publishing.
    # A new city named twice in the report (for the event and a practice) is added once.
    added: dict[tuple[int, str], City] = {}
    cities = _cities_get_or_create([*changes.cities, *changes.new_cities], added=added)
    event.cities.set(cities, through_defaults={"role": CityRole.TOOK_PART})
    event.challenges.set(changes.challenges)
    event.organisers.set(_organisations_get_or_create(changes.organisers))
    if changes.people is not None:
        _event_people_set(event, changes.people, added=added)
    for practice_changes in changes.practices:
        cities = _cities_get_or_create(practice_changes.cities, added=added)
        _practice_save(replace(practice_changes, cities=cities), event=event, user=user)
    for practice in changes.removed_practices:
        _practice_remove_from_report(practice, event=event)


def _event_prepare_new(event: Event, *, user, creation_token: uuid.UUID | None) -> None:
    if not workflow.can_create(user):
        raise PermissionDenied(_("Only editors and curators write event reports."))
    if creation_token and (earlier := Event.objects.filter(creation_token=creation_token)):
        raise DuplicateSubmit(earlier.get())
    event.slug = unique_slug(Event, event.title)
    event.status = Status.DRAFT
    event.created_by = user
    event.creation_token = creation_token


def _event_prepare_edit(event: Event, *, user, expected_version: int | None) -> None:
    stored = _check_version(event, expected_version)
    if not workflow.can_edit(user, stored):
        raise PermissionDenied(_("You may not change this report."))
    event.status, event.slug, event.version = stored.status, stored.slug, stored.version + 1


def _event_save(event: Event, *, creation_token: uuid.UUID | None) -> None:
    is_new = event.pk is None
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        # Two copies of the same form raced past the check above: the first one won.
        if is_new and creation_token:
            raise DuplicateSubmit(Event.objects.get(creation_token=creation_token)) from None
        raise


def _source_create(source: Source) -> Source:
    source.slug = unique_slug(Source, source.title)
    source.save()
    return source


def _cities_get_or_create(
    cities: Iterable[City | NewCity], *, added: dict[tuple[int, str], City]
) -> list[City]:
    """The cities, each new one matched to a stored city (accents and case aside) or added.
    `added` holds the cities this save matched or added, so that each is looked up once."""
    result = []
    for city in cities:
        if isinstance(city, NewCity):
            key = (city.country.pk, selectors.normalised(city.name))
            if key not in added:
                stored = selectors.cities_by_name([city.country]).get(key)
                added[key] = stored or _city_create(city)
            city = added[key]
        result.append(city)
    return list(dict.fromkeys(result))


def _city_create(city: NewCity) -> City:
    slug = unique_slug(City, f"{city.name} {city.country.code}", max_length=150)
    return City.objects.create(name=city.name, country=city.country, slug=slug)


def _event_people_set(event: Event, people: list[PersonAtEvent], *, added) -> None:
    """The people at the event become `people`; a link kept keeps its passage."""
    kept = []
    for wanted in people:
        city = _cities_get_or_create([wanted.city], added=added)[0] if wanted.city else None
        organisation = wanted.organisation
        if organisation is not None:
            organisation = _organisations_get_or_create([organisation])[0]
        person = _person_get_or_create(wanted, city=city, organisation=organisation, event=event)
        link, _created = EventPerson.objects.get_or_create(event=event, person=person)
        if link.part != wanted.part:
            link.part = wanted.part
            link.save(update_fields=["part"])
        kept.append(link.pk)
    event.person_links.exclude(pk__in=kept).delete()


def _person_get_or_create(wanted: PersonAtEvent, *, city, organisation, event) -> Person:
    key = selectors.normalised(wanted.name)
    for person in Person.objects.filter(city=city) if city else Person.objects.all():
        if selectors.normalised(person.name) == key:
            changed = {}
            if wanted.role and wanted.role != person.role:
                changed["role"] = wanted.role
            if organisation and organisation.pk != person.organisation_id:
                changed["organisation"] = organisation
            if changed:
                # Saved, not updated: the change is a version of the person (history).
                for name, value in changed.items():
                    setattr(person, name, value)
                person.save(update_fields=list(changed))
            return person
    return Person.objects.create(
        name=wanted.name,
        slug=unique_slug(Person, wanted.name),
        role=wanted.role,
        city=city,
        organisation=organisation,
        source=event.source,
    )


def _person_behind(person: Person | PersonAtEvent | None, *, event: Event) -> Person | None:
    if isinstance(person, PersonAtEvent):
        return _person_get_or_create(person, city=None, organisation=None, event=event)
    return person


def _organisations_get_or_create(
    organisations: Iterable[Organisation | NewOrganisation],
) -> list[Organisation]:
    result = []
    for organisation in organisations:
        if isinstance(organisation, NewOrganisation):
            known = selectors.organisations_by_name()
            organisation = known.get(selectors.normalised(organisation.name)) or (
                Organisation.objects.create(
                    name=organisation.name, slug=unique_slug(Organisation, organisation.name)
                )
            )
        result.append(organisation)
    return list(dict.fromkeys(result))


def _practice_remove_from_report(practice: GoodPractice, *, event: Event) -> None:
    practice.events.remove(event)
    # A practice written in this report and cited nowhere else goes with it.
    if not practice.events.exists() and practice.status == Status.DRAFT:
        practice.delete()


def _raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise ReportIncomplete(problems)


def _practice_save(changes: PracticeChanges, *, event: Event, user) -> GoodPractice:
    practice = changes.practice
    if practice.pk is None:
        practice.slug = unique_slug(GoodPractice, practice.title)
        practice.created_by = user
        practice.status = event.status
        if event.status in (Status.PUBLISHED, Status.ARCHIVED):
            practice.published_at = timezone.now()
    else:
        stored = _check_version(practice, changes.expected_version)
        if not workflow.can_edit(user, stored):
            raise PermissionDenied(_("You may not change this practice."))
        practice.status, practice.slug = stored.status, stored.slug
        practice.version = stored.version + 1
    practice.source = practice.source or event.source
    if changes.voiced_by_person is not LEAVE:
        practice.voiced_by_person = _person_behind(changes.voiced_by_person, event=event)
    practice.save()
    practice.events.add(event)
    practice.challenges.set(changes.challenges)
    # The form's "cities behind it" did it (a city practice) or presented it (a presentation or a
    # recommendation, which no city did); the passages are given in the admin before publishing.
    # A link in the other of these roles with no passage yet follows a change of kind.
    role = CityRole.DID if practice.kind == Kind.CITY_PRACTICE else CityRole.PRESENTED
    form_roles = [CityRole.DID, CityRole.PRESENTED]
    practice.city_links.filter(passage="", role__in=form_roles).exclude(role=role).delete()
    practice.cities.set(changes.cities, through_defaults={"role": role})
    practice.tags.set(changes.tags)
    return practice


def _comment_for(action: Action, comment: str) -> str:
    if action is Action.RETURN and not comment.strip():
        raise ValidationError({"comment": _("Say what the editor should change.")})
    return comment.strip()


def _record_move(item: Event | GoodPractice, action: Action, *, user, comment: str) -> None:
    Transition.objects.create(
        event=item if isinstance(item, Event) else None,
        practice=item if isinstance(item, GoodPractice) else None,
        from_status=item.status,
        to_status=action.target,
        comment=comment,
        user=user,
    )
    item.status = action.target
    item.version += 1
    if action is Action.PUBLISH:
        item.published_at = timezone.now()
    if action in (Action.SUBMIT, Action.RETURN):
        item.review_comment = comment
    item.save(update_fields=["status", "version", "published_at", "review_comment", "updated_at"])


@transaction.atomic
def item_move(*, item: Event | GoodPractice, action: Action, user, comment: str = "") -> None:
    """Move one event or practice, if the workflow allows it, and record who, when and why."""
    workflow.check_move(user, item, action)
    comment = _comment_for(action, comment)
    needs_completeness = action in (Action.SUBMIT, Action.PUBLISH)
    if isinstance(item, GoodPractice) and needs_completeness:
        problems = practice_problems(practice=item)
        if action is Action.PUBLISH:
            problems += practice_evidence_problems(practice=item)
        _raise_problems(problems)
    if isinstance(item, Event) and action is Action.PUBLISH:
        _raise_problems(event_evidence_problems(event=item))
    with _revision(user=user, comment=_move_comment(action, comment)):
        _record_move(item, action, user=user, comment=comment)
    if isinstance(item, GoodPractice) and action in (Action.PUBLISH, Action.ARCHIVE):
        practice_refresh_search(practice_ids=[item.pk])


@transaction.atomic
def _event_report_move(*, event: Event, action: Action, user, comment: str = "") -> None:
    # The event and the practices written with it move together, or not at all: the
    # permission to move the report covers its practices.
    workflow.check_move(user, event, action)
    comment = _comment_for(action, comment)
    if action in (Action.SUBMIT, Action.PUBLISH):
        problems = event_report_problems(event=event)
        if action is Action.PUBLISH:
            problems += event_evidence_problems(event=event)
            for practice in report_practices(event):
                problems += practice_evidence_problems(practice=practice)
        _raise_problems(problems)
    practices = list(report_practices(event).select_for_update())
    with _revision(user=user, comment=_move_comment(action, comment)):
        _record_move(event, action, user=user, comment=comment)
        for practice in practices:
            _record_move(practice, action, user=user, comment=comment)
    if action in (Action.PUBLISH, Action.ARCHIVE):
        practice_refresh_search(practice_ids=[practice.pk for practice in practices])


def event_report_submit(*, event: Event, user) -> None:
    _event_report_move(event=event, action=Action.SUBMIT, user=user)


def event_report_publish(*, event: Event, user) -> None:
    _event_report_move(event=event, action=Action.PUBLISH, user=user)


def event_report_return(*, event: Event, user, comment: str) -> None:
    _event_report_move(event=event, action=Action.RETURN, user=user, comment=comment)


def item_archive(*, item: Event | GoodPractice, user, comment: str = "") -> None:
    # An archived event keeps its practices public: each stands on its own and may be cited.
    item_move(item=item, action=Action.ARCHIVE, user=user, comment=comment)


# --- History: restoring a version -----------------------------------------------------------

# Where a record stands in review is not part of its content: a restore keeps the record's
# status (it moves only through cases.workflow) and counts as a new version of it. Its address
# stays too, since others cite it.
KEPT_ON_RESTORE = {
    "status",
    "published_at",
    "review_comment",
    "version",
    "slug",
    "creation_token",
}


class RestoreRefused(ValidationError):
    """The version cannot stand as the record is now (public records must stay publishable)."""


@transaction.atomic
def record_restore(*, record: Event | GoodPractice, version, user) -> None:
    """Bring a record and its links back to one of its versions; the restore is a new version."""
    if not workflow.can_review(user, record):
        raise PermissionDenied("Only curators restore earlier versions.")
    stored = type(record).objects.select_for_update().get(pk=record.pk)
    when = timezone.localtime(version.revision.date_created).strftime("%Y-%m-%d %H:%M")
    comment = _("Restored the version of %(when)s") % {"when": when}
    with _revision(user=user, comment=comment):
        _fields_restore(stored, version.field_dict)
        _links_restore(stored, selectors.link_versions(version))
        if isinstance(stored, GoodPractice) and stored.is_public:
            _raise_problems(
                practice_problems(
                    practice=stored, requirements=workflow.PUBLIC_PRACTICE_REQUIREMENTS
                )
                + practice_evidence_problems(practice=stored)
            )
        if isinstance(stored, Event) and stored.is_public:
            _raise_problems(event_evidence_problems(event=stored))
    if isinstance(stored, GoodPractice):
        practice_refresh_search(practice_ids=[stored.pk])


def _fields_restore(record, values) -> None:
    many_to_many = {field.attname: field for field in selectors.plain_many_to_many(type(record))}
    # Tags, cities and challenges are links, restored with the other links.
    linked = {field.attname for field in record._meta.many_to_many}
    for name, value in values.items():
        if name not in KEPT_ON_RESTORE and name not in linked:
            setattr(record, name, value)
    _forget_missing_targets(record)
    if hasattr(record, "version"):
        record.version += 1
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise RestoreRefused(
            _(
                "This version cannot be restored while the record is %(status)s: it lacks what a "
                "%(status)s record needs."
            )
            % {"status": record.get_status_display().lower()}
        ) from None
    for name, relation in many_to_many.items():
        if name in values:
            # Records deleted since are left out: a link cannot point at nothing.
            getattr(record, name).set(relation.related_model.objects.filter(pk__in=values[name]))


def _forget_missing_targets(record) -> None:
    """A source, city or person the version names may be gone since: the record cannot point
    at it (PostgreSQL would refuse only at commit, as a server error)."""
    for relation in record._meta.concrete_fields:
        target = getattr(record, relation.attname)
        if relation.is_relation and target is not None:
            if _exists(relation.related_model, target):
                continue
            if not relation.null:
                raise RestoreRefused(
                    _("This version names a %(what)s that no longer exists.")
                    % {"what": relation.verbose_name}
                )
            setattr(record, relation.attname, None)


def _links_restore(record, versions) -> None:
    """The record's links as the version had them: others go, the version's come back."""
    kept = {(version.content_type_id, version.object_id) for version in versions}
    for name in HISTORY_FOLLOWS.get(type(record), []):
        for link in getattr(record, name).all():
            content_type = ContentType.objects.get_for_model(link)
            if (content_type.pk, str(link.pk)) not in kept:
                link.delete()
    for version in versions:
        if _targets_exist(version):
            version.revert()


def _targets_exist(version) -> bool:
    """Whether every record a link version points at still exists (a city may be gone)."""
    model, values = version.content_type.model_class(), version.field_dict
    return all(
        _exists(field.related_model, values[field.attname])
        for field in model._meta.concrete_fields
        if field.is_relation and values.get(field.attname) is not None
    )


def _exists(model, pk) -> bool:
    return model._default_manager.filter(pk=pk).exists()
