from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from . import services, workflow
from .models import City, Country, Event, GoodPractice, Source

MARKDOWN_HELP = " Markdown is accepted: *emphasis*, lists, [links](https://example.org)."


class DateInput(forms.DateInput):
    input_type = "date"


class VersionField(forms.IntegerField):
    """The version the editor started from: saving is refused if the stored one moved on."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, **kwargs)


class ReportPartForm(forms.ModelForm):
    """What the event form and each practice form share: the version guard and the city list."""

    version = VersionField()

    class Meta:
        # Subclasses add their own: {**ReportPartForm.Meta.widgets, ...}.
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "cities": forms.CheckboxSelectMultiple,
            "challenges": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cities = self.fields["cities"]
        cities.queryset = City.objects.select_related("country")
        cities.label_from_instance = lambda city: f"{city.name} ({city.country})"
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class EventForm(ReportPartForm):
    new_source_title = forms.CharField(
        label="Or a new source: title",
        max_length=300,
        required=False,
        help_text="Only when the source is not in the list above.",
    )
    new_source_url = forms.URLField(label="Link to the new source", max_length=500, required=False)

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
        ]
        widgets = {
            **ReportPartForm.Meta.widgets,
            "starts_on": DateInput,
            "ends_on": DateInput,
            "report": forms.Textarea(attrs={"rows": 10}),
            "source_quote": forms.Textarea(attrs={"rows": 3}),
            "organisers": forms.CheckboxSelectMultiple,
        }
        labels = {"cities": "Participating cities", "challenges": "Challenges raised"}
        help_texts = {
            "cities": "Tick the cities that took part. A city missing here can be added below.",
            "report": "What was said and shared at the event." + MARKDOWN_HELP,
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_source_title") and cleaned.get("source"):
            self.add_error("new_source_title", "Pick a source from the list or name a new one.")
        if cleaned.get("new_source_url") and not cleaned.get("new_source_title"):
            self.add_error("new_source_title", "Give the new source a title.")
        return cleaned

    def new_source(self) -> Source | None:
        title = self.cleaned_data.get("new_source_title")
        if not title:
            return None
        return Source(title=title, url=self.cleaned_data.get("new_source_url", ""))


class NewCityForm(forms.Form):
    name = forms.CharField(label="City name", max_length=150, required=False)
    country = forms.ModelChoiceField(
        Country.objects.all(), required=False, empty_label="Choose the country"
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") and not cleaned.get("country"):
            self.add_error("country", "Choose the country of this city.")
        if cleaned.get("country") and not cleaned.get("name"):
            self.add_error("name", "Give the name of the city.")
        return cleaned


# absolute_max bounds the forms built from a tampered TOTAL_FORMS (Django's default is 1,000).
NewCityFormSet = forms.formset_factory(
    NewCityForm, extra=2, max_num=10, validate_max=True, absolute_max=12
)


class PracticeForm(ReportPartForm):
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
        ]
        widgets = {
            **ReportPartForm.Meta.widgets,
            "description": forms.Textarea(attrs={"rows": 5}),
            "results": forms.Textarea(attrs={"rows": 3}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
            "transfer_conditions": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"challenges": "Challenges it addresses", "cities": "Cities behind it"}
        help_texts = {
            "cities": "A city added to the report above appears here once the draft is saved.",
            "lessons": "What others can learn from it." + MARKDOWN_HELP,
            "transfer_conditions": "What a city needs for this to work there too." + MARKDOWN_HELP,
            "tags": "Free words, separated by commas (open data, budgeting).",
        }


class BasePracticeFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this practice from the report"

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
        return all(form.is_valid() for form in self.forms)

    def is_complete(self, *, is_new_work: bool) -> bool:
        """Add what review needs to the (valid) forms as errors; False if anything is missing.

        A curator's later edit of a public report is held only to what public practices need.
        """
        practice_forms = self.practice_formset.kept_forms()
        requirements = workflow.PRACTICE_REQUIREMENTS
        if not is_new_work:
            requirements = workflow.PUBLIC_PRACTICE_REQUIREMENTS
        for form in practice_forms:
            values = dict(form.cleaned_data)
            for name in ("summary", "description"):
                values[name] = (values.get(name) or "").strip()
            for name, message in workflow.missing(values, requirements).items():
                form.add_error(name, message)
        if is_new_work:
            self._check_event_complete()
            self.report_gaps = [] if practice_forms else [workflow.NO_PRACTICES]
        return not self.report_gaps and self.is_valid()

    def _check_event_complete(self) -> None:
        new_city_names = [form.cleaned_data.get("name") for form in self.city_formset.forms]
        values = {**self.event_form.cleaned_data}
        values["report"] = values.get("report", "").strip()
        values["cities"] = bool(values.get("cities")) or any(new_city_names)
        for name, message in workflow.missing(values, workflow.EVENT_REQUIREMENTS).items():
            self.event_form.add_error(name, message)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Every error on the page as (anchor, where, message), for the list at the top."""
        if not (self.event_form.is_bound and self.practice_formset.is_bound):
            return []
        labelled = [(self.event_form, "Event")]
        labelled += [(form, f"New city {n}") for n, form in enumerate(self.city_formset, 1)]
        labelled += [(form, f"Practice {n}") for n, form in enumerate(self.practice_formset, 1)]
        summary = []
        for form, where in labelled:
            for name, errors in form.errors.items():
                if name == NON_FIELD_ERRORS:
                    anchor, label = f"form-{form.prefix or 'event'}", where
                else:
                    anchor, label = f"field-{form.add_prefix(name)}", f"{where}: {form[name].label}"
                summary += [(anchor, label, error) for error in errors]
        non_form_errors = self.city_formset.non_form_errors()
        non_form_errors += self.practice_formset.non_form_errors()
        return summary + [("practices", "Practices", error) for error in non_form_errors]

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


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What should the editor change?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        strip=True,
    )


class CompareForm(forms.Form):
    """The two versions the history page compares, by id (from its radio buttons)."""

    older = forms.IntegerField(min_value=1)
    newer = forms.IntegerField(min_value=1)
