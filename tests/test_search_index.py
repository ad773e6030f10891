import pytest
from django.db import connection

from cases.models import GoodPractice
from cases.search import filter_matching, practice_refresh_search

from .factories import make_practice

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL full-text search only"
    ),
]

INDEX_NAME = "practice_search_vector_gin"


def test_the_catalogue_search_uses_the_gin_index():
    for number in range(3):
        make_practice(title=f"Budget pooling {number}")
    practice_refresh_search()
    with connection.cursor() as cursor:
        # On three rows a scan of the table (or of the status index, with `published()`) is
        # cheaper and the planner rightly picks it; at 10,000 it picks the GIN index for the
        # catalogue's query (bench/ prints that plan). Forbidding table scans asks whether the
        # search filter CAN use the GIN index: one that the index does not match (another text
        # configuration, a LIKE on a text column) could not.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # A full pass over practice_search's primary key is a table scan too (the planner takes
        # it when an earlier test left the statistics of a near-empty table).
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = filter_matching(GoodPractice.objects.all(), "budget").explain()
    assert INDEX_NAME in plan
