"""The editor's report form at tier L (issue 11): its size, raw and compressed, and its queries.

Builds a throwaway test database (test_<name>, as the tests do; SQLite unless DATABASE_URL says
otherwise), adds every ISO country, 1,000 cities in 50 of them, 50 challenges and 300
organisers, writes a report with five practices whose cities, challenges and organisers are
chosen, and measures the form as its editor opens it, with 10 cities and again with 1,000.
Prints one line per case.

  .venv/bin/python bench/report_form_size.py
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/cl_editor_form .venv/bin/python bench/...
"""

import gzip
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citylearn.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402

LIMIT = 60_000  # bytes, compressed (issue 11)


def build(cities, countries):
    from cases.models import City

    City.objects.bulk_create(
        City(name=f"Town {n}", slug=f"bench-town-{n}", country=countries[n % len(countries)])
        for n in range(City.objects.count(), cities)
    )


def measure(client, url):
    client.get(url)  # the first visit shows the "saved" message
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return len(response.content), len(gzip.compress(response.content)), len(queries)


def main():
    from cases.countries import countries_add_missing
    from cases.models import City, Country, Event
    from tests.editor_helpers import complete_practice_row, report_data
    from tests.factories import make_challenge, make_editor, make_organisation

    countries_add_missing()  # every ISO country, as seeding adds them
    countries = list(Country.objects.all()[:50])
    challenges = [make_challenge() for _n in range(50)]
    organisers = [make_organisation() for _n in range(300)]
    build(10, countries)
    client = Client()
    client.force_login(make_editor("bench-editor"))
    city_ids = list(City.objects.values_list("pk", flat=True)[:3])
    practices = [
        {
            **complete_practice_row(
                title=f"Practice {n}", challenge=challenges[n], city=City.objects.first()
            ),
            "cities": [str(pk) for pk in city_ids],
        }
        for n in range(5)
    ]
    data = report_data(
        title="Bench report",
        practices=practices,
        cities=[str(pk) for pk in city_ids],
        challenges=[str(challenge.pk) for challenge in challenges[:5]],
        organisers=[str(organisation.pk) for organisation in organisers[:3]],
    )
    client.post(reverse("editor:event-create"), data)
    url = reverse("editor:event-edit", args=[Event.objects.get().slug])
    new_url = reverse("editor:event-create")
    for count in (10, 1_000):
        build(count, countries)
        for name, address in (("new report", new_url), ("report, 5 practices", url)):
            raw, compressed, queries = measure(client, address)
            verdict = "ok" if compressed < LIMIT else "OVER"
            print(
                f"{City.objects.count():>5} cities · {name:<20} · {raw:>7,} B raw · "
                f"{compressed:>6,} B gzip ({verdict}, limit {LIMIT:,}) · {queries} queries"
            )


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
