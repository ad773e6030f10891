"""sitemap.xml: an index of sections, each split into pages of at most 10,000 addresses.

The protocol allows 50,000 a page; Django's template takes about 0.6 ms an address, so a page of
10,000 is built in a few seconds when it is not cached, one of 50,000 would take half a minute.

Every page is listed in each of the site's languages (settings.LANGUAGES: /, /fr/, /pt/), each
address naming its versions in the others with hreflang, English also as x-default: so a search
engine finds the French and Portuguese pages and shows each reader theirs.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cases.models import City, Event, GoodPractice
from challenges.models import Challenge


class LanguagesSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(LanguagesSitemap):
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


class CatalogueSitemap(LanguagesSitemap):
    limit = 10_000  # addresses, so about 3,333 records in three languages


class PracticeSitemap(CatalogueSitemap):
    # Published only: an archived practice keeps its address but leaves lists, drafts are unseen.
    def items(self):
        return GoodPractice.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, practice):
        return practice.updated_at


class EventSitemap(CatalogueSitemap):
    def items(self):
        return Event.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, event):
        return event.updated_at


class ChallengeSitemap(CatalogueSitemap):
    def items(self):
        return Challenge.objects.only("slug").order_by("pk")


class CitySitemap(CatalogueSitemap):
    def items(self):
        return City.objects.public().only("slug").order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "practices": PracticeSitemap,
    "events": EventSitemap,
    "challenges": ChallengeSitemap,
    "cities": CitySitemap,
}
