"""The catalogue index is rebuilt by each process's watcher soon after the catalogue moves, so
the first reader after a publish does not wait for it (cases/catalogue_index.py)."""

import gc
import time

import pytest
from django.db import connection
from django.utils import timezone

from cases import catalogue_index as index_module
from cases.catalogue_index import (
    catalogue_index,
    catalogue_version_in_database,
    start_watching,
    stop_watching,
)
from cases.models import Status

from .factories import make_practice

# The watcher reads the database from its own thread and connection: it sees committed rows.
# SQLite's in-memory test database (shared cache) locks a whole table between connections
# without waiting, so a write can fail while the watcher reads: PostgreSQL only (a SQLite file,
# as `make run` uses, waits for the lock instead).
pytestmark = pytest.mark.django_db(transaction=True)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads share SQLite's in-memory test database"
)


@pytest.fixture
def watcher(settings):
    settings.CATALOGUE_INDEX_WATCH_SECONDS = 0.02
    start_watching()
    yield
    stop_watching()


def built():
    return index_module._shared.get("index")


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def holds(practice):
    """Whether the index is built at the database's version and holds the practice."""
    index = built()
    current = index is not None and index.version == catalogue_version_in_database()
    return current and practice.pk in index.place


@postgresql_only
def test_the_watcher_builds_the_index_before_any_reader(watcher):
    practice = make_practice()
    assert wait_for(lambda: holds(practice))


@postgresql_only
def test_after_a_publish_the_index_is_rebuilt_without_a_reader(watcher):
    first = make_practice()
    assert wait_for(lambda: holds(first))
    draft = make_practice(status=Status.DRAFT)
    assert not holds(draft)
    draft.status, draft.published_at = Status.PUBLISHED, timezone.now()
    draft.save()  # the save moves the catalogue version on commit, as a publish does
    assert wait_for(lambda: holds(draft))
    # A reader now finds it built: no build in the request.
    before = built()
    assert catalogue_index() is before


@postgresql_only
def test_what_the_watcher_builds_is_left_out_of_garbage_collections(watcher):
    """A full collection walked every list and dict of the index (120 ms at tier L): after a
    build the watcher freezes what lives, the index included."""
    gc.unfreeze()
    practice = make_practice()
    assert wait_for(lambda: holds(practice))
    assert wait_for(lambda: gc.get_freeze_count() > 0)
    ids = built().ids  # a list: always tracked by the collector, unless frozen
    assert not any(thing is ids for thing in gc.get_objects())


@postgresql_only
def test_a_stopped_watcher_builds_nothing_more(watcher):
    practice = make_practice()
    assert wait_for(lambda: holds(practice))
    stop_watching()
    index_module.forget_catalogue_index()
    make_practice()
    time.sleep(0.2)
    assert built() is None


def test_without_an_interval_no_watcher_starts(settings):
    settings.CATALOGUE_INDEX_WATCH_SECONDS = 0
    start_watching()
    assert not index_module._watcher
