"""Publishing, returning, archiving and saving a report are all-or-nothing.

Each test lets the write get far, then makes a later step fail (a real failing condition where
there is one, otherwise a later step of the service patched to raise), and checks that nothing
changed: no half-published report, no orphan practice, no transition, the same catalogue
version (it moves only when a write commits).
"""

import pytest

from cases import services
from cases.caching import catalogue_version
from cases.models import Event, EventCity, GoodPractice, PracticeCity, Status, Transition

from .editor_helpers import make_report
from .factories import make_curator

pytestmark = pytest.mark.django_db


class StepFailed(Exception):
    pass


def _fail(*args, **kwargs):
    raise StepFailed("a later step fails")


def snapshot():
    """Everything a report's writes touch, as plain values."""
    return {
        "events": list(
            Event.objects.order_by("pk").values_list("pk", "title", "status", "version")
        ),
        "practices": list(
            GoodPractice.objects.order_by("pk").values_list(
                "pk", "title", "status", "version", "published_at"
            )
        ),
        "event_cities": list(EventCity.objects.order_by("pk").values_list("pk", "city_id")),
        "practice_cities": list(PracticeCity.objects.order_by("pk").values_list("pk", "city_id")),
        "transitions": Transition.objects.count(),
        "catalogue_version": catalogue_version(),
    }


@pytest.fixture
def unchanged(django_capture_on_commit_callbacks):
    """Run a write that must fail; check that it left everything as it was."""

    def check(write, error=StepFailed):
        before = snapshot()
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(error),
        ):
            write()
        assert callbacks == []  # nothing was scheduled for a commit, the cache included
        assert snapshot() == before

    return check


def test_a_publish_that_fails_at_its_last_step_publishes_nothing(unchanged, monkeypatch):
    event = make_report(status=Status.IN_REVIEW, practices=2)
    curator = make_curator()
    # The search index is refreshed after the event and its practices were moved.
    monkeypatch.setattr(services, "practice_refresh_search", _fail)
    unchanged(lambda: services.event_report_publish(event=event, user=curator))
    assert set(event.practices.values_list("status", flat=True)) == {Status.IN_REVIEW}


def test_a_return_that_fails_on_its_second_practice_returns_nothing(unchanged, monkeypatch):
    event = make_report(status=Status.IN_REVIEW, practices=2)
    moves = []
    record_move = services._record_move

    def fail_on_the_third_move(item, action, **arguments):
        # The event moves first, then its practices one by one.
        moves.append(item)
        if len(moves) == 3:
            raise StepFailed("the second practice cannot be moved")
        record_move(item, action, **arguments)

    monkeypatch.setattr(services, "_record_move", fail_on_the_third_move)
    curator = make_curator()
    unchanged(lambda: services.event_report_return(event=event, user=curator, comment="Cite it."))
    assert len(moves) == 3


def test_an_archive_that_fails_after_the_move_archives_nothing(unchanged, monkeypatch):
    practice = make_report(status=Status.PUBLISHED).practices.get()
    monkeypatch.setattr(services, "practice_refresh_search", _fail)
    curator = make_curator()
    unchanged(lambda: services.item_archive(item=practice, user=curator))


def test_a_save_refused_after_its_practices_were_written_leaves_no_orphan_practice(unchanged):
    # A published report must stay publishable: the new practice, saved with the report, names
    # no challenge, so the check that runs after every practice was written refuses the save.
    event = make_report(status=Status.PUBLISHED)
    event.title = "A new title that must not stick"
    existing = event.practices.get()
    changes = services.ReportChanges(
        cities=list(event.cities.all()),
        challenges=list(event.challenges.all()),
        practices=[
            services.PracticeChanges(
                practice=existing,
                challenges=list(existing.challenges.all()),
                cities=list(existing.cities.all()),
            ),
            services.PracticeChanges(
                practice=GoodPractice(title="Half written", summary="Written, not filed.")
            ),
        ],
    )
    curator = make_curator()
    unchanged(
        lambda: services.event_report_save(event=event, user=curator, changes=changes),
        error=services.ReportIncomplete,
    )
    assert not GoodPractice.objects.filter(title="Half written").exists()


def test_a_save_and_submit_whose_submit_fails_saves_nothing(unchanged, monkeypatch):
    event = make_report(status=Status.DRAFT)
    event.title = "Saved only if submitted"
    monkeypatch.setattr(services, "event_report_submit", _fail)
    author = event.created_by or make_curator()
    unchanged(lambda: services.event_report_save(event=event, user=author, submit=True))


def test_a_publish_that_commits_moves_the_catalogue_version(django_capture_on_commit_callbacks):
    # The counterpart of the tests above: the checks there can tell a change from none.
    event = make_report(status=Status.IN_REVIEW)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_report_publish(event=event, user=make_curator())
    after = snapshot()
    assert after["catalogue_version"] > before["catalogue_version"]
    assert after["transitions"] == before["transitions"] + 2
