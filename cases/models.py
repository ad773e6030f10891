from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Q
from django.urls import reverse
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from challenges.models import SlugKeyedModel, SlugManager


class Region(models.TextChoices):
    AFRICA = "africa", "Africa"
    AMERICAS = "americas", "Americas"
    ASIA = "asia", "Asia"
    EUROPE = "europe", "Europe"
    OCEANIA = "oceania", "Oceania"


class Country(SlugKeyedModel):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    code = models.CharField(
        max_length=2, unique=True, help_text="ISO 3166-1 alpha-2 code in capitals (KE, DE)."
    )
    region = models.CharField(max_length=20, choices=Region.choices, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.name


class City(SlugKeyedModel):
    """A city, municipality or county administration that takes part in peer learning."""

    class PopulationBand(models.TextChoices):
        UNDER_100K = "under_100k", "Under 100,000"
        FROM_100K = "100k_500k", "100,000 to 500,000"
        FROM_500K = "500k_1m", "500,000 to 1 million"
        FROM_1M = "1m_5m", "1 to 5 million"
        OVER_5M = "over_5m", "Over 5 million"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="cities")
    population_band = models.CharField(
        max_length=20, choices=PopulationBand.choices, blank=True, help_text="Only where known."
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "cities"
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name"], name="city_unique_name_per_country"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="city_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="city_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="city_coordinates_both_or_neither",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cases:city-detail", args=[self.slug])


class Organisation(SlugKeyedModel):
    """A body that runs or hosts peer-learning events: a network, agency or association."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Source(SlugKeyedModel):
    """A document that catalogue records come from: a report, article, interview or reading."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True, help_text="Only where the source says.")
    url = models.URLField(blank=True, max_length=500)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


PUBLIC_STATUSES = [Status.PUBLISHED, Status.ARCHIVED]
CURATORS_GROUP = "Curators"
EDITORS_GROUP = "Editors"


def is_curator(user):
    # Cached on the user object: templates and views ask more than once per request.
    if not hasattr(user, "_is_curator"):
        user._is_curator = user.is_authenticated and (
            user.is_superuser or user.groups.filter(name=CURATORS_GROUP).exists()
        )
    return user._is_curator


class ReviewedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def public(self):
        # Archived items keep their addresses (they are cited) but leave lists.
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible_to(self, user):
        """What detail pages may show this user: drafts exist only for author and curators."""
        if user.is_authenticated and (user.is_superuser or is_curator(user)):
            return self
        if user.is_authenticated:
            return self.filter(Q(status__in=PUBLIC_STATUSES) | Q(created_by=user))
        return self.public()

    def written_by(self, user):
        return self.filter(created_by=user).order_by("-updated_at")


class EventQuerySet(ReviewedQuerySet):
    def for_cards(self):
        # Everything cases/_event_card.html touches, so lists keep a fixed query count.
        return self.select_related("host_city").prefetch_related("cities")

    def in_review_queue(self):
        # By latest submission: a report returned and submitted again joins the back.
        submitted_at = Max(
            "transitions__created_at", filter=Q(transitions__to_status=Status.IN_REVIEW)
        )
        return (
            self.filter(status=Status.IN_REVIEW)
            .select_related("created_by")
            .annotate(submitted_at=submitted_at)
            .order_by("submitted_at", "pk")
        )


class PracticeQuerySet(ReviewedQuerySet):
    def for_cards(self):
        # Everything cases/_practice_card.html touches, so lists keep a fixed query count.
        return self.prefetch_related("cities", "challenges")


class ReviewedRecord(SlugKeyedModel):
    """A catalogue record that editors write and curators review, citing its source.

    The relations back from a source and from a user are named by the subclass's
    `Meta.default_related_name` (source.events, user.practices).
    """

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True)
    source_quote = models.TextField(
        blank=True, help_text="A short passage from the source, word for word, that supports this."
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Raised on every save: guards against lost updates."
    )
    review_comment = models.TextField(
        blank=True, editable=False, help_text="The curator's comment when it was returned."
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


class Event(ReviewedRecord):
    """A peer-learning event (side event, roundtable, leaders' talk) and the report of it."""

    class Format(models.TextChoices):
        CONFERENCE = "conference", "Conference"
        SIDE_EVENT = "side_event", "Side event"
        LEADERS_TALK = "leaders_talk", "Leaders' talk"
        ROUNDTABLE = "roundtable", "Roundtable"
        PANEL = "panel", "Panel discussion"
        DIALOGUE = "dialogue", "Closed-door dialogue"
        WORKSHOP = "workshop", "Workshop"
        WEBINAR = "webinar", "Webinar"

    summary = models.TextField(blank=True, help_text="One or two sentences shown in lists.")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    place = models.CharField(
        max_length=200, blank=True, help_text='Where it took place, e.g. "Nairobi and online".'
    )
    host_city = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, related_name="hosted_events"
    )
    format = models.CharField(max_length=20, choices=Format.choices, blank=True)
    part_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="side_events",
        help_text="The main event this one took place alongside, if any.",
    )
    organisers = models.ManyToManyField(Organisation, blank=True, related_name="events")
    cities = models.ManyToManyField(
        City, blank=True, related_name="events", help_text="The cities that took part."
    )
    challenges = models.ManyToManyField(
        "challenges.Challenge", blank=True, related_name="events", help_text="Challenges raised."
    )
    report = models.TextField(blank=True, help_text="The event report. Markdown is accepted.")
    # The hidden token of the form that created the report: a double submit finds this row.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = SlugManager.from_queryset(EventQuerySet)()

    class Meta:
        ordering = ["-starts_on", "title"]
        default_related_name = "events"
        permissions = [
            ("review_event", "Can review, return, publish and archive event reports"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=False, ends_on__gte=models.F("starts_on")),
                name="event_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="event_published_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "-starts_on"], name="event_status_starts")]

    def get_absolute_url(self):
        return reverse("cases:event-detail", args=[self.slug])

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "An event cannot end before it starts."})
        if self.ends_on and not self.starts_on:
            raise ValidationError({"starts_on": "Give the start date as well as the end date."})

    @property
    def is_multi_day(self):
        return bool(self.starts_on and self.ends_on and self.ends_on != self.starts_on)


class TaggedPracticeManager(models.Manager):
    def get_by_natural_key(self, practice_slug, tag_name):
        return self.get(content_object__slug=practice_slug, tag__name=tag_name)


class TaggedPractice(TaggedItemBase):
    # A direct foreign key avoids taggit's generic relation (a cast and a ContentType join).
    content_object = models.ForeignKey(
        "GoodPractice", on_delete=models.CASCADE, related_name="tagged_items"
    )

    objects = TaggedPracticeManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_practice_once")
        ]

    def natural_key(self):
        return (self.content_object.slug, self.tag.name)

    natural_key.dependencies = ["cases.goodpractice", "taggit.tag"]


class GoodPractice(ReviewedRecord):
    """A solution a city tried, written up so peers can reuse it."""

    class Stage(models.TextChoices):
        IDEA = "idea", "Idea"
        PILOT = "pilot", "Pilot"
        IN_USE = "in_use", "In use"
        SCALED = "scaled", "Scaled"

    summary = models.TextField(blank=True, help_text="Two or three sentences shown in lists.")
    description = models.TextField(
        "what was done", blank=True, help_text="What the city did. Markdown is accepted."
    )
    results = models.TextField(blank=True, help_text="What came of it. Markdown is accepted.")
    lessons = models.TextField(blank=True, help_text="What others can learn from it.")
    transfer_conditions = models.TextField(
        "conditions for transfer",
        blank=True,
        help_text="What a city needs for this to work there too.",
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True, db_index=True)
    challenges = models.ManyToManyField(
        "challenges.Challenge", blank=True, related_name="practices"
    )
    cities = models.ManyToManyField(City, blank=True, related_name="practices")
    events = models.ManyToManyField(
        Event, blank=True, related_name="practices", help_text="Events where it was shared."
    )
    tags = TaggableManager(blank=True, through=TaggedPractice)
    # Both kept by cases.search.practice_refresh_search(): a tsvector with a GIN index on
    # PostgreSQL (the index is created by migration 0004_search there only), and the same words as
    # lower-case plain text for SQLite's fallback search.
    search_vector = SearchVectorField(null=True, editable=False)
    search_document = models.TextField(blank=True, editable=False)

    objects = SlugManager.from_queryset(PracticeQuerySet)()

    class Meta:
        ordering = ["-published_at", "title"]
        verbose_name = "good practice"
        default_related_name = "practices"
        permissions = [
            ("review_goodpractice", "Can review, return, publish and archive good practices"),
        ]
        constraints = [
            # Challenges are many-to-many, so "at least one" is checked in clean() and services.
            models.CheckConstraint(
                condition=~Q(status="published") | (Q(published_at__isnull=False) & ~Q(summary="")),
                name="practice_published_has_summary_and_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="practice_status_published"),
        ]

    def get_absolute_url(self):
        return reverse("cases:practice-detail", args=[self.slug])

    def clean(self):
        # M2M rows exist only once the practice is saved; new practices are checked by the form.
        if self.pk and self.status == Status.PUBLISHED and not self.challenges.exists():
            raise ValidationError("A published practice must address at least one challenge.")


class TransitionQuerySet(models.QuerySet):
    def of_report(self, event):
        """The moves of an event and of every practice shared there, with who made them."""
        return self.filter(Q(event=event) | Q(practice__in=event.practices.all())).select_related(
            "user", "event", "practice"
        )


class Transition(models.Model):
    """One move of an event report or a practice through the review workflow."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="transitions"
    )
    practice = models.ForeignKey(
        GoodPractice, on_delete=models.CASCADE, null=True, blank=True, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    comment = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transitions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TransitionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, practice__isnull=True)
                | Q(event__isnull=True, practice__isnull=False),
                name="transition_of_event_or_practice",
            ),
        ]

    def __str__(self):
        return f"{self.item}: {self.from_status} → {self.to_status}"

    @property
    def item(self):
        return self.event or self.practice
