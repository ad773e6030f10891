import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

# pytest-django's live_server runs in this process; Playwright's sync API runs an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache_and_no_page_cache(settings):
    # The local-memory cache outlives a test's database: nothing cached by one test leaks into
    # the next. Pages are not cached (tests read response.context, which a cached response
    # lacks) except in tests/test_page_cache.py.
    cache.clear()
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def no_catalogue_index_from_another_test():
    # Each test's catalogue is new, but its version row may read the same: build it again.
    # (Imported here: bench/lighthouse.py imports this module before Django is set up.)
    from cases.catalogue_index import forget_catalogue_index

    forget_catalogue_index()


@pytest.fixture(autouse=True)
def no_catalogue_index_watcher(settings):
    # A thread rebuilding the index between a test's statements would make query counts vary;
    # tests/test_catalogue_index.py starts one on purpose.
    settings.CATALOGUE_INDEX_WATCH_SECONDS = 0


@pytest.fixture(autouse=True)
def english_between_tests():
    # A request to /fr/ leaves French active in this thread; the next test starts in English.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; CI must run the browser tests.")
        pytest.skip("Chromium is not installed (apt-get install chromium).")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}
