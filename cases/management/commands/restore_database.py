from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases.backups import BackupError, backup_create, backup_restore, database_summary


class Command(BaseCommand):
    help = (
        "Replace the database's contents (DATABASE_URL) with a backup made by backup_database, "
        "after backing up what is there now."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--no-input",
            "--yes",
            action="store_false",
            dest="interactive",
            help="Restore without asking for confirmation.",
        )

    def handle(self, *args, file, interactive, **options):
        if not file.is_file():
            raise CommandError(f"No backup at {file}.")
        database = connection.settings_dict["NAME"]
        if interactive and not self._confirmed(file, database):
            self.stdout.write("Nothing was restored.")
            return
        try:
            # Nothing lost: what is there now can be restored in its turn.
            before = backup_create(directory=settings.BACKUP_DIR)
            self.stdout.write(f"The database as it was is saved in {before}")
            backup_restore(path=file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {file}"))
        self.stdout.write(database_summary())
        self.stdout.write("If this release is newer than the backup, run manage.py migrate now.")

    def _confirmed(self, file, database):
        try:
            answer = input(f"Replace everything in the database {database} with {file}? [y/N] ")
        except EOFError:
            return False
        return answer.strip().lower() in {"y", "yes"}
