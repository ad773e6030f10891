"""Reads for the public pages: what a page shows, in the order it shows it, in few queries.

Views call these and render; nothing here knows about requests, forms or templates.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby, islice

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from challenges.models import Challenge, Theme

from .caching import cache_key
from .catalogue_index import catalogue_index
from .gaps import cities_of_challenge
from .models import (
    HISTORY_FOLLOWS,
    PUBLIC_STATUSES,
    City,
    CityRole,
    Country,
    Event,
    EventCity,
    EventPerson,
    GoodPractice,
    Organisation,
    Person,
    PracticeCity,
    Status,
    TaggedPractice,
)
from .search import annotate_headline

PAGE_SIZE = 20
# A city or challenge page lists this many practices and links to the catalogue for the rest.
LISTED_PRACTICES = 20
COUNT_SECONDS = 60 * 60
RELATED_LIMIT = 4
RELATED_CHALLENGES = 6
PEER_LIMIT = 6
PEER_FINDER_LIMIT = 20
# What a peer card says about one shared challenge, at most.
PEER_EVIDENCE_SHOWN = 3
# How many shared challenges a peer card says that about; it names the others (issue 13: a
# city's page and the finder from a city listed every challenge, 23 lines a card).
PEER_CHALLENGES_SHOWN = 4
CARD_DEFERRED = [
    "description",
    "results",
    "lessons",
    "transfer_conditions",
    "source_quote",
]
ORDERINGS = {
    "newest": ["-published_at", "title"],
    "title": ["title"],
}


class IndexedResults:
    """The catalogue's results as Paginator reads them: a count, and cards read only for the
    slice a page shows. `ids_between(start, stop)` says which practices, in order (the catalogue
    index, cases/catalogue_index.py); one query and its prefetches read them, so a deep page
    costs what the first one does."""

    def __init__(self, *, count, ids_between, query="", any_word=False):
        self._count = count
        self.ids_between = ids_between
        self.query, self.any_word = query, any_word

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, key):
        ids = self.ids_between(key.start or 0, key.stop)
        if not ids:
            return []
        practices = practice_cards(GoodPractice.objects.published().filter(pk__in=ids))
        if self.query:
            # The headline (marked matches) of these practices only.
            practices = annotate_headline(practices, self.query, any_word=self.any_word)
        by_id = {practice.pk: practice for practice in practices}
        return [by_id[pk] for pk in ids if pk in by_id]


# Practices


def practice_cards(practices):
    # Cards render tags from `tag_links`: taggit's tags.all() builds a queryset per row.
    tag_links = TaggedPractice.objects.select_related("tag").order_by("tag__name")
    # Cards need neither the long texts nor the search columns: a list reads only what it shows.
    return (
        practices.for_cards()
        .defer(*CARD_DEFERRED)
        .prefetch_related(Prefetch("tagged_items", queryset=tag_links, to_attr="tag_links"))
    )


def newest_practices(practices):
    """The newest LISTED_PRACTICES cards, and whether there are more (one row more is read)."""
    practices = practice_cards(practices.order_by("-published_at", "title"))
    cards = list(practices[: LISTED_PRACTICES + 1])
    return cards[:LISTED_PRACTICES], len(cards) > LISTED_PRACTICES


def newest_practices_of_city(city):
    """The newest LISTED_PRACTICES published practices the city did or presented, those about
    it and those shared at the events it took part in, each marked with `is_own` and `is_about`
    (False, False: shared at an event it took part in), and whether there are more: picked in
    the catalogue index, then one query for their cards and its prefetches. A city is never
    credited with what it only heard in the room, nor with a recommendation."""
    # A practice shared at an event the city took part in often names no city (the sources
    # credit "the cities present"), so it is listed for every city that was there, as such.
    index = catalogue_index()
    ids = index.page_ids(index.practices_of_city(city.pk), 0, LISTED_PRACTICES + 1)
    shown = GoodPractice.objects.published().filter(pk__in=ids[:LISTED_PRACTICES])
    cards = {card.pk: card for card in practice_cards(shown)}
    own, about = index.own(city.pk), index.about.get(city.pk, 0)
    practices = []
    for pk in ids[:LISTED_PRACTICES]:
        if pk in cards:
            place = index.place[pk]
            cards[pk].is_own = bool(own >> place & 1)
            cards[pk].is_about = bool(about >> place & 1)
            practices.append(cards[pk])
    return practices, len(ids) > LISTED_PRACTICES


def city_links_by_city(links):
    """[(city, [its links])] from links ordered by city: one entry per city, its roles in order."""
    return [(city, list(group)) for city, group in groupby(links, key=lambda link: link.city)]


def evidence_of(practice):
    """The links a practice page shows with their passages: cities by city, and challenges."""
    city_links = practice.city_links.select_related("city__country").order_by("city__name", "role")
    challenge_links = practice.challenge_links.select_related("challenge__theme").order_by(
        "challenge__name"
    )
    return city_links_by_city(city_links), list(challenge_links)


def people_at_events_of(practice):
    """Who the sources name at the public events where the practice was shared."""
    return (
        EventPerson.objects.filter(event__in=practice.events.public())
        .select_related("person__city", "person__organisation", "event")
        .order_by("person__name", "event__title")
    )


def see_also_of(practice):
    """The published records a curator linked to this one: the same point from another source."""
    return practice.see_also.published().select_related("source").order_by("title")


def related_practices(practice, *, challenges, tags):
    """Published practices sharing the most of the practice's `challenges` (counted twice) and
    `tags` with it, then the newest: scored over the whole catalogue in memory
    (cases/catalogue_index.py), then one query for their cards and its prefetches."""
    ids = catalogue_index().best_shared(
        {
            "challenge": ([challenge.slug for challenge in challenges], 2),
            "tag": ([tag.slug for tag in tags], 1),
        },
        exclude=practice.pk,
        limit=RELATED_LIMIT,
    )
    cards = {card.pk: card for card in practice_cards(GoodPractice.objects.filter(pk__in=ids))}
    return [cards[pk] for pk in ids if pk in cards]


# Events


def events_newest_first(events):
    # Undated events (the source gives no date) come last.
    return events.order_by(F("starts_on").desc(nulls_last=True), "title")


# Challenges and themes


def challenge_texts():
    """(slug, name, definition) of every challenge, for the catalogue's challenge offer: a few
    dozen short rows, cached until the catalogue changes."""
    key = cache_key("challenge-texts", "")
    rows = cache.get(key)
    if rows is None:
        rows = list(Challenge.objects.order_by("name").values_list("slug", "name", "definition"))
        cache.set(key, rows, COUNT_SECONDS)
    return rows


def published_practice_count(challenge_slug):
    """How many published practices address one challenge (cached like the result counts)."""
    key = cache_key("challenge-count", challenge_slug)
    return cache.get_or_set(
        key,
        lambda: GoodPractice.objects.published().filter(challenges__slug=challenge_slug).count(),
        COUNT_SECONDS,
    )


def themes_with_counts():
    """Themes with their challenges, each with `practice_count` (published, counted in the
    catalogue index): two queries."""
    addressing = catalogue_index().by_id["challenge"]
    themes = list(Theme.objects.prefetch_related("challenges"))
    for theme in themes:
        for challenge in theme.challenges.all():
            challenge.practice_count = addressing.get(challenge.pk, 0).bit_count()
    return themes


def related_challenges(challenge):
    """Other challenges that published practices of this one also address, most shared first."""
    practices = challenge.practices.published()
    return (
        Challenge.objects.exclude(pk=challenge.pk)
        .filter(practices__in=practices.values("pk"))
        .annotate(shared=Count("practices", distinct=True))
        .order_by("-shared", "name")[:RELATED_CHALLENGES]
    )


def challenge_ids_faced_by(city):
    """Ids of the challenges of the published practices the city did or presented and of the
    published events it took part in or presented at (from the catalogue index)."""
    return catalogue_index().challenges_faced_by(city.pk)


# Cities and peers


def cities_with_practice_counts():
    """Every public city with `practice_count`: the published practices it did or presented."""
    own = PracticeCity.objects.own().filter(goodpractice__status=Status.PUBLISHED)
    own_count = (
        own.filter(city=OuterRef("pk"))
        .values("city")
        .annotate(count=Count("goodpractice", distinct=True))
        .values("count")
    )
    return (
        City.objects.public()
        .select_related("country")
        .annotate(practice_count=Coalesce(Subquery(own_count), Value(0)))
        .order_by("country__region", "country__name", "name")
    )


@dataclass(frozen=True)
class CityOption:
    """A city as the peer finder's "My city is" list names it: no model instance, as the list
    holds every public city (a thousand at tier L)."""

    pk: int
    slug: str
    name: str
    country: str


def city_options():
    """Every public city (City.objects.public()), by name, as a CityOption.

    The cities a published practice names come from the catalogue index; one query reads the
    others with two flags: named by an archived practice or a public event (public), named by
    an unpublished record (hidden unless public). Each flag's cities are found once, by
    status, among few records: City.objects.public() asked about every city's published
    practices (at tier M the planner read the whole practice table for it, 18 ms).
    """
    named_by_published = catalogue_index().by_id["city"]
    unpublished = [status for status in Status.values if status not in PUBLIC_STATUSES]
    public = (
        Q(pk__in=PracticeCity.objects.filter(goodpractice__status=Status.ARCHIVED).values("city"))
        | Q(pk__in=EventCity.objects.filter(event__status__in=PUBLIC_STATUSES).values("city"))
        | Q(pk__in=Event.objects.filter(status__in=PUBLIC_STATUSES).values("host_city"))
    )
    named_unpublished = (
        Q(pk__in=PracticeCity.objects.filter(goodpractice__status__in=unpublished).values("city"))
        | Q(pk__in=EventCity.objects.filter(event__status__in=unpublished).values("city"))
        | Q(pk__in=Event.objects.filter(status__in=unpublished).values("host_city"))
    )
    rows = (
        City.objects.order_by("name")
        .annotate(
            is_public=ExpressionWrapper(public, output_field=models.BooleanField()),
            is_hidden=ExpressionWrapper(named_unpublished, output_field=models.BooleanField()),
        )
        .values_list("pk", "slug", "name", "country__name", "is_public", "is_hidden")
    )
    return [
        CityOption(pk, slug, name, country)
        for pk, slug, name, country, is_public, is_hidden in rows
        if pk in named_by_published or is_public or not is_hidden
    ]


def rank_cities(index, facing, *, region="", exclude=None, limit):
    """Cities by how many challenges they face, most first, then by name (in the region, if
    given, never `exclude`): `facing` is {city id: ids of the challenges it faces}. Ranked on
    the names the catalogue index keeps; one query reads the first `limit`.

    Each city gets `shared_challenge_ids`.
    """
    candidates = [
        city
        for city in facing.keys() - {exclude}
        if city in index.cities and (not region or index.cities[city][2] == region)
    ]
    ranked = sorted(candidates, key=lambda city: (-len(facing[city]), *index.cities[city][:2]))
    cities = City.objects.select_related("country").in_bulk(ranked[:limit])
    peers = [cities[pk] for pk in ranked[:limit] if pk in cities]
    for city in peers:
        city.shared_challenge_ids = facing[city.pk]
    return peers


def peers_facing(challenges, *, region="", exclude=None, limit=PEER_FINDER_LIMIT):
    """The cities that face most of the challenges (in the region, if given), best first;
    never `exclude` (the reader's own city). A city faces a challenge when it did or presented
    a published practice about it (never a recommendation) or took part in a published event
    that raised it.

    Each city gets `shared_challenge_ids`, `shared` and `also_shared`: one `SharedChallenge`
    for each of the first PEER_CHALLENGES_SHOWN challenges it shares (those it did or presented
    something about first, then by name), saying what it did, presented or heard about it, or
    where it raised it; then the other challenges it shares, by name. Who faces what comes from
    the catalogue index (cases/catalogue_index.py); then three queries, however many cities and
    records: the cities, their events, the practices shown.
    """
    if not challenges:
        return []
    index = catalogue_index()
    by_id = {challenge.pk: challenge for challenge in challenges}
    facing = index.cities_facing(set(by_id))
    peers = rank_cities(index, facing, region=region, exclude=exclude and exclude.pk, limit=limit)
    own = index.own_challenges()
    for city in peers:
        addressed = own.get(city.pk, set())
        ranked = sorted(
            city.shared_challenge_ids, key=lambda pk: (pk not in addressed, by_id[pk].name)
        )
        city.shown_challenge_ids = ranked[:PEER_CHALLENGES_SHOWN]
        city.also_shared = sorted(
            (by_id[pk] for pk in ranked[PEER_CHALLENGES_SHOWN:]), key=lambda c: c.name
        )
    evidence = _peer_evidence(index, peers, by_id)
    mentioned = set()
    for city in peers:
        city.shared = [evidence[city.pk, pk] for pk in city.shown_challenge_ids]
        for entry in (entry for item in city.shared for entry in item.shown):
            # A page links each record once (tests/test_templates.py); later mentions name it.
            key = (type(entry.record), entry.record.pk)
            entry.is_first_mention = key not in mentioned
            mentioned.add(key)
    return peers


@dataclass
class PeerEvidence:
    """What the evidence says a peer city had to do with a challenge: it did or presented a
    practice, heard one at an event it took part in, or raised the challenge at an event."""

    verb: str  # "did", "presented", "heard" or "raised"
    practice: GoodPractice | None = None
    event: Event | None = None
    # A page links each record once (tests/test_templates.py); later mentions only name it.
    is_first_mention: bool = True

    @property
    def is_own(self):
        return self.verb in (CityRole.DID, CityRole.PRESENTED)

    @property
    def record(self):
        return self.practice or self.event


@dataclass
class SharedChallenge:
    """One challenge a peer shares with the reader, what the peer did or heard about it first
    (`shown`), and about how many records in all (`count`)."""

    challenge: Challenge
    shown: list[PeerEvidence]
    count: int

    @property
    def more(self):
        return max(self.count - len(self.shown), 0)

    @property
    def lines(self):
        """The shown evidence as (verb, event, entries): "heard at <event>: <a>, <b>"."""
        grouped = groupby(self.shown, key=lambda entry: (entry.verb, entry.event))
        return [(verb, event, list(entries)) for (verb, event), entries in grouped]


def _peer_evidence(index, peers, by_id):
    """{(city id, challenge id): SharedChallenge} for each peer and challenge its card shows, in
    two queries: the published events the peers took part in, and the practices shown.

    What a city did comes first, then what it presented, each by title; then what was shared
    at the events it took part in, by event title and then by title; each practice once.
    "Raised at" (the newest such event) only when there is none of these.
    """
    event_ids = {
        event
        for city in peers
        for event in index.events.of_city.get(city.pk, ())
        if index.events.is_published(event)
    }
    events = Event.objects.only("title", "slug", "starts_on").in_bulk(event_ids)
    by_title = sorted(events.values(), key=lambda event: (event.title, event.pk))
    newest_first = sorted(
        events.values(), key=lambda event: (*_newest_first(event), event.title, event.pk)
    )
    found = {}
    for city in peers:
        taken_part = [event for event in by_title if city.pk in index.events.cities[event.pk]]
        sources = [
            ("did", None, index.did.get(city.pk, 0)),
            ("presented", None, index.presented.get(city.pk, 0)),
            *(("heard", event, index.by_id["event"].get(event.pk, 0)) for event in taken_part),
        ]
        every_source = 0
        for _verb, _event, practices in sources:
            every_source |= practices
        for challenge_id in city.shown_challenge_ids:
            addressing = index.by_id["challenge"].get(challenge_id, 0)
            entries = [
                (sources[source][0], index.ids[place], sources[source][1])
                for source, place in index.first_by_source(
                    [practices for _verb, _event, practices in sources],
                    every_source & addressing,
                    PEER_EVIDENCE_SHOWN,
                )
            ]
            count = (every_source & addressing).bit_count()
            if not count:
                raised_at = (
                    event
                    for event in newest_first
                    if city.pk in index.events.cities[event.pk]
                    and challenge_id in index.events.challenges.get(event.pk, ())
                )
                entries = [("raised", None, event) for event in islice(raised_at, 1)]
                count = len(entries)
            found[city.pk, challenge_id] = (entries, count)
    shown = {pk for entries, _count in found.values() for _verb, pk, _event in entries if pk}
    practices = GoodPractice.objects.only("slug", "title", "title_fr", "title_pt").in_bulk(shown)
    return {
        (city_id, challenge_id): SharedChallenge(
            by_id[challenge_id],
            shown=[
                PeerEvidence(verb, practices.get(pk), event)
                for verb, pk, event in entries
                if pk is None or pk in practices
            ],
            count=count,
        )
        for (city_id, challenge_id), (entries, count) in found.items()
    }


def _newest_first(event):
    return (event.starts_on is None, -(event.starts_on.toordinal() if event.starts_on else 0))


# Event pages


def events_of_city(city):
    """The published events the city took part in or presented at, each once."""
    event_ids = EventCity.objects.filter(city=city).values("event_id")
    return events_newest_first(Event.objects.published().filter(pk__in=event_ids))


def event_organisations(event):
    """(organisers, participating organisations) of the event, in one query."""
    organisations = (
        Organisation.objects.filter(Q(events=event) | Q(events_taken_part=event))
        .annotate(
            is_organiser=Exists(
                Event.organisers.through.objects.filter(event=event, organisation=OuterRef("pk"))
            )
        )
        .order_by("name")
        .distinct()
    )
    organisations = list(organisations)
    return (
        [organisation for organisation in organisations if organisation.is_organiser],
        [organisation for organisation in organisations if not organisation.is_organiser],
    )


def event_page(event) -> dict:
    """What the event page shows beside the event: who organised it and took part, its cities
    (each with its roles and passages), its challenges and its people."""
    organisers, participating_organisations = event_organisations(event)
    city_links = event.city_links.select_related("city__country").order_by("city__name", "role")
    cities = city_links_by_city(city_links)
    people = event.person_links.select_related("person__city", "person__organisation")
    return {
        "organisers": organisers,
        "participating_organisations": participating_organisations,
        "cities": cities,
        # The host city is linked once: in the participating cities when it took part.
        "host_is_listed": event.host_city_id in {city.pk for city, _links in cities},
        "challenge_links": event.challenge_links.select_related("challenge").order_by(
            "challenge__name"
        ),
        "people": people.order_by("person__name"),
        "practices": practice_cards(event.practices.published()),
    }


# People


def people_with_statement_counts():
    return (
        Person.objects.public()
        .select_related("city", "organisation")
        .annotate(statement_count=Count("statements"))
        .order_by("name")
    )


def people_of_city(city):
    return city.people.public().select_related("organisation").order_by("name")


def events_of_person(person):
    """The person's part at each public event the sources name them at."""
    return (
        person.event_links.filter(event__status__in=PUBLIC_STATUSES)
        .select_related("event")
        .order_by("event__title")
    )


def what_a_person_said(person):
    """Their statements, each with its source, event and the record it backs."""
    return person.statements.select_related("source", "event", "practice").order_by(
        "position", "pk"
    )


# Whole pages: what a detail page shows beside its record


def practice_page(practice) -> dict:
    cities, challenge_links = evidence_of(practice)
    challenges = [link.challenge for link in challenge_links]
    tags = list(practice.tags.order_by("name"))
    # Who to ask: the person who voiced it first (a recommendation links them under "Who said
    # it" instead), then the others the sources name at its events.
    people = people_at_events_of(practice).exclude(person=practice.voiced_by_person_id)
    voice = None if practice.is_recommendation else practice.voiced_by_person
    return {
        "cities": cities,
        "city_list": [city for city, _links in cities],
        "city_names": ", ".join(city.name for city, _links in cities),
        "challenge_links": challenge_links,
        "challenges": challenges,
        "events": events_newest_first(practice.events.public()),
        "people": list(people),
        "voice_to_ask": voice,
        "see_also": see_also_of(practice),
        "tags": tags,
        "related": related_practices(practice, challenges=challenges, tags=tags),
    }


def challenge_page(challenge) -> dict:
    """The challenge's newest practices, the cities facing it, its events and its neighbours."""
    practices, more_practices = newest_practices(challenge.practices.published())
    return {
        "practices": practices,
        "more_practices": more_practices,
        "facing": cities_of_challenge(challenge),
        "events": events_newest_first(challenge.events.published()),
        "related": related_challenges(challenge),
    }


def person_page(person) -> dict:
    """Where the sources name the person, what they said and what they voiced."""
    return {
        "event_links": events_of_person(person),
        "statements": what_a_person_said(person),
        "voiced": person.voiced_practices.public().order_by("title"),
    }


def city_page(city) -> dict:
    """A city's practices by its part in them (its own, about it, heard at its events), with its
    events, people, challenges and peers."""
    faced_ids = challenge_ids_faced_by(city)
    practices, more_practices = newest_practices_of_city(city)
    challenges = list(Challenge.objects.filter(pk__in=faced_ids).select_related("theme"))
    return {
        "own_practices": [practice for practice in practices if practice.is_own],
        "practices_about": [practice for practice in practices if practice.is_about],
        "practices_heard": [p for p in practices if not (p.is_own or p.is_about)],
        "more_practices": more_practices,
        "events": events_of_city(city),
        "people": people_of_city(city),
        "challenges": challenges,
        "challenge_count": len(faced_ids),
        # The aside's list of challenges links them; the peers name them and say what they did.
        "peers": peers_facing(challenges, exclude=city, limit=PEER_LIMIT),
    }


# --- History (django-reversion) -----------------------------------------------------------------

# The links a record keeps with it (cases/models.py registers them with `follow`), as the compare
# page names them.
HISTORY_LINKS = {
    "city_links": _("Cities"),
    "challenge_links": _("Challenges"),
    "tagged_items": _("Tags"),
    "person_links": _("People"),
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


def versions_of(record):
    """The record's versions, newest first, each with its revision and who made it."""
    return (
        Version.objects.get_for_object(record)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def link_versions(version) -> list:
    """The versions of the record's links saved in the same revision as `version`."""
    model = version.content_type.model_class()
    relations = [model._meta.get_field(name) for name in reversion_follows(model)]
    by_content_type = {
        ContentType.objects.get_for_model(relation.related_model).pk: relation
        for relation in relations
    }
    siblings = version.revision.version_set.filter(content_type__in=by_content_type)
    return [
        sibling
        for sibling in siblings
        if str(sibling.field_dict[by_content_type[sibling.content_type_id].field.attname])
        == version.object_id
    ]


def reversion_follows(model) -> list[str]:
    return [name for name in HISTORY_FOLLOWS.get(model, []) if name in HISTORY_LINKS]


def version_changes(older, newer) -> list[FieldChange]:
    """What differs between two versions of one record, field by field, its links included."""
    model = newer.content_type.model_class()
    old_fields, new_fields = older.field_dict, newer.field_dict
    changes = [
        FieldChange(str(field.verbose_name), *_shown(field, old_values, new_values))
        for field in [*model._meta.concrete_fields, *plain_many_to_many(model)]
        if field.editable and field.attname in new_fields
        for old_values, new_values in [
            (old_fields.get(field.attname), new_fields.get(field.attname))
        ]
        if _comparable(old_values) != _comparable(new_values)
    ]
    old_links, new_links = _links_by_name(older), _links_by_name(newer)
    for name, label in HISTORY_LINKS.items():
        before, after = old_links.get(name, []), new_links.get(name, [])
        if before != after:
            changes.append(FieldChange(str(label), ", ".join(before), ", ".join(after)))
    return changes


def plain_many_to_many(model) -> list:
    """The many-to-many fields a version stores as lists of ids (tags come as links)."""
    return [
        field for field in model._meta.many_to_many if isinstance(field, models.ManyToManyField)
    ]


def _comparable(value):
    return sorted(value) if isinstance(value, list) else value


def _links_by_name(version) -> dict[str, list[str]]:
    model = version.content_type.model_class()
    names = {model._meta.get_field(name).related_model: name for name in reversion_follows(model)}
    links = defaultdict(list)
    for link in link_versions(version):
        links[names[link.content_type.model_class()]].append(link.object_repr)
    return {name: sorted(reprs) for name, reprs in links.items()}


def _shown(field, *values) -> list[str]:
    """Each value as a reader knows it: a choice's label, a related record's name."""
    if field.is_relation:
        ids = {pk for value in values for pk in (value if isinstance(value, list) else [value])}
        names = {
            obj.pk: str(obj) for obj in field.related_model._default_manager.filter(pk__in=ids)
        }
        return [
            ", ".join(sorted(names.get(pk, f"#{pk}") for pk in value))
            if isinstance(value, list)
            else names.get(value, "" if value is None else f"#{value}")
            for value in values
        ]
    choices = dict(field.flatchoices)
    return [str(choices.get(value, "" if value is None else value)) for value in values]


# The report form's pickers (cases/forms.py): what an editor typed, matched against the records.


def normalised(text: str) -> str:
    """`text` as names are compared: without accents or case, with single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def countries_by_key() -> dict[str, Country]:
    """Every country under its normalised code and name, as an editor may type either."""
    keys = {}
    for country in Country.objects.all():
        keys[normalised(country.code)] = country
        keys[normalised(country.name)] = country
    return keys


def cities_by_name(countries) -> dict[tuple[int, str], City]:
    """The cities of `countries` under (country id, normalised name), for matching typed names."""
    cities = City.objects.filter(country__in=countries).select_related("country")
    return {(city.country_id, normalised(city.name)): city for city in cities}


def organisations_by_name() -> dict[str, Organisation]:
    return {
        normalised(organisation.name): organisation for organisation in Organisation.objects.all()
    }


PICKER_LIMIT = 12


def picker_options(kind: str, query: str) -> list[dict]:
    """The first records of `kind` whose name holds every typed word, accents and case aside,
    then what typing it would add: a new city ("Tampere, Finland") or organiser.

    The names are compared in Python, so that "Zurich" finds "Zürich" on any database: a
    catalogue holds a few thousand cities at most (tier L has 1,000).
    """
    query = query[:200]
    name, _comma, country = query.rpartition(",") if kind == "cities" else (query, "", "")
    words = normalised(name or query).split()
    if not words:
        return []
    found = []
    for value, label in PICKER_ROWS[kind]():
        if all(word in normalised(label) for word in words):
            found.append({"value": str(value), "label": label})
            if len(found) == PICKER_LIMIT:
                break
    new = _new_option(kind, name or query, country, found)
    return found + ([new] if new else [])


def _new_option(kind, name, country, found) -> dict | None:
    name = " ".join(name.split())
    if kind in ("organisers", "people"):
        if any(normalised(option["label"]) == normalised(name) for option in found):
            return None
        if kind == "organisers":
            label = _("Add “%(name)s” as a new organiser") % {"name": name}
        else:
            label = _("Add “%(name)s” as a new person") % {"name": name}
        return {"value": f"new:{name}", "label": label, "chosen": name, "is_new": True}
    country = countries_by_key().get(normalised(country)) if kind == "cities" else None
    if country is None or cities_by_name([country]).get((country.pk, normalised(name))):
        return None
    label = _("Add %(city)s (%(country)s) as a new city") % {"city": name, "country": country}
    return {
        "value": f"new:{country.code}:{name}",
        "label": label,
        "chosen": f"{name} ({country})",
        "is_new": True,
    }


def _city_rows():
    cities = City.objects.order_by("name").values_list("pk", "name", "country__name")
    return [(pk, f"{name} ({country})") for pk, name, country in cities]


def challenge_names():
    return list(Challenge.objects.order_by("name").values_list("pk", "name"))


def _organisation_rows():
    return list(Organisation.objects.order_by("name").values_list("pk", "name"))


def _person_rows():
    return list(Person.objects.order_by("name").values_list("pk", "name"))


PICKER_ROWS = {
    "people": _person_rows,
    "cities": _city_rows,
    "challenges": challenge_names,
    "organisers": _organisation_rows,
}
