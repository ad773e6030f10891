"""The catalogue index (issue 13) against the straightforward queries, on random catalogues.

The catalogue counts facets and results and picks each page from bitsets in memory
(cases/catalogue_index.py). Here Hypothesis makes small catalogues with ties, drafts, private
events, repeated city links and shared words, and random filter states with or without a
search; every facet count, result count, page and related-practice list must equal what the
plain SQL says (cases.filters.facet_counts, the FilterSet's queryset, an ORDER BY).
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.catalogue import CatalogueQuery
from cases.catalogue_index import catalogue_index, forget_catalogue_index
from cases.filters import FACETS, facet_counts
from cases.models import (
    PRACTICE_CITY_ROLES,
    GoodPractice,
    Kind,
    PracticeChallenge,
    Status,
    TaggedPractice,
)
from cases.search import annotate_relevance, practice_refresh_search
from cases.selectors import related_practices

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


def make_catalogue(shapes):
    themes = [make_theme(slug=f"t{number}") for number in range(2)]
    challenges = [
        make_challenge(slug=f"c{number}", theme=themes[number % 2]) for number in range(3)
    ]
    countries = [
        make_country(slug=f"k{number}", region=["europe", "africa", "europe"][number])
        for number in range(3)
    ]
    cities = [
        make_city(slug=f"city-{number}", country=countries[number % 3]) for number in range(4)
    ]
    # The third event is a draft: the event facet counts public events only.
    events = [
        make_event(slug=f"e{number}", status=Status.DRAFT if number == 2 else Status.PUBLISHED)
        for number in range(3)
    ]
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
