"""Atom feeds of newly published practices and event reports.

/feeds/practices/ takes the catalogue's parameters (search included), so the feed of a challenge,
city or tag is /feeds/practices/?challenge=…, ?city=…, ?tag=…; /feeds/events/ lists the reports,
those of a challenge or a city with ?challenge=… or ?city=….
Only published records appear, newest first. An entry's id is a tag URI made of the site's host,
the day the record was created and its primary key: it never changes when the record is edited
or renamed (a slug may change).
"""

from dataclasses import dataclass

from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from cases.catalogue import CatalogueQuery

from .selectors import catalogue_link_params, event_feed_names, feed_events, feed_practices

FEED_SIZE = 50


def entry_id(host, record, kind):
    """A tag URI (RFC 4151) that stays the record's for good."""
    authority = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return f"tag:{authority},{record.created_at.date().isoformat()}:{kind}/{record.pk}"


@dataclass
class FeedRequest:
    host: str
    path: str
    catalogue: CatalogueQuery | None = None
    event_names: dict | None = None  # {facet: {slug: name}}: see selectors.event_feed_names


class CityLearnFeed(Feed):
    feed_type = Atom1Feed
    item_guid_is_permalink = False
    # Atom (RFC 4287, 4.1.1) needs an author of the feed, or of every entry: the catalogue's.
    author_name = "CityLearn"
    kind = ""

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The feed generator writes the XML in a couple of thousand small pieces, each kept as a
        # chunk that the server would send on its own (about 10 ms behind gunicorn, against half
        # a millisecond for the whole body at once, cached or not): join them into one.
        response.content = response.content
        return response

    def get_object(self, request):
        return FeedRequest(host=get_current_site(request).domain, path=request.get_full_path())

    def feed_url(self, obj):
        return obj.path

    def item_guid(self, item):
        return entry_id(item.feed_host, item, self.kind)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [challenge.name for challenge in item.challenges.all()]

    def _with_host(self, items, obj):
        # The host names each entry's id; items know nothing of the request otherwise.
        items = list(items[:FEED_SIZE])
        for item in items:
            item.feed_host = obj.host
        return items


class PracticeFeed(CityLearnFeed):
    """The practices of a catalogue view, newest published first."""

    kind = "practice"

    def get_object(self, request):
        obj = super().get_object(request)
        obj.catalogue = CatalogueQuery.from_get(request.GET)
        return obj

    def title(self, obj):
        narrowed = [f"{chip['label']}: {chip['name']}" for chip in obj.catalogue.chips()]
        if not narrowed:
            return gettext("CityLearn: good practices")
        return gettext("CityLearn: good practices (%(filters)s)") % {"filters": "; ".join(narrowed)}

    def subtitle(self, obj):
        return gettext("Good practices newly published in the CityLearn catalogue.")

    def link(self, obj):
        params = catalogue_link_params(obj.catalogue.params)
        return reverse("cases:practice-list") + (f"?{params}" if params else "")

    def items(self, obj):
        # The view's practices, widened to any word as the catalogue shows them when every word
        # finds too little: picked newest first by the catalogue index, then one query reads them.
        return self._with_host(feed_practices(obj.catalogue.newest_ids(FEED_SIZE)), obj)


class EventFeed(CityLearnFeed):
    """Event reports, newest published first; ?challenge=… and ?city=… narrow them."""

    kind = "event"

    def get_object(self, request):
        obj = super().get_object(request)
        obj.event_names = event_feed_names(request.GET)
        return obj

    def title(self, obj):
        narrowed = [name for names in obj.event_names.values() for name in names.values()]
        if not narrowed:
            return gettext("CityLearn: event reports")
        return gettext("CityLearn: event reports (%(filters)s)") % {"filters": "; ".join(narrowed)}

    def subtitle(self, obj):
        return gettext("Event reports newly published in the CityLearn catalogue.")

    def link(self, obj):
        return reverse("cases:event-list")

    def items(self, obj):
        return self._with_host(feed_events(obj.event_names), obj)
