"""Production settings: Django's deployment checklist, HTTPS, cookies, sessions and passwords."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse

from .factories import make_user

ROOT = Path(__file__).resolve().parent.parent

# The production environment the README documents.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7Kq2vR9mZpL4tW8nB3cY6hJ1sD5fG0aQeUiOoPlMkNjBhVgCf",
    "DJANGO_ALLOWED_HOSTS": "citylearn.example.org",
    "DATABASE_URL": "postgres://citylearn@db.internal:5432/citylearn",
}


def run_in_fresh_process(arguments, environment):
    # Settings are read once at start-up, so each environment needs a process of its own.
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(environment)
    return subprocess.run(  # noqa: S603 (a fixed command line of our own)
        [sys.executable, *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )


def settings_under(environment, *names):
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    result = run_in_fresh_process(
        ["-c", script], {"DJANGO_SETTINGS_MODULE": "citylearn.settings", **environment}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_deployment_checklist_passes_with_the_production_environment():
    result = run_in_fresh_process(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_production_redirects_to_https_and_sends_hsts_for_a_year_with_preload():
    values = settings_under(
        PRODUCTION_ENV,
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
    )
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True


def test_production_cookies_are_secure_httponly_and_same_site_lax():
    values = settings_under(
        PRODUCTION_ENV,
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE",
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
    }


def test_make_run_development_setup_stays_on_plain_http():
    values = settings_under(
        {"DJANGO_DEBUG": "true"}, "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE"
    )
    assert values == {"SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": False}


def test_proxy_headers_are_trusted_only_when_a_proxy_is_declared():
    direct = settings_under(PRODUCTION_ENV, "SECURE_PROXY_SSL_HEADER")
    proxied = settings_under(
        {**PRODUCTION_ENV, "DJANGO_TRUSTED_PROXY_COUNT": "1"},
        "SECURE_PROXY_SSL_HEADER",
        "AXES_IPWARE_PROXY_COUNT",
    )
    assert direct["SECURE_PROXY_SSL_HEADER"] is None
    assert proxied == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "AXES_IPWARE_PROXY_COUNT": 1,
    }


def test_session_lasts_a_working_day(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False


@pytest.mark.django_db
def test_signing_out_ends_the_session(client):
    user = make_user()
    client.force_login(user)
    session_key = client.session.session_key
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("password1234", "too common"),
        ("x7Kq2vR9mZp", "at least 12 characters"),
        ("173946285017", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password, reason):
    with pytest.raises(ValidationError, match=reason):
        validate_password(password)


def test_a_long_uncommon_passphrase_is_accepted():
    validate_password("violet harbour tram ledger")
