"""The Django admin works in real Chromium under the site's Content Security Policy."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def signed_in_admin(live_server, page, watch):
    make_user("root", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    return page


def test_sign_in_and_save_a_change_form_with_its_scripts_running(
    signed_in_admin, live_server, watch
):
    page = signed_in_admin
    editor = make_user("amina")
    page.goto(f"{live_server.url}{reverse('admin:auth_user_change', args=[editor.pk])}")
    # The groups widget is built by the admin's JavaScript: it only appears if scripts run.
    expect(page.locator("#id_groups_filter")).to_be_visible()
    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    assert watch.csp_violations() == []


def test_changelist_actions_and_filters_work(signed_in_admin, live_server, watch):
    page = signed_in_admin
    make_user("amina")
    page.goto(f"{live_server.url}{reverse('admin:auth_user_changelist')}")
    page.locator("#action-toggle").check()
    # actions.js counts the selection; a blocked script would leave the counter unchanged.
    expect(page.locator(".action-counter")).to_contain_text("2 of 2 selected")
    assert watch.csp_violations() == []


def test_every_registered_model_opens_its_changelist_and_add_form(
    signed_in_admin, live_server, watch
):
    # Add forms load the autocomplete, date and filter widgets of every model the admin knows.
    page = signed_in_admin
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="root")
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        views = ["changelist"]
        if model_admin.has_add_permission(request):
            views.append("add")
        for view in views:
            response = page.goto(f"{live_server.url}{reverse(f'{prefix}_{view}')}")
            assert response.status == 200, (model, view)
    assert watch.csp_violations() == []
