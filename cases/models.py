import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from challenges.models import SlugKeyedModel, SlugManager


def optional_link(to, **options):
    """A foreign key that may be empty and is emptied when its record goes."""
    return models.ForeignKey(to, on_delete=models.SET_NULL, null=True, blank=True, **options)


def kept(to, verbose_name, *, optional=False, **options):
    """A foreign key to a record that may not go while rows point at it (`optional`: or none)."""
    if optional:
        options.update(null=True, blank=True)
    return models.ForeignKey(to, on_delete=models.PROTECT, verbose_name=verbose_name, **options)


def joined(to, related_name, **options):
    """A link row's record at one end: the row goes when the record goes."""
    return models.ForeignKey(to, on_delete=models.CASCADE, related_name=related_name, **options)


PASSAGE = _("passage")


def passage_field(help_text, *, verbose_name=PASSAGE):
    """The words of a source that back a link, copied exactly (empty while a draft)."""
    return models.TextField(blank=True, help_text=help_text, verbose_name=verbose_name)


class Region(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceania", _("Oceania")


class Country(SlugKeyedModel):
    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=100, unique=True, verbose_name=_("slug"))
    code = models.CharField(
        max_length=2,
        unique=True,
        help_text=_("ISO 3166-1 alpha-2 code in capitals (KE, DE)."),
        verbose_name=_("code"),
    )
    # Empty only where UN M49 places a country in no region: Antarctica.
    region = models.CharField(
        max_length=20, choices=Region.choices, blank=True, db_index=True, verbose_name=_("region")
    )

    class Meta:
        verbose_name = _("country")
        ordering = ["name"]
        verbose_name_plural = _("countries")


class CityQuerySet(models.QuerySet):
    def public(self):
        """Cities a public record names, or none (the gazetteer the seed and curators keep).

        A city only unpublished reports name (an editor typed it in) stays unseen, on the site,
        through the API and in the sitemap, until a record that names it is published.
        """
        city = OuterRef("pk")
        on_practices = PracticeCity.objects.filter(city=city)
        at_events = EventCity.objects.filter(city=city)
        hosting = Event.objects.filter(host_city=city)
        named = Exists(on_practices) | Exists(at_events) | Exists(hosting)
        named_publicly = (
            Exists(on_practices.filter(goodpractice__status__in=PUBLIC_STATUSES))
            | Exists(at_events.filter(event__status__in=PUBLIC_STATUSES))
            | Exists(hosting.filter(status__in=PUBLIC_STATUSES))
        )
        return self.filter(named_publicly | ~named)


class City(SlugKeyedModel):
    """A city, municipality or county administration that takes part in peer learning."""

    class PopulationBand(models.TextChoices):
        UNDER_100K = "under_100k", _("Under 100,000")
        FROM_100K = "100k_500k", _("100,000 to 500,000")
        FROM_500K = "500k_1m", _("500,000 to 1 million")
        FROM_1M = "1m_5m", _("1 to 5 million")
        OVER_5M = "over_5m", _("Over 5 million")

    name = models.CharField(max_length=150, verbose_name=_("name"))
    slug = models.SlugField(max_length=150, unique=True, verbose_name=_("slug"))
    country = kept(Country, _("country"), related_name="cities")
    population_band = models.CharField(
        max_length=20,
        choices=PopulationBand.choices,
        blank=True,
        help_text=_("Only where known."),
        verbose_name=_("population band"),
    )
    latitude = models.DecimalField(
        max_digits=8, decimal_places=5, null=True, blank=True, verbose_name=_("latitude")
    )
    longitude = models.DecimalField(
        max_digits=8, decimal_places=5, null=True, blank=True, verbose_name=_("longitude")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = SlugManager.from_queryset(CityQuerySet)()

    class Meta:
        verbose_name = _("city")
        ordering = ["name"]
        verbose_name_plural = _("cities")
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

    def get_absolute_url(self):
        return reverse("cases:city-detail", args=[self.slug])


class Organisation(SlugKeyedModel):
    """A body that runs or hosts peer-learning events: a network, agency or association."""

    name = models.CharField(max_length=200, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=200, unique=True, verbose_name=_("slug"))
    acronym = models.CharField(max_length=30, blank=True, verbose_name=_("acronym"))
    website = models.URLField(blank=True, verbose_name=_("website"))
    description = models.TextField(blank=True, verbose_name=_("description"))

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Source(SlugKeyedModel):
    """A document that catalogue records come from: a report, article, interview or reading."""

    title = models.CharField(max_length=300, verbose_name=_("title"))
    slug = models.SlugField(max_length=200, unique=True, verbose_name=_("slug"))
    publisher = models.CharField(max_length=200, blank=True, verbose_name=_("publisher"))
    author = models.CharField(max_length=200, blank=True, verbose_name=_("author"))
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text=_("Only where the source says."),
        verbose_name=_("published on"),
    )
    url = models.URLField(blank=True, max_length=500, verbose_name=_("link"))

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["title"]

    def __str__(self):
        return self.title


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


PUBLIC_STATUSES = [Status.PUBLISHED, Status.ARCHIVED]
# The groups the migrations create. They only bundle permissions: no code asks for a group by
# name, so a permission given to one user directly counts the same (cases.workflow asks).
CURATORS_GROUP = "Curators"
EDITORS_GROUP = "Editors"


def may_review(user, model) -> bool:
    """Whether the user holds the review permission of this model (events or practices).

    Django's permissions decide, from a group or given directly; ModelBackend caches them on
    the user object, so asking again within a request costs no query.
    """
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.review_{opts.model_name}")


class Kind(models.TextChoices):
    """What kind of record a practice is: what the source says happened, and who says it."""

    CITY_PRACTICE = "city_practice", _("City practice")
    RECOMMENDATION = "recommendation", _("Recommendation")
    CITY_PRESENTATION = "city_presentation", _("City presentation")


class CityRole(models.TextChoices):
    """What the source says a city had to do with a record or an event."""

    DID = "did", _("Did it")
    PRESENTED = "presented", _("Presented it")
    TOOK_PART = "took_part", _("Took part")
    SUBJECT = "subject", _("The source is about it")


# A record stores only what the source says the city did, presented or is the subject of; that
# a city took part in the event where a record was shared is said once, on the event.
PRACTICE_CITY_ROLES = [CityRole.DID, CityRole.PRESENTED, CityRole.SUBJECT]
EVENT_CITY_ROLES = [CityRole.TOOK_PART, CityRole.PRESENTED]
# The roles that make a record the city's own, on its page and in the peer finder.
OWN_ROLES = [CityRole.DID, CityRole.PRESENTED]


class Basis(models.TextChoices):
    """How directly the source ties a record or an event to a challenge."""

    NAMED = "named", _("Named in the source")
    CLOSE = "close", _("A close reading of the source")


class ReviewedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def public(self):
        # Archived items keep their addresses (they are cited) but leave lists.
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible_to(self, user):
        """What detail pages may show this user: drafts exist only for author and curators."""
        if may_review(user, self.model):
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
        city_links = PracticeCity.objects.select_related("city").order_by("city__name", "role")
        return self.prefetch_related(
            models.Prefetch("city_links", queryset=city_links), "challenges"
        )


class ReviewedRecord(SlugKeyedModel):
    """A catalogue record that editors write and curators review, citing its source.

    The relations back from a source and from a user are named by the subclass's
    `Meta.default_related_name` (source.events, user.practices).
    """

    title = models.CharField(max_length=200, verbose_name=_("title"))
    slug = models.SlugField(max_length=200, unique=True, verbose_name=_("slug"))
    source = kept(Source, _("source"), optional=True)
    source_quote = models.TextField(
        blank=True,
        help_text=_("A short passage from the source, word for word, that supports this."),
        verbose_name=_("source quote"),
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        verbose_name=_("status"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Raised on every save: guards against lost updates."),
        verbose_name=_("version"),
    )
    review_comment = models.TextField(
        blank=True,
        editable=False,
        help_text=_("The curator's comment when it was returned."),
        verbose_name=_("review comment"),
    )
    # The title and summary in the site's other languages (settings.LANGUAGES), added by an editor
    # or a curator. Readers of that language see them; while one is empty they see the original,
    # marked as English (cases/templatetags/records.py: translated, in_reader_language).
    title_fr = models.CharField(max_length=200, blank=True, verbose_name=_("title in French"))
    summary_fr = models.TextField(blank=True, verbose_name=_("summary in French"))
    title_pt = models.CharField(max_length=200, blank=True, verbose_name=_("title in Portuguese"))
    summary_pt = models.TextField(blank=True, verbose_name=_("summary in Portuguese"))

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        # The slug it was read with: a save that changes it keeps the old address as a
        # redirect (PracticeRedirect, EventRedirect; cases/signals.py), so links and citations
        # made before stay good.
        record = super().from_db(db, field_names, values, **kwargs)
        record.loaded_slug = record.__dict__.get("slug")
        return record

    @property
    def is_public(self):
        """Published or archived: it has a public page."""
        return self.status in PUBLIC_STATUSES

    @property
    def is_returned(self):
        """A draft a curator sent back, with their comment."""
        return self.status == Status.DRAFT and bool(self.review_comment)


class Event(ReviewedRecord):
    """A peer-learning event (side event, roundtable, leaders' talk) and the report of it."""

    class Format(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        SIDE_EVENT = "side_event", _("Side event")
        LEADERS_TALK = "leaders_talk", _("Leaders' talk")
        ROUNDTABLE = "roundtable", _("Roundtable")
        PANEL = "panel", _("Panel discussion")
        DIALOGUE = "dialogue", _("Closed-door dialogue")
        WORKSHOP = "workshop", _("Workshop")
        WEBINAR = "webinar", _("Webinar")

    summary = models.TextField(
        blank=True, help_text=_("One or two sentences shown in lists."), verbose_name=_("summary")
    )
    starts_on = models.DateField(null=True, blank=True, verbose_name=_("starts on"))
    ends_on = models.DateField(null=True, blank=True, verbose_name=_("ends on"))
    place = models.CharField(
        max_length=200,
        blank=True,
        help_text=_('Where it took place, e.g. "Nairobi and online".'),
        verbose_name=_("place"),
    )
    host_city = kept(City, _("host city"), optional=True, related_name="hosted_events")
    format = models.CharField(
        max_length=20, choices=Format.choices, blank=True, verbose_name=_("format")
    )
    part_of = optional_link(
        "self",
        related_name="side_events",
        help_text=_("The main event this one took place alongside, if any."),
        verbose_name=_("part of"),
    )
    organisers = models.ManyToManyField(
        Organisation, blank=True, related_name="events", verbose_name=_("organisers")
    )
    participating_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="events_taken_part",
        help_text=_("Organisations the source says took part, besides the organisers."),
        verbose_name=_("participating organisations"),
    )
    cities = models.ManyToManyField(
        City,
        through="EventCity",
        blank=True,
        related_name="events",
        help_text=_("The cities that took part."),
        verbose_name=_("cities"),
    )
    challenges = models.ManyToManyField(
        "challenges.Challenge",
        through="EventChallenge",
        blank=True,
        related_name="events",
        help_text=_("Challenges raised."),
        verbose_name=_("challenges"),
    )
    people = models.ManyToManyField(
        "Person", through="EventPerson", blank=True, related_name="events", verbose_name=_("people")
    )
    report = models.TextField(
        blank=True, help_text=_("The event report. Markdown is accepted."), verbose_name=_("report")
    )
    # The hidden token of the form that created the report: a double submit finds this row.
    creation_token = models.UUIDField(
        null=True, blank=True, unique=True, editable=False, verbose_name=_("creation token")
    )

    objects = SlugManager.from_queryset(EventQuerySet)()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
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
            raise ValidationError({"ends_on": _("An event cannot end before it starts.")})
        if self.ends_on and not self.starts_on:
            raise ValidationError({"starts_on": _("Give the start date as well as the end date.")})

    @property
    def is_multi_day(self):
        return bool(self.starts_on and self.ends_on and self.ends_on != self.starts_on)


class TaggedPracticeManager(models.Manager):
    def get_by_natural_key(self, practice_slug, tag_name):
        return self.get(content_object__slug=practice_slug, tag__name=tag_name)


class TaggedPractice(TaggedItemBase):
    # A direct foreign key avoids taggit's generic relation (a cast and a ContentType join).
    content_object = models.ForeignKey(
        "GoodPractice",
        on_delete=models.CASCADE,
        related_name="tagged_items",
        verbose_name=_("practice"),
    )

    objects = TaggedPracticeManager()

    class Meta:
        verbose_name = _("tagged practice")
        verbose_name_plural = _("tagged practices")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_practice_once")
        ]

    def natural_key(self):
        return (self.content_object.slug, self.tag.name)

    natural_key.dependencies = ["cases.goodpractice", "taggit.tag"]


class GoodPractice(ReviewedRecord):
    """A record of the catalogue, written up so peers can reuse it: what a city did (a city
    practice), advice voiced at an event or in a publication (a recommendation), or a city's
    account of its own situation (a city presentation)."""

    class Stage(models.TextChoices):
        IDEA = "idea", _("Idea")
        PILOT = "pilot", _("Pilot")
        IN_USE = "in_use", _("In use")
        SCALED = "scaled", _("Scaled")

    summary = models.TextField(
        blank=True, help_text=_("Two or three sentences shown in lists."), verbose_name=_("summary")
    )
    description = models.TextField(
        blank=True,
        help_text=_("What the city did. Markdown is accepted."),
        verbose_name=_("what was done"),
    )
    results = models.TextField(
        blank=True, help_text=_("What came of it. Markdown is accepted."), verbose_name=_("results")
    )
    lessons = models.TextField(
        blank=True, help_text=_("What others can learn from it."), verbose_name=_("lessons")
    )
    transfer_conditions = models.TextField(
        blank=True,
        help_text=_("What a city needs for this to work there too."),
        verbose_name=_("conditions for transfer"),
    )
    stage = models.CharField(
        max_length=20,
        choices=Stage.choices,
        blank=True,
        db_index=True,
        help_text=_("Only where the source states it; left empty, it reads “Not stated”."),
        verbose_name=_("stage"),
    )
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.CITY_PRACTICE,
        db_index=True,
        help_text=_(
            "A city practice: a named city did it. A recommendation: advice voiced at an event "
            "or in a publication. A city presentation: a city presented its own situation."
        ),
        verbose_name=_("kind"),
    )
    voiced_by = models.CharField(
        max_length=300,
        blank=True,
        help_text=_(
            "Recommendations: who voiced it, as the source says (a person, an organisation, "
            "“the participants”, “one attendee”, the report itself)."
        ),
        verbose_name=_("voiced by"),
    )
    voiced_by_person = optional_link(
        "Person",
        related_name="voiced_practices",
        help_text=_("When one named person voiced it."),
        verbose_name=_("voiced by person"),
    )
    voiced_by_organisation = optional_link(
        Organisation,
        related_name="voiced_practices",
        help_text=_("When an organisation voiced it."),
        verbose_name=_("voiced by organisation"),
    )
    voiced_by_passage = passage_field(
        _("The words of the source that say who voiced it, copied exactly."),
        verbose_name=_("passage on who voiced it"),
    )
    author_view = models.TextField(
        blank=True,
        help_text=_(
            "What the document itself concludes, kept apart from what participants said. "
            "Shown as the source's view, never as the participants' words."
        ),
        verbose_name=_("the source's own view"),
    )
    author_view_passage = passage_field(
        _("The words of the source that give its own view, copied exactly."),
        verbose_name=_("passage of the source's own view"),
    )
    further_passages = models.TextField(
        blank=True,
        help_text=_(
            "More passages of the source that support this record, word for word, one per line."
        ),
        verbose_name=_("further passages"),
    )
    no_challenge_reason = models.TextField(
        blank=True,
        help_text=_(
            "Only when the source ties this record to no challenge: say why. A published "
            "record needs a challenge or this reason."
        ),
        verbose_name=_("why no challenge"),
    )
    challenges = models.ManyToManyField(
        "challenges.Challenge",
        through="PracticeChallenge",
        blank=True,
        related_name="practices",
        verbose_name=_("challenges"),
    )
    cities = models.ManyToManyField(
        City, through="PracticeCity", blank=True, related_name="practices", verbose_name=_("cities")
    )
    see_also = models.ManyToManyField(
        "self",
        blank=True,
        help_text=_("Records that make the same point from another source; linked both ways."),
        verbose_name=_("see also"),
    )
    events = models.ManyToManyField(
        Event,
        blank=True,
        related_name="practices",
        help_text=_("Events where it was shared."),
        verbose_name=_("events"),
    )
    tags = TaggableManager(blank=True, through=TaggedPractice)

    objects = SlugManager.from_queryset(PracticeQuerySet)()

    class Meta:
        verbose_name_plural = _("good practices")
        ordering = ["-published_at", "title"]
        verbose_name = _("good practice")
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

    @property
    def is_recommendation(self):
        return self.kind == Kind.RECOMMENDATION

    def passages(self):
        """The further passages, one per line, without blank lines."""
        return [line.strip() for line in self.further_passages.splitlines() if line.strip()]


class TransitionQuerySet(models.QuerySet):
    def of_report(self, event):
        """The moves of an event and of every practice shared there, with who made them."""
        return self.filter(Q(event=event) | Q(practice__in=event.practices.all())).select_related(
            "user", "event", "practice"
        )


class Transition(models.Model):
    """One move of an event report or a practice through the review workflow."""

    # One of the two, never both (see the constraint); the moves go with their record.
    event = joined(Event, "transitions", null=True, blank=True, verbose_name=_("event"))
    practice = joined(
        GoodPractice, "transitions", null=True, blank=True, verbose_name=_("practice")
    )
    from_status = models.CharField(
        max_length=20, choices=Status.choices, verbose_name=_("from status")
    )
    to_status = models.CharField(max_length=20, choices=Status.choices, verbose_name=_("to status"))
    comment = models.TextField(blank=True, verbose_name=_("comment"))
    user = optional_link(
        settings.AUTH_USER_MODEL, related_name="transitions", verbose_name=_("user")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = TransitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
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


class KeyManager(models.Manager):
    """Finds a row by its natural key: see `NaturalKeyed`."""

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.model.key_lookups(), key, strict=True)))


def once(name, *fields):
    """The unique constraint of a link or detail table: its natural key (see `NaturalKeyed`)."""
    return models.UniqueConstraint(fields=list(fields), name=f"{name}_once")


class NaturalKeyed(models.Model):
    """A row of a link or detail table whose natural key is `key_fields`, by default the fields
    of its first unique constraint: a related record stands in the key by its slug, any other
    field by its value. Fixtures and the seed name rows this way. (Serializers order the related
    records first without being told.)"""

    key_fields: tuple[str, ...] = ()

    objects = KeyManager()

    class Meta:
        abstract = True

    @classmethod
    def natural_key_fields(cls):
        unique = (c.fields for c in cls._meta.constraints if isinstance(c, models.UniqueConstraint))
        return cls.key_fields or next(unique)

    @classmethod
    def key_lookups(cls):
        return [
            f"{name}__slug" if cls._meta.get_field(name).is_relation else name
            for name in cls.natural_key_fields()
        ]

    def natural_key(self):
        values = (getattr(self, name) for name in self.natural_key_fields())
        return tuple(getattr(value, "slug", value) for value in values)


def role_field(roles, default):
    """A city's role on a record: one of `roles` (the constraint below holds the database to it)."""
    choices = [(role.value, role.label) for role in roles]
    return models.CharField(max_length=20, choices=choices, default=default, verbose_name=_("role"))


def role_constraints(name, parent, roles):
    """A city has each role on a record once, and only a role the record allows."""
    return [
        once(f"{name}_role", parent, "city", "role"),
        models.CheckConstraint(condition=Q(role__in=roles), name=f"{name}_role_known"),
    ]


class CityLink(NaturalKeyed):
    """A city on a record in a role, with the passage of the source that shows it."""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.city} ({self.get_role_display().lower()})"


class PracticeCityQuerySet(models.QuerySet):
    def own(self):
        """Links that make the record the city's own: it did or presented it, and the record
        is not a recommendation (advice voiced somewhere is never what a city did)."""
        return self.filter(role__in=OWN_ROLES).exclude(goodpractice__kind=Kind.RECOMMENDATION)


class PracticeCity(CityLink):
    """A city on a practice: its role, and the passage of the source that shows it."""

    # The field names are those of the many-to-many table this model took over (migration 0007).
    goodpractice = joined(GoodPractice, "city_links", verbose_name=_("practice"))
    city = joined(City, "practice_links", verbose_name=_("city"))
    role = role_field(PRACTICE_CITY_ROLES, CityRole.DID)
    passage = passage_field(
        _(
            "The words of the source that show the city's role, copied exactly. "
            "Needed before the record is published."
        )
    )

    objects = KeyManager.from_queryset(PracticeCityQuerySet)()

    # No default ordering on link models: it would join the city (or challenge, or person) into
    # every query of the table, prefetches and UNIONs included. Pages order where they list.
    class Meta:
        db_table = "cases_goodpractice_cities"
        verbose_name = _("city on a practice")
        verbose_name_plural = _("cities on practices")
        constraints = role_constraints("practice_city", "goodpractice", PRACTICE_CITY_ROLES)


class EventCity(CityLink):
    """A city at an event: took part or presented, and the passage of the source that shows it."""

    event = joined(Event, "city_links", verbose_name=_("event"))
    city = joined(City, "event_links", verbose_name=_("city"))
    role = role_field(EVENT_CITY_ROLES, CityRole.TOOK_PART)
    passage = passage_field(
        _(
            "The words of the source that show the city's role, copied exactly. "
            "Needed before the report is published."
        )
    )

    class Meta:
        db_table = "cases_event_cities"
        verbose_name = _("city at an event")
        verbose_name_plural = _("cities at events")
        constraints = role_constraints("event_city", "event", EVENT_CITY_ROLES)


class ChallengeLink(NaturalKeyed):
    """A challenge on a record, with what ties them and the passage of the source that shows it."""

    basis = models.CharField(
        max_length=10, choices=Basis.choices, blank=True, verbose_name=_("basis")
    )

    class Meta:
        abstract = True

    def __str__(self):
        return str(self.challenge)


class PracticeChallenge(ChallengeLink):
    """A challenge a practice addresses, and the passage of the source that ties them."""

    goodpractice = joined(GoodPractice, "challenge_links", verbose_name=_("practice"))
    challenge = joined("challenges.Challenge", "practice_links", verbose_name=_("challenge"))
    passage = passage_field(
        _("The words of the source that tie the record to the challenge, copied exactly.")
    )

    class Meta:
        db_table = "cases_goodpractice_challenges"
        verbose_name = _("challenge of a practice")
        verbose_name_plural = _("challenges of practices")
        constraints = [once("practice_challenge", "goodpractice", "challenge")]


class EventChallenge(ChallengeLink):
    """A challenge raised at an event, and the passage of the source that shows it."""

    event = joined(Event, "challenge_links", verbose_name=_("event"))
    challenge = joined("challenges.Challenge", "event_links", verbose_name=_("challenge"))
    passage = passage_field(
        _("The words of the source that show the challenge was raised, copied exactly.")
    )

    class Meta:
        db_table = "cases_event_challenges"
        verbose_name = _("challenge raised at an event")
        verbose_name_plural = _("challenges raised at events")
        constraints = [once("event_challenge", "event", "challenge")]


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People a public record names, or a curator quoted or added with no record yet.

        Someone only an unpublished report names (an editor typed them in) stays unseen, on the
        site and through the API, until a record that names them is published.
        """
        person = OuterRef("pk")
        at_events = EventPerson.objects.filter(person=person)
        voiced = GoodPractice.objects.filter(voiced_by_person=person)
        named = Exists(at_events) | Exists(voiced)
        named_publicly = (
            Exists(at_events.filter(event__status__in=PUBLIC_STATUSES))
            | Exists(voiced.filter(status__in=PUBLIC_STATUSES))
            | Exists(Statement.objects.filter(person=person))
        )
        return self.filter(named_publicly | ~named)


class Person(SlugKeyedModel):
    """Someone a source names: a speaker, an official, an expert or an author, to ask about it."""

    name = models.CharField(max_length=200, verbose_name=_("name"))
    slug = models.SlugField(max_length=200, unique=True, verbose_name=_("slug"))
    role = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Their role or title, as the source gives it."),
        verbose_name=_("role"),
    )
    city = kept(City, _("city"), optional=True, related_name="people")
    organisation = kept(Organisation, _("organisation"), optional=True, related_name="people")
    source = kept(Source, _("source"), optional=True, related_name="people")
    passage = passage_field(
        _("The words of the source that name them and their role, copied exactly.")
    )
    note = models.TextField(
        blank=True,
        help_text=_(
            "What a reader should know about what the source says of them. No contact details "
            "the source does not give."
        ),
        verbose_name=_("note"),
    )

    objects = SlugManager.from_queryset(PersonQuerySet)()

    class Meta:
        verbose_name = _("person")
        ordering = ["name"]
        verbose_name_plural = _("people")

    def get_absolute_url(self):
        return reverse("cases:person-detail", args=[self.slug])


class EventPerson(NaturalKeyed):
    """A person at an event: what part the source gives them there, with its words."""

    event = joined(Event, "person_links", verbose_name=_("event"))
    person = joined(Person, "event_links", verbose_name=_("person"))
    part = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Their part at the event as the source gives it: chair, speaker, contributor."),
        verbose_name=_("part"),
    )
    passage = passage_field(_("The words of the source that show it, copied exactly."))
    note = models.TextField(
        blank=True, help_text=_("What the source leaves open."), verbose_name=_("note")
    )

    class Meta:
        verbose_name = _("person at an event")
        verbose_name_plural = _("people at events")
        constraints = [once("event_person", "event", "person")]

    def __str__(self):
        return f"{self.person} at {self.event}"


class Statement(NaturalKeyed):
    """Something a person said, word for word as a source reports it."""

    person = joined(Person, "statements", verbose_name=_("person"))
    quote = models.TextField(help_text=_("Word for word from the source."), verbose_name=_("quote"))
    is_reported_speech = models.BooleanField(
        default=False,
        help_text=_(
            "The source reports what they said in its own words: shown as reported, "
            "not as their quote."
        ),
        verbose_name=_("reported speech"),
    )
    source = kept(Source, _("source"), related_name="statements")
    event = optional_link(
        Event,
        related_name="statements",
        help_text=_("Where they said it, when the source says."),
        verbose_name=_("event"),
    )
    practice = optional_link(
        GoodPractice,
        related_name="statements",
        help_text=_("The record it backs, if any."),
        verbose_name=_("practice"),
    )
    position = models.PositiveSmallIntegerField(
        default=1,
        help_text=_("A person's statements are listed in ascending order of this."),
        verbose_name=_("position"),
    )

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["position", "pk"]
        constraints = [
            once("statement_position", "person", "position"),
        ]

    def __str__(self):
        return f"{self.person}: {self.quote[:60]}"


class Redirect(NaturalKeyed):
    """An address a record had before it was renamed or merged into another: it answers 301
    with the record's address now. `record_field` names the link to the record."""

    old_slug = models.SlugField(max_length=200, unique=True, verbose_name=_("old slug"))

    key_fields = ("old_slug",)
    record_field = ""

    class Meta:
        abstract = True
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {getattr(self, self.record_field).slug}"


class PracticeRedirect(Redirect):
    practice = joined(GoodPractice, "redirects", verbose_name=_("practice"))

    record_field = "practice"

    class Meta(Redirect.Meta):
        verbose_name = _("practice redirect")
        verbose_name_plural = _("practice redirects")


class EventRedirect(Redirect):
    event = joined(Event, "redirects", verbose_name=_("event"))

    record_field = "event"

    class Meta(Redirect.Meta):
        verbose_name = _("event redirect")
        verbose_name_plural = _("event redirects")


class SearchWord(models.Model):
    """A word of the published practices, for search's "did you mean": kept by
    cases.search.practice_refresh_search(), which adds the words of what it refreshes and, when
    it rebuilds everything, starts the list again. PostgreSQL finds the nearest word with
    pg_trgm (GIN trigram index, migration 0009_search_words); SQLite with difflib."""

    word = models.CharField(max_length=40, unique=True, verbose_name=_("word"))

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self):
        return self.word


class CatalogueState(models.Model):
    """One row: a number that moves when the published catalogue changes, kept in the database
    so that what is built from the catalogue in a worker's memory (cases/catalogue_index.py)
    outlives an emptied cache. cases.caching.bump_catalogue_version() moves it on commit."""

    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"catalogue version {self.version}"


# History (django-reversion): every change to these records, through the site or the admin, is
# kept as a version with who, when and why. A record's links (cities, challenges, people, tags,
# statements) are saved with it, so a version shows and restores the record as a whole.
HISTORY_FOLLOWS = {
    GoodPractice: ["city_links", "challenge_links", "tagged_items"],
    Event: ["city_links", "challenge_links", "person_links"],
    City: [],
    Person: ["statements", "event_links"],
}
for record_model, follow in HISTORY_FOLLOWS.items():
    reversion.register(record_model, follow=follow)
for link_model in (
    PracticeCity,
    PracticeChallenge,
    TaggedPractice,
    EventCity,
    EventChallenge,
    EventPerson,
    Statement,
):
    reversion.register(link_model)
