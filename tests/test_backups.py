"""Backups that restore: a backup restored into an empty database gives the same catalogue."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases.backups import catalogue_checksum, table_counts
from cases.models import GoodPractice, Status

from .factories import make_editor, make_practice

# The backup tools read the database from outside the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def backup():
    output = run("backup_database")
    return Path(re.search(r"Backup written to (\S+)", output).group(1))


@pytest.fixture
def catalogue(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    run("seed")
    # More than the seed: a user, a draft and an archived practice.
    editor = make_editor()
    make_practice(title="Draft budget pooling", status=Status.DRAFT, created_by=editor)
    make_practice(title="Archived data portal", status=Status.ARCHIVED, tags=["open data"])


def empty_the_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            # Dropping search's FTS5 table drops its shadow tables with it: drop whatever
            # is left, one table at a time, until nothing is.
            while tables := connection.introspection.table_names(cursor):
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(tables[0])}")
            cursor.execute("PRAGMA foreign_keys = ON")
    assert connection.introspection.table_names() == []


def test_a_backup_restored_into_an_empty_database_gives_the_same_catalogue(catalogue):
    counts, checksum = table_counts(), catalogue_checksum()
    path = backup()
    empty_the_database()
    output = run("restore_database", str(path), "--no-input")
    assert table_counts() == counts
    assert catalogue_checksum() == checksum
    assert f"catalogue checksum {checksum}" in output


def test_restoring_undoes_what_changed_since_the_backup_and_keeps_that_state_too(
    catalogue, settings
):
    counts, checksum = table_counts(), catalogue_checksum()
    path = backup()
    GoodPractice.objects.filter(status=Status.PUBLISHED).first().delete()
    changed = catalogue_checksum()
    output = run("restore_database", str(path), "--no-input")
    assert (table_counts(), catalogue_checksum()) == (counts, checksum)
    # What was there before the restore was saved first, and restores in its turn.
    saved = Path(re.search(r"The database as it was is saved in (\S+)", output).group(1))
    assert saved.parent == settings.BACKUP_DIR
    run("restore_database", str(saved), "--no-input")
    assert catalogue_checksum() == changed


def test_backups_are_timestamped_files_in_the_backup_directory(catalogue, settings):
    first, second = backup(), backup()
    assert first != second
    assert {first.parent, second.parent} == {settings.BACKUP_DIR}
    suffix = ".dump" if connection.vendor == "postgresql" else ".sqlite3"
    assert first.name.startswith(f"citylearn-{connection.vendor}-") and first.suffix == suffix


def test_the_checksum_follows_public_content_only(catalogue):
    checksum = catalogue_checksum()
    GoodPractice.objects.filter(status=Status.DRAFT).update(title="Still a draft")
    assert catalogue_checksum() == checksum
    practice = GoodPractice.objects.filter(status=Status.PUBLISHED).first()
    practice.tags.add("a new tag")
    assert catalogue_checksum() != checksum


def test_restore_asks_first_and_an_answer_of_no_changes_nothing(catalogue, monkeypatch):
    path = backup()
    GoodPractice.objects.filter(status=Status.PUBLISHED).first().delete()
    checksum = catalogue_checksum()
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert "Nothing was restored." in run("restore_database", str(path))
    assert catalogue_checksum() == checksum


def test_restore_refuses_a_backup_of_the_other_database(catalogue, tmp_path):
    other = "SQLite format 3\x00" if connection.vendor == "postgresql" else "PGDMP"
    path = tmp_path / "other.backup"
    path.write_bytes(other.encode() + bytes(100))
    with pytest.raises(CommandError, match=r"backup; the database .* is"):
        run("restore_database", str(path), "--no-input")


def test_restore_names_a_missing_file(catalogue, tmp_path):
    with pytest.raises(CommandError, match="No backup at"):
        run("restore_database", str(tmp_path / "nothing.dump"), "--no-input")
