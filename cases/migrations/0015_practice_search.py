"""PostgreSQL's search moves out of the practices' rows into `practice_search`, as SQLite's did.

A practice's row is wide (its long texts), so reading the search vector of the 10,000 practices
that hold a common word visited 5,000 pages and the out-of-line storage: 70 ms for the rank
alone. In a table of its own, with the title and summary part (`head`) kept in the row for
ranking, the same search reads about 600 pages (cases/search.py).

The table is search's own, like SQLite's FTS5 table (0006_search_fts5): no Django model, and
triggers, not a foreign key, remove a practice's row with it, so that Django's flush (TRUNCATE
of the practices, in tests) empties it too without a cascade it does not ask for.
"""

from django.db import migrations

OLD_INDEX = "practice_search_vector_gin"

FORWARD = [
    "CREATE TABLE practice_search ("
    " practice_id bigint PRIMARY KEY, vector tsvector NOT NULL, head tsvector NOT NULL)",
    # Kept in the row (compressed if need be), never moved out of line: ranking reads it.
    "ALTER TABLE practice_search ALTER COLUMN head SET STORAGE MAIN",
    "INSERT INTO practice_search (practice_id, vector, head) "
    "SELECT id, search_vector, ts_filter(search_vector, '{a,b}') FROM cases_goodpractice "
    "WHERE search_vector IS NOT NULL",
    f"DROP INDEX IF EXISTS {OLD_INDEX}",
    f"CREATE INDEX {OLD_INDEX} ON practice_search USING gin (vector)",
    "CREATE FUNCTION practice_search_delete() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM practice_search WHERE practice_id = OLD.id; RETURN NULL; END $$",
    "CREATE TRIGGER practice_search_delete AFTER DELETE ON cases_goodpractice "
    "FOR EACH ROW EXECUTE FUNCTION practice_search_delete()",
    "CREATE FUNCTION practice_search_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN TRUNCATE practice_search; RETURN NULL; END $$",
    "CREATE TRIGGER practice_search_truncate AFTER TRUNCATE ON cases_goodpractice "
    "FOR EACH STATEMENT EXECUTE FUNCTION practice_search_truncate()",
]
BACKWARD = [
    "UPDATE cases_goodpractice SET search_vector = practice_search.vector "
    "FROM practice_search WHERE practice_search.practice_id = cases_goodpractice.id",
    "DROP TRIGGER practice_search_truncate ON cases_goodpractice",
    "DROP FUNCTION practice_search_truncate()",
    "DROP TRIGGER practice_search_delete ON cases_goodpractice",
    "DROP FUNCTION practice_search_delete()",
    "DROP TABLE practice_search",
    f"CREATE INDEX {OLD_INDEX} ON cases_goodpractice USING gin (search_vector)",
]


def move_to_table(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def move_back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


def keep_delete_trigger(apps, schema_editor):
    # SQLite: dropping a column may rebuild cases_goodpractice, which drops its triggers; the
    # one that deletes a practice's FTS5 row (0006_search_fts5) must stay.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER IF NOT EXISTS practice_search_delete AFTER DELETE ON "
            "cases_goodpractice BEGIN DELETE FROM practice_search WHERE rowid = old.id; END"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_catalogue_state"),
    ]

    operations = [
        migrations.RunPython(move_to_table, move_back, elidable=False),
        migrations.RemoveField(
            model_name="goodpractice",
            name="search_vector",
        ),
        migrations.RunPython(keep_delete_trigger, migrations.RunPython.noop, elidable=False),
    ]
