"""Event and GoodPractice share their review fields through the abstract ReviewedRecord.

State only: no SQL on SQLite or PostgreSQL (`sqlmigrate cases 0005` prints no-ops). The
relations back from Source and from the user keep their names (events, practices), now given by
Meta.default_related_name instead of each field, and the curator's comment on an event reads
like the one on a practice.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="event",
            options={
                "default_related_name": "events",
                "ordering": ["-starts_on", "title"],
                "permissions": [
                    ("review_event", "Can review, return, publish and archive event reports")
                ],
            },
        ),
        migrations.AlterModelOptions(
            name="goodpractice",
            options={
                "default_related_name": "practices",
                "ordering": ["-published_at", "title"],
                "permissions": [
                    (
                        "review_goodpractice",
                        "Can review, return, publish and archive good practices",
                    )
                ],
                "verbose_name": "good practice",
            },
        ),
        migrations.AlterField(
            model_name="event",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="review_comment",
            field=models.TextField(
                blank=True, editable=False, help_text="The curator's comment when it was returned."
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="source",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="cases.source",
            ),
        ),
        migrations.AlterField(
            model_name="goodpractice",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="goodpractice",
            name="source",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="cases.source",
            ),
        ),
    ]
