from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from challenges.models import Challenge, Theme

from .caching import cache_public_page
from .catalogue import CatalogueQuery, peer_chips
from .filters import SlugListField
from .maps import WORLD, MapFilters, map_cities, map_marks
from .models import City, Event, GoodPractice, Region
from .selectors import (
    PAGE_SIZE,
    challenge_ids_faced_by,
    cities_facing,
    cities_with_practice_counts,
    events_newest_first,
    newest_practices,
    peers_facing,
    peers_of_city,
    practice_cards,
    practices_of_city,
    related_challenges,
    related_practices,
    themes_with_counts,
)


@cache_public_page
def practice_list(request):
    catalogue = CatalogueQuery.from_get(request.GET)
    page = catalogue.page(request.GET.get("page"))
    is_empty = not page.paginator.count and catalogue.active_count > 0
    suggestions = catalogue.suggestions() if is_empty else []
    context = {
        "page": page,
        "params": catalogue.params,
        "query": catalogue.query,
        "search_message": catalogue.search_message,
        "unknown": catalogue.unknown,
        "facets": catalogue.facet_groups(),
        "filter_count": catalogue.filter_count,
        # A reader who asked for every value of one facet sees it at once, on a phone too.
        "filters_open": bool(catalogue.expanded),
        # A chip whose page a suggestion links to (on an empty result) is only a label.
        "chips": catalogue.chips(linked_elsewhere={s["url"] for s in suggestions}),
        # With one value active, its chip already clears it.
        "clear_all": catalogue.active_count > 1,
        "suggestions": suggestions,
        "sort": catalogue.sort,
        "sorts": catalogue.sorts(),
    }
    return render(request, "cases/practice_list.html", context)


@cache_public_page
def practice_detail(request, slug):
    queryset = GoodPractice.objects.visible_to(request.user).select_related("source")
    practice = get_object_or_404(queryset, slug=slug)
    context = {
        "practice": practice,
        "challenges": practice.challenges.select_related("theme"),
        "cities": practice.cities.select_related("country"),
        "events": events_newest_first(practice.events.public()),
        "tags": practice.tags.order_by("name"),
        "related": related_practices(practice),
    }
    return render(request, "cases/practice_detail.html", context)


@cache_public_page
def city_list(request):
    return render(request, "cases/city_list.html", {"cities": cities_with_practice_counts()})


@cache_public_page
def city_detail(request, slug):
    city = get_object_or_404(City.objects.select_related("country"), slug=slug)
    faced_ids = challenge_ids_faced_by(city)
    practices, more_practices = newest_practices(practices_of_city(city))
    context = {
        "city": city,
        "practices": practices,
        "more_practices": more_practices,
        "events": events_newest_first(city.events.published()),
        "challenges": Challenge.objects.filter(pk__in=faced_ids).select_related("theme"),
        "challenge_count": len(faced_ids),
        "peers": peers_of_city(city, faced_ids),
    }
    return render(request, "cases/city_detail.html", context)


@cache_public_page
def event_list(request):
    events = events_newest_first(Event.objects.published().for_cards())
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


@cache_public_page
def challenge_list(request):
    return render(request, "challenges/challenge_list.html", {"themes": themes_with_counts()})


@cache_public_page
def challenge_detail(request, slug):
    challenge = get_object_or_404(Challenge.objects.select_related("theme"), slug=slug)
    practices, more_practices = newest_practices(challenge.practices.published())
    context = {
        "challenge": challenge,
        "practices": practices,
        "more_practices": more_practices,
        "cities": cities_facing(challenge),
        "events": events_newest_first(challenge.events.published()),
        "related": related_challenges(challenge),
    }
    return render(request, "challenges/challenge_detail.html", context)


@cache_public_page
def peer_finder(request):
    slugs = SlugListField().to_python(request.GET.getlist("challenge"))
    region = request.GET.get("region", "")
    if region not in Region.values:
        region = ""
    chosen = list(Challenge.objects.filter(slug__in=slugs)) if slugs else []
    chosen_slugs = {challenge.slug for challenge in chosen}
    region_name = dict(Region.choices).get(region, "")
    context = {
        "themes": Theme.objects.prefetch_related("challenges"),
        "chosen": chosen,
        "chosen_slugs": chosen_slugs,
        "unknown": [slug for slug in slugs if slug not in chosen_slugs],
        "region": region,
        "region_name": region_name,
        "regions": Region.choices,
        "peers": peers_facing(chosen, region=region),
        "chips": peer_chips(chosen, region=region, region_name=region_name),
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
