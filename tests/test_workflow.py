import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cases import services, workflow
from cases.models import Event, GoodPractice, Status, Transition
from cases.workflow import Action, TransitionRefused

from .editor_helpers import make_report
from .factories import make_curator, make_editor, make_practice

pytestmark = pytest.mark.django_db

ALLOWED = {
    (Status.DRAFT, Status.IN_REVIEW),
    (Status.IN_REVIEW, Status.PUBLISHED),
    (Status.IN_REVIEW, Status.DRAFT),
    (Status.PUBLISHED, Status.ARCHIVED),
}
EVERY_PAIR = list(itertools.product(Status, repeat=2))


def _mover(action, author):
    return author if action is Action.SUBMIT else make_curator()


def _statuses_reached_from(source):
    """Every status some move takes a report in `source` to, each move made by who may make it."""
    author = make_editor()
    reached = set()
    for action in Action:
        event = make_report(status=source, created_by=author)
        try:
            services.item_move(
                item=event, action=action, user=_mover(action, author), comment="Checked."
            )
        except (TransitionRefused, PermissionDenied):
            continue
        reached.add(event.status)
    return reached


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_the_allowed_moves_are_exactly_the_four_of_the_workflow(source, target):
    assert target in _statuses_reached_from(source)


@pytest.mark.parametrize(("source", "target"), [pair for pair in EVERY_PAIR if pair not in ALLOWED])
def test_every_other_move_is_refused(source, target):
    assert target not in _statuses_reached_from(source)


@pytest.mark.parametrize("action", list(Action), ids=lambda action: action.verb)
def test_each_allowed_move_changes_the_report_and_records_who_when_and_why(action):
    author = make_editor()
    event = make_report(status=action.source, created_by=author)
    user = _mover(action, author)
    services.item_move(item=event, action=action, user=user, comment="Checked.")
    event.refresh_from_db()
    move = Transition.objects.get(event=event)
    assert event.status == action.target
    assert (move.user, move.from_status, move.to_status, move.comment) == (
        user,
        action.source,
        action.target,
        "Checked.",
    )
    assert move.created_at is not None


@pytest.mark.parametrize(
    ("action", "status"),
    [(action, status) for action in Action for status in Status if status != action.source],
    ids=str,
)
def test_a_move_from_the_wrong_status_is_refused_and_changes_nothing(action, status):
    author = make_editor()
    event = make_report(status=status, created_by=author)
    with pytest.raises(TransitionRefused):
        services.item_move(item=event, action=action, user=_mover(action, author), comment="x")
    event.refresh_from_db()
    assert event.status == status
    assert not Transition.objects.exists()


@pytest.mark.parametrize("action", [Action.PUBLISH, Action.RETURN, Action.ARCHIVE])
def test_only_curators_publish_return_and_archive(action):
    author = make_editor()
    event = make_report(status=action.source, created_by=author)
    with pytest.raises(workflow.PermissionDenied):
        services.item_move(item=event, action=action, user=author, comment="Mine.")


@pytest.mark.parametrize("action", list(Action), ids=lambda action: action.verb)
def test_a_move_refused_to_the_user_names_the_action_and_the_item(action):
    event = make_report(status=action.source, created_by=make_editor(), title="Side event")
    with pytest.raises(PermissionDenied, match=f"may (not )?{action.verb} “Side event”"):
        services.item_move(item=event, action=action, user=make_editor(), comment="Mine.")


def test_submitting_moves_the_event_and_its_practices_together():
    author = make_editor()
    event = make_report(created_by=author, practices=2)
    services.event_report_submit(event=event, user=author)
    statuses = set(event.practices.values_list("status", flat=True))
    assert (event.status, statuses) == (Status.IN_REVIEW, {Status.IN_REVIEW})
    assert Transition.objects.count() == 3


def test_publishing_sets_the_date_on_the_event_and_every_practice():
    event = make_report(status=Status.IN_REVIEW, practices=2)
    services.event_report_publish(event=event, user=make_curator())
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED and event.published_at
    assert not event.practices.exclude(status=Status.PUBLISHED).exists()
    assert not event.practices.filter(published_at__isnull=True).exists()


def test_publishing_refreshes_the_search_index_of_the_practices(monkeypatch):
    refreshed = []
    monkeypatch.setattr(
        services, "practice_refresh_search", lambda *, practice_ids: refreshed.extend(practice_ids)
    )
    event = make_report(status=Status.IN_REVIEW, practices=2)
    services.event_report_publish(event=event, user=make_curator())
    assert sorted(refreshed) == list(event.practices.order_by("pk").values_list("pk", flat=True))


def test_an_incomplete_practice_stops_the_whole_report_from_publishing():
    event = make_report(status=Status.IN_REVIEW, practices=2)
    event.practices.first().challenges.clear()
    with pytest.raises(services.ReportIncomplete):
        services.event_report_publish(event=event, user=make_curator())
    event.refresh_from_db()
    assert event.status == Status.IN_REVIEW
    assert set(event.practices.values_list("status", flat=True)) == {Status.IN_REVIEW}
    assert not Transition.objects.exists()


def test_returning_needs_a_comment():
    event = make_report(status=Status.IN_REVIEW)
    with pytest.raises(ValidationError):
        services.event_report_return(event=event, user=make_curator(), comment="   ")
    event.refresh_from_db()
    assert event.status == Status.IN_REVIEW


def test_returning_sends_event_and_practices_back_to_draft_with_the_comment():
    author = make_editor()
    event = make_report(status=Status.IN_REVIEW, created_by=author)
    services.event_report_return(event=event, user=make_curator(), comment="Add the date.")
    practice = event.practices.get()
    assert (event.status, event.review_comment) == (Status.DRAFT, "Add the date.")
    assert (practice.status, practice.review_comment) == (Status.DRAFT, "Add the date.")
    assert workflow.can_edit(author, event)


def test_the_author_sees_a_returned_report_with_the_curators_comment(client):
    author = make_editor()
    event = make_report(status=Status.IN_REVIEW, created_by=author)
    services.event_report_return(event=event, user=make_curator(), comment="Add the date.")
    client.force_login(author)
    mine = client.get(reverse("editor:my-reports"))
    # Once on the event report's card and once on its practice's.
    assertContains(mine, "Returned by a curator:", count=2)
    assertContains(mine, "Add the date.", count=2)
    form = client.get(reverse("editor:event-edit", args=[event.slug]))
    assertContains(form, "Returned by a curator")
    assertContains(form, "Add the date.")
    assertNotContains(form, "public page")


def test_a_published_report_is_not_shown_as_returned_and_links_its_public_page(client):
    author = make_editor()
    event = make_report(status=Status.PUBLISHED, created_by=author)
    Event.objects.filter(pk=event.pk).update(review_comment="An old comment.")
    client.force_login(make_curator())
    form = client.get(reverse("editor:event-edit", args=[event.slug]))
    assertNotContains(form, "An old comment.")
    assertContains(form, f'href="{event.get_absolute_url()}">public page</a>')


def test_resubmitting_clears_the_curators_comment():
    author = make_editor()
    event = make_report(status=Status.IN_REVIEW, created_by=author)
    services.event_report_return(event=event, user=make_curator(), comment="Add the date.")
    services.event_report_submit(event=event, user=author)
    event.refresh_from_db()
    assert event.review_comment == ""


def test_a_practice_can_be_archived_on_its_own():
    practice = make_practice()
    services.item_archive(item=practice, user=make_curator())
    practice.refresh_from_db()
    assert practice.status == Status.ARCHIVED
    assert Transition.objects.get().practice == practice


def test_an_archived_event_keeps_its_address_with_a_note_and_leaves_the_list(client):
    event = make_report(status=Status.PUBLISHED, title="Archived talk")
    services.item_archive(item=event, user=make_curator())
    response = client.get(event.get_absolute_url())
    assertContains(response, "archived")
    assertNotContains(client.get(reverse("cases:event-list")), "Archived talk")


def test_the_review_page_shows_the_history_to_curators(client):
    author = make_editor("amina")
    event = make_report(created_by=author)
    services.event_report_submit(event=event, user=author)
    curator = make_curator("carla")
    services.event_report_return(event=event, user=curator, comment="Cite the source.")
    client.force_login(curator)
    response = client.get(reverse("editor:review-event", args=[event.slug]))
    assertContains(response, "Cite the source.")
    assertContains(response, "amina")
    assertContains(response, "In review → Draft")


def test_the_review_queue_lists_submitted_reports_oldest_first(client):
    author = make_editor()
    first = make_report(created_by=author, title="Submitted first")
    second = make_report(created_by=author, title="Submitted second")
    services.event_report_submit(event=second, user=author)
    services.event_report_submit(event=first, user=author)
    # The first submission wins over creation order: resubmitting "second" now moves it last.
    services.event_report_return(event=second, user=make_curator(), comment="Fix it.")
    services.event_report_submit(event=second, user=author)
    make_report(created_by=author, title="Still a draft")
    client.force_login(make_curator())
    content = client.get(reverse("editor:review-queue")).content.decode()
    assert content.index("Submitted first") < content.index("Submitted second")
    assert "Still a draft" not in content


def test_the_review_queue_query_count_does_not_grow(client, django_assert_num_queries):
    author = make_editor()
    for _ in range(4):
        services.event_report_submit(event=make_report(created_by=author), user=author)
    client.force_login(make_curator())
    # session, user, the review permission (the user's own, then their groups'), the queue
    # with its editors.
    with django_assert_num_queries(5):
        client.get(reverse("editor:review-queue"))


def test_publishing_through_the_site_makes_the_practices_public(client):
    event = make_report(status=Status.IN_REVIEW, title="Nairobi side event")
    practice = event.practices.get()
    client.force_login(make_curator())
    client.post(reverse("editor:event-publish", args=[event.slug]))
    client.logout()
    assertContains(client.get(event.get_absolute_url()), practice.title)
    assertContains(client.get(practice.get_absolute_url()), practice.summary)


def test_a_refused_move_through_the_site_comes_back_as_a_message(client):
    event = make_report(status=Status.DRAFT)
    client.force_login(make_curator())
    response = client.post(reverse("editor:event-publish", args=[event.slug]), follow=True)
    assertContains(response, "cannot be moved with “publish”")
    assert Event.objects.get().status == Status.DRAFT
    assert GoodPractice.objects.get().status == Status.DRAFT
