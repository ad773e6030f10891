"""Template tags for links that share well and records that cite well: Open Graph and Twitter
card meta, schema.org JSON-LD, feed and export addresses of a catalogue view, "Cite this"."""

import html
import json
import re

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..citations import citation_bibtex, citation_text
from ..selectors import catalogue_link_params
from ..structured_data import event_structured_data, practice_structured_data

register = template.Library()

# What Django's json_script escapes: nothing in the data can close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def block_text(context, name, default=""):
    """The text of the page's block `name` ("title", "description"), rendered again as plain text.

    The Open Graph and Twitter meta repeat the page's title and description: each template
    states them once, in its blocks, and base.html reads them back here.
    """
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context else None
    if block is None:
        return default
    return " ".join(html.unescape(strip_tags(block.nodelist.render(context))).split())


@register.simple_tag(takes_context=True)
def page_address(context):
    """The absolute address of the page, or "" on the error page of a request for a bad host."""
    request = context.get("request")
    try:
        return request.build_absolute_uri() if request else ""
    except DisallowedHost:
        return ""


@register.simple_tag
def catalogue_open_data_url(name, params, keep_sort=False):
    """The feed or export (`name`, an "opendata:" URL name) of the catalogue view `params`."""
    query = catalogue_link_params(params, keep_sort=keep_sort)
    return reverse(name) + (f"?{query}" if query else "")


def _json_ld(data):
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    # A data block, never run: the CSP's script-src does not apply to it. Reviewed: the JSON is
    # escaped above so that no "<" of any value reaches the HTML.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag(takes_context=True)
def practice_json_ld(context, practice, challenges, cities):
    absolute = context["request"].build_absolute_uri
    return _json_ld(
        practice_structured_data(practice, challenges=challenges, cities=cities, absolute=absolute)
    )


@register.simple_tag(takes_context=True)
def event_json_ld(context, event, organisers):
    absolute = context["request"].build_absolute_uri
    return _json_ld(event_structured_data(event, organisers=organisers, absolute=absolute))


@register.inclusion_tag("opendata/_cite_this.html", takes_context=True)
def cite_this(context, record):
    address = context["request"].build_absolute_uri(record.get_absolute_url())
    accessed_on = timezone.localdate()
    return {
        "text": _title_marked(citation_text(record, address, accessed_on), record),
        "bibtex": citation_bibtex(record, address, accessed_on),
    }


def _title_marked(text, record):
    """The citation with the record's title marked lang="en" on a page in another language."""
    if get_language() == settings.LANGUAGE_CODE:
        return text
    title = escape(" ".join(record.title.split()))
    marked = format_html('<span lang="{}">{}</span>', settings.LANGUAGE_CODE, title)
    return mark_safe(escape(text).replace(title, marked, 1))  # noqa: S308 (escaped above)


@register.filter
def code_spans(text):
    """A schema description with its `quoted` identifiers (enum values) set as <code>."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))  # noqa: S308
