"""The catalogue page (/practices/) as a reader asked for it, and the links that change it.

`CatalogueQuery` reads the search, the filters, the sort and the expanded facet from the query
string once; its methods build what the page shows around the results: facet groups with counts,
removable chips, and for an empty result which single filter to drop. Each link keeps the other
parameters and goes back to the first page.
"""

import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy

from .catalogue_index import Posting, catalogue_index
from .filters import FACETS, PracticeFilter, name_selected
from .models import GoodPractice
from .search import (
    clean_query,
    corrected_query,
    parse_question,
    ranked_matches,
    single_lexeme,
    snippet,
)
from .selectors import (
    PAGE_SIZE,
    IndexedResults,
    challenge_texts,
    published_practice_count,
)
from .stop_words import STOP_WORDS

# Values shown per facet until the reader asks for all of one facet (?facet=city).
FACET_TOP = 10
# A search whose every word finds fewer practices than this shows those with any of its words,
# those with the most words first: a question of six words rarely has all six in one practice.
ANY_WORD_BELOW = 3
SORTS = {
    "relevance": gettext_lazy("Relevance"),
    "newest": gettext_lazy("Newest"),
    "title": gettext_lazy("Title"),
}

# Facets whose values the site names in the reader's language (choices); the others are what
# records say (challenges, cities, tags...), in the language they were written in.
CHOICE_FACETS = {"kind", "region", "stage"}


def _with(params, name, value):
    """The query string of `params` with `name` set to `value`, on the first page."""
    params = params.copy()
    params.pop("page", None)
    params[name] = value
    return f"?{params.urlencode()}"


def _without(params, name, value=None):
    """The query string of `params` without one value of `name` (all of them when None)."""
    params = params.copy()
    params.pop("page", None)
    if value is None:
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    return f"?{params.urlencode()}"


@dataclass
class CatalogueQuery:
    query: str  # the search as run: cleaned and shortened ("" for none)
    search_message: str  # why the search was changed, for the reader ("" when it was not)
    # The cleaned parameters (query shortened, unknown values dropped) for every link.
    params: QueryDict
    filter: PracticeFilter
    selected: dict  # {facet: [slugs]} of the values that exist
    names: dict  # {facet: {slug: name}} of the selected values
    unknown: list  # slugs asked for that do not exist, left out
    sort: str
    expanded: str  # the facet whose every value is listed
    # Whether a search whose every word finds too little shows the practices with any word
    # (the catalogue) or stays as asked (the API, whose clients expect what they typed).
    widen: bool = True
    any_word: bool = False  # set by page(): every word found too little, any word is shown
    found: int | None = None  # set by page(): how many practices the page's search found

    @classmethod
    def from_get(cls, get, *, widen=True, named_by_index=True):
        """Read request.GET. The catalogue index names the chosen values that have published
        practices; one query per facet names the others (every value when not
        `named_by_index`: an export reads no practice before it streams)."""
        query, search_message = clean_query(get.get("q", ""))
        params = get.copy()
        params.pop("q", None)
        if query:
            params["q"] = query
        published = GoodPractice.objects.published()
        practice_filter = PracticeFilter(params, queryset=published)
        selected = practice_filter.selected()
        names = name_selected(selected, catalogue_index().names if named_by_index else None)
        unknown = [
            slug for facet, slugs in selected.items() for slug in slugs if slug not in names[facet]
        ]
        if unknown:
            # Ignore what doesn't exist (an old bookmark, a typo) rather than show nothing.
            for facet, slugs in selected.items():
                params.setlist(facet, [slug for slug in slugs if slug in names[facet]])
            practice_filter = PracticeFilter(params, queryset=published)
            selected = practice_filter.selected()
        sort = get.get("sort", "")
        if sort not in SORTS or (sort == "relevance" and not query):
            sort = "relevance" if query else "newest"
        return cls(
            query=query,
            search_message=search_message,
            params=params,
            filter=practice_filter,
            selected=selected,
            names=names,
            unknown=unknown,
            sort=sort,
            expanded=get.get("facet", ""),
            widen=widen,
        )

    @property
    def filter_count(self):
        """How many facet values narrow the result (the search has a box of its own)."""
        return sum(len(slugs) for slugs in self.selected.values())

    @property
    def active_count(self):
        """How many values narrow the result, the search included."""
        return self.filter_count + bool(self.query)

    @cached_property
    def _index(self):
        return catalogue_index()

    @cached_property
    def _search(self):
        """((places, ranks), bits) of the search's published matches (see the index's
        placed()), or (None, None) without a search. For a word the index holds the best
        matches of (a frequent word, see CatalogueIndex.build_postings), (its Posting, bits).

        When every word finds fewer than ANY_WORD_BELOW practices under the filters, the search
        (and from then on the facets and suggestions) keeps the practices with any word: one
        more query.
        """
        if not self.query:
            return None, None
        postings = self._index.postings
        if postings and (posting := postings.get(single_lexeme(self.query))):
            return posting, posting.bits  # a frequent word (one word: nothing to widen)
        places, placed = self._index.placed(ranked_matches(self.query))
        few = self._index.matching(self.selected, places).bit_count() < ANY_WORD_BELOW
        if few and self.widen and parse_question(self.query).can_widen:
            self.any_word = True
            self.filter = PracticeFilter(self.params, queryset=self.filter.queryset, any_word=True)
            self.filter.is_valid()  # cleans the form, as the first filter's was
            places, placed = self._index.placed(ranked_matches(self.query, any_word=True))
        return placed, places

    @property
    def settled_filter(self):
        """The filter of what the page shows: once a search that found too little has widened
        to any word, that one (exports of the view read it)."""
        self._search  # noqa: B018
        return self.filter

    def _matching(self, *, without=None):
        """Places of the practices that every active filter but `without` keeps ("q": all but
        the search)."""
        _ranks, places = self._search
        return self._index.matching(
            self.selected, None if without == "q" else places, without=without
        )

    def _ids_between(self, start, stop):
        index, bits = self._index, self._matching()
        if self.sort == "relevance" and self.query:
            ranked = self._search[0]
            if isinstance(ranked, Posting):
                ids = ranked.page(index, bits, start, stop)
                if ids is not None:
                    return ids
                # Past the best matches held: every match, ranked by the database.
                ranked = index.placed(ranked_matches(self.query))[1]
            return index.ranked_ids(ranked, bits, start, stop)
        return index.page_ids(bits, start, stop, by_title=self.sort == "title")

    def results(self, *, headlines=True):
        """Every matching practice, in the reader's order, as Paginator reads them: the
        catalogue index (cases/catalogue_index.py) counts and picks a page's practices, the
        search is one query of ids and ranks, then one query reads the page's cards (with
        their marked matches when `headlines`)."""
        self._search  # noqa: B018 (decides any_word before the results are counted)
        return IndexedResults(
            count=self._matching().bit_count(),
            ids_between=self._ids_between,
            query=self.query if headlines else "",
            any_word=self.any_word,
        )

    def newest_ids(self, count):
        """Ids of the `count` newest practices of the view (its feed), whatever the sort."""
        self._search  # noqa: B018
        return self._index.page_ids(self._matching(), 0, count)

    def page(self, number):
        """One page of result cards; when searching, each with a `snippet` of marked matches."""
        results = self.results()
        paginator = Paginator(results, PAGE_SIZE)
        self.found = paginator.count
        page = paginator.get_page(number)
        if self.query:
            for practice in page:
                practice.snippet = snippet(practice, self.query)
        return page

    def sorts(self):
        """The orders the reader may choose: relevance only for a search."""
        return {key: label for key, label in SORTS.items() if self.query or key != "relevance"}

    def facet_groups(self):
        """Every facet with its most frequent values (all of them when expanded), for the form."""
        index = self._index
        return [
            self._facet_group(facet, index.counts(facet, self._matching(without=facet)))
            for facet in FACETS
        ]

    def _facet_group(self, facet, counts):
        active = self.selected.get(facet, [])
        values = [
            {"slug": slug, "name": name, "count": count, "checked": slug in active}
            for slug, name, count in counts
        ]
        hidden = 0
        if facet != self.expanded and len(values) > FACET_TOP:
            # The top values and the ticked ones: every city and tag would make a heavy page.
            shown = values[:FACET_TOP] + [v for v in values[FACET_TOP:] if v["checked"]]
            hidden = len(values) - len(shown)
            values = shown
        # A selected value with no result under the other filters stays, so it can be unticked.
        listed = {value["slug"] for value in values}
        values += [
            {"slug": slug, "name": self.names[facet][slug], "count": 0, "checked": True}
            for slug in active
            if slug not in listed
        ]
        return {
            "name": facet,
            "is_content": facet not in CHOICE_FACETS,
            "label": self.filter.filters[facet].label,
            "values": values,
            "active": len(active),
            "hidden": hidden,
            "all_url": _with(self.params, "facet", facet) if hidden else "",
            "is_expanded": facet == self.expanded,
        }

    def chips(self, *, linked_elsewhere=()):
        """One chip per active value (and the search), each linking to the page without it,
        unless that address is in `linked_elsewhere`: then the chip is only a label."""
        removals = [
            (
                self.filter.filters[facet].label,
                self.names[facet][slug],
                _without(self.params, facet, slug),
                facet not in CHOICE_FACETS,
            )
            for facet, slugs in self.selected.items()
            for slug in slugs
        ]
        if self.query:
            removals.insert(0, (gettext("Search"), self.query, _without(self.params, "q"), False))
        return [
            {
                "label": label,
                "name": name,
                "remove_url": url,
                "is_link": url not in linked_elsewhere,
                "is_content": is_content,
            }
            for label, name, url, is_content in removals
        ]

    @cached_property
    def _corrected(self):
        """For a search that found too little (after page()): the query with its words that no
        practice holds replaced by the nearest words of the catalogue, or ""."""
        if not self.query or not (self.any_word or not self.found):
            return ""
        corrected = corrected_query(self.query)
        return "" if corrected == self.query else corrected

    def did_you_mean(self):
        """{query, url} of the corrected search, or None."""
        if not self._corrected:
            return None
        return {"query": self._corrected, "url": _with(self.params, "q", self._corrected)}

    def challenge_offer(self):
        """For a search about a challenge not yet chosen and with published practices:
        {name, count, url} of it, or None. Matching is done on the cached texts of the
        challenges; only an offered challenge is counted (one small query)."""
        if not self.query:
            return None
        texts, chosen = challenge_texts(), self.selected.get("challenge", [])
        offer = challenge_offer(self.query, texts, exclude=chosen)
        if offer is None and self._corrected:
            # "cyber securty" is about Cyber security too.
            offer = challenge_offer(self._corrected, texts, exclude=chosen)
        if offer is None:
            return None
        slug, name = offer
        count = published_practice_count(slug)
        if not count:
            return None
        return {"name": name, "count": count, "url": _with(QueryDict(), "challenge", slug)}

    def suggestions(self):
        """For an empty result, the nearest changes that show practices: which single filter to
        drop; when dropping any one still shows nothing, which one to keep alone. Each
        {label, count, url, is_only}; counted on the catalogue index, no query."""
        names = [*self.selected, "q"] if self.query else list(self.selected)
        suggestions = []
        for name in names:
            count = self._matching(without=name).bit_count()
            if count:
                suggestions.append(self._suggestion(name, count, _without(self.params, name)))
        if suggestions or len(names) < 3:
            # With two filters, keeping one alone is dropping the other.
            return suggestions
        for name in names:
            if name == "q":
                count = self._index.matching({}, self._search[1]).bit_count()
            else:
                count = self._index.matching({name: self.selected[name]}).bit_count()
            if count:
                params = self.params.copy()
                for other in names:
                    if other != name:
                        params.pop(other, None)
                url = _without(params, "page")
                suggestions.append(self._suggestion(name, count, url, is_only=True))
        return suggestions

    def _suggestion(self, name, count, url, *, is_only=False):
        label = self.filter.filters[name].label
        return {"label": label, "count": count, "url": url, "is_only": is_only}


_LETTERS = re.compile(r"[^\W\d_]+")
# A word of the question found in more challenges than this share of them is too common
# ("digital", "city") to point at one.
COMMON_IN_CHALLENGES = 0.2


def _content_words(text):
    return {word for word in _LETTERS.findall(text.lower()) if word not in STOP_WORDS}


# Endings a light stemmer takes as one word: "departments", "stopped", "digitalisation".
_ENDINGS = frozenset(
    [
        *("s", "es", "ed", "d", "ing", "ings", "er", "ers", "e", "y", "ies", "ied", "ly"),
        *("al", "ally", "ic", "ical", "ics", "ity", "ities", "ion", "ions", "ation", "ations"),
        *("ment", "ments", "ise", "ised", "ises", "ize", "ized", "izes", "isation", "ization"),
        "ive",
    ]
)


def _ending(word, stem):
    rest = word[len(stem) :]
    # A doubled last letter before an ending: "stopped", "planning".
    if rest[:1] == stem[-1:] and rest[1:] in _ENDINGS:
        return True
    return rest == "" or rest in _ENDINGS


def _same_word(one, other):
    """A light stemmer: equal, or the same stem of three letters or more with an English
    ending each ("departments" and "department", "stopped" and "stops", "politics" and
    "political"; not "publish" and "public", nor "community" and "communication")."""
    if one == other:
        return True
    for length in range(min(len(one), len(other)), 2, -1):
        stem = one[:length]
        if other.startswith(stem) and _ending(one, stem) and _ending(other, stem):
            return True
    return False


def _matched(words, text_words):
    return {word for word in words if any(_same_word(word, other) for other in text_words)}


def challenge_offer(query, challenges, *, exclude=()):
    """The challenge a question is about: (slug, name), or None.

    A challenge qualifies when two words of the question are in its name or definition, or
    when the question is one word of its name ("silos"); the one with most matched words (name
    words counting twice) wins. Words found in more than a fifth of the challenges are not
    counted.
    """
    texts = [
        (slug, name, _content_words(name), _content_words(f"{name} {definition}"))
        for slug, name, definition in challenges
        if slug not in exclude
    ]
    common = max(2, COMMON_IN_CHALLENGES * len(challenges))
    words = {
        word
        for word in _content_words(" ".join(parse_question(query).terms))
        if len([text for *_, text in texts if _matched({word}, text)]) <= common
    }
    best, best_score = None, 0
    for slug, name, name_words, text_words in texts:
        in_name, matched = _matched(words, name_words), _matched(words, text_words)
        score = len(matched) + len(in_name)
        qualifies = len(matched) > 1 or (len(words) == 1 and in_name)
        if qualifies and score > best_score:
            best, best_score = (slug, name), score
    return best
