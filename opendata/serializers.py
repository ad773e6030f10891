"""What the API shows of each record. Related records appear by slug and name; `address` is the
record's page on the site, `api_url` its address in the API."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import (
    PUBLIC_STATUSES,
    City,
    Country,
    Event,
    EventCity,
    EventPerson,
    GoodPractice,
    Organisation,
    Person,
    PracticeCity,
    Source,
    Statement,
)
from challenges.models import Challenge, Theme


class AddressField(serializers.Field):
    """The absolute address of the record's page on the site."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


AddressField = extend_schema_field(OpenApiTypes.URI)(AddressField)


def api_url(view_name):
    return serializers.HyperlinkedIdentityField(
        view_name=f"api:{view_name}", lookup_field="slug", read_only=True
    )


class ThemeReference(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name"]


class ChallengeReference(serializers.ModelSerializer):
    class Meta:
        model = Challenge
        fields = ["slug", "name"]


class CountryReference(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["slug", "name", "code", "region"]


class CityReference(serializers.ModelSerializer):
    class Meta:
        model = City
        fields = ["slug", "name"]


class PracticeCityReference(serializers.ModelSerializer):
    """A city on a practice: what the source says it had to do with it, and the words that show
    it (the passage is empty until a curator gives it)."""

    slug = serializers.SlugField(source="city.slug")
    name = serializers.CharField(source="city.name")

    class Meta:
        model = PracticeCity
        fields = ["slug", "name", "role", "passage"]


class EventCityReference(PracticeCityReference):
    class Meta(PracticeCityReference.Meta):
        model = EventCity


class EventReference(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = ["slug", "title"]


class OrganisationReference(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name", "website"]


class SourceReference(serializers.ModelSerializer):
    link = serializers.URLField(
        source="url", help_text=_("Where the source can be read, if known.")
    )

    class Meta:
        model = Source
        fields = ["slug", "title", "publisher", "author", "published_on", "link"]


class TagSlugs(serializers.Field):
    """The practice's tags by slug (read from the prefetched `tag_links`)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return [link.tag.slug for link in value.tag_links]


TagSlugs = extend_schema_field({"type": "array", "items": {"type": "string"}})(TagSlugs)


class PracticeCardSerializer(serializers.ModelSerializer):
    api_url = api_url("practice-detail")
    address = AddressField()
    challenges = ChallengeReference(many=True, read_only=True)
    # One entry per role: a city that did and presented a practice is listed twice.
    cities = PracticeCityReference(source="city_links", many=True, read_only=True)
    tags = TagSlugs()

    class Meta:
        model = GoodPractice
        fields = [
            "slug",
            "api_url",
            "address",
            "title",
            "kind",
            "stage",
            "summary",
            "challenges",
            "cities",
            "tags",
            "published_at",
            "updated_at",
        ]


class PracticeSerializer(PracticeCardSerializer):
    events = EventReference(many=True, read_only=True)
    source = SourceReference(read_only=True)
    quote = serializers.CharField(
        source="source_quote",
        help_text=_("A passage of the source, word for word, that supports it."),
    )
    is_archived = serializers.SerializerMethodField()

    class Meta(PracticeCardSerializer.Meta):
        fields = [
            *PracticeCardSerializer.Meta.fields,
            "description",
            "results",
            "lessons",
            "transfer_conditions",
            "voiced_by",
            "voiced_by_passage",
            "author_view",
            "author_view_passage",
            "events",
            "source",
            "quote",
            "is_archived",
        ]

    def get_is_archived(self, practice) -> bool:
        return practice.status == "archived"


class ChallengeSerializer(serializers.ModelSerializer):
    api_url = api_url("challenge-detail")
    address = AddressField()
    theme = ThemeReference(read_only=True)
    practice_count = serializers.IntegerField(read_only=True, help_text=_("Published practices."))

    class Meta:
        model = Challenge
        fields = ["slug", "api_url", "address", "name", "theme", "definition", "practice_count"]


class CitySerializer(serializers.ModelSerializer):
    api_url = api_url("city-detail")
    address = AddressField()
    country = CountryReference(read_only=True)
    practice_count = serializers.IntegerField(read_only=True, help_text=_("Published practices."))

    class Meta:
        model = City
        fields = [
            "slug",
            "api_url",
            "address",
            "name",
            "country",
            "population_band",
            "latitude",
            "longitude",
            "practice_count",
        ]


class EventSerializer(serializers.ModelSerializer):
    api_url = api_url("event-detail")
    address = AddressField()
    host_city = CityReference(read_only=True)
    part_of = serializers.SerializerMethodField()
    cities = EventCityReference(source="city_links", many=True, read_only=True)
    challenges = ChallengeReference(many=True, read_only=True)
    organisers = OrganisationReference(many=True, read_only=True)
    source = SourceReference(read_only=True)
    quote = serializers.CharField(source="source_quote")

    class Meta:
        model = Event
        fields = [
            "slug",
            "api_url",
            "address",
            "title",
            "summary",
            "starts_on",
            "ends_on",
            "place",
            "format",
            "host_city",
            "part_of",
            "organisers",
            "cities",
            "challenges",
            "report",
            "source",
            "quote",
            "published_at",
            "updated_at",
        ]

    @extend_schema_field(EventReference(allow_null=True))
    def get_part_of(self, event):
        # The main event only when it is public: a draft stays unseen.
        if event.part_of and event.part_of.status in PUBLIC_STATUSES:
            return EventReference(event.part_of).data
        return None


class SourceSerializer(SourceReference):
    api_url = api_url("source-detail")

    class Meta(SourceReference.Meta):
        fields = ["slug", "api_url", *SourceReference.Meta.fields[1:]]


class PersonEventReference(serializers.ModelSerializer):
    """A public event the person is named at: their part there and the words that name them."""

    slug = serializers.SlugField(source="event.slug")
    title = serializers.CharField(source="event.title")

    class Meta:
        model = EventPerson
        fields = ["slug", "title", "part", "passage"]


def _public_slug(record):
    """The record's slug when the public may see it; a draft stays unnamed."""
    return record.slug if record and record.status in PUBLIC_STATUSES else None


class StatementSerializer(serializers.ModelSerializer):
    """Something the person said, word for word, with its source; the event and the record it
    backs by slug, when they are public."""

    source = serializers.SlugField(source="source.slug")
    event = serializers.SerializerMethodField()
    practice = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = ["quote", "is_reported_speech", "source", "event", "practice"]

    def get_event(self, statement) -> str | None:
        return _public_slug(statement.event)

    def get_practice(self, statement) -> str | None:
        return _public_slug(statement.practice)


class PersonSerializer(serializers.ModelSerializer):
    api_url = api_url("person-detail")
    address = AddressField()
    city = CityReference(read_only=True)
    organisation = OrganisationReference(read_only=True)
    events = PersonEventReference(source="event_links", many=True, read_only=True)
    statements = StatementSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "slug",
            "api_url",
            "address",
            "name",
            "role",
            "city",
            "organisation",
            "events",
            "statements",
        ]
