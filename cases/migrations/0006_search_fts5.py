"""SQLite searches an FTS5 table with the porter stemmer; search_document goes.

PostgreSQL keeps its tsvector and GIN index (0004_search) and only loses the plain-text column
it never read. On SQLite the practices' words move into `practice_search`, one row per
practice (its rowid is the practice's id), and a trigger deletes the row with the practice.
"""

from django.db import migrations


def create_fts_table(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
        if not cursor.fetchone()[0]:
            raise RuntimeError(
                "This Python's SQLite lacks the FTS5 module that CityLearn's search needs. "
                "Use a Python built with a recent SQLite (3.9 or newer, FTS5 enabled), "
                "or PostgreSQL through DATABASE_URL."
            )
    schema_editor.execute(
        "CREATE VIRTUAL TABLE practice_search USING fts5(title, summary, names, texts, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    # Until a practice's next refresh, the words it had go in the lightest column.
    schema_editor.execute(
        "INSERT INTO practice_search (rowid, title, summary, names, texts) "
        "SELECT id, title, summary, '', search_document FROM cases_goodpractice "
        "WHERE search_document != ''"
    )


def drop_fts_table(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    # search_document is back (empty) by now: give it the words again.
    schema_editor.execute(
        "UPDATE cases_goodpractice SET search_document = ("
        "SELECT lower(title || ' ' || summary || ' ' || names || ' ' || texts) "
        "FROM practice_search WHERE practice_search.rowid = cases_goodpractice.id) "
        "WHERE id IN (SELECT rowid FROM practice_search)"
    )
    schema_editor.execute("DROP TABLE practice_search")


def create_delete_trigger(apps, schema_editor):
    # Rebuilding a table (how Django alters some columns on SQLite) drops its triggers: a
    # migration that rebuilds cases_goodpractice must create this one again.
    # tests/test_search.py checks that a deleted practice leaves no row behind.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER practice_search_delete AFTER DELETE ON cases_goodpractice "
            "BEGIN DELETE FROM practice_search WHERE rowid = old.id; END"
        )


def drop_delete_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER practice_search_delete")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_reviewed_record"),
    ]

    operations = [
        migrations.RunPython(create_fts_table, drop_fts_table, elidable=False),
        migrations.RemoveField(
            model_name="goodpractice",
            name="search_document",
        ),
        migrations.RunPython(create_delete_trigger, drop_delete_trigger, elidable=False),
    ]
