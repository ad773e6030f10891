from django import template

from cases import workflow
from cases.models import is_curator as user_is_curator

register = template.Library()


@register.filter
def is_curator(user):
    return user_is_curator(user)


@register.filter
def can_edit(user, item):
    return workflow.can_edit(user, item)
