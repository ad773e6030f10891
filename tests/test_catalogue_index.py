"""The catalogue index (issue 13) against the straightforward queries, on random catalogues.

The catalogue counts facets and results and picks each page from bitsets in memory
(cases/catalogue_index.py). Here Hypothesis makes small catalogues with ties, drafts, private
events, repeated city links and shared words, and random filter states with or without a
search; every facet count, result count, page and related-practice list must equal what the
plain SQL says (cases.filters.facet_counts, the FilterSet's queryset, an ORDER BY). So must what
the city pages, the peer finder, the map, open challenges and the challenge counts read from the
index, with events that cities took part in or presented at and that raised challenges.
"""

from collections import defaultdict
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.catalogue import CatalogueQuery
from cases.catalogue_index import (
    SPARSE_BELOW,
    CatalogueIndex,
    Posting,
    catalogue_index,
    forget_catalogue_index,
    set_places,
)
from cases.filters import FACETS, PracticeFilter, facet_counts
from cases.gaps import challenge_pictures
from cases.maps import MapFilters, map_cities
from cases.models import (
    PRACTICE_CITY_ROLES,
    City,
    CityRole,
    Event,
    EventCity,
    GoodPractice,
    Kind,
    PracticeChallenge,
    PracticeCity,
    Status,
    TaggedPractice,
)
from cases.search import Matches, annotate_relevance, practice_refresh_search
from cases.selectors import (
    PEER_EVIDENCE_SHOWN,
    challenge_ids_faced_by,
    newest_practices_of_city,
    peers_facing,
    related_practices,
    themes_with_counts,
)
from challenges.models import Challenge

from .factories import (
    make_challenge,
    make_city,
    make_country,
    make_event,
    make_practice,
    make_theme,
)

pytestmark = pytest.mark.django_db

WORDS = ["budget", "sensors", "library"]
# A city page lists this many practices here (20 on the site), so that "more" is tested too.
LISTED = 2
SHOWN = 2  # shared challenges a peer card tells about (3 challenges to choose from)
NAMES = ["Bonn", "Accra"]
TAGS = ["alpha", "beta", "gamma"]
STAGES = [choice for choice, _label in GoodPractice.Stage.choices]

practice_shapes = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from([Status.PUBLISHED] * 4 + [Status.DRAFT, Status.ARCHIVED]),
            "kind": st.sampled_from(Kind.values),
            "stage": st.sampled_from(STAGES),
            "days_ago": st.integers(0, 3),  # ties on the date
            "title": st.sampled_from(["Alpha", "Beta", "Gamma"]),  # ties on the title
            "word": st.sampled_from(WORDS),
            "challenges": st.sets(st.integers(0, 2)),
            "cities": st.sets(st.tuples(st.integers(0, 3), st.sampled_from(PRACTICE_CITY_ROLES))),
            "events": st.sets(st.integers(0, 2)),
            "tags": st.sets(st.sampled_from(TAGS)),
        }
    ),
    max_size=6,
)
states = st.fixed_dictionaries(
    {
        "challenge": st.sets(st.sampled_from(["c0", "c1", "c2", "nope"])),
        "theme": st.sets(st.sampled_from(["t0", "t1"])),
        "tag": st.sets(st.sampled_from(TAGS)),
        "city": st.sets(st.sampled_from(["city-0", "city-1", "city-2", "city-3"])),
        "country": st.sets(st.sampled_from(["k0", "k1", "k2"])),
        "region": st.sets(st.sampled_from(["europe", "africa"])),
        "event": st.sets(st.sampled_from(["e0", "e1", "e2"])),
        "kind": st.sets(st.sampled_from(Kind.values)),
        "stage": st.sets(st.sampled_from(STAGES)),
        "q": st.sampled_from(["", "", *WORDS, "budget sensors"]),
        "sort": st.sampled_from(["", "newest", "title", "relevance"]),
    }
)


event_shapes = st.lists(
    st.fixed_dictionaries(
        {
            "cities": st.sets(
                st.tuples(
                    st.integers(0, 3), st.sampled_from([CityRole.TOOK_PART, CityRole.PRESENTED])
                )
            ),
            "challenges": st.sets(st.integers(0, 2)),
            "title": st.sampled_from(["Forum", "Summit"]),  # ties on the title
            "days_ago": st.sampled_from([None, 0, 1]),  # ties on the date, and no date
        }
    ),
    min_size=3,
    max_size=3,
)


def make_catalogue(shapes, events_shaped=None):
    themes = [make_theme(slug=f"t{number}") for number in range(2)]
    challenges = [
        make_challenge(slug=f"c{number}", theme=themes[number % 2]) for number in range(3)
    ]
    countries = [
        make_country(slug=f"k{number}", region=["europe", "africa", "europe"][number])
        for number in range(3)
    ]
    # Two names twice: peers and map cities of the same name are ordered by slug.
    cities = [
        make_city(
            slug=f"city-{number}", name=["Bonn", "Accra"][number % 2], country=countries[number % 3]
        )
        for number in range(4)
    ]
    # The third event is a draft: the event facet counts public events only.
    events = [
        make_event(slug=f"e{number}", status=Status.DRAFT if number == 2 else Status.PUBLISHED)
        for number in range(3)
    ]
    for event, shape in zip(events, events_shaped or [], strict=False):
        event.title = shape["title"]
        if shape["days_ago"] is not None:
            event.starts_on = timezone.localdate() - timedelta(days=shape["days_ago"])
        event.save(update_fields=["title", "starts_on"])
        event.challenges.set([challenges[index] for index in shape["challenges"]])
        for city, role in shape["cities"]:
            event.city_links.create(city=cities[city], role=role, passage="As the source says.")
    practices = []
    for number, shape in enumerate(shapes):
        practice = make_practice(
            title=f"{shape['title']} {shape['word']}",
            slug=f"practice-{number}",
            status=shape["status"],
            kind=shape["kind"],
            stage=shape["stage"],
            challenges=[challenges[index] for index in shape["challenges"]],
            events=[events[index] for index in shape["events"]],
            tags=sorted(shape["tags"]),
        )
        if practice.published_at:
            practice.published_at = timezone.now().replace(microsecond=0) - timedelta(
                days=shape["days_ago"]
            )
            practice.save(update_fields=["published_at"])
        for city, role in shape["cities"]:
            practice.city_links.create(city=cities[city], role=role, passage="As the source says.")
        practices.append(practice)
    practice_refresh_search(practice_ids=[practice.pk for practice in practices])
    return practices


def query_dict(state):
    params = QueryDict(mutable=True)
    for name, value in state.items():
        if isinstance(value, set):
            params.setlist(name, sorted(value))
        elif value:
            params[name] = value
    return params


def straightforward_order(catalogue):
    """The ids of the filtered practices in the page's order, by ORDER BY."""
    queryset = catalogue.filter.qs
    if catalogue.sort == "relevance":
        queryset = annotate_relevance(queryset, catalogue.query, any_word=catalogue.any_word)
        ordering = ["-rank", "-published_at", "title", "pk"]
    elif catalogue.sort == "title":
        ordering = ["title", "pk"]
    else:
        ordering = ["-published_at", "title", "pk"]
    return list(queryset.order_by(*ordering).values_list("pk", flat=True))


def straightforward_related(practice):
    """Every published practice scored 2 per shared challenge and 1 per shared tag."""
    own_challenges = PracticeChallenge.objects.filter(goodpractice=practice).values("challenge_id")
    own_tags = TaggedPractice.objects.filter(content_object=practice).values("tag_id")
    shared_challenges = (
        PracticeChallenge.objects.filter(
            goodpractice=OuterRef("pk"), challenge_id__in=own_challenges
        )
        .values("goodpractice")
        .annotate(count=Count("pk"))
        .values("count")
    )
    shared_tags = (
        TaggedPractice.objects.filter(content_object=OuterRef("pk"), tag_id__in=own_tags)
        .values("content_object")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return list(
        GoodPractice.objects.published()
        .exclude(pk=practice.pk)
        .annotate(
            score=Coalesce(Subquery(shared_challenges), Value(0)) * 2
            + Coalesce(Subquery(shared_tags), Value(0))
        )
        .filter(score__gt=0)
        .order_by("-score", "-published_at", "title", "pk")
        .values_list("pk", flat=True)[:4]
    )


def check_state(state):
    cache.clear()  # the straightforward counts are cached per filter state
    catalogue = CatalogueQuery.from_get(query_dict(state))
    page = catalogue.page(1)
    reference = facet_counts(catalogue.filter)  # after page(): the same any-word choice
    index = catalogue_index()
    for facet in FACETS:
        counted = index.counts(facet, catalogue._matching(without=facet))
        assert {slug: count for slug, _name, count in counted} == {
            slug: count for slug, _name, count in reference[facet]
        }, facet
        counts = [count for *_, count in counted]
        assert counts == sorted(counts, reverse=True)
    assert page.paginator.count == catalogue.filter.qs.count()
    assert [practice.pk for practice in page] == straightforward_order(catalogue)[:20]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shapes=practice_shapes, state=states)
def test_index_counts_and_pages_equal_the_straightforward_queries(shapes, state):
    with transaction.atomic():
        forget_catalogue_index()
        make_catalogue(shapes)
        check_state(state)
        transaction.set_rollback(True)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shapes=practice_shapes.filter(bool), pick=st.integers(0, 9))
def test_related_practices_equal_the_straightforward_query(shapes, pick):
    with transaction.atomic():
        forget_catalogue_index()
        practices = make_catalogue(shapes)
        practice = practices[pick % len(practices)]
        challenges, tags = practice.challenges.all(), practice.tags.all()
        shown = [p.pk for p in related_practices(practice, challenges=challenges, tags=tags)]
        assert shown == straightforward_related(practice)
        transaction.set_rollback(True)


# The city pages, the peer finder, the map, open challenges: the straightforward queries.


def straightforward_city_practices(city):
    """(id, is own, is about) of the published practices naming the city or shared at an event
    it took part in (whatever the event's status), newest first."""
    named = PracticeCity.objects.filter(city=city)
    shared = GoodPractice.events.through.objects.filter(event__city_links__city=city)
    own = PracticeCity.objects.own().filter(city=city, goodpractice=OuterRef("pk"))
    about = named.filter(role=CityRole.SUBJECT, goodpractice=OuterRef("pk"))
    return list(
        GoodPractice.objects.published()
        .filter(
            Q(pk__in=named.values("goodpractice_id")) | Q(pk__in=shared.values("goodpractice_id"))
        )
        .annotate(is_own=Exists(own), is_about=Exists(about))
        .order_by("-published_at", "title", "pk")
        .values_list("pk", "is_own", "is_about")
    )


def straightforward_pairs(*, challenge_ids=None, region=""):
    """Distinct (city id, challenge id): the challenges of the published practices a city did
    or presented (no recommendation), and of the published events it took part in."""
    practice_pairs = PracticeCity.objects.own().filter(
        goodpractice__status=Status.PUBLISHED, goodpractice__challenges__isnull=False
    )
    event_pairs = EventCity.objects.filter(
        event__status=Status.PUBLISHED, event__challenges__isnull=False
    )
    if challenge_ids is not None:
        practice_pairs = practice_pairs.filter(goodpractice__challenges__in=challenge_ids)
        event_pairs = event_pairs.filter(event__challenges__in=challenge_ids)
    if region:
        practice_pairs = practice_pairs.filter(city__country__region=region)
        event_pairs = event_pairs.filter(city__country__region=region)
    return set(practice_pairs.values_list("city_id", "goodpractice__challenges")) | set(
        event_pairs.values_list("city_id", "event__challenges")
    )


def straightforward_own_pairs():
    """Distinct (city id, challenge id) of the published practices a city did or presented (no
    recommendation)."""
    return set(
        PracticeCity.objects.own()
        .filter(goodpractice__status=Status.PUBLISHED, goodpractice__challenges__isnull=False)
        .values_list("city_id", "goodpractice__challenges")
    )


def straightforward_peers(challenge_ids, *, region, exclude, limit):
    shared = defaultdict(set)
    for city_id, challenge_id in straightforward_pairs(challenge_ids=challenge_ids, region=region):
        if city_id != exclude:
            shared[city_id].add(challenge_id)
    cities = City.objects.filter(pk__in=shared)
    ranked = sorted(cities, key=lambda city: (-len(shared[city.pk]), city.name, city.slug))
    return [(city.pk, shared[city.pk]) for city in ranked[:limit]]


def straightforward_evidence(city, challenge):
    """([(verb, practice id, event id)] a peer card shows first, how many records in all): what
    the city did, then presented, by title; then what was shared at the published events it
    took part in, by event title, then by title; each practice once. Else where it raised it."""
    practices = GoodPractice.objects.published().filter(challenges=challenge)
    practices = practices.order_by("title", "pk").values_list("pk", flat=True)
    own = PracticeCity.objects.own().filter(city=city)
    events = Event.objects.published().filter(city_links__city=city).distinct()
    found, seen = [], set()
    for role in (CityRole.DID, CityRole.PRESENTED):
        for pk in practices.filter(pk__in=own.filter(role=role).values("goodpractice_id")):
            if pk not in seen:
                seen.add(pk)
                found.append((str(role), pk, None))
    for event in events.order_by("title", "pk"):
        for pk in practices.filter(events=event):
            if pk not in seen:
                seen.add(pk)
                found.append(("heard", pk, event.pk))
    if not found:
        raised_at = events.filter(challenges=challenge).order_by(
            F("starts_on").desc(nulls_last=True), "title", "pk"
        )
        found = [("raised", None, event.pk) for event in raised_at[:1]]
    return found[:PEER_EVIDENCE_SHOWN], len(found)


def straightforward_map(filters):
    """([(slug, practices)] busiest first, [(slug, events)] of the cities that only took part)."""
    query = filters.query()
    query.setlist("region", [])
    practices = PracticeFilter(query, queryset=GoodPractice.objects.published()).qs
    links = PracticeCity.objects.filter(goodpractice__in=practices.values("pk"))
    took_part = EventCity.objects.filter(
        event__status=Status.PUBLISHED, event__practices__in=practices.values("pk")
    )
    if filters.regions:
        links = links.filter(city__country__region__in=filters.regions)
        took_part = took_part.filter(city__country__region__in=filters.regions)
    with_practices = list(
        links.values_list("city__slug")
        .annotate(count=Count("goodpractice", distinct=True))
        .order_by("-count", "city__name", "city__slug")
    )
    took_part = (
        took_part.values_list("city__slug")
        .annotate(count=Count("event", distinct=True))
        .order_by("city__name", "city__slug")
    )
    named = {slug for slug, _count in with_practices}
    return with_practices, [(slug, count) for slug, count in took_part if slug not in named]


def straightforward_doers():
    """{challenge id: how many cities did or presented a published practice about it}."""
    rows = (
        PracticeCity.objects.own()
        .filter(goodpractice__status=Status.PUBLISHED, goodpractice__challenges__isnull=False)
        .values_list("goodpractice__challenges")
        .annotate(count=Count("city", distinct=True))
        .order_by()
    )
    return dict(rows)


map_states = st.fixed_dictionaries(
    {
        "kind": st.sets(st.sampled_from(Kind.values), max_size=2),
        "challenge": st.sets(st.sampled_from(["c0", "c1", "c2"])),
        "region": st.sets(st.sampled_from(["europe", "africa"]), max_size=1),
    }
)


def check_city_pages(cities, challenges):
    for city in cities:
        rows = straightforward_city_practices(city)
        practices, more = newest_practices_of_city(city)
        assert [(p.pk, p.is_own, p.is_about) for p in practices] == rows[:LISTED]
        assert more == (len(rows) > LISTED)
        faced = {challenge for city_id, challenge in straightforward_pairs() if city_id == city.pk}
        assert challenge_ids_faced_by(city) == faced


def check_peers(cities, chosen, region, exclude):
    challenge_ids = {challenge.pk for challenge in chosen}
    peers = peers_facing(chosen, region=region, exclude=exclude, limit=3)
    expected = straightforward_peers(
        challenge_ids, region=region, exclude=exclude and exclude.pk, limit=3
    )
    assert [(city.pk, city.shared_challenge_ids) for city in peers] == expected
    addressed = {(city_id, challenge) for city_id, challenge in straightforward_own_pairs()}
    for city in peers:
        # The first SHOWN shared challenges, those the city did or presented something about
        # first, then by name; the others named.
        ranked = sorted(
            (challenge for challenge in chosen if challenge.pk in city.shared_challenge_ids),
            key=lambda challenge: ((city.pk, challenge.pk) not in addressed, challenge.name),
        )
        assert [item.challenge for item in city.shared] == ranked[:SHOWN]
        assert city.also_shared == sorted(ranked[SHOWN:], key=lambda challenge: challenge.name)
        for item in city.shared:
            shown = [
                (entry.verb, entry.practice and entry.practice.pk, entry.event and entry.event.pk)
                for entry in item.shown
            ]
            assert (shown, item.count) == straightforward_evidence(city, item.challenge)
            assert all(
                entry.practice.kind != Kind.RECOMMENDATION for entry in item.shown if entry.is_own
            )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    shapes=practice_shapes,
    events_shaped=event_shapes,
    chosen=st.sets(st.integers(0, 2), min_size=1),
    region=st.sampled_from(["", "europe", "africa"]),
    exclude=st.sampled_from([None, 0, 1]),
    map_state=map_states,
)
def test_city_pages_peers_map_and_gaps_equal_the_straightforward_queries(
    shapes, events_shaped, chosen, region, exclude, map_state
):
    with (
        transaction.atomic(),
        patch("cases.selectors.LISTED_PRACTICES", LISTED),
        patch("cases.selectors.PEER_CHALLENGES_SHOWN", SHOWN),
    ):
        forget_catalogue_index()
        make_catalogue(shapes, events_shaped)
        cities = list(City.objects.order_by("slug"))
        challenges = list(Challenge.objects.order_by("slug"))
        check_city_pages(cities, challenges)
        check_peers(
            cities,
            [challenges[index] for index in sorted(chosen)],
            region,
            exclude if exclude is None else cities[exclude],
        )
        filters = MapFilters.from_query(query_dict(map_state))
        with_practices, took_part = map_cities(filters)
        assert (
            [(city.slug, city.practice_count) for city in with_practices],
            [(city.slug, city.event_count) for city in took_part],
        ) == straightforward_map(filters)
        open_ones, others = challenge_pictures()
        doers = straightforward_doers()
        assert {p.challenge.pk: p.doers for p in open_ones + others} == {
            challenge.pk: doers.get(challenge.pk, 0) for challenge in challenges
        }
        published = Q(practices__status=Status.PUBLISHED)
        counted = Challenge.objects.annotate(count=Count("practices", filter=published))
        assert {
            challenge.pk: challenge.practice_count
            for theme in themes_with_counts()
            for challenge in theme.challenges.all()
        } == dict(counted.values_list("pk", "count"))
        transaction.set_rollback(True)


def array_index(size):
    """An index of `size` published practices (ids 100, 101...) and no facet value: enough
    for what it does with a search's matches."""
    ids = list(range(100, 100 + size))
    return CatalogueIndex(
        version=0,
        ids=ids,
        place={pk: where for where, pk in enumerate(ids)},
        by_title=list(range(size)),
        everything=(1 << size) - 1,
        values={facet: {} for facet in FACETS},
        names={facet: {} for facet in FACETS},
    )


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(1, 80),
    data=st.data(),
)
def test_a_search_page_is_the_sorted_matches_slice(size, data):
    """placed() keeps the published ids, ranked_ids() the filtered page in (rank desc, newest
    first) order, whatever the ties around the page's end (ranks drawn from a few values) and
    unknown or unpublished ids (below 100, above the last) among the matches."""
    index = array_index(size)
    found = data.draw(st.lists(st.integers(0, 100 + size + 20), unique=True, max_size=120))
    ranks = data.draw(
        st.lists(
            st.sampled_from([0.0, 0.25, 0.5, 1.5, 2.0]), min_size=len(found), max_size=len(found)
        )
    )
    keep = data.draw(st.sets(st.integers(0, size - 1)))
    start = data.draw(st.integers(0, 30))
    stop = start + data.draw(st.integers(1, 25))
    matches = Matches.of(list(zip(found, ranks, strict=True)))
    bits, placed = index.placed(matches)
    published = {pk: rank for pk, rank in zip(found, ranks, strict=True) if pk in index.place}
    assert bits == sum(1 << index.place[pk] for pk in published)
    filters = index.everything if data.draw(st.booleans()) else sum(1 << where for where in keep)
    expected = sorted(
        (pk for pk in published if filters >> index.place[pk] & 1),
        key=lambda pk: (-published[pk], index.place[pk]),
    )
    assert index.ranked_ids(placed, filters, start, stop) == expected[start:stop]


def test_facet_counts_of_the_whole_catalogue_are_kept_from_the_build(db):
    """The unfiltered catalogue's counts are the filtered counting's answer for every place."""
    challenge = make_challenge()
    for number in range(3):
        make_practice(title=f"Practice {number}", challenges=[challenge])
    index = catalogue_index()
    assert index.counts("challenge", index.everything) == index._counted(
        "challenge", index.everything
    )
    assert index.counts("challenge", index.everything) == [(challenge.slug, challenge.name, 3)]
    one = 1 << 0
    assert index.counts("challenge", one) == [(challenge.slug, challenge.name, 1)]


def test_the_facets_of_a_few_practices_are_counted_from_their_own_pairs(db):
    """A state with few practices (under 1 / SPARSE_BELOW of the catalogue) reads only their
    (practice, value) pairs: each practice alone, and two together, count what they hold; so
    does the whole catalogue but two, from the pairs of the two."""
    challenges = [make_challenge() for _ in range(3)]
    practices = [
        make_practice(title=f"Practice {number}", challenges=challenges[: number % 3 + 1])
        for number in range(20)
    ]
    index = catalogue_index()
    for practice in practices:
        bits = 1 << index.place[practice.pk]
        assert bits.bit_count() * SPARSE_BELOW < len(index.ids)
        held = {challenge.slug: 1 for challenge in practice.challenges.all()}
        assert {slug: count for slug, _name, count in index.counts("challenge", bits)} == held
    both = (1 << index.place[practices[0].pk]) | (1 << index.place[practices[2].pk])
    assert {slug: count for slug, _name, count in index.counts("challenge", both)} == {
        challenges[0].slug: 2,
        challenges[1].slug: 1,
        challenges[2].slug: 1,
    }
    # Nearly every practice: the whole catalogue's counts less those of the two left out.
    assert {
        slug: count for slug, _name, count in index.counts("challenge", index.everything ^ both)
    } == {
        challenges[0].slug: 18,
        challenges[1].slug: 12,
        challenges[2].slug: 5,
    }


@given(st.sets(st.integers(0, 5_000), max_size=200))
def test_set_places_finds_every_set_bit_lowest_first(places):
    """The peer cards' evidence is picked from these (CatalogueIndex.first_by_source)."""
    bits = sum(1 << place for place in places)
    assert set_places(bits) == sorted(places)


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="frequent words come from PostgreSQL's statistics"
)


def hold_frequent_words(best):
    """Statistics for the catalogue just made, then every word of it held as frequent, each
    with its `best` matches (the watcher holds those of 5,000 matches and more, 1,000 each)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE practice_search")
    index = catalogue_index()
    index.build_postings(minimum=1, limit=100, best=best)
    return index


@postgresql_only
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shapes=practice_shapes, state=states, best=st.integers(1, 4))
def test_a_frequent_word_held_in_the_index_gives_the_straightforward_pages(shapes, state, best):
    """A page of a search for a word the index holds comes from its best matches, or from the
    database past them; counts and pages equal the plain SQL either way."""
    with transaction.atomic():
        forget_catalogue_index()
        make_catalogue(shapes)
        hold_frequent_words(best)
        check_state(state)
        transaction.set_rollback(True)


@postgresql_only
def test_a_search_for_a_frequent_word_reads_its_posting_not_the_database(
    django_assert_num_queries,
):
    for number in range(5):
        # Ranked apart: the word in the title and the summary, or in the summary only.
        title = f"Budget plan {number}" if number % 2 else f"Plan {number}"
        make_practice(title=title, summary="A budget.")
    make_practice(title="Library card", summary="Books.")
    practice_refresh_search()
    index = hold_frequent_words(best=3)
    assert set(index.postings) >= {"budget", "librari"}
    catalogue = CatalogueQuery.from_get(QueryDict("q=Budgets"))
    # The word's lexeme (one query); no ranked search of every match.
    with django_assert_num_queries(1) as captured:
        assert catalogue.results(headlines=False).count() == 5
    assert "practice_search AS entry" not in captured.captured_queries[0]["sql"]
    assert isinstance(catalogue._search[0], Posting)
    assert catalogue._ids_between(0, 3) == straightforward_order(catalogue)[:3]
    # Past the three best held: the database ranks every match.
    assert catalogue._ids_between(3, 5) == straightforward_order(catalogue)[3:5]
