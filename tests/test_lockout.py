"""Sign-in throttling: five failures lock one username from one address for 30 minutes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.urls import reverse
from pytest_django.asserts import assertContains, assertTemplateUsed

from .factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every attempt checks a password; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


PASSWORD = "correct-horse-battery-staple"
CITY_HALL = "203.0.113.7"


def sign_in(client, username, password, address=CITY_HALL):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail_five_times(client, username, address=CITY_HALL):
    for _ in range(5):
        sign_in(client, username, "wrong password", address)


def test_four_failures_still_allow_the_right_password(client):
    make_user("amina")
    for _ in range(4):
        assert sign_in(client, "amina", "wrong password").status_code == 200
    assert sign_in(client, "amina", PASSWORD).status_code == 302


def test_fifth_failure_locks_the_pair_with_a_clear_page(client):
    make_user("amina")
    for _ in range(4):
        sign_in(client, "amina", "wrong password")
    response = sign_in(client, "amina", "wrong password")
    assert response.status_code == 429
    assertTemplateUsed(response, "registration/locked_out.html")
    assertContains(response, "locked for 30 minutes", status_code=429)


def test_locked_pair_is_refused_even_with_the_right_password(client):
    make_user("amina")
    fail_five_times(client, "amina")
    response = sign_in(client, "amina", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_colleague_behind_the_same_address_can_still_sign_in(client):
    make_user("amina")
    make_user("bongani")
    fail_five_times(client, "amina")
    assert sign_in(client, "bongani", PASSWORD).status_code == 302


def test_same_username_from_another_address_can_still_sign_in(client):
    make_user("amina")
    fail_five_times(client, "amina")
    assert sign_in(client, "amina", PASSWORD, address="198.51.100.20").status_code == 302


def test_lock_lifts_after_30_minutes(client):
    make_user("amina")
    fail_five_times(client, "amina")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=31))
    assert sign_in(client, "amina", PASSWORD).status_code == 302


def test_lock_holds_before_30_minutes(client):
    make_user("amina")
    fail_five_times(client, "amina")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=29))
    assert sign_in(client, "amina", PASSWORD).status_code == 429


def test_admin_sign_in_is_throttled_too(client):
    make_user("amina", is_staff=True)
    for _ in range(5):
        client.post(
            "/admin/login/", {"username": "amina", "password": "wrong"}, REMOTE_ADDR=CITY_HALL
        )
    response = client.post(
        "/admin/login/", {"username": "amina", "password": PASSWORD}, REMOTE_ADDR=CITY_HALL
    )
    assert response.status_code == 429
