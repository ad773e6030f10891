"""A practice's card (cases/_practice_card.html), written in Python: a city page shows twenty and
the catalogue a page of them, and the template took about half a millisecond a card."""

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from cases.content_language import original

from .records import city_names, content_lang, in_reader_language, translated

register = template.Library()


@register.simple_tag
def practice_card(practice, note=""):
    """The card: title linked, the note if any, the search snippet or the summary's first 40
    words, kind · stage · cities · challenges, and the tags."""
    escape = conditional_escape
    title = escape(in_reader_language(practice, "title"))
    note = f'<p class="meta note">{escape(note)}</p>' if note else ""
    if snippet := getattr(practice, "snippet", None):
        text = f"<p{content_lang()}>{escape(snippet)}</p>"
    else:
        summary = escape(truncatewords(translated(practice, "summary"), 40))
        text = f"<p{content_lang(practice, 'summary')}>{summary}</p>"
    facts = f'<span class="kind">{escape(practice.get_kind_display())}</span>'
    if practice.stage:
        facts += f" · {escape(practice.get_stage_display())}"
    if cities := city_names(practice.city_links.all()):
        facts += f" · {escape(original(cities))}"
    if challenges := ", ".join(escape(challenge) for challenge in practice.challenges.all()):
        facts += f" · {escape(original(mark_safe(challenges)))}"  # noqa: S308 (escaped above)
    tags = ""
    if practice.tag_links:
        lang = content_lang()
        names = "".join(
            f'<span class="tag"{lang}>{escape(link.tag.name)}</span> '
            for link in practice.tag_links
        )
        label = escape(gettext("Tags:"))
        tags = (
            f'\n  <p class="meta tags"><span class="visually-hidden">{label} </span>{names}</p>\n  '
        )
    return mark_safe(  # noqa: S308 (every value above is escaped)
        f'<article class="card">\n  <h3 class="card-title"><a href="'
        f'{escape(practice.get_absolute_url())}">{title}</a></h3>\n  {note}\n  {text}\n  \n'
        f'  <p class="meta">{facts}</p>\n  \n  {tags}\n</article>\n'
    )
