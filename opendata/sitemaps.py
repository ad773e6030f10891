"""sitemap.xml: an index of sections, each split into pages of at most 50,000 addresses."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cases.models import City, Event, GoodPractice
from challenges.models import Challenge


class PageSitemap(Sitemap):
    """The site's list pages."""

    names = [
        "home",
        "cases:practice-list",
        "challenges:challenge-list",
        "cases:city-list",
        "cases:event-list",
        "cases:peer-finder",
        "accessibility",
        "opendata:api-docs",
    ]

    def items(self):
        return self.names

    def location(self, item):
        return reverse(item)


class PracticeSitemap(Sitemap):
    # Published only: an archived practice keeps its address but leaves lists, drafts are unseen.
    def items(self):
        return GoodPractice.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, practice):
        return practice.updated_at


class EventSitemap(Sitemap):
    def items(self):
        return Event.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, event):
        return event.updated_at


class ChallengeSitemap(Sitemap):
    def items(self):
        return Challenge.objects.only("slug").order_by("pk")


class CitySitemap(Sitemap):
    def items(self):
        return City.objects.only("slug").order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "practices": PracticeSitemap,
    "events": EventSitemap,
    "challenges": ChallengeSitemap,
    "cities": CitySitemap,
}
