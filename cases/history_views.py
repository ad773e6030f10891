"""Curators read the history of a practice or an event report, compare versions, restore one.

The versions are django-reversion's (cases/models.py registers the records). Who may see and
restore them is the record's review permission, from the Curators group or given directly.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import selectors, services, workflow
from .forms import CompareForm
from .models import Event, GoodPractice

RECORDS = {"practice": GoodPractice, "event": Event}


def _record(request, kind, slug):
    model = RECORDS[kind]
    if not workflow.can_review(request.user, model):
        raise PermissionDenied(_("Only curators see the history of records."))
    return get_object_or_404(model.objects.all(), slug=slug)


@login_required
def record_history(request, kind, slug):
    record = _record(request, kind, slug)
    versions = selectors.versions_of(record)
    context = {"record": record, "kind": kind, "versions": versions}
    return render(request, "cases/history/versions.html", context)


@login_required
def record_compare(request, kind, slug):
    record = _record(request, kind, slug)
    form = CompareForm(request.GET)
    if not form.is_valid():
        raise Http404(_("Pick two versions of this record to compare."))
    versions = selectors.versions_of(record)
    older = get_object_or_404(versions, pk=form.cleaned_data["older"])
    newer = get_object_or_404(versions, pk=form.cleaned_data["newer"])
    if older.revision.date_created > newer.revision.date_created:
        older, newer = newer, older
    changes = selectors.version_changes(older, newer)
    context = {"record": record, "kind": kind, "older": older, "newer": newer, "changes": changes}
    return render(request, "cases/history/compare.html", context)


@login_required
def record_restore(request, kind, slug, version_id):
    record = _record(request, kind, slug)
    version = get_object_or_404(selectors.versions_of(record), pk=version_id)
    if request.method != "POST":
        context = {"record": record, "kind": kind, "version": version}
        return render(request, "cases/history/restore.html", context)
    try:
        services.record_restore(record=record, version=version, user=request.user)
    except (services.ReportIncomplete, services.RestoreRefused) as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(f"editor:{kind}-history", slug=record.slug)
    messages.success(request, _("“%(record)s” is restored.") % {"record": record})
    return redirect(f"editor:{kind}-history", slug=record.slug)
