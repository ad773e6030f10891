"""Full-text search over good practices: PostgreSQL's own search, SQLite's FTS5 on the default.

Call practice_refresh_search(practice_ids=[...]) after a practice, its challenges, cities,
events or tags change (publishing, editing, seeding): search reads only what it stored.

Each database has one backend, chosen once, and both behave alike. Words are stemmed the
English way ("budgets" finds "budget", "skills gaps" finds "skills gap"), case is ignored in
every alphabet, every word must match and "quoted phrases" stay whole. PostgreSQL stores a
weighted tsvector (GIN index, migration 0004_search) and reads the query as a web search
(`or`, `-word` too); SQLite keeps a table of its FTS5 module with the porter stemmer (migration
0006_search_fts5). Weights: A the title; B the summary, the challenge, city, country and tag
names; C every other text. Only the catalogue's own filters decide what is public: search
never looks at status.
"""

import functools
import re
from collections.abc import Iterable
from itertools import batched
from typing import NamedTuple

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import F, FloatField, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import GoodPractice

MIN_QUERY_CHARACTERS = 2
MAX_QUERY_LENGTH = 200
REFRESH_BATCH_SIZE = 1000
# Both backends mark matches in a headline with these; the rest of the headline is escaped
# before they become <mark> tags, so text written by editors can never inject HTML.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"

_WORD = re.compile(r"\w+")
_PHRASE_OR_WORD = re.compile(r'"([^"]+)"|(\S+)')
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw: str) -> tuple[str, str]:
    """Return the query to run ("" for none) and a message for the reader ("" when all is well)."""
    query = " ".join(_CONTROL_CHARACTERS.sub(" ", raw or "").split())
    message = ""
    if len(query) > MAX_QUERY_LENGTH:
        # Cut at the last whole word: half a word would match nothing.
        cut = query[: MAX_QUERY_LENGTH + 1]
        query = cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_QUERY_LENGTH]
        message = f"Your search was shortened to its first {MAX_QUERY_LENGTH} characters."
    if query and len("".join(_WORD.findall(query))) < MIN_QUERY_CHARACTERS:
        return "", "Type at least two letters or digits to search."
    return query, message


class Document(NamedTuple):
    """What search stores of one practice, by weight."""

    practice_id: int
    title: str  # A
    summary: str  # B
    names: str  # B: challenges, cities, countries, tags
    texts: str  # C: the longer texts, themes, events


def _document(practice) -> Document:
    challenges = list(practice.challenges.all())
    cities = list(practice.cities.all())
    # dict.fromkeys drops repeats in order: a set's order changes from one process to the next,
    # and what is stored for the seed must not.
    names = [
        *(challenge.name for challenge in challenges),
        *dict.fromkeys(city.name for city in cities),
        *dict.fromkeys(city.country.name for city in cities),
        *(tag.name for tag in practice.tags.all()),
    ]
    texts = [
        practice.description,
        practice.results,
        practice.lessons,
        practice.transfer_conditions,
        practice.source_quote,
        *dict.fromkeys(challenge.theme.name for challenge in challenges),
        *(event.title for event in practice.events.all()),
    ]
    return Document(practice.pk, practice.title, practice.summary, " ".join(names), " ".join(texts))


class SearchBackend:
    """What both databases do alike: read the practices, mark a snippet."""

    def refresh(self, practice_ids: Iterable[int] | None = None) -> int:
        practices = GoodPractice.objects.prefetch_related(
            "challenges__theme", "cities__country", "tags", "events"
        ).order_by("pk")
        if practice_ids is not None:
            practices = practices.filter(pk__in=list(practice_ids))
        count = 0
        for batch in batched(practices.iterator(chunk_size=REFRESH_BATCH_SIZE), REFRESH_BATCH_SIZE):
            # Raw SQL, not save(): no updated_at bump, no signals, one statement per batch.
            self.write([_document(practice) for practice in batch])
            count += len(batch)
        return count

    def snippet(self, practice) -> SafeString:
        headline = getattr(practice, "headline", None)
        if not headline:
            return escape(practice.summary)
        marked = escape(headline).replace(HIGHLIGHT_START, "<mark>")
        return mark_safe(marked.replace(HIGHLIGHT_STOP, "</mark>"))  # noqa: S308 (escaped above)

    def write(self, documents: list[Document]) -> None:
        raise NotImplementedError

    def filter(self, queryset, query: str):
        raise NotImplementedError

    def annotate_relevance(self, queryset, query: str):
        raise NotImplementedError

    def documents(self, practice_ids: Iterable[int]) -> dict[int, object]:
        """What is stored for these practices, by id: for tests and for looking into search."""
        raise NotImplementedError


class PostgresSearch(SearchBackend):
    # The catalogue is written in English. Names of cities and challenges survive the stemmer,
    # which only trims English endings.
    config = "english"
    _update = (
        "UPDATE cases_goodpractice AS practice SET "
        "search_vector = setweight(to_tsvector(%s::regconfig, batch.title), 'A') "
        "|| setweight(to_tsvector(%s::regconfig, batch.names), 'B') "
        "|| setweight(to_tsvector(%s::regconfig, batch.texts), 'C') "
        "FROM {batch} WHERE practice.id = batch.id"
    )

    def write(self, documents):
        # Only placeholders are joined into the text; every value is a query parameter.
        values = ", ".join(["(%s, %s, %s, %s)"] * len(documents))
        parameters = [self.config] * 3
        for document in documents:
            names = " ".join([document.summary, document.names])
            parameters += [document.practice_id, document.title, names, document.texts]
        with connection.cursor() as cursor:
            batch = f"(VALUES {values}) AS batch (id, title, names, texts)"
            cursor.execute(self._update.format(batch=batch), parameters)

    def _query(self, query):
        return SearchQuery(query, search_type="websearch", config=self.config)

    def filter(self, queryset, query):
        return queryset.filter(search_vector=self._query(query))

    def annotate_relevance(self, queryset, query):
        search_query = self._query(query)
        return queryset.annotate(
            rank=SearchRank(F("search_vector"), search_query),
            headline=SearchHeadline(
                Concat("summary", Value(" "), "description", output_field=TextField()),
                search_query,
                config=self.config,
                start_sel=HIGHLIGHT_START,
                stop_sel=HIGHLIGHT_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )

    def documents(self, practice_ids):
        stored = GoodPractice.objects.filter(pk__in=list(practice_ids), search_vector__isnull=False)
        return dict(stored.values_list("pk", "search_vector"))


class SQLiteSearch(SearchBackend):
    # The FTS5 table of migration 0006_search_fts5: its rowid is the practice's id, and a
    # trigger deletes the row with the practice. _rank and _headline name the practices' table:
    # annotate querysets of GoodPractice, not subqueries that alias it.
    table = "practice_search"
    _matching = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"  # noqa: S608 (constants)
    # bm25() with weights per column (title, summary, names, texts), in the ratios of
    # PostgreSQL's default ts_rank weights for A, B, B and C. It counts the documents that hold
    # each word on every call, so a subquery per practice cost 13 s for a common word at 10,000
    # practices; ranked once per statement (MATERIALIZED) and looked up, 40 ms.
    _rank = (
        "WITH ranked AS MATERIALIZED ("  # noqa: S608 (constants; the query is a parameter)
        f"SELECT rowid AS id, -bm25({table}, 10.0, 4.0, 4.0, 2.0) AS rank FROM {table} "
        f"WHERE {table} MATCH %s) SELECT rank FROM ranked WHERE ranked.id = cases_goodpractice.id"
    )
    # Up to 35 words of the summary around the matches (PostgreSQL also looks in the
    # description). One subquery per practice is cheap: SQLite runs it after sorting, only for
    # the rows up to the end of the page.
    _headline = (
        f"SELECT snippet({table}, 1, char(2), char(3), '…', 35) FROM {table} "  # noqa: S608
        f"WHERE {table} MATCH %s AND rowid = cases_goodpractice.id"
    )

    def write(self, documents):
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR REPLACE INTO {self.table} "  # noqa: S608 (a constant)
                "(rowid, title, summary, names, texts) VALUES (%s, %s, %s, %s, %s)",
                documents,
            )

    def _match(self, query):
        """The query as an FTS5 expression: every word and "quoted phrase" as a quoted string.

        Quoting makes anything typed a plain string to FTS5 (no operators, no column filters);
        FTS5 runs it through the table's tokenizer, so a word like "open-source" becomes the
        phrase "open source", as on PostgreSQL. An empty phrase ("") matches nothing.
        """
        terms = []
        for phrase, word in _PHRASE_OR_WORD.findall(query):
            term = phrase or word
            if _WORD.search(term):
                terms.append('"' + term.replace('"', '""') + '"')
        return " ".join(terms) or '""'

    # RawSQL: Django has no expression for FTS5; what the reader typed is always a parameter.
    def filter(self, queryset, query):
        return queryset.filter(pk__in=RawSQL(self._matching, [self._match(query)]))  # noqa: S611

    def annotate_relevance(self, queryset, query):
        match = self._match(query)
        return queryset.annotate(
            rank=RawSQL(self._rank, [match], output_field=FloatField()),  # noqa: S611
            headline=RawSQL(self._headline, [match], output_field=TextField()),  # noqa: S611
        )

    def documents(self, practice_ids):
        ids = list(practice_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, title, summary, names, texts FROM {self.table} "  # noqa: S608
                f"WHERE rowid IN ({', '.join(['%s'] * len(ids))})",
                ids,
            )
            return {row[0]: row[1:] for row in cursor.fetchall()}


BACKENDS = {"postgresql": PostgresSearch, "sqlite": SQLiteSearch}


@functools.cache
def backend() -> SearchBackend:
    try:
        return BACKENDS[connection.vendor]()
    except KeyError:
        raise ImproperlyConfigured(
            f"Search works on PostgreSQL and SQLite, not on {connection.vendor}."
        ) from None


# The functions the rest of CityLearn calls.


@transaction.atomic
def practice_refresh_search(*, practice_ids: Iterable[int] | None = None) -> int:
    """Rebuild what search stores of these practices (all when None); return how many.

    One statement per batch of 1,000 practices: a publish refreshes a handful, seed and the
    demo data generator thousands.
    """
    return backend().refresh(practice_ids)


def filter_matching(queryset, query: str):
    """Keep the practices that match every word of the query."""
    return backend().filter(queryset, query)


def annotate_relevance(queryset, query: str):
    """Add `rank` (higher is better) and `headline`, with the matches marked."""
    return backend().annotate_relevance(queryset, query)


def snippet(practice, query: str = "") -> SafeString:
    """The headline (or the summary) as HTML, matches wrapped in <mark>.

    Both backends mark the matches in the headline, stemmed forms too: `query` is not needed.
    """
    return backend().snippet(practice)


def stored_documents(practice_ids: Iterable[int]) -> dict[int, object]:
    return backend().documents(practice_ids)
