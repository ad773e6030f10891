from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from challenges.models import Challenge

from . import selectors, services, workflow
from .content_language import original
from .models import City, Country, Event, GoodPractice, Kind, Organisation, Person, Source

MARKDOWN_HELP = _("Markdown is accepted: *emphasis*, lists, [links](https://example.org).")


def optional_text(label, max_length, help_text=""):
    """A one-line text box that may stay empty."""
    return forms.CharField(label=label, max_length=max_length, required=False, help_text=help_text)


class DateInput(forms.DateInput):
    input_type = "date"


class VersionField(forms.IntegerField):
    """The version the editor started from: saving is refused if the stored one moved on."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, **kwargs)


# The pickers: a search-as-you-type box (static/js/picker.js) over a list of what is chosen.
# Without JavaScript the page holds only the chosen records, as ticked boxes, and a text box
# where new ones are typed by name; the server matches them (accents and case aside) or adds them.
# So the page stays small however many cities the catalogue holds.

# At most this many names typed or added in one picker: a report names a few dozen at most.
PICKER_MAX_NEW = 20
PICKER_MAX_CHOSEN = 200
NEW = "new:"


class Picked:
    """What a picker posted: the values of the ticked boxes and the text typed in its box."""

    def __init__(self, chosen=(), typed=""):
        self.chosen = [str(value) for value in chosen]
        self.typed = typed or ""

    @classmethod
    def of(cls, value) -> "Picked":
        if isinstance(value, Picked):
            return value
        # The initial value of a form: records, or their ids.
        return cls([getattr(item, "pk", item) for item in value or ()])


class Picker(forms.Widget):
    template_name = "cases/widgets/picker.html"

    def __init__(self, kind, attrs=None):
        super().__init__(attrs)
        self.kind = kind
        self.describe = lambda picked: []  # set by the field: the chosen values with labels

    def value_from_datadict(self, data, files, name):
        chosen = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        if isinstance(chosen, str):
            chosen = [chosen]
        return Picked(chosen, data.get(f"{name}_add", ""))

    def value_omitted_from_data(self, data, files, name):
        return False

    def format_value(self, value):
        return Picked.of(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        picked = Picked.of(value)
        context["widget"].update(
            kind=self.kind,
            chosen=self.describe(picked),
            typed=picked.typed,
            add_name=f"{name}_add",
            described_by=attrs.get("aria-describedby", "") if attrs else "",
            is_invalid=bool(attrs and attrs.get("aria-invalid")),
        )
        return context

    def id_for_label(self, id_):
        return f"{id_}_add" if id_ else id_


class PickerField(forms.Field):
    """Many records of one kind, chosen by id or typed by name (see Picker)."""

    kind = ""
    model = None
    add_help = ""
    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not one of the choices; search for it again."),
        "too_many": _("At most %(limit)s at a time; save and add the rest after."),
    }

    def __init__(self, *, queryset=None, widget=None, limit_choices_to=None, blank=None, **kwargs):
        # Also built by ModelForm for a many-to-many field (Meta.field_classes), whose
        # queryset and widget it leaves out: the picker queries only what is chosen.
        kwargs.setdefault("required", False)
        super().__init__(widget=Picker(self.kind), **kwargs)
        self.widget.describe = self.describe
        self.matched: list[tuple[str, object]] = []

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.describe = result.describe
        result.matched = []
        return result

    def has_changed(self, initial, data):
        before, after = Picked.of(initial), Picked.of(data)
        return sorted(before.chosen) != sorted(after.chosen) or bool(after.typed.strip())

    def records(self, ids):
        ids = [value for value in ids if value.isdigit()]
        return self.model.objects.in_bulk(ids) if ids else {}

    def record_label(self, record) -> str:
        return str(record)

    def describe(self, picked: Picked) -> list[dict]:
        """The chosen values with their labels, in one query; a value that names nothing is
        left out (a tampered form is refused on saving, not shown)."""
        records = self.records(picked.chosen)
        described, seen = [], set()
        for value in picked.chosen:
            if value in seen:
                continue
            seen.add(value)
            record = records.get(int(value)) if value.isdigit() else None
            if record is not None:
                described.append({"value": value, "label": original(self.record_label(record))})
            elif (new := self.new_label(value)) is not None:
                described.append({"value": value, "label": new, "is_new": True})
        return described

    def new_label(self, value) -> str | None:
        return None

    def typed_names(self, typed: str) -> list[str]:
        names = [name.strip() for name in typed.replace("\n", ";").split(";")]
        return [name for name in names if name]

    def clean(self, value):
        picked = Picked.of(value)
        self.matched = []
        chosen = list(dict.fromkeys(picked.chosen))
        typed = self.typed_names(picked.typed)
        new_values = [value for value in chosen if value.startswith(NEW)]
        for count, limit in (
            (len(chosen), PICKER_MAX_CHOSEN),
            (len(new_values) + len(typed), PICKER_MAX_NEW),
        ):
            if count > limit:
                raise ValidationError(
                    self.error_messages["too_many"], code="too_many", params={"limit": limit}
                )
        ids = [value for value in chosen if not value.startswith(NEW)]
        records = self.records(ids)
        for value in ids:
            if not value.isdigit() or int(value) not in records:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": value[:50]},
                )
        result = [records[int(value)] for value in ids]
        result += self.resolve_new([value.removeprefix(NEW) for value in new_values], typed)
        if self.required and not result:
            raise ValidationError(self.error_messages["required"], code="required")
        return list(dict.fromkeys(result))

    def resolve_new(self, values, typed) -> list:
        if values or typed:
            raise ValidationError(gettext("Pick from the list: new ones cannot be added here."))
        return []


class CityPickerField(PickerField):
    """Cities by id, or new as "new:<country code>:<name>" (the script) or typed as
    "name, country" (without it); a typed or new city already in the catalogue is reused."""

    kind = "cities"
    model = City

    def records(self, ids):
        ids = [value for value in ids if value.isdigit()]
        return City.objects.select_related("country").in_bulk(ids) if ids else {}

    def record_label(self, city):
        return f"{city.name} ({city.country})"

    def new_label(self, value):
        code, _sep, name = value.removeprefix(NEW).partition(":")
        if value.startswith(NEW) and name:
            return format_html("{} ({}) · {}", name, code, gettext("new"))
        return None

    def resolve_new(self, values, typed) -> list:
        wanted = []  # (what the editor typed, country key, name)
        for value in values:
            code, _sep, name = value.partition(":")
            wanted.append((f"{name}, {code}", code, name.strip()))
        for line in typed:
            name, comma, country = line.rpartition(",")
            if not comma or not name.strip():
                raise ValidationError(
                    gettext("Give the country after a comma, “Tampere, FI”, not “%(typed)s”.")
                    % {"typed": line[:80]}
                )
            wanted.append((line, country, name.strip()))
        if not wanted:
            return []
        countries = selectors.countries_by_key()
        for _typed, country, name in wanted:
            if selectors.normalised(country) not in countries:
                raise ValidationError(
                    gettext("“%(country)s” is not a country we know; give its name or code.")
                    % {"country": country.strip()[:50]}
                )
            if not name or len(name) > City._meta.get_field("name").max_length:
                raise ValidationError(gettext("Give the name of the city."))
        chosen = {countries[selectors.normalised(country)] for _t, country, _n in wanted}
        existing = selectors.cities_by_name(chosen)
        result = []
        for typed_text, country_key, name in wanted:
            country = countries[selectors.normalised(country_key)]
            city = existing.get((country.pk, selectors.normalised(name)))
            if city is not None:
                self.matched.append((typed_text, self.record_label(city)))
                result.append(city)
            else:
                result.append(services.NewCity(name=" ".join(name.split()), country=country))
        return result


class OrganiserPickerField(PickerField):
    """Organisers by id, or new as "new:<name>" or typed by name; a known name is reused."""

    kind = "organisers"
    model = Organisation

    def new_label(self, value):
        if value.startswith(NEW) and value.removeprefix(NEW).strip():
            return format_html("{} · {}", value.removeprefix(NEW), gettext("new"))
        return None

    def typed_names(self, typed):
        names = [name.strip() for name in typed.split("\n") for name in name.split(";")]
        return [name for name in names if name]

    def resolve_new(self, values, typed) -> list:
        names = [value.strip() for value in values if value.strip()] + typed
        if not names:
            return []
        known = selectors.organisations_by_name()
        result = []
        for name in names:
            if len(name) > Organisation._meta.get_field("name").max_length:
                raise ValidationError(gettext("An organiser's name is at most 200 characters."))
            organisation = known.get(selectors.normalised(name))
            if organisation is not None:
                self.matched.append((name, self.record_label(organisation)))
                result.append(organisation)
            else:
                result.append(services.NewOrganisation(name=" ".join(name.split())))
        return result


class PersonPickerField(PickerField):
    """People by id, or new as "new:<name>" (someone typed under People at the event, offered by
    the script before any save) or typed by name; a known name is reused when saving."""

    kind = "people"
    model = Person

    def new_label(self, value):
        return OrganiserPickerField.new_label(self, value)

    def typed_names(self, typed):
        return OrganiserPickerField.typed_names(self, typed)

    def resolve_new(self, values, typed) -> list:
        names = [value.strip() for value in values if value.strip()] + typed
        for name in names:
            if len(name) > Person._meta.get_field("name").max_length:
                raise ValidationError(gettext("A person's name is at most 200 characters."))
        return [services.PersonAtEvent(name=" ".join(name.split())) for name in names]


class ChallengePickerField(PickerField):
    kind = "challenges"
    model = Challenge

    def record_label(self, challenge):
        return challenge.name

    def resolve_new(self, values, typed) -> list:
        if values:
            return super().resolve_new(values, [])
        known = {selectors.normalised(name): pk for pk, name in selectors.challenge_names()}
        ids = []
        for name in typed:
            if selectors.normalised(name) not in known:
                raise ValidationError(
                    gettext("“%(name)s” is not a challenge of the catalogue.") % {"name": name[:80]}
                )
            ids.append(known[selectors.normalised(name)])
        return list(Challenge.objects.filter(pk__in=ids)) if ids else []


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
    # The fields written in Markdown: their help text goes on to say how to format it.
    markdown_fields: list[str] = []

    class Meta:
        # Subclasses add their own: {**ReportPartForm.Meta.widgets, ...}.
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "summary_fr": forms.Textarea(attrs={"rows": 2, "lang": "fr"}),
            "summary_pt": forms.Textarea(attrs={"rows": 2, "lang": "pt"}),
            "title_fr": forms.TextInput(attrs={"lang": "fr"}),
            "title_pt": forms.TextInput(attrs={"lang": "pt"}),
        }
        field_classes = {"cities": CityPickerField, "challenges": ChallengePickerField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        for name in self.markdown_fields:
            field = self.fields[name]
            field.help_text = format_lazy("{} {}", field.help_text, MARKDOWN_HELP)
        self.fields["title"].help_text = marked_needed(
            self.fields["title"].help_text, gettext("Needed, even for a draft.")
        )
        for name in self.review_requirements:
            field = self.fields[name]
            field.help_text = marked_needed(field.help_text, gettext("Needed for review."))


class EventForm(ReportPartForm):
    new_source_title = optional_text(
        _("Or a new source: title"), 300, _("Only when the source is not in the list above.")
    )
    new_source_url = forms.URLField(
        label=_("Link to the new source"),
        max_length=500,
        required=False,
        help_text=_("Its web address, if it is online."),
    )
    new_source_published_on = forms.DateField(
        label=_("Date of the new source"),
        required=False,
        widget=DateInput,
        help_text=_("When it was published, if it says."),
    )
    review_requirements = workflow.EVENT_REQUIREMENTS
    markdown_fields = ["report"]

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
        }
        field_classes = {
            **ReportPartForm.Meta.field_classes,
            "organisers": OrganiserPickerField,
        }
        # The other labels are the model's verbose names (ModelForm's default).
        labels = {
            "cities": _("Participating cities"),
            "challenges": _("Challenges raised"),
        }
        help_texts = {
            "title": _("As the source names the event."),
            "starts_on": _("The first day, as the source gives it."),
            "ends_on": _("Leave it empty for a one-day event."),
            "format": _("The kind of meeting the source describes."),
            "organisers": _("Who ran it, as the source names them."),
            "cities": _(
                "The cities that took part. A city added here can be chosen for a practice below."
            ),
            "challenges": _(
                "The problems participants brought up, whether or not a practice answers them."
            ),
            "report": _("What was said and shared at the event."),
            "source": _("The document this report is written from."),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_source_title") and cleaned.get("source"):
            self.add_error(
                "new_source_title", gettext("Pick a source from the list or name a new one.")
            )
        has_details = cleaned.get("new_source_url") or cleaned.get("new_source_published_on")
        if has_details and not cleaned.get("new_source_title"):
            self.add_error("new_source_title", gettext("Give the new source a title."))
        return cleaned

    def new_source(self) -> Source | None:
        title = self.cleaned_data.get("new_source_title")
        if not title:
            return None
        return Source(
            title=title,
            url=self.cleaned_data.get("new_source_url", ""),
            published_on=self.cleaned_data.get("new_source_published_on"),
        )


class NewCityForm(forms.Form):
    name = optional_text(_("City name"), 150)
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


class PersonForm(forms.Form):
    """Someone the source names at the event: found by name, or added with the report."""

    name = optional_text(_("Name"), 200)
    role = optional_text(
        _("Role or title"), 300, _("As the source gives it: mayor of Tampere, head of open data.")
    )
    part = optional_text(_("Part at the event"), 200, _("Speaker, chair, contributor."))
    city = CityPickerField(label=_("Their city"))
    organisation = OrganiserPickerField(label=_("Their organisation"))

    def clean(self):
        cleaned = super().clean()
        for name in ("city", "organisation"):
            if len(cleaned.get(name) or []) > 1:
                self.add_error(name, gettext("Choose one at most."))
        if not cleaned.get("name") and (cleaned.get("role") or cleaned.get("part")):
            self.add_error("name", gettext("Give the name of this person."))
        return cleaned

    def person(self) -> services.PersonAtEvent | None:
        cleaned = self.cleaned_data
        if not cleaned.get("name"):
            return None
        return services.PersonAtEvent(
            name=" ".join(cleaned["name"].split()),
            role=cleaned.get("role", ""),
            part=cleaned.get("part", ""),
            city=(cleaned.get("city") or [None])[0],
            organisation=(cleaned.get("organisation") or [None])[0],
        )


PersonFormSet = forms.formset_factory(
    PersonForm, extra=1, max_num=20, validate_max=True, absolute_max=22
)


def people_initial(event: Event) -> list[dict]:
    """The people at a stored event, as the people forms show them."""
    if event.pk is None:
        return []
    links = event.person_links.select_related("person__city__country", "person__organisation")
    return [
        {
            "name": link.person.name,
            "role": link.person.role,
            "part": link.part,
            "city": [link.person.city] if link.person.city else [],
            "organisation": [link.person.organisation] if link.person.organisation else [],
        }
        for link in links.order_by("pk")
    ]


PRACTICE_FIELDS = [
    "title",
    "kind",
    "summary",
    "description",
    "results",
    "lessons",
    "transfer_conditions",
    "challenges",
    "cities",
    "voiced_by",
    "tags",
    "stage",
    *TRANSLATION_FIELDS,
]


class KindField(forms.TypedChoiceField):
    """The kind of a practice. A post without it (a page opened before the form asked) keeps the
    practice's kind, and an empty new practice on such a page stays empty."""

    def has_changed(self, initial, data):
        return bool(data) and super().has_changed(initial, data)


class PracticeForm(ReportPartForm):
    review_requirements = workflow.PRACTICE_REQUIREMENTS
    markdown_fields = ["description", "results", "lessons", "transfer_conditions"]
    kind = KindField(
        label=_("Kind of record"),
        choices=Kind.choices,
        required=False,
        initial=Kind.CITY_PRACTICE,  # a new practice's form has no instance to take it from
        help_text=GoodPractice._meta.get_field("kind").help_text,
    )
    voiced_by_person = PersonPickerField(
        label=_("Person behind it"),
        help_text=_(
            "Who presented it, if the source names one person. Someone added under People at "
            "the event can be chosen here at once."
        ),
    )

    # Who voiced it and the person behind it come right after its cities.
    field_order = [*PRACTICE_FIELDS[: PRACTICE_FIELDS.index("voiced_by") + 1], "voiced_by_person"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.voiced_by_person_id and not self.is_bound:
            self.initial["voiced_by_person"] = [self.instance.voiced_by_person_id]
        # Review needs what was done and a city of a city practice or presentation; of a
        # recommendation, who voiced it (cases.workflow.practice_requirements).
        for name in ("description", "cities"):
            field = self.fields[name]
            field.help_text = format_html(
                "{} {}", field.help_text, gettext("Not needed for a recommendation.")
            )
        voiced_by = self.fields["voiced_by"]
        voiced_by.help_text = marked_needed(
            voiced_by.help_text, gettext("Needed for review of a recommendation.")
        )

    def clean_kind(self):
        return self.cleaned_data["kind"] or self.instance.kind

    def clean(self):
        cleaned = super().clean()
        if len(cleaned.get("voiced_by_person") or []) > 1:
            self.add_error("voiced_by_person", gettext("Choose one at most."))
        return cleaned

    class Meta(ReportPartForm.Meta):
        model = GoodPractice
        fields = PRACTICE_FIELDS
        widgets = {
            **ReportPartForm.Meta.widgets,
            "description": forms.Textarea(attrs={"rows": 5}),
            "results": forms.Textarea(attrs={"rows": 3}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
            "transfer_conditions": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "cities": _("Cities behind it"),
            "challenges": _("Challenges it addresses"),
            "voiced_by": _("Voiced by"),
        }
        help_texts = {
            "challenges": _("The problems the source says this practice helps with."),
            "title": _("A short name for what was done, such as “Open budget portal”."),
            "description": _("The steps the city took, who took them and with what means."),
            "results": _("What changed because of it, with figures where the source has them."),
            "lessons": _("What worked, what did not, and what others can take from it."),
            "cities": _(
                "Of a city practice, the cities that did it; of a presentation or a "
                "recommendation, those that presented it. Never a city that was only in the "
                "room: the event's cities say that. A city added anywhere in this report can be "
                "chosen here at once."
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
        # A form posted without the people section (an older page) leaves them as they are.
        has_people = data is not None and "people-TOTAL_FORMS" in data
        self.people_formset = PersonFormSet(
            data if has_people else None, prefix="people", initial=people_initial(event)
        )
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
        return (self.event_form, self.city_formset, self.people_formset, self.practice_formset)

    def is_valid(self) -> bool:
        # Every form, not up to the first invalid one: each gets its errors and cleaned_data.
        results = [form.is_valid() for form in self.forms if form.is_bound]
        return all(results)

    def is_complete(self, *, is_new_work: bool) -> bool:
        """Add what review needs to the forms as errors; False if anything is missing.

        Runs on invalid forms too, so that a submit lists every problem in one round: a field
        that already has an error is not also reported as missing. A curator's later edit of a
        public report is held only to what public practices need.
        """
        self.is_valid()  # cleans every form, so that cleaned_data holds what is valid
        practice_forms = self.practice_formset.kept_forms()
        for form in practice_forms:
            values = dict(form.cleaned_data)
            for name in ("summary", "description", "voiced_by"):
                values[name] = (values.get(name) or "").strip()
            requirements = workflow.PUBLIC_PRACTICE_REQUIREMENTS
            if is_new_work:
                requirements = workflow.practice_requirements(values.get("kind"))
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

    def add_stored_problems(self, problems: list[services.Problem]) -> None:
        """Show what the stored report lacks for review (services.event_report_problems) as the
        errors of its fields and in the summary, as a submit from the form does: for a report
        submitted from the list of one's reports. The form stays unbound."""
        practice_forms = {form.instance.pk: form for form in self.practice_formset.initial_forms}
        for problem in problems:
            if problem.field == "practices":
                self.report_gaps.append(problem.message)
                continue
            is_event = isinstance(problem.item, Event)
            form = self.event_form if is_event else practice_forms[problem.item.pk]
            form.errors.setdefault(problem.field, form.error_class()).append(problem.message)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Every error on the page as (anchor, where, message), for the list at the top; `where`
        names the section as its heading does, then the field."""
        labelled = [(self.event_form, None)]
        labelled += [
            (form, gettext("Participating cities, new city %(number)s") % {"number": n})
            for n, form in enumerate(self.city_formset, 1)
        ]
        labelled += [
            (form, gettext("People at the event, person %(number)s") % {"number": n})
            for n, form in enumerate(self.people_formset, 1)
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
        non_form_errors += self.people_formset.non_form_errors()
        non_form_errors += self.practice_formset.non_form_errors()
        practices = gettext("Practices shared")
        return summary + [("practices", practices, error) for error in non_form_errors]

    def preview(self) -> dict:
        """The report and its practices as typed, for the preview: names rather than ids, and
        for each part the messages of what is still missing (after is_complete)."""
        cleaned = self.event_form.cleaned_data
        source = self.event_form.new_source() if "new_source_title" in cleaned else None
        people_forms = self.people_formset.forms if self.people_formset.is_bound else []
        return {
            "event": self.event_form.instance,
            "organisers": _names(cleaned.get("organisers")),
            "cities": _names(cleaned.get("cities")) + _names(self.added_cities()),
            "challenges": _names(cleaned.get("challenges")),
            "source": source or cleaned.get("source"),
            "people": [p for form in people_forms if form.is_valid() and (p := form.person())],
            "missing": _messages(self.event_form),
            "practices": [
                {
                    "practice": form.instance,
                    "cities": _names(form.cleaned_data.get("cities")),
                    "challenges": _names(form.cleaned_data.get("challenges")),
                    "tags": form.cleaned_data.get("tags") or [],
                    "person": _names(form.cleaned_data.get("voiced_by_person")),
                    "missing": _messages(form),
                }
                for form in self.practice_formset.kept_forms()
            ],
        }

    def added_cities(self) -> list:
        return [
            services.NewCity(name=form.cleaned_data["name"], country=form.cleaned_data["country"])
            for form in self.city_formset.forms
            if form.is_valid() and form.cleaned_data.get("name")
        ]

    def _picker_fields(self):
        people_forms = self.people_formset.forms if self.people_formset.is_bound else []
        forms_ = [self.event_form, *people_forms, *self.practice_formset.kept_forms()]
        return [
            field
            for form in forms_
            for field in form.fields.values()
            if isinstance(field, PickerField)
        ]

    def matched(self) -> list[tuple[str, object]]:
        """(what was typed, the record it names) for each typed name the catalogue had."""
        pairs = [pair for field in self._picker_fields() for pair in field.matched]
        return list(dict.fromkeys(pairs))

    def added(self) -> list:
        """The new cities and organisers the (valid) form names, each once."""
        new = (services.NewCity, services.NewOrganisation)
        forms_ = [self.event_form, *self.practice_formset.kept_forms()]
        names = [
            value
            for form in forms_
            for name in ("cities", "organisers")
            for value in form.cleaned_data.get(name) or ()
            if isinstance(value, new)
        ]
        people_forms = self.people_formset.forms if self.people_formset.is_bound else []
        people = [form.person() for form in people_forms]
        for person in filter(None, people):
            names += [
                value for value in (person.city, person.organisation) if isinstance(value, new)
            ]
        names += [
            services.NewCity(name=form.cleaned_data["name"], country=form.cleaned_data["country"])
            for form in self.city_formset.forms
            if form.cleaned_data.get("name")
        ]
        # Named twice, as "Tampere" and "tampere", it is one new city (the first spelling).
        unique = {_new_record_key(name): name for name in reversed(names)}
        return list(reversed(unique.values()))

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
            people=[person for form in self.people_formset.forms if (person := form.person())]
            if self.people_formset.is_bound
            else None,
            practices=[
                services.PracticeChanges(
                    practice=form.save(commit=False),
                    expected_version=form.cleaned_data.get("version"),
                    challenges=form.cleaned_data["challenges"],
                    cities=form.cleaned_data["cities"],
                    tags=form.cleaned_data.get("tags") or [],
                    voiced_by_person=(form.cleaned_data.get("voiced_by_person") or [None])[0],
                )
                for form in self.practice_formset.kept_forms()
            ],
            removed_practices=[
                form.instance for form in self.practice_formset.deleted_forms if form.instance.pk
            ],
        )


def _names(records) -> list[str]:
    """What the preview calls each chosen or new record: a city with its country."""
    names = []
    for record in records or ():
        if isinstance(record, City | services.NewCity):
            names.append(f"{record.name} ({record.country})")
        else:
            names.append(getattr(record, "name", None) or str(record))
    return names


def _messages(form) -> list[str]:
    return [
        f"{form[name].label}: {error}" if name in form.fields else error
        for name, errors in form.errors.items()
        for error in errors
    ]


def _new_record_key(record):
    country = getattr(record, "country", None)
    return (country.pk if country else None, selectors.normalised(record.name))


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
    **dict.fromkeys(TRANSLATION_FIELDS, _("Title and summary in other languages")),
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
