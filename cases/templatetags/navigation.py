"""Navigation links that know which section the page belongs to, from its resolved URL name."""

from django import template
from django.urls import reverse

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
