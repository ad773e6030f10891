from django import forms

from challenges.models import Challenge

from . import workflow
from .models import City, Country, Event, GoodPractice, Organisation, Source

MARKDOWN_HELP = " Markdown is accepted: *emphasis*, lists, [links](https://example.org)."


class DateInput(forms.DateInput):
    input_type = "date"


class VersionField(forms.IntegerField):
    """The version the editor started from: saving is refused if the stored one moved on."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, **kwargs)


class EventForm(forms.ModelForm):
    version = VersionField()
    new_source_title = forms.CharField(
        label="Or a new source: title",
        max_length=300,
        required=False,
        help_text="Only when the source is not in the list above.",
    )
    new_source_url = forms.URLField(label="Link to the new source", max_length=500, required=False)

    class Meta:
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
            "starts_on": DateInput,
            "ends_on": DateInput,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "report": forms.Textarea(attrs={"rows": 10}),
            "source_quote": forms.Textarea(attrs={"rows": 3}),
            "organisers": forms.CheckboxSelectMultiple,
            "cities": forms.CheckboxSelectMultiple,
            "challenges": forms.CheckboxSelectMultiple,
        }
        labels = {"cities": "Participating cities", "challenges": "Challenges raised"}
        help_texts = {
            "cities": "Tick the cities that took part. A city missing here can be added below.",
            "report": "What was said and shared at the event." + MARKDOWN_HELP,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cities"].queryset = City.objects.select_related("country")
        self.fields["challenges"].queryset = Challenge.objects.all()
        self.fields["organisers"].queryset = Organisation.objects.all()
        self.fields["source"].queryset = Source.objects.all()
        self.fields["cities"].label_from_instance = lambda city: f"{city.name} ({city.country})"
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

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


class PracticeForm(forms.ModelForm):
    version = VersionField()

    class Meta:
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
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "results": forms.Textarea(attrs={"rows": 3}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
            "transfer_conditions": forms.Textarea(attrs={"rows": 3}),
            "challenges": forms.CheckboxSelectMultiple,
            "cities": forms.CheckboxSelectMultiple,
        }
        labels = {"challenges": "Challenges it addresses", "cities": "Cities behind it"}
        help_texts = {
            "cities": "A city added to the report above appears here once the draft is saved.",
            "lessons": "What others can learn from it." + MARKDOWN_HELP,
            "transfer_conditions": "What a city needs for this to work there too." + MARKDOWN_HELP,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cities"].queryset = City.objects.select_related("country")
        self.fields["challenges"].queryset = Challenge.objects.all()
        self.fields["tags"].required = False
        self.fields["tags"].help_text = "Free words, separated by commas (open data, budgeting)."
        self.fields["cities"].label_from_instance = lambda city: f"{city.name} ({city.country})"
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


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


def check_complete(event_form, city_formset, practice_formset, *, is_new_work=True) -> list[str]:
    """Add what review needs to the (valid) forms as errors; return the report-wide gaps.

    A curator's later edit of a public report is held only to what public practices need.
    """
    practice_forms = practice_formset.kept_forms()
    requirements = workflow.PRACTICE_REQUIREMENTS
    if not is_new_work:
        requirements = workflow.PUBLIC_PRACTICE_REQUIREMENTS
    for form in practice_forms:
        values = dict(form.cleaned_data)
        for name in ("summary", "description"):
            values[name] = (values.get(name) or "").strip()
        for name, message in workflow.missing(values, requirements).items():
            form.add_error(name, message)
    if not is_new_work:
        return []

    new_city_names = [form.cleaned_data.get("name") for form in city_formset.forms]
    values = {**event_form.cleaned_data}
    values["report"] = values.get("report", "").strip()
    values["cities"] = bool(values.get("cities")) or any(new_city_names)
    for name, message in workflow.missing(values, workflow.EVENT_REQUIREMENTS).items():
        event_form.add_error(name, message)
    return [] if practice_forms else [workflow.NO_PRACTICES]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What should the editor change?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        strip=True,
    )
