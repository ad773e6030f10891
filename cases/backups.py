"""Backups of the whole database, and restoring one: `make backup`, `make restore FILE=...`.

PostgreSQL: pg_dump's custom format (-Fc), restored with pg_restore in one transaction.
SQLite: the online backup API, a consistent copy even while the site writes. Either way the
backup is one timestamped file in BACKUP_DIR (default backups/, git-ignored).

table_counts() and catalogue_checksum() describe a database so that two can be compared: the
commands print both after a backup and after a restore, and the tests compare them.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.utils import timezone

from challenges.models import Challenge, Theme

from .models import PUBLIC_STATUSES, City, Country, Event, GoodPractice, Organisation, Source

POSTGRESQL_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup that cannot be made or restored here; the message says why."""


def _postgresql_environment() -> dict[str, str]:
    # libpq reads these, so neither the password nor the host appears on a command line.
    database = connection.settings_dict
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database["NAME"],
        "PGSSLMODE": database.get("OPTIONS", {}).get("sslmode"),
    }
    return {**os.environ, **{name: value for name, value in values.items() if value}}


def _run(command: list[str]) -> None:
    try:
        subprocess.run(  # noqa: S603 (fixed programs; the file path is ours)
            command,
            env=_postgresql_environment(),
            check=True,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        message = f"{command[0]} is not installed (apt-get install postgresql-client)."
        raise BackupError(message) from None
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from None


SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}


def _new_path(directory: Path, vendor: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"citylearn-{vendor}-{timezone.now():%Y%m%d-%H%M%S}"
    path, number = directory / f"{stem}{SUFFIXES[vendor]}", 1
    # Two backups in one second (a restore saves the database first) get a number.
    while path.exists():
        number += 1
        path = directory / f"{stem}-{number}{SUFFIXES[vendor]}"
    return path


def backup_create(*, directory: Path) -> Path:
    """Write a backup of the default database into directory; return its path."""
    if connection.vendor not in SUFFIXES:
        raise BackupError(f"No backup for a {connection.vendor} database.")
    path = _new_path(directory, connection.vendor)
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"])
    else:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return path


def _kind(path: Path) -> str:
    with path.open("rb") as backup:
        start = backup.read(len(SQLITE_MAGIC))
    if start.startswith(POSTGRESQL_MAGIC):
        return "postgresql"
    if start == SQLITE_MAGIC:
        return "sqlite"
    return "unknown"


def backup_restore(*, path: Path) -> None:
    """Replace the default database's contents with the backup at path."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    kind = _kind(path)
    if kind != connection.vendor:
        raise BackupError(
            f"{path.name} is a {kind} backup; the database (DATABASE_URL) is {connection.vendor}."
        )
    if kind == "postgresql":
        # Other connections of this process would hold locks on the tables it replaces.
        connection.close()
        options = [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
        ]
        _run(["pg_restore", *options, f"--dbname={connection.settings_dict['NAME']}", str(path)])
    else:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()


def table_counts() -> dict[str, int]:
    """The number of rows of every table in the database."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _row(obj, links: dict[str, list]) -> str:
    fields = {field.attname: field.value_from_object(obj) for field in obj._meta.concrete_fields}
    return json.dumps([obj._meta.label, fields, links], sort_keys=True, default=str)


def _slugs(related) -> list[str]:
    return sorted(item.slug for item in related.all())


def catalogue_checksum() -> str:
    """A hash of what the public sees: the taxonomy, cities and sources, and the public events
    and practices with every field and link, in a stable order."""
    digest = hashlib.sha256()
    for model in [Theme, Challenge, Country, City, Organisation, Source]:
        for obj in model.objects.order_by("pk"):
            digest.update(_row(obj, {}).encode())
    events = Event.objects.filter(status__in=PUBLIC_STATUSES).order_by("pk")
    for event in events.prefetch_related("cities", "challenges", "organisers"):
        links = {
            name: _slugs(getattr(event, name)) for name in ("cities", "challenges", "organisers")
        }
        digest.update(_row(event, links).encode())
    practices = GoodPractice.objects.filter(status__in=PUBLIC_STATUSES).order_by("pk")
    for practice in practices.prefetch_related("cities", "challenges", "events", "tags"):
        links = {
            name: _slugs(getattr(practice, name)) for name in ("cities", "challenges", "events")
        }
        links["tags"] = sorted(tag.name for tag in practice.tags.all())
        digest.update(_row(practice, links).encode())
    return digest.hexdigest()


def database_summary() -> str:
    """What the backup and restore commands print, so an operator can compare the two."""
    counts = table_counts()
    return (
        f"{len(counts)} tables, {sum(counts.values()):,} rows; "
        f"catalogue checksum {catalogue_checksum()}"
    )
