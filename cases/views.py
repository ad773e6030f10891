from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render

from challenges.models import Challenge, Theme

from .models import City, Event, GoodPractice, Status

PAGE_SIZE = 20


def practice_list(request):
    practices = GoodPractice.objects.published().for_cards()
    page = Paginator(practices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/practice_list.html", {"page": page})


def practice_detail(request, slug):
    queryset = GoodPractice.objects.visible_to(request.user).select_related("source")
    practice = get_object_or_404(queryset, slug=slug)
    context = {
        "practice": practice,
        "challenges": practice.challenges.select_related("theme"),
        "cities": practice.cities.select_related("country"),
        "events": practice.events.public(),
        "tags": practice.tags.all(),
    }
    return render(request, "cases/practice_detail.html", context)


def city_list(request):
    cities = City.objects.select_related("country").annotate(
        practice_count=Count("practices", filter=Q(practices__status=Status.PUBLISHED))
    )
    return render(request, "cases/city_list.html", {"cities": cities})


def city_detail(request, slug):
    city = get_object_or_404(City.objects.select_related("country"), slug=slug)
    context = {
        "city": city,
        "practices": city.practices.published().for_cards(),
        "events": city.events.public(),
    }
    return render(request, "cases/city_detail.html", context)


def event_list(request):
    events = Event.objects.published().for_cards()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/event_list.html", {"page": page})


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
        "practices": event.practices.published(),
    }
    return render(request, "cases/event_detail.html", context)


def challenge_list(request):
    published = Q(practices__status=Status.PUBLISHED)
    challenges = Challenge.objects.annotate(practice_count=Count("practices", filter=published))
    themes = Theme.objects.prefetch_related(Prefetch("challenges", queryset=challenges))
    return render(request, "challenges/challenge_list.html", {"themes": themes})


def challenge_detail(request, slug):
    challenge = get_object_or_404(Challenge.objects.select_related("theme"), slug=slug)
    context = {
        "challenge": challenge,
        "practices": challenge.practices.published().for_cards(),
        "events": challenge.events.public(),
    }
    return render(request, "challenges/challenge_detail.html", context)
