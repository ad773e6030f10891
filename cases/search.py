"""Full-text search over good practices: PostgreSQL's own search, a plain fallback on SQLite.

Call practice_refresh_search(practice_ids=[...]) after a practice, its challenges, cities,
events or tags change (publishing, editing, seeding): search reads only the stored columns.

PostgreSQL uses the "english" configuration: the catalogue is written in English, and stemming
lets "budgets" find "budget" and "skills gaps" find "skills gap". Names of cities and challenges
survive it (the stemmer only trims English endings). Weights: A the title; B the summary, the
challenge, city, country and tag names; C every other text.
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import GoodPractice

SEARCH_CONFIG = "english"
MIN_QUERY_CHARACTERS = 2
MAX_QUERY_LENGTH = 200
# SearchHeadline marks matches with these; the rest of the snippet is escaped before they
# become <mark> tags, so text written by editors can never inject HTML.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"

_WORD = re.compile(r"\w+")
_PHRASE_OR_WORD = re.compile(r'"([^"]+)"|(\S+)')
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


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


def _terms(query: str) -> list[str]:
    # A light reading of web-search syntax for SQLite: "quoted phrases" stay whole.
    terms = []
    for phrase, word in _PHRASE_OR_WORD.findall(query.lower()):
        if phrase.strip():
            terms.append(" ".join(phrase.split()))
        else:
            terms.extend(_WORD.findall(word))
    return terms


def _search_query(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


def filter_matching(queryset, query: str):
    """Keep the practices that match every word of the query."""
    if uses_postgres():
        return queryset.filter(search_vector=_search_query(query))
    for term in _terms(query):
        queryset = queryset.filter(search_document__contains=term)
    return queryset


def annotate_relevance(queryset, query: str):
    """Add `rank` (higher is better) and, on PostgreSQL, a `headline` with marked matches."""
    if uses_postgres():
        search_query = _search_query(query)
        return queryset.annotate(
            rank=SearchRank(F("search_vector"), search_query),
            headline=SearchHeadline(
                Concat("summary", Value(" "), "description", output_field=TextField()),
                search_query,
                config=SEARCH_CONFIG,
                start_sel=HIGHLIGHT_START,
                stop_sel=HIGHLIGHT_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
    # SQLite: a practice whose title holds the words comes before one that only mentions them.
    title_matches = [When(title__icontains=term, then=Value(1)) for term in _terms(query)]
    return queryset.annotate(
        rank=Case(*title_matches, default=Value(0), output_field=IntegerField())
        if title_matches
        else Value(0)
    )


def snippet(practice, query: str) -> SafeString:
    """The summary (or PostgreSQL's headline) as HTML, matches wrapped in <mark>."""
    headline = getattr(practice, "headline", None)
    if headline:
        marked = escape(headline).replace(HIGHLIGHT_START, "<mark>")
        return mark_safe(marked.replace(HIGHLIGHT_STOP, "</mark>"))  # noqa: S308 (escaped above)
    terms = sorted(_terms(query), key=len, reverse=True)
    if not terms:
        return escape(practice.summary)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    pieces, position = [], 0
    for match in pattern.finditer(practice.summary):
        pieces.append(escape(practice.summary[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(practice.summary[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece escaped above)


def _weighted_texts(practice) -> tuple[str, str, str]:
    challenges = list(practice.challenges.all())
    cities = list(practice.cities.all())
    # dict.fromkeys drops repeats in order: a set's order changes from one process to the next,
    # and the stored columns of the seed must not.
    names_b = [
        practice.summary,
        *(challenge.name for challenge in challenges),
        *(city.name for city in cities),
        *dict.fromkeys(city.country.name for city in cities),
        *(tag.name for tag in practice.tags.all()),
    ]
    texts_c = [
        practice.description,
        practice.results,
        practice.lessons,
        practice.transfer_conditions,
        practice.source_quote,
        *dict.fromkeys(challenge.theme.name for challenge in challenges),
        *(event.title for event in practice.events.all()),
    ]
    return practice.title, " ".join(names_b), " ".join(texts_c)


REFRESH_BATCH_SIZE = 1000
# The same weights as _weighted_texts() returns them: A the title, B names, C other texts.
_UPDATE_SEARCH_COLUMNS = (
    "UPDATE cases_goodpractice AS practice SET search_document = batch.document, "
    "search_vector = setweight(to_tsvector(%s::regconfig, batch.title), 'A') "
    "|| setweight(to_tsvector(%s::regconfig, batch.names), 'B') "
    "|| setweight(to_tsvector(%s::regconfig, batch.texts), 'C') "
    "FROM {batch} WHERE practice.id = batch.id"
)


@transaction.atomic
def practice_refresh_search(*, practice_ids: Iterable[int] | None = None) -> int:
    """Rebuild the stored search columns of these practices (all when None); return how many.

    One UPDATE per batch of practices: a publish refreshes a handful, seed and the demo data
    generator thousands.
    """
    practices = GoodPractice.objects.prefetch_related(
        "challenges__theme", "cities__country", "tags", "events"
    ).order_by("pk")
    if practice_ids is not None:
        practices = practices.filter(pk__in=list(practice_ids))
    count, rows = 0, []
    for practice in practices.iterator(chunk_size=REFRESH_BATCH_SIZE):
        title, names, texts = _weighted_texts(practice)
        rows.append((practice.pk, title, names, texts, " ".join([title, names, texts]).lower()))
        if len(rows) == REFRESH_BATCH_SIZE:
            count += _write_search_columns(rows)
            rows = []
    return count + _write_search_columns(rows)


def _write_search_columns(rows) -> int:
    # Raw SQL, not update(): no updated_at bump, no signals, one statement for the batch.
    if not rows:
        return 0
    with connection.cursor() as cursor:
        if not uses_postgres():
            cursor.executemany(
                "UPDATE cases_goodpractice SET search_document = %s WHERE id = %s",
                [(document, pk) for pk, _, _, _, document in rows],
            )
            return len(rows)
        # Only placeholders are joined into the text; every value is a query parameter.
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
        batch = f"(VALUES {values}) AS batch (id, title, names, texts, document)"
        cursor.execute(
            _UPDATE_SEARCH_COLUMNS.format(batch=batch),
            [SEARCH_CONFIG] * 3 + [value for row in rows for value in row],
        )
    return len(rows)
