"""CSV and JSON exports of a catalogue view: every matching practice, streamed in chunks.

The rows are read with .iterator(chunk_size=…), which prefetches the relations of one chunk at a
time, and written as they are read: memory stays the same for 100 practices or 100,000.
"""

import csv
import io
import json
from itertools import batched

from django.utils import timezone
from django.utils.translation import gettext_lazy

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
    "stage",
    "summary",
    "challenges",
    "cities",
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
    return f"CityLearn, good practices catalogue, {address} (accessed {accessed_on.isoformat()})."


def practice_record(practice, base_url):
    """One practice as plain data: what a JSON export holds, and a CSV row flattens."""
    source = practice.source
    return {
        "address": base_url + practice.get_absolute_url(),
        "slug": practice.slug,
        "title": practice.title,
        "stage": practice.stage,
        "summary": practice.summary,
        "challenges": [
            {"slug": challenge.slug, "name": challenge.name}
            for challenge in practice.challenges.all()
        ],
        "cities": [
            {"slug": city.slug, "name": city.name, "country": city.country.name}
            for city in practice.cities.all()
        ],
        "events": [{"slug": event.slug, "title": event.title} for event in practice.events.all()],
        "tags": [link.tag.slug for link in practice.tag_links],
        "source": source
        and {
            "slug": source.slug,
            "title": source.title,
            "publisher": source.publisher,
            "published_on": source.published_on and source.published_on.isoformat(),
            "url": source.url,
        },
        "quote": practice.source_quote,
        "published_at": practice.published_at.isoformat(),
        "updated_at": practice.updated_at.isoformat(),
    }


def _csv_row(record):
    source = record["source"] or {}

    def slugs(name):
        return VALUE_SEPARATOR.join(item["slug"] for item in record[name])

    return [
        record["address"],
        record["slug"],
        record["title"],
        record["stage"],
        record["summary"],
        slugs("challenges"),
        slugs("cities"),
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


def _forget_relations(practices):
    # Prefetched relations point back at their practice (a related manager's queryset keeps its
    # instance, a tag link its practice): reference cycles that only a full garbage collection
    # frees, many chunks later. Cut, each chunk is freed as soon as it is written.
    for practice in practices:
        practice._prefetched_objects_cache = {}
        practice.tag_links = []


def _records(practices, base_url):
    """Batches of records, CHUNK_SIZE at a time, from one pass over the database."""
    rows = practices.iterator(chunk_size=CHUNK_SIZE)
    for batch in batched(rows, CHUNK_SIZE):
        records = [practice_record(practice, base_url) for practice in batch]
        _forget_relations(batch)
        yield records


def csv_chunks(practices, base_url):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue()
    for records in _records(practices, base_url):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(_csv_row(record) for record in records)
        yield buffer.getvalue()


def json_chunks(practices, base_url, *, address):
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
    for records in _records(practices, base_url):
        yield separator + ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
        separator = ",\n"
    yield "\n]}\n"
