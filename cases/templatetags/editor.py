from django import template

from cases import workflow

register = template.Library()


@register.filter
def can_edit(user, item):
    return workflow.can_edit(user, item)
