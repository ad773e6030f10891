"""The map of cities: which cities have published practices for the chosen filters, and where to
draw them on the country outlines of cases/data/world.json (built by scripts/build_world_map.py).
"""

import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import ngettext

from challenges.models import Challenge

from .catalogue_index import catalogue_index
from .filters import MAX_VALUES_PER_FILTER, SlugListField
from .geo import to_frame
from .models import City, Kind, Region

# About 20 KB of path data, read once per process.
WORLD = json.loads((Path(__file__).parent / "data" / "world.json").read_text())
# Mark radii in SVG units (the map is 1,000 units wide). A mark's area is in proportion to its
# city's practices: MAX_RADIUS stands for the busiest city's count, or for FULL_SCALE practices
# when no city has that many (else one practice would look as weighty as hundreds). No mark is
# smaller than MIN_RADIUS, so that each can be clicked.
MAX_RADIUS = 18
MIN_RADIUS = 3
# A city that only took part in events where practices were shared: a ring of one size.
RING_RADIUS = 4
FULL_SCALE = 20
# The catalogue's filters the map takes, with the same names and values.
FILTERS = ["kind", "challenge", "region"]
# How much of an unknown filter value the page repeats back.
SHOWN_UNKNOWN_LENGTH = 40


@dataclass
class MapFilters:
    """The map's filters from a query string: what exists is kept, what doesn't is reported."""

    kinds: list = field(default_factory=list)  # Kind values
    challenges: list = field(default_factory=list)  # Challenge objects, ordered by name
    regions: list = field(default_factory=list)  # Region values
    unknown: list = field(default_factory=list)  # values given that match nothing

    @classmethod
    def from_query(cls, query):
        given = {name: [value.strip() for value in query.getlist(name)] for name in FILTERS}
        slugs = SlugListField().to_python(given["challenge"])
        challenges = list(Challenge.objects.filter(slug__in=slugs)) if slugs else []
        kinds = [value for value in Kind.values if value in given["kind"]]
        regions = [value for value in Region.values if value in given["region"]]
        known = {
            "kind": kinds,
            "challenge": {challenge.slug for challenge in challenges},
            "region": regions,
        }
        unknown = [
            value[:SHOWN_UNKNOWN_LENGTH]
            for name, values in given.items()
            for value in values
            if value and value not in known[name]
        ]
        unknown = list(dict.fromkeys(unknown))[:MAX_VALUES_PER_FILTER]
        return cls(kinds, challenges, regions, unknown)

    @property
    def challenge_slugs(self):
        return [challenge.slug for challenge in self.challenges]

    @property
    def kind_names(self):
        return [Kind(value).label for value in self.kinds]

    @property
    def region_names(self):
        return [Region(value).label for value in self.regions]

    def query(self):
        """The same filters as a QueryDict, for links to the catalogue."""
        query = QueryDict(mutable=True)
        query.setlist("kind", self.kinds)
        query.setlist("challenge", self.challenge_slugs)
        query.setlist("region", self.regions)
        return query


@dataclass
class MapCity:
    name: str
    slug: str
    country: str
    latitude: Decimal | None
    longitude: Decimal | None
    practice_count: int
    # For a city that only took part: the events where matching practices were shared.
    event_count: int = 0
    url: str = ""

    @property
    def took_part_only(self):
        return not self.practice_count

    def label(self, language):
        """The mark's title in `language`, the page's (asked once a page, not once a city)."""
        count = self.event_count if self.took_part_only else self.practice_count
        return _label_format(self.took_part_only, count, language) % {
            "city": self.name,
            "country": self.country,
            "count": count,
        }


@lru_cache(maxsize=512)
def _label_format(took_part_only, count, language):
    """A mark's title before the city and country are put in: translated once per count (and
    language), not once per city (the map of tier L draws a thousand marks)."""
    if took_part_only:
        return ngettext(
            "%(city)s, %(country)s: took part in %(count)d event where these practices "
            "were shared (no practice of its own)",
            "%(city)s, %(country)s: took part in %(count)d events where these practices "
            "were shared (no practice of its own)",
            count,
        )
    return ngettext(
        "%(city)s, %(country)s: %(count)d practice",
        "%(city)s, %(country)s: %(count)d practices",
        count,
    )


def map_cities(filters: MapFilters) -> tuple[list[MapCity], list[MapCity]]:
    """(cities with published practices that match the filters, busiest first; the other
    cities that took part in published events where such practices were shared, by name, with
    `event_count`): one query for the cities, counted in the catalogue index.

    A city's count is what the catalogue shows for the same filters plus that city. With a
    region, only the cities in it are shown (a practice may name cities in several regions);
    for those, the catalogue's region filter adds nothing, so it is not applied twice.

    The cities that only took part are drawn apart and never counted as practices: being in the
    room where a practice was shared is not doing it (the catalogue does not count them for
    the city either).
    """
    index = catalogue_index()
    chosen = {"kind": filters.kinds, "challenge": filters.challenge_slugs}
    matching = index.matching({facet: values for facet, values in chosen.items() if values})
    # Published events where matching practices were shared.
    shared_at = {
        event
        for event, practices in index.by_id["event"].items()
        if index.events.is_published(event) and practices & matching
    }
    cities = City.objects.order_by("name", "slug")
    if filters.regions:
        cities = cities.filter(country__region__in=filters.regions)
    columns = ["pk", "name", "slug", "country__name", "latitude", "longitude"]
    # reverse() once, not once per city (the map of tier L draws a thousand): a slug needs no
    # quoting in a path.
    city_url = reverse("cases:city-detail", args=["slug"]).replace("/slug/", "/{}/")
    # Each city's practices among those matching, counted as the catalogue's city facet is
    # (no big-int operation per city).
    counts = index.value_counts("city", matching)
    with_practices, took_part = [], []
    for pk, *fields in cities.values_list(*columns):
        practice_count = counts.get(fields[1], 0)
        url = city_url.format(fields[1])
        if practice_count:
            with_practices.append(MapCity(*fields, practice_count=practice_count, url=url))
        elif event_count := len(index.events.of_city.get(pk, set()) & shared_at):
            took_part.append(MapCity(*fields, practice_count=0, event_count=event_count, url=url))
    # Sorted is stable: cities with as many practices stay by name.
    return sorted(with_practices, key=lambda city: -city.practice_count), took_part


@dataclass
class Mark:
    city: MapCity
    x: str
    y: str
    radius: str


def map_marks(cities: list[MapCity], took_part: list[MapCity] = ()) -> list[Mark]:
    """One circle per city with coordinates, its area in proportion to its practices; then a
    small ring for each city that only took part.

    In drawing order, largest first, so that small marks lie on top and stay clickable.
    """
    placed = [city for city in cities if city.latitude is not None]
    rings = [city for city in took_part if city.latitude is not None]
    full_scale = max([FULL_SCALE, *(city.practice_count for city in placed)])
    marks = []
    for city in sorted(placed, key=lambda city: -city.practice_count):
        x, y = to_frame(float(city.longitude), float(city.latitude))
        radius = max(MIN_RADIUS, MAX_RADIUS * math.sqrt(city.practice_count / full_scale))
        # A tenth of a unit is finer than a screen pixel and keeps 1,000 marks light.
        marks.append(Mark(city, f"{x:.1f}", f"{y:.1f}", f"{radius:.1f}"))
    for city in rings:
        x, y = to_frame(float(city.longitude), float(city.latitude))
        marks.append(Mark(city, f"{x:.1f}", f"{y:.1f}", f"{RING_RADIUS:.1f}"))
    return marks
