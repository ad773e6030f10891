"""The site as production serves it, for bench/run.py: a request with the header
X-Bench-Empty-Cache finds the cache empty, as the first reader after a publish does.

Only the benchmark's gunicorn loads this module (production runs citylearn.wsgi). Emptying the
cache from inside the worker is what makes it work with the default cache, which lives in the
worker's memory and which no other process can reach.
"""

import time

from django.core.cache import cache

from citylearn.wsgi import application as site

HEADER = "HTTP_X_BENCH_EMPTY_CACHE"
# Sent with the first request: wait until the worker's watcher has built the catalogue index
# and held its frequent words (cases/catalogue_index.py), as it has a few seconds after a
# publish, before anything is measured.
SETTLE = "HTTP_X_BENCH_SETTLE"


def settle(seconds=100):  # within gunicorn's --timeout of 120 s
    from cases.catalogue_index import _shared

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        index = _shared.get("index")
        if index is not None and index.settled:
            return
        time.sleep(0.1)


def application(environ, start_response):
    if SETTLE in environ:
        settle()
    if HEADER in environ:
        cache.clear()
    return site(environ, start_response)
