"""Editors write event reports with their practices; curators review, return, publish, archive.

Every view checks on the server who may do what, through cases.workflow. Items a user may not
see are 404; items they may see but not change are 403.
"""

import json
import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services, workflow
from .forms import ReportForm, ReturnForm
from .models import Event, GoodPractice, Status, Transition
from .workflow import Action, TransitionRefused

STATUS_ORDER = [Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.ARCHIVED]


def permission_or_403(*permissions):
    """Anonymous readers are sent to sign in; a signed-in user without the permissions gets 403.

    Permissions decide, whether they come from a group (Curators) or were given directly.
    """

    def decorator(view):
        return login_required(permission_required(permissions, raise_exception=True)(view))

    return decorator


curator_required = permission_or_403("cases.review_event")


class SignInView(auth_views.LoginView):
    """Signing in takes each role to its work, unless a safe `next` says otherwise: a curator
    to the review queue, an editor to their reports, anyone else to LOGIN_REDIRECT_URL."""

    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        user = self.request.user
        if user.has_perm("cases.review_event"):
            return resolve_url("editor:review-queue")
        if user.has_perm("cases.add_event"):
            return resolve_url("editor:my-reports")
        return super().get_default_redirect_url()


def _visible_event(request, slug):
    return get_object_or_404(Event.objects.visible_to(request.user), slug=slug)


@login_required
def my_reports(request):
    events = Event.objects.written_by(request.user)
    practices = GoodPractice.objects.written_by(request.user)
    by_status = [
        {
            "status": status,
            "events": [event for event in events if event.status == status],
            "practices": [practice for practice in practices if practice.status == status],
        }
        for status in STATUS_ORDER
    ]
    context = {"by_status": by_status, "can_create": workflow.can_create(request.user)}
    return render(request, "cases/editor/my_reports.html", context)


@permission_or_403("cases.add_event")
def picker_options(request, kind):
    """What a picker of the report form offers for the typed text (static/js/picker.js)."""
    if kind not in selectors.PICKER_ROWS:
        raise Http404
    options = selectors.picker_options(kind, request.GET.get("q", ""))
    return JsonResponse({"options": options})


# A report posted after the session ran out waits here until its editor signs in again.
KEPT_REPORT = "kept_report"
KEPT_REPORT_MAX_CHARS = 500_000


def keeps_the_report_across_sign_in(view):
    """Like login_required, but a report form posted by someone whose session ran out is kept in
    the new session: once they sign in again, the form comes back as they left it, unsaved.

    Django's login() keeps the data of the session it replaces, and the CSRF token lives in its
    own cookie, so the post reaches this view and the kept form survives the sign-in.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            data = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
            if len(json.dumps(data)) <= KEPT_REPORT_MAX_CHARS:
                request.session[KEPT_REPORT] = {"path": request.path, "data": data}
        return login_required(view)(request, *args, **kwargs)

    return wrapper


def _kept_report(request):
    """The form its user posted before signing in again, if it was posted to this page."""
    kept = request.session.get(KEPT_REPORT)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[KEPT_REPORT]
    data = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        data.setlist(key, values)
    return data


@keeps_the_report_across_sign_in
def event_create(request):
    if not workflow.can_create(request.user):
        raise PermissionDenied(_("Only editors and curators write event reports."))
    return _report_form(request, Event())


@keeps_the_report_across_sign_in
def event_edit(request, slug):
    event = _visible_event(request, slug)
    if not workflow.can_edit(request.user, event):
        if request.method == "POST" and workflow.is_author(request.user, event):
            # Submitted from another tab meanwhile: refuse the save but keep what was typed.
            return _render_conflict(request, event, request.POST)
        raise PermissionDenied(_("This report is no longer yours to change."))
    return _report_form(request, event)


def _report_form(request, event):
    if request.method != "POST":
        if (kept := _kept_report(request)) is not None:
            return _render_kept(request, event, kept)
        report = ReportForm(event)
        if event.pk and event.status == Status.DRAFT and request.GET.get("check") == "review":
            # Submitted from the list of one's reports and refused (event_submit).
            report.add_stored_problems(services.event_report_problems(event=event))
        return _render_form(request, report, token=uuid.uuid4())
    action = request.POST.get("action", "draft")
    token = _creation_token(request.POST.get("token")) if event.pk is None else None
    if action == "add-practice":
        report = ReportForm.with_one_more_practice(event, request.POST)
        return _render_form(request, report, token=token)
    report = ReportForm(event, request.POST)
    if action == "preview":
        report.is_complete(is_new_work=event.status == Status.DRAFT)
        return _render_form(request, report, token=token, preview=report.preview())
    # Review needs a complete report and a public one must stay publishable; a draft needs only
    # its title. What is missing is listed with the field errors, in one round.
    needs_complete = action == "submit" or event.status != Status.DRAFT
    is_complete = not needs_complete or report.is_complete(is_new_work=action == "submit")
    if not (report.is_valid() and is_complete):
        return _render_form(request, report, token=token)
    return _report_save(request, report, token=token, submit=action == "submit")


def _render_kept(request, event, kept):
    message = _(
        "Your session had ended; here is the report as you sent it. It is not saved yet: "
        "check it and save it."
    )
    messages.info(request, message)
    report = ReportForm(event, kept)
    report.is_valid()  # shows what a save would refuse, as after any post
    return _render_form(request, report, token=_creation_token(kept.get("token")))


def _incomplete_message(incomplete):
    return _("The report is not complete: %(problems)s") % {
        "problems": " ".join(incomplete.messages)
    }


def _report_save(request, report, *, token, submit):
    event = report.event_form.save(commit=False)
    changes = report.to_changes()
    try:
        event = services.event_report_save(
            event=event, user=request.user, changes=changes, creation_token=token, submit=submit
        )
    except services.DuplicateSubmit as duplicate:
        if duplicate.event.created_by_id != request.user.pk:
            raise PermissionDenied(_("This form was already used.")) from None
        messages.info(request, _("This report was already saved; here it is."))
        return redirect("editor:event-edit", slug=duplicate.event.slug)
    except services.EditConflict:
        # The conflict may be on one practice; the whole stored report is shown either way.
        return _render_conflict(request, Event.objects.get(pk=event.pk), request.POST)
    except services.ReportIncomplete as incomplete:
        messages.error(request, _incomplete_message(incomplete))
        return _render_form(request, report, token=token)
    _say_what_was_matched(request, report)
    if submit:
        messages.success(request, _("“%(item)s” was submitted for review.") % {"item": event})
        return redirect("editor:my-reports")
    messages.success(request, _("“%(item)s” was saved.") % {"item": event})
    return redirect("editor:event-edit", slug=event.slug)


def _say_what_was_matched(request, report):
    """Name each typed name the catalogue already had, and each record the save added."""
    for typed, record in report.matched():
        messages.info(
            request,
            _("“%(typed)s” is %(record)s, already in the catalogue.")
            % {"typed": typed, "record": record},
        )
    added = report.added()
    if added:
        messages.info(
            request,
            _("Added to the catalogue: %(records)s.")
            % {"records": ", ".join(str(record) for record in added)},
        )


def _creation_token(value):
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return uuid.uuid4()


def _render_conflict(request, stored, data):
    # Keep what the user typed, but let a second save knowingly replace the stored version.
    stored_practices = list(services.report_practices(stored))
    report = ReportForm.over_stored(stored, stored_practices, data)
    messages.error(
        request,
        _(
            "Someone saved this report after you opened it. Their version is shown below; what "
            "you typed is still in the form. Saving again replaces their version with yours."
        ),
    )
    conflict = {"stored": stored, "stored_practices": stored_practices}
    return _render_form(request, report, token=None, conflict=conflict, status=409)


def _render_form(request, report, *, token, conflict=None, preview=None, status=200):
    event = report.event
    context = {
        "event": event,
        "event_form": report.event_form,
        "city_formset": report.city_formset,
        "people_formset": report.people_formset,
        "practice_formset": report.practice_formset,
        "token": token,
        "report_gaps": report.report_gaps,
        "error_summary": report.error_summary(),
        "conflict": conflict,
        "preview": preview,
        "can_save": event.pk is None or workflow.can_edit(request.user, event),
        "can_submit": event.pk is None or event.status == Status.DRAFT,
    }
    return render(request, "cases/editor/event_form.html", context, status=status)


@login_required
@require_POST
def event_submit(request, slug):
    event = _visible_event(request, slug)
    try:
        services.event_report_submit(event=event, user=request.user)
    except TransitionRefused as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("editor:my-reports")
    except services.ReportIncomplete:
        # The edit page lists every problem, each linked to its field, as a submit from there.
        messages.error(request, _("The report is not complete yet: fix what is listed below."))
        return redirect(reverse("editor:event-edit", args=[event.slug]) + "?check=review")
    messages.success(request, _("“%(item)s” was submitted for review.") % {"item": event})
    return redirect("editor:my-reports")


@curator_required
def review_queue(request):
    events = Event.objects.in_review_queue()
    return render(request, "cases/review/queue.html", {"events": events})


@curator_required
def review_event(request, slug):
    event = _visible_event(request, slug)
    return _render_review(request, event, ReturnForm())


def _render_review(request, event, return_form, status=200):
    practices = event.practices.prefetch_related("challenges", "cities", "tags").order_by("pk")
    history = Transition.objects.of_report(event)
    context = {
        "event": event,
        "organisers": event.organisers.all(),
        "cities": event.cities.select_related("country"),
        "challenges": event.challenges.all(),
        "practices": practices,
        "history": history,
        "return_form": return_form,
        "can_publish": workflow.can_move(request.user, event, Action.PUBLISH),
        "can_return": workflow.can_move(request.user, event, Action.RETURN),
        "can_archive": workflow.can_move(request.user, event, Action.ARCHIVE),
    }
    return render(request, "cases/review/event_review.html", context, status=status)


def _moved(request, move, **arguments) -> bool:
    """Make a workflow move as this user; say why if it was refused or the report is incomplete."""
    try:
        move(**arguments, user=request.user)
    except (TransitionRefused, services.ReportIncomplete) as refused:
        messages.error(request, " ".join(refused.messages))
        return False
    return True


@curator_required
@require_POST
def event_publish(request, slug):
    event = _visible_event(request, slug)
    if not _moved(request, services.event_report_publish, event=event):
        return redirect("editor:review-event", slug=event.slug)
    messages.success(request, _("“%(item)s” and its practices are published.") % {"item": event})
    return redirect(event)


@curator_required
@require_POST
def event_return(request, slug):
    event = _visible_event(request, slug)
    return_form = ReturnForm(request.POST)
    if not return_form.is_valid():
        return _render_review(request, event, return_form, status=400)
    try:
        services.event_report_return(
            event=event, user=request.user, comment=return_form.cleaned_data["comment"]
        )
    except TransitionRefused as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("editor:review-event", slug=event.slug)
    except ValidationError as invalid:
        return_form.add_error("comment", invalid.messages)
        return _render_review(request, event, return_form, status=400)
    messages.success(
        request, _("“%(item)s” went back to its editor with your comment.") % {"item": event}
    )
    return redirect("editor:review-queue")


@curator_required
@require_POST
def event_archive(request, slug):
    event = _visible_event(request, slug)
    return _archive(request, event)


@permission_or_403("cases.review_goodpractice")
@require_POST
def practice_archive(request, slug):
    practice = get_object_or_404(GoodPractice.objects.visible_to(request.user), slug=slug)
    return _archive(request, practice)


def _archive(request, item):
    if not _moved(request, services.item_archive, item=item):
        return redirect(item)
    messages.success(
        request,
        _("“%(item)s” is archived: it has left the lists, its address stays.") % {"item": item},
    )
    return redirect(item)
