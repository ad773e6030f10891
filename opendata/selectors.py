"""Reads for feeds, exports, the API and the sitemap. Only published records ever leave here."""

from django.db.models import Count, Prefetch, Q

from cases.models import City, Event, GoodPractice, Source, Status, TaggedPractice
from cases.selectors import ORDERINGS
from challenges.models import Challenge

# Catalogue parameters that shape the page, not the result: a feed or export leaves them out.
PAGE_ONLY_PARAMS = ["page", "sort", "facet"]
NEWEST_FIRST = ["-published_at", "title"]


def catalogue_link_params(params, *, keep_sort=False):
    """The catalogue's cleaned parameters as a query string, without those of the page shown."""
    params = params.copy()
    for name in PAGE_ONLY_PARAMS:
        if not (keep_sort and name == "sort"):
            params.pop(name, None)
    return params.urlencode()


def feed_practices(practices):
    return (
        practices.order_by(*NEWEST_FIRST)
        .only("pk", "slug", "title", "summary", "created_at", "updated_at", "published_at")
        .prefetch_related(Prefetch("challenges", queryset=Challenge.objects.only("pk", "name")))
    )


def feed_events():
    return (
        Event.objects.published()
        .order_by("-published_at", "title")
        .only("pk", "slug", "title", "summary", "created_at", "updated_at", "published_at")
        .prefetch_related(Prefetch("challenges", queryset=Challenge.objects.only("pk", "name")))
    )


def public_events():
    # Published and archived: what a practice page links to.
    return Event.objects.public().only("pk", "slug", "title", "status")


def practices_with_everything(practices):
    """Practices with every relation an export row or an API record shows, prefetched."""
    tag_links = TaggedPractice.objects.select_related("tag").order_by("tag__name")
    return practices.select_related("source").prefetch_related(
        Prefetch("challenges", queryset=Challenge.objects.select_related("theme")),
        Prefetch("cities", queryset=City.objects.select_related("country")),
        Prefetch("events", queryset=public_events()),
        Prefetch("tagged_items", queryset=tag_links, to_attr="tag_links"),
    )


def export_practices(catalogue):
    """Every practice of a catalogue view, in its order, with everything an export row shows.

    A search is exported newest first: ranking every match costs a rank per row, and an export
    is read whole anyway.
    """
    sort = catalogue.sort if catalogue.sort != "relevance" else "newest"
    return practices_with_everything(catalogue.filter.qs.order_by(*ORDERINGS[sort]))


def challenges_with_counts():
    published = Q(practices__status=Status.PUBLISHED)
    return Challenge.objects.select_related("theme").annotate(
        practice_count=Count("practices", filter=published)
    )


def cities_with_counts():
    published = Q(practices__status=Status.PUBLISHED)
    return City.objects.select_related("country").annotate(
        practice_count=Count("practices", filter=published)
    )


def events_with_everything(events):
    """Events with every relation an API record shows, prefetched."""
    return events.select_related("source", "host_city", "part_of").prefetch_related(
        Prefetch("cities", queryset=City.objects.select_related("country")),
        "challenges",
        "organisers",
    )


def cited_sources():
    """Sources that a published practice or event cites: a draft's source stays unseen."""
    return Source.objects.filter(
        Q(pk__in=GoodPractice.objects.published().values("source"))
        | Q(pk__in=Event.objects.published().values("source"))
    )
