from django.contrib.auth import views as auth_views
from django.urls import path

from . import editor_views as views

app_name = "editor"

urlpatterns = [
    path("editor/", views.my_reports, name="my-reports"),
    path("editor/events/new/", views.event_create, name="event-create"),
    path("editor/events/<slug:slug>/", views.event_edit, name="event-edit"),
    path("editor/events/<slug:slug>/submit/", views.event_submit, name="event-submit"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/events/<slug:slug>/", views.review_event, name="review-event"),
    path("review/events/<slug:slug>/publish/", views.event_publish, name="event-publish"),
    path("review/events/<slug:slug>/return/", views.event_return, name="event-return"),
    path("review/events/<slug:slug>/archive/", views.event_archive, name="event-archive"),
    path("review/practices/<slug:slug>/archive/", views.practice_archive, name="practice-archive"),
]

# Sign-in for editors and curators, with the site's templates (templates/registration/).
# No password reset by e-mail: the site sends no mail; an admin resets passwords.
account_patterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
