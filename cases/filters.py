"""The catalogue's filters: slugs in the URL, OR within a filter, AND across filters."""

import re
from collections import defaultdict

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from challenges.models import Challenge, Theme

from .caching import cache_key
from .models import (
    PUBLIC_STATUSES,
    City,
    Country,
    Event,
    GoodPractice,
    Kind,
    Region,
    TaggedPractice,
)
from .search import filter_matching

MAX_VALUES_PER_FILTER = 20
FACET_CACHE_SECONDS = 60 * 60
_SLUG = re.compile(r"[-\w]{1,150}")


class SlugListField(forms.Field):
    """Every value of a repeated parameter that looks like a slug, in order, without repeats."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if isinstance(value, str):
            value = [value]
        slugs = dict.fromkeys(v.strip() for v in value or [] if _SLUG.fullmatch(v.strip()))
        return list(slugs)[:MAX_VALUES_PER_FILTER]


class SlugsFilter(django_filters.Filter):
    field_class = SlugListField

    def filter(self, queryset, value):
        if not value:
            return queryset
        # A subquery, not a join: no duplicate rows, so counts and ranking stay simple.
        matching = GoodPractice.objects.filter(**{f"{self.field_name}__in": value})
        return queryset.filter(pk__in=matching.values("pk"))


class PracticeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = SlugsFilter(field_name="kind", label=_("Kind of record"))
    challenge = SlugsFilter(field_name="challenges__slug", label=_("Challenge"))
    theme = SlugsFilter(field_name="challenges__theme__slug", label=_("Theme"))
    tag = SlugsFilter(field_name="tags__slug", label=_("Tag"))
    city = SlugsFilter(field_name="cities__slug", label=_("City"))
    country = SlugsFilter(field_name="cities__country__slug", label=_("Country"))
    region = SlugsFilter(field_name="cities__country__region", label=_("Region"))
    event = SlugsFilter(field_name="events__slug", label=_("Event"))
    stage = SlugsFilter(field_name="stage", label=_("Stage"))

    class Meta:
        model = GoodPractice
        fields = []

    def __init__(self, *args, any_word=False, **kwargs):
        super().__init__(*args, **kwargs)
        # Whether the search keeps practices with any of its words, not only with all of them.
        self.any_word = any_word

    def filter_q(self, queryset, name, value):
        # The view has already cleaned the query (length, punctuation): see search.clean_query.
        return filter_matching(queryset, value, any_word=self.any_word) if value else queryset

    def selected(self):
        """{filter name: [slugs]} for every slug filter with values."""
        data = self.form.cleaned_data if self.is_valid() else {}
        return {name: data[name] for name in FACETS if data.get(name)}

    def state(self):
        """The cleaned filters as text, the same for every URL that means the same: a cache key."""
        state = repr(sorted(self.form.cleaned_data.items()))
        return f"{state} any word" if self.any_word else state

    def queryset_without(self, excluded):
        """The queryset with every active filter applied except `excluded`: facets count on it."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset


def _through_counts(
    through, practice_field, prefix, practices, label="name", distinct=None, **conditions
):
    # Grouped on the link table: where a (practice, value) link is unique, as for challenges,
    # tags and events, a plain COUNT is exact and costs no DISTINCT sort.
    if distinct is None:
        distinct = prefix.count("__") > 1
    slug, name = f"{prefix}slug", f"{prefix}{label}"
    rows = (
        through.objects.filter(**{f"{practice_field}__in": practices.values("pk")}, **conditions)
        .values(slug, name)
        .annotate(count=Count(practice_field, distinct=distinct))
        .order_by("-count", name)
    )
    return [(row[slug], row[name], row["count"]) for row in rows]


def _choice_counts(practices, field, choices, distinct=False):
    rows = practices.values(field).annotate(count=Count("pk", distinct=distinct)).order_by()
    return _ranked_choices({row[field]: row["count"] for row in rows}, choices)


def _ranked_choices(counts, choices):
    ranked = [(value, label, counts[value]) for value, label in choices if counts.get(value)]
    return sorted(ranked, key=lambda value: -value[2])


def _kind_and_stage_counts(practices):
    """Both facets of the practices' own columns from one grouped query."""
    kinds, stages = defaultdict(int), defaultdict(int)
    for row in practices.values("kind", "stage").annotate(count=Count("pk")).order_by():
        kinds[row["kind"]] += row["count"]
        stages[row["stage"]] += row["count"]
    return _ranked_choices(kinds, Kind.choices), _ranked_choices(stages, GoodPractice.Stage.choices)


def _challenge_counts(practices):
    through = GoodPractice.challenges.through
    return _through_counts(through, "goodpractice", "challenge__", practices)


def _theme_counts(practices):
    through = GoodPractice.challenges.through
    return _through_counts(through, "goodpractice", "challenge__theme__", practices)


def _tag_counts(practices):
    return _through_counts(TaggedPractice, "content_object", "tag__", practices)


def _city_counts(practices):
    # Distinct: a city that did and presented a practice is linked to it twice.
    through = GoodPractice.cities.through
    return _through_counts(through, "goodpractice", "city__", practices, distinct=True)


def _country_counts(practices):
    through = GoodPractice.cities.through
    return _through_counts(through, "goodpractice", "city__country__", practices)


def _region_counts(practices):
    regions = GoodPractice.objects.filter(pk__in=practices.values("pk"))
    return _choice_counts(regions, "cities__country__region", Region.choices, distinct=True)


def _event_counts(practices):
    through = GoodPractice.events.through
    return _through_counts(
        through, "goodpractice", "event__", practices, "title", event__status__in=PUBLIC_STATUSES
    )


def _stage_counts(practices):
    return _choice_counts(practices, "stage", GoodPractice.Stage.choices)


def _kind_counts(practices):
    return _choice_counts(practices, "kind", Kind.choices)


# Facet name -> (counter, where its values get their names), in display order.
FACETS = {
    "kind": (_kind_counts, Kind.choices),
    "challenge": (_challenge_counts, Challenge.objects),
    "theme": (_theme_counts, Theme.objects),
    "tag": (_tag_counts, Tag.objects),
    # A city only unpublished reports name stays unseen: asked for, it is "not found".
    "city": (_city_counts, City.objects.public()),
    "country": (_country_counts, Country.objects),
    "region": (_region_counts, Region.choices),
    "event": (_event_counts, Event.objects.public()),
    "stage": (_stage_counts, GoodPractice.Stage.choices),
}


def facet_counts(practice_filter):
    """{facet: [(slug, name, count)], most first}: each facet counted with every OTHER filter.

    Cached per filter state until the catalogue changes: counting is most of a catalogue page.
    """
    key = cache_key("facets", practice_filter.state())
    counts = cache.get(key)
    if counts is None:
        counts = {}
        if not {"kind", "stage"} & set(practice_filter.selected()):
            # Neither filters: both count the same practices, in one query.
            both = _kind_and_stage_counts(practice_filter.queryset_without("kind"))
            counts["kind"], counts["stage"] = both
        for name, (counter, _names) in FACETS.items():
            if name not in counts:
                counts[name] = counter(practice_filter.queryset_without(name))
        counts = {name: counts[name] for name in FACETS}
        cache.set(key, counts, FACET_CACHE_SECONDS)
    return counts


def name_selected(selected, known=None):
    """{facet: {slug: name}} for the selected values that exist. `known` is {facet: {slug:
    name}} of values already named (the catalogue index's, of the values with published
    practices); one query per active facet for the others."""
    names = {}
    for facet, slugs in selected.items():
        source = FACETS[facet][1]
        if isinstance(source, list):
            names[facet] = {value: label for value, label in source if value in slugs}
            continue
        named = (known or {}).get(facet, {})
        names[facet] = {slug: named[slug] for slug in slugs if slug in named}
        if missing := [slug for slug in slugs if slug not in named]:
            label = "title" if facet == "event" else "name"
            names[facet] |= dict(source.filter(slug__in=missing).values_list("slug", label))
    return names
