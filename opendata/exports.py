"""CSV and JSON exports of a catalogue view: every matching practice, streamed in chunks.

The rows are read with .iterator(chunk_size=…); each chunk reads the relations of its practices
(challenges, cities, events, tags) and is written before the next is read: memory stays the same
for 100 practices or 100,000.
"""

import csv
import io
import json
from itertools import batched

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from .selectors import export_relations

CHUNK_SIZE = 1000
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NOTE = gettext_lazy(
    "The catalogue's records are licensed under Creative Commons Attribution 4.0 (CC BY 4.0): "
    "reuse them freely, naming CityLearn and linking to the record. Quotes from sources remain "
    "their authors' and are reproduced as short quotations."
)
CSV_COLUMNS = [
    "address",
    "slug",
    "title",
    "kind",
    "stage",
    "summary",
    "challenges",
    "cities",
    "city_roles",
    "events",
    "tags",
    "source",
    "source_publisher",
    "source_published_on",
    "source_url",
    "quote",
    "published_at",
    "updated_at",
]
# Several values in one CSV cell: slugs, as in the catalogue's addresses and the API.
VALUE_SEPARATOR = "; "


def citation(address, *, accessed_on=None):
    """How to cite an export or a view of the catalogue, with the day it was read."""
    accessed_on = accessed_on or timezone.localdate()
    return gettext("CityLearn, good practices catalogue, %(address)s (accessed %(day)s).") % {
        "address": address,
        "day": accessed_on.isoformat(),
    }


def practice_record(row, relations, address):
    """One practice (a row of selectors.export_rows) as plain data: what a JSON export holds, and
    a CSV row flattens."""
    published_on = row["source__published_on"]
    return {
        "address": address,
        "slug": row["slug"],
        "title": row["title"],
        "kind": row["kind"],
        "stage": row["stage"],
        "summary": row["summary"],
        "challenges": [{"slug": slug, "name": name} for slug, name in relations["challenges"]],
        # One entry per role the source gives a city: did it, presented it, or is its subject.
        "cities": [
            {"slug": slug, "name": name, "country": country, "role": role}
            for slug, name, country, role in relations["cities"]
        ],
        "events": [{"slug": slug, "title": title} for slug, title in relations["events"]],
        "tags": [slug for (slug,) in relations["tags"]],
        "source": row["source__slug"]
        and {
            "slug": row["source__slug"],
            "title": row["source__title"],
            "publisher": row["source__publisher"],
            "published_on": published_on and published_on.isoformat(),
            "url": row["source__url"],
        },
        "quote": row["source_quote"],
        "published_at": row["published_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }


def _csv_row(record):
    source = record["source"] or {}

    def slugs(name):
        # Each slug once: a city that did and presented a practice has two entries.
        return VALUE_SEPARATOR.join(dict.fromkeys(item["slug"] for item in record[name]))

    return [
        record["address"],
        record["slug"],
        record["title"],
        record["kind"],
        record["stage"],
        record["summary"],
        slugs("challenges"),
        slugs("cities"),
        # Each city's part as the source gives it: "berlin (did); berlin (presented)".
        VALUE_SEPARATOR.join(f"{city['slug']} ({city['role']})" for city in record["cities"]),
        slugs("events"),
        VALUE_SEPARATOR.join(record["tags"]),
        source.get("title", ""),
        source.get("publisher", ""),
        source.get("published_on") or "",
        source.get("url", ""),
        record["quote"],
        record["published_at"],
        record["updated_at"],
    ]


def _records(rows, base_url):
    """Batches of records, CHUNK_SIZE at a time, from one pass over the database: each batch
    reads the relations of its practices in four more queries."""
    # The address of a practice page, made once: reverse() for every row costs more than a row.
    address = base_url + reverse("cases:practice-detail", args=["SLUG"]).replace("SLUG", "{}")
    for batch in batched(rows.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        relations = export_relations([row["pk"] for row in batch])
        yield [
            practice_record(row, relations[row["pk"]], address.format(row["slug"])) for row in batch
        ]


def csv_chunks(rows, base_url):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue()
    for records in _records(rows, base_url):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(_csv_row(record) for record in records)
        yield buffer.getvalue()


def json_chunks(rows, base_url, *, address):
    head = {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "licence_note": str(LICENCE_NOTE),
        "citation": citation(address),
        "address": address,
    }
    # The document is written as it is read: its head, then the practices, then its end.
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "practices": ['
    separator = "\n"
    for records in _records(rows, base_url):
        yield separator + ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
        separator = ",\n"
    yield "\n]}\n"
