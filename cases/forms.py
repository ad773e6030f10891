from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services, workflow
from .content_language import original
from .models import City, Country, Event, GoodPractice, Source

MARKDOWN_HELP = _("Markdown is accepted: *emphasis*, lists, [links](https://example.org).")


def with_markdown_help(text):
    """A help text followed by how to format it; lazy, so it is in the reader's language."""
    return format_lazy("{} {}", text, MARKDOWN_HELP)


# The labels of the form fields, in the reader's language (the models name them in English).
FIELD_LABELS = {
    "title": _("Title"),
    "summary": _("Summary"),
    "starts_on": _("Starts on"),
    "ends_on": _("Ends on"),
    "place": _("Place"),
    "format": _("Format"),
    "organisers": _("Organisers"),
    "report": _("Report"),
    "source": _("Source"),
    "source_quote": _("Source quote"),
    "description": _("What was done"),
    "results": _("Results"),
    "lessons": _("Lessons"),
    "transfer_conditions": _("Conditions for transfer"),
    "tags": _("Tags"),
    "stage": _("Stage"),
}


class DateInput(forms.DateInput):
    input_type = "date"


class VersionField(forms.IntegerField):
    """The version the editor started from: saving is refused if the stored one moved on."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, **kwargs)


def marked_needed(help_text, mark):
    """The help text, led by a mark such as "Needed for review." (read out with the field)."""
    return format_html('<strong class="needed">{}</strong> {}', mark, help_text or "")


# The title and summary in the site's other languages, optional (cases.models.ReviewedRecord).
TRANSLATION_FIELDS = ["title_fr", "summary_fr", "title_pt", "summary_pt"]


class ReportPartForm(forms.ModelForm):
    """What the event form and each practice form share: the version guard, the city list, and
    the marks on the fields review needs, shown before anyone submits."""

    version = VersionField()
    # The fields cases.workflow requires before review: {name: message}.
    review_requirements: dict[str, str] = {}

    class Meta:
        # Subclasses add their own: {**ReportPartForm.Meta.widgets, ...}.
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "summary_fr": forms.Textarea(attrs={"rows": 2, "lang": "fr"}),
            "summary_pt": forms.Textarea(attrs={"rows": 2, "lang": "pt"}),
            "title_fr": forms.TextInput(attrs={"lang": "fr"}),
            "title_pt": forms.TextInput(attrs={"lang": "pt"}),
            "cities": forms.CheckboxSelectMultiple,
            "challenges": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cities = self.fields["cities"]
        cities.queryset = City.objects.select_related("country")
        # The choices are records: their names are marked as English on other languages' pages.
        cities.label_from_instance = lambda city: original(f"{city.name} ({city.country})")
        self.fields["challenges"].label_from_instance = lambda challenge: original(challenge.name)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self.fields["title"].help_text = marked_needed(
            self.fields["title"].help_text, gettext("Needed, even for a draft.")
        )
        for name in self.review_requirements:
            field = self.fields[name]
            field.help_text = marked_needed(field.help_text, gettext("Needed for review."))


class EventForm(ReportPartForm):
    new_source_title = forms.CharField(
        label=_("Or a new source: title"),
        max_length=300,
        required=False,
        help_text=_("Only when the source is not in the list above."),
    )
    new_source_url = forms.URLField(
        label=_("Link to the new source"),
        max_length=500,
        required=False,
        help_text=_("Its web address, if it is online."),
    )
    review_requirements = workflow.EVENT_REQUIREMENTS

    class Meta(ReportPartForm.Meta):
        model = Event
        fields = [
            "title",
            "summary",
            "starts_on",
            "ends_on",
            "place",
            "format",
            "organisers",
            "cities",
            "challenges",
            "report",
            "source",
            "source_quote",
            *TRANSLATION_FIELDS,
        ]
        widgets = {
            **ReportPartForm.Meta.widgets,
            "starts_on": DateInput,
            "ends_on": DateInput,
            "report": forms.Textarea(attrs={"rows": 10}),
            "source_quote": forms.Textarea(attrs={"rows": 3}),
            "organisers": forms.CheckboxSelectMultiple,
        }
        labels = {
            **FIELD_LABELS,
            "cities": _("Participating cities"),
            "challenges": _("Challenges raised"),
        }
        help_texts = {
            "title": _("As the source names the event."),
            "starts_on": _("The first day, as the source gives it."),
            "ends_on": _("Leave it empty for a one-day event."),
            "format": _("The kind of meeting the source describes."),
            "organisers": _("Who ran it, as the source names them."),
            "cities": _("Tick the cities that took part. A city missing here can be added below."),
            "challenges": _(
                "The problems participants brought up, whether or not a practice answers them."
            ),
            "report": with_markdown_help(_("What was said and shared at the event.")),
            "source": _("The document this report is written from."),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_source_title") and cleaned.get("source"):
            self.add_error(
                "new_source_title", gettext("Pick a source from the list or name a new one.")
            )
        if cleaned.get("new_source_url") and not cleaned.get("new_source_title"):
            self.add_error("new_source_title", gettext("Give the new source a title."))
        return cleaned

    def new_source(self) -> Source | None:
        title = self.cleaned_data.get("new_source_title")
        if not title:
            return None
        return Source(title=title, url=self.cleaned_data.get("new_source_url", ""))


class NewCityForm(forms.Form):
    name = forms.CharField(label=_("City name"), max_length=150, required=False)
    country = forms.ModelChoiceField(
        Country.objects.all(),
        label=_("Country"),
        required=False,
        empty_label=_("Choose the country"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") and not cleaned.get("country"):
            self.add_error("country", gettext("Choose the country of this city."))
        if cleaned.get("country") and not cleaned.get("name"):
            self.add_error("name", gettext("Give the name of the city."))
        return cleaned


# absolute_max bounds the forms built from a tampered TOTAL_FORMS (Django's default is 1,000).
NewCityFormSet = forms.formset_factory(
    NewCityForm, extra=2, max_num=10, validate_max=True, absolute_max=12
)


class PracticeForm(ReportPartForm):
    review_requirements = workflow.PRACTICE_REQUIREMENTS

    class Meta(ReportPartForm.Meta):
        model = GoodPractice
        fields = [
            "title",
            "summary",
            "description",
            "results",
            "lessons",
            "transfer_conditions",
            "challenges",
            "cities",
            "tags",
            "stage",
            *TRANSLATION_FIELDS,
        ]
        widgets = {
            **ReportPartForm.Meta.widgets,
            "description": forms.Textarea(attrs={"rows": 5}),
            "results": forms.Textarea(attrs={"rows": 3}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
            "transfer_conditions": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            **FIELD_LABELS,
            "challenges": _("Challenges it addresses"),
            "cities": _("Cities behind it"),
        }
        help_texts = {
            "challenges": _("The problems the source says this practice helps with."),
            "title": _("A short name for what was done, such as “Open budget portal”."),
            "description": with_markdown_help(
                _("The steps the city took, who took them and with what means.")
            ),
            "results": with_markdown_help(
                _("What changed because of it, with figures where the source has them.")
            ),
            "cities": _("A city added to the report above appears here once the draft is saved."),
            "lessons": with_markdown_help(_("What others can learn from it.")),
            "transfer_conditions": with_markdown_help(
                _("What a city needs for this to work there too.")
            ),
            "tags": _("Free words, separated by commas (open data, budgeting)."),
        }


class BasePracticeFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this practice from the report")

    def kept_forms(self):
        """The forms that hold a practice after saving: filled in and not marked for deletion."""
        return [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]


PracticeFormSet = forms.modelformset_factory(
    GoodPractice,
    form=PracticeForm,
    formset=BasePracticeFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
    absolute_max=32,
)


class ReportForm:
    """The event report page as one form: the event, the cities to add, the practices shared.

    Unbound, it shows the report as stored. Validating writes what was typed into the event and
    practice instances, as a ModelForm does.
    """

    def __init__(self, event: Event, data=None, *, instance: Event | None = None):
        practices = services.report_practices(event) if event.pk else GoodPractice.objects.none()
        self.event = event
        self.event_form = EventForm(data, instance=instance or event)
        self.city_formset = NewCityFormSet(data, prefix="new_cities")
        self.practice_formset = PracticeFormSet(data, queryset=practices, prefix="practices")
        self.report_gaps: list[str] = []

    @classmethod
    def with_one_more_practice(cls, event: Event, data) -> "ReportForm":
        """The form as typed, with one more blank practice (the "Add another" button)."""
        data = data.copy()
        try:
            total = int(data.get("practices-TOTAL_FORMS", "0"))
        except ValueError:
            return cls(event, data)
        data["practices-TOTAL_FORMS"] = str(min(total + 1, PracticeFormSet.max_num))
        return cls(event, data)

    @classmethod
    def over_stored(cls, stored: Event, stored_practices, data) -> "ReportForm":
        """What the user typed, set to replace the `stored` report if they save it again."""
        data = data.copy()
        data["version"] = str(stored.version)
        versions = {str(practice.pk): practice.version for practice in stored_practices}
        for key in list(data):
            if key.startswith("practices-") and key.endswith("-id") and data[key] in versions:
                data[key.removesuffix("-id") + "-version"] = str(versions[data[key]])
        # The form gets its own copy: validating writes what was typed into its instance.
        return cls(stored, data, instance=Event.objects.get(pk=stored.pk))

    @property
    def forms(self):
        return (self.event_form, self.city_formset, self.practice_formset)

    def is_valid(self) -> bool:
        # Every form, not up to the first invalid one: each gets its errors and cleaned_data.
        results = [form.is_valid() for form in self.forms]
        return all(results)

    def is_complete(self, *, is_new_work: bool) -> bool:
        """Add what review needs to the forms as errors; False if anything is missing.

        Runs on invalid forms too, so that a submit lists every problem in one round: a field
        that already has an error is not also reported as missing. A curator's later edit of a
        public report is held only to what public practices need.
        """
        self.is_valid()  # cleans every form, so that cleaned_data holds what is valid
        practice_forms = self.practice_formset.kept_forms()
        requirements = workflow.PRACTICE_REQUIREMENTS
        if not is_new_work:
            requirements = workflow.PUBLIC_PRACTICE_REQUIREMENTS
        for form in practice_forms:
            values = dict(form.cleaned_data)
            for name in ("summary", "description"):
                values[name] = (values.get(name) or "").strip()
            _add_missing(form, workflow.missing(values, requirements))
        if is_new_work:
            self._check_event_complete()
            self.report_gaps = [] if practice_forms else [workflow.NO_PRACTICES]
        return not self.report_gaps and self.is_valid()

    def _check_event_complete(self) -> None:
        new_city_names = [form.cleaned_data.get("name") for form in self.city_formset.forms]
        values = {**self.event_form.cleaned_data}
        values["report"] = values.get("report", "").strip()
        values["cities"] = bool(values.get("cities")) or any(new_city_names)
        _add_missing(self.event_form, workflow.missing(values, workflow.EVENT_REQUIREMENTS))

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Every error on the page as (anchor, where, message), for the list at the top; `where`
        names the section as its heading does, then the field."""
        if not (self.event_form.is_bound and self.practice_formset.is_bound):
            return []
        labelled = [(self.event_form, None)]
        labelled += [
            (form, gettext("Participating cities, new city %(number)s") % {"number": n})
            for n, form in enumerate(self.city_formset, 1)
        ]
        labelled += [
            (form, gettext("Practices shared, practice %(number)s") % {"number": n})
            for n, form in enumerate(self.practice_formset, 1)
        ]
        summary = []
        for form, where in labelled:
            for name, errors in form.errors.items():
                if name == NON_FIELD_ERRORS:
                    anchor, label = f"form-{form.prefix or 'event'}", where or gettext("The event")
                else:
                    anchor = f"field-{form.add_prefix(name)}"
                    label = _where(where or _event_section(name), form[name].label)
                summary += [(anchor, label, error) for error in errors]
        non_form_errors = self.city_formset.non_form_errors()
        non_form_errors += self.practice_formset.non_form_errors()
        practices = gettext("Practices shared")
        return summary + [("practices", practices, error) for error in non_form_errors]

    def to_changes(self) -> services.ReportChanges:
        """What the (valid) form changes beyond the event's own fields."""
        cleaned = self.event_form.cleaned_data
        return services.ReportChanges(
            expected_version=cleaned.get("version"),
            cities=cleaned["cities"],
            new_cities=[
                services.NewCity(
                    name=form.cleaned_data["name"], country=form.cleaned_data["country"]
                )
                for form in self.city_formset.forms
                if form.cleaned_data.get("name")
            ],
            challenges=cleaned["challenges"],
            organisers=cleaned["organisers"],
            new_source=self.event_form.new_source(),
            practices=[
                services.PracticeChanges(
                    practice=form.save(commit=False),
                    expected_version=form.cleaned_data.get("version"),
                    challenges=form.cleaned_data["challenges"],
                    cities=form.cleaned_data["cities"],
                    tags=form.cleaned_data.get("tags") or [],
                )
                for form in self.practice_formset.kept_forms()
            ],
            removed_practices=[
                form.instance for form in self.practice_formset.deleted_forms if form.instance.pk
            ],
        )


def _add_missing(form, missing):
    """Each missing requirement as an error on its field, unless the field has one already."""
    for name, message in missing.items():
        if name not in form.errors:
            form.add_error(name, message)


# The event fields outside the form's first section ("The event"), by the section's heading.
EVENT_SECTIONS = {
    "cities": _("Participating cities"),
    "challenges": _("Challenges and report"),
    "report": _("Challenges and report"),
    "source": _("Challenges and report"),
    "new_source_title": _("Challenges and report"),
    "new_source_url": _("Challenges and report"),
    "source_quote": _("Challenges and report"),
}


def _event_section(name):
    return EVENT_SECTIONS.get(name) or gettext("The event")


def _where(section, label):
    """ "Section: field", or the section alone when the field is named like it."""
    return str(section) if str(label) == str(section) else f"{section}: {label}"


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the editor change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        strip=True,
    )


class CompareForm(forms.Form):
    """The two versions the history page compares, by id (from its radio buttons)."""

    older = forms.IntegerField(min_value=1)
    newer = forms.IntegerField(min_value=1)
