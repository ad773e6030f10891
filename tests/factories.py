"""Plain factory functions: each creates what it is not given, with readable defaults."""

import itertools
from importlib import import_module

from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone
from django.utils.text import slugify

from cases.models import (
    CURATORS_GROUP,
    EDITORS_GROUP,
    City,
    CityRole,
    Country,
    Event,
    EventPerson,
    GoodPractice,
    Organisation,
    Person,
    Region,
    Source,
    Status,
)
from challenges.models import Challenge, Theme

_sequence = itertools.count(1)
# What the factories give a city link unless told otherwise: a role and a passage, so the record
# can be published as it is.
PASSAGE = "The passage of the source that names the city."


def _unique(prefix):
    return f"{prefix} {next(_sequence)}"


def make_theme(**fields):
    name = fields.pop("name", None) or _unique("Theme")
    return Theme.objects.create(name=name, slug=fields.pop("slug", slugify(name)), **fields)


def make_challenge(**fields):
    name = fields.pop("name", None) or _unique("Challenge")
    fields.setdefault("definition", f"What {name} means.")
    theme = fields.pop("theme", None) or make_theme()
    return Challenge.objects.create(
        name=name, slug=fields.pop("slug", slugify(name)), theme=theme, **fields
    )


def make_country(**fields):
    name = fields.pop("name", None) or _unique("Country")
    number = next(_sequence)
    fields.setdefault("code", f"{chr(65 + number // 26 % 26)}{chr(65 + number % 26)}")
    fields.setdefault("region", Region.AFRICA)
    return Country.objects.create(name=name, slug=fields.pop("slug", slugify(name)), **fields)


def make_city(**fields):
    name = fields.pop("name", None) or _unique("City")
    country = fields.pop("country", None) or make_country()
    return City.objects.create(
        name=name, slug=fields.pop("slug", slugify(name)), country=country, **fields
    )


def make_organisation(**fields):
    name = fields.pop("name", None) or _unique("Organisation")
    return Organisation.objects.create(name=name, slug=fields.pop("slug", slugify(name)), **fields)


def make_source(**fields):
    title = fields.pop("title", None) or _unique("Source")
    return Source.objects.create(title=title, slug=fields.pop("slug", slugify(title)), **fields)


def _published_fields(fields):
    status = fields.setdefault("status", Status.PUBLISHED)
    if status in (Status.PUBLISHED, Status.ARCHIVED):
        fields.setdefault("published_at", timezone.now())


def make_event(*, cities=(), challenges=(), organisers=(), **fields):
    title = fields.pop("title", None) or _unique("Event")
    _published_fields(fields)
    event = Event.objects.create(title=title, slug=fields.pop("slug", slugify(title)), **fields)
    event.cities.set(cities, through_defaults={"role": CityRole.TOOK_PART, "passage": PASSAGE})
    event.challenges.set(challenges)
    event.organisers.set(organisers)
    return event


def make_practice(*, challenges=None, cities=(), events=(), tags=(), **fields):
    title = fields.pop("title", None) or _unique("Practice")
    fields.setdefault("summary", f"How a city did {title}.")
    _published_fields(fields)
    practice = GoodPractice.objects.create(
        title=title, slug=fields.pop("slug", slugify(title)), **fields
    )
    practice.challenges.set(challenges if challenges is not None else [make_challenge()])
    practice.cities.set(cities, through_defaults={"role": CityRole.DID, "passage": PASSAGE})
    practice.events.set(events)
    if tags:
        practice.tags.set(list(tags))
    return practice


def make_person(*, events=(), statements=(), voiced_practices=(), **fields):
    """A person; `statements` are quotes from `source` (made when not given)."""
    name = fields.pop("name", None) or _unique("Person")
    person = Person.objects.create(name=name, slug=fields.pop("slug", slugify(name)), **fields)
    person.voiced_practices.set(voiced_practices)
    for event in events:
        EventPerson.objects.create(event=event, person=person, part="speaker", passage=PASSAGE)
    source = person.source or (make_source() if statements else None)
    for position, quote in enumerate(statements, 1):
        person.statements.create(quote=quote, source=source, position=position)
    return person


# The groups and what they bundle, as the migrations make them.
GROUP_PERMISSIONS = {
    name: list(codenames)
    for name, codenames in import_module("cases.migrations.0002_groups").GROUPS.items()
}
GROUP_PERMISSIONS[CURATORS_GROUP] += [
    ("cases", codename)
    for codename in import_module("cases.migrations.0011_curators_people").PEOPLE_PERMISSIONS
]


def ensure_groups(names):
    """The groups with their permissions. Transactional tests flush every table, the groups the
    migrations made included; the site asks for permissions, so a bare group would not do."""
    for name in names:
        group, _created = Group.objects.get_or_create(name=name)
        if not group.permissions.exists():
            group.permissions.set(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in GROUP_PERMISSIONS[name]
            )


def make_user(username=None, *, groups=(), password="correct-horse-battery-staple", **fields):
    ensure_groups(groups)
    user = User.objects.create_user(
        username=username or _unique("user").replace(" ", ""), password=password, **fields
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def make_editor(username=None, **fields):
    return make_user(username, groups=[EDITORS_GROUP], **fields)


def make_curator(username=None, **fields):
    return make_user(username, groups=[CURATORS_GROUP], **fields)


def make_user_with_permissions(username=None, *permissions, **fields):
    """A user in no group, given these permissions ("app_label.codename") directly."""
    user = make_user(username, **fields)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user
