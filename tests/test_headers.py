"""Security headers on every kind of response, and no cookie on anonymous public pages."""

import pytest
from django.urls import path

from citylearn import urls as site_urls

from .factories import make_user
from .pages import PAGE_TYPES, PAGES_WITH_FORMS, make_sample_content

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("a bug in a view")


# This module doubles as a URLconf: the site plus one page that fails, for the 500 response.
# The site's own patterns spread in: i18n_patterns may only be used in a root URLconf.
urlpatterns = [path("broken/", broken_view), *site_urls.urlpatterns]

REQUIRED_DIRECTIVES = [
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


def policy_directives(response):
    policy = response["Content-Security-Policy"]
    return {part.strip().split(" ")[0]: part.strip() for part in policy.split(";")}


def assert_security_headers(response):
    directives = policy_directives(response)
    assert directives["default-src"] in ("default-src 'none'", "default-src 'self'")
    for directive in REQUIRED_DIRECTIVES:
        assert directive in directives.values(), directive
    for source_list in ("script-src", "style-src", "default-src"):
        assert "unsafe-inline" not in directives.get(source_list, "")
        assert "unsafe-eval" not in directives.get(source_list, "")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.fixture
def failing_client(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


@pytest.fixture
def static_files_served(settings):
    # In production collectstatic fills STATIC_ROOT; here WhiteNoise reads the source folders.
    settings.WHITENOISE_USE_FINDERS = True


def test_pages_carry_the_security_headers(client):
    assert_security_headers(client.get("/"))


def test_redirects_carry_the_security_headers(client):
    response = client.get("/practices")
    assert response.status_code == 301
    assert_security_headers(response)


def test_https_redirect_carries_the_security_headers(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/practices/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/practices/"
    assert_security_headers(response)


def test_https_responses_carry_hsts_for_a_year(client, settings):
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_not_found_pages_carry_the_security_headers(client):
    response = client.get("/practices/no-such-practice/")
    assert response.status_code == 404
    assert_security_headers(response)


def test_bad_host_is_400_with_the_security_headers(client):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert_security_headers(response)


@pytest.mark.parametrize("method", ["delete", "put", "patch"])
def test_wrong_method_is_405_with_the_security_headers(client, method):
    response = getattr(client, method)("/practices/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert_security_headers(response)


def test_server_errors_carry_the_security_headers(failing_client):
    response = failing_client.get("/broken/")
    assert response.status_code == 500
    assert_security_headers(response)


def test_admin_pages_carry_the_security_headers(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_signed_in_admin_pages_carry_the_security_headers(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.get("/admin/auth/user/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_static_files_carry_the_security_headers(client, static_files_served):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert_security_headers(response)


def test_anonymous_public_pages_set_no_cookie(client):
    content = make_sample_content()
    for name, page_type in PAGE_TYPES.items():
        address = page_type.address(content)
        if name in PAGES_WITH_FORMS or not page_type.is_anonymous_get:
            continue  # a form needs its CSRF cookie
        response = client.get(address)
        assert response.status_code in (200, 404), name
        assert response.status_code == page_type.status, name
        assert not response.cookies, f"{name} ({address}) set {list(response.cookies)}"
