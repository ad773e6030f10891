"""Small pieces of the record pages: when an event took place, a line of facts joined by dots."""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from cases.models import CityRole

register = template.Library()


def _time(day, day_format):
    return format_html(
        '<time datetime="{}">{}</time>', day.isoformat(), date_format(day, day_format)
    )


@register.simple_tag
def event_dates(event, day_format="DATE_FORMAT"):
    """The event's day, or its first and last ("8 July 2025 to 9 July 2025"), as <time> elements;
    "Date not recorded" when the source gives none."""
    if not event.starts_on:
        return gettext("Date not recorded")
    start = _time(event.starts_on, day_format)
    # A two-day event in one month is one "July 2025" in the month format.
    if not event.is_multi_day or (
        date_format(event.ends_on, day_format) == date_format(event.starts_on, day_format)
    ):
        return start
    end = _time(event.ends_on, day_format)
    return format_html(gettext("{start} to {end}"), start=start, end=end)


@register.simple_tag
def join_present(separator, *values):
    """The values that are not empty, each escaped unless already safe, joined by `separator`:
    {% join_present " · " practice.get_stage_display city_names %} -> "Pilot · Nairobi"."""
    return format_html_join(separator, "{}", ((value,) for value in values if value))


@register.filter
def city_names(city_links):
    """The cities of these links, each once (a city may have two roles), joined: "Berlin", or
    "about Toronto" when the source is only about the city."""
    names = {}
    for link in city_links:
        if link.role == CityRole.SUBJECT:
            names.setdefault(link.city.name, gettext("about %(city)s") % {"city": link.city.name})
        else:
            names[link.city.name] = link.city.name
    return ", ".join(names.values())
