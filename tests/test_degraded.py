"""Degrade, don't fail: Redis unreachable serves pages uncached; the database unreachable
answers 503 with the site's own page. Against a real Redis port that refuses connections, a real
redis-server stopped and started, and a real server (gunicorn) whose database is unreachable."""

import contextlib
import http.client
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.catalogue_index import catalogue_index
from citylearn import cache as resilient_cache

from .factories import make_practice, make_user

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/practices/",
    "/practices/?q=budget&challenge=limited-funds",
    "/cities/",
    "/challenges/",
    "/events/",
    "/peers/",
]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PASSWORD = "correct-horse-battery-staple"  # make_user's


def free_port():
    # Bound and closed again: nothing listens there, so connecting is refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_cache_at(settings, port, db=5):
    settings.CACHES = {
        "default": {
            "BACKEND": "citylearn.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/{db}",
            "KEY_PREFIX": "citylearn-tests",
        }
    }
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture(autouse=True)
def fresh_outage_state(monkeypatch):
    # What a process knows about outages outlives a test; each test starts knowing nothing.
    monkeypatch.setattr(resilient_cache, "_outages", {})


@pytest.fixture
def refused_redis(settings):
    redis_cache_at(settings, free_port())


@pytest.fixture
def catalogue():
    return make_practice(title="Budget pooling", tags=["finance"])


# --- Redis unreachable ------------------------------------------------------------------------


def test_every_page_answers_200_when_redis_refuses_connections(client, refused_redis, catalogue):
    for address in [*PAGES, catalogue.get_absolute_url()]:
        assert client.get(address).status_code == 200, address


def test_pages_are_built_each_time_while_redis_is_unreachable(client, refused_redis, catalogue):
    # A cached page needs no query (tests/test_page_cache.py); here each request builds it.
    # The catalogue index lives in the worker, not in Redis: built once, before.
    catalogue_index()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(catalogue.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] > 0


def test_the_outage_is_logged_once_not_per_request(client, refused_redis, catalogue, caplog):
    with caplog.at_level(logging.WARNING, logger="citylearn.cache"):
        for address in PAGES * 3:
            client.get(address)
    # Creating the catalogue (setup) already met the outage: one warning in all.
    records = caplog.get_records("setup") + caplog.get_records("call")
    warnings = [record for record in records if record.name == "citylearn.cache"]
    assert len(warnings) == 1
    assert "serving pages uncached" in warnings[0].getMessage()


class Clock:
    """The cache module's clock, moved by hand: how long requests take (a loaded machine, a
    slow CI) must not decide how many warnings the test sees."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


def test_the_warning_repeats_after_its_interval(client, refused_redis, caplog, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(resilient_cache, "time", clock)
    # Every request tries Redis again, fails and would warn, but for the interval.
    monkeypatch.setattr(resilient_cache, "RETRY_SECONDS", 0)
    with caplog.at_level(logging.WARNING, logger="citylearn.cache"):
        for _ in range(5):
            client.get("/")
        clock.now += resilient_cache.WARNING_SECONDS - 1
        client.get("/")
        clock.now += 1
        client.get("/")
    assert len([r for r in caplog.records if r.name == "citylearn.cache"]) == 2


def test_signing_in_and_its_throttling_work_while_redis_is_unreachable(client, refused_redis):
    # Sessions and django-axes keep their state in the database, not in the cache.
    make_user("amina")
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "amina", "password": "wrong"})
    assert response.status_code == 429
    make_user("bruno")
    response = client.post(reverse("login"), {"username": "bruno", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_healthz_answers_200_and_says_the_cache_is_degraded(client, refused_redis):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "cache degraded" in response.content.decode()


def test_healthz_says_nothing_of_the_cache_when_redis_answers(client, settings):
    redis_cache_at(settings, 6379)
    assert client.get(reverse("healthz")).content.decode() == "ok\n"


def test_pages_are_cached_in_redis_when_it_answers(
    client, settings, catalogue, django_assert_num_queries
):
    redis_cache_at(settings, 6379)
    cache.clear()  # database 5 of the machine's Redis belongs to these tests
    client.get(catalogue.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(catalogue.get_absolute_url()).status_code == 200


# --- Redis stopped and started again ----------------------------------------------------------


class RedisServer:
    """A private redis-server on a free port, never the machine's own."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def command(self, *arguments):
        subprocess.run(  # noqa: S603
            [shutil.which("redis-cli"), "-p", str(self.port), *arguments],
            check=True,
            capture_output=True,
        )


@pytest.fixture
def private_redis(settings, monkeypatch):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    monkeypatch.setattr(resilient_cache, "RETRY_SECONDS", 0)
    server = RedisServer()
    server.start()
    redis_cache_at(settings, server.port, db=0)
    yield server
    if server.process.poll() is None:
        server.stop()


def test_pages_are_cached_again_once_redis_is_back(
    client, private_redis, catalogue, django_assert_num_queries
):
    address = catalogue.get_absolute_url()
    private_redis.stop()
    assert client.get(address).status_code == 200
    private_redis.start()
    client.get(address)
    with django_assert_num_queries(0):
        assert client.get(address).status_code == 200


def test_a_write_lost_in_an_outage_empties_the_cache_before_it_is_trusted_again(private_redis):
    cache.set("page", "as it was before the outage")
    # Redis stays up but takes no write: the set below times out and is lost.
    private_redis.command("CLIENT", "PAUSE", "2000", "WRITE")
    cache.set("page", "as it is now")
    private_redis.command("CLIENT", "UNPAUSE")
    assert cache.get("page") is None


# --- Database unreachable ---------------------------------------------------------------------


def get(base_port, address, cookie=None):
    client = http.client.HTTPConnection("127.0.0.1", base_port, timeout=30)
    client.request("GET", address, headers={"Cookie": cookie} if cookie else {})
    response = client.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode()


class Server:
    """gunicorn serving the site with production settings and the given database."""

    def __init__(self, database_url, **environment):
        self.port = free_port()
        environment = {
            **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
            **environment,
            "DJANGO_SETTINGS_MODULE": "tests.server_settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "tests-only-secret-key-for-a-subprocess-server-0123456789",
            "DJANGO_SECURE": "false",
            "DATABASE_URL": database_url,
        }
        self.process = subprocess.Popen(  # noqa: S603
            [GUNICORN, "citylearn.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1"],
            env=environment,
            cwd=django_settings.BASE_DIR,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(200):
            try:
                get(self.port, "/healthz")
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        return self.process.stderr.read()


def unreachable_database_url():
    if connection.vendor == "postgresql":
        return f"postgres://postgres@127.0.0.1:{free_port()}/citylearn"
    return "sqlite:////nonexistent-directory/citylearn.sqlite3"


@pytest.fixture(scope="module")
def server_without_database():
    server = Server(unreachable_database_url())
    yield server
    server.stop()


@pytest.mark.parametrize("address", [*PAGES, "/practices/budget-pooling/", "/cities/nairobi/"])
def test_every_page_answers_503_with_the_site_page_when_the_database_is_unreachable(
    server_without_database, address
):
    status, headers, body = get(server_without_database.port, address)
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "<h1>Temporarily unavailable</h1>" in body
    assert 'class="site-header"' in body
    assert "Traceback" not in body
    assert "OperationalError" not in body


def test_a_signed_in_reader_also_gets_503_when_the_database_is_unreachable(
    server_without_database,
):
    status, _headers, body = get(server_without_database.port, "/", cookie="sessionid=abc")
    assert status == 503
    assert "Temporarily unavailable" in body


def test_healthz_answers_503_in_plain_text_when_the_database_is_unreachable(
    server_without_database,
):
    status, headers, body = get(server_without_database.port, "/healthz")
    assert status == 503
    assert headers["Content-Type"].startswith("text/plain")
    assert body == "database unavailable\n"


def test_the_database_outage_is_logged_once_not_per_request():
    server = Server(unreachable_database_url())
    for _ in range(5):
        get(server.port, "/practices/")
    log = server.stop()
    assert log.count("Service Unavailable: /practices/") == 1


class Relay:
    """A TCP relay to PostgreSQL that can be cut and restored: the database going away under a
    running server, with its kept connections (DATABASE_CONN_MAX_AGE) dying mid-life."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = free_port()
        self.sockets = []
        self.listener = None

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self):
        for sock in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server to cut off")
def test_pages_answer_503_while_postgresql_is_cut_off_and_200_once_it_is_back():
    database = connection.settings_dict
    relay = Relay((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    relay.start()
    url = f"postgres://{database['USER']}@127.0.0.1:{relay.port}/{database['NAME']}"
    # Without the page cache: a page cached before the cut would still be served, rightly.
    server = Server(url, PAGE_CACHE_SECONDS="0")
    try:
        # The test database is empty to another connection: a detail page is a 404 there.
        assert get(server.port, "/practices/some-practice/")[0] == 404
        relay.stop()
        for address in ["/practices/some-practice/", "/cities/nairobi/", "/healthz"]:
            assert get(server.port, address)[0] == 503, address
        relay.start()
        assert get(server.port, "/practices/some-practice/")[0] == 404
        assert get(server.port, "/healthz")[0] == 200
    finally:
        relay.stop()
        server.stop()
