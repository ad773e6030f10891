"""The catalogue page (/practices/) as a reader asked for it, and the links that change it.

`CatalogueQuery` reads the search, the filters, the sort and the expanded facet from the query
string once; its methods build what the page shows around the results: facet groups with counts,
removable chips, and for an empty result which single filter to drop. Each link keeps the other
parameters and goes back to the first page. `peer_chips` gives the peer finder the same chips.
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext, gettext_lazy

from .caching import cache_key
from .filters import FACETS, PracticeFilter, facet_counts, name_selected
from .models import GoodPractice
from .search import clean_query, snippet
from .selectors import PAGE_SIZE, CachedCountPaginator, catalogue_practices

# Values shown per facet until the reader asks for all of one facet (?facet=city).
FACET_TOP = 10
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

    @classmethod
    def from_get(cls, get):
        """Read request.GET: one query per facet with values, to name them."""
        query, search_message = clean_query(get.get("q", ""))
        params = get.copy()
        params.pop("q", None)
        if query:
            params["q"] = query
        published = GoodPractice.objects.published()
        practice_filter = PracticeFilter(params, queryset=published)
        selected = practice_filter.selected()
        names = name_selected(selected)
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
        )

    @property
    def filter_count(self):
        """How many facet values narrow the result (the search has a box of its own)."""
        return sum(len(slugs) for slugs in self.selected.values())

    @property
    def active_count(self):
        """How many values narrow the result, the search included."""
        return self.filter_count + bool(self.query)

    def page(self, number):
        """One page of result cards; when searching, each with a `snippet` of marked matches."""
        practices = catalogue_practices(self.filter.qs, query=self.query, sort=self.sort)
        count_key = cache_key("count", self.filter.state())
        page = CachedCountPaginator(practices, PAGE_SIZE, count_key=count_key).get_page(number)
        if self.query:
            for practice in page:
                practice.snippet = snippet(practice, self.query)
        return page

    def sorts(self):
        """The orders the reader may choose: relevance only for a search."""
        return {key: label for key, label in SORTS.items() if self.query or key != "relevance"}

    def facet_groups(self):
        """Every facet with its most frequent values (all of them when expanded), for the form."""
        counts = facet_counts(self.filter)
        return [self._facet_group(facet, counts[facet]) for facet in FACETS]

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

    def suggestions(self):
        """For an empty result: which single filter to drop, and what it would show (one count
        each)."""
        suggestions = []
        for name in [*self.selected, "q"] if self.query else self.selected:
            count = self.filter.queryset_without(name).count()
            if count:
                label = self.filter.filters[name].label
                url = _without(self.params, name)
                suggestions.append({"label": label, "count": count, "url": url})
        return suggestions


def peer_chips(chosen, *, region="", region_name=""):
    """For the peer finder: one removable chip per ticked challenge and one for the region,
    each linking to the finder without it."""
    params = QueryDict(mutable=True)
    params.setlist("challenge", [challenge.slug for challenge in chosen])
    if region:
        params["region"] = region
    removals = [
        (
            gettext("Challenge"),
            challenge.name,
            _without(params, "challenge", challenge.slug),
            True,
        )
        for challenge in chosen
    ]
    if region:
        removals.append((gettext("Region"), region_name, _without(params, "region"), False))
    return [
        {"label": label, "name": name, "remove_url": url, "is_link": True, "is_content": is_content}
        for label, name, url, is_content in removals
    ]
