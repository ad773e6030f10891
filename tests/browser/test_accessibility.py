"""Accessibility gate: axe-core finds no WCAG 2.1 A or AA violation on any page type, in real
Chromium, and every control can be reached with the keyboard and shows where focus is."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.pages import PAGE_TYPES, open_page_type

pytestmark = [
    pytest.mark.browser,
    pytest.mark.rendering,
    pytest.mark.django_db(transaction=True),
]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

axe = Axe()


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_type_has_no_wcag_21_aa_violation(live_server, page, name):
    open_page_type(page, live_server.url, name)
    results = axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("width", [360, 1280])
def test_page_reads_at_phone_and_desktop_widths(live_server, page, width):
    # Reflow (WCAG 1.4.10): no sideways scrolling at 360 px, and no rule broken at either width.
    page.set_viewport_size({"width": width, "height": 800})
    open_page_type(page, live_server.url, "practice")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe.run(page, options=WCAG_21_AA).violations_count == 0


# Marks every visible control, then reports, for the element that has focus, its mark and
# whether it shows a focus indicator (an outline or a box shadow).
MARK_CONTROLS = """() => {
  const controls = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])'
  )].filter((element) => element.getClientRects().length > 0 && !element.disabled);
  controls.forEach((element, index) => element.setAttribute('data-control', index));
  return controls.length;
}"""
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {
    control: element.getAttribute('data-control'),
    visible: outlined || style.boxShadow !== 'none',
    label: element.outerHTML.slice(0, 80),
  };
}"""


def test_keyboard_reaches_every_control_on_the_home_page_with_visible_focus(live_server, page):
    open_page_type(page, live_server.url, "home")
    control_count = page.evaluate(MARK_CONTROLS)
    reached = set()
    for _ in range(control_count + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["control"] is None:
            continue
        assert focused["visible"], f"no visible focus on {focused['label']}"
        reached.add(focused["control"])
    assert len(reached) == control_count
