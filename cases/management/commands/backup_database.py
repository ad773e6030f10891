from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.backups import BackupError, backup_create, database_summary


class Command(BaseCommand):
    help = "Back up the whole database (DATABASE_URL) into one timestamped file in BACKUP_DIR."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", type=Path, help="Where to write the backup (default: BACKUP_DIR)."
        )

    def handle(self, *args, output_dir, **options):
        try:
            path = backup_create(directory=output_dir or settings.BACKUP_DIR)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
        self.stdout.write(database_summary())
