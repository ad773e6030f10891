from collections import defaultdict

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property

from challenges.models import Challenge, Theme

from .caching import cache_key, cache_public_page
from .filters import FACETS, PracticeFilter, SlugListField, facet_counts, name_selected
from .maps import WORLD, MapFilters, map_cities, map_marks
from .models import City, Event, GoodPractice, Region, Status, TaggedPractice
from .search import annotate_relevance, clean_query, snippet

PAGE_SIZE = 20
# A city or challenge page lists this many practices and links to the catalogue for the rest.
LISTED_PRACTICES = 20
# Values shown per facet until the reader asks for all of one facet (?facet=city).
FACET_TOP = 10
COUNT_SECONDS = 60 * 60
RELATED_LIMIT = 4
RELATED_CANDIDATES = 200
PEER_LIMIT = 6
PEER_FINDER_LIMIT = 20
CARD_DEFERRED = [
    "description",
    "results",
    "lessons",
    "transfer_conditions",
    "source_quote",
    "search_document",
    "search_vector",
]
SORTS = {
    "relevance": "Relevance",
    "newest": "Newest",
    "title": "Title",
}
ORDERINGS = {
    "relevance": ["-rank", "-published_at", "title"],
    "newest": ["-published_at", "title"],
    "title": ["title"],
}


class CachedCountPaginator(Paginator):
    """Counts the results once per filter state until the catalogue changes."""

    def __init__(self, object_list, per_page, *, count_key):
        super().__init__(object_list, per_page)
        self.count_key = count_key

    @cached_property
    def count(self):
        return cache.get_or_set(self.count_key, lambda: Paginator.count.func(self), COUNT_SECONDS)


def practice_cards(practices):
    # Cards render tags from `tag_links`: taggit's tags.all() builds a queryset per row.
    tag_links = TaggedPractice.objects.select_related("tag").order_by("tag__name")
    # Cards need neither the long texts nor the search columns: a list reads only what it shows.
    return (
        practices.for_cards()
        .defer(*CARD_DEFERRED)
        .prefetch_related(Prefetch("tagged_items", queryset=tag_links, to_attr="tag_links"))
    )


def newest_practices(practices):
    """The newest LISTED_PRACTICES cards, and whether there are more (one row more is read)."""
    practices = practice_cards(practices.order_by("-published_at", "title"))
    cards = list(practices[: LISTED_PRACTICES + 1])
    return cards[:LISTED_PRACTICES], len(cards) > LISTED_PRACTICES


def _events_newest_first(events):
    return events.order_by(F("starts_on").desc(nulls_last=True), "title")


def _with(params, name, value):
    """The query string of `params` with `name` set to `value`, on the first page."""
    params = params.copy()
    params.pop("page", None)
    params[name] = value
    return f"?{params.urlencode()}"


def _without(params, name, value=None):
    """The query string of `params` without one value of `name` (all of them when None)."""
    params = params.copy()
    params.pop("page", None)
    if value is None:
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    return f"?{params.urlencode()}"


def _facet_groups(practice_filter, selected, names, params, expanded):
    """Every facet with its most frequent values (all of them for `expanded`), for the form."""
    counts = facet_counts(practice_filter)
    groups = []
    for facet in FACETS:
        active = selected.get(facet, [])
        values = [
            {"slug": slug, "name": name, "count": count, "checked": slug in active}
            for slug, name, count in counts[facet]
        ]
        hidden = 0
        if facet != expanded and len(values) > FACET_TOP:
            # The top values and the ticked ones: every city and tag would make a heavy page.
            shown = values[:FACET_TOP] + [v for v in values[FACET_TOP:] if v["checked"]]
            hidden = len(values) - len(shown)
            values = shown
        # A selected value with no result under the other filters stays, so it can be unticked.
        listed = {value["slug"] for value in values}
        values += [
            {"slug": slug, "name": names[facet][slug], "count": 0, "checked": True}
            for slug in active
            if slug not in listed
        ]
        groups.append(
            {
                "name": facet,
                "label": practice_filter.filters[facet].label,
                "values": values,
                "active": len(active),
                "hidden": hidden,
                "all_url": _with(params, "facet", facet) if hidden else "",
                "is_expanded": facet == expanded,
            }
        )
    return groups


def _chips(practice_filter, selected, names, params, query):
    """One removable chip per active value (and the search), each linking to the page without it."""
    chips = [
        {
            "label": practice_filter.filters[facet].label,
            "name": names[facet][slug],
            "remove_url": _without(params, facet, slug),
        }
        for facet, slugs in selected.items()
        for slug in slugs
    ]
    if query:
        chips.insert(0, {"label": "Search", "name": query, "remove_url": _without(params, "q")})
    return chips


def _suggestions(practice_filter, selected, params, query):
    """For an empty result: which single filter to drop, and what it would show (one count each)."""
    suggestions = []
    for name in [*selected, "q"] if query else selected:
        count = practice_filter.queryset_without(name).count()
        if count:
            label = practice_filter.filters[name].label
            suggestions.append({"label": label, "count": count, "url": _without(params, name)})
    return suggestions


@cache_public_page
def practice_list(request):
    query, search_message = clean_query(request.GET.get("q", ""))
    params = request.GET.copy()
    params.pop("q", None)
    if query:
        params["q"] = query
    published = GoodPractice.objects.published()
    practice_filter = PracticeFilter(params, queryset=published)
    selected = practice_filter.selected()
    names = name_selected(selected)
    unknown = [
        slug for facet, slugs in selected.items() for slug in slugs if slug not in names[facet]
    ]
    if unknown:
        # Ignore what doesn't exist (an old bookmark, a typo) rather than show nothing.
        for facet, slugs in selected.items():
            params.setlist(facet, [slug for slug in slugs if slug in names[facet]])
        practice_filter = PracticeFilter(params, queryset=published)
        selected = practice_filter.selected()

    expanded = request.GET.get("facet", "")
    sort = request.GET.get("sort", "")
    if sort not in SORTS or (sort == "relevance" and not query):
        sort = "relevance" if query else "newest"
    practices = practice_filter.qs
    if query:
        practices = annotate_relevance(practices, query)
    practices = practice_cards(practices.order_by(*ORDERINGS[sort]))
    count_key = cache_key("count", practice_filter.state())
    paginator = CachedCountPaginator(practices, PAGE_SIZE, count_key=count_key)
    page = paginator.get_page(request.GET.get("page"))
    if query:
        for practice in page:
            practice.snippet = snippet(practice, query)

    empty = not page.paginator.count and (selected or query)
    context = {
        "page": page,
        # The cleaned parameters (query shortened, unknown values dropped) for page links.
        "params": params,
        "query": query,
        "search_message": search_message,
        "unknown": unknown,
        "facets": _facet_groups(practice_filter, selected, names, params, expanded),
        "chips": _chips(practice_filter, selected, names, params, query),
        "suggestions": _suggestions(practice_filter, selected, params, query) if empty else [],
        "sort": sort,
        "sorts": {key: label for key, label in SORTS.items() if query or key != "relevance"},
    }
    return render(request, "cases/practice_list.html", context)


def related_practices(practice):
    """Published practices sharing the most challenges (counted twice) and tags with this one."""
    challenge_links = GoodPractice.challenges.through.objects
    published = Status.PUBLISHED
    own_challenges = challenge_links.filter(goodpractice=practice).values("challenge_id")
    own_tags = TaggedPractice.objects.filter(content_object=practice).values("tag_id")
    shared_challenges = (
        challenge_links.filter(goodpractice=OuterRef("pk"), challenge_id__in=own_challenges)
        .values("goodpractice")
        .annotate(count=Count("pk"))
        .values("count")
    )
    shared_tags = (
        TaggedPractice.objects.filter(content_object=OuterRef("pk"), tag_id__in=own_tags)
        .values("content_object")
        .annotate(count=Count("pk"))
        .values("count")
    )
    # Score a bounded set: the newest published practices sharing a challenge, and those sharing
    # a tag. Scoring every published practice cost seconds at 100,000.
    candidates = [
        challenge_links.filter(challenge_id__in=own_challenges, goodpractice__status=published)
        .order_by("-goodpractice_id")
        .values("goodpractice_id")[:RELATED_CANDIDATES],
        TaggedPractice.objects.filter(tag_id__in=own_tags, content_object__status=published)
        .order_by("-content_object_id")
        .values("content_object_id")[:RELATED_CANDIDATES],
    ]
    related = (
        GoodPractice.objects.published()
        .filter(Q(pk__in=candidates[0]) | Q(pk__in=candidates[1]))
        .exclude(pk=practice.pk)
        .annotate(
            shared_challenges=Coalesce(Subquery(shared_challenges), Value(0)),
            shared_tags=Coalesce(Subquery(shared_tags), Value(0)),
        )
        .annotate(score=F("shared_challenges") * 2 + F("shared_tags"))
        .filter(score__gt=0)
        .order_by("-score", "-published_at", "title")
    )
    return practice_cards(related)[:RELATED_LIMIT]


@cache_public_page
def practice_detail(request, slug):
    queryset = GoodPractice.objects.visible_to(request.user).select_related("source")
    practice = get_object_or_404(queryset, slug=slug)
    context = {
        "practice": practice,
        "challenges": practice.challenges.select_related("theme"),
        "cities": practice.cities.select_related("country"),
        "events": _events_newest_first(practice.events.public()),
        "tags": practice.tags.order_by("name"),
        "related": related_practices(practice),
    }
    return render(request, "cases/practice_detail.html", context)


def city_challenge_pairs(*, challenge_ids=None, city_ids=None, region=""):
    """Distinct (city id, challenge id): challenges of a city's published practices and events."""
    practice_pairs = GoodPractice.cities.through.objects.filter(
        goodpractice__status=Status.PUBLISHED, goodpractice__challenges__isnull=False
    )
    event_pairs = Event.cities.through.objects.filter(
        event__status=Status.PUBLISHED, event__challenges__isnull=False
    )
    if challenge_ids is not None:
        practice_pairs = practice_pairs.filter(goodpractice__challenges__in=challenge_ids)
        event_pairs = event_pairs.filter(event__challenges__in=challenge_ids)
    if city_ids is not None:
        practice_pairs = practice_pairs.filter(city_id__in=city_ids)
        event_pairs = event_pairs.filter(city_id__in=city_ids)
    if region:
        practice_pairs = practice_pairs.filter(city__country__region=region)
        event_pairs = event_pairs.filter(city__country__region=region)
    # UNION (not UNION ALL) drops the pairs found both ways: one query for the whole ranking.
    practice_pairs = practice_pairs.values_list("city_id", "goodpractice__challenges")
    return set(practice_pairs.union(event_pairs.values_list("city_id", "event__challenges")))


def rank_cities(pairs, *, exclude=None, limit):
    """Cities by how many of the pairs' challenges they face, most first, then by name."""
    shared = defaultdict(set)
    for city_id, challenge_id in pairs:
        if city_id != exclude:
            shared[city_id].add(challenge_id)
    cities = City.objects.filter(pk__in=shared).select_related("country")
    ranked = sorted(cities, key=lambda city: (-len(shared[city.pk]), city.name))[:limit]
    for city in ranked:
        city.shared_challenge_ids = shared[city.pk]
    return ranked


@cache_public_page
def city_list(request):
    published = Q(practices__status=Status.PUBLISHED)
    cities = (
        City.objects.select_related("country")
        .annotate(practice_count=Count("practices", filter=published))
        .order_by("country__region", "country__name", "name")
    )
    return render(request, "cases/city_list.html", {"cities": cities})


@cache_public_page
def city_detail(request, slug):
    city = get_object_or_404(City.objects.select_related("country"), slug=slug)
    faced_ids = {challenge for _city, challenge in city_challenge_pairs(city_ids=[city.pk])}
    challenges = Challenge.objects.filter(pk__in=faced_ids).select_related("theme")
    peers = rank_cities(
        city_challenge_pairs(challenge_ids=faced_ids), exclude=city.pk, limit=PEER_LIMIT
    )
    # A practice shared at an event the city took part in often names no city (the sources
    # credit "the cities present"), so it belongs on the page of every city that was there.
    shared_at_its_events = GoodPractice.events.through.objects.filter(event__cities=city)
    practices, more_practices = newest_practices(
        GoodPractice.objects.published().filter(
            Q(pk__in=city.practices.values("pk"))
            | Q(pk__in=shared_at_its_events.values("goodpractice_id"))
        )
    )
    context = {
        "city": city,
        "practices": practices,
        "more_practices": more_practices,
        "events": _events_newest_first(city.events.published()),
        "challenges": challenges,
        "challenge_count": len(faced_ids),
        "peers": peers,
    }
    return render(request, "cases/city_detail.html", context)


@cache_public_page
def event_list(request):
    events = _events_newest_first(Event.objects.published().for_cards())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/event_list.html", {"page": page})


@cache_public_page
def event_detail(request, slug):
    queryset = Event.objects.visible_to(request.user).select_related(
        "source", "host_city", "part_of"
    )
    event = get_object_or_404(queryset, slug=slug)
    context = {
        "event": event,
        "organisers": event.organisers.all(),
        "cities": event.cities.select_related("country"),
        "challenges": event.challenges.all(),
        "practices": practice_cards(event.practices.published()),
    }
    return render(request, "cases/event_detail.html", context)


def themes_with_counts():
    """Themes with their challenges, each with `practice_count` (published): two queries."""
    published = Q(practices__status=Status.PUBLISHED)
    challenges = Challenge.objects.annotate(practice_count=Count("practices", filter=published))
    return Theme.objects.prefetch_related(Prefetch("challenges", queryset=challenges))


@cache_public_page
def challenge_list(request):
    return render(request, "challenges/challenge_list.html", {"themes": themes_with_counts()})


@cache_public_page
def challenge_detail(request, slug):
    challenge = get_object_or_404(Challenge.objects.select_related("theme"), slug=slug)
    practices = challenge.practices.published()
    faced_ids = {city for city, _challenge in city_challenge_pairs(challenge_ids=[challenge.pk])}
    related = (
        Challenge.objects.exclude(pk=challenge.pk)
        .filter(practices__in=practices.values("pk"))
        .annotate(shared=Count("practices", distinct=True))
        .order_by("-shared", "name")[:6]
    )
    listed, more_practices = newest_practices(practices)
    context = {
        "challenge": challenge,
        "practices": listed,
        "more_practices": more_practices,
        "cities": City.objects.filter(pk__in=faced_ids).select_related("country"),
        "events": _events_newest_first(challenge.events.published()),
        "related": related,
    }
    return render(request, "challenges/challenge_detail.html", context)


@cache_public_page
def peer_finder(request):
    slugs = SlugListField().to_python(request.GET.getlist("challenge"))
    region = request.GET.get("region", "")
    if region not in Region.values:
        region = ""
    chosen = list(Challenge.objects.filter(slug__in=slugs)) if slugs else []
    chosen_ids = {challenge.pk for challenge in chosen}
    peers = []
    if chosen:
        pairs = city_challenge_pairs(challenge_ids=chosen_ids, region=region)
        peers = rank_cities(pairs, limit=PEER_FINDER_LIMIT)
        # What each peer did about the chosen challenges: one query for all of them.
        links = (
            GoodPractice.cities.through.objects.filter(
                city__in=[city.pk for city in peers],
                goodpractice__status=Status.PUBLISHED,
                goodpractice__challenges__in=chosen_ids,
            )
            .select_related("goodpractice")
            .order_by("goodpractice__title")
            .distinct()
        )
        practices_by_city = defaultdict(list)
        for link in links:
            practices_by_city[link.city_id].append(link.goodpractice)
        for city in peers:
            city.peer_practices = practices_by_city[city.pk]
    context = {
        "themes": Theme.objects.prefetch_related("challenges"),
        "chosen": chosen,
        "chosen_slugs": {challenge.slug for challenge in chosen},
        "unknown": [slug for slug in slugs if slug not in {c.slug for c in chosen}],
        "region": region,
        "regions": Region.choices,
        "peers": peers,
    }
    return render(request, "cases/peer_finder.html", context)


@cache_public_page
def city_map(request):
    filters = MapFilters.from_query(request.GET)
    cities = map_cities(filters)
    marks = map_marks(cities)
    context = {
        "filters": filters,
        "challenges": Challenge.objects.all(),
        "regions": Region.choices,
        "catalogue_query": filters.query().urlencode(),
        "cities": cities,
        "world": WORLD,
        "marks": marks,
        "largest": marks[0].city.practice_count if marks else 0,
        "unplaced": [city for city in cities if city.latitude is None],
    }
    return render(request, "cases/city_map.html", context)
