from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Catalogue"

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
