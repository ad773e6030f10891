"""Render editors' Markdown as sanitised HTML: no raw HTML, no scripts, no javascript: links."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def render_markdown(text: str) -> str:
    # Markdown headings start at h3: the page already owns h1 and h2.
    html = markdown_lib.markdown(
        text or "", extensions=["tables", "sane_lists"], output_format="html"
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


@register.filter(name="markdown")
def markdown_filter(text):
    # Safe to mark: nh3 has removed every tag, attribute and URL scheme not allowed above.
    return mark_safe(render_markdown(text))  # noqa: S308
