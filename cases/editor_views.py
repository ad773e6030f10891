"""Editors write event reports with their practices; curators review, return, publish, archive.

Every view checks on the server who may do what, through cases.workflow. Items a user may not
see are 404; items they may see but not change are 403.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import services, workflow
from .forms import EventForm, NewCityFormSet, PracticeFormSet, ReturnForm, check_complete
from .models import Event, GoodPractice, Status, Transition, is_curator
from .workflow import Action, TransitionRefused

STATUS_ORDER = [Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.ARCHIVED]


def curator_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_curator(request.user):
            raise PermissionDenied("Only curators review reports.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _visible_event(request, slug):
    return get_object_or_404(Event.objects.visible_to(request.user), slug=slug)


@login_required
def my_reports(request):
    user = request.user
    events = Event.objects.filter(created_by=user).order_by("-updated_at")
    practices = GoodPractice.objects.filter(created_by=user).order_by("-updated_at")
    by_status = [
        {
            "status": status,
            "events": [event for event in events if event.status == status],
            "practices": [practice for practice in practices if practice.status == status],
        }
        for status in STATUS_ORDER
    ]
    context = {"by_status": by_status, "can_create": workflow.can_create(user)}
    return render(request, "cases/editor/my_reports.html", context)


@login_required
def event_create(request):
    if not workflow.can_create(request.user):
        raise PermissionDenied("Only editors and curators write event reports.")
    return _report_form(request, Event())


@login_required
def event_edit(request, slug):
    event = _visible_event(request, slug)
    if not workflow.can_edit(request.user, event):
        if request.method == "POST" and workflow.is_author(request.user, event):
            # Submitted from another tab meanwhile: refuse the save but keep what was typed.
            return _render_conflict(request, event, request.POST)
        raise PermissionDenied("This report is no longer yours to change.")
    return _report_form(request, event)


def _report_form(request, event):
    practices = services.report_practices(event) if event.pk else GoodPractice.objects.none()
    if request.method != "POST":
        return _render_form(
            request,
            event,
            EventForm(instance=event),
            NewCityFormSet(prefix="new_cities"),
            PracticeFormSet(queryset=practices, prefix="practices"),
            token=uuid.uuid4(),
        )

    action = request.POST.get("action", "draft")
    data = _with_one_more_practice(request.POST) if action == "add-practice" else request.POST
    event_form = EventForm(data, instance=event)
    city_formset = NewCityFormSet(data, prefix="new_cities")
    practice_formset = PracticeFormSet(data, queryset=practices, prefix="practices")
    token = _token(request.POST.get("token")) if event.pk is None else None
    forms = (event_form, city_formset, practice_formset)
    if action == "add-practice" or not all(form.is_valid() for form in forms):
        return _render_form(request, event, *forms, token=token)

    # Review needs a complete report and a public one must stay publishable; a draft needs only
    # its title.
    report_gaps = []
    if action == "submit" or event.status != Status.DRAFT:
        report_gaps = check_complete(*forms, is_new_work=action == "submit")
    if report_gaps or not all(form.is_valid() for form in forms):
        return _render_form(request, event, *forms, token=token, report_gaps=report_gaps)

    try:
        with transaction.atomic():
            event = services.event_report_save_draft(
                event=event_form.save(commit=False),
                user=request.user,
                creation_token=token,
                **_report_values(event_form, city_formset, practice_formset),
            )
            if action == "submit":
                services.event_report_submit(event=event, user=request.user)
    except services.DuplicateSubmit as duplicate:
        if duplicate.event.created_by_id != request.user.pk:
            raise PermissionDenied("This form was already used.") from None
        messages.info(request, "This report was already saved; here it is.")
        return redirect("editor:event-edit", slug=duplicate.event.slug)
    except services.EditConflict:
        # The conflict may be on one practice; the whole stored report is shown either way.
        return _render_conflict(request, Event.objects.get(pk=event.pk), data)
    except services.ReportIncomplete as incomplete:
        messages.error(request, "The report is not complete: " + " ".join(incomplete.messages))
        return _render_form(request, event, *forms, token=token)

    if action == "submit":
        messages.success(request, f"“{event}” was submitted for review.")
        return redirect("editor:my-reports")
    messages.success(request, f"“{event}” was saved.")
    return redirect("editor:event-edit", slug=event.slug)


def _report_values(event_form, city_formset, practice_formset):
    cleaned = event_form.cleaned_data
    kept = practice_formset.kept_forms()
    return {
        "expected_version": cleaned.get("version"),
        "cities": cleaned["cities"],
        "new_cities": [
            services.NewCity(name=form.cleaned_data["name"], country=form.cleaned_data["country"])
            for form in city_formset.forms
            if form.cleaned_data.get("name")
        ],
        "challenges": cleaned["challenges"],
        "organisers": cleaned["organisers"],
        "new_source": event_form.new_source(),
        "practices": [
            services.PracticeDraft(
                practice=form.save(commit=False),
                expected_version=form.cleaned_data.get("version"),
                challenges=form.cleaned_data["challenges"],
                cities=form.cleaned_data["cities"],
                tags=form.cleaned_data.get("tags") or [],
            )
            for form in kept
        ],
        "removed_practices": [
            form.instance for form in practice_formset.deleted_forms if form.instance.pk
        ],
    }


def _token(value):
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return uuid.uuid4()


def _with_one_more_practice(post):
    data = post.copy()
    try:
        total = int(data.get("practices-TOTAL_FORMS", "0"))
    except ValueError:
        return data
    data["practices-TOTAL_FORMS"] = str(min(total + 1, PracticeFormSet.max_num))
    return data


def _render_conflict(request, stored, data):
    # Keep what the user typed, but let a second save knowingly replace the stored version.
    data = data.copy()
    data["version"] = str(stored.version)
    stored_practices = list(services.report_practices(stored))
    versions = {str(practice.pk): practice.version for practice in stored_practices}
    for key in list(data):
        if key.startswith("practices-") and key.endswith("-id") and data[key] in versions:
            data[key.removesuffix("-id") + "-version"] = str(versions[data[key]])
    # The forms get their own copies: validating a form writes what was typed into its instance.
    forms = (
        EventForm(data, instance=Event.objects.get(pk=stored.pk)),
        NewCityFormSet(data, prefix="new_cities"),
        PracticeFormSet(data, queryset=services.report_practices(stored), prefix="practices"),
    )
    messages.error(
        request,
        "Someone saved this report after you opened it. Their version is shown below; what you "
        "typed is still in the form. Saving again replaces their version with yours.",
    )
    context = {"stored": stored, "stored_practices": stored_practices}
    return _render_form(request, stored, *forms, token=None, conflict=context, status=409)


def _render_form(
    request,
    event,
    event_form,
    city_formset,
    practice_formset,
    *,
    token,
    report_gaps=(),
    conflict=None,
    status=200,
):
    error_summary = _error_summary(event_form, city_formset, practice_formset)
    context = {
        "event": event,
        "event_form": event_form,
        "city_formset": city_formset,
        "practice_formset": practice_formset,
        "token": token,
        "report_gaps": report_gaps,
        "error_summary": error_summary,
        "conflict": conflict,
        "can_save": event.pk is None or workflow.can_edit(request.user, event),
        "can_submit": event.pk is None or event.status == Status.DRAFT,
    }
    return render(request, "cases/editor/event_form.html", context, status=status)


def _error_summary(event_form, city_formset, practice_formset):
    """Every error on the page as (anchor, where, message), for the list at the top."""
    summary = []
    labelled = [(event_form, "Event")]
    labelled += [(form, f"New city {n}") for n, form in enumerate(city_formset.forms, 1)]
    labelled += [(form, f"Practice {n}") for n, form in enumerate(practice_formset.forms, 1)]
    if not (event_form.is_bound and practice_formset.is_bound):
        return summary
    for form, where in labelled:
        for name, errors in form.errors.items():
            if name == NON_FIELD_ERRORS:
                anchor, label = f"form-{form.prefix or 'event'}", where
            else:
                anchor, label = f"field-{form.add_prefix(name)}", f"{where}: {form[name].label}"
            summary += [(anchor, label, error) for error in errors]
    for error in city_formset.non_form_errors() + practice_formset.non_form_errors():
        summary.append(("practices", "Practices", error))
    return summary


@login_required
@require_POST
def event_submit(request, slug):
    event = _visible_event(request, slug)
    try:
        services.event_report_submit(event=event, user=request.user)
    except TransitionRefused as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("editor:my-reports")
    except services.ReportIncomplete as incomplete:
        messages.error(request, "The report is not complete: " + " ".join(incomplete.messages))
        return redirect("editor:event-edit", slug=event.slug)
    messages.success(request, f"“{event}” was submitted for review.")
    return redirect("editor:my-reports")


@curator_required
def review_queue(request):
    submitted_at = Max("transitions__created_at", filter=Q(transitions__to_status=Status.IN_REVIEW))
    events = (
        Event.objects.filter(status=Status.IN_REVIEW)
        .select_related("created_by")
        .annotate(submitted_at=submitted_at)
        .order_by("submitted_at", "pk")
    )
    return render(request, "cases/review/queue.html", {"events": events})


@curator_required
def review_event(request, slug):
    event = _visible_event(request, slug)
    return _render_review(request, event, ReturnForm())


def _render_review(request, event, return_form, status=200):
    practices = event.practices.prefetch_related("challenges", "cities", "tags").order_by("pk")
    history = Transition.objects.filter(
        Q(event=event) | Q(practice__in=event.practices.all())
    ).select_related("user", "event", "practice")
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


def _move_or_explain(request, move, *, redirect_to):
    """Run a workflow move; a refused or incomplete one comes back as a message, not an error."""
    try:
        move()
    except (TransitionRefused, services.ReportIncomplete) as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(redirect_to)
    return None


@curator_required
@require_POST
def event_publish(request, slug):
    event = _visible_event(request, slug)
    review_url = reverse("editor:review-event", args=[event.slug])
    refused = _move_or_explain(
        request,
        lambda: services.event_report_publish(event=event, user=request.user),
        redirect_to=review_url,
    )
    if refused:
        return refused
    messages.success(request, f"“{event}” and its practices are published.")
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
    messages.success(request, f"“{event}” went back to its editor with your comment.")
    return redirect("editor:review-queue")


@curator_required
@require_POST
def event_archive(request, slug):
    event = _visible_event(request, slug)
    return _archive(request, event)


@curator_required
@require_POST
def practice_archive(request, slug):
    practice = get_object_or_404(GoodPractice.objects.visible_to(request.user), slug=slug)
    return _archive(request, practice)


def _archive(request, item):
    refused = _move_or_explain(
        request,
        lambda: services.item_archive(item=item, user=request.user),
        redirect_to=item.get_absolute_url(),
    )
    if refused:
        return refused
    messages.success(request, f"“{item}” is archived: it has left the lists, its address stays.")
    return redirect(item)
