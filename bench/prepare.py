"""Prepare one benchmark database and describe its pages; bench/run.py calls this per tier.

Run with DATABASE_URL and production settings in the environment. It migrates, loads the seed,
generates the tier's demo data unless it is already there (so a rerun does not regenerate),
picks the pages to measure from the generated data and measures, with Django's test client,
each page's SQL queries and size. It prints one JSON object on stdout.
"""

import gzip
import io
import json
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citylearn.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from taggit.models import Tag  # noqa: E402

from cases.models import City, GoodPractice, Status  # noqa: E402
from cases.search import filter_matching, without_search  # noqa: E402
from challenges.models import Challenge  # noqa: E402
from demo.data import (  # noqa: E402
    PREFIX,
    TIERS,
    Plan,
    clear_demo_data,
    demo_counts,
    generate_demo_data,
    vacuum_analyze,
    vocabulary,
    word_in_about,
)

# A rare word is one in about this many practices at tier M, and ten times more at tier L.
RARE_WORD_DOCUMENTS = 10
PAGE_SIZE = 20


def log(message):
    print(message, file=sys.stderr, flush=True)


def ensure_data(tier, seed):
    practices = TIERS[tier]
    call_command("migrate", "--no-input", verbosity=0)
    try:
        # Seeding again changes nothing but refreshes the search columns of every practice, one
        # at a time: minutes at tier L. Once is enough.
        if not GoodPractice.objects.exclude(slug__startswith=PREFIX).exists():
            # Its report would mix with the JSON on stdout.
            call_command("seed", verbosity=0, stdout=io.StringIO())
    except Exception as error:  # the seed fixtures may not exist yet
        log(f"  seed not loaded ({error}); measuring demo data only")
    plan = Plan.for_practices(practices)
    counts = demo_counts()
    # Demo data made before search existed has no search vectors: make it again.
    searchable = not without_search(GoodPractice.objects.filter(slug__startswith=PREFIX)).exists()
    if counts["published"] == plan.practices and counts["cities"] == plan.cities and searchable:
        log(f"  tier {tier}: demo data already there ({practices:,} published practices)")
        vacuum_analyze()
        return None
    log(f"  tier {tier}: generating {practices:,} practices (once; later runs reuse them)")
    clear_demo_data()
    started = time.monotonic()
    generate_demo_data(practices=practices, seed=seed)
    vacuum_analyze()
    return round(time.monotonic() - started, 1)


def pages():
    published = GoodPractice.objects.published()
    # The two challenges with the most practices.
    challenge, second = Challenge.objects.annotate(uses=Count("practices")).order_by(
        "-uses", "slug"
    )[:2]
    tag = (
        Tag.objects.filter(slug__startswith=PREFIX)
        .annotate(uses=Count("cases_taggedpractice_items"))
        .order_by("-uses", "slug")
        .first()
    )
    # A big city, not the biggest: the tenth by number of practices.
    cities = City.objects.filter(slug__startswith=PREFIX).annotate(uses=Count("practices"))
    city = cities.order_by("-uses", "slug")[9:10].get()
    practice = published.filter(slug__startswith=PREFIX).order_by("slug").first()
    deep_page = max(1, int(published.count() / PAGE_SIZE * 0.9))
    common, rare = vocabulary()[0], word_in_about(RARE_WORD_DOCUMENTS, TIERS["M"])
    return {
        "home": "/",
        "catalogue": "/practices/",
        "catalogue, 2 filters": f"/practices/?challenge={challenge.slug}&tag={tag.slug}",
        "catalogue, challenge + region + stage": (
            f"/practices/?challenge={challenge.slug}&region={city.country.region}&stage=pilot"
        ),
        "search, common word": f"/practices/?q={common}",
        "search, common word + a challenge": f"/practices/?q={common}&challenge={challenge.slug}",
        "search, rare word": f"/practices/?q={rare}",
        "deep page": f"/practices/?page={deep_page}",
        "practice detail": practice.get_absolute_url(),
        "city page": city.get_absolute_url(),
        "peer finder": f"/peers/?challenge={challenge.slug}",
        "peer finder, two challenges": (
            f"/peers/?challenge={challenge.slug}&challenge={second.slug}"
        ),
        "map": "/map/",
        "API, practices filtered + searched": (
            f"/api/practices/?challenge={challenge.slug}&q={common}"
        ),
        "feed, one challenge": f"/feeds/practices/?challenge={challenge.slug}",
        "map, 1 challenge": f"/map/?challenge={challenge.slug}",
        "open challenges": "/challenges/open/",
        "floor (/healthz)": "/healthz",
    }


def matches(word):
    # Whole-word matches in the generated texts, to show how rare the rare word is.
    pattern = rf"\m{word}\M"
    fields = ["title", "summary", "description", "results", "lessons", "transfer_conditions"]
    query = " OR ".join(f"{field} ~* %s" for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM cases_goodpractice WHERE status = %s AND ({query})",  # noqa: S608
            [Status.PUBLISHED, *[pattern] * len(fields)],
        )
        return cursor.fetchone()[0]


def measure(url):
    client = Client(headers={"x-forwarded-proto": "https"})
    client.get(url)  # warm the process: content types, templates
    cache.clear()  # count the queries of a cache miss
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    elapsed = time.perf_counter() - started
    body = response.content
    return {
        "milliseconds": round(elapsed * 1000, 1),
        "status": response.status_code,
        "queries": len(queries),
        "bytes": len(body),
        "gzip_bytes": len(gzip.compress(body, compresslevel=6)),
    }


def explain_search(word):
    """PostgreSQL's plan for the catalogue's search filter: it should name the GIN index."""
    return filter_matching(GoodPractice.objects.published(), word).explain()


def css_sizes():
    css = (BASE_DIR / "static" / "css" / "site.css").read_bytes()
    return {"bytes": len(css), "gzip_bytes": len(gzip.compress(css, compresslevel=6))}


def main():
    tier, seed = sys.argv[1], int(sys.argv[2])
    generation_seconds = ensure_data(tier, seed)
    urls = pages()
    common, rare = urls["search, common word"], urls["search, rare word"]
    report = {
        "tier": tier,
        "generation_seconds": generation_seconds,
        "counts": demo_counts(),
        "urls": urls,
        "words": {
            "common": [common.split("=")[1], matches(common.split("=")[1])],
            "rare": [rare.split("=")[1], matches(rare.split("=")[1])],
        },
        "pages": {name: measure(url) for name, url in urls.items()},
        "css": css_sizes(),
        "explain_rare": explain_search(rare.split("=")[1]),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
