"""Settings for a server the tests start in a subprocess (gunicorn): production settings, but
static files found without collectstatic, as the autouse fixture in conftest.py does in-process."""

from citylearn.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
