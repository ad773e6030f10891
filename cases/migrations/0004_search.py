import django.contrib.postgres.search
from django.db import migrations, models

INDEX_NAME = "practice_search_vector_gin"


def create_gin_index(apps, schema_editor):
    # GIN is PostgreSQL's; SQLite searches search_document instead and needs no index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX_NAME} ON cases_goodpractice USING gin (search_vector)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_workflow"),
    ]

    operations = [
        migrations.AddField(
            model_name="goodpractice",
            name="search_document",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="goodpractice",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_gin_index, drop_gin_index, elidable=False),
    ]
