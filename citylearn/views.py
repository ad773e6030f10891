from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from cases.models import Event, GoodPractice, Status
from challenges.models import Challenge, Theme


def home(request):
    published = Q(practices__status=Status.PUBLISHED)
    challenges = Challenge.objects.annotate(practice_count=Count("practices", filter=published))
    themes = Theme.objects.prefetch_related(Prefetch("challenges", queryset=challenges))
    context = {
        "themes": themes,
        "latest_practices": GoodPractice.objects.published().for_cards()[:6],
        "latest_events": Event.objects.published().for_cards()[:4],
    }
    return render(request, "home.html", context)


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
