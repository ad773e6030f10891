import os
import subprocess
import sys

from django.conf import settings


def run_settings(**env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "citylearn.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_development_starts_without_a_secret_key():
    assert run_settings(DJANGO_DEBUG="true").returncode == 0


def test_production_starts_with_a_secret_key():
    assert run_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 60).returncode == 0


def test_an_unclear_boolean_is_refused_with_its_name():
    result = run_settings(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_database_url_selects_postgresql():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "citylearn.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/citylearn",
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_a_development_clone_runs_from_its_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# written by make\nDJANGO_DEBUG=true\n")
    assert run_settings(DJANGO_ENV_FILE=str(env_file)).returncode == 0


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=true\n")
    result = run_settings(DJANGO_ENV_FILE=str(env_file), DJANGO_DEBUG="false")
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_without_an_env_file_debug_is_off_and_a_secret_key_is_required():
    result = run_settings(DJANGO_ENV_FILE="")
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
