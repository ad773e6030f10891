"""What records say is in the language it was written in (English, settings.LANGUAGE_CODE); on a
page in French or Portuguese it is marked lang="en". Used by the templates (templatetags/records)
and by the forms, whose choices are records (challenges, cities)."""

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language


def page_is_in_original_language() -> bool:
    return get_language() == settings.LANGUAGE_CODE


def original(text):
    """`text` from a record, as HTML: in a <span lang="en"> on a page in another language."""
    if not text or page_is_in_original_language():
        return text
    return format_html('<span lang="{}">{}</span>', settings.LANGUAGE_CODE, text)
