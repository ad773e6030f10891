from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from cases.editor_urls import account_patterns
from cases.urls import challenge_patterns
from opendata.urls import api_patterns

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("challenges/", include(challenge_patterns)),
    path("", include("cases.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include(account_patterns)),
    path("", include("cases.editor_urls")),
    path("", include("opendata.urls")),
    path("api/", include(api_patterns)),
]

# The database unreachable is a 503 with the site's own page; anything else the usual 500.
handler500 = "citylearn.errors.server_error"
