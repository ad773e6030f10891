"""The whole site, and the editor's and curator's pages, used in French and in Portuguese in
Chromium: no English interface string is left on any page, and axe finds no WCAG 2.1 A or AA
violation on the French pages.

What records say stays in English and is marked lang="en": those parts are left out. What
remains must be French or Portuguese, apart from the words in ALLOWED_WORDS (language_words.py,
beside this test): proper names, product names, and the sample content's names.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import translation

from tests.pages import PAGE_TYPES, send_empty, sign_in_as

from .language_words import ALLOWED_WORDS, ENGLISH_WORDS, SAMPLE_NAMES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.rendering,
    pytest.mark.django_db(transaction=True),
]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

# Every text a reader sees or hears on the page, with every fold opened, leaving out what sits
# inside an element marked lang="en" (content in the language it was written in).
VISIBLE_TEXT = """() => {
  document.querySelectorAll('details').forEach((details) => { details.open = true; });
  const inEnglish = (element) => {
    const holder = element.closest('[lang]');
    return holder !== null && holder.lang.toLowerCase().startsWith('en');
  };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    // Code (paths, field names, BibTeX) is not prose in any language.
    if (!element || element.closest('script, style, code, pre, [translate=no]')) continue;
    if (inEnglish(element)) continue;
    if (element.getClientRects().length === 0) continue;
    texts.push(walker.currentNode.textContent);
  }
  const described = '[aria-label], [title], [placeholder], [alt], input[type=submit]';
  for (const element of document.body.querySelectorAll(described)) {
    if (inEnglish(element)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'value']) {
      if (element.hasAttribute(name) && (name !== 'value' || element.type === 'submit')) {
        texts.push(element.getAttribute(name));
      }
    }
  }
  return texts;
}"""

WORD = re.compile(r"[A-Za-zÀ-ÿ\u2019'_-]+")
# Addresses are not words: a citation or an API path names /practices/.
ADDRESS = re.compile(r"(https?://|/)\S*")
LANGUAGES = ["fr", "pt"]


def english_words(texts, language):
    allowed = ALLOWED_WORDS | SAMPLE_NAMES
    found = set()
    for text in texts:
        for word in WORD.findall(ADDRESS.sub(" ", text)):
            word = word.strip("-")
            if "_" in word:
                continue  # an identifier (city_practice), not prose
            lowered = word.lower().strip("\u2019'")
            if lowered in ENGLISH_WORDS[language] and word not in allowed:
                found.add(f"{word!r} in {text.strip()[:80]!r}")
    return sorted(found)


def sample_content():
    """The sample records, named with proper names so that only interface text is checked."""
    from tests.pages import make_sample_content

    return make_sample_content(
        city={"name": "Quelimane"},
        person={"name": "Manuel de Araújo"},
        organisation={"name": "UCLG"},
    )


# The searches send a proper name and a made-up word, so that the query the page shows back to
# the reader (their own words) is not English.
SEARCHES = {
    "catalogue searched": "/practices/?q=Quelimane",
    "catalogue empty": "/practices/?q=Xyzzyq",
}


def address_of(name, content, language):
    address = SEARCHES.get(name) or PAGE_TYPES[name].address(content)
    return f"/{language}{address}"


def then_in(name, language):
    """What the page type does before it is checked, with the buttons named in `language`."""
    with translation.override(language):
        if name == "sign-in with errors":
            return send_empty("main form", translation.gettext("Sign in"))
        if name == "report form with errors":
            return send_empty("form.report-form", translation.gettext("Submit for review"))
    return PAGE_TYPES[name].then


def open_in(page, base_url, name, language):
    page_type = PAGE_TYPES[name]
    content = sample_content()
    if page_type.role:
        sign_in_as(page, base_url, page_type.role)
    response = page.goto(base_url + address_of(name, content, language))
    assert response.status == page_type.status, f"{name} answered {response.status}"
    then = then_in(name, language)
    if then:
        then(page)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_english_interface_string_is_left(live_server, page, name, language):
    open_in(page, live_server.url, name, language)
    assert page.locator("html").get_attribute("lang") == language
    leftovers = english_words(page.evaluate(VISIBLE_TEXT), language)
    assert not leftovers, f"English on the {language} {name} page:\n" + "\n".join(leftovers)


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_french_pages_have_no_wcag_21_aa_violation(live_server, page, name):
    open_in(page, live_server.url, name, "fr")
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def test_the_check_finds_english_left_in_a_page():
    # The check itself: an English phrase outside a lang="en" element is reported.
    assert english_words(["Rechercher", "Back to the home page"], "fr") == [
        "'Back' in 'Back to the home page'",
        "'home' in 'Back to the home page'",
        "'the' in 'Back to the home page'",
        "'to' in 'Back to the home page'",
    ]
    assert english_words(["Voltar à página inicial", "Quelimane"], "pt") == []
