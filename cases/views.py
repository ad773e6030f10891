from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import DetailView

from challenges.models import Challenge, Theme

from .caching import cache_public_page
from .catalogue import CatalogueQuery
from .gaps import OPEN_MIN_RAISED, challenge_pictures
from .maps import WORLD, MapFilters, map_cities, map_marks
from .models import City, Event, EventRedirect, GoodPractice, Kind, Person, PracticeRedirect, Region
from .peers import PeerQuestion
from .selectors import (
    PAGE_SIZE,
    challenge_page,
    cities_with_practice_counts,
    city_options,
    city_page,
    event_page,
    events_newest_first,
    peers_facing,
    people_with_statement_counts,
    person_page,
    practice_page,
    themes_with_counts,
)


class RecordPage(DetailView):
    """A public page about one record, found by its slug: the record (under its model's name)
    and what `page`, a selector, reads about it, in <app>/<model>_detail.html."""

    page = None

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | self.page(self.object)


class EventPage(RecordPage):
    """A reviewer also sees the events that are not public yet. An address the event had before
    it was renamed answers 301 with its address now."""

    page = staticmethod(event_page)

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).select_related(
            "source", "host_city", "part_of"
        )

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            redirects = EventRedirect.objects.select_related("event")
            return redirect(
                get_object_or_404(redirects, old_slug=kwargs["slug"]).event, permanent=True
            )


def record_page(queryset, page):
    return cache_public_page(RecordPage.as_view(queryset=queryset, page=page))


city_detail = record_page(City.objects.public().select_related("country"), city_page)
challenge_detail = record_page(Challenge.objects.select_related("theme"), challenge_page)
person_detail = record_page(
    Person.objects.public().select_related("city__country", "organisation", "source"),
    person_page,
)
event_detail = cache_public_page(EventPage.as_view())


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
        "any_word": catalogue.any_word,
        "did_you_mean": catalogue.did_you_mean(),
        "challenge_offer": catalogue.challenge_offer(),
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
    context = {"practice": practice, **practice_page(practice)}
    return render(request, "cases/practice_detail.html", context)


@cache_public_page
def city_list(request):
    return render(request, "cases/city_list.html", {"cities": cities_with_practice_counts()})


@cache_public_page
def event_list(request):
    events = events_newest_first(Event.objects.published().for_cards())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/event_list.html", {"page": page})


@cache_public_page
def challenge_list(request):
    return render(request, "challenges/challenge_list.html", {"themes": themes_with_counts()})


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
    cities = city_options()
    question = PeerQuestion.from_get(request.GET, cities=cities)
    context = {
        "question": question,
        "cities": cities,
        "themes": Theme.objects.prefetch_related("challenges"),
        "chosen": question.chosen,
        "chosen_slugs": {challenge.slug for challenge in question.chosen},
        "regions": Region.choices,
        "peers": peers_facing(question.chosen, region=question.region, exclude=question.city),
        "chips": question.chips(),
    }
    return render(request, "cases/peer_finder.html", context)


@cache_public_page
def person_list(request):
    page = Paginator(people_with_statement_counts(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/person_list.html", {"page": page})


@cache_public_page
def city_map(request):
    filters = MapFilters.from_query(request.GET)
    cities, took_part = map_cities(filters)
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
