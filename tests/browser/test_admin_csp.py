"""The Django admin works in real Chromium under the site's Content Security Policy."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import City
from tests.factories import make_country, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.rendering,
    pytest.mark.django_db(transaction=True),
]


def test_sign_in_and_save_a_change_form_with_its_scripts_running(admin_page, live_server, watch):
    page = admin_page
    editor = make_user("amina")
    page.goto(f"{live_server.url}{reverse('admin:auth_user_change', args=[editor.pk])}")
    # The groups widget is built by the admin's JavaScript: it only appears if scripts run.
    expect(page.locator("#id_groups_filter")).to_be_visible()
    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    assert watch.csp_violations() == []


def test_changelist_actions_and_filters_work(admin_page, live_server, watch):
    page = admin_page
    make_user("amina")
    page.goto(f"{live_server.url}{reverse('admin:auth_user_changelist')}")
    page.locator("#action-toggle").check()
    # actions.js counts the selection; a blocked script would leave the counter unchanged.
    expect(page.locator(".action-counter")).to_contain_text("2 of 2 selected")
    assert watch.csp_violations() == []


def test_every_registered_model_opens_its_changelist_and_add_form(admin_page, live_server, watch):
    # Add forms load the autocomplete, date and filter widgets of every model the admin knows.
    page = admin_page
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


def test_add_form_with_autocomplete_and_prepopulated_slug_saves(admin_page, live_server, watch):
    page = admin_page
    make_country(name="Kenya")
    page.goto(f"{live_server.url}{reverse('admin:cases_city_add')}")
    page.locator("#id_name").press_sequentially("Kisumu")
    # prepopulate.js fills the slug from the name; select2 drives the country autocomplete.
    expect(page.locator("#id_slug")).to_have_value("kisumu")
    page.locator(".field-country .select2-selection").click()
    page.locator(".select2-search__field").fill("Ken")
    page.locator(".select2-results__option", has_text="Kenya").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    assert City.objects.get(slug="kisumu").country.name == "Kenya"
    assert watch.csp_violations() == []
