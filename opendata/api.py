"""The read-only JSON API under /api/: the catalogue's records by slug, paginated, rate-limited.

Django REST framework serves it: its views take the catalogue's own FilterSet (PracticeFilter,
through CatalogueQuery), its throttling counts requests per client address in the cache, and
drf-spectacular writes the OpenAPI schema from the same serializers. A parameter the API does
not know, a value that is not a slug or names nothing, a page that does not exist: each is a 400
whose JSON body is keyed by the parameter's name.
"""

from django.http import HttpResponse
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from cases.caching import cached_response
from cases.catalogue import SORTS, CatalogueQuery
from cases.filters import FACETS, MAX_VALUES_PER_FILTER, PracticeFilter, SlugListField
from cases.models import Event, GoodPractice
from cases.search import MAX_QUERY_LENGTH, clean_query
from cases.selectors import events_newest_first

from . import serializers
from .selectors import (
    challenges_with_counts,
    cited_sources,
    cities_with_counts,
    events_with_everything,
    people_with_everything,
    practices_with_everything,
)

# A slug in an address: what Django's <slug:…> converter accepts on the site's own pages.
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"


def api_catalogue(params):
    """The catalogue view the parameters ask for, or a ValidationError naming each bad one."""
    errors = {}
    for facet in FACETS:
        values = [value for value in params.getlist(facet) if value.strip()]
        malformed = [value for value in values if not SlugListField().to_python([value])]
        if malformed:
            errors[facet] = [gettext("Not a slug: %s.") % ", ".join(map(repr, malformed))]
        elif len(values) > MAX_VALUES_PER_FILTER:
            message = gettext("At most %(count)d values.") % {"count": MAX_VALUES_PER_FILTER}
            errors[facet] = [message]
    raw_query = params.get("q", "")
    query, _message = clean_query(raw_query)
    if len(raw_query) > MAX_QUERY_LENGTH:
        message = gettext("At most %(count)d characters.") % {"count": MAX_QUERY_LENGTH}
        errors["q"] = [message]
    elif raw_query.strip() and not query:
        errors["q"] = [gettext("Type at least two letters or digits to search.")]
    sort = params.get("sort")
    if sort is not None and sort not in SORTS:
        errors["sort"] = [gettext("One of: %s.") % ", ".join(SORTS)]
    elif sort == "relevance" and not query:
        errors["sort"] = [gettext("Sorting by relevance needs a search (q).")]
    if errors:
        raise ValidationError(errors)
    catalogue = CatalogueQuery.from_get(params, widen=False)
    for facet in FACETS:
        known = catalogue.names.get(facet, {})
        unknown = [
            slug for slug in SlugListField().to_python(params.getlist(facet)) if slug not in known
        ]
        if unknown:
            errors[facet] = [gettext("Nothing has the slug %s.") % ", ".join(map(repr, unknown))]
    if errors:
        raise ValidationError(errors)
    return catalogue


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    # The query parameters a list takes; a detail takes none.
    parameters = {"page", "page_size"}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        allowed = self.parameters if self.action == "list" else set()
        unknown = [name for name in request.query_params if name not in allowed]
        if unknown:
            raise ValidationError({name: [gettext("Unknown parameter.")] for name in unknown})

    # Anonymous answers are cached like pages (cases/caching.py): by catalogue version, language
    # and full address. Inside the handler, so the rate limit and the check of unknown
    # parameters (initial) run first on every request, and a 400 or 404 the handler raises is
    # never stored.
    def list(self, request, *args, **kwargs):
        return self._cached(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._cached(super().retrieve, request, *args, **kwargs)

    def _cached(self, handler, request, *args, **kwargs):
        def build():
            # Rendered now, and kept as the JSON alone: a DRF Response would pickle its data and
            # its request, whose view holds the page of records (110 kB, 7 ms to unpickle).
            response = self.finalize_response(request, handler(request, *args, **kwargs))
            response.render()
            return HttpResponse(
                response.content, status=response.status_code, headers=response.headers
            )

        return cached_response(request, build)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Public, anonymous data: any site may read it from a browser.
        response["Access-Control-Allow-Origin"] = "*"
        return response


def _facet_description(label):
    return gettext(
        "%(label)s, by slug. Repeat the parameter for several values: a practice matching "
        "any of them is listed; different parameters narrow the list."
    ) % {"label": label}


def _facet_parameter(name, label):
    return OpenApiParameter(
        name,
        {"type": "array", "items": {"type": "string"}},
        # Lazy as a whole: the schema is built in the language of the documentation page.
        description=lazy(_facet_description, str)(label),
        explode=True,
    )


PRACTICE_LIST_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description=gettext_lazy(
            'Words to search for, as in the catalogue: every word must match; "quoted phrases" '
            "stay whole."
        ),
    ),
    *(_facet_parameter(name, PracticeFilter.base_filters[name].label) for name in FACETS),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=list(SORTS),
        description=gettext_lazy(
            "Order: newest first (the default), by title, or by relevance to q."
        ),
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Good practices, filtered and searched as in the catalogue"),
        parameters=PRACTICE_LIST_PARAMETERS,
    ),
    retrieve=extend_schema(summary=gettext_lazy("One good practice, with its source and quote")),
)
class PracticeViewSet(ReadOnlyViewSet):
    parameters = {*ReadOnlyViewSet.parameters, *PracticeFilter.base_filters, "sort"}

    def get_queryset(self):
        if self.action == "list":
            # The catalogue's own results (its index): the same practices in the same order.
            return api_catalogue(self.request.query_params).results(headlines=False)
        return practices_with_everything(GoodPractice.objects.public())

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.PracticeCardSerializer
        return serializers.PracticeSerializer


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Challenges, with their published practices counted")),
    retrieve=extend_schema(summary=gettext_lazy("One challenge")),
)
class ChallengeViewSet(ReadOnlyViewSet):
    serializer_class = serializers.ChallengeSerializer

    def get_queryset(self):
        return challenges_with_counts().order_by("name")


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Cities, with their published practices counted")),
    retrieve=extend_schema(summary=gettext_lazy("One city")),
)
class CityViewSet(ReadOnlyViewSet):
    serializer_class = serializers.CitySerializer

    def get_queryset(self):
        return cities_with_counts().order_by("name", "pk")


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Published event reports, newest first")),
    retrieve=extend_schema(summary=gettext_lazy("One event report")),
)
class EventViewSet(ReadOnlyViewSet):
    serializer_class = serializers.EventSerializer

    def get_queryset(self):
        if self.action == "list":
            return events_newest_first(events_with_everything(Event.objects.published()))
        return events_with_everything(Event.objects.public())


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Sources that published records cite")),
    retrieve=extend_schema(summary=gettext_lazy("One source")),
)
class SourceViewSet(ReadOnlyViewSet):
    serializer_class = serializers.SourceSerializer

    def get_queryset(self):
        return cited_sources().order_by("title", "pk")


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("People the sources name, with what they said")),
    retrieve=extend_schema(summary=gettext_lazy("One person")),
)
class PersonViewSet(ReadOnlyViewSet):
    serializer_class = serializers.PersonSerializer

    def get_queryset(self):
        return people_with_everything().order_by("name", "pk")
