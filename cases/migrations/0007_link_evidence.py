"""Evidence on every link: kinds of record, cities with their roles and passages, people.

The four many-to-many tables (practice and event cities, practice and event challenges) keep
their rows: each becomes an explicit model in the migration state only (no SQL), then gains its
columns. A city already linked to a practice gets the role "did" and to an event "took_part",
which is what those links meant until now, with no passage: the record can stay as it is, and
cannot be published again until a curator gives each passage.
"""

import django.db.models.deletion
from django.db import migrations, models

CASCADE = django.db.models.deletion.CASCADE
PRACTICE_CITY_ROLES = [
    ("did", "Did it"),
    ("presented", "Presented it"),
    ("subject", "The source is about it"),
]
EVENT_CITY_ROLES = [("took_part", "Took part"), ("presented", "Presented it")]
BASES = [("named", "Named in the source"), ("close", "A close reading of the source")]


def take_over_link_table(*, name, table, owner, owner_model, other, other_model, m2m):
    """The table Django made for `owner_model.m2m` becomes the model `name`: state only."""
    model_name, field_name, field = m2m
    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.CreateModel(
                name=name,
                fields=[
                    (
                        "id",
                        models.AutoField(
                            auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                        ),
                    ),
                    (owner, models.ForeignKey(on_delete=CASCADE, to=owner_model)),
                    (other, models.ForeignKey(on_delete=CASCADE, to=other_model)),
                ],
                options={"db_table": table, "unique_together": {(owner, other)}},
            ),
            migrations.AlterField(model_name=model_name, name=field_name, field=field),
        ],
    )


def big_id(model_name):
    # The tables Django made have 32-bit ids; every other table of the project has 64-bit ones.
    return migrations.AlterField(
        model_name=model_name,
        name="id",
        field=models.BigAutoField(
            auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
        ),
    )


def passage(help_text):
    return models.TextField(blank=True, help_text=help_text)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_search_fts5"),
        ("challenges", "0001_initial"),
    ]

    operations = [
        # --- Cities on practices ---------------------------------------------------------------
        take_over_link_table(
            name="PracticeCity",
            table="cases_goodpractice_cities",
            owner="goodpractice",
            owner_model="cases.goodpractice",
            other="city",
            other_model="cases.city",
            m2m=(
                "goodpractice",
                "cities",
                models.ManyToManyField(
                    blank=True,
                    related_name="practices",
                    through="cases.PracticeCity",
                    to="cases.city",
                ),
            ),
        ),
        big_id("practicecity"),
        migrations.AlterField(
            model_name="practicecity",
            name="goodpractice",
            field=models.ForeignKey(
                on_delete=CASCADE, related_name="city_links", to="cases.goodpractice"
            ),
        ),
        migrations.AlterField(
            model_name="practicecity",
            name="city",
            field=models.ForeignKey(
                on_delete=CASCADE, related_name="practice_links", to="cases.city"
            ),
        ),
        migrations.AddField(
            model_name="practicecity",
            name="role",
            field=models.CharField(choices=PRACTICE_CITY_ROLES, default="did", max_length=20),
        ),
        migrations.AddField(
            model_name="practicecity",
            name="passage",
            field=passage(
                "The words of the source that show the city's role, copied exactly. "
                "Needed before the record is published."
            ),
        ),
        migrations.AlterUniqueTogether(name="practicecity", unique_together=set()),
        migrations.AddConstraint(
            model_name="practicecity",
            constraint=models.UniqueConstraint(
                fields=("goodpractice", "city", "role"), name="practice_city_role_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="practicecity",
            constraint=models.CheckConstraint(
                condition=models.Q(("role__in", ["did", "presented", "subject"])),
                name="practice_city_role_known",
            ),
        ),
        migrations.AlterModelOptions(
            name="practicecity",
            options={
                "verbose_name": "city on a practice",
                "verbose_name_plural": "cities on practices",
            },
        ),
        # --- Cities at events ------------------------------------------------------------------
        take_over_link_table(
            name="EventCity",
            table="cases_event_cities",
            owner="event",
            owner_model="cases.event",
            other="city",
            other_model="cases.city",
            m2m=(
                "event",
                "cities",
                models.ManyToManyField(
                    blank=True,
                    help_text="The cities that took part.",
                    related_name="events",
                    through="cases.EventCity",
                    to="cases.city",
                ),
            ),
        ),
        big_id("eventcity"),
        migrations.AlterField(
            model_name="eventcity",
            name="event",
            field=models.ForeignKey(on_delete=CASCADE, related_name="city_links", to="cases.event"),
        ),
        migrations.AlterField(
            model_name="eventcity",
            name="city",
            field=models.ForeignKey(on_delete=CASCADE, related_name="event_links", to="cases.city"),
        ),
        migrations.AddField(
            model_name="eventcity",
            name="role",
            field=models.CharField(choices=EVENT_CITY_ROLES, default="took_part", max_length=20),
        ),
        migrations.AddField(
            model_name="eventcity",
            name="passage",
            field=passage(
                "The words of the source that show the city's role, copied exactly. "
                "Needed before the report is published."
            ),
        ),
        migrations.AlterUniqueTogether(name="eventcity", unique_together=set()),
        migrations.AddConstraint(
            model_name="eventcity",
            constraint=models.UniqueConstraint(
                fields=("event", "city", "role"), name="event_city_role_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="eventcity",
            constraint=models.CheckConstraint(
                condition=models.Q(("role__in", ["took_part", "presented"])),
                name="event_city_role_known",
            ),
        ),
        migrations.AlterModelOptions(
            name="eventcity",
            options={
                "verbose_name": "city at an event",
                "verbose_name_plural": "cities at events",
            },
        ),
        # --- Challenges of practices -----------------------------------------------------------
        take_over_link_table(
            name="PracticeChallenge",
            table="cases_goodpractice_challenges",
            owner="goodpractice",
            owner_model="cases.goodpractice",
            other="challenge",
            other_model="challenges.challenge",
            m2m=(
                "goodpractice",
                "challenges",
                models.ManyToManyField(
                    blank=True,
                    related_name="practices",
                    through="cases.PracticeChallenge",
                    to="challenges.challenge",
                ),
            ),
        ),
        big_id("practicechallenge"),
        migrations.AlterField(
            model_name="practicechallenge",
            name="goodpractice",
            field=models.ForeignKey(
                on_delete=CASCADE, related_name="challenge_links", to="cases.goodpractice"
            ),
        ),
        migrations.AlterField(
            model_name="practicechallenge",
            name="challenge",
            field=models.ForeignKey(
                on_delete=CASCADE, related_name="practice_links", to="challenges.challenge"
            ),
        ),
        migrations.AddField(
            model_name="practicechallenge",
            name="basis",
            field=models.CharField(blank=True, choices=BASES, max_length=10),
        ),
        migrations.AddField(
            model_name="practicechallenge",
            name="passage",
            field=passage(
                "The words of the source that tie the record to the challenge, copied exactly."
            ),
        ),
        migrations.AlterUniqueTogether(name="practicechallenge", unique_together=set()),
        migrations.AddConstraint(
            model_name="practicechallenge",
            constraint=models.UniqueConstraint(
                fields=("goodpractice", "challenge"), name="practice_challenge_once"
            ),
        ),
        migrations.AlterModelOptions(
            name="practicechallenge",
            options={
                "verbose_name": "challenge of a practice",
                "verbose_name_plural": "challenges of practices",
            },
        ),
        # --- Challenges raised at events -------------------------------------------------------
        take_over_link_table(
            name="EventChallenge",
            table="cases_event_challenges",
            owner="event",
            owner_model="cases.event",
            other="challenge",
            other_model="challenges.challenge",
            m2m=(
                "event",
                "challenges",
                models.ManyToManyField(
                    blank=True,
                    help_text="Challenges raised.",
                    related_name="events",
                    through="cases.EventChallenge",
                    to="challenges.challenge",
                ),
            ),
        ),
        big_id("eventchallenge"),
        migrations.AlterField(
            model_name="eventchallenge",
            name="event",
            field=models.ForeignKey(
                on_delete=CASCADE, related_name="challenge_links", to="cases.event"
            ),
        ),
        migrations.AlterField(
            model_name="eventchallenge",
            name="challenge",
            field=models.ForeignKey(
                on_delete=CASCADE, related_name="event_links", to="challenges.challenge"
            ),
        ),
        migrations.AddField(
            model_name="eventchallenge",
            name="basis",
            field=models.CharField(blank=True, choices=BASES, max_length=10),
        ),
        migrations.AddField(
            model_name="eventchallenge",
            name="passage",
            field=passage(
                "The words of the source that show the challenge was raised, copied exactly."
            ),
        ),
        migrations.AlterUniqueTogether(name="eventchallenge", unique_together=set()),
        migrations.AddConstraint(
            model_name="eventchallenge",
            constraint=models.UniqueConstraint(
                fields=("event", "challenge"), name="event_challenge_once"
            ),
        ),
        migrations.AlterModelOptions(
            name="eventchallenge",
            options={
                "verbose_name": "challenge raised at an event",
                "verbose_name_plural": "challenges raised at events",
            },
        ),
    ]
