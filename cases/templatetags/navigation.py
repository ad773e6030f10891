"""Navigation links that know which section the page belongs to, from its resolved URL name."""

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import get_script_prefix, reverse
from django.utils import translation

register = template.Library()


@register.inclusion_tag("includes/nav_item.html", takes_context=True)
def nav_item(context, label, list_name, *page_names):
    """A link to the section at `list_name` ("cases:city-list"), marked current on that page
    (aria-current="page") and on the section's other pages, `page_names` (aria-current="true")."""
    # Error pages may have no request, and a 404 for an unknown address resolved nothing.
    match = getattr(context.get("request"), "resolver_match", None)
    view_name = match.view_name if match else None
    if view_name == list_name:
        current = "page"
    elif view_name in page_names:
        current = "true"
    else:
        current = ""
    return {"url": reverse(list_name), "label": label, "current": current}


# The longest query string the language links carry along (a catalogue view's filters fit).
MAX_QUERY_LENGTH = 1000


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in each of the site's languages: code, name, address, absolute address and
    whether it is the one shown. The language is the address's prefix (none for English), so
    the other versions swap the prefix; error pages rendered without a request get none."""
    request = context.get("request")
    try:
        request.get_host() if request else None
    except DisallowedHost:
        request = None
    if request is None:
        return []
    current = translation.get_language()
    path = request.path_info
    prefix = f"/{current}/"
    if current != settings.LANGUAGE_CODE and path.startswith(prefix):
        path = path[len(prefix) - 1 :]
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_LENGTH:
        query = ""  # not repeated six times on the page: the versions link to the page itself
    versions = []
    for code, name in settings.LANGUAGES:
        address = path if code == settings.LANGUAGE_CODE else f"/{code}{path}"
        address = get_script_prefix().rstrip("/") + address + (f"?{query}" if query else "")
        versions.append(
            {
                "code": code,
                "name": name,
                "url": address,
                "absolute_url": request.build_absolute_uri(address),
                "is_current": code == current,
            }
        )
    return versions
