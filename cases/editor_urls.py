from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import editor_views as views
from . import history_views

app_name = "editor"

# Editors write reports under /editor/, curators review them under /review/; the pages of one
# report nest under its address.
editor_event_patterns = [
    path("", views.event_edit, name="event-edit"),
    path("submit/", views.event_submit, name="event-submit"),
]
editor_patterns = [
    path("", views.my_reports, name="my-reports"),
    path("events/new/", views.event_create, name="event-create"),
    path("pick/<slug:kind>/", views.picker_options, name="picker-options"),
    path("events/<slug:slug>/", include(editor_event_patterns)),
]
review_event_patterns = [
    path("", views.review_event, name="review-event"),
    path("publish/", views.event_publish, name="event-publish"),
    path("return/", views.event_return, name="event-return"),
    path("archive/", views.event_archive, name="event-archive"),
]
review_patterns = [
    path("", views.review_queue, name="review-queue"),
    path("events/<slug:slug>/", include(review_event_patterns)),
    path("practices/<slug:slug>/archive/", views.practice_archive, name="practice-archive"),
]


def history_patterns(kind):
    """A record's versions, the compare of two, and the restore of one (cases/history_views)."""
    record = {"kind": kind}
    return [
        path("", history_views.record_history, record, name=f"{kind}-history"),
        path("compare/", history_views.record_compare, record, name=f"{kind}-compare"),
        path(
            "<int:version_id>/restore/",
            history_views.record_restore,
            record,
            name=f"{kind}-restore",
        ),
    ]


review_patterns += [
    path("events/<slug:slug>/history/", include(history_patterns("event"))),
    path("practices/<slug:slug>/history/", include(history_patterns("practice"))),
]
urlpatterns = [
    path("editor/", include(editor_patterns)),
    path("review/", include(review_patterns)),
]

# Sign-in for editors and curators, with the site's templates (templates/registration/).
# No password reset by e-mail: the site sends no mail; an admin resets passwords.
account_patterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
