"""A system check: the translation catalogues are compiled (make install does it; the .mo files
are not committed). Without them French and Portuguese pages would silently be in English."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Warning, register


@register()
def translations_compiled(app_configs, **kwargs):
    missing = [
        code
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
        and not (Path(settings.LOCALE_PATHS[0]) / code / "LC_MESSAGES" / "django.mo").exists()
    ]
    if not missing:
        return []
    return [
        Warning(
            f"The translations for {', '.join(missing)} are not compiled: those pages would be "
            "in English.",
            hint="Run make install (or manage.py compilemessages, with GNU gettext installed).",
            id="citylearn.W001",
        )
    ]
