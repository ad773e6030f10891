"""The map's marks and its table's rows (cases/city_map.html): written in Python, not in template
loops, as the map of a large catalogue shows a thousand cities. Each value is escaped with
html.escape (what Django's escape() does, without its per-call wrapping): at tier L,
format_html_join() took most of the page's time."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .records import content_lang

register = template.Library()

TOOK_PART = ' class="took-part"'


@register.simple_tag
def map_marks(marks):
    """One link with a circle per mark, its title the city's label."""
    language = get_language()
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            f'<a href="{escape(mark.city.url)}"{TOOK_PART if mark.city.took_part_only else ""}>'
            f"<title>{escape(mark.city.label(language))}</title>"
            f'<circle cx="{mark.x}" cy="{mark.y}" r="{mark.radius}"/></a>'
            for mark in marks
        )
    )


@register.simple_tag
def map_table_rows(cities):
    """One row per city: its name linked to its page, its country, its practices (or the events
    it took part in)."""
    lang = content_lang()
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            f'<tr><th scope="row"{lang}><a href="{escape(city.url)}">{escape(city.name)}</a></th>'
            f"<td{lang}>{escape(city.country)}</td>"
            f'<td class="number">{city.event_count if city.took_part_only else city.practice_count}'
            "</td></tr>\n      "
            for city in cities
        )
    )
