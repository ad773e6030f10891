import pytest
from django.contrib.auth.models import Group

from .factories import make_curator, make_editor

pytestmark = pytest.mark.django_db


def test_the_first_migrations_create_editors_and_curators():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editors", "Curators"}


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
