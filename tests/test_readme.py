"""Every README command that can run unattended works as written, in this clone after
`make setup` (what `make run` does before it serves), on a fresh database.

The README marks those code blocks with the comment in MARKER; this test runs each one with bash,
in an environment without the test run's DJANGO_* variables, so the clone's own .env is what
makes `.venv/bin/python manage.py ...` a development setup. The blocks marked ANSWERED ask before
they change anything: the test answers "y" and checks that they did it. INLINE lists commands the
README gives in its text, which the test runs too."""

import os
import re
import subprocess
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings
from django.db import connection

README = settings.BASE_DIR / "README.md"
MARKER = "<!-- tested: tests/test_readme.py runs this block -->"
ANSWERED = "<!-- tested, answering y: tests/test_readme.py runs this block -->"
# In the README's text, not in a block; FILE stands for a backup.
INLINE = [
    ".venv/bin/python manage.py refresh_search",
    ".venv/bin/python manage.py restore_database FILE --no-input",
]
BERLIN = "berlin-gemeinsam-digital-smart-city-strategy"


def marked_blocks(marker=MARKER):
    text = README.read_text(encoding="utf-8")
    return re.findall(re.escape(marker) + r"\s*```sh\n(.*?)```", text, re.DOTALL)


def test_the_readme_marks_its_unattended_commands():
    commands = "\n".join(marked_blocks())
    for command in ["manage.py seed", "createsuperuser --no-input", "make backup"]:
        assert command in commands
    answered = "\n".join(marked_blocks(ANSWERED))
    assert f"restore_seed_records {BERLIN}" in answered
    assert "make restore FILE=" in answered
    # Every marker is followed by a block: a marker that matches nothing would test nothing.
    text = README.read_text(encoding="utf-8")
    assert text.count(MARKER) == len(marked_blocks())
    assert text.count(ANSWERED) == len(marked_blocks(ANSWERED))
    for command in INLINE:
        assert f"`{command}`" in text


@pytest.fixture
def fresh_database(tmp_path):
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    # A database of its own, next to the test database, dropped afterwards.
    database = connection.settings_dict
    name = f"{database['NAME']}_readme"
    url = os.environ["DATABASE_URL"]
    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_every_unattended_readme_command_works_on_a_fresh_database(fresh_database, tmp_path):
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "PYTEST_")) and name not in {"REDIS_URL", "MAKEFLAGS"}
    }
    backups = tmp_path / "backups"
    environment.update(DATABASE_URL=fresh_database, BACKUP_DIR=str(backups))

    def run(block, answer=None):
        result = subprocess.run(  # noqa: S603
            ["bash", "-euo", "pipefail", "-c", block],  # noqa: S607
            cwd=settings.BASE_DIR,
            env=environment,
            input=answer,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{block}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def berlin_title(title=None):
        """The seed practice's title, after setting it to `title` when one is given."""
        code = (
            "from cases.models import GoodPractice as P; "
            f"p = P.objects.filter(slug='{BERLIN}'); "
            + (f"p.update(title='{title}'); " if title else "")
            + "print(p.get().title)"
        )
        return run(f'.venv/bin/python manage.py shell -c "{code}"').strip()

    for block in ["make setup", *marked_blocks()]:
        run(block)
    [backup] = backups.iterdir()
    seed_title = berlin_title()
    restore_seed, restore = marked_blocks(ANSWERED)

    # A curator's title, put back to the seed's when the operator says yes.
    berlin_title("Retitled by a curator")
    assert "Restored the seed's version of 1 records." in run(restore_seed, answer="y\n")
    assert berlin_title() == seed_title

    # The backup made above, restored over a change made since: the change is gone.
    berlin_title("Changed after the backup")
    output = run(re.sub(r"FILE=\S+", f"FILE={backup}", restore), answer="y\n")
    assert f"Restored {backup}" in output
    assert berlin_title() == seed_title

    berlin_title("Changed after the backup")
    for command in INLINE:
        run(command.replace("FILE", str(backup)))
    assert berlin_title() == seed_title
