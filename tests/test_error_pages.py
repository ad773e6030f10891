"""Error pages in the site's design that leak nothing, with DEBUG off as in production."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import path

from citylearn import urls as site_urls

pytestmark = pytest.mark.django_db

SECRET_DETAIL = "SELECT secret_column FROM hidden_table"


def failing_view(request):
    raise RuntimeError(SECRET_DETAIL)


def forbidden_view(request):
    raise PermissionDenied(SECRET_DETAIL)


def suspicious_view(request):
    raise SuspiciousOperation(SECRET_DETAIL)


urlpatterns = [
    path("fails/", failing_view),
    path("forbidden/", forbidden_view),
    path("suspicious/", suspicious_view),
    *site_urls.urlpatterns,  # spread in: i18n_patterns may only be used in a root URLconf
]

LEAKS = [SECRET_DETAIL, "Traceback", "RuntimeError", "SECRET_KEY", "DATABASES", "settings.py"]


@pytest.fixture
def site_client(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    ("address", "status", "heading"),
    [
        ("/suspicious/", 400, "Bad request"),
        ("/forbidden/", 403, "Not allowed"),
        ("/no-such-page/", 404, "Page not found"),
        ("/fails/", 500, "Something went wrong"),
    ],
)
def test_error_page_uses_the_site_design_and_leaks_nothing(site_client, address, status, heading):
    response = site_client.get(address)
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'class="site-header"' in html
    for leak in LEAKS:
        assert leak not in html, leak


def test_server_error_page_renders_without_a_request_or_the_database():
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert len(queries) == 0


def test_expired_form_token_gets_the_site_page_not_djangos_inline_styled_one(client):
    client.handler.enforce_csrf_checks = True
    response = client.post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "<h1>Form expired</h1>" in response.content.decode()
    assert "<style" not in response.content.decode()
