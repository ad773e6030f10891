"""Uncached p50 of the reader's pages, in this process, on the database of DATABASE_URL.

    DATABASE_URL=postgres://... .venv/bin/python bench/uncached.py [rounds]

For the pages of issue 13 it empties the cache before every request (page cache, facet and
result counts, the catalogue version; with BENCH_COLD_INDEX=1 the catalogue index too) and
times Django's test client with production settings (DEBUG off), one request at a time: what
one worker spends on a first reader, without the HTTP hop (about 1 ms). Prints one line per
page: p50 and min in ms, and the SQL queries of the last request. The demo data must be there
(`manage.py generate_demo_data --tier M`). BENCH_ONLY="home,map" measures only the pages whose
names start so.
"""

import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citylearn.settings")
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ["DJANGO_SECURE"] = "false"
# One client asks for every page: the API's per-address limit would answer 429.
os.environ["API_RATE_LIMIT"] = "1000000/minute"
# No watcher thread: main() builds the index and its frequent words once, as the watcher does.
os.environ["CATALOGUE_INDEX_WATCH_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from taggit.models import Tag  # noqa: E402

from cases.catalogue_index import catalogue_index  # noqa: E402
from cases.models import City, GoodPractice  # noqa: E402
from challenges.models import Challenge  # noqa: E402
from demo.data import PREFIX, TIERS, vocabulary, word_in_about  # noqa: E402


def pages():
    published = GoodPractice.objects.published()
    challenges = list(
        Challenge.objects.annotate(uses=Count("practices")).order_by("-uses", "slug")[:2]
    )
    tag = (
        Tag.objects.filter(slug__startswith=PREFIX)
        .annotate(uses=Count("cases_taggedpractice_items"))
        .order_by("-uses", "slug")
        .first()
    )
    cities = City.objects.filter(slug__startswith=PREFIX).annotate(uses=Count("practices"))
    city = cities.order_by("-uses", "slug")[9:10].get()
    region = city.country.region
    practice = published.filter(slug__startswith=PREFIX).order_by("slug").first()
    deep_page = max(1, int(published.count() / 20 * 0.9))
    common, rare = vocabulary()[0], word_in_about(10, TIERS["M"])
    challenge = challenges[0].slug
    return {
        "home": "/",
        "catalogue": "/practices/",
        "catalogue, challenge + region + stage": (
            f"/practices/?challenge={challenge}&region={region}&stage=pilot"
        ),
        "catalogue, challenge + tag": f"/practices/?challenge={challenge}&tag={tag.slug}",
        "search, common word": f"/practices/?q={common}",
        "search, common word + a challenge": f"/practices/?q={common}&challenge={challenge}",
        "search, a question (OR fallback)": f"/practices/?q={common}+zzqx+{rare}+qqzv",
        "search, rare word": f"/practices/?q={rare}",
        "deep page (90 %)": f"/practices/?page={deep_page}",
        "practice detail": practice.get_absolute_url(),
        "city page": city.get_absolute_url(),
        "peer finder": f"/peers/?challenge={challenge}",
        "peer finder, two challenges": (
            f"/peers/?challenge={challenges[0].slug}&challenge={challenges[1].slug}"
        ),
        "API, practices filtered + searched": f"/api/practices/?challenge={challenge}&q={common}",
        "feed, one challenge": f"/feeds/practices/?challenge={challenge}",
        "map": "/map/",
        "map, 1 challenge": f"/map/?challenge={challenge}",
        "open challenges": "/challenges/open/",
    }


def forget_index():
    """With BENCH_COLD_INDEX=1, also drop the worker's catalogue index before each request:
    the first reader after a publish (cases/catalogue_index.py), who rebuilds it."""
    if os.environ.get("BENCH_COLD_INDEX") == "1":
        from cases.catalogue_index import forget_catalogue_index

        forget_catalogue_index()


def measure(client, url, rounds):
    times = []
    for _ in range(rounds):
        cache.clear()
        forget_index()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(times), min(times), len(queries)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    client = Client()
    urls = pages()
    only = os.environ.get("BENCH_ONLY")
    if only:
        urls = {name: url for name, url in urls.items() if name.startswith(tuple(only.split(",")))}
    catalogue_index().build_postings()  # what the watcher holds a few seconds after a publish
    for url in urls.values():
        client.get(url)  # warm the process: templates, content types
    count = GoodPractice.objects.published().count()
    print(f"{count:,} published practices, {rounds} requests per page, cache emptied before each")
    print(f"{'page':40} {'p50 ms':>8} {'min ms':>8} {'queries':>8}")
    for name, url in urls.items():
        p50, fastest, queries = measure(client, url, rounds)
        print(f"{name:40} {p50:8.1f} {fastest:8.1f} {queries:8d}   {url}")


if __name__ == "__main__":
    main()
