from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """The catalogue as data: feeds, exports, the read-only API, sitemaps and citations."""

    name = "opendata"
    verbose_name = "Open data"
