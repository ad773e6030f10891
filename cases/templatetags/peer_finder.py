"""The peer finder's list of cities (cases/peer_finder.html): written in Python, not in a template
loop, as it names every public city (a thousand at tier L)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from .records import content_lang

register = template.Library()


@register.simple_tag
def city_options(cities, chosen=None):
    """One <option> per CityOption, "Name (Country)", the `chosen` City selected."""
    lang = content_lang()
    chosen_slug = chosen.slug if chosen else None
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            f'<option value="{escape(city.slug)}"{" selected" if city.slug == chosen_slug else ""}'
            f"{lang}>{escape(city.name)} ({escape(city.country)})</option>"
            for city in cities
        )
    )
