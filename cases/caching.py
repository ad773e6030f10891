"""The catalogue version, and the whole-page cache for anonymous readers that it invalidates.

Every cached value that depends on the catalogue (whole pages, facet counts, result counts) has
the catalogue version in its key. Any write to a catalogue model (a publish through the services,
an admin save, a rename) bumps the version, so those values are never read again and expire.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils.cache import patch_vary_headers, set_response_etag
from django.utils.translation import get_language

from .models import CatalogueState

VERSION_KEY = "catalogue-version"


def catalogue_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A clock reading, not 1: after a cache restart it never reuses an old version.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def _move_database_version() -> None:
    """Move the catalogue version kept in the database (CatalogueState): what workers build
    from the catalogue in memory outlives an emptied cache, and is checked against it."""
    if not CatalogueState.objects.update(version=F("version") + 1):
        # The first move makes the row, at 1: an index built before it read 0.
        _state, created = CatalogueState.objects.get_or_create(pk=1, defaults={"version": 1})
        if not created:  # made by another worker in the meantime
            CatalogueState.objects.update(version=F("version") + 1)


class _Writes:
    """The writes of one transaction: they move the version once between them."""

    is_bumped = False


class _Bump:
    """The on-commit callback of one write; the first of its transaction to run bumps."""

    def __init__(self, writes: _Writes, origin=None):
        self.writes, self.origin = writes, origin

    def __call__(self) -> None:
        if not self.writes.is_bumped:
            self.writes.is_bumped = True
            # The database's version first: a reader who sees the new cache version must find
            # it moved (cases/catalogue_index.py trusts an index built at the version it read).
            _move_database_version()
            _bump()


def _pending_bump(connection) -> _Bump | None:
    """The last bump this transaction registered, if it has not run yet.

    A savepoint that rolls back takes its callbacks out of the list, so the last one left is
    one the commit will run. (In a test's transaction, which never commits, a test may have
    run it by hand: then it has bumped, and the next write starts afresh.)
    """
    for _, callback, _ in reversed(connection.run_on_commit):
        if isinstance(callback, _Bump):
            return None if callback.writes.is_bumped else callback
    return None


def bump_catalogue_version(*, origin=None) -> None:
    """Invalidate everything cached from the catalogue once the write commits.

    Only on commit: a write that rolls back changed nothing, so it leaves the version (and the
    cached pages) as they were. A reader before the commit still sees the old rows and caches
    them under the old version, which nobody reads again after the bump. Outside a transaction
    Django runs the bump at once. A cache that is down must not fail the committed write.

    However many writes a transaction makes, the version moves once when it commits: each write
    registers a callback (so a rolled-back savepoint takes its own away) and they share one
    flag. `origin` is what delete() was called on: all the rows one delete() removes (a practice
    and its link rows, or a thousand practices) register a single callback.
    """
    connection = transaction.get_connection()
    pending = _pending_bump(connection) if connection.in_atomic_block else None
    if pending is not None and origin is not None and pending.origin is origin:
        return
    writes = pending.writes if pending is not None else _Writes()
    transaction.on_commit(_Bump(writes, origin), robust=True)


def cache_key(kind: str, text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return f"{kind}:{catalogue_version()}:{digest}"


def _is_anonymous(request) -> bool:
    # Without a session cookie nobody is signed in, and there are no messages to show.
    # Deciding from the cookie, not request.user, costs no query.
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def cached_response(request, build):
    """The anonymous reader's cached answer to this request, else build()'s, stored for the next.

    Keyed by the catalogue version, the language and the full address with its query string.
    Only a 200 that sets no cookie is stored: an error (a 400 for a bad parameter, a 404) is
    built afresh each time. Signed-in users always get a fresh answer. A cache that is down
    (citylearn/cache.py) finds nothing and stores nothing: every answer is built.
    """
    if not _is_anonymous(request) or settings.PAGE_CACHE_SECONDS <= 0:
        return build()
    # The language is in the address too (/fr/...); naming it keeps each version apart even
    # for an address that is the same in every language.
    key = cache_key("page", f"{get_language()} {request.get_full_path()}")
    response = cache.get(key)
    if response is not None:
        return response
    response = build()
    # A class-based view answers with a TemplateResponse that renders later: render it now,
    # to know whether it used a CSRF token and to store the page rather than the template.
    if hasattr(response, "render"):
        response.render()
    patch_vary_headers(response, ["Cookie"])
    if (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A page that rendered a CSRF token belongs to one reader.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    ):
        # The ETag ConditionalGetMiddleware would compute on every hit, computed once.
        if "no-store" not in response.get("Cache-Control", ""):
            set_response_etag(response)
        cache.set(key, response, settings.PAGE_CACHE_SECONDS)
    return response


def cache_public_page(view):
    """Serve anonymous readers a whole cached page; signed-in users always get a fresh one."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        return cached_response(request, lambda: view(request, *args, **kwargs))

    return cached_view
