from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from cases.caching import cache_public_page
from cases.models import Event, GoodPractice
from cases.selectors import practice_cards, themes_with_counts

from .cache import cache_is_degraded


@cache_public_page
def home(request):
    context = {
        "themes": themes_with_counts(),
        "latest_practices": practice_cards(GoodPractice.objects.published())[:6],
        "latest_events": Event.objects.published().for_cards().order_by("-published_at")[:4],
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
    if cache_is_degraded():
        # Still 200: the pages work without the cache, so the server stays in the pool.
        message = "ok\ncache degraded: Redis unreachable, pages are served uncached\n"
        return HttpResponse(message, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
