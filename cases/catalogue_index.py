"""The published catalogue in a worker's memory: which practices hold each facet value.

Counting facets in SQL read every matching link row, once per facet, for every filter state
(issue 13: 1 to 10 s at 100,000 practices). Here every published practice has a place in the
catalogue's newest-first order (-published_at, title), and every facet value the set of places
of its practices, as a Python int used as a bitset. A filter state is then a few ANDs and ORs;
a facet count is the popcount of an AND; a page of results is the 20 set bits after the first
(page - 1) * 20, in either order the catalogue sorts by, with no OFFSET.

The index is rebuilt when the catalogue changes: it is keyed by CatalogueState.version, which
moves on the commit of any catalogue write (cases.caching.bump_catalogue_version), so emptying
the cache does not rebuild it (see catalogue_index()). Building costs one query for the
practices, one for their order by title and one per link table.
"""

import heapq
import threading
from dataclasses import dataclass
from itertools import islice

from .caching import catalogue_version
from .models import (
    PUBLIC_STATUSES,
    CatalogueState,
    GoodPractice,
    Kind,
    PracticeChallenge,
    PracticeCity,
    Region,
    TaggedPractice,
)

# Facets named by choices: their values' names are the site's labels, not records' names.
CHOICE_NAMES = {
    "kind": dict(Kind.choices),
    "stage": dict(GoodPractice.Stage.choices),
    "region": dict(Region.choices),
}
FACETS = ["kind", "challenge", "theme", "tag", "city", "country", "region", "event", "stage"]
# Each byte's set bits, low bit first: a page is found a byte at a time.
_BYTE_BITS = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]


def bitset(places):
    """An int whose bits are `places`."""
    places = list(places)
    if not places:
        return 0
    buffer = bytearray(max(places) // 8 + 1)
    for place in places:
        buffer[place >> 3] |= 1 << (place & 7)
    return int.from_bytes(buffer, "little")


def places_of(bits, start=0, stop=None):
    """The set bits of `bits` from the `start`-th to before the `stop`-th, lowest first."""
    found, taken = [], 0
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index, byte in enumerate(data):
        if not byte:
            continue
        places = _BYTE_BITS[byte]
        if taken + len(places) <= start:
            taken += len(places)
            continue
        for bit in places:
            if taken >= start and (stop is None or taken < stop):
                found.append(index * 8 + bit)
            taken += 1
        if stop is not None and taken >= stop:
            break
    return found


@dataclass
class CatalogueIndex:
    version: int
    ids: list  # place -> practice id, newest first
    place: dict  # practice id -> place
    by_title: list  # places in title order
    everything: int  # every place
    values: dict  # {facet: {slug: bitset}}
    names: dict  # {facet: {slug: name}}
    cache_version: int | None = None  # the cache's catalogue version when last checked

    @classmethod
    def build(cls, version):
        published = GoodPractice.objects.published()
        rows = list(
            published.order_by("-published_at", "title", "pk").values_list("pk", "kind", "stage")
        )
        ids = [row[0] for row in rows]
        place = {pk: index for index, pk in enumerate(ids)}
        by_title = [
            place[pk] for pk in published.order_by("title", "pk").values_list("pk", flat=True)
        ]
        members = {facet: {} for facet in FACETS}
        names = {facet: {} for facet in FACETS}

        def add(facet, slug, name, practice_id):
            if practice_id in place:
                members[facet].setdefault(slug, []).append(place[practice_id])
                names[facet][slug] = name

        for pk, kind, stage in rows:
            add("kind", kind, CHOICE_NAMES["kind"].get(kind, kind), pk)
            add("stage", stage, CHOICE_NAMES["stage"].get(stage, stage), pk)
        challenge_links = PracticeChallenge.objects.values_list(
            "goodpractice_id",
            "challenge__slug",
            "challenge__name",
            "challenge__theme__slug",
            "challenge__theme__name",
        )
        for pk, slug, name, theme_slug, theme_name in challenge_links:
            add("challenge", slug, name, pk)
            add("theme", theme_slug, theme_name, pk)
        for pk, slug, name in TaggedPractice.objects.values_list(
            "content_object_id", "tag__slug", "tag__name"
        ):
            add("tag", slug, name, pk)
        city_links = PracticeCity.objects.values_list(
            "goodpractice_id",
            "city__slug",
            "city__name",
            "city__country__slug",
            "city__country__name",
            "city__country__region",
        )
        for pk, slug, name, country_slug, country_name, region in city_links:
            add("city", slug, name, pk)
            add("country", country_slug, country_name, pk)
            add("region", region, CHOICE_NAMES["region"].get(region, region), pk)
        event_links = GoodPractice.events.through.objects.filter(
            event__status__in=PUBLIC_STATUSES
        ).values_list("goodpractice_id", "event__slug", "event__title")
        for pk, slug, title in event_links:
            add("event", slug, title, pk)
        values = {
            facet: {slug: bitset(places) for slug, places in by_slug.items()}
            for facet, by_slug in members.items()
        }
        return cls(
            version=version,
            ids=ids,
            place=place,
            by_title=by_title,
            everything=(1 << len(ids)) - 1,
            values=values,
            names=names,
        )

    def bits_of(self, practice_ids):
        return bitset(self.place[pk] for pk in practice_ids if pk in self.place)

    def matching(self, selected, search=None, *, without=None):
        """The places matching every selected facet but `without` (OR within a facet), and the
        search's places when given."""
        bits = self.everything if search is None else search
        for facet, slugs in selected.items():
            if facet != without:
                values = self.values[facet]
                any_of = 0
                for slug in slugs:
                    any_of |= values.get(slug, 0)
                bits &= any_of
        return bits

    def counts(self, facet, bits):
        """[(slug, name, count)] of one facet's values among `bits`, most first: the choice
        facets in their choices' order on a tie, the others by name."""
        names = self.names[facet]
        if bits == self.everything:
            counted = [(slug, members.bit_count()) for slug, members in self.values[facet].items()]
        else:
            counted = [
                (slug, (members & bits).bit_count()) for slug, members in self.values[facet].items()
            ]
        rows = [(slug, names[slug], count) for slug, count in counted if count]
        if facet in CHOICE_NAMES:
            order = {value: index for index, value in enumerate(CHOICE_NAMES[facet])}
            return sorted(rows, key=lambda row: (-row[2], order.get(row[0], len(order))))
        return sorted(rows, key=lambda row: (-row[2], row[1]))

    def page_ids(self, bits, start, stop, *, by_title=False):
        """Ids of the matching practices from the `start`-th to before the `stop`-th, newest
        first (or by title)."""
        if not by_title:
            return [self.ids[place] for place in places_of(bits, start, stop)]
        data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
        size = len(data)
        matching = (
            place
            for place in self.by_title
            if place >> 3 < size and data[place >> 3] >> (place & 7) & 1
        )
        return [self.ids[place] for place in islice(matching, start, stop)]

    def best_shared(self, weighted, *, exclude=None, limit):
        """Ids of the `limit` practices with the highest score, then newest first (then by
        title): a practice scores `weight` for each value it shares, `weighted` being
        {facet: ([slugs], weight)}. Scores are added as bit planes (a binary counter per
        practice, one big-int operation per plane), so the work grows with the values shared,
        not with the practices that share them."""
        planes = []
        for facet, (slugs, weight) in weighted.items():
            for slug in slugs:
                for _ in range(weight):
                    carry, level = self.values[facet].get(slug, 0), 0
                    while carry:
                        if level == len(planes):
                            planes.append(0)
                        planes[level], carry = planes[level] ^ carry, planes[level] & carry
                        level += 1
        if exclude in self.place:
            # Clear the practice's own bit in every plane: it scores 0.
            own = ~(1 << self.place[exclude])
            planes = [plane & own for plane in planes]
        found = []
        for score in range((1 << len(planes)) - 1, 0, -1):
            exactly = self.everything
            for level, plane in enumerate(planes):
                exactly &= plane if score >> level & 1 else ~plane
            if exactly:
                found += places_of(exactly, 0, limit - len(found))
                if len(found) >= limit:
                    break
        return [self.ids[place] for place in found]

    def ranked_ids(self, ranks, bits, start, stop):
        """Ids of the matching practices from the `start`-th to before the `stop`-th by rank,
        then newest first (then by title): `ranks` is [(id, rank)] of the search's matches."""
        data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
        size = len(data)
        candidates = []
        for pk, rank in ranks:
            place = self.place.get(pk)
            if place is not None and place >> 3 < size and data[place >> 3] >> (place & 7) & 1:
                candidates.append((-rank, place))
        best = heapq.nsmallest(stop, candidates)[start:]
        return [self.ids[place] for _rank, place in best]


_lock = threading.Lock()
_shared = {}


def catalogue_version_in_database():
    return CatalogueState.objects.values_list("version", flat=True).first() or 0


def catalogue_index():
    """The index of the catalogue as it is now, rebuilt when the catalogue moved since the last
    build in this worker.

    The cache's catalogue version moves on the same commits, just after the database's: while
    it reads as it did when the index was last checked, no query is needed. When it moved (or
    the cache was emptied), one small query reads the database's version, and only a version
    that moved there rebuilds.
    """
    cache_version = catalogue_version()
    index = _shared.get("index")
    if index is not None and cache_version is not None and index.cache_version == cache_version:
        return index
    version = catalogue_version_in_database()
    with _lock:
        index = _shared.get("index")
        if index is None or index.version != version:
            index = CatalogueIndex.build(version)
            _shared["index"] = index
        index.cache_version = cache_version
    return index


def forget_catalogue_index():
    """Drop the built index (tests: each test's database is new, its version row is not)."""
    _shared.pop("index", None)
