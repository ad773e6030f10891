"""Reads for feeds, exports, the API and the sitemap. Only published records ever leave here."""

from collections import defaultdict

from django.db.models import Count, F, Prefetch, Q

from cases.filters import SlugListField
from cases.models import (
    PUBLIC_STATUSES,
    City,
    Event,
    EventCity,
    EventPerson,
    GoodPractice,
    Person,
    PracticeCity,
    Source,
    Statement,
    Status,
    TaggedPractice,
)
from cases.selectors import ORDERINGS
from challenges.models import Challenge

# Catalogue parameters that shape the page, not the result: a feed or export leaves them out.
PAGE_ONLY_PARAMS = ["page", "sort", "facet"]


def catalogue_link_params(params, *, keep_sort=False):
    """The catalogue's cleaned parameters as a query string, without those of the page shown."""
    params = params.copy()
    for name in PAGE_ONLY_PARAMS:
        if not (keep_sort and name == "sort"):
            params.pop(name, None)
    return params.urlencode()


def feed_practices(practice_ids):
    """The practices of these ids, in their order, with what a feed entry shows."""
    practices = (
        GoodPractice.objects.published()
        .filter(pk__in=practice_ids)
        .only("pk", "slug", "title", "summary", "created_at", "updated_at", "published_at")
        .prefetch_related(Prefetch("challenges", queryset=Challenge.objects.only("pk", "name")))
    )
    by_id = {practice.pk: practice for practice in practices}
    return [by_id[pk] for pk in practice_ids if pk in by_id]


# What the event feed may be narrowed to: a challenge raised at the event, a city that took
# part in it (the events a challenge's or a city's page lists).
EVENT_FEED_FACETS = {"challenge": (Challenge, "challenges"), "city": (City, "cities")}


def event_feed_names(params):
    """{facet: {slug: name}} of the challenges and cities the event feed is asked for. A slug
    that names nothing is left out, as on the catalogue: one query per facet asked for."""
    names = {}
    for facet, (model, _relation) in EVENT_FEED_FACETS.items():
        if slugs := SlugListField().to_python(params.getlist(facet)):
            names[facet] = dict(model.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return names


def feed_events(names=None):
    """Published event reports, newest first; with `names` (event_feed_names), those raising
    any of the challenges and having any of the cities."""
    events = Event.objects.published()
    for facet, slugs in (names or {}).items():
        if slugs:
            relation = EVENT_FEED_FACETS[facet][1]
            matching = Event.objects.filter(**{f"{relation}__slug__in": list(slugs)})
            events = events.filter(pk__in=matching.values("pk"))
    return (
        events.order_by("-published_at", "title")
        .only("pk", "slug", "title", "summary", "created_at", "updated_at", "published_at")
        .prefetch_related(Prefetch("challenges", queryset=Challenge.objects.only("pk", "name")))
    )


def public_events():
    # Published and archived: what a practice page links to.
    return Event.objects.public().only("pk", "slug", "title", "status")


def practices_with_everything(practices):
    """Practices with every relation an API record shows, prefetched."""
    tag_links = TaggedPractice.objects.select_related("tag").order_by("tag__name")
    return practices.select_related("source").prefetch_related(
        Prefetch("challenges", queryset=Challenge.objects.select_related("theme")),
        Prefetch(
            "city_links",
            # Link models have no default order; "did" < "presented" < "subject" reads well.
            queryset=PracticeCity.objects.select_related("city").order_by("city__name", "role"),
        ),
        Prefetch("events", queryset=public_events()),
        Prefetch("tagged_items", queryset=tag_links, to_attr="tag_links"),
    )


EXPORT_FIELDS = [
    "pk",
    "slug",
    "title",
    "kind",
    "stage",
    "summary",
    "source_quote",
    "published_at",
    "updated_at",
    "source__slug",
    "source__title",
    "source__publisher",
    "source__published_on",
    "source__url",
]


def export_rows(catalogue):
    """Every practice of a catalogue view as plain rows (no model instances: an export reads
    100,000 of them), in the view's order.

    A search is exported newest first: ranking every match costs a rank per row, and an export
    is read whole anyway.
    """
    sort = catalogue.sort if catalogue.sort != "relevance" else "newest"
    return catalogue.settled_filter.qs.order_by(*ORDERINGS[sort]).values(*EXPORT_FIELDS)


def export_relations(practice_ids):
    """{practice id: {"challenges", "cities", "events", "tags"}} of some practices: four queries."""
    relations = defaultdict(lambda: defaultdict(list))
    links = {
        "challenges": GoodPractice.challenges.through.objects.order_by(
            "challenge__name"
        ).values_list("goodpractice_id", "challenge__slug", "challenge__name"),
        "cities": PracticeCity.objects.order_by("city__name", "role").values_list(
            "goodpractice_id", "city__slug", "city__name", "city__country__name", "role"
        ),
        "events": GoodPractice.events.through.objects.filter(event__status__in=PUBLIC_STATUSES)
        .order_by(F("event__starts_on").desc(nulls_last=True), "event__title")
        .values_list("goodpractice_id", "event__slug", "event__title"),
        "tags": TaggedPractice.objects.order_by("tag__name").values_list(
            "content_object_id", "tag__slug"
        ),
    }
    for name, rows in links.items():
        practice_field = "content_object_id" if name == "tags" else "goodpractice_id"
        for practice_id, *values in rows.filter(**{f"{practice_field}__in": practice_ids}):
            relations[practice_id][name].append(values)
    return relations


def challenges_with_counts():
    published = Q(practices__status=Status.PUBLISHED)
    return Challenge.objects.select_related("theme").annotate(
        practice_count=Count("practices", filter=published)
    )


def cities_with_counts():
    published = Q(practices__status=Status.PUBLISHED)
    # Distinct: a city that did and presented a practice is linked to it twice.
    return (
        City.objects.public()
        .select_related("country")
        .annotate(practice_count=Count("practices", filter=published, distinct=True))
    )


def events_with_everything(events):
    """Events with every relation an API record shows, prefetched."""
    return events.select_related("source", "host_city", "part_of").prefetch_related(
        Prefetch("city_links", queryset=EventCity.objects.select_related("city")),
        "challenges",
        "organisers",
    )


def cited_sources():
    """Sources that a published practice or event cites: a draft's source stays unseen."""
    return Source.objects.filter(
        Q(pk__in=GoodPractice.objects.published().values("source"))
        | Q(pk__in=Event.objects.published().values("source"))
    )


def people_with_everything():
    """People with their part at each public event and what they said, in three queries."""
    public_parts = (
        EventPerson.objects.filter(event__status__in=PUBLIC_STATUSES)
        .select_related("event")
        .order_by("event__title")
    )
    statements = Statement.objects.select_related("source", "event", "practice").order_by(
        "position", "pk"
    )
    return (
        Person.objects.public()
        .select_related("city", "organisation")
        .prefetch_related(
            Prefetch("event_links", queryset=public_parts),
            Prefetch("statements", queryset=statements),
        )
    )
