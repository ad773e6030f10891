import gzip
import runpy

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from citylearn import settings as project_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def collected_static(settings, tmp_path):
    # What production serves: hashed, compressed copies made by collectstatic.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--no-input", verbosity=0)
    # A new client builds a new WhiteNoise middleware, which scans the new STATIC_ROOT.
    return Client()


def test_hashed_static_files_are_cached_for_years(collected_static):
    url = static("css/site.css")
    assert url != "/static/css/site.css"  # the name carries a hash of the content
    response = collected_static.get(url)
    assert response.status_code == 200
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]


def test_static_files_are_served_compressed_to_clients_that_accept_it(collected_static):
    response = collected_static.get(static("css/site.css"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    body = b"".join(response.streaming_content)
    assert b"{" in gzip.decompress(body)


def test_pages_carry_an_etag(client):
    response = client.get(reverse("cases:practice-list"))
    assert response.status_code == 200
    assert response.has_header("ETag")


def test_a_page_the_client_already_has_is_answered_with_304_and_no_body(client):
    etag = client.get(reverse("cases:practice-list"))["ETag"]
    response = client.get(reverse("cases:practice-list"), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_healthz_is_never_cached_nor_answered_with_304(client):
    response = client.get("/healthz")
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag")


def load_settings(monkeypatch, **environ):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(project_settings.__file__)


def test_the_cache_is_local_memory_by_default(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    caches = load_settings(monkeypatch)["CACHES"]
    assert caches["default"]["BACKEND"].endswith("LocMemCache")


def test_redis_url_selects_the_shared_redis_cache(monkeypatch):
    caches = load_settings(monkeypatch, REDIS_URL="redis://cache.internal:6379/1")["CACHES"]
    assert caches["default"]["BACKEND"] == "citylearn.cache.ResilientRedisCache"
    assert caches["default"]["LOCATION"] == "redis://cache.internal:6379/1"
