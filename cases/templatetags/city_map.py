"""The map's marks and its table's rows (cases/city_map.html): written in Python, not in template
loops, as the map of a large catalogue shows hundreds of cities."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from .records import content_lang

register = template.Library()

TOOK_PART = mark_safe(' class="took-part"')


@register.simple_tag
def map_marks(marks):
    """One link with a circle per mark, its title the city's label."""
    return format_html_join(
        "",
        '<a href="{}"{}><title>{}</title><circle cx="{}" cy="{}" r="{}"/></a>',
        (
            (
                mark.city.url,
                TOOK_PART if mark.city.took_part_only else "",
                mark.city.label,
                mark.x,
                mark.y,
                mark.radius,
            )
            for mark in marks
        ),
    )


@register.simple_tag
def map_table_rows(cities):
    """One row per city: its name linked to its page, its country, its practices (or the events
    it took part in)."""
    lang = content_lang()
    return format_html_join(
        "",
        '<tr><th scope="row"{}><a href="{}">{}</a></th><td{}>{}</td>'
        '<td class="number">{}</td></tr>\n      ',
        (
            (
                lang,
                city.url,
                city.name,
                lang,
                city.country,
                city.event_count if city.took_part_only else city.practice_count,
            )
            for city in cities
        ),
    )
