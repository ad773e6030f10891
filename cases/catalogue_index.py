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

import gc
import heapq
import logging
import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import NamedTuple

import numpy as np
from django import db
from django.conf import settings
from django.db import connection
from redis.exceptions import RedisError

from . import search
from .caching import catalogue_version
from .models import (
    PUBLIC_STATUSES,
    CatalogueState,
    CityRole,
    GoodPractice,
    Kind,
    PracticeChallenge,
    PracticeCity,
    Region,
    Status,
    TaggedPractice,
)

# Facets named by choices: their values' names are the site's labels, not records' names.
CHOICE_NAMES = {
    "kind": dict(Kind.choices),
    "stage": dict(GoodPractice.Stage.choices),
    "region": dict(Region.choices),
}
FACETS = ["kind", "challenge", "theme", "tag", "city", "country", "region", "event", "stage"]
# A filtered state with fewer practices than 1 / SPARSE_BELOW of the catalogue counts its
# facets from those practices' pairs, not from every pair (CatalogueIndex._counted).
SPARSE_BELOW = 8


class FacetLinks(NamedTuple):
    """Each (practice, value) pair of a facet once, sorted by place, as arrays."""

    slugs: list  # value index -> slug
    places: np.ndarray  # per pair
    values: np.ndarray  # per pair, indexing `slugs`
    starts: np.ndarray  # place -> where its pairs start (one more entry: the end)
    every: np.ndarray  # value index -> its count in the whole catalogue


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


# A byte's mark: 1 where it holds a set bit, so that bytes.find() skips the empty ones in C.
_NONZERO = bytes([0] + [1] * 255)


def set_places(bits):
    """The set bits of `bits`, lowest first: the bytes that hold one are found in C (translate
    and find), so a few bits in a long int cost little more than converting it (places_of()
    takes a Python step per byte; a big-int operation per bit took longer still)."""
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    marks = data.translate(_NONZERO)
    found = []
    index = marks.find(1)
    while index >= 0:
        found += [index * 8 + bit for bit in _BYTE_BITS[data[index]]]
        index = marks.find(1, index + 1)
    return found


# The facet of a value's parent: a challenge's theme, a city's country, a country's region.
PARENT = {"challenge": "theme", "city": "country", "country": "region"}
_RECORDS = " UNION ALL ".join(
    [
        "SELECT 'challenge', id, slug, name, CAST(theme_id AS TEXT) FROM challenges_challenge",
        "SELECT 'theme', id, slug, name, CAST(NULL AS TEXT) FROM challenges_theme",
        "SELECT 'tag', id, slug, name, NULL FROM taggit_tag",
        "SELECT 'city', id, slug, name, CAST(country_id AS TEXT) FROM cases_city",
        "SELECT 'country', id, slug, name, region FROM cases_country",
        # Every event with its status (the event facet counts public ones only), and the events'
        # cities and challenges (city pages, the peer finder, the map, open challenges).
        "SELECT 'event', id, slug, title, status FROM cases_event",
        "SELECT 'event city', event_id, NULL, NULL, CAST(city_id AS TEXT) FROM cases_event_cities",
        "SELECT 'event challenge', event_id, NULL, NULL, CAST(challenge_id AS TEXT)"
        " FROM cases_event_challenges",
    ]
)


PracticeEvent = GoodPractice.events.through


@dataclass
class EventLinks:
    """Every event's status, cities (took part or presented) and challenges, by event id."""

    status: dict = field(default_factory=dict)
    cities: dict = field(default_factory=lambda: defaultdict(set))
    challenges: dict = field(default_factory=lambda: defaultdict(set))
    of_city: dict = field(default_factory=lambda: defaultdict(set))  # city id -> event ids
    # City id -> the challenges of the published events it took part in or presented at.
    raised: dict = field(default_factory=lambda: defaultdict(set))

    def is_published(self, event_id):
        return self.status.get(event_id) == Status.PUBLISHED

    def link_cities(self):
        """Fill `of_city` and `raised` from `cities` and `challenges`."""
        for event, cities in self.cities.items():
            for city in cities:
                self.of_city[city].add(event)
                if self.is_published(event):
                    self.raised[city] |= self.challenges.get(event, set())


def _records():
    """{facet: {id: (slug, name, parent id or region)}} of every value a link can name, and the
    events' links: one query over the small tables (challenges, themes, tags, cities,
    countries, events, the events' cities and challenges)."""
    records = {facet: {} for facet in FACETS}
    events = EventLinks()
    with connection.cursor() as cursor:
        cursor.execute(_RECORDS)
        for facet, pk, slug, name, parent in cursor.fetchall():
            if facet == "event city":
                events.cities[pk].add(int(parent))
            elif facet == "event challenge":
                events.challenges[pk].add(int(parent))
            elif facet == "event":
                events.status[pk] = parent
                if parent in PUBLIC_STATUSES:
                    records[facet][pk] = (slug, name, None)
            else:
                # Parents come as text (a region is one): ids back to numbers.
                if parent is not None and facet in ("challenge", "city"):
                    parent = int(parent)
                records[facet][pk] = (slug, name, parent)
    # A country's parent is its region, named by the site.
    records["region"] = {
        value: (value, label, None) for value, label in CHOICE_NAMES["region"].items()
    }
    events.link_cities()
    return records, events


def _grouped(pairs, place):
    """{value id: [places]} of (practice id, value id) pairs, published practices only."""
    groups = defaultdict(list)
    get = place.get
    for practice_id, value_id in pairs:
        where = get(practice_id)
        if where is not None:
            groups[value_id].append(where)
    return groups


def _merge(values, names, records, facet, key, bits):
    """OR `bits` into the value `key` (an id, or a region) of `facet`, and up to its parent."""
    if key not in records[facet]:
        return
    slug, name, parent = records[facet][key]
    values[facet][slug] = values[facet].get(slug, 0) | bits
    names[facet][slug] = name
    if parent is not None and facet in PARENT:
        _merge(values, names, records, PARENT[facet], parent, bits)


def _city_groups(links, place, recommendations):
    """{city id: [places]} of the published practices naming each city in any role, and of those
    it did, presented (recommendations left out: advice is never what a city did) or is the
    subject of, from (practice id, city id, role) links."""
    named, did, presented, about = (defaultdict(list) for _ in range(4))
    by_role = {CityRole.DID.value: did, CityRole.PRESENTED.value: presented}
    subject = CityRole.SUBJECT.value
    get = place.get
    for practice_id, city_id, role in links:
        where = get(practice_id)
        if where is None:
            continue
        named[city_id].append(where)
        if role == subject:
            about[city_id].append(where)
        elif role in by_role and where not in recommendations:
            by_role[role][city_id].append(where)
    return named, did, presented, about


def _bitsets(groups):
    return {key: bitset(places) for key, places in groups.items()}


@dataclass
class CatalogueIndex:
    version: int
    ids: list  # place -> practice id, newest first
    place: dict  # practice id -> place
    by_title: list  # places in title order
    everything: int  # every place
    values: dict  # {facet: {slug: bitset}}
    names: dict  # {facet: {slug: name}}
    # {"challenge" | "tag" | "city" | "event": {id: bitset}}: a city's practices name it in any
    # role; an event's were shared at it, whatever its status.
    by_id: dict = field(default_factory=dict)
    # {city id: bitset} of the practices it did, presented (neither holds a recommendation) or
    # is the subject of.
    did: dict = field(default_factory=dict)
    presented: dict = field(default_factory=dict)
    about: dict = field(default_factory=dict)
    events: EventLinks = field(default_factory=EventLinks)
    title_rank: list = field(default_factory=list)  # place -> its rank in by_title
    cities: dict = field(default_factory=dict)  # city id -> (name, slug, region)
    cache_version: int | None = None  # the cache's catalogue version when last checked
    _own_challenges: dict | None = None
    # Practice id -> place, -1 for a practice not published (an array indexed by id).
    place_of_id: np.ndarray = field(init=False)
    # {facet: FacetLinks}: what counts() reads for a filtered state.
    links: dict = field(init=False)
    # {facet: counts()} of the whole catalogue (its first page, every time, for every reader).
    totals: dict = field(init=False)
    # {lexeme: Posting} of the words most practices hold, built by the watcher after the rest
    # (build_postings()); a search for another word asks the database.
    postings: dict = field(default_factory=dict)
    settled: bool = False  # the watcher has held its frequent words (the benchmark waits)

    def __post_init__(self):
        self.place_of_id = np.full(max(self.place, default=0) + 1, -1, dtype=np.int32)
        self.place_of_id[list(self.place)] = list(self.place.values())
        self.links = {facet: self._links(facet) for facet in FACETS}
        self.totals = {facet: self._counted(facet, self.everything) for facet in FACETS}

    def _links(self, facet):
        """FacetLinks of a facet, in place order."""
        slugs = list(self.values[facet])
        places = [np.flatnonzero(self.mask(self.values[facet][slug])) for slug in slugs]
        values = [np.full(len(found), index, dtype=np.int32) for index, found in enumerate(places)]
        places = np.concatenate(places) if slugs else np.zeros(0, dtype=np.int64)
        values = np.concatenate(values) if slugs else np.zeros(0, dtype=np.int32)
        order = np.argsort(places, kind="stable")
        starts = np.zeros(len(self.ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(places, minlength=len(self.ids)), out=starts[1:])
        every = np.bincount(values, minlength=len(slugs))
        return FacetLinks(slugs, places[order].astype(np.int32), values[order], starts, every)

    def _pairs_of(self, bits, starts):
        """Where the pairs of the places in `bits` lie in a facet's arrays (a run per place,
        from `starts`): few practices are counted from their own pairs only."""
        kept = np.flatnonzero(self.mask(bits))
        lengths = starts[kept + 1] - starts[kept]
        # Each pair's position: its place's start, plus its rank within the place's run.
        first = np.repeat(starts[kept] - (np.cumsum(lengths) - lengths), lengths)
        return first + np.arange(len(first))

    def mask(self, bits):
        """`bits` as an array of booleans, one per place."""
        size = len(self.ids)
        data = np.frombuffer(bits.to_bytes((size + 7) // 8, "little"), dtype=np.uint8)
        return np.unpackbits(data, count=size, bitorder="little").view(bool)

    def bits_of(self, places):
        """The bitset (an int) of an array of places."""
        mask = np.zeros(len(self.ids), dtype=bool)
        mask[places] = True
        return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")

    @classmethod
    def build(cls, version):
        # By title in the database's collation, then newest first from that: one query.
        rows = list(
            GoodPractice.objects.published()
            .order_by("title", "pk")
            .values_list("pk", "kind", "stage", "published_at")
        )
        oldest = datetime.min.replace(tzinfo=UTC)
        newest_first = sorted(
            range(len(rows)), key=lambda rank: (-(rows[rank][3] or oldest).timestamp(), rank)
        )
        ids = [rows[rank][0] for rank in newest_first]
        place = {pk: index for index, pk in enumerate(ids)}
        by_title = [place[row[0]] for row in rows]
        title_rank = [0] * len(ids)
        for rank, where in enumerate(by_title):
            title_rank[where] = rank
        records, events = _records()
        values = {facet: {} for facet in FACETS}
        names = {facet: {} for facet in FACETS}
        for facet, column in (("kind", 1), ("stage", 2)):
            for value, places in _grouped(((row[0], row[column]) for row in rows), place).items():
                values[facet][value] = bitset(places)
                names[facet][value] = CHOICE_NAMES[facet].get(value, value)
        recommendations = {place[row[0]] for row in rows if row[1] == Kind.RECOMMENDATION}
        city_links = PracticeCity.objects.values_list("goodpractice_id", "city_id", "role")
        named, did, presented, about = _city_groups(city_links, place, recommendations)
        # Link tables read as pairs of ids, no join; a theme, country or region is the union of
        # its challenges', cities' or countries' sets.
        links = {
            "challenge": PracticeChallenge.objects.values_list("goodpractice_id", "challenge_id"),
            "tag": TaggedPractice.objects.values_list("content_object_id", "tag_id"),
            "event": PracticeEvent.objects.values_list("goodpractice_id", "event_id"),
        }
        by_id = {facet: _bitsets(_grouped(pairs, place)) for facet, pairs in links.items()}
        by_id["city"] = _bitsets(named)
        for facet, bitsets in by_id.items():
            for value_id, bits in bitsets.items():
                if value_id in records[facet]:  # events: public ones only
                    slug, name, parent = records[facet][value_id]
                    values[facet][slug] = bits
                    names[facet][slug] = name
                    if parent is not None:
                        _merge(values, names, records, PARENT[facet], parent, bits)
        return cls(
            version=version,
            ids=ids,
            place=place,
            by_title=by_title,
            everything=(1 << len(ids)) - 1,
            values=values,
            names=names,
            by_id=by_id,
            did=_bitsets(did),
            presented=_bitsets(presented),
            about=_bitsets(about),
            events=events,
            title_rank=title_rank,
            cities={
                pk: (name, slug, records["country"].get(country, (None, None, ""))[2])
                for pk, (slug, name, country) in records["city"].items()
            },
        )

    # Cities and their challenges: the city pages, the peer finder, open challenges, the map.

    def own(self, city_id):
        """Places of the published practices the city did or presented, recommendations left
        out (PracticeCity.objects.own())."""
        return self.did.get(city_id, 0) | self.presented.get(city_id, 0)

    def practices_of_city(self, city_id):
        """Places of the published practices naming the city in any role, and of those shared
        at the events it took part in or presented at (cases.selectors.practices_of_city)."""
        bits = self.by_id["city"].get(city_id, 0)
        for event in self.events.of_city.get(city_id, ()):
            bits |= self.by_id["event"].get(event, 0)
        return bits

    def own_challenges(self):
        """{city id: {challenge ids}} of the published practices each city did or presented:
        worked out on first use (a big-int AND per city and challenge), then kept."""
        if self._own_challenges is None:
            challenges = self.by_id["challenge"].items()
            self._own_challenges = {
                city: {challenge for challenge, bits in challenges if own & bits}
                for city in self.did.keys() | self.presented.keys()
                for own in [self.own(city)]
            }
        return self._own_challenges

    def challenges_faced_by(self, city_id):
        """Ids of the challenges of the city's own published practices and of the published
        events it took part in or presented at."""
        return self.own_challenges().get(city_id, set()) | self.events.raised.get(city_id, set())

    def cities_facing(self, challenge_ids):
        """{city id: the challenges of `challenge_ids` it faces}, for the cities facing any."""
        facing = defaultdict(set)
        for sets in (self.own_challenges(), self.events.raised):
            for city, challenges in sets.items():
                if shared := challenges & challenge_ids:
                    facing[city] |= shared
        return facing

    def first_by_source(self, sources, bits, count):
        """[(source number, place)] of the first `count` set places of `bits`, each counted in
        the first of `sources` (bitsets) that holds it, in the sources' order and then by title:
        what a peer did, then presented, then heard (cases.selectors._peer_evidence). A few
        big-int operations per source, and the places of the source that gives them."""
        found = []
        for number, source in enumerate(sources):
            if len(found) >= count or not bits:
                break
            if hits := source & bits:
                bits ^= hits
                found += [
                    (number, place)
                    for place in heapq.nsmallest(
                        count - len(found), set_places(hits), key=self.title_rank.__getitem__
                    )
                ]
        return found

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
        facets in their choices' order on a tie, the others by name.

        The whole catalogue's are counted when the index is built. Otherwise each of the
        facet's (practice, value) pairs whose practice is in `bits` is counted over arrays
        (_count_array): at 100,000 practices, a millisecond or two per facet whatever the
        filters, where a popcount per value took 10 ms for the cities alone.
        """
        if bits == self.everything:
            return self.totals[facet]
        return self._counted(facet, bits)

    def value_counts(self, facet, bits):
        """{slug: count} of one facet's values among `bits`, those counted (the map: each
        city's practices under the filters)."""
        slugs, counted = self.links[facet].slugs, self._count_array(facet, bits)
        return {slugs[value]: int(counted[value]) for value in np.flatnonzero(counted)}

    def _counted(self, facet, bits):
        names, slugs = self.names[facet], self.links[facet].slugs
        counted = self._count_array(facet, bits)
        rows = [
            (slugs[value], names[slugs[value]], int(counted[value]))
            for value in np.flatnonzero(counted)
        ]
        if facet in CHOICE_NAMES:
            order = {value: index for index, value in enumerate(CHOICE_NAMES[facet])}
            return sorted(rows, key=lambda row: (-row[2], order.get(row[0], len(order))))
        return sorted(rows, key=lambda row: (-row[2], row[1]))

    def _count_array(self, facet, bits):
        """How many places of `bits` each of the facet's values holds, as an array."""
        slugs, places, values, starts, every = self.links[facet]
        size, kept = len(self.ids), bits.bit_count()
        if bits == self.everything:
            return every
        if kept * SPARSE_BELOW < size:
            return np.bincount(values[self._pairs_of(bits, starts)], minlength=len(slugs))
        if (size - kept) * SPARSE_BELOW < size:
            # Nearly every practice (a word in all of them): all of them but the few left out.
            left_out = values[self._pairs_of(self.everything ^ bits, starts)]
            return every - np.bincount(left_out, minlength=len(slugs))
        return np.bincount(values[self.mask(bits)[places]], minlength=len(slugs))

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

    def placed(self, matches):
        """(bits, (places, ranks)) of a search's matches (cases.search.Matches), its published
        practices only, as arrays: what counting and ranking read."""
        ids, ranks = matches
        known = ids < len(self.place_of_id)
        places = self.place_of_id[ids[known]]
        published = places >= 0
        places, ranks = places[published], ranks[known][published]
        return self.bits_of(places), (places, ranks)

    def ranked_ids(self, placed, bits, start, stop):
        """Ids of the matching practices from the `start`-th to before the `stop`-th by rank,
        then newest first (then by title): `placed` is (places, ranks) of the search's matches
        (placed()), `bits` those the filters keep.

        Only the matches that can reach the page are sorted (_best()).
        """
        places, ranks = placed
        if bits != self.everything:
            kept = self.mask(bits)[places]
            places, ranks = places[kept], ranks[kept]
        return [self.ids[place] for place in _best(places, ranks, stop)[start:].tolist()]

    def build_postings(self, *, minimum=None, limit=None, best=None):
        """Hold the ranked matches of the words most practices hold (PostgreSQL: the most
        common lexemes of practice_search in its statistics, with at least `minimum` matches,
        `limit` of them), each as a Posting of its `best` matches."""
        minimum = settings.FREQUENT_WORD_MATCHES if minimum is None else minimum
        limit = settings.FREQUENT_WORDS if limit is None else limit
        best = settings.FREQUENT_WORD_BEST if best is None else best
        postings = {}
        for lexeme in search.frequent_lexemes(minimum, limit):
            bits, (places, ranks) = self.placed(search.lexeme_matches(lexeme))
            postings[lexeme] = Posting(bits, _best(places, ranks, best))
        self.postings = postings


def _best(places, ranks, count):
    """The `count` best of the places in a search's order (rank, then newest first).

    Only those that can be among them are sorted: the places ranked at least as high as the
    `count`-th best (found by a partial sort), ties included.
    """
    if count < len(ranks):
        reaching = ranks >= -np.partition(-ranks, count - 1)[count - 1]
        places, ranks = places[reaching], ranks[reaching]
    return places[np.lexsort((places, -ranks))[:count]]


@dataclass
class Posting:
    """A frequent word's published matches (bits) and the best of them in the catalogue's order
    for a search (rank, then newest first): at tier L a word in every practice costs 60 ms to
    rank in the database, and the first pages of its results are in here."""

    bits: int
    places: np.ndarray  # the best matches, in order

    def page(self, index, bits, start, stop):
        """Ids of the matches in `bits` from the `start`-th to before the `stop`-th, or None
        when the best matches held do not reach that far."""
        kept = self.places if bits == self.bits else self.places[index.mask(bits)[self.places]]
        if len(kept) < stop and len(kept) < bits.bit_count():
            return None
        return [index.ids[place] for place in kept[start:stop].tolist()]


logger = logging.getLogger(__name__)
_lock = threading.Lock()
_shared = {}


def catalogue_version_in_database():
    return CatalogueState.objects.values_list("version", flat=True).first() or 0


def _build_if_moved(version):
    """The index at `version`, built now unless this worker has it already."""
    with _lock:
        index = _shared.get("index")
        if index is None or index.version != version:
            index = CatalogueIndex.build(version)
            _shared["index"] = index
    return index


def _freeze():
    """Collect, then leave out of every later garbage collection what lives now.

    The index's lists and dicts hold about a million references at tier L, which every full
    collection walked: 120 ms, paid by whichever request set it off. The watcher freezes after
    each build (2 ms a full collection then); the index a rebuild replaces holds no cycle and is
    freed by reference counting all the same. Collecting first keeps the garbage of the moment
    out of the frozen set.
    """
    gc.collect()
    gc.freeze()


def catalogue_index():
    """The index of the catalogue as it is now, rebuilt when the catalogue moved since the last
    build in this worker (where the watcher, below, has not rebuilt it already).

    The cache's catalogue version moves on the same commits, just after the database's: while
    it reads as it did when the index was last checked, no query is needed. When it moved (or
    the cache was emptied), one small query reads the database's version, and only a version
    that moved there rebuilds.
    """
    try:
        cache_version = catalogue_version()
    except RedisError:  # a cache that raises (not citylearn.cache's): ask the database
        cache_version = None
    index = _shared.get("index")
    if index is not None and cache_version is not None and index.cache_version == cache_version:
        return index
    start_watching()
    index = _build_if_moved(catalogue_version_in_database())
    index.cache_version = cache_version
    return index


_watcher = {}
_watcher_lock = threading.Lock()


def start_watching():
    """Start, once per process, the thread that rebuilds the index soon after the catalogue
    moves, so that the first reader after a publish (in every worker) finds it built.

    Every CATALOGUE_INDEX_WATCH_SECONDS (settings; 0 turns it off, as in tests) it reads the
    database's catalogue version, one small query, and rebuilds when it moved: at tier M in
    about 0.1 s, at tier L in about a second. A reader who comes in that moment waits for the
    build under way instead of starting another. The first check runs at once, so a worker
    builds the index before its first reader (gunicorn.conf.py starts it as a worker boots).
    """
    interval = settings.CATALOGUE_INDEX_WATCH_SECONDS
    if interval <= 0 or _watcher.get("pid") == os.getpid():
        return
    with _watcher_lock:
        if _watcher.get("pid") == os.getpid():  # a forked worker starts its own
            return
        _watcher["pid"] = os.getpid()
        _watcher["stop"] = stop = threading.Event()
        _watcher["thread"] = threading.Thread(
            target=_watch, args=(interval, stop), name="catalogue-index", daemon=True
        )
        _watcher["thread"].start()


def stop_watching():
    """Stop this process's watcher and wait for it (tests)."""
    with _watcher_lock:
        if _watcher.get("pid") == os.getpid():
            _watcher["stop"].set()
            _watcher["thread"].join()
        _watcher.clear()


def _watch(interval, stop):
    warned_at = None
    while not stop.is_set():
        try:
            db.close_old_connections()  # a connection the database dropped is opened again
            built = _shared.get("index")
            index = _build_if_moved(catalogue_version_in_database())
            if index is not built:
                index.build_postings()
                index.settled = True
                _freeze()
        except db.DatabaseError:
            db.connection.close()
            if warned_at is None or time.monotonic() - warned_at > 60:
                logger.warning("Catalogue index not refreshed: the database did not answer.")
                warned_at = time.monotonic()
        stop.wait(interval)
    db.connection.close()


def forget_catalogue_index():
    """Drop the built index (tests: each test's database is new, its version row is not)."""
    _shared.pop("index", None)
