from django.contrib import admin
from django.urls import include, path

from cases.urls import challenge_patterns

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("challenges/", include(challenge_patterns)),
    path("", include("cases.urls")),
    path("admin/", admin.site.urls),
]
