from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """The catalogue as data: feeds, exports, the read-only API, sitemaps and citations."""

    name = "opendata"
    verbose_name = _("Open data")
