"""The review workflow in one place: which moves exist, who may make them, what a report needs.

draft → in review → published → archived; a curator may return an item in review to draft.
Every other move is refused. Services, views and admin actions all ask this module.
Who may do what is Django's permissions, nothing else: `add_event` to write reports, `change_*`
to edit one's own drafts, `review_*` to review and correct anything. The Editors and Curators
groups only bundle them.
"""

import enum

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CityRole, Kind, Status, may_review


class Action(enum.Enum):
    """Every allowed move: its verb, the status it starts from and the status it leads to."""

    SUBMIT = ("submit", Status.DRAFT, Status.IN_REVIEW)
    PUBLISH = ("publish", Status.IN_REVIEW, Status.PUBLISHED)
    RETURN = ("return", Status.IN_REVIEW, Status.DRAFT)
    ARCHIVE = ("archive", Status.PUBLISHED, Status.ARCHIVED)

    def __init__(self, verb, source, target):
        self.verb = verb
        self.source = source
        self.target = target


CURATOR_ACTIONS = {Action.PUBLISH, Action.RETURN, Action.ARCHIVE}
# The verbs in the reader's language, for messages ("You may not publish ...").
VERBS = {
    "submit": gettext_lazy("submit"),
    "publish": gettext_lazy("publish"),
    "return": gettext_lazy("return"),
    "archive": gettext_lazy("archive"),
}


class TransitionRefused(ValidationError):
    """A move the workflow does not allow from the item's current status."""


def _permission(item_or_model, action: str) -> str:
    opts = item_or_model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def is_author(user, item) -> bool:
    return user.is_authenticated and item.created_by_id == user.pk


def can_create(user) -> bool:
    return user.has_perm("cases.add_event")


def can_review(user, item) -> bool:
    """Curators: whoever holds the item's review permission, from a group or given directly."""
    return may_review(user, item)


def can_view(user, item) -> bool:
    """Drafts and items in review exist only for their author and for curators."""
    if item.status in (Status.PUBLISHED, Status.ARCHIVED):
        return True
    return is_author(user, item) or can_review(user, item)


def can_edit(user, item) -> bool:
    # Editors hand their work over when they submit it; curators may correct anything.
    if can_review(user, item):
        return True
    return (
        is_author(user, item)
        and user.has_perm(_permission(item, "change"))
        and item.status == Status.DRAFT
    )


def can_move(user, item, action: Action) -> bool:
    if item.status != action.source:
        return False
    if action in CURATOR_ACTIONS:
        return can_review(user, item)
    return can_edit(user, item)


def check_move(user, item, action: Action) -> None:
    """Raise PermissionDenied or TransitionRefused unless the user may make this move now."""
    if action in CURATOR_ACTIONS and not can_review(user, item):
        raise PermissionDenied(
            _("Only curators may %(verb)s “%(item)s”.") % {"verb": VERBS[action.verb], "item": item}
        )
    if item.status != action.source:
        raise TransitionRefused(
            _("“%(item)s” is %(status)s: it cannot be moved with “%(verb)s”.")
            % {
                "item": item,
                "status": item.get_status_display().lower(),
                "verb": VERBS[action.verb],
            }
        )
    if not can_move(user, item, action):
        raise PermissionDenied(
            _("You may not %(verb)s “%(item)s”.") % {"verb": VERBS[action.verb], "item": item}
        )


# What a report needs before it goes to review. Each rule names the form field it belongs to,
# so the same list drives the checks on the form and in the service.
EVENT_REQUIREMENTS = {
    "starts_on": gettext_lazy("Give the date the event started."),
    "format": gettext_lazy("Say what kind of event it was."),
    "report": gettext_lazy("Write the report of the event."),
    "cities": gettext_lazy("Name at least one participating city."),
    "challenges": gettext_lazy("Pick at least one challenge raised."),
}
PRACTICE_REQUIREMENTS = {
    "summary": gettext_lazy("Write a summary."),
    "description": gettext_lazy("Describe what was done."),
    "challenges": gettext_lazy("Pick at least one challenge it addresses."),
    "cities": gettext_lazy("Name at least one city behind it."),
}
# A recommendation is advice voiced somewhere: review needs who voiced it, not what a city did.
RECOMMENDATION_REQUIREMENTS = {
    "summary": PRACTICE_REQUIREMENTS["summary"],
    "challenges": PRACTICE_REQUIREMENTS["challenges"],
    "voiced_by": gettext_lazy("Say who voiced this recommendation."),
}
NO_PRACTICES = gettext_lazy("Add at least one practice shared at the event.")
# What a public practice must keep when a curator edits it later; the seed data, taken from
# real documents, often knows no city or date, so the full list above applies to new work only.
PUBLIC_PRACTICE_REQUIREMENTS = {
    name: PRACTICE_REQUIREMENTS[name] for name in ("summary", "challenges")
}


def practice_requirements(kind: str) -> dict[str, str]:
    """What review needs of a new practice of this kind: {field name: message}."""
    return RECOMMENDATION_REQUIREMENTS if kind == Kind.RECOMMENDATION else PRACTICE_REQUIREMENTS


def missing(values, requirements) -> dict[str, str]:
    """The requirements whose value is empty, as {field name: message}."""
    return {name: message for name, message in requirements.items() if not values.get(name)}


# What a public record must show of its source. A link may be saved without its passage while
# the record is a draft or in review (the editor's form has no place for passages yet); a
# published or archived record shows every link with the words that back it. The admin's forms
# and the services both ask these, so the site and the admin refuse alike.


def passage_problems(links) -> list[str]:
    """One message per city link (city name, role, passage) that lacks its passage."""
    return [
        _("Give the passage of the source that shows the role of %(city)s (%(role)s).")
        % {"city": city, "role": CityRole(role).label.lower()}
        for city, role, passage in links
        if not passage.strip()
    ]


def role_problem(*, kind: str, roles) -> str:
    """Why a public record of this kind cannot stand with cities in these roles, or ""."""
    if kind == Kind.CITY_PRACTICE and CityRole.DID not in roles:
        return _("A city practice needs the city that did it.")
    if kind == Kind.CITY_PRESENTATION and CityRole.PRESENTED not in roles:
        return _("A city presentation needs the city that presented it.")
    return ""


def voice_problems(*, kind: str, voiced_by: str, passage: str) -> dict[str, str]:
    """What a public recommendation lacks about who voiced it, as {field name: message}."""
    if kind != Kind.RECOMMENDATION:
        return {}
    problems = {}
    if not voiced_by.strip():
        problems["voiced_by"] = _("Say who voiced this recommendation.")
    if not passage.strip():
        problems["voiced_by_passage"] = _("Give the passage of the source that says who voiced it.")
    return problems


def challenge_problem(*, has_challenge: bool, no_challenge_reason: str) -> str:
    """Why a public practice may not stand as it is filed, or "" when it may."""
    if has_challenge or no_challenge_reason.strip():
        return ""
    return _("A published practice must address at least one challenge, or say why it cannot.")
