"""In real Chromium: the JSON-LD blocks and the API documentation live within the site's
Content Security Policy, and the documentation passes axe."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.pages import make_sample_content

pytestmark = [
    pytest.mark.browser,
    pytest.mark.rendering,
    pytest.mark.django_db(transaction=True),
]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
HOSTILE = "</script><script>window.__xss = 1</script><img src=x onerror=alert(1)>"


@pytest.mark.parametrize("kind", ["practice", "event"])
def test_a_json_ld_block_breaks_no_csp_rule_and_runs_nothing(live_server, page, watch, kind):
    content = make_sample_content(**{kind: {"title": HOSTILE}})
    response = page.goto(f"{live_server.url}{content[kind].get_absolute_url()}")
    assert response.status == 200
    blocks = page.locator('script[type="application/ld+json"]').all_text_contents()
    assert [json.loads(block)["name"] for block in blocks] == [HOSTILE]
    assert watch.csp_violations() == []
    assert watch.executed() == []


def test_the_api_documentation_breaks_no_csp_rule_and_passes_axe(live_server, page, watch):
    response = page.goto(f"{live_server.url}/api/docs/")
    assert response.status == 200
    assert page.get_by_role("heading", name="GET /api/practices/", exact=True).is_visible()
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
    assert watch.csp_violations() == []
