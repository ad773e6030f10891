from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from taggit.models import Tag

from challenges.admin import RelatedCountsAdmin

from . import models, services, workflow
from .forms import ReturnForm
from .search import practice_refresh_search
from .workflow import Action

# Events, practices, cities and people keep every version (django-reversion's VersionAdmin):
# each admin save is a version with who and the change message, "History" lists them and
# restores one, and "Recover deleted …" on the list brings back a deleted record.


@admin.register(models.Country)
class CountryAdmin(RelatedCountsAdmin):
    list_display = ["name", "code", "region", "city_count"]
    list_filter = ["region"]
    search_fields = ["name", "code", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    related_counts = {"city_count": "cities"}

    @admin.display(description=_("cities"), ordering="city_count")
    def city_count(self, country):
        return country.city_count


@admin.register(models.City)
class CityAdmin(VersionAdmin, RelatedCountsAdmin):
    list_display = ["name", "country", "region", "population_band", "practice_count"]
    list_filter = ["country__region", "population_band", "country"]
    list_select_related = ["country"]
    search_fields = ["name", "slug", "country__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]
    related_counts = {"practice_count": "practices"}

    @admin.display(description=_("region"), ordering="country__region")
    def region(self, city):
        return city.country.get_region_display()

    @admin.display(description=_("practices"), ordering="practice_count")
    def practice_count(self, city):
        return city.practice_count


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "website"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "author", "published_on"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "author", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"


# The title and summary in French and Portuguese, folded away: most records have none yet.
TRANSLATIONS_FIELDSET = (
    _("Translations"),
    {"fields": ["title_fr", "summary_fr", "title_pt", "summary_pt"], "classes": ["collapse"]},
)


# --- Review actions -------------------------------------------------------------------------


# What a review action says it did, for a number of items.
def published_count(count):
    return ngettext("Published %(count)d item.", "Published %(count)d items.", count)


def returned_count(count):
    return ngettext("Returned %(count)d item.", "Returned %(count)d items.", count)


def archived_count(count):
    return ngettext("Archived %(count)d item.", "Archived %(count)d items.", count)


def _apply(modeladmin, request, queryset, move, done):
    """Run a workflow move on each item; report what was refused and why, item by item."""
    moved = 0
    for item in queryset:
        try:
            move(item)
        except (ValidationError, PermissionDenied) as refused:
            reason = " ".join(getattr(refused, "messages", [str(refused)]))
            if str(item) not in reason:
                reason = f"“{item}”: {reason}"
            modeladmin.message_user(request, reason, messages.WARNING)
        else:
            moved += 1
    modeladmin.message_user(request, done(moved) % {"count": moved}, messages.SUCCESS)


@admin.action(description=_("Publish selected items (in review)"), permissions=["review"])
def publish(modeladmin, request, queryset):
    def move(item):
        # An event moves with the practices written in its report, as on the review pages.
        if isinstance(item, models.Event):
            services.event_report_publish(event=item, user=request.user)
        else:
            services.item_move(item=item, action=Action.PUBLISH, user=request.user)

    _apply(modeladmin, request, queryset, move, published_count)


@admin.action(description=_("Return selected items to their editors…"), permissions=["review"])
def return_to_draft(modeladmin, request, queryset):
    # Returning needs a comment for the editor: ask for it on an intermediate page.
    form = ReturnForm(request.POST if "comment" in request.POST else None)
    if not form.is_valid():
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": _("Return to the editor"),
            "opts": modeladmin.opts,
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/cases/return_to_draft.html", context)

    comment = form.cleaned_data["comment"]

    def move(item):
        if isinstance(item, models.Event):
            services.event_report_return(event=item, user=request.user, comment=comment)
        else:
            services.item_move(item=item, action=Action.RETURN, user=request.user, comment=comment)

    _apply(modeladmin, request, queryset, move, returned_count)
    return None


@admin.action(description=_("Archive selected items (published)"), permissions=["review"])
def archive(modeladmin, request, queryset):
    def move(item):
        services.item_archive(item=item, user=request.user)

    _apply(modeladmin, request, queryset, move, archived_count)


class ReviewActionsMixin:
    actions = [publish, return_to_draft, archive]

    def get_readonly_fields(self, request, obj=None):
        # Status changes only through the review actions, which follow cases.workflow.
        return [*super().get_readonly_fields(request, obj), "status"]

    def save_model(self, request, obj, form, change):
        # An admin edit counts as a new version: an editor's stale form will not overwrite it.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def has_review_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.review_{opts.model_name}")


# --- Events and practices -------------------------------------------------------------------


class PracticeInline(admin.TabularInline):
    model = models.GoodPractice.events.through
    verbose_name = _("practice shared at this event")
    verbose_name_plural = _("practices shared at this event")
    autocomplete_fields = ["goodpractice"]
    extra = 0


def _kept(formset):
    """The cleaned values of the inline rows that will be saved (filled in, not deleted)."""
    return [
        (form, form.cleaned_data)
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class PublicRecordFormSet(forms.BaseInlineFormSet):
    """Inline rows with rules that hold once their record is public (published or archived)."""

    def clean(self):
        super().clean()
        if self.instance.is_public:
            self.clean_public(self.instance, _kept(self))


class CityLinkFormSet(PublicRecordFormSet):
    """A public record's cities each need the passage that shows their role."""

    def clean_public(self, record, rows):
        rows = [(form, data) for form, data in rows if data.get("city")]
        for form, data in rows:
            link = (data["city"].name, data["role"], data.get("passage", ""))
            for message in workflow.passage_problems([link]):
                form.add_error("passage", message)
        if isinstance(record, models.GoodPractice):
            roles = {data["role"] for _form, data in rows}
            problem = workflow.role_problem(kind=record.kind, roles=roles)
            if problem:
                raise ValidationError(problem)


class PracticeChallengeFormSet(PublicRecordFormSet):
    def clean_public(self, practice, rows):
        problem = workflow.challenge_problem(
            has_challenge=any(data.get("challenge") for _form, data in rows),
            no_challenge_reason=practice.no_challenge_reason,
        )
        if problem:
            raise ValidationError(problem)


class CityLinkInline(admin.TabularInline):
    formset = CityLinkFormSet
    autocomplete_fields = ["city"]
    fields = ["city", "role", "passage"]
    extra = 0
    verbose_name = _("city, its role and the passage that shows it")
    verbose_name_plural = _("cities, their roles and the passages that show them")


class ChallengeLinkInline(admin.TabularInline):
    autocomplete_fields = ["challenge"]
    fields = ["challenge", "basis", "passage"]
    extra = 0


class PracticeCityInline(CityLinkInline):
    model = models.PracticeCity


class PracticeChallengeInline(ChallengeLinkInline):
    model = models.PracticeChallenge
    formset = PracticeChallengeFormSet


class EventCityInline(CityLinkInline):
    model = models.EventCity


class EventChallengeInline(ChallengeLinkInline):
    model = models.EventChallenge


class EventPersonInline(admin.TabularInline):
    model = models.EventPerson
    autocomplete_fields = ["person"]
    fields = ["person", "part", "passage", "note"]
    extra = 0


@admin.register(models.Event)
class EventAdmin(ReviewActionsMixin, VersionAdmin):
    list_display = ["title", "starts_on", "format", "place", "status", "created_by", "updated_at"]
    list_filter = ["status", "format", "organisers", "challenges"]
    list_select_related = ["created_by"]
    search_fields = ["title", "slug", "summary", "place", "report"]
    date_hierarchy = "starts_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "host_city",
        "part_of",
        "organisers",
        "participating_organisations",
        "source",
        "created_by",
    ]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    inlines = [
        EventCityInline,
        EventChallengeInline,
        EventPersonInline,
        PracticeInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "status"]}),
        (_("When and where"), {"fields": ["starts_on", "ends_on", "place", "host_city", "format"]}),
        (_("Who"), {"fields": ["part_of", "organisers", "participating_organisations"]}),
        (_("Report"), {"fields": ["report"]}),
        (_("Source"), {"fields": ["source", "source_quote"]}),
        TRANSLATIONS_FIELDSET,
        (_("Record"), {"fields": ["created_by", "created_at", "updated_at", "published_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


class GoodPracticeAdminForm(forms.ModelForm):
    # No Meta: the admin builds the form from GoodPracticeAdmin's fieldsets.
    def clean(self):
        cleaned = super().clean()
        if self.instance.is_public:
            problems = workflow.voice_problems(
                kind=cleaned.get("kind", ""),
                voiced_by=cleaned.get("voiced_by", ""),
                passage=cleaned.get("voiced_by_passage", ""),
            )
            for name, message in problems.items():
                self.add_error(name, message)
        return cleaned


@admin.register(models.GoodPractice)
class GoodPracticeAdmin(ReviewActionsMixin, VersionAdmin):
    form = GoodPracticeAdminForm
    list_display = ["title", "kind", "stage", "status", "source", "created_by", "updated_at"]
    list_filter = [
        "status",
        "kind",
        "stage",
        "challenges__theme",
        "challenges",
        "cities__country__region",
    ]
    list_select_related = ["source", "created_by"]
    search_fields = ["title", "slug", "summary", "description", "voiced_by", "tags__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "events",
        "see_also",
        "source",
        "created_by",
        "voiced_by_person",
        "voiced_by_organisation",
    ]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    inlines = [PracticeCityInline, PracticeChallengeInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "stage", "status"]}),
        (
            _("Who voiced it (recommendations)"),
            {
                "fields": [
                    "voiced_by",
                    "voiced_by_person",
                    "voiced_by_organisation",
                    "voiced_by_passage",
                ]
            },
        ),
        (
            _("The practice"),
            {"fields": ["description", "results", "lessons", "transfer_conditions"]},
        ),
        (_("The source's own view"), {"fields": ["author_view", "author_view_passage"]}),
        (_("Filed under"), {"fields": ["no_challenge_reason", "tags", "events", "see_also"]}),
        (_("Source"), {"fields": ["source", "source_quote", "further_passages"]}),
        TRANSLATIONS_FIELDSET,
        (_("Record"), {"fields": ["created_by", "created_at", "updated_at", "published_at"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Challenges, cities and tags are saved here, after the practice: search copies them.
        practice_refresh_search(practice_ids=[form.instance.pk])

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


class StatementInline(admin.StackedInline):
    model = models.Statement
    autocomplete_fields = ["source", "event", "practice"]
    fields = ["quote", "is_reported_speech", "source", "event", "practice", "position"]
    extra = 0


class PersonEventInline(EventPersonInline):
    """The same rows from the person's side: the event is the one to pick."""

    autocomplete_fields = ["event"]
    fields = ["event", "part", "passage", "note"]


@admin.register(models.Person)
class PersonAdmin(VersionAdmin, RelatedCountsAdmin):
    list_display = ["name", "role", "city", "organisation", "statement_count"]
    list_filter = ["organisation", "city__country__region", "events"]
    list_select_related = ["city", "organisation"]
    search_fields = ["name", "slug", "role", "city__name", "organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["city", "organisation", "source"]
    fields = ["name", "slug", "role", "city", "organisation", "source", "passage", "note"]
    inlines = [PersonEventInline, StatementInline]
    related_counts = {"statement_count": "statements"}

    @admin.display(description=_("statements"), ordering="statement_count")
    def statement_count(self, person):
        return person.statement_count


@admin.register(models.Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["person", "quote", "source", "event", "is_reported_speech"]
    list_filter = ["is_reported_speech", "source"]
    list_select_related = ["person", "source", "event"]
    search_fields = ["quote", "person__name"]
    autocomplete_fields = ["person", "source", "event", "practice"]


class RedirectAdmin(admin.ModelAdmin):
    """The old addresses of one kind of record (Redirect.record_field names it)."""

    def __init__(self, model, admin_site):
        record = model.record_field
        self.list_display = ["old_slug", record]
        self.list_select_related = self.autocomplete_fields = [record]
        self.search_fields = ["old_slug", f"{record}__title", f"{record}__slug"]
        super().__init__(model, admin_site)


admin.site.register(models.PracticeRedirect, RedirectAdmin)
admin.site.register(models.EventRedirect, RedirectAdmin)


# Taggit registers its own TagAdmin; replace it with one that autocompletes and counts usage.
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(RelatedCountsAdmin):
    list_display = ["name", "slug", "practice_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    related_counts = {"practice_count": "cases_taggedpractice_items"}

    @admin.display(description=_("practices"), ordering="practice_count")
    def practice_count(self, tag):
        return tag.practice_count


admin.site.site_header = _("CityLearn administration")
admin.site.site_title = _("CityLearn admin")
admin.site.index_title = _("Curate the catalogue")
