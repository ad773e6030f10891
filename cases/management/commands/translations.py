"""The interface's translation catalogues (locale/<language>/LC_MESSAGES/django.po).

    manage.py translations            update the catalogues from the code and templates
    manage.py translations --check    fail if a string is untranslated or fuzzy (changes nothing)

Both gather the strings as makemessages does, for every language but English, then compile.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

# Not the site's own interface: its tests, the load-test data generator and what tools install.
IGNORED = [".venv", ".lock-venv", ".tools", "staticfiles", "tests", "demo", "bench", "backups"]


def languages():
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(locale_dir, language):
    return Path(locale_dir) / language / "LC_MESSAGES" / "django.po"


def gettext_tool(*arguments):
    if shutil.which(arguments[0]) is None:
        raise CommandError(
            f"{arguments[0]} is not installed: it comes with GNU gettext "
            "(apt-get install gettext; make install does it)."
        )
    result = subprocess.run(arguments, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise CommandError(result.stderr.strip())
    return result.stdout


def make_messages(locale_dir):
    """Bring the catalogues in `locale_dir` in step with the code (makemessages)."""
    with override_settings(LOCALE_PATHS=[locale_dir]):
        call_command(
            "makemessages",
            locale=languages(),
            ignore_patterns=IGNORED,
            no_obsolete=True,
            add_location="file",
            verbosity=0,
        )


def problems(po_file):
    """The entries of `po_file` that a reader would see in English: untranslated or fuzzy."""
    found = []
    for option, what in [("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")]:
        entries = gettext_tool("msgattrib", option, "--no-obsolete", "--no-wrap", str(po_file))
        for block in entries.split("\n\n"):
            msgid = [line for line in block.splitlines() if line.startswith("msgid ")]
            if msgid and msgid[0] != 'msgid ""':
                found.append(f"{po_file.parent.parent.name}: {what} {msgid[0][6:]}")
    return found


class Command(BaseCommand):
    help = "Update the translation catalogues, or with --check fail on any untranslated string."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Gather the strings into a copy of the catalogues and fail on any untranslated "
            "or fuzzy entry; the repository's files are left as they are.",
        )

    def handle(self, *args, check, **options):
        locale_dir = Path(settings.LOCALE_PATHS[0])
        if not check:
            make_messages(locale_dir)
            call_command("compilemessages", locale=languages(), verbosity=0)
            self.stdout.write(f"Updated and compiled {', '.join(languages())} in {locale_dir}.")
            return
        with tempfile.TemporaryDirectory() as copy:
            shutil.copytree(locale_dir, copy, dirs_exist_ok=True)
            make_messages(copy)
            found = [line for code in languages() for line in problems(catalogue(copy, code))]
            for code in languages():
                gettext_tool("msgfmt", "--check", "-o", "/dev/null", str(catalogue(copy, code)))
        if found:
            raise CommandError(
                f"{len(found)} interface strings are not translated:\n"
                + "\n".join(found)
                + "\nRun make messages, translate them in locale/*/LC_MESSAGES/django.po "
                "and remove any #, fuzzy flag."
            )
        call_command("compilemessages", locale=languages(), verbosity=0)
        self.stdout.write(self.style.SUCCESS("Every interface string is translated."))
