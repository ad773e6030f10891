"""The site as production serves it, for bench/run.py: a request with the header
X-Bench-Empty-Cache finds the cache empty, as the first reader after a publish does.

Only the benchmark's gunicorn loads this module (production runs citylearn.wsgi). Emptying the
cache from inside the worker is what makes it work with the default cache, which lives in the
worker's memory and which no other process can reach.
"""

from django.core.cache import cache

from citylearn.wsgi import application as site

HEADER = "HTTP_X_BENCH_EMPTY_CACHE"


def application(environ, start_response):
    if HEADER in environ:
        cache.clear()
    return site(environ, start_response)
