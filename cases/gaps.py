"""Where peer learning is missing: which cities raised a challenge and which have a practice for it.

Both come from the evidence roles, never from presence alone:
- a city *raised* a challenge when it took part in or presented at a published event the
  challenge is linked to (EventCity, any role);
- a city *has a practice* for a challenge when it did or presented a published record about it
  that is not a recommendation (PracticeCity.objects.own()). Being in the room where a practice
  was shared, or being the subject of a source, never makes a city a doer.

A challenge is *open* when several cities raised it and few have a practice of their own for it:
that is where cities facing the same problem most need to find each other.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from challenges.models import Challenge

from .catalogue_index import catalogue_index
from .models import City, EventCity, PracticeCity, Status

# Open: at least this many cities raised it (one city alone has no one to find)...
OPEN_MIN_RAISED = 2
# ...and at most this share of as many cities have a practice of their own for it.
OPEN_MAX_DOER_SHARE = 0.5
# How many of the cities that raised an open challenge the overview names.
NAMED_CITIES = 6


def is_open(*, raised, doers):
    return raised >= OPEN_MIN_RAISED and doers <= raised * OPEN_MAX_DOER_SHARE


def _raised_links():
    return EventCity.objects.filter(event__status=Status.PUBLISHED)


def _own_links():
    return PracticeCity.objects.own().filter(goodpractice__status=Status.PUBLISHED)


@dataclass
class ChallengeCities:
    """The cities facing one challenge, each once with `raised` and `has_practice`, by name."""

    cities: list

    @property
    def raised(self):
        return sum(city.raised for city in self.cities)

    @property
    def doers(self):
        return sum(city.has_practice for city in self.cities)

    @property
    def is_open(self):
        return is_open(raised=self.raised, doers=self.doers)


def cities_of_challenge(challenge):
    """The cities that raised the challenge or have a practice for it: one query."""
    raised = _raised_links().filter(city=OuterRef("pk"), event__challenges=challenge)
    own = _own_links().filter(city=OuterRef("pk"), goodpractice__challenges=challenge)
    cities = (
        City.objects.annotate(raised=Exists(raised), has_practice=Exists(own))
        .filter(Q(raised=True) | Q(has_practice=True))
        .select_related("country")
        .order_by("name", "slug")
    )
    return ChallengeCities(list(cities))


@dataclass
class ChallengePicture:
    """One challenge in the overview: the cities that raised it and how many have a practice."""

    challenge: Challenge
    raising_cities: list = field(default_factory=list)  # (name, country) pairs, by name
    doers: int = 0

    @property
    def raised(self):
        return len(self.raising_cities)

    @property
    def is_open(self):
        return is_open(raised=self.raised, doers=self.doers)

    @property
    def gap(self):
        return self.raised - self.doers

    @property
    def named_cities(self):
        return self.raising_cities[:NAMED_CITIES]

    @property
    def unnamed_count(self):
        return max(0, self.raised - NAMED_CITIES)


def challenge_pictures():
    """(open challenges, the other challenges): two queries for the whole vocabulary, and the
    catalogue index (cases/catalogue_index.py).

    Open challenges come first by gap (cities that raised it less cities with a practice), then
    by fewest cities with a practice, then by name; the others by name.
    """
    pictures = {
        challenge.pk: ChallengePicture(challenge)
        for challenge in Challenge.objects.select_related("theme").order_by("name")
    }
    # A city at several events on one challenge raised it once.
    raising = (
        _raised_links()
        .filter(event__challenges__isnull=False)
        .values_list("event__challenges", "city__name", "city__slug", "city__country__name")
        .order_by("city__name", "city__slug")
        .distinct()
    )
    for challenge_id, city, _slug, country in raising:
        pictures[challenge_id].raising_cities.append((city, country))
    # Which cities have a practice of their own for each challenge: the catalogue index.
    for challenges in catalogue_index().own_challenges().values():
        for challenge_id in challenges:
            if challenge_id in pictures:
                pictures[challenge_id].doers += 1
    open_ones = sorted(
        (picture for picture in pictures.values() if picture.is_open),
        key=lambda picture: (-picture.gap, picture.doers, picture.challenge.name),
    )
    others = [picture for picture in pictures.values() if not picture.is_open]
    return open_ones, others
