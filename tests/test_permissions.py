"""Who may do what, on every route, for every status: the full matrix, written out by hand.

Outcomes: "200" the page shows; "ok" the change was made; "login" sent to sign in;
"403" refused; "404" the item does not exist for this user; "refused" the workflow says no
(a message, nothing changes); "409" the author's save after submitting is refused, and the
page shows what they typed next to the stored report.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from cases.models import CURATORS_GROUP, Event, Status

from .editor_helpers import make_report, report_data
from .factories import make_curator, make_editor, make_user_with_permissions

pytestmark = pytest.mark.django_db

STATUSES = [Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.ARCHIVED]
# "reviewer" holds the review permissions directly, in no group: permissions decide, not groups.
USERS = ["anonymous", "editor_a", "editor_b", "curator", "reviewer", "superuser"]

# fmt: off
MATRIX = {  #                draft      in_review  published  archived
    "view": {
        "anonymous":  ("404",     "404",     "200",     "200"),
        "editor_a":   ("200",     "200",     "200",     "200"),
        "editor_b":   ("404",     "404",     "200",     "200"),
        "curator":    ("200",     "200",     "200",     "200"),
        "reviewer":   ("200",     "200",     "200",     "200"),
        "superuser":  ("200",     "200",     "200",     "200"),
    },
    "edit": {
        "anonymous":  ("login",   "login",   "login",   "login"),
        "editor_a":   ("ok",      "409",     "409",     "409"),
        "editor_b":   ("404",     "404",     "403",     "403"),
        "curator":    ("ok",      "ok",      "ok",      "ok"),
        "reviewer":   ("ok",      "ok",      "ok",      "ok"),
        "superuser":  ("ok",      "ok",      "ok",      "ok"),
    },
    "submit": {
        "anonymous":  ("login",   "login",   "login",   "login"),
        "editor_a":   ("ok",      "refused", "refused", "refused"),
        "editor_b":   ("404",     "404",     "refused", "refused"),
        "curator":    ("ok",      "refused", "refused", "refused"),
        "reviewer":   ("ok",      "refused", "refused", "refused"),
        "superuser":  ("ok",      "refused", "refused", "refused"),
    },
    "publish": {
        "anonymous":  ("login",   "login",   "login",   "login"),
        "editor_a":   ("403",     "403",     "403",     "403"),
        "editor_b":   ("403",     "403",     "403",     "403"),
        "curator":    ("refused", "ok",      "refused", "refused"),
        "reviewer":   ("refused", "ok",      "refused", "refused"),
        "superuser":  ("refused", "ok",      "refused", "refused"),
    },
    "return": {
        "anonymous":  ("login",   "login",   "login",   "login"),
        "editor_a":   ("403",     "403",     "403",     "403"),
        "editor_b":   ("403",     "403",     "403",     "403"),
        "curator":    ("refused", "ok",      "refused", "refused"),
        "reviewer":   ("refused", "ok",      "refused", "refused"),
        "superuser":  ("refused", "ok",      "refused", "refused"),
    },
    "archive": {
        "anonymous":  ("login",   "login",   "login",   "login"),
        "editor_a":   ("403",     "403",     "403",     "403"),
        "editor_b":   ("403",     "403",     "403",     "403"),
        "curator":    ("refused", "refused", "ok",      "refused"),
        "reviewer":   ("refused", "refused", "ok",      "refused"),
        "superuser":  ("refused", "refused", "ok",      "refused"),
    },
}
# fmt: on

# The status each move leads to, to check that "ok" changed the report and nothing else did.
TARGETS = {
    "submit": Status.IN_REVIEW,
    "publish": Status.PUBLISHED,
    "return": Status.DRAFT,
    "archive": Status.ARCHIVED,
}
CELLS = [
    (action, who, status, MATRIX[action][who][index])
    for action in MATRIX
    for who in USERS
    for index, status in enumerate(STATUSES)
]


def _client_for(who, author):
    client = Client()
    users = {
        "editor_a": lambda: author,
        "editor_b": lambda: make_editor("bea"),
        "curator": lambda: make_curator("carla"),
        "reviewer": lambda: make_user_with_permissions(
            "rita", "cases.review_event", "cases.review_goodpractice"
        ),
        "superuser": lambda: User.objects.create_superuser("root", password="x" * 16),
    }
    if who in users:
        client.force_login(users[who]())
    return client


def _request(client, action, event):
    if action == "view":
        return client.get(event.get_absolute_url())
    if action == "edit":
        data = report_data(event, summary="Changed by the matrix.")
        return client.post(reverse("editor:event-edit", args=[event.slug]), data)
    data = {"comment": "Please cite the source."} if action == "return" else {}
    return client.post(reverse(f"editor:event-{action}", args=[event.slug]), data)


@pytest.mark.parametrize(
    ("action", "who", "status", "expected"), CELLS, ids=[f"{a}-{w}-{s}" for a, w, s, _ in CELLS]
)
def test_permission_matrix(action, who, status, expected):
    author = make_editor("amina")
    event = make_report(status=status, created_by=author)
    client = _client_for(who, author)
    response = _request(client, action, event)
    stored = Event.objects.get(pk=event.pk)

    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    elif expected in ("200", "403", "404", "409"):
        assert response.status_code == int(expected)
    elif expected == "refused":
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200
    else:
        assert expected == "ok" and response.status_code == 302
        if action == "edit":
            assert stored.summary == "Changed by the matrix."
            assert client.get(response["Location"]).status_code == 200
        else:
            assert stored.status == TARGETS[action]

    if expected != "ok":
        assert (stored.status, stored.summary, stored.version) == (status, "", event.version)


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("status", STATUSES)
def test_the_edit_form_opens_exactly_where_saving_is_allowed(who, status):
    author = make_editor("amina")
    event = make_report(status=status, created_by=author)
    client = _client_for(who, author)
    response = client.get(reverse("editor:event-edit", args=[event.slug]))
    expected = MATRIX["edit"][who][STATUSES.index(status)].replace("409", "403")
    if expected == "ok":
        assert response.status_code == 200
    elif expected == "login":
        assert response.status_code == 302
    else:
        assert response.status_code == int(expected)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("editor_a", 403), ("curator", 200), ("superuser", 200)],
)
def test_the_review_pages_are_for_curators_only(who, expected):
    author = make_editor("amina")
    event = make_report(status=Status.IN_REVIEW, created_by=author)
    client = _client_for(who, author)
    for url in (reverse("editor:review-queue"), reverse("editor:review-event", args=[event.slug])):
        assert client.get(url).status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 302), ("editor_a", 200), ("curator", 200)]
)
def test_writing_a_report_needs_an_editor_or_curator(who, expected):
    client = _client_for(who, make_editor("amina"))
    assert client.get(reverse("editor:event-create")).status_code == expected


def test_a_signed_in_user_outside_both_groups_cannot_write_reports(client):
    client.force_login(User.objects.create_user("reader", password="x" * 16))
    assert client.get(reverse("editor:event-create")).status_code == 403
    assert client.post(reverse("editor:event-create"), report_data(title="X")).status_code == 403
    assert not Event.objects.exists()


@pytest.mark.parametrize("action", ["submit", "publish", "return", "archive"])
def test_moves_answer_get_with_405(client, action):
    event = make_report(status=Status.IN_REVIEW)
    client.force_login(make_curator())
    assert client.get(reverse(f"editor:event-{action}", args=[event.slug])).status_code == 405


@pytest.mark.parametrize("action", ["edit", "submit", "publish", "return", "archive"])
def test_every_form_needs_its_csrf_token(action):
    author = make_editor("amina")
    event = make_report(status=Status.DRAFT, created_by=author)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_curator())
    assert _request(client, action, event).status_code == 403


def test_a_published_practice_is_archived_by_curators_only(client):
    event = make_report(status=Status.PUBLISHED)
    practice = event.practices.get()
    url = reverse("editor:practice-archive", args=[practice.slug])
    client.force_login(make_editor())
    assert client.post(url).status_code == 403
    client.force_login(make_curator())
    assertRedirects(client.post(url), practice.get_absolute_url())
    practice.refresh_from_db()
    assert practice.status == Status.ARCHIVED


def test_anonymous_public_pages_set_no_cookie(client):
    event = make_report(status=Status.PUBLISHED)
    for url in (reverse("home"), event.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies
        assertContains(response, "Sign in")


def test_signing_in_and_out(client):
    make_editor("amina", password="a-long-enough-password")
    response = client.post(
        reverse("login"),
        {"username": "amina", "password": "a-long-enough-password", "next": "/editor/"},
    )
    assertRedirects(response, "/editor/")
    assertContains(client.get("/editor/"), "Sign out")
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get("/editor/").status_code == 302


def test_a_wrong_password_keeps_the_username(client):
    make_editor("amina")
    response = client.post(reverse("login"), {"username": "amina", "password": "wrong"})
    assertContains(response, 'value="amina"')
    assertContains(response, "Please enter a correct username and password")


def test_the_password_change_page_needs_sign_in_and_works(client):
    assert client.get(reverse("password_change")).status_code == 302
    user = make_editor("amina", password="an-old-long-password")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "an-old-long-password",
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assertRedirects(response, reverse("password_change_done"))
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase")


def test_navigation_shows_curators_the_review_queue_and_editors_only_their_reports(client):
    client.force_login(make_editor())
    content = client.get(reverse("home")).content.decode()
    assert "My reports" in content and "Review queue" not in content
    client.force_login(make_curator())
    assertContains(client.get(reverse("home")), "Review queue")


def test_login_url_is_the_sites_sign_in_page():
    assert reverse(settings.LOGIN_URL) == "/accounts/login/"


def test_an_author_with_the_editor_permissions_but_no_group_writes_and_submits(client):
    author = make_user_with_permissions(
        "ines", "cases.add_event", "cases.change_event", "cases.change_goodpractice"
    )
    client.force_login(author)
    assert client.get(reverse("editor:event-create")).status_code == 200
    event = make_report(status=Status.DRAFT, created_by=author)
    response = client.post(reverse("editor:event-submit", args=[event.slug]))
    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).status == Status.IN_REVIEW


def test_a_group_member_loses_what_the_group_no_longer_grants(client):
    # The group only bundles permissions: take review_event from Curators and its members
    # may no longer publish, on the site as in the admin.
    carla = make_curator("carla", is_staff=True)
    curators = Group.objects.get(name=CURATORS_GROUP)
    curators.permissions.remove(Permission.objects.get(codename="review_event"))
    event = make_report(status=Status.IN_REVIEW)
    client.force_login(carla)
    assert client.post(reverse("editor:event-publish", args=[event.slug])).status_code == 403
    assert client.get(reverse("editor:review-queue")).status_code == 403
    assertNotContains(client.get(reverse("home")), "Review queue")
    admin_changelist = reverse("admin:cases_event_changelist")
    client.post(admin_changelist, {"action": "publish", "_selected_action": [event.pk]})
    assert Event.objects.get(pk=event.pk).status == Status.IN_REVIEW


def test_the_review_permission_given_directly_works_on_the_site_and_in_the_admin(client):
    reviewer = make_user_with_permissions(
        "rita", "cases.review_event", "cases.change_event", "cases.view_event", is_staff=True
    )
    client.force_login(reviewer)
    assertContains(client.get(reverse("home")), "Review queue")
    on_site, in_admin = make_report(status=Status.IN_REVIEW), make_report(status=Status.IN_REVIEW)
    client.post(reverse("editor:event-publish", args=[on_site.slug]))
    admin_changelist = reverse("admin:cases_event_changelist")
    client.post(admin_changelist, {"action": "publish", "_selected_action": [in_admin.pk]})
    published = Event.objects.filter(status=Status.PUBLISHED)
    assert set(published.values_list("pk", flat=True)) == {on_site.pk, in_admin.pk}
