from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Catalogue")

    def ready(self):
        from . import checks, signals  # noqa: F401 (registers the check, connects the receivers)
