"""Small pieces of the record pages: when an event took place, a line of facts joined by dots."""

from django import template
from django.conf import settings
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext, pgettext

from cases.content_language import original
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


# Records are written in English (settings.LANGUAGE_CODE); a record may carry its title and summary
# in the other languages too (title_fr, summary_pt...). Pages in French or Portuguese show those,
# and mark whatever stays in English with lang="en" so screen readers and translators know.


def _translation(record, field):
    language = get_language()
    if language == settings.LANGUAGE_CODE:
        return ""
    return getattr(record, f"{field}_{language}", "") or ""


@register.filter
def translated(record, field):
    """The record's `field` ("title", "summary") in the reader's language if it has it, else as
    written: plain text, for attributes and the page title."""
    return _translation(record, field) or getattr(record, field)


@register.filter
def in_reader_language(record, field):
    """The same as HTML: the original wrapped in <span lang="en"> when the page is in another
    language and the record has no translation of this field."""
    if get_language() == settings.LANGUAGE_CODE or _translation(record, field):
        return translated(record, field)
    return format_html('<span lang="{}">{}</span>', settings.LANGUAGE_CODE, getattr(record, field))


@register.simple_tag
def content_lang(record=None, field=None):
    """lang="en" on an element that holds what records say, when the page is not in English:
    <div class="prose"{% content_lang %}>. With a record and a field, nothing when the element
    shows that field's translation: <p{% content_lang practice "summary" %}>."""
    if get_language() == settings.LANGUAGE_CODE:
        return ""
    if record is not None and _translation(record, field):
        return ""
    return format_html(' lang="{}"', settings.LANGUAGE_CODE)


# Text from a record, marked <span lang="en"> on a page in another language, for places an
# attribute cannot go: {% blocktranslate with city=city.name|original %}.
register.filter("original", original)


def _peer_verb(verb, event):
    if verb == "did":
        return conditional_escape(pgettext("a city did a practice", "did"))
    if verb == "presented":
        return conditional_escape(pgettext("a city presented a practice", "presented"))
    where = {"event": conditional_escape(original(event.title))}
    if verb == "heard":
        text = pgettext("a city heard practices at an event", "heard at <cite>%(event)s</cite>:")
    else:
        text = pgettext(
            "a city raised a challenge at an event", "raised it at <cite>%(event)s</cite>"
        )
    return text % where


def _peer_record(entry, link_records):
    title = conditional_escape(in_reader_language(entry.practice, "title"))
    if link_records and entry.is_first_mention:
        return format_html('<a href="{}">{}</a>', entry.practice.get_absolute_url(), title)
    return f"“{title}”"


@register.simple_tag
def peer_shared_line(item, link_records=False):
    """What a peer city did, presented or heard about one challenge it shares, or where it
    raised it: 'did “A”, “B”; heard at <cite>Event</cite>: “C”; and 2 more'. Records are
    linked when `link_records` is set, once per page. Written in Python, not in a template:
    a city page shows a hundred of these lines."""
    lines = []
    for verb, event, entries in item.lines:
        records = [" " + _peer_record(entry, link_records) for entry in entries if entry.practice]
        lines.append(_peer_verb(verb, event) + ",".join(records))
    if item.more:
        more = ngettext("and %(counter)s more", "and %(counter)s more", item.more)
        lines.append(more % {"counter": item.more})
    return mark_safe("; ".join(lines))  # noqa: S308 (every value above is escaped)


@register.simple_tag
def peer_shared_items(city, link_records=False):
    """A peer card's list: one <li> per challenge it tells about ("<strong>Challenge</strong>:
    did “A”."), then one naming the other challenges the peer shares. Written in Python: a
    city page and the finder show dozens of these."""
    lang = content_lang()
    items = [
        f"<li><strong{lang}>{conditional_escape(item.challenge.name)}</strong>: "
        f"{peer_shared_line(item, link_records)}.</li>"
        for item in city.shared
    ]
    if city.also_shared:
        also = conditional_escape(gettext("Also shares:"))
        names = ", ".join(conditional_escape(original(c.name)) for c in city.also_shared)
        items.append(f"<li>{also} {names}.</li>")
    return mark_safe("\n  ".join(items))  # noqa: S308 (every value above is escaped)
