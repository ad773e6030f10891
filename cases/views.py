from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from challenges.models import Challenge, Theme

from .caching import cache_public_page
from .catalogue import CatalogueQuery, peer_chips
from .filters import SlugListField
from .gaps import OPEN_MIN_RAISED, challenge_pictures, cities_of_challenge
from .maps import WORLD, MapFilters, cities_that_took_part, map_cities, map_marks
from .models import City, Event, GoodPractice, Kind, Person, PracticeRedirect, Region
from .selectors import (
    PAGE_SIZE,
    challenge_ids_faced_by,
    cities_with_practice_counts,
    event_evidence,
    event_organisations,
    events_newest_first,
    events_of_city,
    events_of_person,
    evidence_of,
    newest_practices,
    peers_facing,
    peers_of_city,
    people_at,
    people_at_events_of,
    people_of_city,
    people_with_statement_counts,
    practice_cards,
    practices_of_city,
    related_challenges,
    related_practices,
    see_also_of,
    themes_with_counts,
    what_a_person_said,
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
    queryset = GoodPractice.objects.visible_to(request.user).select_related(
        "source", "voiced_by_person", "voiced_by_organisation"
    )
    practice = queryset.filter(slug=slug).first()
    if practice is None:
        # A practice merged into another keeps its address: it answers 301 there.
        merged = get_object_or_404(
            PracticeRedirect.objects.select_related("practice"), old_slug=slug
        )
        return redirect(merged.practice, permanent=True)
    cities, challenge_links = evidence_of(practice)
    context = {
        "practice": practice,
        "cities": cities,
        "city_list": [city for city, _links in cities],
        "city_names": ", ".join(city.name for city, _links in cities),
        "challenge_links": challenge_links,
        "challenges": [link.challenge for link in challenge_links],
        "events": events_newest_first(practice.events.public()),
        "people": people_at_events_of(practice),
        "see_also": see_also_of(practice),
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
        "own_practices": [practice for practice in practices if practice.is_own],
        "practices_about": [practice for practice in practices if practice.is_about],
        "practices_heard": [p for p in practices if not (p.is_own or p.is_about)],
        "more_practices": more_practices,
        "events": events_of_city(city),
        "people": people_of_city(city),
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
    organisers, participating_organisations = event_organisations(event)
    cities, challenge_links = event_evidence(event)
    context = {
        "event": event,
        "organisers": organisers,
        "participating_organisations": participating_organisations,
        "cities": cities,
        # The host city is linked once: in the participating cities when it took part.
        "host_is_listed": event.host_city_id in {city.pk for city, _links in cities},
        "challenge_links": challenge_links,
        "people": people_at(event),
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
        "facing": cities_of_challenge(challenge),
        "events": events_newest_first(challenge.events.published()),
        "related": related_challenges(challenge),
    }
    return render(request, "challenges/challenge_detail.html", context)


@cache_public_page
def open_challenge_list(request):
    open_challenges, other_challenges = challenge_pictures()
    context = {
        "open_challenges": open_challenges,
        "other_challenges": other_challenges,
        "min_raised": OPEN_MIN_RAISED,
    }
    return render(request, "challenges/open_challenge_list.html", context)


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
def person_list(request):
    page = Paginator(people_with_statement_counts(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/person_list.html", {"page": page})


@cache_public_page
def person_detail(request, slug):
    queryset = Person.objects.select_related("city__country", "organisation", "source")
    person = get_object_or_404(queryset, slug=slug)
    context = {
        "person": person,
        "event_links": events_of_person(person),
        "statements": what_a_person_said(person),
        "voiced": person.voiced_practices.public().order_by("title"),
    }
    return render(request, "cases/person_detail.html", context)


@cache_public_page
def city_map(request):
    filters = MapFilters.from_query(request.GET)
    cities = map_cities(filters)
    took_part = cities_that_took_part(filters, cities)
    marks = map_marks(cities, took_part)
    context = {
        "filters": filters,
        "kinds": Kind.choices,
        "challenges": Challenge.objects.values_list("slug", "name"),
        "regions": Region.choices,
        "catalogue_query": filters.query().urlencode(),
        "cities": cities,
        "took_part": took_part,
        "world": WORLD,
        "marks": marks,
        "largest": max([mark.city.practice_count for mark in marks], default=0),
        "unplaced": [city for city in cities + took_part if city.latitude is None],
    }
    return render(request, "cases/city_map.html", context)
