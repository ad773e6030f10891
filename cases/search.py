"""Full-text search over good practices: PostgreSQL's own search, SQLite's FTS5 on the default.

Call practice_refresh_search(practice_ids=[...]) after a practice, its challenges, cities,
events or tags change (publishing, editing, seeding): search reads only what it stored.

Each database has one backend, chosen once, and both behave alike. A question is read by
`parse_question`: common words ("how do we", "the", see stop_words.py) are left out, "quoted
phrases" stay whole and `-word` or `-"a phrase"` excludes. Words are stemmed the English way
("budgets" finds "budget", "skills gaps" finds "skills gap") and case is ignored in every
alphabet. Every word must match, unless the catalogue asks for any word (`any_word=True`, when
all words find too little, see catalogue.py); the rank then grows with the words that match.
Both keep what they search in a table of their own, `practice_search`, apart from the
practices' wide rows: PostgreSQL a weighted tsvector with a GIN index and its title and summary
part for ranking (migration 0015_practice_search), combining one tsquery per word or phrase;
SQLite a table of its FTS5 module with the porter stemmer (migration 0006_search_fts5), given an
FTS5 expression in which everything typed is a quoted string.
Weights: A the title; B the summary, the challenge, city, country and tag names; C
every other text, the challenges' definitions included. Only the catalogue's own filters decide
what is public: search never looks at status.
"""

import difflib
import functools
import re
from collections.abc import Iterable
from itertools import batched
from typing import NamedTuple

import numpy as np
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import FloatField, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .models import GoodPractice, SearchWord, Status
from .stop_words import STOP_WORDS

MIN_QUERY_CHARACTERS = 2
MAX_QUERY_LENGTH = 200
# With any word, a practice's rank is the number of the question's terms it holds plus its
# text-search score squeezed below 1: more words matched always rank higher. Only the first
# terms are counted, which bounds the cost of a long question.
COUNTED_TERMS = 12
REFRESH_BATCH_SIZE = 1000
# Both backends mark matches in a headline with these; the rest of the headline is escaped
# before they become <mark> tags, so text written by editors can never inject HTML.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"

_WORD = re.compile(r"\w+")
# A letter or digit: what both databases' tokenizers keep (the underscore is a separator).
_ALNUM = re.compile(r"[^\W_]")
# An optional minus, then a "quoted phrase" (an unclosed quote runs to the end) or a word.
_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# What "did you mean" may offer: words of letters only, of a length worth correcting.
_VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,40}")


class Question(NamedTuple):
    """A search as the backends run it: what to find, and what to leave out."""

    words: tuple[str, ...]  # single words, stop words left out
    phrases: tuple[str, ...]  # "quoted phrases", as typed
    excluded: tuple[str, ...]  # -word and -"a phrase"

    @property
    def terms(self) -> tuple[str, ...]:
        return self.words + self.phrases

    @property
    def can_widen(self) -> bool:
        """Whether "any word" would find more than "every word"."""
        return len(self.terms) > 1


def _is_stop_word(term: str) -> bool:
    return all(part in STOP_WORDS for part in re.findall(r"[\w']+", term.lower()))


def parse_question(query: str) -> Question:
    """Words, phrases and exclusions of a (cleaned) query; anything else typed is text.

    A word is whatever stands between spaces, punctuation included: each backend's tokenizer
    splits "open-source" the same way. Terms without a letter or digit ("-", "*", "()") are
    dropped, and so are stop words outside quotes and excluded stop words.
    """
    words, phrases, excluded = [], [], []
    for minus, phrase, word in _TERM.findall(query):
        if word:
            minus, word = ("-", word[1:]) if word.startswith("-") else ("", word)
            word = word.strip('"')
        term = " ".join((phrase if phrase or not word else word).split())
        if not _ALNUM.search(term):
            continue
        if minus:
            # PostgreSQL ignores stop words, FTS5 indexes them: "-the" excludes nothing on both.
            if not _is_stop_word(term):
                excluded.append(term)
        elif phrase:
            phrases.append(term)
        elif not _is_stop_word(term):
            words.append(term)
    # dict.fromkeys: a word typed twice is one term.
    return Question(*(tuple(dict.fromkeys(terms)) for terms in (words, phrases, excluded)))


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
    if query and not parse_question(query).terms:
        return "", gettext(
            "Type a word the practice is about: common words such as “how” or “the” and "
            "words after a minus sign are not searched for on their own."
        )
    return query, message


class Matches(NamedTuple):
    """What a search found: the practices' ids and their ranks (higher is better), as two
    arrays in the same order, whatever the practices' status."""

    ids: np.ndarray  # int64
    ranks: np.ndarray  # float64

    @classmethod
    def of(cls, rows):
        """From [(id, rank)]."""
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        ranks = np.fromiter((row[1] for row in rows), dtype=np.float64, count=len(rows))
        return cls(ids, ranks)

    @classmethod
    def none(cls):
        return cls.of([])


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
        *(challenge.definition for challenge in challenges),
        *dict.fromkeys(challenge.theme.name for challenge in challenges),
        *(event.title for event in practice.events.all()),
    ]
    return Document(practice.pk, practice.title, practice.summary, " ".join(names), " ".join(texts))


def _add_words(documents: Iterable[Document]) -> None:
    """Add the documents' words to the vocabulary (search.SearchWord), those it lacks."""
    words = set()
    for document in documents:
        text = " ".join(document[1:]).lower()
        words.update(w for w in _VOCABULARY_WORD.findall(text) if w not in STOP_WORDS)
    if words:
        rows = [SearchWord(word=word) for word in sorted(words)]
        SearchWord.objects.bulk_create(rows, batch_size=REFRESH_BATCH_SIZE, ignore_conflicts=True)


class SearchBackend:
    """What both databases do alike: read the practices, mark a snippet."""

    def refresh(self, practice_ids: Iterable[int] | None = None) -> int:
        practices = GoodPractice.objects.prefetch_related(
            "challenges__theme", "cities__country", "tags", "events"
        ).order_by("pk")
        if practice_ids is not None:
            practices = practices.filter(pk__in=list(practice_ids))
        else:
            SearchWord.objects.all().delete()
        count = 0
        for batch in batched(practices.iterator(chunk_size=REFRESH_BATCH_SIZE), REFRESH_BATCH_SIZE):
            documents = [_document(practice) for practice in batch]
            # Raw SQL, not save(): no updated_at bump, no signals, one statement per batch.
            self.write(documents)
            published = {practice.pk for practice in batch if practice.status == Status.PUBLISHED}
            _add_words(document for document in documents if document.practice_id in published)
            count += len(batch)
        return count

    def closest_words(self, words: list[str]) -> dict[str, str]:
        """{word: the vocabulary's nearest word} for the words that have one."""
        raise NotImplementedError

    def snippet(self, practice) -> SafeString:
        headline = getattr(practice, "headline", None)
        if not headline:
            return escape(practice.summary)
        marked = escape(headline).replace(HIGHLIGHT_START, "<mark>")
        return mark_safe(marked.replace(HIGHLIGHT_STOP, "</mark>"))  # noqa: S308 (escaped above)

    def write(self, documents: list[Document]) -> None:
        raise NotImplementedError

    def filter(self, queryset, question: Question, any_word: bool):
        raise NotImplementedError

    def headline(self, question: Question, any_word: bool):
        """An expression: up to 35 words of the practice's text around the matches, marked."""
        raise NotImplementedError

    def rank(self, question: Question, any_word: bool):
        """An expression: the practice's rank, higher is better (what ranked() reads)."""
        raise NotImplementedError

    def ranked(self, question: Question, any_word: bool) -> "Matches":
        """The id and rank of every practice whose stored words match, whatever its status."""
        raise NotImplementedError

    def frequent_lexemes(self, minimum: int, limit: int) -> list[str]:
        """Up to `limit` of the stored words (lexemes) that the database's statistics say most
        practices hold, at least `minimum`; none where the database keeps no such statistics."""
        return []

    def lexeme_of(self, word: str) -> str | None:
        """The one lexeme a word is searched as, or None (a word of two lexemes, or none)."""
        return None

    def lexeme_matches(self, lexeme: str) -> "Matches":
        """What searching for the word stored as `lexeme` finds, ranked as ranked() does."""
        raise NotImplementedError

    def held(self, words: list[str]) -> tuple[bool, ...]:
        """Whether a published practice holds each word: one query, an EXISTS per word."""
        raise NotImplementedError

    def forget(self, practices) -> None:
        """Delete what is stored of these practices (a queryset), before they are deleted
        without the database's own cascade (demo data)."""
        raise NotImplementedError

    def documents(self, practice_ids: Iterable[int]) -> dict[int, object]:
        """What is stored for these practices, by id: for tests and for looking into search."""
        raise NotImplementedError


class PostgresSearch(SearchBackend):
    """Search on PostgreSQL: `practice_search` (migration 0015_practice_search) holds each
    practice's weighted tsvector (`vector`, GIN index) and its title and summary part (`head`).

    What the reader typed becomes one tsquery: plainto_tsquery per word, phraseto_tsquery per
    phrase, joined with && (|| for any word), each exclusion added as && !!. Every value is a
    query parameter; only placeholders and constants are joined into the SQL.
    """

    stored_ids = "SELECT practice_id FROM practice_search"
    # The catalogue is written in English. Names of cities and challenges survive the stemmer,
    # which only trims English endings.
    config = "english"
    _write = (
        "INSERT INTO practice_search (practice_id, vector, head) "
        "SELECT id, head || texts, head FROM (SELECT batch.id, "
        "setweight(to_tsvector(%s::regconfig, batch.title), 'A') "
        "|| setweight(to_tsvector(%s::regconfig, batch.names), 'B') AS head, "
        "setweight(to_tsvector(%s::regconfig, batch.texts), 'C') AS texts "
        "FROM {batch}) AS vectors "
        "ON CONFLICT (practice_id) DO UPDATE SET vector = EXCLUDED.vector, head = EXCLUDED.head"
    )
    # The practices whose words match a tsquery: the filter, and each counted term's subquery.
    _holding = "SELECT practice_id FROM practice_search WHERE vector @@ {query}"
    _term_matched = f" + CASE WHEN entry.practice_id IN ({_holding}) THEN 1 ELSE 0 END"
    # Ids and ranks as two binary strings, 8 bytes per match each, in the same order: 100,000
    # matches arrive as one row of 1.6 MB that numpy reads at once, where a row per match cost
    # 40 ms to fetch as Python tuples.
    # A practice's rank from its title and summary part (see _rank()).
    _head_rank = "ts_rank(entry.head, {query}, 32)::float8"
    _ranked = (
        "SELECT string_agg(int8send(entry.practice_id), ''::bytea), "
        "string_agg(float8send({rank}), ''::bytea) FROM practice_search AS entry "
        "WHERE entry.vector @@ {query}"
    )
    # The ids of the practices holding one term, as one binary string.
    _held_ids = (
        "SELECT string_agg(int8send(practice_id), ''::bytea) FROM practice_search "
        "WHERE vector @@ {query}"
    )
    # Whether a published practice holds a word: the first row the GIN index gives, joined.
    _held = (
        "EXISTS(SELECT 1 FROM practice_search AS held JOIN cases_goodpractice AS practice "
        "ON practice.id = held.practice_id WHERE held.vector @@ plainto_tsquery(%s::regconfig, %s) "
        "AND practice.status = %s)"
    )
    _headline_options = (
        f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_STOP}, MaxWords=35, MinWords=15, "
        'MaxFragments=2, FragmentDelimiter=" … "'
    )

    def write(self, documents):
        values = ", ".join(["(%s, %s, %s, %s)"] * len(documents))
        parameters = [self.config] * 3
        for document in documents:
            names = " ".join([document.summary, document.names])
            parameters += [document.practice_id, document.title, names, document.texts]
        with connection.cursor() as cursor:
            batch = f"(VALUES {values}) AS batch (id, title, names, texts)"
            cursor.execute(self._write.format(batch=batch), parameters)

    def _term(self, term, *, phrase):
        function = "phraseto_tsquery" if phrase else "plainto_tsquery"
        return f"{function}(%s::regconfig, %s)", [self.config, term]

    def _query(self, question, any_word):
        """(sql, params) of the question's tsquery."""
        terms = [self._term(word, phrase=False) for word in question.words]
        terms += [self._term(phrase, phrase=True) for phrase in question.phrases]
        joiner = " || " if any_word else " && "
        sql = "(" + joiner.join(term for term, _params in terms) + ")"
        params = [param for _term, term_params in terms for param in term_params]
        for term, term_params in (self._term(t, phrase=True) for t in question.excluded):
            sql = f"{sql} && !!{term}"
            params += term_params
        # Bracketed whole: @@ binds tighter than && and ||.
        return f"({sql})" if question.excluded else sql, params

    def _matching(self, question, any_word):
        query, params = self._query(question, any_word)
        return self._holding.format(query=query), params

    def filter(self, queryset, question, any_word):
        return queryset.filter(pk__in=RawSQL(*self._matching(question, any_word)))  # noqa: S611

    def _rank(self, question, any_word):
        """(sql, params) of the rank of practice_search's row `entry`.

        Matches in the title (A), then in the summary and names (B), rank first; a practice
        that holds the words only in its longer texts ranks 0, and the catalogue shows those
        newest first. Ranking reads `head` (about 400 bytes, kept in the row), not `vector`
        (2.5 kB, out of line): ranking the 10,000 matches of a word in every practice of tier M
        costs 5 ms instead of 70. Normalisation 32 is rank / (rank + 1), below 1. With any word,
        each counted term adds 1 when the practice holds it anywhere, found through the GIN
        index in a subquery that PostgreSQL hashes once per statement.
        """
        query, params = self._query(question, any_word)
        # float8 before adding: the sum is then the same wherever it is made (tests compare the
        # catalogue's order with ORDER BY on this expression).
        sql = self._head_rank.format(query=query)
        if any_word:
            for term in question.terms[:COUNTED_TERMS]:
                held, term_params = self._term(term, phrase=term in question.phrases)
                sql += self._term_matched.format(query=held)
                params += term_params
        return sql, params

    @staticmethod
    def _through_gin(cursor, sql, params):
        """Run SELECTs (; between them) with the GIN index as their only way into
        practice_search; the first row of each.

        The planner takes a word in nearly every practice for a cheap sequential scan, and a
        word it has no statistics for, under EXISTS, for a walk along the primary key; both
        test each row's vector, read from out-of-line storage (70 ms at tier M, 500 at tier
        L), while the index lists the same rows in 4 and 10. Sequential and plain index scans
        are turned off around this statement only, in the same round trip: Django binds
        parameters on the client, so the statements go as one message, which PostgreSQL runs
        as one transaction (or inside the one already open, where the last statements put the
        settings back).
        """
        cursor.execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; "
            f"{sql}; SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_indexscan TO DEFAULT",
            params,
        )
        cursor.nextset()
        rows = []
        while cursor.nextset() and cursor.description:  # past the SETs' empty results
            rows.append(cursor.fetchone())
        return rows

    @staticmethod
    def _array(data, dtype):
        return np.frombuffer(data or b"", dtype=dtype).astype(dtype.lstrip(">"))

    def _ranked_through_gin(self, cursor, query, params, *more):
        """Matches of the tsquery `query` (SQL, with `params`) ranked as _rank() does without
        any word, and the first row of each statement of `more` ((sql, params) each), in one
        round trip through the GIN index."""
        sql = self._ranked.format(rank=self._head_rank.format(query=query), query=query)
        statements, parameters = [sql], params + params
        for extra, extra_params in more:
            statements.append(extra)
            parameters += extra_params
        (ids, ranks), *rows = self._through_gin(cursor, "; ".join(statements), parameters)
        return Matches(self._array(ids, ">i8"), self._array(ranks, ">f8")), rows

    def ranked(self, question, any_word):
        """The id and rank of every stored practice that matches, through the GIN index.

        With any word, the rank expression of _rank() would add each counted term's 1 from a
        subquery PostgreSQL hashes (100 ms for a word in all 100,000 practices of tier L);
        here each term's matching ids come as one more binary string in the same round trip,
        and their 1s are added in the same order, in the same float8 arithmetic.
        """
        query, params = self._query(question, any_word)
        held = []
        for term in question.terms[:COUNTED_TERMS] if any_word else ():
            term_sql, term_params = self._term(term, phrase=term in question.phrases)
            held.append((self._held_ids.format(query=term_sql), term_params))
        with connection.cursor() as cursor:
            (ids, ranks), terms = self._ranked_through_gin(cursor, query, params, *held)
        for (held_ids,) in terms:
            ranks = ranks + np.isin(ids, self._array(held_ids, ">i8"), kind="table")
        return Matches(ids, ranks)

    def rank(self, question, any_word):
        rank, params = self._rank(question, any_word)
        sql = (
            f"SELECT {rank} FROM practice_search AS entry "  # noqa: S608
            "WHERE entry.practice_id = cases_goodpractice.id"
        )
        return Coalesce(RawSQL(sql, params, output_field=FloatField()), 0.0)  # noqa: S611

    def headline(self, question, any_word):
        query, params = self._query(question, any_word)
        headline = (
            f"ts_headline(%s::regconfig, cases_goodpractice.summary || ' ' || "
            f"cases_goodpractice.description, {query}, %s)"
        )
        parameters = [self.config, *params, self._headline_options]
        return RawSQL(headline, parameters, output_field=TextField())  # noqa: S611

    # The most common elements of practice_search.vector that ANALYZE (or autovacuum) keeps in
    # pg_stats, with their share of the rows: reading them costs nothing.
    _frequent = (
        "SELECT element FROM pg_stats, "
        "unnest(most_common_elems::text::text[], most_common_elem_freqs) AS s(element, share) "
        "WHERE schemaname = current_schema() AND tablename = 'practice_search' "
        "AND attname = 'vector' AND element IS NOT NULL AND share * GREATEST("
        "(SELECT reltuples FROM pg_class WHERE oid = 'practice_search'::regclass), 0) >= %s "
        "ORDER BY share DESC, element LIMIT %s"
    )
    # A word whose plainto_tsquery is one lexeme: that lexeme (to_tsvector splits it alike).
    _lexeme = (
        "SELECT CASE WHEN numnode(question) = 1 THEN (SELECT array_agg(lexeme) FROM "
        "unnest(to_tsvector(%s::regconfig, %s))) END FROM plainto_tsquery(%s::regconfig, %s) "
        "AS question"
    )

    def frequent_lexemes(self, minimum, limit):
        with connection.cursor() as cursor:
            cursor.execute(self._frequent, [minimum, limit])
            return [row[0] for row in cursor.fetchall()]

    def lexeme_of(self, word):
        with connection.cursor() as cursor:
            cursor.execute(self._lexeme, [self.config, word, self.config, word])
            lexemes = cursor.fetchone()[0]
        return lexemes[0] if lexemes and len(lexemes) == 1 else None

    def lexeme_matches(self, lexeme):
        # The tsquery of one lexeme, as plainto_tsquery makes it of a word that is that lexeme.
        with connection.cursor() as cursor:
            matches, _rows = self._ranked_through_gin(
                cursor, "quote_literal(%s)::tsquery", [lexeme]
            )
        return matches

    def held(self, words):
        parameters = [value for word in words for value in (self.config, word, Status.PUBLISHED)]
        with connection.cursor() as cursor:
            sql = f"SELECT {', '.join([self._held] * len(words))}"
            return self._through_gin(cursor, sql, parameters)[0]

    def forget(self, practices):
        with connection.cursor() as cursor:
            sql, params = practices.values("pk").query.sql_with_params()
            cursor.execute(f"DELETE FROM practice_search WHERE practice_id IN ({sql})", params)  # noqa: S608

    # pg_trgm's % uses the GIN trigram index (migration 0009_search_words) when the typed word
    # is a constant: only words with a similarity above pg_trgm.similarity_threshold (0.3) are
    # read, and the best one is kept. One scalar subquery per word, one statement.
    _closest = (
        "(SELECT word FROM cases_searchword WHERE word %% %s AND word <> %s "
        "ORDER BY similarity(word, %s) DESC, word LIMIT 1)"
    )

    def closest_words(self, words):
        words = list(words)
        with connection.cursor() as cursor:
            columns = ", ".join([self._closest] * len(words))
            cursor.execute(f"SELECT {columns}", [w for word in words for w in [word] * 3])
            found = cursor.fetchone()
        return {word: known for word, known in zip(words, found, strict=True) if known}

    def documents(self, practice_ids):
        ids = list(practice_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT practice_id, vector::text FROM practice_search WHERE practice_id = ANY(%s)",
                [ids],
            )
            return dict(cursor.fetchall())


class SQLiteSearch(SearchBackend):
    # The FTS5 table of migration 0006_search_fts5: its rowid is the practice's id, and a
    # trigger deletes the row with the practice. _rank and _headline name the practices' table:
    # annotate querysets of GoodPractice, not subqueries that alias it.
    table = "practice_search"
    stored_ids = f"SELECT rowid FROM {table}"  # noqa: S608 (a constant)
    _matching = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"  # noqa: S608 (constants)
    # bm25() with weights per column (title, summary, names, texts), in the ratios of
    # PostgreSQL's default ts_rank weights for A, B, B and C. It counts the documents that hold
    # each word on every call, so a subquery per practice cost 13 s for a common word at 10,000
    # practices; ranked once per statement (MATERIALIZED) and looked up, 40 ms.
    # With any word, (id IN (…)) adds 1 per matched term; SQLite reads each of those
    # uncorrelated subqueries once per statement. The score becomes score / (score + 1).
    _scored = (
        f"SELECT rowid AS id, -bm25({table}, 10.0, 4.0, 4.0, 2.0) AS rank FROM {table} "  # noqa: S608
        f"WHERE {table} MATCH %s"
    )
    _rank = (
        f"WITH ranked AS MATERIALIZED ({_scored}) SELECT {{rank}} FROM ranked "  # noqa: S608
        "WHERE ranked.id = cases_goodpractice.id"
    )
    _term_matched = f" + (id IN (SELECT rowid FROM {table} WHERE {table} MATCH %s))"  # noqa: S608
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

    @staticmethod
    def _quoted(term):
        # Inside double quotes FTS5 reads only text (a doubled quote is a quote): no operator,
        # column filter or NEAR( typed by a reader can reach its parser.
        return '"' + term.replace('"', '""') + '"'

    def _match(self, question, any_word):
        """The question as an FTS5 expression: ("a" AND "b c") NOT "d", or OR for any word.

        Quoting makes anything typed a plain string to FTS5; FTS5 runs it through the table's
        tokenizer, so a word like "open-source" becomes the phrase "open source", as on
        PostgreSQL. An empty phrase ("") matches nothing.
        """
        joiner = " OR " if any_word else " AND "
        terms = joiner.join(self._quoted(term) for term in question.terms) or '""'
        return f"({terms})" + "".join(f" NOT {self._quoted(t)}" for t in question.excluded)

    # RawSQL: Django has no expression for FTS5; what the reader typed is always a parameter.
    def filter(self, queryset, question, any_word):
        match = self._match(question, any_word)
        return queryset.filter(pk__in=RawSQL(self._matching, [match]))  # noqa: S611

    def _ranked(self, question, match, any_word):
        if not any_word:
            return RawSQL(self._rank.format(rank="rank"), [match], output_field=FloatField())  # noqa: S611
        terms = [self._quoted(term) for term in question.terms[:COUNTED_TERMS]]
        rank = "rank / (rank + 1)" + self._term_matched * len(terms)
        sql = self._rank.format(rank=rank)
        return RawSQL(sql, [match, *terms], output_field=FloatField())  # noqa: S611

    def rank(self, question, any_word):
        return self._ranked(question, self._match(question, any_word), any_word)

    def ranked(self, question, any_word):
        rank, params = "rank", [self._match(question, any_word)]
        if any_word:
            terms = [self._quoted(term) for term in question.terms[:COUNTED_TERMS]]
            rank = "rank / (rank + 1)" + self._term_matched * len(terms)
            params = terms + params  # the select list's placeholders come first
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {rank} FROM ({self._scored})", params)  # noqa: S608
            rows = cursor.fetchall()
        return Matches.of(rows)

    _held = (
        f"EXISTS(SELECT 1 FROM {table} JOIN cases_goodpractice AS practice "  # noqa: S608
        f"ON practice.id = {table}.rowid WHERE {table} MATCH %s AND practice.status = %s)"
    )

    def held(self, words):
        parameters = [value for word in words for value in (self._quoted(word), Status.PUBLISHED)]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join([self._held] * len(words))}", parameters)
            return cursor.fetchone()

    def forget(self, practices):
        with connection.cursor() as cursor:
            sql, params = practices.values("pk").query.sql_with_params()
            cursor.execute(f"DELETE FROM {self.table} WHERE rowid IN ({sql})", params)  # noqa: S608

    def headline(self, question, any_word):
        match = self._match(question, any_word)
        return RawSQL(self._headline, [match], output_field=TextField())  # noqa: S611

    # Candidates of a similar length that share the first or the second letter: a bounded read,
    # which difflib then scores. (FTS5's own vocabulary holds porter stems, not words to show.)
    _candidates = (
        "SELECT word FROM cases_searchword WHERE length(word) BETWEEN %s AND %s "
        "AND (substr(word, 1, 1) = %s OR substr(word, 2, 1) = %s)"
    )

    def closest_words(self, words):
        conditions, parameters = [], []
        for word in words:
            conditions.append(self._candidates)
            parameters += [len(word) - 2, len(word) + 2, word[:1], word[1:2]]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ".join(conditions), parameters)
            candidates = [row[0] for row in cursor.fetchall()]
        closest = {}
        for word in words:
            matches = difflib.get_close_matches(word, [c for c in candidates if c != word], 1, 0.75)
            if matches:
                closest[word] = matches[0]
        return closest

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


def filter_matching(queryset, query: str, *, any_word: bool = False):
    """Keep the practices that match every word of the query (any word, if asked)."""
    question = parse_question(query)
    if not question.terms:
        return queryset.none()
    return backend().filter(queryset, question, any_word)


def annotate_relevance(queryset, query: str, *, any_word: bool = False):
    """Add `rank` (higher is better) and `headline`, with the matches marked: the
    straightforward form of the ranking the catalogue reads from ranked_matches()."""
    question = parse_question(query)
    if not question.terms:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    search = backend()
    return queryset.annotate(
        rank=search.rank(question, any_word), headline=search.headline(question, any_word)
    )


def annotate_headline(queryset, query: str, *, any_word: bool = False):
    """Add `headline`, the matches marked (cards of a page whose order is already known)."""
    question = parse_question(query)
    if not question.terms:
        return queryset
    return queryset.annotate(headline=backend().headline(question, any_word))


def ranked_matches(query: str, *, any_word: bool = False) -> Matches:
    """The ids and ranks of every practice whose stored words match, whatever its status (the
    catalogue index keeps the published ones): one query, no headline (the catalogue marks the
    matches of the 20 practices it shows only)."""
    question = parse_question(query)
    if not question.terms:
        return Matches.none()
    return backend().ranked(question, any_word)


def frequent_lexemes(minimum: int, limit: int) -> list[str]:
    return backend().frequent_lexemes(minimum, limit)


def lexeme_matches(lexeme: str) -> Matches:
    return backend().lexeme_matches(lexeme)


def single_lexeme(query: str) -> str | None:
    """The lexeme a question of one plain word is searched as (no phrase, no exclusion), or
    None: what the catalogue index may hold the ranked matches of (frequent words)."""
    question = parse_question(query)
    if len(question.words) != 1 or question.phrases or question.excluded:
        return None
    return backend().lexeme_of(question.words[0])


def without_search(practices):
    """The practices of a queryset that search stores nothing of (never refreshed)."""
    return practices.exclude(pk__in=RawSQL(backend().stored_ids, []))  # noqa: S611 (a constant)


def forget_practices(practices) -> None:
    """Delete what search stores of these practices (a queryset of GoodPractice)."""
    backend().forget(practices)


def unmatched_words(query: str) -> list[str]:
    """The single words of the query (letters only) that no published practice holds: one
    query, an EXISTS per word through the catalogue's own search."""
    words = [
        word.lower() for word in parse_question(query).words if _VOCABULARY_WORD.fullmatch(word)
    ][:COUNTED_TERMS]
    if not words:
        return []
    found = backend().held(words)
    return [word for word, exists in zip(words, found, strict=True) if not exists]


def corrected_query(query: str) -> str:
    """The query with each word no practice holds replaced by the vocabulary's nearest word;
    "" when there is nothing to correct. Two queries at most."""
    unmatched = unmatched_words(query)
    closest = backend().closest_words(unmatched) if unmatched else {}
    if not closest:
        return ""

    def replace(match):
        return closest.get(match.group(0).lower(), match.group(0))

    return re.sub(r"[^\W\d_]+", replace, query)


def snippet(practice, query: str = "") -> SafeString:
    """The headline (or the summary) as HTML, matches wrapped in <mark>.

    Both backends mark the matches in the headline, stemmed forms too: `query` is not needed.
    """
    return backend().snippet(practice)


def stored_documents(practice_ids: Iterable[int]) -> dict[int, object]:
    return backend().documents(practice_ids)
