from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import DefaultRouter

from cases.caching import cache_public_page

from . import api, feeds, views

app_name = "opendata"

# Pages in the reader's language (citylearn/urls.py mounts them under /fr/ and /pt/ too).
urlpatterns = [
    path("feeds/practices/", cache_public_page(feeds.PracticeFeed()), name="practice-feed"),
    path("feeds/events/", cache_public_page(feeds.EventFeed()), name="event-feed"),
    path("api/docs/", views.api_docs, name="api-docs"),
]

# One address in every language: data, robots.txt and the sitemaps, as "data:". Mounted by
# citylearn/urls.py outside the language prefixes (a namespace cannot be mounted twice).
machine_patterns = (
    [
        path("exports/practices.csv", views.practice_export_csv, name="practice-export-csv"),
        path("exports/practices.json", views.practice_export_json, name="practice-export-json"),
        path("sitemap.xml", views.sitemap_index, name="sitemap-index"),
        path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap-section"),
        path("robots.txt", views.robots_txt, name="robots"),
    ],
    "data",
)

router = DefaultRouter()
router.register("practices", api.PracticeViewSet, basename="practice")
router.register("challenges", api.ChallengeViewSet, basename="challenge")
router.register("cities", api.CityViewSet, basename="city")
router.register("events", api.EventViewSet, basename="event")
router.register("people", api.PersonViewSet, basename="person")
router.register("sources", api.SourceViewSet, basename="source")

# Mounted under /api/ as "api:" (citylearn/urls.py).
api_patterns = (
    [
        path("", include(router.urls)),
        path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    ],
    "api",
)
