from importlib import import_module

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from .factories import make_curator, make_editor

pytestmark = pytest.mark.django_db

# The data migrations that make the groups and give them their permissions.
GROUP_MIGRATIONS = ["0002_groups", "0011_curators_people"]


def test_the_migrations_create_editors_and_curators_with_their_permissions():
    # Run on an empty auth table rather than trusting the test database: a transactional test
    # (a browser test, the backups) empties every table, and with a file per xdist worker one may
    # have run before this one in the same database.
    Group.objects.all().delete()
    state_apps = MigrationLoader(connection).project_state().apps
    for name in GROUP_MIGRATIONS:
        for operation in import_module(f"cases.migrations.{name}").Migration.operations:
            operation.code(state_apps, None)

    permissions = {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.all()
    }
    assert set(permissions) == {"Editors", "Curators"}
    assert {"add_event", "add_goodpractice", "add_city"} <= permissions["Editors"]
    assert not {"review_goodpractice", "change_person"} & permissions["Editors"]
    assert {"review_goodpractice", "delete_event", "change_person"} <= permissions["Curators"]


@pytest.mark.parametrize(
    "permission",
    [
        "cases.add_event",
        "cases.change_event",
        "cases.add_goodpractice",
        "cases.change_goodpractice",
        "cases.add_city",
        "challenges.view_challenge",
    ],
)
def test_editors_may_write_reports_and_add_cities(permission):
    assert make_editor().has_perm(permission)


@pytest.mark.parametrize(
    "permission",
    [
        "cases.review_event",
        "cases.review_goodpractice",
        "cases.delete_goodpractice",
        "cases.change_city",
        "challenges.change_challenge",
        "auth.change_user",
    ],
)
def test_editors_may_not_review_delete_or_curate_the_taxonomy(permission):
    assert not make_editor().has_perm(permission)


@pytest.mark.parametrize(
    "permission",
    ["cases.review_event", "cases.review_goodpractice", "cases.change_city", "cases.add_event"],
)
def test_curators_may_review_and_curate_records(permission):
    assert make_curator().has_perm(permission)


@pytest.mark.parametrize(
    "permission", ["challenges.change_challenge", "challenges.delete_theme", "auth.change_user"]
)
def test_only_admins_change_the_taxonomy_and_users(permission):
    assert not make_curator().has_perm(permission)


@pytest.mark.parametrize(
    "permission",
    ["cases.change_person", "cases.view_person", "cases.add_statement", "cases.change_statement"],
)
def test_curators_may_correct_people_and_what_they_said(permission):
    assert make_curator().has_perm(permission)
    assert not make_editor().has_perm(permission)
