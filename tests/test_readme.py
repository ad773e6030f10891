"""Every README command that can run unattended works as written, in this clone after
`make setup` (what `make run` does before it serves), on a fresh database.

The README marks those code blocks with the comment in MARKER; this test runs each one with bash,
in an environment without the test run's DJANGO_* variables, so the clone's own .env is what
makes `.venv/bin/python manage.py ...` a development setup."""

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


def marked_blocks():
    text = README.read_text(encoding="utf-8")
    return re.findall(re.escape(MARKER) + r"\s*```sh\n(.*?)```", text, re.DOTALL)


def test_the_readme_marks_its_unattended_commands():
    commands = "\n".join(marked_blocks())
    for command in ["manage.py seed", "createsuperuser --no-input", "make backup"]:
        assert command in commands
    # Every marker is followed by a block: a marker that matches nothing would test nothing.
    assert README.read_text(encoding="utf-8").count(MARKER) == len(marked_blocks())


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
    environment.update(DATABASE_URL=fresh_database, BACKUP_DIR=str(tmp_path / "backups"))
    for block in ["make setup", *marked_blocks()]:
        result = subprocess.run(  # noqa: S603
            ["bash", "-euo", "pipefail", "-c", block],  # noqa: S607
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{block}\n{result.stdout}\n{result.stderr}"
    assert list((tmp_path / "backups").iterdir())
