from django.contrib import admin
from django.urls import include, path

from cases.editor_urls import account_patterns
from cases.urls import challenge_patterns

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("challenges/", include(challenge_patterns)),
    path("", include("cases.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include(account_patterns)),
    path("", include("cases.editor_urls")),
]
