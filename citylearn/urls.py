from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from cases.editor_urls import account_patterns
from cases.urls import challenge_patterns
from opendata.urls import api_patterns, machine_patterns

from . import views

# Machine endpoints have one address, whatever the reader's language: the health check, the
# API, the data exports, robots.txt and the sitemaps (which list every language's pages).
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", include(machine_patterns)),
    path("api/", include(api_patterns)),
]

# Pages people read are in English at their plain address, in French under /fr/ and in
# Portuguese under /pt/: the language is in the address, so no cookie is needed to keep it.
# The feeds follow (/fr/feeds/practices/ is the French feed); so does the admin.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
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
    prefix_default_language=False,
)

# The database unreachable is a 503 with the site's own page; anything else the usual 500.
handler500 = "citylearn.errors.server_error"
