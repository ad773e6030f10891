"""The database down is an outage to wait out, not a bug: 503, the site's own page, Retry-After.

Django hands every uncaught exception, raised in a view or in a middleware (a session saved on
the way out), to handler500. A database that cannot be reached or answer raises
OperationalError or InterfaceError; those get a 503 the reader and the load balancer can retry.
"""

import logging
import sys
import threading
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
LOG_EVERY_SECONDS = 60


def server_error(request):
    # Django calls handler500 while it handles the exception, so sys.exc_info() names it.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return defaults.server_error(request)


def database_unavailable(request):
    # Rendered without the request, as 500.html is: context processors would ask the database.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageLogFilter(logging.Filter):
    """Lets a request that failed for want of the database through once a minute, not each one.

    Without it an outage under load writes thousands of identical tracebacks.
    """

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()
        self.logged_at = None

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, DATABASE_UNAVAILABLE):
            return True
        now = time.monotonic()
        with self.lock:
            if self.logged_at is not None and now - self.logged_at < LOG_EVERY_SECONDS:
                return False
            self.logged_at = now
        return True
