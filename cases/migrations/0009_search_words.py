"""The vocabulary of the published practices, for "did you mean" (issue 17).

On PostgreSQL, pg_trgm and a GIN trigram index let `word % 'typo'` find near words without
reading the whole table. `python manage.py refresh_search` fills the list on an existing
database; seeding and every publish keep it.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX searchword_word_trgm ON cases_searchword USING gin (word gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX searchword_word_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_kinds_people_see_also"),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=40, unique=True)),
            ],
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
